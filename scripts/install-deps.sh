#!/usr/bin/env bash
# Installs what rig needs to build and test, from Debian packages, and only
# what is missing. Idempotent: a second run installs nothing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  cmake g++ ninja-build pkg-config                   # build
  antlr4 libantlr4-runtime-dev                       # parser generator (4.7.2) and C++ runtime (4.9)
  llvm-14-dev libyaml-cpp-dev libfmt-dev libz3-dev   # libraries
  libgtest-dev googletest                            # tests
  apparmor                                           # apparmor_parser for the profile checks
  hyperfine time                                     # benchmarks
)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)   # the external validators run on Node

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
