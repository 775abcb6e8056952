#!/usr/bin/env bash
# One command on a fresh machine: install what is missing, build rig, and
# compile every example into out/<example>/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Profile-guided (scripts/pgo-build.sh: a training build and run first,
# about two minutes more; RIG_NO_PGO=1 skips them).
bash scripts/pgo-build.sh build
cmake --build build --target rig
rm -rf out.rig-*
for dir in examples/*/; do
  name=$(basename "$dir")
  build/rig build -o "out/$name" "$dir"
  echo "out/$name: $(find "out/$name" -name '*.yaml' | wc -l) files"
done
