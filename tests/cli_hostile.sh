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

# --- batch -j is lowered to the frames that fit in memory ----------------------
# 1 GB frames, 1024 jobs: no machine has the terabyte; the frames exist
# already (--skip-existing), so nothing is drawn.
J=$T/jobs
mkdir -p "$J"
sed 's/page: 120mm 90mm; dpi: 100;/page: 16384px 16384px; dpi: 72;/' near.mss >huge.mss
touch "$J/2000-01-01.png" "$J/2001-01-01.png"
run 0 "$CM" batch -s huge.mss --every year --from 2000 --to 2001 --skip-existing -j 1024 -o "$J/{date}.png"
has "$T/err" "-j 1024 lowered to"
has "$T/err" "each 16384 x 16384 frame takes 1024 MB"
run 0 "$CM" batch -s huge.mss --every year --from 2000 --to 2001 --skip-existing -j 1024 -o "$J/{date}.svg"
if grep -q lowered "$T/err"; then bad "SVG frames lowered -j"; else ok "SVG frames keep -j"; fi

# --- outputs are replaced by rename; --no-clobber keeps them --------------------
N=$T/clobber
mkdir -p "$N"
echo old >"$N/a.png"
cp "$N/a.png" "$N/a.before"
run 1 "$CM" render -s near.mss -d 2000 --no-clobber -o "$N/a.png"
has "$T/err" "a.png: exists, and is not to be replaced"
cmp -s "$N/a.png" "$N/a.before" && ok "--no-clobber left the file as it was" ||
  bad "--no-clobber changed the file"
[ "$(ls -A "$N" | grep -c tmp)" -eq 0 ] && ok "--no-clobber left no temporary file" ||
  bad "--no-clobber left $(ls -A "$N")"
run 0 "$CM" render -q -s near.mss -d 2000 --no-clobber -o "$N/new.png"
[ -s "$N/new.png" ] && ok "--no-clobber writes a new file" || bad "--no-clobber wrote nothing"
# A read-only map is replaced by a new file; a link is replaced by a file
# and what it pointed to stays as it was.
chmod 444 "$N/a.png"
run 0 "$CM" render -q -s near.mss -d 2000 -o "$N/a.png"
cmp -s "$N/a.png" "$N/a.before" && bad "the read-only map was not replaced" ||
  ok "a read-only map is replaced"
echo target >"$N/target"
ln -s target "$N/link.png"
run 0 "$CM" render -q -s near.mss -d 2000 -o "$N/link.png"
[ -L "$N/link.png" ] && bad "the link is still a link" || ok "a link is replaced by the map"
[ "$(cat "$N/target")" = target ] && ok "the link's target is untouched" ||
  bad "the link's target changed"
# batch: a frame whose file exists fails, the others are written
mkdir -p "$N/b"
echo old >"$N/b/2001-01-01.png"
run 1 "$CM" batch -q -s near.mss --every year --from 2000 --to 2002 --no-clobber -o "$N/b/{date}.png"
has "$T/err" "2001-01-01.png: exists, and is not to be replaced"
[ "$(cat "$N/b/2001-01-01.png")" = old ] && ok "the existing frame was kept" ||
  bad "the existing frame was replaced"
[ -s "$N/b/2000-01-01.png" ] && [ -s "$N/b/2002-01-01.png" ] &&
  ok "the other frames were written" || bad "frames missing: $(ls "$N/b")"
run 2 "$CM" batch -s near.mss --every year --from 2000 --to 2001 --no-clobber -o "$N/x.gif"
has "$T/err" "--no-clobber is for frames, not an animation"

finish cli_hostile
