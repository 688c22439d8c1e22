#!/bin/sh
# Rebuild the README gallery (docs/gallery/) from the shipped styles and
# dataset. Renders at a modest dpi so the repository stays small; render
# at the style's own dpi for print.
set -e
CM=${CONTROLMAP:-./controlmap}
G=docs/gallery
mkdir -p "$G"
for d in 1991-01-01 1993-05-01 1994-06-01 2016-04-10 2020-10-20 2020-11-15 \
         2020-12-05 2022-09-20 2023-10-01; do
  "$CM" render -q -d "$d" --dpi 110 -o "$G/default-$d.png"
done
for s in paper slides paper-ar; do
  for d in 1994-06-01 2020-11-15; do
    case $s in slides) dpi=64 ;; *) dpi=110 ;; esac
    "$CM" render -q -s "styles/$s.mss" -d "$d" --dpi $dpi -o "$G/$s-$d.png"
  done
done
"$CM" render -q -s styles/slides.mss -d 2020-11-15 -o "$G/slides-2020-11-15.svg"
# Figures for papers and slides: small multiples, what changed, a timeline.
"$CM" render -q -s styles/paper.mss -d 1991-01-01,1994-06-01,2020-11-15,2023-10-01 \
  --grid 2x2 --dpi 110 -o "$G/figure-2x2.png"
"$CM" render -q -d 2020-11-15 --changes-since 2020-09-27 --dpi 110 -o "$G/changes-2020.png"
"$CM" batch -q --every year --from 1988 --to 2024 --dpi 60 --delay 700 \
  -o "$G/timeline.gif"
# Time on the map: events of the month with their key, movements as arrows,
# and the 2020 war as an HTML timeline.
for d in 2022-09-14 2023-09-26; do
  "$CM" render -q -d "$d" --dpi 110 -o "$G/events-$d.png"
done
"$CM" render -q -s styles/paper-ar.mss -d 2022-09-14 --dpi 110 -o "$G/paper-ar-2022-09-14.png"
"$CM" batch -q --changes --from 2020-09-27 --to 2020-12-31 -o "$G/war-2020.html"
# The pictures of the style reference (docs/style.md).
"$CM" render -q -s docs/pictures/patterns.mss -d 1994-06-01 -o docs/pictures/patterns.png
"$CM" render -q -s docs/pictures/markers.mss -d 2020-11-12 -o docs/pictures/markers.png
echo "gallery: $(ls "$G" | wc -l) files in $G"
