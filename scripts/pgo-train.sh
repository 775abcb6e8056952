#!/usr/bin/env bash
# The training run of the profile-guided build (scripts/pgo-build.sh): the
# instrumented rig given as $1 compiles what people write with it, and
# writes its execution profile as it exits.
#   - every example, as a folder: build to a directory and to stdout,
#     check, explain (the solver-backed proofs included);
#   - every golden input: the diagnostics of broken programs as well as
#     the manifests of good ones;
#   - a large varied file (scripts/pgo-corpus.py, 3,000 workloads of every
#     kind, 3 MB): the path a large plain file takes (parsed in parts on
#     every core and checked as it is parsed), then the same file with a
#     `let` (parsed whole, checked after), and as one file per workload.
# Not the benchmark's input (bench/gen-workloads.py).
set -euo pipefail
cd "$(dirname "$0")/.."
RIG=$1
[ -x "$RIG" ] || { echo "pgo-train: $RIG is not an executable" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Exit codes are not the point here: broken inputs exit 1 by design.
run() { "$RIG" "$@" >/dev/null 2>&1 || true; }
for dir in examples/*/; do
  name=$(basename "$dir")
  run build -o "$work/out-$name" "$dir"
  run build -o - "$dir"
  run check "$dir"
  run explain "$dir"
  run fmt --check "$dir"*.rig
done
while IFS= read -r f; do
  run build -o - "$f"
  run build --format json -o - "$f"
  run check --diagnostics json "$f"
done < <(find tests/golden -name '*.rig' | sort)
python3 scripts/pgo-corpus.py 3000 -o "$work/corpus.rig"
for _ in 1 2 3; do run build -o - "$work/corpus.rig"; done
run build -o "$work/corpus-out" "$work/corpus.rig"
{ echo 'let default_replicas = 2'; cat "$work/corpus.rig"; } > "$work/corpus-let.rig"
run build -o - "$work/corpus-let.rig"
python3 scripts/pgo-corpus.py 500 --files "$work/corpus-files"
run build -o - "$work/corpus-files"
