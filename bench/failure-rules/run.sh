#!/bin/sh
# Times the failure-rule analysis: `rig check` (parse, check, verify; no
# output) on 1 and 1,000 jobs of 20 rules x 255 exit codes, against the same
# jobs without rules, so the difference is the rules' checking and analysis.
# usage: bench/failure-rules/run.sh [RUNS]   (RIG=path/to/rig to override)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
RIG=${RIG:-$root/build/rig}
RUNS=${1:-5}
work=${BENCH_DIR:-$root/build/bench}/failure-rules
mkdir -p "$work"
python3 "$here/gen.py" 1 > "$work/jobs-1.rig"
python3 "$here/gen.py" 1000 > "$work/jobs-1000.rig"
python3 "$here/gen.py" 1 1 --no-rules > "$work/jobs-1-norules.rig"
python3 "$here/gen.py" 1000 1 --no-rules > "$work/jobs-1000-norules.rig"
# Best of RUNS, in milliseconds (a noisy shared machine: the minimum is the
# least disturbed run).
best() {
  b=""
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    s=$(date +%s%N)
    "$RIG" check "$1" > /dev/null 2>&1 || true
    e=$(date +%s%N)
    t=$(( (e - s) / 1000000 ))
    if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
    i=$((i + 1))
  done
  echo "$b"
}
for f in jobs-1-norules jobs-1 jobs-1000-norules jobs-1000; do
  printf '%-20s %6s ms\n' "$f" "$(best "$work/$f.rig")"
done
