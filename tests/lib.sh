# Shared by the command-line test scripts (sourced, from the top folder):
# counters, checks, and the closing "NAME: N passed, N failed, N skipped"
# line.
# A script sets T (its temporary folder) before using run.
pass=0
fail=0
skipped=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; }
# A check that could not run is counted, never dropped: tests/run.sh shows
# the count, and fails on it in CI (CI=true), where every tool is installed.
skip() { skipped=$((skipped + 1)); echo "SKIP - $1"; }

# need COMMAND: 0 when COMMAND is there, else a skip counted and 1.
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  skip "no $1"
  return 1
}

# run WANT CMD...: run with stdout in $T/out, stderr in $T/err; check exit.
run() {
  want=$1
  shift
  "$@" >"$T/out" 2>"$T/err"
  got=$?
  if [ "$got" -eq "$want" ]; then
    ok "exit $want: $*"
  else
    bad "exit $got, wanted $want: $*"
    sed 's/^/    /' "$T/err" | head -5
  fi
}

# has FILE TEXT: FILE contains TEXT (fixed string); hasnt: it does not.
has() {
  if grep -qF -- "$2" "$1"; then ok "$(basename "$1") has '$2'"; else
    bad "$(basename "$1") lacks '$2'"
    sed 's/^/    /' "$1" | head -5
  fi
}
hasnt() {
  if grep -qF -- "$2" "$1"; then bad "$(basename "$1") has '$2'"; else
    ok "$(basename "$1") lacks '$2'"; fi
}
exists() { if [ -s "$1" ]; then ok "wrote $1"; else bad "no $1"; fi; }
absent() { if [ -e "$1" ]; then bad "$1 should not exist"; else ok "no $1"; fi; }
no_temp() {
  if ls -a "$1" | grep -q '\.tmp'; then bad "temporary file left in $1"; else
    ok "no temporary file in $1"; fi
}

# finish NAME: the closing line, and the exit status.
finish() {
  echo "$1: $pass passed, $fail failed, $skipped skipped"
  [ "$fail" -eq 0 ]
}
