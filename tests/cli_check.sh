#!/bin/sh
# `controlmap check` finds every problem in one run, and the messages of
# the command line: unknown commands and options, wrong dates.
# Prints "cli_check: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
BUILD=${BUILD:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh

"$BUILD/tests/mkfixtures" "$T" || { echo "cli_check: 0 passed, 1 failed"; exit 1; }

# A new user's style: a typo in a property, a wrong field in a filter and a
# misspelt shapefile. All three are reported by one run.
cat >"$T/three.mss" <<'MSS'
Map { page: 120mm 90mm; }
Layer#poly   { file: "poly.shp"; time: start end; }
Layer#points { file: "pionts.shp"; }
#poly[holdr = "ARM"] { polygon-fil: #e6a49c; }
#points { marker-width: 2mm; }
MSS
run 2 "$CM" check -s "$T/three.mss"
has "$T/err" "three.mss:4:24: unknown property 'polygon-fil' (did you mean 'polygon-fill'?)"
has "$T/err" "three.mss:4:7: layer 'poly': $T/poly.shp has no field 'holdr' (did you mean 'holder'?)"
has "$T/err" "three.mss:3:1: layer 'points': the file '$T/pionts.shp' does not exist (did you mean 'points.shp'?)"
has "$T/err" "three.mss: 3 problems, 0 warnings"
[ "$(grep -c '^controlmap: ' "$T/err")" -eq 4 ] && ok "three problems and the count, nothing else" ||
  bad "check said $(grep -c '^controlmap: ' "$T/err") lines"
# Once the typo is fixed the two others are still there, and the exit code
# says data problem.
sed 's/polygon-fil:/polygon-fill:/' "$T/three.mss" >"$T/two.mss"
run 1 "$CM" check -s "$T/two.mss"
has "$T/err" "did you mean 'holder'?"
has "$T/err" "did you mean 'points.shp'?"
has "$T/err" "two.mss: 2 problems"
# render stops at the same missing file, with the style line.
sed 's/holdr/holder/' "$T/two.mss" >"$T/one.mss"
run 1 "$CM" render -s "$T/one.mss" -d 2000 -o "$T/x.png"
has "$T/err" "one.mss:3:1: layer 'points': the file '$T/pionts.shp' does not exist (did you mean 'points.shp'?)"
absent "$T/x.png"
# A missing folder is said as such.
sed 's#pionts.shp#nowhere/points.shp#' "$T/one.mss" >"$T/folder.mss"
run 1 "$CM" check -s "$T/folder.mss"
has "$T/err" "the folder of '$T/nowhere/points.shp' does not exist"

# Fonts that are not installed, and filter dates outside the data, are
# warnings: the map can be drawn, and check says what it will look like.
cat >"$T/warn.mss" <<'MSS'
Map { font: "Frutiger Nonesuch"; }
Layer#poly   { file: "poly.shp"; time: start end; }
Layer#points { file: "points.shp"; }
#poly[start >= 2031-01-01] { polygon-fill: #abc; }
#poly[day < 1850-01] { polygon-fill: #cba; }
#poly[start >= 2000-01-01] { polygon-fill: #bca; }
#points { text-name: [name]; text-face-name: "Noto Sans"; }
#points[rank = 1] { text-face-name: "Helvetica Nonesuch"; }
MSS
run 0 "$CM" check -s "$T/warn.mss"
fallback=$(fc-match -f '%{family[0]}' 'Frutiger Nonesuch')
has "$T/err" "warn.mss:1:13: warning: font 'Frutiger Nonesuch' is not installed: text will be drawn in '$fallback'"
has "$T/err" "warn.mss:8:37: warning: font 'Helvetica Nonesuch' is not installed"
hasnt "$T/err" "'Noto Sans' is not installed"
has "$T/err" "warn.mss:4:16: warning: 2031-01-01 is after every date of 'start' in $T/poly.shp (1993-01-01 .. 2020-12-01)"
has "$T/err" "warn.mss:5:13: warning: 1850-01 is before every date of 'day' in $T/poly.shp (1993-04-03 .. 2020-12-01)"
hasnt "$T/err" "2000-01-01 is"
has "$T/err" "warn.mss: 0 problems, 4 warnings"
has "$T/out" "OK (2 layers"

# Syntax mistakes, fields and files together with warnings, one run.
cat >"$T/all.mss" <<'MSS'
Map { font: "Frutiger Nonesuch" }
Layer#poly { file: "poly.shp"; time: start end; }
Layer#lines { file: "line.shp"; }
#poly[holder = "ARM"] { polygon-fill: #zz0000; text-name: [nmae]; }
MSS
run 2 "$CM" check -s "$T/all.mss"
has "$T/err" "'#zz0000' is not a colour"
has "$T/err" "no field 'nmae' (did you mean 'name'?)"
has "$T/err" "did you mean 'lines.shp'?"
has "$T/err" "warning: font 'Frutiger Nonesuch'"
has "$T/err" "all.mss: 3 problems, 1 warning"

# --- the command line ----------------------------------------------------------
run 2 "$CM" rendr -d 2000
has "$T/err" "controlmap: unknown command 'rendr' (did you mean 'render'?)"
run 2 "$CM" chek
has "$T/err" "did you mean 'check'?"
run 2 "$CM" render --dpii 300 -d 2000
has "$T/err" "controlmap: unknown option '--dpii' (did you mean '--dpi'?)"
run 2 "$CM" render --bogus -d 2000
has "$T/err" "controlmap: unknown option '--bogus' (see \`controlmap render --help\`)"
run 2 "$CM" render -x -d 2000
has "$T/err" "controlmap: unknown option '-x'"
run 2 "$CM" render -d
has "$T/err" "controlmap: -d needs a value"
run 2 "$CM" batch --evry year
has "$T/err" "controlmap: unknown option '--evry' (did you mean '--every'?)"
run 2 "$CM" batch --every
has "$T/err" "controlmap: --every needs a value"
for f in "$T/err"; do
  if grep -v '^controlmap: ' "$f" | grep -q .; then bad "a message without controlmap:"; else ok "every message starts with controlmap:"; fi
done
run 2 "$CM" render -s "$T/one.mss" -d 2016-02-30 -o "$T/x.png"
has "$T/err" "controlmap: '2016-02-30' is not a date: February 2016 has 29 days"
run 2 "$CM" render -s "$T/one.mss" -d 2015-02-29 -o "$T/x.png"
has "$T/err" "February 2015 has 28 days"
run 2 "$CM" render -s "$T/one.mss" -d 2020-13 -o "$T/x.png"
has "$T/err" "there is no month 13"
run 2 "$CM" batch -s "$T/one.mss" --every year --from 2020-04-31
has "$T/err" "April 2020 has 30 days"

# --dpi judges px lengths at the dpi of a render to come.
run 2 "$CM" check -s "$T/one.mss" --dpi 5
has "$T/err" "--dpi takes 10 to 4800, not '5'"
run 2 "$CM" check -s "$T/one.mss" --dpi 300x
has "$T/err" "--dpi takes 10 to 4800, not '300x'"

finish cli_check
