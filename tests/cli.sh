#!/bin/sh
# Command-line tests: run the built tool on fixtures the tests generate and
# check exit codes, messages and outputs. Prints "cli: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
BUILD=${BUILD:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh




# Bytes of a file as one hex string.
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
# u32 big-endian at byte offset $2 of file $1.
u32() { od -An -tu1 -j "$2" -N 4 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4}'; }
# pixels per metre in the pHYs chunk.
phys() {
  h=$(hex "$1")
  rest=${h#*70485973}
  [ "$rest" = "$h" ] && { echo none; return; }
  echo $((0x$(echo "$rest" | cut -c1-8)))
}

"$BUILD/tests/mkfixtures" "$T" || { echo "cli: 0 passed, 1 failed"; exit 1; }
mkdir "$T/o"

cat >"$T/fix.mss" <<'MSS'
/* fixture style */
@arm: #e6a49c;
Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 44.8 38.4 48.2 41.2;
  page: 120mm 90mm;
  dpi: 150;
  title: "Fixture on {date}";
  attribution: "Source: generated fixtures";
  legend: bottom-left; scale-bar: bottom-right; north-arrow: top-right;
}
Layer#poly   { file: "poly.shp"; time: start end; }
Layer#lines  { file: "lines.shp"; time: start end; }
Layer#points { file: "points.shp"; }
#poly { line-color: #444; line-width: 0.5pt; }
#poly[holder = "ARM"] { polygon-fill: @arm; legend: "Armenian forces"; }
#poly[holder = "AZE"] { polygon-fill: #9fc4e4; legend: "Azerbaijani forces"; }
#poly[holder = "RUS"] { polygon-pattern: hatch(45, #555, 0.3pt, 2mm); legend: "Peacekeepers"; }
#lines[kind = "contact"] { line-color: #600; line-width: 1pt; legend: "Line of contact"; }
#lines[kind = "ceasefire"] { line-color: #600; line-width: 1pt; line-dasharray: 3, 2; }
#points {
  marker-type: circle; marker-width: 2mm; marker-fill: #222;
  text-name: [name]; text-size: 8pt; text-halo-fill: white; text-halo-radius: 1pt;
}
MSS

# --- general ----------------------------------------------------------------
run 0 "$CM" --version
has "$T/out" "controlmap "
run 0 "$CM" --help
has "$T/out" "render"
for c in render info check dates; do run 0 "$CM" $c --help; has "$T/out" "usage: controlmap $c"; done
run 2 "$CM" frobnicate
has "$T/err" "unknown command 'frobnicate'"
run 2 "$CM"
has "$T/err" "usage: controlmap <command>"

# --- render: two dates differ as they should ---------------------------------
run 0 "$CM" render -s "$T/fix.mss" -d 2000-01-01 -o "$T/o/a.png"
exists "$T/o/a.png"
run 0 "$CM" render -s "$T/fix.mss" -d 2021 -o "$T/o/b.png"
if cmp -s "$T/o/a.png" "$T/o/b.png"; then bad "2000 and 2021 render alike"; else ok "2000 and 2021 differ"; fi
w=$(u32 "$T/o/a.png" 16)
h=$(u32 "$T/o/a.png" 20)
[ "$w" -eq 709 ] && [ "$h" -eq 532 ] && ok "PNG is 709x532 (120x90 mm at 150 dpi)" || bad "PNG is ${w}x${h}"
[ "$(phys "$T/o/a.png")" = 5906 ] && ok "pHYs says 150 dpi" || bad "pHYs is $(phys "$T/o/a.png")"
has "$T/o/a.png" "Fixture on 1 January 2000"
run 0 "$CM" render -s "$T/fix.mss" -d 2000-01-01 -o "$T/o/a2.png"
cmp -s "$T/o/a.png" "$T/o/a2.png" && ok "same input, same PNG bytes" || bad "PNG bytes differ between runs"

