#!/usr/bin/env bash
# GPU placement benchmark: `rig check` (parse, check, placement proof or
# refutation) on NODES × 8 GPUs with 500 requests; wall time and peak RSS
# from GNU time; then the adversarial inputs of gen-adversarial.py, which
# first-fit cannot place and only the solver proves or refutes.
# Usage: bench/placement/run.sh [RIG]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rig=${1:-$here/../../build/rig}
work=${BENCH_DIR:-$here/../../build/bench/placement}
mkdir -p "$work"
printf '| nodes | requests | pods | answer | wall (s) | peak RSS (MB) |\n|---|---|---|---|---|---|\n'
for case in "10 500 1" "100 500 1" "1000 500 1" "1000 500 4" "1000 500 5" "10000 500 40"; do
  set -- $case
  f="$work/placement-$1-$2-$3.rig"
  python3 "$here/gen.py" "$1" "$2" "$3" > "$f"
  /usr/bin/time -f '%e %M' -o "$work/time" "$rig" check "$f" > /dev/null 2> "$work/diags" || true
  read -r wall rss < <(tail -1 "$work/time")
  if grep -q E0712 "$work/diags"; then answer="refuted (Z3 core)"
  elif grep -q E0711 "$work/diags"; then answer="refuted (no node)"
  elif grep -q W0701 "$work/diags"; then answer="inconclusive"
  elif grep -q "error" "$work/diags"; then answer="error"
  else answer="proved (first-fit, checked)"; fi
  printf '| %s | %s | %s | %s | %s | %d |\n' "$1" "$2" "$(( $2 * $3 ))" "$answer" "$wall" "$(( rss / 1024 ))"
done

printf '\nAdversarial (first-fit fails; MIG, 8 GPUs per node, 500 workloads):\n\n'
printf '| nodes | kind | pods | answer | wall (s) | peak RSS (MB) |\n|---|---|---|---|---|---|\n'
for case in "10 fits" "10 refute" "100 fits" "100 refute" "1000 fits" "1000 refute"; do
  set -- $case
  f="$work/adversarial-$1-$2.rig"
  python3 "$here/gen-adversarial.py" "$1" 500 "$2" > "$f"
  pods=$(awk '/replicas =/ { for (i = 1; i <= NF; ++i) if ($i == "replicas") { v = $(i + 2); sub(";", "", v); n += v } } END { print n }' "$f")
  /usr/bin/time -f '%e %M' -o "$work/time" "$rig" explain "$f" > "$work/explain" 2> "$work/diags" || true
  read -r wall rss < <(tail -1 "$work/time")
  if grep -q E0712 "$work/diags"; then answer="refuted (Z3 core)"
  elif grep -q W0701 "$work/diags"; then answer="inconclusive"
  elif grep -q "error" "$work/diags"; then answer="error"
  elif grep -q "fits (Z3" "$work/explain"; then answer="proved (Z3, checked)"
  else answer="proved (first-fit, checked)"; fi
  printf '| %s | %s | %s | %s | %s | %d |\n' "$1" "$2" "$pods" "$answer" "$wall" "$(( rss / 1024 ))"
done
