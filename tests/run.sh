#!/bin/sh
# Run every test: the cmocka unit tests in BUILD/tests, the command-line
# tests in tests/cli*.sh, then the dataset build tools' tests. Ends with one
# "N passed, N failed, N skipped" line and exits non-zero when anything
# failed. A check skipped for want of
# a tool is counted; in CI (CI=true), where `make test` installs every tool,
# a skip fails the run.
#   sh tests/run.sh [BUILD]
BUILD=${1:-build}
CONTROLMAP=${CONTROLMAP:-./controlmap}
export CONTROLMAP BUILD
passed=0
failed=0
skipped=0
log=$(mktemp)

# count NAME P F S: add one test program's counts and print its line.
count() {
  echo "$1: $2 passed, $3 failed, $4 skipped"
  passed=$((passed + $2))
  failed=$((failed + $3))
  skipped=$((skipped + $4))
}

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  "$t" >"$log" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
  s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
  p=${p:-0}
  f=${f:-0}
  s=${s:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # crashed or died before its summary
  fi
  if [ "$f" -ne 0 ]; then
    cat "$log"
  fi
  [ "$s" -ne 0 ] && grep -E '^skipped' "$log"
  count "$name" "$p" "$f" "$s"
done
for script in tests/cli*.sh; do
  name=$(basename "$script" .sh)
  sh "$script" >"$log" 2>&1
  rc=$?
  line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$" "$log" | tail -n 1)
  p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p')
  f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  s=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped$/\1/p')
  p=${p:-0}
  f=${f:-0}
  s=${s:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # died before its summary
  fi
  [ "$f" -ne 0 ] && grep -E '^FAIL' -A4 "$log"
  [ "$s" -ne 0 ] && grep -E '^SKIP' "$log"
  count "$name.sh" "$p" "$f" "$s"
done
# The dataset's build tools (tools/shapes_*.py), on data they make.
/usr/bin/python3 tools/shapes_test.py >"$log" 2>&1
rc=$?
p=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$log" | tail -n 1)
p=${p:-0}
f=$(grep -cE '^(FAIL|ERROR): ' "$log")
s=$(sed -n 's/.*skipped=\([0-9]*\).*/\1/p' "$log" | tail -n 1)
s=${s:-0}
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
  f=1 # died before its summary
fi
if [ "$f" -ne 0 ]; then
  cat "$log"
fi
p=$((p - f - s)) # "Ran N tests" counts the failed and skipped too
[ "$p" -lt 0 ] && p=0
count shapes_test.py "$p" "$f" "$s"
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
if [ "${CI:-}" = true ] && [ "$skipped" -ne 0 ]; then
  echo "in CI every tool is installed: $skipped skipped checks fail the run"
  exit 1
fi
[ "$failed" -eq 0 ]
