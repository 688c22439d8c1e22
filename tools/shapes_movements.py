"""The movements layer: dated lines for offensives, counter-offensives,
withdrawals, handovers and displacements, from shapes/src/movements.csv.

Each row's path is the movement's waypoints "lon lat; lon lat; ...", from
where it started to where it went, so a style's `line-end: arrow` points the
right way. Paths are schematic (drawn from descriptions, not surveyed); the
accuracy_m of each row says how far off they may be.
"""

import os

from shapely.geometry import LineString

import shapes_dates
from shapes_control import BuildError, read_csv
from shapes_write import Field

KINDS = ("offensive", "counter-offensive", "withdrawal", "handover", "displacement")

FIELDS = [Field("kind", size=20), Field("name_en"), Field("name_ar"),
          Field("label_en", size=40), Field("label_ar", size=80), Field("start", size=10), Field("end", size=10), Field("size", "N", 9),
          Field("source"), Field("accuracy_m", "N", 6)]

COLUMNS = ("kind", "name_en", "name_ar", "label_en", "label_ar", "start", "end", "size", "path", "source",
           "accuracy_m")


def _path(text, where):
    points = []
    for pair in text.split(";"):
        try:
            lon, lat = (float(v) for v in pair.split())
        except ValueError:
            raise BuildError("%s: waypoint '%s' is not 'lon lat'" % (where, pair.strip()))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BuildError("%s: waypoint %s %s lies off the globe" % (where, lon, lat))
        points.append((lon, lat))
    if len(points) < 2:
        raise BuildError("%s: a movement needs at least two waypoints" % where)
    return LineString(points)


def _record(row, where):
    if row["kind"] not in KINDS:
        raise BuildError("%s: kind '%s' is not one of %s" % (where, row["kind"], ", ".join(KINDS)))
    problem = shapes_dates.check_interval(row["start"], row["end"])
    if problem or not row["start"] or not row["end"]:
        raise BuildError("%s: %s" % (where, problem or "a movement needs its start and end"))
    if row["size"] and not row["size"].isdigit():
        raise BuildError("%s: size '%s' is not a whole number" % (where, row["size"]))
    # The arrow's short label: in both languages, or in neither (a move too
    # short to carry one at any shipped scale).
    if bool(row["label_en"]) != bool(row["label_ar"]):
        raise BuildError("%s: label_en and label_ar go together: give both or neither" % where)
    record = {k: row[k] for k in ("kind", "name_en", "name_ar", "label_en", "label_ar", "start",
                                  "end", "source")}
    record["size"] = int(row["size"]) if row["size"] else None
    record["accuracy_m"] = int(row["accuracy_m"])
    return record


def build_movements(src):
    """Line features from movements.csv, one per row, in the file's order."""
    path = os.path.join(src, "movements.csv")
    features = []
    for row in read_csv(path, COLUMNS):
        where = "%s: line %d" % (path, row["_line"])
        features.append((_record(row, where), _path(row["path"], where)))
    return features
