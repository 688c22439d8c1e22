#!/bin/sh
# Options that fit a figure to a paper: --page, --title, --lang, --set, in
# render and batch. Prints "cli_options: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
BUILD=${BUILD:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh

"$BUILD/tests/mkfixtures" "$T" || { echo "cli_options: 0 passed, 1 failed"; exit 1; }
mkdir "$T/o"
cat >"$T/o.mss" <<'MSS'
@arm: #e6a49c;
@edge: 0.5pt;
@label: "Armenian forces";
Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 44.8 38.4 48.2 41.2;
  page: 120mm 90mm; dpi: 150;
  title: "Fixture on {date}";
  title-ar: "خريطة الاختبار في {date}";
  attribution: "Source: fixtures";
  legend: bottom-left; scale-bar: bottom-right;
}
Layer#poly   { file: "poly.shp"; time: start end; }
Layer#points { file: "points.shp"; }
#poly { line-color: #444; line-width: @edge; }
#poly[holder = "ARM"] { polygon-fill: @arm; legend: @label; legend-ar: "القوات الأرمنية"; }
#points { marker-width: 2mm; text-name: [name]; text-size: 8pt; }
MSS
u32() { od -An -tu1 -j "$2" -N 4 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4}'; }
sizes() { grep -o 'font-size="[^"]*"' "$1" | sort -u | tr '\n' ' '; }

# --- --page: the page changes, the style's sizes in points do not ----------------
run 0 "$CM" render -s "$T/o.mss" -d 2000 -o "$T/o/base.svg"
run 0 "$CM" render -s "$T/o.mss" -d 2000 --page 200x150mm -o "$T/o/big.svg"
has "$T/o/big.svg" 'width="566.93pt" height="425.2pt"'
[ "$(sizes "$T/o/base.svg")" = "$(sizes "$T/o/big.svg")" ] &&
  ok "type keeps its size on a larger page: $(sizes "$T/o/big.svg")" ||
  bad "type sizes $(sizes "$T/o/base.svg") became $(sizes "$T/o/big.svg")"
run 0 "$CM" render -s "$T/o.mss" -d 2000 --page 100x50mm -o "$T/o/small.png"
w=$(u32 "$T/o/small.png" 16)
h=$(u32 "$T/o/small.png" 20)
[ "$w" -eq 591 ] && [ "$h" -eq 296 ] && ok "100x50mm at 150 dpi is 591x296 px" || bad "PNG is ${w}x${h}"
run 0 "$CM" render -s "$T/o.mss" -d 2000 --page 4x3in -o "$T/o/in.png"
[ "$(u32 "$T/o/in.png" 16)" -eq 600 ] && ok "4 in at 150 dpi is 600 px" || bad "4in wide is $(u32 "$T/o/in.png" 16) px"
run 0 "$CM" render -s "$T/o.mss" -d 2000 --page 120x90 -o "$T/o/mm.png"
[ "$(u32 "$T/o/mm.png" 16)" -eq 709 ] && ok "a page without a unit is in mm" || bad "120x90 is $(u32 "$T/o/mm.png" 16) px wide"
for bad_page in 120 abc 120x 0x90mm -5x90mm 120x90mmm 1e2x90mm infx90mm 120x0x1Amm x90mm; do
  run 2 "$CM" render -s "$T/o.mss" -d 2000 --page "$bad_page" -o "$T/o/x.png"
  has "$T/err" "controlmap: --page"
done
run 2 "$CM" render -s "$T/o.mss" -d 2000 --page 120x90km -o "$T/o/x.png"
has "$T/err" "controlmap: --page: unknown unit 'km'"

# --- --title ------------------------------------------------------------------
run 0 "$CM" render -s "$T/o.mss" -d 2000 --title "" -o "$T/o/untitled.svg"
hasnt "$T/o/untitled.svg" "Fixture on"
hasnt "$T/o/untitled.svg" "<title>"
run 0 "$CM" render -s "$T/o.mss" -d 2000 --title 'Map 1: "control" in {date:%Y}' -o "$T/o/titled.svg"
has "$T/o/titled.svg" '>Map 1: &quot;control&quot; in 2000</text>'
# The frame grows into the room the title no longer needs.
t=$(grep -o '<clipPath id="clip-1"><rect [^>]*' "$T/o/base.svg")
u=$(grep -o '<clipPath id="clip-1"><rect [^>]*' "$T/o/untitled.svg")
[ -n "$t" ] && [ "$t" != "$u" ] && ok "no title, a larger frame" || bad "frame unchanged without a title: $t"
run 0 "$CM" render -s "$T/o.mss" -d 2000 --title "" -o "$T/o/untitled.png"
run 0 "$CM" render -s "$T/o.mss" -d 2000 -o "$T/o/titled.png"
cmp -s "$T/o/untitled.png" "$T/o/titled.png" && bad "--title '' changed nothing" || ok "--title '' changes the picture"

