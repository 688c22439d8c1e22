#!/bin/sh
# Command-line tests of time on the map: arrows with their heads at the
# right end in PNG, PDF and SVG (read back as pixels), the event key
# (numbering, order, language), and the HTML timeline (self-contained, a
# frame per date, a slider that changes the frame in headless Chromium and
# Firefox).
# Prints "cli_time: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
case $CM in /*) ;; *) CM=$PWD/$CM ;; esac
BUILD=${BUILD:-build}
BUILD_ABS=$(cd "$BUILD" && pwd)
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

# --- the HTML timeline --------------------------------------------------------
cat >"$T/events.mss" <<'MSS'
Map { extent: 44.8 38.4 48.2 41.2; page: 160mm 120mm; dpi: 72;
      title: "Fixture on {date}"; key: below; key-size: 20mm; }
Layer#moves  { file: "moves.shp"; time: start end; time-window: 7d; }
Layer#events { file: "events.shp"; time: date; time-window: 30d; }
#moves { line-color: #8b1a1a; line-width: 2pt; line-end: arrow; }
#events { marker-width: 4mm; marker-fill: #7a1f1f; key: [title_en]; }
MSS
printf '2022-08-26\n2022-09-13\n2022-09-14\n2022-10-13\n2023-09-25\n' >dates.txt
run 0 "$CM" batch -q -s events.mss --dates dates.txt -o t.html --jobs 2
exists t.html
# One self-contained file: no script, style, image or font fetched.
for pattern in '<script src' '<link' '<img' '@import' 'url(http' 'fetch(' 'XMLHttpRequest' 'src="http' 'href="http'; do
  hasnt t.html "$pattern"
done
frames=$(sed -n '/^var F=\[$/,/^\];$/p' t.html | grep -c '^\[')
if [ "$frames" -eq 5 ]; then ok "5 frames for 5 dates"; else bad "$frames frames for 5 dates"; fi
has t.html 'max="4"'
has t.html 'var D=["2022-08-26","2022-09-13","2022-09-14","2022-10-13","2023-09-25"]'
has t.html '"2. 13 September 2022 — Shelling of Jermuk"'
# Open it in headless Chromium and in headless Firefox with a script that
# counts the slider's positions and the frames, moves the slider to the
# last frame, then steps back one with the left arrow key, and writes what
# it saw into the page (which Chromium's --dump-dom prints) and to the
# standard output (Firefox's dump(), on with the profile's pref).
probe='(function(){var s=document.getElementById("slider"),m=document.getElementById("map");
var a=document.body.getAttribute("data-date"),h=m.innerHTML,n=m.querySelectorAll("svg g#layer-events, svg g#key").length;
var ev0=document.getElementById("events").children.length,pos=Number(s.max)-Number(s.min)+1;
s.value=s.max;s.dispatchEvent(new Event("input"));
var t="first="+a+" svg="+n+" events="+ev0+" positions="+pos+" frames="+F.length+" last="+document.body.getAttribute("data-date")+" changed="+(m.innerHTML!==h)+" date="+document.getElementById("date").textContent+" arrows="+m.querySelectorAll("#layer-moves path").length;
document.dispatchEvent(new KeyboardEvent("keydown",{key:"ArrowLeft",bubbles:true}));
t+=" back="+document.body.getAttribute("data-date");
var r=document.createElement("pre");r.id="result";r.textContent=t;document.body.appendChild(r);
if(typeof dump==="function")dump("result: "+t+String.fromCharCode(10));})();'
sed "s|</body>|<script>$(echo "$probe" | tr '\n' ' ')</script></body>|" t.html >probe.html
seen='first=2022-08-26 svg=2 events=1 positions=5 frames=5 last=2023-09-25 changed=true date=25 September 2023 arrows=2 back=2022-10-13'
if command -v chromium >/dev/null 2>&1; then
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --disable-sync --user-data-dir="$T/chromium" \
    --dump-dom "file://$T/probe.html" 2>/dev/null | grep -o '<pre id="result">[^<]*' >seen.txt
  has seen.txt "$seen"
else
  bad "chromium is not installed (make deps-test installs it)"
fi
# Firefox takes a screenshot once the page has loaded: it shows the frame
# of 13 October 2022 the probe stepped back to, with its two numbered
# markers, dark red, in the map and in the key.
firefox=""
for f in firefox-esr firefox; do command -v $f >/dev/null 2>&1 && { firefox=$f; break; }; done
if [ -n "$firefox" ]; then
  mkdir -p "$T/firefox"
  echo 'user_pref("browser.dom.window.dump.enabled", true);' >"$T/firefox/user.js"
  HOME=$T MOZ_HEADLESS=1 timeout 120 "$firefox" --headless --no-remote --profile "$T/firefox" \
    --window-size 1200,900 --screenshot "$T/firefox.png" "file://$T/probe.html" 2>/dev/null |
    grep '^result: ' >seen-firefox.txt
  has seen-firefox.txt "$seen"
  n=$(convert firefox.png -fuzz 8% -fill black +opaque '#7a1f1f' -fill white -opaque '#7a1f1f' -format '%[fx:int(mean*w*h)]' info: 2>/dev/null)
  if [ "${n:-0}" -gt 400 ]; then ok "Firefox draws the frame's numbered markers ($n px)"; else
    bad "Firefox's screenshot has no numbered markers (${n:-0} px)"; fi
else
  bad "firefox-esr is not installed (make deps-test installs it)"
fi

# A GIF of the same dates has a frame for each, drawn as the maps are: the
# frame of 14 September 2022 holds the key's numbered discs, dark red.
run 0 "$CM" batch -q -s events.mss --dates dates.txt -o t.gif --jobs 2
d=$("$BUILD_ABS/tests/test_anim" --describe t.gif)
case "$d" in *"frames 5 "*) ok "t.gif: 5 frames" ;; *) bad "t.gif holds '$d'" ;; esac
convert t.gif -coalesce frame-%d.png
n=$(convert frame-2.png -fill black +opaque '#7a1f1f' -fill white -opaque '#7a1f1f' -format '%[fx:int(mean*w*h)]' info: 2>/dev/null)
if [ "${n:-0}" -gt 100 ]; then ok "the GIF's 14 September frame has its numbered markers ($n px)"; else
  bad "the GIF's 14 September frame has no numbered markers (${n:-0} px)"; fi

# The 2020 war, one frame per change, stays within 3 MB.
cd - >/dev/null || exit 1
run 0 "$CM" batch -q --changes --from 2020-09-27 --to 2020-12-31 -o "$T/war.html"
n=$(wc -c <"$T/war.html")
if [ "$n" -lt 3000000 ]; then ok "the 2020 war timeline is $n bytes"; else bad "the 2020 war timeline is $n bytes, over 3 MB"; fi

finish cli_time
