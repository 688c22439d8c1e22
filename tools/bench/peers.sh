#!/bin/sh
# Install the peer renderers the benchmark compares controlmap with, when
# missing: MapServer's map2img, Mapnik for the system Python (which also runs
# the benchmark itself), GMT with ghostscript (which turns its PostScript into
# PNG) and ogr2ogr (GDAL), which picks the features GMT draws. GMT needs no
# coastline package: the benchmark draws only the project's shapefiles, so it
# runs offline. Kept apart from the build and test packages: the test suite
# never needs them. A package that cannot be installed is reported and
# skipped; the benchmark then leaves its peer out and says so.
sh "$(dirname "$0")/../deps.sh" bench || true
