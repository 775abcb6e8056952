#!/usr/bin/env bash
# Installs what rig needs to build and test, from Debian packages, and only
# what is missing (checked with dpkg-query). Idempotent: a second run installs
# nothing and does not even run `apt-get update`.
#
# Runs as root; otherwise through sudo when sudo exists.
# usage: scripts/install-deps.sh
set -eu
export DEBIAN_FRONTEND=noninteractive

packages=(
  cmake g++ ninja-build pkg-config                   # build
  python3                                            # the PGO training input (scripts/pgo-corpus.py)
  antlr4 libantlr4-runtime-dev                       # parser generator and its C++ runtime
  llvm-14-dev libyaml-cpp-dev libfmt-dev libz3-dev   # libraries
  libncurses-dev                                     # libtinfo.a, for LLVM Support
  libgtest-dev googletest                            # unit tests
  apparmor                                           # apparmor_parser for the profile checks
  hyperfine time                                     # benchmarks (bench/run.sh)
  neovim                                             # editor client for the LSP tests
)
# The external validators run on Node. An image may ship its own Node (with
# npm inside) outside dpkg's view: only install Debian's when there is none.
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]; }

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  SUDO=(sudo env DEBIAN_FRONTEND=noninteractive)
fi

log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX")
trap 'rm -f "$log"' EXIT
fail() {
  echo "install-deps: $1 failed; its output:" >&2
  tail -n 40 "$log" >&2
  exit 1
}

echo "install-deps: installing ${missing[*]}"
"${SUDO[@]}" apt-get update -qq >"$log" 2>&1 || fail "apt-get update"
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 \
  || fail "apt-get install ${missing[*]}"

# Verify: a package apt silently skipped would only show up later as a
# confusing build error.
still=()
for p in "${missing[@]}"; do
  installed "$p" || still+=("$p")
done
if [ ${#still[@]} -ne 0 ]; then
  echo "install-deps: still not installed after apt-get: ${still[*]}" >&2
  exit 1
fi
echo "install-deps: done"