# --- SVG and PDF ---------------------------------------------------------------
run 0 "$CM" render -s "$T/fix.mss" -d 2000-01-01 -o "$T/o/a.svg"
run 0 xmllint --noout "$T/o/a.svg"
has "$T/o/a.svg" 'id="layer-poly" inkscape:groupmode="layer"'
has "$T/o/a.svg" ">Armenian forces</text>"
hasnt "$T/o/a.svg" ">Azerbaijani forces</text>"
has "$T/o/a.svg" ">Stepanakert</text>"
run 0 "$CM" render -s "$T/fix.mss" -d 2021-06 -o "$T/o/b.svg"
has "$T/o/b.svg" ">Azerbaijani forces</text>"
hasnt "$T/o/b.svg" ">Armenian forces</text>"
run 0 "$CM" render -s "$T/fix.mss" -d 2021-06 --legend all -o "$T/o/all.svg"
has "$T/o/all.svg" ">Armenian forces</text>"
run 0 "$CM" render -s "$T/fix.mss" -d 2000 --svg-engine cairo -o "$T/o/c.svg"
run 0 xmllint --noout "$T/o/c.svg"
hasnt "$T/o/c.svg" "inkscape:groupmode"
run 0 "$CM" render -s "$T/fix.mss" -d 2020-11-15 -o "$T/o/a.pdf"
if need pdftotext; then
  pdftotext "$T/o/a.pdf" "$T/o/a.txt"
  has "$T/o/a.txt" "Fixture on 15 November 2020"
  has "$T/o/a.txt" "Armenian forces"
  has "$T/o/a.txt" "Peacekeepers"
  has "$T/o/a.txt" "km"
  hasnt "$T/o/a.txt" "Azerbaijani forces"
fi

# --- small multiples ------------------------------------------------------------
run 0 "$CM" render -s "$T/fix.mss" -d 2000-01-01,2021-01-01,1993-06 --grid 2x2 -o "$T/o/fig.pdf"
if need pdftotext; then
  pdftotext "$T/o/fig.pdf" "$T/o/fig.txt"
  has "$T/o/fig.txt" "1 January 2000"
  has "$T/o/fig.txt" "1 January 2021"
  has "$T/o/fig.txt" "1 June 1993"
  # One shared legend with the classes of every panel.
  has "$T/o/fig.txt" "Armenian forces"
  has "$T/o/fig.txt" "Azerbaijani forces"
  [ "$(grep -c 'Peacekeepers' "$T/o/fig.txt")" -eq 1 ] && ok "one legend" || bad "legend repeated"
  [ "$(grep -c ' km' "$T/o/fig.txt")" -eq 1 ] && ok "one scale bar" || bad "scale bars: $(grep -c ' km' "$T/o/fig.txt")"
fi
run 0 "$CM" render -s "$T/fix.mss" -d 2000-01-01,2021-01-01 -o "$T/o/fig.svg"
has "$T/o/fig.svg" 'id="panel-1"'
has "$T/o/fig.svg" 'id="panel-2"'
run 2 "$CM" render -s "$T/fix.mss" -d 2000,2001,2002 --grid 1x2 -o "$T/o/x.png"
has "$T/err" "cannot hold 3 panels"
run 2 "$CM" render -s "$T/fix.mss" -d 2000 --grid 2x2 -o "$T/o/x.png"
has "$T/err" "needs several dates"
run 2 "$CM" render -s "$T/fix.mss" -d 2000,20x1 -o "$T/o/x.png"
has "$T/err" "'20x1' is not a date"

# --- what changed -------------------------------------------------------------
sed 's/^Layer#poly   { file: "poly.shp"; time: start end; }$/&\nLayer#control { file: "poly.shp"; time: start end; }/' "$T/fix.mss" >"$T/changes.mss"
run 0 "$CM" render -s "$T/changes.mss" -d 2021-01-01 --changes-since 2000 -o "$T/o/ch.svg"
has "$T/o/ch.svg" 'id="changes"'
has "$T/o/ch.svg" ">Changed hands since 1 January 2000</text>"
printf '2000-01-01\n2021-01-01\n' >"$T/two-dates.txt"
run 0 "$CM" batch -q -s "$T/changes.mss" --dates "$T/two-dates.txt" --changes-since previous -o "$T/o/b-{date}.svg"
hasnt "$T/o/b-2000-01-01.svg" ">Changed hands since"
has "$T/o/b-2021-01-01.svg" ">Changed hands since 1 January 2000</text>"
run 2 "$CM" render -s "$T/fix.mss" -d 2021 --changes-since 2000 -o "$T/o/x.png"
has "$T/err" "needs a layer named 'control'"
run 2 "$CM" render -s "$T/fix.mss" -d 2021 --changes-since 2000-02-30 -o "$T/o/x.png"
has "$T/err" "'2000-02-30' is not a date"

