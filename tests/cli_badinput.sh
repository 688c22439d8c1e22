#!/bin/sh
# Bad input never crashes controlmap. Every row of tests/data/badinput.txt
# runs the tool in a fresh folder holding copies of the fixtures poly,
# lines and points and of the style s.mss below, after the row's setup, and
# checks: the exit code (1 or 2, never a signal), every expected fragment of
# the message, and that not one file appeared or changed (no output, no
# temporary file). The same fixtures first render well, so that each case
# fails for its own reason only. Then a render is killed half-way and must
# leave either nothing or a whole file. Prints "cli_badinput: N passed, N
# failed". BADINPUT_WRAP runs every command under a tool (`make valgrind`
# puts valgrind there; the kill is then left out).
CM=${CONTROLMAP:-./controlmap}
WRAP=${BADINPUT_WRAP:-}
BUILD=${BUILD:-build}
TABLE=${BADINPUT_TABLE:-tests/data/badinput.txt}
case $CM in /*) ;; *) CM=$(pwd)/$CM ;; esac
T=$(mktemp -d)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
. tests/lib.sh

"$BUILD/tests/mkfixtures" "$T/fix" || { echo "cli_badinput: 0 passed, 1 failed"; exit 1; }

cat >"$T/fix/s.mss" <<'MSS'
/* the style every bad-input case starts from */
Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 44.8 38.4 48.2 41.2;
  page: 120mm 90mm;
  dpi: 150;
  title: "Fixture on {date}";
  legend: bottom-left; scale-bar: bottom-right;
}
Layer#poly   { file: "poly.shp"; time: start end; }
Layer#lines  { file: "lines.shp"; time: start end; }
Layer#points { file: "points.shp"; }
#poly[holder = "ARM"] { polygon-fill: #e6a49c; legend: "Armenian forces"; }
#lines { line-color: #600; line-width: 1pt; }
#points { marker-width: 2mm; text-name: [name]; }
MSS

# --- what a row's setup may use (run inside the case's folder) --------------

# fixture NAME [AS]: copy every file of a fixture, renamed to AS.
fixture() {
  for f in "$T/fix/$1".*; do cp "$f" "${2:-$1}.${f##*.}"; done
}
# shorten FILE N: keep the first N bytes.
shorten() { head -c "$2" "$1" >"$1.cut" && mv "$1.cut" "$1"; }
# poke FILE OFFSET HEX...: overwrite bytes, e.g. poke poly.shp 108 01 00.
poke() {
  f=$1 at=$2
  shift 2
  for b in "$@"; do
    # shellcheck disable=SC2059
    printf "\\$(printf '%03o' $((0x$b)))" |
      dd of="$f" bs=1 seek="$at" conv=notrunc 2>/dev/null || return 1
    at=$((at + 1))
  done
}
# put FILE TEXT: the file holds TEXT, with \n and \0NNN escapes.
put() { printf '%b' "$2" >"$1"; }
# edit SED: change the style.
edit() { sed -e "$1" s.mss >s.new && mv s.new s.mss; }
# repeat FILE N CHAR: CHAR written N times, no line break.
repeat() { head -c "$2" /dev/zero | tr '\0' "$3" >"$1"; }
# folder PATH: a folder where a file is expected.
folder() { rm -f "$1" && mkdir "$1"; }
# full KB: the case runs with files limited to KB kilobytes, as on a full
# disk (writes past it fail with EFBIG; SIGXFSZ is ignored).
full() { limit=$1; }
# nowrite: $RO becomes a folder no file can be written in. chmod does not
# stop root, so then /proc stands in.
nowrite() {
  mkdir ro && chmod 555 ro
  if touch ro/probe 2>/dev/null; then
    rm -f ro/probe
    RO=/proc
  else
    RO=ro
  fi
}

# --- running one row ---------------------------------------------------------

