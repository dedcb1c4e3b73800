#!/usr/bin/env bash
# Fetches axe-core, the accessibility engine the browser test injects into every page, at the
# pinned version, into axe-core/ with its licence (MPL-2.0). Run it through `make vendor-axe`
# after changing the version, and commit the result: the tests never fetch it.
set -euo pipefail

AXE_VERSION=4.14.1

here=$(cd "$(dirname "$0")" && pwd)
out="$here/axe-core"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf "axe-core-$AXE_VERSION.tgz")
rm -rf "$out"
mkdir -p "$out"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$out/"
echo "$AXE_VERSION" > "$out/VERSION"
echo "vendored axe-core $AXE_VERSION into $out"
