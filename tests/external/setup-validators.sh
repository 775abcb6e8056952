#!/usr/bin/env bash
# Copies the shared validators (k8s-validate, apparmor-check, lsp-client) out
# of shared/, which is read-only in CI, into a cache folder and installs their
# npm dependencies there. The files are refreshed on every run (cheap); `npm ci`
# runs only when a tool's package-lock.json differs from the one it last
# installed (kept as a stamp file) or node_modules is gone.
#
# usage: tests/external/setup-validators.sh
# env:   RIG_SHARED       shared/ folder   (default: REPO/../shared)
#        RIG_TOOLS_CACHE  cache folder     (default: REPO/build/tools)
set -eu
REPO=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${RIG_SHARED:-$REPO/../shared}
CACHE=${RIG_TOOLS_CACHE:-$REPO/build/tools}
TOOLS="k8s-validate apparmor-check lsp-client"

die() { echo "setup-validators: $*" >&2; exit 2; }
[ -d "$SHARED/tools" ] || die "no shared tools at $SHARED/tools (set RIG_SHARED to the shared/ folder)"
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

for tool in $TOOLS; do
  src=$SHARED/tools/$tool
  dst=$CACHE/$tool
  stamp=$dst/.installed-package-lock.json
  [ -d "$src" ] || die "$src is missing"

  # Refresh the copy, keeping node_modules and the stamp.
  mkdir -p "$dst"
  find "$dst" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name "$(basename "$stamp")" -exec rm -rf {} +
  cp -R "$src/." "$dst/"
  chmod -R u+w "$dst"

  [ -f "$dst/package-lock.json" ] || continue
  if [ -d "$dst/node_modules" ] && [ -f "$stamp" ] && cmp -s "$dst/package-lock.json" "$stamp"; then
    continue
  fi
  command -v npm >/dev/null 2>&1 || die "npm not found (run scripts/install-deps.sh)"
  echo "setup-validators: npm ci in $dst"
  rm -f "$stamp"
  log=$(mktemp "${TMPDIR:-/tmp}/setup-validators.XXXXXX")
  if ! (cd "$dst" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    die "npm ci failed in $dst"
  fi
  rm -f "$log"
  cp "$dst/package-lock.json" "$stamp"
done

echo "setup-validators: tools ready in $CACHE:"
echo "  k8s-validate:   node $CACHE/k8s-validate/validate.mjs FILE..."
echo "  apparmor-check: sh $CACHE/apparmor-check/check.sh PROFILE..."
echo "  lsp-client:     node $CACHE/lsp-client/lsp-drive.mjs (see its README.md)"
