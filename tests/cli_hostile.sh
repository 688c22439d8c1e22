#!/bin/sh
# Valid but unreasonable requests on the command line: what is left out
# with a warning, and what is refused before any work. Prints
# "cli_hostile: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
BUILD=${BUILD:-build}
case $CM in /*) ;; *) CM=$(pwd)/$CM ;; esac
T=$(mktemp -d)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
. tests/lib.sh

"$BUILD/tests/mkfixtures" "$T" >/dev/null || { echo "cli_hostile: 0 passed, 1 failed"; exit 1; }
cd "$T" || exit 1

# style SRS EXTENT: a style of the fixture polygons with a scale bar.
style() {
  cat <<MSS
Map { srs: "$1"; extent: $2; page: 120mm 90mm; dpi: 100;
  scale-bar: bottom-right; title: "Fixture"; }
Layer#poly { file: "poly.shp"; time: start end; }
#poly { polygon-fill: #e6a49c; line-color: #444; line-width: 0.5pt; }
MSS
}

# --- a scale bar that cannot be true is left out, with a warning --------------
style "+proj=stere +lat_0=90 +datum=WGS84" "-20000000 -20000000 20000000 20000000 projected" >polar.mss
style "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84" "44.8 38.4 48.2 41.2" >near.mss
run 0 "$CM" render -s polar.mss -d 2000 -o polar.svg
has "$T/err" "warning: polar.mss: the scale bar is left out: the map's scale varies more than twofold"
if grep -q 'id="scale-bar"' polar.svg; then bad "the polar map has a scale bar"; else
  ok "the polar map has no scale bar"
fi
run 0 "$CM" render -s near.mss -d 2000 -o near.svg
if grep -q warning "$T/err"; then bad "a regional map warns: $(cat "$T/err")"; else
  ok "a regional map does not warn"
fi
grep -q 'id="scale-bar"' near.svg && ok "the regional map has its scale bar" ||
  bad "the regional map lost its scale bar"
run 0 "$CM" batch -s polar.mss --every year --from 2000 --to 2001 -o "$T/b{date}.svg"
has "$T/err" "the scale bar is left out"
run 0 "$CM" render -q -s polar.mss -d 2000 -o polar.svg
[ -s "$T/err" ] && bad "-q still warns" || ok "-q says nothing"

finish cli_hostile
