#!/bin/sh
# Install the Debian packages controlmap needs, when some are missing.
#   tools/deps.sh          build and render
#   tools/deps.sh test     also what the tests need (SVG rasterisers, PDF text,
#                          a C++ compiler for the headers,
#                          XML checks, the man page formatter, valgrind)
#   tools/deps.sh shapes   also what `make shapes` needs
#   tools/deps.sh fuzz     also clang and its libFuzzer runtime (`make fuzz`)
#   tools/deps.sh bench    only the peer renderers of `make bench`; one that
#                          cannot be had is reported and left out
set -e
pkgs="gcc make pkg-config libcairo2-dev libpango1.0-dev libproj-dev proj-data
libshp-dev libgdal-dev libpng-dev libgif-dev libwebp-dev libdeflate-dev libgeos-dev fonts-noto-core fonts-dejavu-core"
case "$1" in
  test) pkgs="$pkgs libcmocka-dev libxml2-utils poppler-utils librsvg2-bin valgrind
groff-base chromium firefox-esr parallel imagemagick gdal-bin g++ python3 python3-shapely python3-pyshp python3-pyproj" ;;
  shapes) pkgs="$pkgs python3 python3-shapely python3-pyshp python3-pyproj" ;;
  fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
  bench) pkgs="python3 mapserver-bin python3-mapnik gmt ghostscript gdal-bin" ;;
esac
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "controlmap: installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 || echo "controlmap: apt-get update failed; trying the old lists" >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2 && exit 0
[ "$1" = bench ] || exit 1
# A benchmark peer that cannot be had must not cost the others.
for p in $missing; do
  $SUDO apt-get install -y -qq --no-install-recommends "$p" >&2 \
    || echo "controlmap: could not install $p; its peer will be left out" >&2
done