# --- render: bad input ----------------------------------------------------------
run 2 "$CM" render -s "$T/fix.mss" -d 2020-13-01 -o "$T/o/x.png"
has "$T/err" "'2020-13-01' is not a date"
run 2 "$CM" render -s "$T/fix.mss" -o "$T/o/x.png"
has "$T/err" "needs a date"
run 2 "$CM" render -s "$T/fix.mss" -d 2000 -o "$T/o/x.gif"
has "$T/err" "end the name in .png, .pdf or .svg"
run 1 "$CM" render -s "$T/fix.mss" -d 2000 -o "$T/nowhere/x.png"
has "$T/err" "does not exist"
absent "$T/nowhere/x.png"
run 1 "$CM" render -s "$T/missing.mss" -d 2000 -o "$T/o/x.png"
has "$T/err" "missing.mss"
sed 's/line-width: 0.5pt/line-widht: 0.5pt/' "$T/fix.mss" >"$T/typo.mss"
run 2 "$CM" render -s "$T/typo.mss" -d 2000 -o "$T/o/x.png"
has "$T/err" "typo.mss:15:"
has "$T/err" "did you mean 'line-width'"
sed 's/poly.shp/nothere.shp/' "$T/fix.mss" >"$T/nofile.mss"
run 1 "$CM" render -s "$T/nofile.mss" -d 2000 -o "$T/o/x.png"
has "$T/err" "nothere"
sed 's/time: start end; }/time: name end; }/' "$T/fix.mss" >"$T/baddates.mss"
run 1 "$CM" render -s "$T/baddates.mss" -d 2000 -o "$T/o/x.png"
has "$T/err" "bad dates"
has "$T/err" "feature 1, 2, 3"
sed 's/+proj=lcc [^"]*/+proj=nonsense/' "$T/fix.mss" >"$T/badsrs.mss"
run 1 "$CM" render -s "$T/badsrs.mss" -d 2000 -o "$T/o/x.png"
has "$T/err" "nonsense"
sed 's/extent: 44.8 38.4 48.2 41.2/extent: 48.2 38.4 44.8 41.2/' "$T/fix.mss" >"$T/inverted.mss"
run 2 "$CM" render -s "$T/inverted.mss" -d 2000 -o "$T/o/x.png"
has "$T/err" "inverted.mss:5:11: extent 48.2 38.4 44.8 41.2: west must be less than east"
sed 's/page: 120mm 90mm/page: 3000mm 3000mm/; s/dpi: 150/dpi: 1200/' "$T/fix.mss" >"$T/huge.mss"
run 1 "$CM" render -s "$T/huge.mss" -d 2000 -o "$T/o/huge.png"
has "$T/err" "outside the limits"
absent "$T/o/huge.png"
absent "$T/o/x.png"
no_temp "$T/o"

# --- info ----------------------------------------------------------------------
run 0 "$CM" info "$T/poly.shp"
has "$T/out" "Polygon"
has "$T/out" "features  3"
has "$T/out" "holder"
has "$T/out" "dates 1993-01-01 .. 2020-12-01"
run 0 "$CM" info "$T/noprj.shp"
has "$T/out" "WGS 84 lon/lat assumed"
run 0 "$CM" info "$T/cp1251.shp"
has "$T/out" "CP1251"
run 0 "$CM" info "$T/nulls.shp"
has "$T/out" "null shapes skipped"
run 1 "$CM" info "$T/bad_noshx.shp"
has "$T/err" ".shx"
run 1 "$CM" info "$T/bad_truncated.shp"
has "$T/err" "bad_truncated"
run 1 "$CM" info "$T/nothere.shp"
has "$T/err" "nothere.shp: no such shapefile"

