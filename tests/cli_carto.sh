#!/bin/sh
# The cartographic check on the command line: the four shipped styles read
# well at every change date (paper.mss in grey too), and a style whose
# legend hides a town fails with the finding. Prints "cli_carto: N passed,
# N failed".
CM=${CONTROLMAP:-./controlmap}
BUILD=${BUILD:-build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh

for s in default slides paper-ar; do
  run 0 "$CM" check -s "styles/$s.mss" --dates all
  has "$T/out" "the map reads well at"
done
run 0 "$CM" check -s styles/paper.mss --dates all --grey
has "$T/out" "the map reads well at"

# The default style with its legend back in the south-west corner, where
# Nakhchivan and Julfa are.
sed -e 's|legend: outside-right;|legend: bottom-left;|' \
    -e 's|"\.\./shapes/|"'"$PWD"'/shapes/|' styles/default.mss >"$T/sw.mss"
run 1 "$CM" check -s "$T/sw.mss" --date 2020-11-10
has "$T/err" "2020-11-10: the legend covers the marker of 'Julfa'"
has "$T/err" "cartographic finding"
# Without a date option, the check is about the style and data alone.
run 0 "$CM" check -s "$T/sw.mss"
run 2 "$CM" check -s styles/default.mss --date 2020-13-45
run 2 "$CM" check -s styles/default.mss --dates some

# --same-scale judges the layout of `batch --same-scale` over the dates:
# the war, at the scale its fullest event key leaves, reads well; through
# December, three post-war maps at that scale lose Hadrut's name (which
# the dates alone keep).
run 0 "$CM" check -s styles/default.mss --dates all --from 2020-09-27 --to 2020-11-10 --same-scale
has "$T/out" "the map reads well at 17 dates"
run 1 "$CM" check -s styles/default.mss --dates all --from 2020-09-27 --to 2020-12 --same-scale
has "$T/err" "2020-12-11: label 'Hadrut' left out with its marker"
has "$T/err" "3 cartographic findings at 29 dates"
run 0 "$CM" check -s styles/default.mss --dates all --from 2020-09-27 --to 2020-12
has "$T/out" "the map reads well at 29 dates"
run 2 "$CM" check -s styles/default.mss --dates all --from 2030
has "$T/err" "no change dates between --from and --to"

finish cli_carto