trim() { echo "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }
# Every path, and the checksum of every file.
listing() { find . | sort && find . -type f -exec cksum {} + | sort; }

# run_case NAME EXIT FRAGMENTS SETUP ARGS: setup and run in a fresh folder.
run_case() {
  name=$1 want=$2 frags=$3 setup=$4 args=$5
  W=$T/case/$name
  mkdir -p "$W/o"
  (cd "$W" && fixture poly && fixture lines && fixture points && cp "$T/fix/s.mss" .)
  (
    cd "$W" || exit 99
    limit="" RO=""
    eval "$setup" >"$T/setup" 2>&1 || exit 98
    listing >"$T/before"
    eval "set -- $args"
    trap '' XFSZ
    [ -n "$limit" ] && ulimit -f "$limit"
    # shellcheck disable=SC2086
    exec timeout 600 $WRAP "$CM" "$@" >"$T/out" 2>"$T/err"
  )
  got=$?
  if [ "$got" -ge 98 ]; then
    bad "$name: setup failed, memory errors, killed or timed out (exit $got): $args"
    sed 's/^/    /' "$T/setup" "$T/err" | head -20
    return
  fi
  [ "$got" -eq "$want" ] && ok "$name: exit $want" || {
    bad "$name: exit $got, wanted $want: $args"
    sed 's/^/    /' "$T/err" | head -3
  }
  rest=$frags
  while [ -n "$rest" ]; do
    frag=$(trim "${rest%%&&*}")
    case $rest in *'&&'*) rest=${rest#*&&} ;; *) rest="" ;; esac
    if grep -qF -- "$frag" "$T/err"; then ok "$name: says '$frag'"; else
      bad "$name: message lacks '$frag'"
      sed 's/^/    /' "$T/err" | head -3
    fi
  done
  if (cd "$W" && listing | cmp -s - "$T/before"); then ok "$name: no file written"; else
    bad "$name: files appeared or changed"
    (cd "$W" && listing | diff "$T/before" - | sed 's/^/    /' | head -5)
  fi
  chmod -R u+rwx "$W" && rm -rf "$W"
}

# --- the fixtures, rendered well --------------------------------------------

B=$T/good
mkdir -p "$B"
for n in poly lines points; do cp "$T/fix/$n".* "$B/"; done
cp "$T/fix/s.mss" "$B/"
# good WHAT ARGS...: runs in $B and must succeed.
good() {
  what=$1
  shift
  # shellcheck disable=SC2086
  if (cd "$B" && timeout 600 $WRAP "$CM" "$@") >"$T/out" 2>"$T/err"; then
    ok "the fixtures: $what"
  else
    bad "the fixtures: $what failed"
    sed 's/^/    /' "$T/err" | head -20
  fi
}
good "render PNG" render -q -s s.mss -d 2000-01-01 -o map.png
good "render SVG" render -q -s s.mss -d 2021 -o map.svg
good "render PDF" render -q -s s.mss -d 2020-11-15 -o map.pdf
good "info" info poly.shp lines.shp points.shp
good "check" check -s s.mss
good "dates" dates -s s.mss

# --- the bad cases -------------------------------------------------------------

cases=0
while IFS='|' read -r name want frags setup args; do
  name=$(trim "$name")
  case $name in '' | '#'*) continue ;; esac
  cases=$((cases + 1))
  run_case "$name" "$(trim "$want")" "$frags" "$(trim "$setup")" "$(trim "$args")"
done <"$TABLE"
[ "$cases" -ge 40 ] && ok "$cases bad-input cases" || bad "only $cases bad-input cases"

# --- a render killed half-way ------------------------------------------------
if [ -n "$WRAP" ]; then
  finish cli_badinput
  exit
fi
# The PNG is drawn and encoded into a hidden temporary file beside the target
# (.NAME.tmp followed by a unique suffix) and renamed when whole. SIGKILL
# leaves that temporary file behind (nothing can clean up after it), but
# never a partial file under the target's name.

# whole_png FILE: the file ends with the IEND chunk.
whole_png() {
  [ "$(tail -c 12 "$1" | od -An -tx1 | tr -d ' \n')" = 0000000049454e44ae426082 ]
}

K=$T/kill
mkdir -p "$K"
sed 's/page: 120mm 90mm/page: 500mm 400mm/; s/dpi: 150/dpi: 600/; s/"\([a-z]*\.shp\)"/"..\/fix\/\1"/' \
  "$T/fix/s.mss" >"$K/big.mss"

# kill_midway TARGET: start a render of big.mss, kill it once its temporary
# file exists (a PNG is compressed in memory and written in one go, so
# waiting for bytes would mostly miss it); 0 when that moment was caught.
kill_midway() {
  "$CM" render -q -s "$K/big.mss" -d 2000 --png-level 9 -o "$1" 2>/dev/null &
  pid=$!
  i=0
  while [ $i -lt 600 ]; do
    for f in "$K"/.*.tmp*; do
      if [ -e "$f" ]; then
        kill -9 $pid 2>/dev/null
        wait $pid 2>/dev/null
        return 0
      fi
    done
    kill -0 $pid 2>/dev/null || break
    sleep 0.05
    i=$((i + 1))
  done
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  return 1
}

if kill_midway "$K/map.png"; then
  ok "render killed while writing"
  [ -e "$K/map.png" ] && bad "a killed render left map.png" || ok "no map.png after the kill"
  left=$(ls -A "$K" | grep -c '^\.map\.png\.tmp.')
  [ "$left" -eq 1 ] && ok "the temporary file is hidden and named .map.png.tmp..." ||
    bad "temporary files after the kill: $(ls -A "$K" | tr '\n' ' ')"
else
  bad "the render ended before it could be killed"
fi
rm -f "$K"/.*.tmp*
# Over a whole older map, a killed render leaves the older map as it was.
if "$CM" render -q -s "$T/fix/s.mss" -d 2000 -o "$K/map.png" && whole_png "$K/map.png"; then
  ok "a finished render is a whole PNG"
else
  bad "the small render failed or is not a whole PNG"
fi
cp "$K/map.png" "$K/old.png"
if kill_midway "$K/map.png"; then
  cmp -s "$K/map.png" "$K/old.png" && whole_png "$K/map.png" &&
    ok "a killed render leaves the older map whole" ||
    bad "a killed render changed the older map"
else
  bad "the second render ended before it could be killed"
fi

finish cli_badinput
