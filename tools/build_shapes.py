#!/usr/bin/python3
"""Build the shipped dataset (shapes/*.shp) from the sources in shapes/src/.

Usage: tools/build_shapes.py [--check]

Reads only files under shapes/src/ (no network), checks the result, and
writes the layers countries, regions, control, lines, corridors, zones,
places, events, place_holders (who held each place when) and movements as
ESRI Shapefiles in shapes/. If any check fails it prints
what is wrong and writes nothing. With --check it checks and reports without
writing. The same sources always give the same bytes.
"""

import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import shapes_checks  # noqa: E402
import shapes_control  # noqa: E402
import shapes_history  # noqa: E402
import shapes_layers  # noqa: E402
import shapes_movements  # noqa: E402
import shapes_write  # noqa: E402
from shapes_control import BuildError  # noqa: E402

SHAPES = os.path.normpath(os.path.join(HERE, "..", "shapes"))
SRC = os.path.join(SHAPES, "src")


def build(src):
    """Return (layers, context) where layers is [(name, kind, fields, features)]."""
    ground = shapes_layers.load_ground(src)
    regions, nkao = shapes_layers.build_regions(src, ground)
    corridors = shapes_layers.build_corridors(src, ground)
    cells = shapes_layers.build_control_cells(src, ground, corridors)
    timeline = shapes_control.read_timeline(os.path.join(src, "control_timeline.csv"),
                                            cells)
    context = {"ground": ground, "cells": cells, "timeline": timeline,
               "regions": regions, "nkao": nkao, "corridors": corridors}
    layers = [
        ("countries", "polygon", shapes_layers.COUNTRY_FIELDS,
         shapes_layers.build_countries(src, ground)),
        ("regions", "polygon", shapes_layers.REGION_FIELDS, regions),
        ("control", "polygon", shapes_layers.CONTROL_FIELDS,
         shapes_control.control_features(cells, timeline)),
        ("lines", "polyline", shapes_layers.LINE_FIELDS,
         shapes_layers.build_lines(src, ground, nkao, cells, timeline)),
        ("corridors", "polygon", shapes_layers.CORRIDOR_FIELDS,
         [(record, geom) for record, geom in corridors.values()]),
        ("zones", "polygon", shapes_layers.ZONE_FIELDS,
         shapes_layers.build_zones(src, cells, timeline, corridors)),
        ("places", "point", shapes_layers.PLACE_FIELDS, shapes_layers.build_places(src)),
        ("events", "point", shapes_layers.EVENT_FIELDS, shapes_layers.build_events(src)),
        ("place_holders", "point", shapes_history.HISTORY_FIELDS,
         shapes_history.build_place_history(src)),
        ("movements", "polyline", shapes_movements.FIELDS, shapes_movements.build_movements(src)),
    ]
    layers = [(name, kind, fields, shapes_layers.rounded(kind, features))
              for name, kind, fields, features in layers]
    return layers, context


def write_all(layers, out_dir):
    """Write every layer to a scratch folder, then move them all into place."""
    scratch = tempfile.mkdtemp(prefix=".build-", dir=out_dir)
    try:
        for name, kind, fields, features in layers:
            base = os.path.join(scratch, name)
            shapes_write.write_layer(base, kind, fields, features)
            shapes_write.verify_layer(base, kind, features)
        for name, _, _, _ in layers:
            shapes_write.move_layer(os.path.join(scratch, name), os.path.join(out_dir, name))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv):
    check_only = "--check" in argv[1:]
    try:
        layers, context = build(SRC)
    except (BuildError, ValueError, KeyError) as error:
        sys.stderr.write("build_shapes: %s\n" % error)
        return 1
    problems = shapes_checks.run_all(layers, context)
    print(shapes_checks.report(layers, context))
    if problems:
        sys.stderr.write("build_shapes: %d problem(s); nothing written:\n" % len(problems))
        for problem in problems:
            sys.stderr.write("  - %s\n" % problem)
        return 1
    if check_only:
        print("build_shapes: all checks passed (--check: nothing written)")
        return 0
    try:
        write_all(layers, SHAPES)
    except (OSError, ValueError) as error:
        sys.stderr.write("build_shapes: writing failed, old files kept: %s\n" % error)
        return 1
    print("build_shapes: wrote %d layers to %s" % (len(layers), os.path.relpath(SHAPES)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
