#!/usr/bin/env bash
# Fetches Det Fælles Designsystem (npm package dkfds) at the pinned version and copies the
# parts the web catalogue uses into assets/dkfds/, with their licences. Run it through
# `make vendor-dkfds` after changing the version or the lists below, and commit the result:
# the build itself never needs Node.js.
#
# What is copied, and why:
#   css/dkfds.min.css         the compiled stylesheet (upstream bytes; the server rewrites its
#                             url()s to hashed names and keeps only the woff2 font sources)
#   fonts/.../woff2/*.woff2   IBM Plex Sans in the weights and styles the stylesheet declares
#   img/svg-icons/*.svg       the icons the stylesheet draws for the components the pages use
#                             (select and details arrows, the checked checkbox)
#   LICENSE.md                DKFDS's MIT licence and its notice on fonts and icons
#   fonts/.../license.txt     the SIL Open Font License 1.1 of IBM Plex Sans
#   LICENSE-Apache-2.0.txt    the Apache License 2.0 text the icons are under (Debian's copy)
set -euo pipefail

DKFDS_VERSION=11.2.0
FONTS=(Regular Italic Medium MediumItalic SemiBold SemiBoldItalic Bold BoldItalic)
ICONS=(chevron-down chevron-up check-white)

here=$(cd "$(dirname "$0")" && pwd)
out="$here/assets/dkfds"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "dkfds@$DKFDS_VERSION" >/dev/null && tar xzf "dkfds-$DKFDS_VERSION.tgz")
dist="$tmp/package/dist"

rm -rf "$out"
mkdir -p "$out/css" "$out/fonts/IBMPlexSans/complete/woff2" "$out/img/svg-icons"
cp "$dist/css/dkfds.min.css" "$out/css/"
for f in "${FONTS[@]}"; do
	cp "$dist/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-$f.woff2" "$out/fonts/IBMPlexSans/complete/woff2/"
done
cp "$dist/fonts/IBMPlexSans/complete/woff2/license.txt" "$out/fonts/IBMPlexSans/complete/woff2/"
for i in "${ICONS[@]}"; do
	if [[ -f "$dist/img/svg-icons/$i.svg" ]]; then
		cp "$dist/img/svg-icons/$i.svg" "$out/img/svg-icons/"
	fi
done
cp "$dist/LICENSE.md" "$out/LICENSE.md"
cp /usr/share/common-licenses/Apache-2.0 "$out/LICENSE-Apache-2.0.txt"
echo "$DKFDS_VERSION" > "$out/VERSION"
echo "vendored dkfds $DKFDS_VERSION into $out"
