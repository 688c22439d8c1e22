#!/bin/sh
# Run every test: the cmocka unit tests in BUILD/tests and the command-line
# tests in tests/cli*.sh, then the dataset build tools' tests. Ends with one "N passed, N failed" line and exits
# non-zero when anything failed.
#   sh tests/run.sh [BUILD]
BUILD=${1:-build}
CONTROLMAP=${CONTROLMAP:-./controlmap}
export CONTROLMAP BUILD
passed=0
failed=0
log=$(mktemp)
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  "$t" >"$log" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
  p=${p:-0}
  f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # crashed or died before its summary
  fi
  if [ "$f" -ne 0 ]; then
    cat "$log"
  fi
  echo "$name: $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
done
for script in tests/cli*.sh; do
  name=$(basename "$script" .sh)
  sh "$script" >"$log" 2>&1
  rc=$?
  line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -n 1)
  p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed$/\1/p')
  p=${p:-0}
  f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # died before its summary
  fi
  [ "$f" -ne 0 ] && grep -E '^FAIL' -A4 "$log"
  echo "$name.sh: $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
done
# The dataset's build tools (tools/shapes_*.py), on data they make.
/usr/bin/python3 tools/shapes_test.py >"$log" 2>&1
rc=$?
p=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$log" | tail -n 1)
p=${p:-0}
f=$(grep -cE '^(FAIL|ERROR): ' "$log")
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
  f=1 # died before its summary
fi
if [ "$f" -ne 0 ]; then
  cat "$log"
  p=$((p - f))
fi
echo "shapes_test.py: $p passed, $f failed"
passed=$((passed + p))
failed=$((failed + f))
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
