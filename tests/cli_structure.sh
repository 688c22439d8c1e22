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

# The backends read the scene and nothing of the style language: no file
# of the render module includes style.h, even through another header.
rflags=$(make -s --no-print-directory print-flags-render)
for f in src/render/*.c; do
  # shellcheck disable=SC2086
  if ${CC:-cc} -MM $rflags "$f" 2>"$T/err" > "$T/deps"; then
    if grep -q 'controlmap/style\.h\|controlmap/map\.h' "$T/deps"; then
      bad "$f sees the style (through $(grep -o 'include/controlmap/[a-z]*\.h' "$T/deps" | tr '\n' ' '))"
    else ok "$f sees nothing of the style"; fi
  else bad "cannot list what $f includes"; sed 's/^/    /' "$T/err" | head -3; fi
done

# The ABI: libcontrolmap.so exports exactly the functions the public
# headers mark CM_EXTERN, no more (internals are hidden) and no fewer.
so=$(ls "${BUILD:-build}"/libcontrolmap.so.* 2>/dev/null | head -n 1)
if [ -z "$so" ]; then bad "no ${BUILD:-build}/libcontrolmap.so.*"; else
  grep -h 'CM_EXTERN' include/controlmap/*.h | grep -v '^#' |
    sed -n 's/.*[ *]\(cm_[a-z0-9_]*\)(.*/\1/p' | sort -u > "$T/api"
  nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' |
    grep -v '^_' | sort -u > "$T/exported"
  if cmp -s "$T/api" "$T/exported"; then
    ok "$(basename "$so") exports the $(wc -l < "$T/api") functions of the public headers"
  else
    bad "exported symbols differ from the public API (< API only, > exported only)"
    diff "$T/api" "$T/exported" | grep '^[<>]' | head -20 | sed 's/^/    /'
  fi
fi

# Names: every global symbol of the static library is the public API's
# (cm_) or an internal one (cm__), so a program linking it statically
# meets no other name of ours.
a=$(ls "${BUILD:-build}"/libcontrolmap.a 2>/dev/null)
if [ -z "$a" ]; then bad "no ${BUILD:-build}/libcontrolmap.a"; else
  nm -g --defined-only "$a" | awk 'NF == 3 && $2 ~ /^[TDBRVW]$/ {print $3}' |
    grep -v '^_' | sort -u > "$T/globals"
  grep -v '^cm__' "$T/globals" | comm -23 - "$T/api" > "$T/stray"
  if [ -s "$T/stray" ]; then
    bad "globals outside the API without the cm__ prefix: $(head -5 "$T/stray" | tr '\n' ' ')"
  else ok "$(wc -l < "$T/globals") globals: the API's cm_ or internal cm__"; fi
fi

# The public headers compile as C++ too, and name the functions as C
# does (extern "C": an unmangled reference in the object file).
if need c++; then
  for h in include/controlmap/*.h; do echo "#include \"controlmap/$(basename "$h")\""; done > "$T/all.cc"
  echo 'int main() { return cm_date_valid(2020, 2, 29) ? 0 : 1; }' >> "$T/all.cc"
  # shellcheck disable=SC2046
  if c++ -Wall -Werror -Iinclude $(pkg-config --cflags cairo) -c -o "$T/all.o" "$T/all.cc" 2>"$T/err" &&
     nm "$T/all.o" | grep -q ' U cm_date_valid$'; then
    ok "a C++ program includes every public header and calls the C functions"
  else
    bad "the public headers in C++"; sed 's/^/    /' "$T/err" | head -5
  fi
fi

finish cli_structure
