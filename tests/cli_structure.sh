#!/bin/sh
# The shape of the source tree (docs/architecture.md): one folder a
# module, each with at most one internal header, and a module that reaches
# into the internals of a module it does not declare (USES_ in the
# Makefile) fails to build.
# Prints "cli_structure: N passed, N failed, N skipped".
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh

modules=$(cd src && ls -d */ | tr -d / | grep -v '^cli$')

# every .c and .h of the library lies in a module folder
if ls src/*.c src/*.h >/dev/null 2>&1; then bad "files outside module folders: $(ls src/*.[ch])"
else ok "no source file directly under src/"; fi

for m in $modules; do
  n=$(ls src/$m/*.h 2>/dev/null | wc -l)
  if [ "$n" -le 1 ]; then ok "$m: $n internal header"; else
    bad "$m: $n internal headers ($(cd src/$m && echo *.h))"; fi
done

# uses M: the modules M may look inside, from the Makefile
uses() { make -s --no-print-directory print-uses-$1; }

for m in $modules; do
  flags=$(make -s --no-print-directory print-flags-$m) || { bad "flags of $m"; continue; }
  allowed=" $m $(uses $m) "
  for o in $modules; do
    for h in src/$o/*.h; do
      [ -f "$h" ] || continue
      h=$(basename "$h")
      printf '#include "%s"\n' "$h" > "$T/probe.c"
      # shellcheck disable=SC2086
      ${CC:-cc} -E $flags "$T/probe.c" -o /dev/null 2>"$T/err"
      rc=$?
      case "$allowed" in
        *" $o "*) if [ $rc -eq 0 ]; then ok "$m may include $h"; else
                    bad "$m cannot include $h, which it declares"; sed 's/^/    /' "$T/err" | head -3; fi ;;
        *) if [ $rc -ne 0 ] && grep -q "$h" "$T/err"; then ok "$m cannot reach $h"; else
             bad "$m reaches $h without declaring $o"; fi ;;
      esac
    done
  done
done

finish cli_structure
