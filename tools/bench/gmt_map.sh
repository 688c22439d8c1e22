#!/bin/sh
# Draw the benchmark's default map with GMT at one date.
#   gmt_map.sh SHAPES DATE OUT.png "MINX/MAXX/MINY/MAXY"
# Run it in a folder of its own: GMT keeps its session files there.
#
# GMT cannot filter features by a text attribute, so ogr2ogr (GDAL, which
# GMT uses to read shapefiles anyway) picks the features of each class and
# date and streams them to `gmt plot`. Empty text fields of a shapefile are
# NULL to OGR, hence `"end" IS NULL` for "still so". The region is the
# projected box in metres from the projection's centre (-R...+ue), the same
# Lambert conic as the other renderers; sizes are points at 358 dpi.
set -e
shapes=$1 date=$2 out=$3 box=$4
when="start <= '$date' AND (\"end\" IS NULL OR \"end\" = '' OR \"end\" > '$date')"

# pick LAYER WHERE: the features of LAYER that satisfy WHERE, as GMT text
pick() {
  ogr2ogr -f GMT /vsistdout/ "$shapes/$1.shp" -where "$2"
}

gmt begin "${out%.png}" png E358
gmt plot "$shapes/countries.shp" -R"$box"+ue -JL46.5/40/39/41/6.70391i \
  -G#f4f1ea -W0.5p,#6f6f6f
# -Ve: a class empty on this date is no news.
pick control "holder = 'AZE' AND $when" | gmt plot -Ve -G#a9c9e6
pick control "holder = 'NKR' AND $when" | gmt plot -Ve -G#e4a296
pick control "holder = 'ARM' AND $when" | gmt plot -Ve -G#f3d9b5
pick regions "kind = 'oblast'" | gmt plot -Ve -W0.9p,#7a2e1f,4_1.5:0p
pick regions "kind = 'district'" | gmt plot -Ve -W0.3p,#8f8f8f
pick regions "kind = 'republic'" | gmt plot -Ve -W0.4p,#6f6f6f
pick corridors "$when" | gmt plot -Ve -G#fff3a8@30 -W0.5p,#9a7300
pick lines "kind = 'border' AND $when" | gmt plot -Ve -W0.6p,#555555
pick lines "kind = 'front' AND $when" | gmt plot -Ve -W1.1p,#5c0a0a,5_2:0p
pick lines "kind = 'line_of_contact' AND $when" | gmt plot -Ve -W1.1p,#5c0a0a
pick lines "kind = 'ceasefire_line' AND $when" | gmt plot -Ve -W1.1p,#5c0a0a,3_1.5:0p
# Places: a marker each, then the name beside it with a white halo
# (a font outline drawn behind the letters).
ogr2ogr -f CSV /vsistdout/ "$shapes/places.shp" -where "rank <= 2" \
  -lco GEOMETRY=AS_XY -select rank,name_en | tr -d '"' > places.csv
awk -F, 'NR > 1 && $3 == 1 { print $1, $2 }' places.csv | gmt plot -Ss5.67p -G#222222 -W0.4p,white
awk -F, 'NR > 1 && $3 == 2 { print $1, $2 }' places.csv | gmt plot -Sc4.54p -G#222222 -W0.4p,white
awk -F, 'NR > 1 { print $1, $2, ($3 == 1 ? 8 : 7) "p,Helvetica,#222222=~2p,white", $4 }' places.csv \
  | gmt text -F+f+jLM -D4p/0
gmt end
