#!/bin/sh
# Fuzzing controlmap with clang's libFuzzer (see docs/robustness.md).
#
#   sh tools/fuzz.sh build              build the harnesses, replayers, seeds
#   sh tools/fuzz.sh run SECONDS [H..]  build, then run each harness (layer,
#                                       ogr, style, date, proj) for SECONDS
#   sh tools/fuzz.sh replay [H..]       run each corpus once, without
#                                       libFuzzer, under valgrind
#
# Everything goes to build/fuzz/: corpus/H grows from run to run, seeds/H
# is remade from the test fixtures and tables each time, and crashes/H
# holds what a run found (copy an input to tests/crashes/H/ to keep it as a
# regression test). FUZZ_JOBS harnesses run at once (default 1).
set -e
cd "$(dirname "$0")/.."

HARNESSES="layer ogr style date proj compose"
OUT=build/fuzz
PKGS="cairo pango pangocairo pangoft2 fontconfig fribidi proj shapelib libwebp libwebpmux \
libdeflate geos gdal"
CFLAGS_FUZZ="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g \
-fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
-Wstrict-prototypes -Iinclude $(for d in src/*/; do [ $d = src/cli/ ] || printf -- "-I%s " ${d%/}; done) -Itests"

# The Makefile passes its own flags and libraries (FUZZ_CFLAGS_PKG,
# FUZZ_LIBS), so a library it adds reaches the harnesses too.
cflags() { echo "${FUZZ_CFLAGS_PKG:-$(pkg-config --cflags $PKGS)}"; }
libs() { echo "${FUZZ_LIBS:-$(pkg-config --libs $PKGS) -lgif -lm -lpthread -ldl}"; }

# The library twice: instrumented for libFuzzer, and plain for valgrind.
build_libs() {
  make -s --no-print-directory BUILD=$OUT/plain OPT="-O1 -g" $OUT/plain/libcontrolmap.a
  make -s --no-print-directory BUILD=$OUT/instr CC=clang \
    OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined" \
    $OUT/instr/libcontrolmap.a
}

build() {
  command -v clang >/dev/null || { echo "fuzz: clang is needed" >&2; exit 1; }
  build_libs
  for h in $HARNESSES; do
    # the compose harness writes the fixture layers it draws
    extra=""
    [ $h = compose ] && extra=tests/support/fixtures.c
    clang $CFLAGS_FUZZ $(cflags) \
      -fsanitize=fuzzer,address,undefined tests/fuzz/fuzz_$h.c $extra \
      $OUT/instr/libcontrolmap.a $(libs) -o $OUT/fuzz_$h
    ${CC:-cc} $CFLAGS_FUZZ $(cflags) tests/fuzz/fuzz_$h.c $extra \
      tests/fuzz/replay.c $OUT/plain/libcontrolmap.a $(libs) -o $OUT/replay_$h
  done
  ${CC:-cc} $CFLAGS_FUZZ $(cflags) tests/fuzz/mkseeds.c \
    tests/support/fixtures.c $OUT/plain/libcontrolmap.a $(libs) -o $OUT/mkseeds
  seeds
}

# One seed file per table row; $2 is an awk program printing the seed.
table_seeds() {
  grep -v '^#' "tests/data/$1" | grep -v '^[[:space:]]*$' |
    awk -F ' *[|] *' "$2" | {
      i=0
      while IFS= read -r line; do
        i=$((i + 1))
        printf '%b' "$line" >"$3/${1%.txt}-$i"
      done
    }
}

seeds() {
  S=$OUT/seeds
  rm -rf $S
  for h in $HARNESSES; do mkdir -p $S/$h; done
  $OUT/mkseeds $S/layer $S/proj $OUT/style.dict
  cp styles/*.mss tests/fixtures/styles/*.mss $S/style/
  table_seeds style_errors.txt '{print $1}' $S/style
  table_seeds style_filters.txt '{print "#a" $1 " { line-width: 1; }"}' $S/style
  table_seeds style_colors.txt '{print "Map { background-color: " $1 "; }"}' $S/style
  table_seeds style_templates.txt '{print "Map { title: \"" $1 "\"; }"}' $S/style
  # Files of the GDAL/OGR cases, behind the byte that picks format and
  # options (see tests/fuzz/fuzz_ogr.c).
  table_seeds layer_ogr.txt '$1 ~ /json$/ {print "\\0000" $2}
    $1 ~ /csv$/ && $3 ~ /x=/ {print "\\0001" $2}
    $1 ~ /csv$/ && $3 ~ /wkt=/ {print "\\0002" $2}
    $1 ~ /csv$/ && $3 == "\"\"" {print "\\0003" $2}' $S/ogr
  table_seeds dates.txt '{print $1 "|" $2}' $S/date
  table_seeds date_intervals.txt '{print $1 "|" $2}' $S/date
  table_seeds date_formats.txt '{print $4 "||" $3 "|" $1 "|" $2}' $S/date
  table_seeds proj_crs.txt '{print $1}' $S/proj
  # compose: the shipped styles drawn from the fixture layers poly, lines
  # and points, and the bad-input script's own style
  for f in styles/*.mss; do
    sed 's/file: *"[^"]*control[^"]*"/file: "poly.shp"/; s/file: *"[^"]*lines[^"]*"/file: "lines.shp"/; s/file: *"[^"]*\.shp"/file: "points.shp"/' \
      "$f" >$S/compose/$(basename "$f")
  done
  sed -n '/^cat >"$T\/fix\/s.mss"/,/^MSS/p' tests/cli_badinput.sh | sed '1d;$d' >$S/compose/badinput.mss
  grep -ho 'srs: *"[^"]*"' styles/*.mss tests/fixtures/styles/*.mss |
    sed 's/srs: *"\(.*\)"/\1/' | {
      i=0
      while IFS= read -r line; do
        i=$((i + 1)); printf '%s' "$line" >$S/proj/srs-$i
      done
    }
  # Words of WKT and PROJ strings, so that mutations stay near the parsers
  # (an unknown word sends PROJ to a slow search of its database).
  for w in GEOGCS PROJCS DATUM SPHEROID PRIMEM UNIT PARAMETER PROJECTION \
    AUTHORITY TOWGS84 GEOGCRS PROJCRS BOUNDCRS COMPOUNDCRS ENGCRS \
    VERTCRS ELLIPSOID CS AXIS ID '[' ']' '"' , +proj= +datum= +ellps= \
    +towgs84= +units= +lat_0= +lon_0= +lat_1= +lat_2= +type=crs +init= \
    +nadgrids= +axis= +no_defs longlat lcc utm ortho merc tmerc EPSG: ESRI: \
    urn:ogc:def:crs: WGS84 1e308 -90 180; do
    printf '"%s"\n' "$(printf '%s' "$w" | sed 's/"/\\"/g')"
  done >$OUT/proj.dict
  for h in $HARNESSES; do
    for d in tests/fuzz/corpus/$h tests/crashes/$h; do
      [ -d $d ] && find $d -type f -exec cp {} $S/$h/ \;
    done
  done
  return 0
}

# Options per harness: a dictionary, and room for a whole shapefile.
options() {
  case $1 in
  layer) echo "-max_len=16384" ;;
  ogr) echo "-max_len=8192" ;;
  style) echo "-max_len=8192 -dict=$OUT/style.dict" ;;
  date) echo "-max_len=256" ;;
  compose) echo "-max_len=8192 -timeout=30 -dict=$OUT/style.dict" ;;
  proj) echo "-max_len=2048 -timeout=30 -dict=$OUT/proj.dict" ;;
  esac
}

# The inputs in folder $1 that made a harness fail. libFuzzer also keeps
# there, as slow-unit-*, inputs that took over 10 s without failing (a
# loaded machine makes those): shown, not counted as failures.
failures() { find "$@" -type f ! -name 'slow-unit-*'; }

# Run harness $1 for $2 seconds; prints one summary line.
run_one() {
  h=$1
  mkdir -p $OUT/corpus/$h $OUT/crashes/$h
  log=$OUT/$h.log
  before=$(failures $OUT/crashes/$h | wc -l)
  # shellcheck disable=SC2046
  # fontconfig's cache lives as long as the process (tests/lsan.supp): the
  # compose harness lays out text, so it would otherwise report it.
  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp \
    $OUT/fuzz_$h $OUT/corpus/$h $OUT/seeds/$h \
    -max_total_time="$2" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=$OUT/crashes/$h/ $(options $h) >"$log" 2>&1 || true
  after=$(failures $OUT/crashes/$h | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  echo "fuzz $h: ${execs:-0} executions, $((after - before)) new crashes" \
    "($(ls $OUT/corpus/$h | wc -l) in corpus; log $log)"
}

run() {
  seconds=${1:-60}
  shift || true
  list=${*:-$HARNESSES}
  build
  jobs=${FUZZ_JOBS:-1}
  n=0
  for h in $list; do
    run_one $h "$seconds" &
    n=$((n + 1))
    if [ $n -ge "$jobs" ]; then wait; n=0; fi
  done
  wait
  slow=$(find $OUT/crashes -type f -name 'slow-unit-*')
  [ -z "$slow" ] || echo "fuzz: slow inputs (over 10 s, not failures):" $slow >&2
  found=$(failures $OUT/crashes | wc -l)
  if [ "$found" -ne 0 ]; then
    echo "fuzz: $found inputs in $OUT/crashes make a harness fail:" >&2
    failures $OUT/crashes >&2
    exit 1
  fi
}

replay() {
  list=${*:-$HARNESSES}
  command -v valgrind >/dev/null || { echo "fuzz: valgrind is needed" >&2; exit 1; }
  status=0
  for h in $list; do
    dirs=""
    for d in $OUT/corpus/$h $OUT/seeds/$h tests/crashes/$h; do
      [ -d $d ] && dirs="$dirs $d"
    done
    valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect \
      $OUT/replay_$h $dirs || status=1
  done
  return $status
}

case ${1:-} in
build) build ;;
seeds) seeds ;;
run) shift; run "$@" ;;
replay) shift; replay "$@" ;;
*) sed -n '2,14s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
