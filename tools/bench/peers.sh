#!/bin/sh
# Install the peer renderers the benchmark compares controlmap with, when
# missing: MapServer's map2img, Mapnik for the system Python (which also runs
# the benchmark itself), GMT with ghostscript (which turns its PostScript into
# PNG) and ogr2ogr (GDAL), which picks the features GMT draws. GMT needs no
# coastline package: the benchmark draws only the project's shapefiles, so it
# runs offline. Kept apart from tools/deps.sh: the test suite never needs them.
# A package that cannot be installed is reported and skipped; the benchmark
# then leaves its peer out and says so.
pkgs="python3 mapserver-bin python3-mapnik gmt ghostscript gdal-bin"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "bench: installing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 || echo "bench: apt-get update failed; trying the old lists" >&2
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >&2; then
  # One package that cannot be had must not cost the others.
  for p in $missing; do
    $SUDO apt-get install -y -qq --no-install-recommends "$p" >&2 \
      || echo "bench: could not install $p; its peer will be left out" >&2
  done
fi
exit 0
