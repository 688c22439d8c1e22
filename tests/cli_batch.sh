#!/bin/sh
# Command-line tests of `controlmap batch` (and `render --timings`): every
# mode on generated fixtures, re-runs, shards, exit codes, progress and
# timings. Prints "cli_batch: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
BUILD=${BUILD:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh



# count DIR N: DIR holds N files.
count() {
  n=$(ls "$1" | wc -l)
  [ "$n" -eq "$2" ] && ok "$(basename "$1") holds $2 files" || bad "$(basename "$1") holds $n files, wanted $2"
}

"$BUILD/tests/mkfixtures" "$T" || { echo "cli_batch: 0 passed, 1 failed"; exit 1; }

cat >"$T/fix.mss" <<'MSS'
Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 44.8 38.4 48.2 41.2;
  page: 60mm 45mm;
  dpi: 72;
  title: "Fixture on {date}";
  legend: bottom-left; scale-bar: bottom-right;
}
Layer#poly   { file: "poly.shp"; time: start end; }
Layer#lines  { file: "lines.shp"; time: start end; }
Layer#points { file: "points.shp"; }
#poly { line-color: #444; line-width: 0.5pt; }
#poly[holder = "ARM"] { polygon-fill: #e6a49c; legend: "Armenian forces"; }
#poly[holder = "AZE"] { polygon-fill: #9fc4e4; legend: "Azerbaijani forces"; }
#lines[kind = "contact"] { line-color: #600; line-width: 1pt; }
#points { marker-width: 2mm; text-name: [name]; }
MSS
S="$T/fix.mss"

# --- help ------------------------------------------------------------------
run 0 "$CM" batch --help
has "$T/out" "usage: controlmap batch"
has "$T/out" "--shard I/N"
run 0 "$CM" --help
has "$T/out" "batch"

# --- every -------------------------------------------------------------------
mkdir "$T/y"
run 0 "$CM" batch -s "$S" --every year --from 2000 --to 2003 -o "$T/y/{date:%Y}.png" -j 2
count "$T/y" 4
exists "$T/y/2000.png"
exists "$T/y/2003.png"
has "$T/err" "controlmap: [1/4] $T/y/"
has "$T/err" "controlmap: [4/4] $T/y/"
has "$T/err" "4 frames: 4 written, 0 skipped, 0 failed in"
if grep -q "$(printf '\r')" "$T/err"; then bad "progress uses \\r off a terminal"; else ok "plain progress lines off a terminal"; fi
no_temp "$T/y"
mkdir "$T/m"
run 0 "$CM" batch -s "$S" --every month --from 2020-10 --to 2020-12 -o "$T/m/{date}.svg"
count "$T/m" 3
run 0 xmllint --noout "$T/m/2020-11-01.svg"
has "$T/m/2020-11-01.svg" "Fixture on 1 November 2020"
has "$T/m/2020-11-01.svg" ">Armenian forces</text>"
hasnt "$T/m/2020-11-01.svg" ">Azerbaijani forces</text>"
has "$T/m/2020-12-01.svg" ">Azerbaijani forces</text>"
mkdir "$T/l"
run 0 "$CM" batch -s "$S" --every 100d --from 2020-01-01 --to 2020-03-01 --legend all -o "$T/l/{date}.svg"
count "$T/l" 1
has "$T/l/2020-01-01.svg" ">Azerbaijani forces</text>"
mkdir "$T/p"
run 0 "$CM" batch -s "$S" --every year --from 2020 --to 2020 -o "$T/p/{date}.pdf"
exists "$T/p/2020-01-01.pdf"
if need pdftotext; then
  pdftotext "$T/p/2020-01-01.pdf" "$T/p.txt"
  has "$T/p.txt" "Fixture on 1 January 2020"
fi

