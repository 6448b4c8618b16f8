#!/usr/bin/env bash
# Evidence for README "On a Raspberry Pi": compiles the project's node-gyp addons (better-sqlite3,
# unix-dgram) for arm64 on an x86-64 Debian with the cross toolchain, in a temporary copy (the
# installed node_modules is not touched), and prints what came out. It proves they build from
# source for aarch64 with Bookworm's compiler; it cannot load them (that needs an arm64 Node).
#
#   sudo apt-get install -y g++-aarch64-linux-gnu && deploy/cross-build-arm64.sh    (~3 min)
set -euo pipefail
APP="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v aarch64-linux-gnu-g++ >/dev/null || { echo "needs g++-aarch64-linux-gnu (apt)" >&2; exit 1; }
gyp="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$gyp" ] || gyp="$(npm prefix -g)/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
# Node's headers: installed beside node (npm's nodedir), so nothing is downloaded
nodedir="$(npm config get nodedir 2>/dev/null || true)"
[ -n "$nodedir" ] && [ "$nodedir" != undefined ] || nodedir="$(dirname "$(dirname "$(command -v node)")")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar
for pkg in better-sqlite3 unix-dgram; do
  cp -r "$APP/node_modules/$pkg" "$work/$pkg"
  rm -rf "$work/$pkg/build"
  mkdir -p "$work/$pkg/node_modules"
  [ -d "$APP/node_modules/nan" ] && cp -r "$APP/node_modules/nan" "$work/$pkg/node_modules/"
  (cd "$work/$pkg" && node "$gyp" rebuild --release --arch=arm64 --nodedir="$nodedir" -j 2 >"$work/$pkg.log" 2>&1) ||
    { tail -20 "$work/$pkg.log"; echo "$pkg: cross build FAILED" >&2; exit 1; }
  for f in "$work/$pkg"/build/Release/*.node; do
    glibc="$(readelf -V "$f" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1 || true)"
    echo "$pkg: $(basename "$f"): $(file -b "$f" | cut -d, -f1-2); needs ${glibc:-no versioned glibc}"
  done
done
