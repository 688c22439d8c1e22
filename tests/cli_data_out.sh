#!/bin/sh
# Data and numbers out: `controlmap export` and `controlmap areas`, checked
# against an independent computation (tests/data_out_check.py: pyshp,
# shapely and pyproj's Geod, none of controlmap's code) on the shipped
# dataset, plus what each refuses. Also `controlmap info` on a GeoJSON.
# Prints "cli_data_out: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
PY=/usr/bin/python3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh
mkdir "$T/o"

# check ARGS...: run the independent check, one ok/FAIL line per case.
check() {
  if $PY tests/data_out_check.py "$@" >"$T/check" 2>&1; then
    ok "independent check ($1): $(grep -c '^ok' "$T/check") cases agree"
  else
    bad "independent check ($1) disagrees"
    grep -v '^ok' "$T/check" | head -8 | sed 's/^/    /'
  fi
}

for c in export areas; do
  run 0 "$CM" $c --help
  has "$T/out" "usage: controlmap $c"
done
run 0 "$CM" --help
has "$T/out" "export   write the features shown at a date"

# --- areas ----------------------------------------------------------------------
run 0 "$CM" areas -s styles/paper.mss -d 1994-05-12,2020-11-10,2023-09-01
cp "$T/out" "$T/areas.csv"
has "$T/areas.csv" "date,holder,km2_geodesic_wgs84,km2_in_azerbaijan,pct_of_azerbaijan"
has "$T/err" "geodesic area on the WGS 84 ellipsoid"
has "$T/err" "reference nkao:"
check areas shapes "$T/areas.csv"
# The 1994 line of contact: the Karabakh side held most of the former NKAO.
awk -F, '$1 == "1994-05-12" && $2 == "NKR" && $9 > 85 { f = 1 } END { exit !f }' "$T/areas.csv" &&
  ok "1994: NKR holds over 85 % of the former NKAO" || bad "1994 NKR share of the NKAO"

run 0 "$CM" areas -q -s styles/paper.mss --every year --from 2019 --to 2021
[ "$(grep -c '^20' "$T/out")" -eq 9 ] && ok "--every year: 3 dates x 3 holders" ||
  bad "--every year gave $(grep -c '^20' "$T/out") rows"
hasnt "$T/err" "geodesic"
# Between 17 and 20 October 2020 some holders' features change and some
# do not; those that do not keep the day before's answer, which must be
# the answer a day alone gives.
run 0 "$CM" areas -q -s styles/paper.mss -d 2020-10-17,2020-10-20
grep '^2020-10-20,' "$T/out" > "$T/after.csv"
run 0 "$CM" areas -q -s styles/paper.mss -d 2020-10-20
grep '^2020-10-20,' "$T/out" > "$T/alone.csv"
[ -s "$T/alone.csv" ] && cmp -s "$T/after.csv" "$T/alone.csv" &&
  ok "a day after another gives what it gives alone" || bad "areas of 2020-10-20 depend on the day before"
run 0 "$CM" areas -q -s styles/paper.mss -d 2020-11-10 \
  --reference 'lachin=regions:name_en=Lachin' --reference 'all=countries'
has "$T/out" "km2_in_lachin,pct_of_lachin,km2_in_all,pct_of_all"
hasnt "$T/out" "pct_of_nkao"
run 2 "$CM" areas -s styles/paper.mss
has "$T/err" "areas needs dates"
run 2 "$CM" areas -s styles/paper.mss -d 2020 -l nolayer
has "$T/err" "the style has no layer 'nolayer' (its layers: countries, control"
run 2 "$CM" areas -s styles/paper.mss -d 2020 -l places
has "$T/err" "layer 'places' holds no polygons"
run 2 "$CM" areas -s styles/paper.mss -d 2020 --by owner
has "$T/err" "control.shp: has no field 'owner'"
run 2 "$CM" areas -s styles/paper.mss -d 2020 --reference 'x=regions:name_en=Atlantis'
has "$T/err" "reference 'x': no polygon where name_en is Atlantis"
run 2 "$CM" areas -s styles/paper.mss -d 2020 --reference 'nolayer'
has "$T/err" "--reference takes NAME=LAYER"
run 2 "$CM" areas -s styles/paper.mss -d 2020-02-30
has "$T/err" "'2020-02-30' is not a date"

# --- export -----------------------------------------------------------------------
run 0 "$CM" export -s styles/paper.mss -d 2020-11-10 -l control -o "$T/o/control.geojson"
has "$T/err" "wrote $T/o/control.geojson ("
# How many: the independent check counts the features valid that day.
n=$(sed -n 's/.*(\([0-9]*\) features on 2020-11-10)$/\1/p' "$T/err")
[ "${n:-0}" -gt 0 ] && ok "export says it wrote $n features" || bad "export names no count"
check export shapes/control.shp 2020-11-10 "$T/o/control.geojson"
run 0 "$CM" export -s styles/paper.mss -d 1994-05-12 -l control -o "$T/o/c1994.geojson"
check export shapes/control.shp 1994-05-12 "$T/o/c1994.geojson"
# What export wrote reads back as the same layer.
run 0 "$CM" info "$T/o/control.geojson"
has "$T/out" "format    GeoJSON"
has "$T/out" "features  $n"
has "$T/out" "holder       text"

run 0 "$CM" export -q -s styles/paper.mss -d 2020-11-10 -o "$T/o/all.gpkg"
for l in countries control regions lines places; do
  run 0 "$CM" info -l $l "$T/o/all.gpkg"
  has "$T/out" "format    GPKG"
done
run 0 "$CM" info -l control "$T/o/all.gpkg"
has "$T/out" "features  $n"

run 0 "$CM" export -q -s styles/paper.mss -d 2020-11-10 -l places -o "$T/o/places.csv"
head -n 1 "$T/o/places.csv" >"$T/head"
has "$T/head" "WKT,name_en,"
has "$T/o/places.csv" '"POINT (46.752 39.815)",Stepanakert,Khankendi,'
run 0 "$CM" info --wkt WKT "$T/o/places.csv"
has "$T/out" "type      Point"

run 2 "$CM" export -s styles/paper.mss -d 2020 -l nolayer -o "$T/o/x.geojson"
has "$T/err" "x.geojson: the style has no layer 'nolayer' (its layers: countries, control"
run 2 "$CM" export -s styles/paper.mss -d 2020 -l control -o "$T/o/x.shp"
has "$T/err" "x.shp: cannot tell the export format (end the name in .geojson, .gpkg or .csv)"
run 2 "$CM" export -s styles/paper.mss -d 2020 -o "$T/o/x.geojson"
has "$T/err" "a GeoJSON file holds one layer, and the style has 9"
run 1 "$CM" export -s styles/paper.mss -d 2020 -l control -o "$T/nowhere/x.geojson"
has "$T/err" "folder '$T/nowhere' does not exist"
run 2 "$CM" export -s styles/paper.mss -d 2020 -l control
has "$T/err" "export needs a date and a file"
absent "$T/o/x.geojson"
absent "$T/o/x.shp"
no_temp "$T/o"

# An existing file is replaced whole.
echo "stale-bytes-here" >"$T/o/control.geojson"
run 0 "$CM" export -q -s styles/paper.mss -d 2020-11-10 -l control -o "$T/o/control.geojson"
hasnt "$T/o/control.geojson" "stale-bytes-here"
check export shapes/control.shp 2020-11-10 "$T/o/control.geojson"
no_temp "$T/o"

finish cli_data_out
