"""Write ESRI Shapefiles (.shp .shx .dbf .prj .cpg) that rebuild byte for byte.

pyshp stamps the DBF header with today's date; the stamp is replaced by a
fixed one so that a rebuild on another day gives the same bytes.
"""

import os

import shapefile
from shapely.geometry.polygon import orient

import shapes_geojson

# WGS 84 in the ESRI flavour of WKT that most GIS programs expect in a .prj.
WGS84_PRJ = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",'
             'SPHEROID["WGS_1984",6378137.0,298.257223563]],'
             'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')

# Date of last update written into every DBF header (YY since 1900, MM, DD).
DBF_STAMP = (2024 - 1900, 6, 30)

TEXT_LIMIT = 254

SHAPE_TYPES = {"polygon": shapefile.POLYGON, "polyline": shapefile.POLYLINE,
               "point": shapefile.POINT}


class Field:
    """One DBF column: C (text), N (number) with width and decimals."""

    def __init__(self, name, kind="C", size=None, decimals=0):
        self.name = name
        self.kind = kind
        self.size = size
        self.decimals = decimals


def text_width(field, records):
    """Width of a text column: the widest value in bytes, at least 1."""
    if field.size:
        return field.size
    widest = max([len(str(r[field.name]).encode("utf-8")) for r in records] + [1])
    return min(widest, TEXT_LIMIT)


def check_values(layer, fields, records):
    """Messages for values that would not fit their column."""
    problems = []
    for i, record in enumerate(records):
        for field in fields:
            value = record[field.name]
            if field.kind == "C":
                size = len(str(value).encode("utf-8"))
                limit = field.size or TEXT_LIMIT
                if size > limit:
                    problems.append("%s: record %d: field '%s' is %d bytes, more than %d"
                                    % (layer, i + 1, field.name, size, limit))
            elif value is not None and not isinstance(value, (int, float)):
                problems.append("%s: record %d: field '%s' holds %r, not a number"
                                % (layer, i + 1, field.name, value))
    return problems


def _ring(coords):
    return [[round(x, shapes_geojson.PRECISION) + 0.0, round(y, shapes_geojson.PRECISION) + 0.0]
            for x, y in coords]


def polygon_parts(geom):
    """Shapefile rings: outer rings clockwise, holes counter-clockwise."""
    parts = []
    for polygon in shapes_geojson.polygons_of(geom):
        polygon = orient(polygon, -1.0)
        parts.append(_ring(polygon.exterior.coords))
        parts.extend(_ring(r.coords) for r in polygon.interiors)
    return parts


def line_parts(geom):
    """Shapefile parts of a LineString or MultiLineString."""
    lines = [geom] if geom.geom_type == "LineString" else list(geom.geoms)
    return [_ring(line.coords) for line in lines if not line.is_empty]


def write_layer(base, kind, fields, features):
    """Write features [(record dict, shapely geometry)] to base.shp and friends."""
    records = [r for r, _ in features]
    writer = shapefile.Writer(base, shapeType=SHAPE_TYPES[kind], encoding="utf-8")
    for field in fields:
        if field.kind == "C":
            writer.field(field.name, "C", size=text_width(field, records))
        else:
            writer.field(field.name, field.kind, size=field.size, decimal=field.decimals)
    for record, geom in features:
        if kind == "polygon":
            writer.poly(polygon_parts(geom))
        elif kind == "polyline":
            writer.line(line_parts(geom))
        else:
            writer.point(round(geom.x, shapes_geojson.PRECISION),
                         round(geom.y, shapes_geojson.PRECISION))
        writer.record(*[_cell(field, record[field.name]) for field in fields])
    writer.close()
    _stamp_dbf(base + ".dbf")
    with open(base + ".prj", "w", encoding="ascii", newline="") as prj:
        prj.write(WGS84_PRJ)
    with open(base + ".cpg", "w", encoding="ascii", newline="") as cpg:
        cpg.write("UTF-8")


def _cell(field, value):
    if field.kind == "C":
        return "" if value is None else str(value)
    return value


def _stamp_dbf(path):
    with open(path, "r+b") as dbf:
        dbf.seek(1)
        dbf.write(bytes(DBF_STAMP))


def verify_layer(base, kind, features):
    """Read a written layer back; ValueError if it differs from what was meant."""
    reader = shapefile.Reader(base, encoding="utf-8")
    try:
        if len(reader) != len(features):
            raise ValueError("%s: wrote %d records, read back %d"
                             % (base, len(features), len(reader)))
        for i, shape in enumerate(reader.iterShapes()):
            if shape.shapeType != SHAPE_TYPES[kind]:
                raise ValueError("%s: record %d has shape type %d"
                                 % (base, i + 1, shape.shapeType))
            ends = list(shape.parts) + [len(shape.points)]
            for a, b in zip(ends, ends[1:]):
                if kind == "polygon" and len(set(map(tuple, shape.points[a:b]))) < 3:
                    raise ValueError("%s: record %d has a ring with fewer than three "
                                     "corners" % (base, i + 1))
    finally:
        reader.close()


def layer_files(base):
    """The five files of a layer."""
    return [base + ext for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg")]


def move_layer(from_base, to_base):
    """Replace the files of a layer with freshly written ones."""
    for src, dst in zip(layer_files(from_base), layer_files(to_base)):
        os.replace(src, dst)
