#!/bin/sh
# Command-line tests of `controlmap batch` writing one animation (.gif,
# .webp): frames, durations and looping read back by test_anim --describe,
# the same bytes from any number of jobs, refused options and names, no
# file left by a failure, and the shipped dataset's yearly timeline.
# Prints "cli_anim: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
BUILD=${BUILD:-build}
DESCRIBE="$BUILD/tests/test_anim --describe"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh



# holds FILE TEXT: what test_anim --describe says of FILE contains TEXT.
holds() {
  d=$($DESCRIBE "$1")
  case "$d" in
  *"$2"*) ok "$(basename "$1"): $2" ;;
  *) bad "$(basename "$1") holds '$d', wanted '$2'" ;;
  esac
}
# size_between FILE MIN MAX (bytes)
size_between() {
  n=$(wc -c <"$1")
  if [ "$n" -ge "$2" ] && [ "$n" -le "$3" ]; then ok "$(basename "$1") is $n bytes"; else
    bad "$(basename "$1") is $n bytes, wanted $2 to $3"; fi
}
# repeat N TEXT: TEXT N times, joined by commas.
repeat() {
  i=0
  out=""
  while [ "$i" -lt "$1" ]; do
    out="$out${out:+,}$2"
    i=$((i + 1))
  done
  echo "$out"
}

"$BUILD/tests/mkfixtures" "$T" || { echo "cli_anim: 0 passed, 1 failed"; exit 1; }

cat >"$T/fix.mss" <<'MSS'
Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 44.8 38.4 48.2 41.2;
  page: 60mm 45mm;
  dpi: 72;
  title: "Fixture on {date}";
  legend: bottom-left;
}
Layer#poly   { file: "poly.shp"; time: start end; }
#poly { line-color: #444; line-width: 0.5pt; }
#poly[holder = "ARM"] { polygon-fill: #e6a49c; legend: "Armenian forces"; }
#poly[holder = "AZE"] { polygon-fill: #9fc4e4; legend: "Azerbaijani forces"; }
MSS
S="$T/fix.mss"

# --- help --------------------------------------------------------------------
run 0 "$CM" batch --help
has "$T/out" "--delay MS"
has "$T/out" "--hold-last MS"
has "$T/out" ".gif or .webp"

# --- GIF and WebP on the fixtures -------------------------------------------------
mkdir "$T/a"
run 0 "$CM" batch -s "$S" --every year --from 2000 --to 2005 -o "$T/a/t.gif"
holds "$T/a/t.gif" "gif 171x128 frames 6 loop 0 delays $(repeat 5 80),250"
has "$T/err" "wrote $T/a/t.gif: 6 frames"
has "$T/err" "controlmap: [1/6] 2000-01-01"
run 0 "$CM" batch -s "$S" --every year --from 2000 --to 2005 -o "$T/a/t.webp" \
  --delay 250 --hold-last 4000 -q
holds "$T/a/t.webp" "webp 171x128 frames 6 loop 0 delays $(repeat 5 250),4000"
if [ -s "$T/err" ]; then bad "-q printed: $(head -1 "$T/err")"; else ok "-q prints nothing"; fi
run 0 "$CM" batch -s "$S" --every month --from 2020-09 --to 2020-12 -o "$T/a/T.GIF" \
  --delay 105 --hold-last 10 --dpi 144 -q
holds "$T/a/T.GIF" "gif 341x256 frames 4 loop 0 delays 11,11,11,1"
no_temp "$T/a"

# --- the same bytes whatever the jobs ----------------------------------------------
mkdir "$T/j"
for e in gif webp; do
  run 0 "$CM" batch -s "$S" --every 1000d --from 1993 --to 2021 -o "$T/j/one.$e" -j 1 -q
  run 0 "$CM" batch -s "$S" --every 1000d --from 1993 --to 2021 -o "$T/j/four.$e" -j 4 -q
  if cmp -s "$T/j/one.$e" "$T/j/four.$e"; then ok "1 and 4 jobs write the same $e"; else
    bad "1 and 4 jobs write different ${e}s"; fi
done
holds "$T/j/one.gif" "frames 11 "

# --- refused -------------------------------------------------------------------
mkdir "$T/r"
run 2 "$CM" batch -s "$S" --every year -o "$T/r/t.apng"
has "$T/err" "APNG cannot be written: Debian's libpng is built without animated PNG support"
run 2 "$CM" batch -s "$S" --every year -o "$T/r/t.bmp"
has "$T/err" "or in .gif, .webp or .html for one animation"
run 2 "$CM" batch -s "$S" --every year -o "$T/r/{date}.gif"
has "$T/err" "takes no {date}"
run 2 "$CM" batch -s "$S" --every year -o "$T/r/t.gif" --shard 1/2
has "$T/err" "--shard makes no sense for an animation"
run 2 "$CM" batch -s "$S" --every year -o "$T/r/t.webp" --skip-existing
has "$T/err" "--skip-existing makes no sense for an animation"
run 2 "$CM" batch -s "$S" --every year -o "$T/r/{date}.png" --delay 500
has "$T/err" "--delay and --hold-last are for an animation"
run 2 "$CM" batch -s "$S" --every year -o "$T/r/t.gif" --delay 5
has "$T/err" "--delay takes milliseconds from 10 to 600000, not '5'"
run 2 "$CM" batch -s "$S" --every year -o "$T/r/t.gif" --hold-last 1s
has "$T/err" "--hold-last takes milliseconds"
run 2 "$CM" batch -s "$S" --every year -o "$T/r/t.gif" --dpi 5
has "$T/err" "--dpi takes 10 to 4800, not '5'"
printf '2000-01-01\n2001-01-01 named.png\n' >"$T/dates.txt"
run 2 "$CM" batch -s "$S" --dates "$T/dates.txt" -o "$T/r/t.gif"
has "$T/err" "dates.txt:2: 'named.png': frames of an animation have no names of their own"
has "$T/err" "dates.txt:2: 'named.png': frames of an animation have no names"
run 1 "$CM" batch -s "$S" --every year -o "$T/missing/t.gif"
has "$T/err" "the folder '$T/missing' does not exist"
has "$T/err" "mkdir -p"
ls "$T/r" | grep -q . && bad "refused runs wrote into $T/r" || ok "refused runs wrote nothing"
absent "$T/missing"

# --- a frame that fails: no file ---------------------------------------------------
sed -e 's/page: 60mm 45mm;/page: 300mm 300mm;/' -e 's/dpi: 72;/dpi: 4800;/' "$S" >"$T/huge.mss"
mkdir "$T/f"
run 1 "$CM" batch -s "$T/huge.mss" --every year --from 2000 --to 2002 -o "$T/f/t.gif" -j 2
has "$T/err" "failed"
has "$T/err" "not written"
absent "$T/f/t.gif"
no_temp "$T/f"

# --- the shipped dataset: the yearly timeline ---------------------------------------
if [ -f shapes/control.shp ]; then
  mkdir "$T/x"
  run 0 "$CM" batch --every year --from 1988 --to 2024 -o "$T/x/timeline.gif" --dpi 60 -q
  holds "$T/x/timeline.gif" "gif 402x331 frames 37 loop 0 delays $(repeat 36 80),250"
  size_between "$T/x/timeline.gif" 20000 1000000
  run 0 "$CM" batch --every year --from 1988 --to 2024 -o "$T/x/timeline.webp" --dpi 60 -q
  holds "$T/x/timeline.webp" "webp 402x331 frames 37 loop 0 delays $(repeat 36 800),2500"
  size_between "$T/x/timeline.webp" 20000 1000000
  no_temp "$T/x"
fi

finish cli_anim
