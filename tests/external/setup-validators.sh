#!/usr/bin/env bash
# Copies the shared validators (k8s-validate, apparmor-check, lsp-client)
# into the build tree and installs their npm dependencies there: shared/ is
# read-only in CI. Re-runs `npm ci` only when a lock file changed.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${RIG_SHARED:-$REPO/../shared}
CACHE=${RIG_TOOLS_CACHE:-$REPO/build/tools}
[ -d "$SHARED/tools" ] || { echo "setup-validators: no shared tools at $SHARED/tools (set RIG_SHARED)" >&2; exit 2; }
mkdir -p "$CACHE"
for tool in k8s-validate apparmor-check lsp-client; do
  src="$SHARED/tools/$tool"
  [ -d "$src" ] || continue
  dst="$CACHE/$tool"
  stamp="$dst/.installed-lock"
  if [ -f "$src/package-lock.json" ] && [ -f "$stamp" ] && cmp -s "$src/package-lock.json" "$stamp"; then
    continue
  fi
  rm -rf "$dst"
  cp -r "$src" "$dst"
  chmod -R u+w "$dst"
  if [ -f "$dst/package-lock.json" ]; then
    (cd "$dst" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$src/package-lock.json" "$stamp"
  fi
done
echo "setup-validators: tools in $CACHE"
