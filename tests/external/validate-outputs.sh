#!/usr/bin/env bash
# Validates rig output folders with tools rig did not write: every manifest
# with k8s-validate (the Kubernetes OpenAPI schemas), every AppArmor profile
# under apparmor/ with apparmor_parser (apparmor-check), and each folder's
# kustomization.yaml with `kubectl kustomize` where kubectl exists.
# usage: validate-outputs.sh DIR...     (run setup-validators.sh first)
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${RIG_TOOLS_CACHE:-$REPO/build/tools}
[ $# -ge 1 ] || { echo "usage: $0 DIR..." >&2; exit 2; }
[ -f "$CACHE/k8s-validate/validate.mjs" ] || { echo "validate-outputs: run tests/external/setup-validators.sh first" >&2; exit 2; }
pass=0 fail=0
for dir in "$@"; do
  mapfile -t manifests < <(find "$dir" -type f \( -name '*.yaml' -o -name '*.json' \) ! -name kustomization.yaml | sort)
  if [ ${#manifests[@]} -gt 0 ]; then
    if node "$CACHE/k8s-validate/validate.mjs" "${manifests[@]}"; then
      pass=$((pass + ${#manifests[@]}))
    else
      fail=$((fail + 1)); echo "FAIL: k8s-validate rejected manifests in $dir"
    fi
  fi
  if [ -d "$dir/apparmor" ]; then
    mapfile -t profiles < <(find "$dir/apparmor" -type f | sort)
    if [ ${#profiles[@]} -gt 0 ]; then
      if sh "$CACHE/apparmor-check/check.sh" "${profiles[@]}"; then
        pass=$((pass + ${#profiles[@]}))
      else
        fail=$((fail + 1)); echo "FAIL: apparmor-check rejected profiles in $dir"
      fi
    fi
  fi
  if [ -f "$dir/kustomization.yaml" ]; then
    if command -v kubectl >/dev/null 2>&1; then
      if kubectl kustomize "$dir" >/dev/null; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: kubectl kustomize $dir"; fi
    else
      echo "validate-outputs: kubectl not found; kustomization.yaml in $dir not checked"
    fi
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
