#!/usr/bin/env bash
# Validates rig output folders with tools rig did not write:
#   - every *.yaml and *.json under DIR (except kustomization.yaml) with k8s-validate,
#     the Kubernetes OpenAPI schemas (one check per file);
#   - every file under DIR/apparmor/ with apparmor-check (apparmor_parser,
#     one check per profile file);
#   - DIR/kustomization.yaml, if any, with `kubectl kustomize DIR` (one check
#     per folder; skipped with a message when kubectl is not on PATH).
# Ends with the line "N passed, M failed"; exit 1 on any failure, 2 on usage
# errors or tools not set up.
#
# usage: tests/external/validate-outputs.sh DIR...
#        (run tests/external/setup-validators.sh first)
# env:   RIG_TOOLS_CACHE  where setup-validators.sh put the tools
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${RIG_TOOLS_CACHE:-$REPO/build/tools}
VALIDATE=$CACHE/k8s-validate/validate.mjs
AACHECK=$CACHE/apparmor-check/check.sh

[ $# -ge 1 ] || { echo "usage: $0 DIR..." >&2; exit 2; }
if [ ! -f "$VALIDATE" ] || [ ! -d "$CACHE/k8s-validate/node_modules" ] || [ ! -f "$AACHECK" ]; then
  echo "validate-outputs: validators not set up in $CACHE; run tests/external/setup-validators.sh first" >&2
  exit 2
fi

pass=0 fail=0 skipped=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

for dir in "$@"; do
  dir=${dir%/}
  if [ ! -d "$dir" ]; then bad "$dir: not a directory"; continue; fi
  checked_here=0

  # Manifests: one k8s-validate run for the whole folder, then per-file
  # verdicts from its "FILE:DOC: ..." lines.
  manifests=()
  while IFS= read -r -d '' f; do manifests+=("$f"); done \
    < <(find "$dir" -type f \( -name '*.yaml' -o -name '*.json' \) ! -name kustomization.yaml -print0 | sort -z)
  if [ ${#manifests[@]} -gt 0 ]; then
    rc=0
    out=$(node "$VALIDATE" "${manifests[@]}" 2>&1) || rc=$?
    [ -z "$out" ] || printf '%s\n' "$out"
    failed_files=0
    for f in "${manifests[@]}"; do
      if [ "$rc" -ne 0 ] && awk -v p="$f:" 'index($0, p) == 1 { found = 1 } END { exit !found }' <<<"$out"; then
        bad "k8s-validate: $f"; failed_files=$((failed_files + 1))
      else
        ok
      fi
    done
    # A failure not attributed to any file (usage error, crash) fails the folder.
    if [ "$rc" -ne 0 ] && [ "$failed_files" -eq 0 ]; then
      bad "k8s-validate exited $rc on $dir"
    fi
    checked_here=$((checked_here + ${#manifests[@]}))
  fi

  # AppArmor profiles.
  if [ -d "$dir/apparmor" ]; then
    while IFS= read -r -d '' p; do
      if sh "$AACHECK" "$p"; then ok; else bad "apparmor-check: $p"; fi
      checked_here=$((checked_here + 1))
    done < <(find "$dir/apparmor" -type f -print0 | sort -z)
  fi

  # The kustomization must build.
  if [ -f "$dir/kustomization.yaml" ]; then
    if command -v kubectl >/dev/null 2>&1; then
      if kerr=$(kubectl kustomize "$dir" 2>&1 >/dev/null); then
        ok
      else
        printf '%s\n' "$kerr"; bad "kubectl kustomize $dir"
      fi
    else
      echo "validate-outputs: kubectl not on PATH; $dir/kustomization.yaml not checked"
      skipped=$((skipped + 1))
    fi
    checked_here=$((checked_here + 1))
  fi

  [ "$checked_here" -gt 0 ] || bad "$dir: nothing to check (no *.yaml, no apparmor/ profiles)"
done

[ "$skipped" -eq 0 ] || echo "validate-outputs: $skipped kustomization check(s) skipped"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
