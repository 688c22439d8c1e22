#!/bin/sh
# Interrupted runs: SIGINT, SIGTERM and SIGHUP in the middle of a batch
# (and of a render) leave no temporary file and end with 128 + the
# signal's number; a batch run again removes the temporary files that a
# killed run (SIGKILL) left beside its outputs, and only those. Prints
# "cli_signals: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
BUILD=${BUILD:-build}
case $CM in /*) ;; *) CM=$(pwd)/$CM ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh

"$BUILD/tests/mkfixtures" "$T" >/dev/null || { echo "cli_signals: 0 passed, 1 failed"; exit 1; }

# Frames large enough to be caught while they are written.
cat >"$T/big.mss" <<'MSS'
Map {
  srs: "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
  extent: 44.8 38.4 48.2 41.2;
  page: 400mm 300mm;
  dpi: 400;
  title: "Fixture on {date}";
}
Layer#poly { file: "poly.shp"; time: start end; }
#poly { polygon-fill: #e6a49c; line-color: #444; line-width: 0.5pt; }
MSS

# temporaries DIR: how many ".NAME.tmp..." files DIR holds.
temporaries() { ls -A "$1" | grep -c '^\..*\.tmp'; }

# interrupt SIG NUMBER CMD...: start CMD (with SIG's default action, which
# a shell gives up for background jobs), send SIG once a temporary file
# exists (a PNG is compressed in memory and written in one go, so waiting
# for bytes would mostly miss it), and check the exit status and that none is left.
interrupt() {
  sig=$1 num=$2
  shift 2
  D=$T/$sig
  mkdir -p "$D"
  env --default-signal=INT "$CM" "$@" -o "$D/{date}.png" 2>"$T/err" &
  pid=$!
  caught=0 i=0
  while [ $i -lt 1200 ] && [ $caught -eq 0 ]; do
    for f in "$D"/.*.tmp*; do
      [ -e "$f" ] && caught=1
    done
    [ $caught -eq 0 ] && sleep 0.05
    i=$((i + 1))
  done
  kill -s "$sig" $pid 2>/dev/null
  wait $pid
  got=$?
  if [ $caught -eq 0 ]; then
    bad "$sig: no temporary file appeared to interrupt"
    return
  fi
  [ "$got" -eq $((128 + num)) ] && ok "$sig: exit $((128 + num))" ||
    bad "$sig: exit $got, wanted $((128 + num))"
  left=$(temporaries "$D")
  [ "$left" -eq 0 ] && ok "$sig: no temporary file left" ||
    bad "$sig: left $(ls -A "$D" | tr '\n' ' ')"
  for f in "$D"/*.png; do
    [ -e "$f" ] || continue
    [ "$(tail -c 12 "$f" | od -An -tx1 | tr -d ' \n')" = 0000000049454e44ae426082 ] ||
      bad "$sig: $(basename "$f") is not whole"
  done
}

cd "$T" || exit 1
interrupt INT 2 batch -q -s big.mss --every year --from 2000 --to 2003 -j 2 --png-level 9
interrupt TERM 15 batch -q -s big.mss --every year --from 2000 --to 2003 -j 2 --png-level 9
interrupt HUP 1 batch -q -s big.mss --every year --from 2000 --to 2003 -j 1 --png-level 9
interrupt TERM 15 render -q -s big.mss -d 2000 --png-level 9

# --- a resumed batch sweeps what a killed one left ----------------------------
R=$T/resume
mkdir -p "$R"
sed 's/page: 400mm 300mm/page: 60mm 45mm/; s/dpi: 400/dpi: 72/' big.mss >small.mss
# Made by processes that are gone (no pid is that large), one for an output
# of this batch and one for a file it does not write; and one of a process
# still running (this shell), which may yet finish it.
dead=.2001-01-01.png.tmp999999999-1a2b-0
touch "$R/$dead" "$R/.other.png.tmp999999999-1a2b-0" "$R/.2002-01-01.png.tmp$$-1a2b-0"
"$CM" batch -s small.mss --every year --from 2000 --to 2002 --skip-existing \
  -o "$R/{date}.png" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] && ok "the resumed batch ran" || bad "the resumed batch failed ($rc)"
has "$T/err" "removed 1 temporary file left by an interrupted run"
[ -e "$R/$dead" ] && bad "the dead run's temporary file stayed" ||
  ok "the dead run's temporary file was removed"
[ -e "$R/.other.png.tmp999999999-1a2b-0" ] && ok "another output's file stays" ||
  bad "a file of another output was removed"
[ -e "$R/.2002-01-01.png.tmp$$-1a2b-0" ] && ok "a living process's file stays" ||
  bad "a living process's temporary file was removed"
[ -s "$R/2001-01-01.png" ] && ok "the frame was drawn" || bad "2001-01-01.png missing"

finish cli_signals