# --- jobs: the same bytes ----------------------------------------------------
mkdir "$T/j1" "$T/j3"
run 0 "$CM" batch -s "$S" --every 2000d --from 1993 --to 2021 -o "$T/j1/{date}.png" -j 1 -q
run 0 "$CM" batch -s "$S" --every 2000d --from 1993 --to 2021 -o "$T/j3/{date}.png" -j 3 -q
count "$T/j1" 6
same=1
for f in "$T"/j1/*.png; do cmp -s "$f" "$T/j3/$(basename "$f")" || same=0; done
[ "$same" -eq 1 ] && ok "1 and 3 jobs write the same bytes" || bad "1 and 3 jobs differ"
cmp -s "$T/j1/1993-01-01.png" "$T/j1/2020-11-10.png" 2>/dev/null && bad "frames of different dates alike" || ok "frames of different dates differ"
# Frames start from a shared base raster and reuse compressed rows of the
# frame before; the file is still the one a single render writes.
for d in 1993-01-01 2003-12-15 2020-05-19; do
  run 0 "$CM" render -s "$S" -d "$d" -o "$T/r-$d.png" -q
  cmp -s "$T/r-$d.png" "$T/j1/$d.png" && ok "the $d frame is the render of $d" \
    || bad "the $d frame differs from the render of $d"
done

# --- changes -----------------------------------------------------------------
mkdir "$T/c"
run 0 "$CM" batch -s "$S" --changes -o "$T/c/{date}.png"
count "$T/c" 4
for d in 1993-01-01 1994-05-12 2020-11-10 2020-12-01; do exists "$T/c/$d.png"; done
# Without a rule for them, the lines' changes leave the map as it was.
grep -v '^#lines' "$S" >"$T/nolines.mss"
mkdir "$T/c2"
run 0 "$CM" batch -s "$T/nolines.mss" --changes -o "$T/c2/{date}.png"
count "$T/c2" 2
has "$T/err" "2 change dates left out"
absent "$T/c2/1994-05-12.png"

# --- dates files ----------------------------------------------------------------
mkdir "$T/d"
printf '# two dates\n\n2020-09-27 start.png\n2020-11-10\n1994 # a comment\n' >"$T/dates.txt"
run 0 "$CM" batch -s "$S" --dates "$T/dates.txt" -o "$T/d/{date}.png"
exists "$T/d/start.png"
exists "$T/d/2020-11-10.png"
exists "$T/d/1994-01-01.png"
count "$T/d" 3
printf '2020-09-27\n2020-13-01\n' >"$T/baddates.txt"
run 1 "$CM" batch -s "$S" --dates "$T/baddates.txt" -o "$T/d/x{date}.png"
has "$T/err" "baddates.txt:2:1: '2020-13-01' is not a date"
run 1 "$CM" batch -s "$S" --dates "$T/nothere.txt" -o "$T/d/{date}.png"
has "$T/err" "nothere.txt"
count "$T/d" 3

# --- skip-existing -----------------------------------------------------------------
touch "$T/marker"
sleep 1
run 0 "$CM" batch -s "$S" --every year --from 2000 --to 2003 -o "$T/y/{date:%Y}.png" --skip-existing
has "$T/err" "4 frames: 0 written, 4 skipped, 0 failed"
has "$T/err" "(exists, skipped)"
[ -z "$(find "$T/y" -newer "$T/marker")" ] && ok "re-run wrote nothing" || bad "re-run rewrote files"
rm "$T/y/2001.png"
run 0 "$CM" batch -s "$S" --every year --from 2000 --to 2003 -o "$T/y/{date:%Y}.png" --skip-existing
has "$T/err" "4 frames: 1 written, 3 skipped, 0 failed"
exists "$T/y/2001.png"

# --- shards -----------------------------------------------------------------------
mkdir "$T/s"
run 0 "$CM" batch -s "$S" --every month --from 2000 --to 2000 -o "$T/s/{date}.png" --shard 1/3
count "$T/s" 4
has "$T/err" "shard 1/3: 4 of 12 frames"
exists "$T/s/2000-01-01.png"
exists "$T/s/2000-04-01.png"
absent "$T/s/2000-02-01.png"
run 0 "$CM" batch -s "$S" --every month --from 2000 --to 2000 -o "$T/s/{date}.png" --shard 2/3 -q
run 0 "$CM" batch -s "$S" --every month --from 2000 --to 2000 -o "$T/s/{date}.png" --shard 3/3 -q
count "$T/s" 12
run 0 "$CM" batch -s "$S" --every month --from 2000 --to 2000 -o "$T/s/{date}.png" --shard 2/3 --skip-existing
has "$T/err" "4 frames: 0 written, 4 skipped"
# The recipe of docs/batch-cluster.md on one host: GNU parallel runs the
# shards as separate processes; together they write what one process does.
mkdir "$T/gp" "$T/one"
run 0 "$CM" batch -s "$S" --every 400d --from 1993 --to 2021 -o "$T/one/{date}.png" -q
if command -v parallel >/dev/null; then
  if parallel --will-cite -j 3 "$CM" batch -s "$S" --every 400d --from 1993 --to 2021 \
       -o "$T/gp/{date}.png" --shard {}/3 -q ::: 1 2 3 2>"$T/err"; then
    ok "GNU parallel ran 3 shards"
  else
    bad "GNU parallel failed: $(tail -n 1 "$T/err")"
  fi
  count "$T/gp" "$(ls "$T/one" | wc -l)"
  same=1
  for f in "$T"/one/*.png; do cmp -s "$f" "$T/gp/$(basename "$f")" || same=0; done
  [ "$same" -eq 1 ] && ok "shards under GNU parallel write the same bytes as one process" \
    || bad "shards under GNU parallel differ from one process"
else
  bad "GNU parallel is missing (sh tools/deps.sh test installs it)"
fi
run 2 "$CM" batch -s "$S" --every year -o "$T/s/{date}.png" --shard 4/3
has "$T/err" "'4/3' is not a shard"
run 2 "$CM" batch -s "$S" --every year -o "$T/s/{date}.png" --shard 0/3
has "$T/err" "'0/3' is not a shard"

# --- usage errors (exit 2) ------------------------------------------------------------
run 2 "$CM" batch -s "$S" -o "$T/y/{date}.png"
has "$T/err" "one of --every STEP, --dates FILE or --changes"
run 2 "$CM" batch -s "$S" --every year --changes -o "$T/y/{date}.png"
has "$T/err" "give only one of them"
run 2 "$CM" batch -s "$S" --every fortnight -o "$T/y/{date}.png"
has "$T/err" "'fortnight' is not a step"
run 2 "$CM" batch -s "$S" --every year --jobs 0 -o "$T/y/{date}.png"
has "$T/err" "--jobs takes a number"
run 2 "$CM" batch -s "$S" --every year --from 2020-13 -o "$T/y/{date}.png"
has "$T/err" "'2020-13' is not a date"
run 2 "$CM" batch -s "$S" --every year --from 2010 --to 2005 -o "$T/y/{date}.png"
has "$T/err" "after the last"
run 2 "$CM" batch -s "$S" --every year -o "$T/y/all.png"
has "$T/err" "has no {date}"
run 2 "$CM" batch -s "$S" --every month -o "$T/y/{date:%Y}.png"
has "$T/err" "would both be written to"
run 2 "$CM" batch -s "$S" --every year -o "$T/y/{when}.png"
has "$T/err" "'{when}' in the output name"
run 2 "$CM" batch -s "$S" --every year -o "$T/y/{date}.gif"
has "$T/err" "so its name takes no {date}"
run 2 "$CM" batch -s "$S" --every year -o "$T/y/{date}.png" stray
count "$T/y" 4

# --- failures (exit 1) --------------------------------------------------------------------
run 1 "$CM" batch -s "$S" --every year -o "$T/nowhere/{date}.png"
has "$T/err" "the folder '$T/nowhere' does not exist"
absent "$T/nowhere"
run 1 "$CM" batch -s "$T/missing.mss" --every year -o "$T/y/{date}.png"
has "$T/err" "missing.mss"
mkdir "$T/f" "$T/f/blocked.png"
printf '2000 a.png\n2010 blocked.png\n2021 c.png\n' >"$T/fail.txt"
run 1 "$CM" batch -s "$S" --dates "$T/fail.txt" -o "$T/f/{date}.png" -j 2
has "$T/err" "$T/f/blocked.png failed: "
has "$T/err" "3 frames: 2 written, 0 skipped, 1 failed"
exists "$T/f/a.png"
exists "$T/f/c.png"
no_temp "$T/f"
run 1 "$CM" batch -s "$S" --dates "$T/fail.txt" -o "$T/f/{date}.png" -q --skip-existing
has "$T/err" "blocked.png failed"
has "$T/err" "3 frames: 0 written, 2 skipped, 1 failed"

# --- quiet, timings, default output -------------------------------------------------------
mkdir "$T/q"
run 0 "$CM" batch -s "$S" --every year --from 2000 --to 2001 -o "$T/q/{date}.png" -q
[ -s "$T/err" ] && bad "-q printed something" || ok "-q says nothing on success"
run 0 "$CM" batch -s "$S" --every year --from 2000 --to 2001 -o "$T/q/{date}.png" --timings -q
for w in "load+project" "compose " "draw+encode" "total " "peak memory" " MB" "over 2 frames" " each"; do has "$T/err" "$w"; done
run 0 "$CM" render -s "$S" -d 2000 -o "$T/q/r.png" --timings
for w in "load+project" "compose " "draw+encode" "total " "peak memory" " MB"; do has "$T/err" "$w"; done
CMABS=$(cd "$(dirname "$CM")" && pwd)/$(basename "$CM")
mkdir "$T/w"
(cd "$T/w" && "$CMABS" batch -s "$S" --every year --from 2000 --to 2001 -q) >"$T/out" 2>"$T/err"
[ $? -eq 0 ] && ok "batch with the default output" || bad "batch with the default output failed"
exists "$T/w/out/2000-01-01.png"
exists "$T/w/out/2001-01-01.png"

# --- a terminal gets one updating progress line ------------------------------------------------
if script -qc true /dev/null >/dev/null 2>&1; then
  mkdir "$T/tty"
  script -qc "'$CMABS' batch -s '$S' --every year --from 2000 --to 2002 -o '$T/tty/{date}.png'" /dev/null >"$T/tty.txt" 2>&1
  has "$T/tty.txt" "$(printf '\r')controlmap: [####################] 3/3"
  hasnt "$T/tty.txt" "controlmap: [1/3]"
  has "$T/tty.txt" "3 frames: 3 written"
fi

finish cli_batch
