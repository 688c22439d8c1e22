#!/bin/sh
# Write controlmap.pc for pkg-config to standard output.
#   sh tools/pcfile.sh PREFIX VERSION "PKGS" "OTHER LIBS"
# A static link of libcontrolmap.a needs every library it calls: a package
# goes into Requires.private when `pkg-config --static` can name libraries
# for all it needs that are installed (each -lX has a libX.so or libX.a the
# linker finds); otherwise (PROJ, whose private libraries are curl's and
# those of its TLS, LDAP and SSH libraries, which Debian installs without
# their development links) its own libraries go into Libs.private as
# linked, so that `pkg-config --static --libs controlmap` always gives a
# link that works.
prefix=$1 version=$2 pkgs=$3 other=$4
CC=${CC:-cc}
linkable() {
  for l in $(pkg-config --static --libs-only-l "$1"); do
    n=${l#-l}
    so=$($CC -print-file-name="lib$n.so")
    a=$($CC -print-file-name="lib$n.a")
    [ "$so" != "lib$n.so" ] || [ "$a" != "lib$n.a" ] || return 1
  done
}
requires=
private=
for p in $pkgs; do
  if linkable "$p"; then
    requires="$requires $p"
  else
    private="$private $(pkg-config --libs "$p")"
  fi
done
cat <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: controlmap
Description: dated territorial-control maps from shapefiles
Version: $version
Requires.private:$requires
Libs: -L\${libdir} -lcontrolmap
Libs.private:$private $other
Cflags: -I\${includedir}
PC
