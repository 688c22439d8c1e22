#!/bin/sh
# make install into a temporary prefix: the installed tool finds its styles
# by name from any folder (./styles, then the user's, then the installed
# ones), the installed styles find the installed dataset, pkg-config gives
# a static link that works, and the version names tool and dataset.
# Prints "cli_install: N passed, N failed".
CM=${CONTROLMAP:-./controlmap}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. tests/lib.sh

# The build tree's tool only: an install of the sanitizer build is not the point.
if [ "$CM" != ./controlmap ] || [ ! -f Makefile ]; then
  ok "install tests are for the build tree's tool"
  finish cli_install
  exit $?
fi
P=$T/prefix
run 0 make -s install PREFIX="$P"
for f in bin/controlmap lib/libcontrolmap.a lib/libcontrolmap.so lib/pkgconfig/controlmap.pc \
         include/controlmap/map.h share/man/man1/controlmap.1 \
         share/controlmap/styles/paper.mss share/controlmap/styles/default.mss \
         share/controlmap/shapes/control.shp share/controlmap/shapes/places.dbf \
         share/controlmap/shapes/VERSION share/controlmap/shapes/SOURCES.md \
         share/controlmap/shapes/LICENSES/ODbL-1.0.md share/controlmap/shapes/LICENSES/CC-BY-SA-3.0.md \
         share/doc/controlmap/README.md share/doc/controlmap/CITATION.cff \
         share/doc/controlmap/style.md share/doc/controlmap/LICENSE; do
  exists "$P/$f"
done

# --- styles by name, from another folder --------------------------------------------
mkdir -p "$T/elsewhere" "$T/home"
cd "$T/elsewhere" || exit 1
export HOME="$T/home"
unset XDG_DATA_HOME CONTROLMAP_STYLE
run 0 "$P/bin/controlmap" render -s paper -d 2020-11-10 --dpi 60 -o "$T/elsewhere/paper.svg"
has "$T/elsewhere/paper.svg" "Control of the ground on 10 November 2020"
has "$T/elsewhere/paper.svg" 'id="layer-control"'
run 0 "$P/bin/controlmap" render -d 1994-06-01 --dpi 60 -o "$T/elsewhere/default.png"
exists "$T/elsewhere/default.png"
run 0 "$P/bin/controlmap" check -s paper-ar.mss
has "$T/out" "$P/bin/../share/controlmap/styles/paper-ar.mss: OK ("
run 0 "$P/bin/controlmap" dates -s slides
has "$T/out" "2020-11-10"
# The user's styles come before the installed ones ...
mkdir -p "$T/home/.local/share/controlmap/styles"
sed 's/title: "[^"]*"/title: "User copy on {date}"/; s#"\.\./shapes/#"'"$P"'/share/controlmap/shapes/#' \
  "$P/share/controlmap/styles/paper.mss" >"$T/home/.local/share/controlmap/styles/paper.mss"
run 0 "$P/bin/controlmap" render -s paper -d 2020-11-10 --dpi 60 -o "$T/elsewhere/user.svg"
has "$T/elsewhere/user.svg" "User copy on 10 November 2020"
mkdir -p "$T/xdg/controlmap/styles"
sed 's/User copy/XDG copy/' "$T/home/.local/share/controlmap/styles/paper.mss" >"$T/xdg/controlmap/styles/paper.mss"
XDG_DATA_HOME="$T/xdg" run 0 "$P/bin/controlmap" render -s paper -d 2020-11-10 --dpi 60 -o "$T/elsewhere/xdg.svg"
has "$T/elsewhere/xdg.svg" "XDG copy on 10 November 2020"
# ... and ./styles before both.
mkdir -p "$T/elsewhere/styles"
sed 's/User copy/Local copy/' "$T/home/.local/share/controlmap/styles/paper.mss" >"$T/elsewhere/styles/paper.mss"
run 0 "$P/bin/controlmap" render -s paper -d 2020-11-10 --dpi 60 -o "$T/elsewhere/local.svg"
has "$T/elsewhere/local.svg" "Local copy on 10 November 2020"
run 2 "$P/bin/controlmap" render -s papr -d 2020-11-10 -o "$T/elsewhere/x.png"
has "$T/err" "controlmap: no style 'papr' in styles, $T/home/.local/share/controlmap/styles,"
has "$T/err" "(did you mean 'paper'?)"
absent "$T/elsewhere/x.png"

# --- the version names the tool and the dataset, as CITATION.cff does -----------------
run 0 "$P/bin/controlmap" --version
cd - >/dev/null || exit 1
v=$(sed -n 's/^VERSION *:= *//p' Makefile)
d=$(cat shapes/VERSION)
has "$T/out" "controlmap $v"
has "$T/out" "dataset $d:"
grep -q "^version: \"$v\"" CITATION.cff && ok "CITATION.cff cites tool version $v" || bad "CITATION.cff lacks version $v"
grep -q "^    version: \"$d\"" CITATION.cff && ok "CITATION.cff cites dataset version $d" || bad "CITATION.cff lacks dataset version $d"
if python3 -c 'import yaml' 2>/dev/null; then
  run 0 python3 -c 'import sys, yaml; c = yaml.safe_load(open("CITATION.cff")); sys.exit(0 if c["cff-version"] == "1.2.0" and c["references"][0]["type"] == "data" else 1)'
fi

# --- pkg-config: a program linked with the static library ---------------------------------
cat >"$T/prog.c" <<'C'
#include <controlmap/compose.h>
#include <controlmap/map.h>
#include <controlmap/render.h>
#include <stdio.h>
/* Draw the map of one day with the library alone. */
int main(int argc, char **argv) {
  cm_map *map;
  cm_scene *scene;
  cm_error err;
  cm_compose_options o = {0};
  (void)argc;
  cm_date_parse("2020-11-10", &o.date, NULL, NULL);
  if (cm_map_open(&map, argv[1], &err) || cm_compose(&scene, map, &o, &err) ||
      cm_render_file(scene, argv[2], NULL, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  cm_scene_free(scene);
  cm_map_free(map);
  return 0;
}
C
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
has "$P/lib/pkgconfig/controlmap.pc" "Requires.private:"
has "$P/lib/pkgconfig/controlmap.pc" "Libs.private:"
# -Bstatic picks libcontrolmap.a over the .so; the rest is what pkg-config says.
libs=$(pkg-config --static --libs controlmap | sed 's/-lcontrolmap/-Wl,-Bstatic -lcontrolmap -Wl,-Bdynamic/')
run 0 ${CC:-cc} -o "$T/prog" "$T/prog.c" $(pkg-config --cflags controlmap) $libs
if ldd "$T/prog" | grep -q libcontrolmap; then bad "prog links libcontrolmap.so"; else ok "prog holds libcontrolmap.a"; fi
run 0 "$T/prog" "$P/share/controlmap/styles/paper.mss" "$T/prog.pdf"
exists "$T/prog.pdf"
if command -v pdftotext >/dev/null; then
  pdftotext "$T/prog.pdf" "$T/prog.txt"
  has "$T/prog.txt" "Control of the ground on 10 November 2020"
fi
# The same with the shared library.
run 0 ${CC:-cc} -o "$T/prog-so" "$T/prog.c" $(pkg-config --cflags --libs controlmap)
LD_LIBRARY_PATH="$P/lib" run 0 "$T/prog-so" "$P/share/controlmap/styles/paper.mss" "$T/prog-so.pdf"
run 0 make -s uninstall PREFIX="$P"
absent "$P/share/controlmap"
absent "$P/bin/controlmap"

finish cli_install
