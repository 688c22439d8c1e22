"""Read and write the small GeoJSON files kept in shapes/src/.

Files are written one feature per line, keys in a fixed order and coordinates
rounded to 1e-6 degrees (about 0.1 m), so that a rebuild gives the same bytes
and a review shows which feature changed.
"""

import json

from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient

PRECISION = 6


def round_coords(coords):
    """Round nested coordinate lists to PRECISION decimals."""
    if isinstance(coords[0], (int, float)):
        return [round(float(c), PRECISION) + 0.0 for c in coords]
    return [round_coords(c) for c in coords]


def polygons_of(geom):
    """The polygons of a geometry, ignoring any lines or points in it."""
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        out = []
        for part in geom.geoms:
            out.extend(polygons_of(part))
        return out
    return []


def polygonal(geom):
    """The polygonal part of a geometry as one MultiPolygon."""
    return MultiPolygon(polygons_of(geom))


def geometry_dict(geom):
    """GeoJSON geometry with rounded coordinates; polygons wound as RFC 7946 asks."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        parts = [orient(p, 1.0) for p in polygons_of(geom)]
        geom = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    data = mapping(geom)
    return {"type": data["type"], "coordinates": round_coords(_listify(data["coordinates"]))}


def _listify(value):
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (int, float)):
            return list(value)
        return [_listify(v) for v in value]
    return value


def write_features(path, features, comment=None):
    """Write (properties, shapely geometry) pairs as a FeatureCollection.

    comment, when given, goes into a top-level "description" member.
    """
    lines = ['{"type": "FeatureCollection",']
    if comment:
        lines.append('"description": %s,' % json.dumps(comment, ensure_ascii=False))
    lines.append('"features": [')
    rows = []
    for properties, geom in features:
        feature = {"type": "Feature", "properties": properties,
                   "geometry": geometry_dict(geom)}
        rows.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    lines.append(",\n".join(rows))
    lines.append("]}")
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("\n".join(lines) + "\n")


def read_features(path, allow_empty=False):
    """Return (properties, shapely geometry) pairs of a GeoJSON FeatureCollection.

    A feature without geometry is an error unless allow_empty, when its
    geometry comes back as None.
    """
    with open(path, encoding="utf-8") as src:
        data = json.load(src)
    out = []
    for i, feature in enumerate(data.get("features", [])):
        geometry = feature.get("geometry")
        if geometry is None and not allow_empty:
            raise ValueError("%s: feature %d has no geometry" % (path, i + 1))
        geom = None if geometry is None else shape(geometry)
        out.append((dict(feature.get("properties") or {}), geom))
    return out


def polygon_from_rings(rings):
    """A polygon from GeoJSON rings, dropping rings that quantization collapsed."""
    kept = [r for r in rings if len(set(map(tuple, r))) >= 3]
    if not kept:
        return None
    return Polygon(kept[0], kept[1:])


def shape_of(geometry):
    """A shapely geometry from a GeoJSON dict, tolerant of collapsed rings."""
    if geometry["type"] == "Polygon":
        polygon = polygon_from_rings(geometry["coordinates"])
        return MultiPolygon([polygon] if polygon else [])
    if geometry["type"] == "MultiPolygon":
        polygons = [polygon_from_rings(p) for p in geometry["coordinates"]]
        return MultiPolygon([p for p in polygons if p is not None])
    return shape(geometry)