# --- check ---------------------------------------------------------------------
run 0 "$CM" check -s "$T/fix.mss"
has "$T/out" "OK (3 layers"
printf 'Map { dpi: 300; }\n#nolayer { line-widht: 1; }\n#poly { polygon-fill: #12; }\n' >"$T/two.mss"
run 2 "$CM" check -s "$T/two.mss"
[ "$(grep -c 'two.mss:' "$T/err")" -ge 3 ] && ok "check reports every problem" || bad "check stopped early"
sed 's/text-name: \[name\]/text-name: [nom]/' "$T/fix.mss" >"$T/field.mss"
run 1 "$CM" check -s "$T/field.mss"
has "$T/err" "no field 'nom'"
run 1 "$CM" render -s "$T/field.mss" -d 2000 -o "$T/o/field.png"
has "$T/err" "field.mss:"
has "$T/err" "no field 'nom'"
absent "$T/o/field.png"
printf 'Map { dpi: 100; }\n' >"$T/nolayer.mss"
run 2 "$CM" render -s "$T/nolayer.mss" -d 2000 -o "$T/o/nolayer.png"
has "$T/err" "names no layer"

# --- dates ---------------------------------------------------------------------
run 0 "$CM" dates -s "$T/fix.mss"
has "$T/out" "1993-01-01"
has "$T/out" "1994-05-12"
has "$T/out" "2020-12-01"
has "$T/out" "+ poly: Ağdam"

# --- the shipped dataset and styles ---------------------------------------------
if [ -f shapes/control.shp ] && need pdftotext; then
  run 0 "$CM" render -d 2020-11-15 -o "$T/o/d.pdf"
  pdftotext "$T/o/d.pdf" "$T/o/d.txt"
  has "$T/o/d.txt" "control of the ground on 15 November 2020"
  # The legend in its band beside the map wraps long entries: look for
  # each entry's first line.
  for e in "Azerbaijan" "Armenian / Karabakh" "Russian peacekeeping" \
           "Ceasefire line of 10 Nov" "Former NKAO (1923–" "50 km"; do
    has "$T/o/d.txt" "$e"
  done
  hasnt "$T/o/d.txt" "Blockaded area"
  hasnt "$T/o/d.txt" "Line of contact (ceasefire"
  run 0 "$CM" render -d 1994-06-01 -o "$T/o/d94.pdf"
  pdftotext "$T/o/d94.pdf" "$T/o/d94.txt"
  has "$T/o/d94.txt" "Line of contact (ceasefire" # the legend wraps it in its band
  hasnt "$T/o/d94.txt" "Russian peacekeeping"
  run 0 "$CM" render -s styles/paper-ar.mss -d 2020-11-15 -o "$T/o/ar.pdf"
  # pdftotext wraps right-to-left runs in directional marks: drop them.
  pdftotext "$T/o/ar.pdf" - | sed 's/\xe2\x80[\xaa-\xae]//g' >"$T/o/ar.txt"
  has "$T/o/ar.txt" "السيطرة الميدانية في"
  has "$T/o/ar.txt" "١٥"
  has "$T/o/ar.txt" "تشرين الثاني"
  has "$T/o/ar.txt" "٢٠٢٠"
  has "$T/o/ar.txt" "أذربيجان"
  has "$T/o/ar.txt" "كم"
  hasnt "$T/o/ar.txt" "2020"
  for s in styles/paper.mss styles/slides.mss styles/paper-ar.mss styles/default.mss \
           docs/pictures/*.mss; do
    run 0 "$CM" check -s "$s"
  done
fi

# --- install --------------------------------------------------------------------
# The build tree's tool only: an install of the sanitizer build is not the point.
if [ "$CM" = ./controlmap ] && [ -f Makefile ]; then
  run 0 make -s install PREFIX=/opt/cm DESTDIR="$T/stage"
  for f in bin/controlmap include/controlmap/map.h lib/libcontrolmap.a \
           lib/libcontrolmap.so lib/pkgconfig/controlmap.pc \
           share/controlmap/styles/default.mss share/controlmap/shapes/control.shp; do
    exists "$T/stage/opt/cm/$f"
  done
  has "$T/stage/opt/cm/lib/pkgconfig/controlmap.pc" "prefix=/opt/cm"
  (cd "$T" && "$T/stage/opt/cm/bin/controlmap" render -q -d 2020-11-10 -o "$T/o/installed.png")
  exists "$T/o/installed.png"
fi

finish cli