# --- --lang ---------------------------------------------------------------------
run 0 "$CM" render -s "$T/o.mss" -d 2000-11-10 --lang ar -o "$T/o/ar.svg"
has "$T/o/ar.svg" 'direction="rtl"'
has "$T/o/ar.svg" ">خانكندي</text>"
hasnt "$T/o/ar.svg" ">Stepanakert</text>"
has "$T/o/ar.svg" "تشرين الثاني"
# The style's texts written for the language (title-ar, legend-ar) take the
# place of the plain ones; --title still wins.
has "$T/o/ar.svg" ">خريطة الاختبار في ١٠ تشرين الثاني ٢٠٠٠</text>"
has "$T/o/ar.svg" ">القوات الأرمنية</text>"
hasnt "$T/o/ar.svg" "Armenian forces"
hasnt "$T/o/ar.svg" "Fixture on"
run 0 "$CM" render -s "$T/o.mss" -d 2000 --lang ar --title "Figure 1" -o "$T/o/ar-title.svg"
has "$T/o/ar-title.svg" ">Figure 1</text>"
hasnt "$T/o/ar-title.svg" "خريطة الاختبار"
run 0 "$CM" render -s "$T/o.mss" -d 2000 --lang hy -o "$T/o/hy.svg"
has "$T/o/hy.svg" ">Ստեփանակերտ</text>"
has "$T/o/hy.svg" ">Armenian forces</text>"
hasnt "$T/o/hy.svg" "خريطة"
# A language the data has no names in falls back to English names.
run 0 "$CM" render -s "$T/o.mss" -d 2000 --lang ru -o "$T/o/ru.svg"
has "$T/o/ru.svg" ">Stepanakert</text>"
has "$T/o/ru.svg" "января"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --lang fr -o "$T/o/x.png"
has "$T/err" "controlmap: --lang: unknown lang 'fr' (use en, ar, hy, az or ru)"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --lang ara -o "$T/o/x.png"
has "$T/err" "did you mean 'ar'?"

# --- --set --------------------------------------------------------------------------
run 0 "$CM" render -s "$T/o.mss" -d 2000 --set arm=#00ff00 -o "$T/o/green.svg"
has "$T/o/green.svg" 'fill="#00ff00"'
hasnt "$T/o/green.svg" 'fill="#e6a49c"'
run 0 "$CM" render -s "$T/o.mss" -d 2000 --set @arm=red --set edge=2pt --set 'label="Karabakh"' -o "$T/o/red.svg"
has "$T/o/red.svg" 'fill="#ff0000"'
has "$T/o/red.svg" 'stroke-width="2"'
has "$T/o/red.svg" ">Karabakh</text>"
# The shipped styles carry Arabic texts: --lang ar makes an Arabic map.
if [ -f shapes/control.shp ]; then
  run 0 "$CM" render -s styles/paper.mss -d 2020-11-15 --lang ar -o "$T/o/paper-ar.svg"
  has "$T/o/paper-ar.svg" "ناغورنو كاراباخ: السيطرة الميدانية في ١٥ تشرين الثاني ٢٠٢٠"
  has "$T/o/paper-ar.svg" ">أذربيجان</text>"
  has "$T/o/paper-ar.svg" ">ستيباناكيرت</text>"
  hasnt "$T/o/paper-ar.svg" ">Azerbaijan</text>"
fi
run 2 "$CM" render -s "$T/o.mss" -d 2000 --set arn=#00ff00 -o "$T/o/x.png"
has "$T/err" "controlmap: --set arn: the style has no variable @arn (did you mean '@arm'?)"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --set arm=#zz0000 -o "$T/o/x.png"
has "$T/err" "controlmap: --set arm: @arm is a colour ($T/o.mss:1), and '#zz0000' is not one"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --set arm=3pt -o "$T/o/x.png"
has "$T/err" "@arm is a colour"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --set edge=red -o "$T/o/x.png"
has "$T/err" "@edge is a length or number"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --set label=Karabakh -o "$T/o/x.png"
has "$T/err" "@label is a quoted string"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --set arm= -o "$T/o/x.png"
has "$T/err" "controlmap: --set arm: @arm needs a value"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --set arm -o "$T/o/x.png"
has "$T/err" "controlmap: --set takes NAME=VALUE"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --set 'arm=#fff; x' -o "$T/o/x.png"
has "$T/err" "unexpected ';'"
run 2 "$CM" render -s "$T/o.mss" -d 2000 --set 'label="open' -o "$T/o/x.png"
has "$T/err" "controlmap: --set label:"
absent "$T/o/x.png"

# --- batch takes them too --------------------------------------------------------------
run 0 "$CM" batch -q -s "$T/o.mss" --every year --from 2000 --to 2001 --page 100x50mm --title "" \
  --set arm=#00ff00 -o "$T/o/b-{date:%Y}.svg"
has "$T/o/b-2001.svg" 'fill="#00ff00"'
has "$T/o/b-2000.svg" 'width="283.46pt" height="141.73pt"'
hasnt "$T/o/b-2000.svg" "Fixture on"
run 2 "$CM" batch -s "$T/o.mss" --every year --set nope=1
has "$T/err" "controlmap: --set nope"

finish cli_options
