"""The ground: country outlines and the administrative units inside them.

Country outlines come from Natural Earth (redrawn on a few stretches, see
shapes_borders); districts (Azerbaijan) and provinces (Armenia) from
geoBoundaries. The two sources draw borders differently, so the units are
fitted to the country outline: whatever of a unit lies outside
its country is cut off, and every bit of the country that no unit covers goes
to the nearest unit. Afterwards the units of a country tile it exactly, and no
layer contradicts another about where a border runs.
"""

import json
import math

from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.ops import transform, unary_union

import shapes_geojson
import shapes_topojson

# Lambert azimuthal equal-area centred on the conflict area: areas in km2.
EQUAL_AREA = "+proj=laea +lat_0=40 +lon_0=46.5 +datum=WGS84 +units=m +no_defs"
TO_EQUAL_AREA = Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)
FROM_EQUAL_AREA = Transformer.from_crs(EQUAL_AREA, "EPSG:4326", always_xy=True)

# Gaps between a country's outline and its units are shared out in squares of
# this size (about 1 km), each going to the nearest unit.
GRID_DEG = 0.01

# Ground closer than this (degrees, about 1 m) to a unit touches it.
TOUCH_DEG = 1e-5

# Holes and parts smaller than this (about 1,000 m2) are rounding noise.
SPECK_DEG2 = 1e-7


def area_km2(geom):
    """Area of a lon/lat geometry in square kilometres (equal-area projection)."""
    if geom is None or geom.is_empty:
        return 0.0
    return transform(TO_EQUAL_AREA.transform, geom).area / 1e6


def load_topojson_units(path):
    """Return [(shapeName, geometry)] of a geoBoundaries TopoJSON file."""
    with open(path, encoding="utf-8") as src:
        topology = json.load(src)
    name = shapes_topojson.only_object_name(topology)
    units = []
    for feature in shapes_topojson.decode_object(topology, name):
        geom = shapes_geojson.polygonal(
            shapes_geojson.shape_of(feature["geometry"]))
        units.append((feature["properties"]["shapeName"], geom))
    return units


def merge_same_names(units):
    """Join units that share a name (geoBoundaries has Lankaran twice)."""
    merged = {}
    for name, geom in units:
        merged[name] = geom if name not in merged else merged[name].union(geom)
    return merged


def fit_to_country(units, country):
    """Fit units (name -> geometry) to a country outline; see the module text.

    Returns name -> geometry; the results do not overlap and cover the country.
    """
    names = sorted(units)
    clipped = {n: shapes_geojson.polygonal(units[n].intersection(country)) for n in names}
    claimed = unary_union([clipped[n] for n in names])
    gap = shapes_geojson.polygonal(country.difference(claimed))
    shares = {}
    for hole in shapes_geojson.polygons_of(gap):
        neighbours = [n for n in names if clipped[n].distance(hole) < TOUCH_DEG]
        if len(neighbours) <= 1:
            # A sliver along one unit, or an exclave no unit touches: one owner.
            owner = neighbours[0] if neighbours else _nearest_unit(hole, names, clipped)
            shares.setdefault(owner, []).append(hole)
            continue
        for piece in _grid_pieces(hole, GRID_DEG):
            owner = _nearest_unit(piece, neighbours, clipped)
            shares.setdefault(owner, []).append(piece)
    fitted = {}
    for n in names:
        joined = unary_union([clipped[n]] + shares.get(n, []))
        fitted[n] = without_specks(shapes_geojson.polygonal(joined))
    return fitted


def without_specks(geom, smallest=SPECK_DEG2):
    """Drop the pinholes and crumbs that joining pieces leaves behind.

    Joining many pieces whose edges agree only to rounding error leaves holes
    and parts of a few square metres; they are noise, not ground.
    """
    kept = []
    for polygon in shapes_geojson.polygons_of(geom):
        if polygon.area < smallest:
            continue
        holes = [ring for ring in polygon.interiors if Polygon(ring).area >= smallest]
        kept.append(Polygon(polygon.exterior, holes))
    return MultiPolygon(kept)


def _grid_pieces(geom, step):
    """Cut a geometry into the pieces that fall in each square of a grid."""
    pieces = []
    for polygon in shapes_geojson.polygons_of(geom):
        minx, miny, maxx, maxy = polygon.bounds
        for i in range(int(math.floor(minx / step)), int(math.ceil(maxx / step))):
            for j in range(int(math.floor(miny / step)), int(math.ceil(maxy / step))):
                square = box(i * step, j * step, (i + 1) * step, (j + 1) * step)
                if not square.intersects(polygon):
                    continue
                pieces.extend(shapes_geojson.polygons_of(square.intersection(polygon)))
    return pieces


def _nearest_unit(piece, names, clipped):
    """The name of the unit nearest to a piece of ground (ties: first name)."""
    centre = piece.representative_point()
    best, best_distance = None, None
    for reach in (GRID_DEG * 4, GRID_DEG * 40, 360.0):
        zone = centre.buffer(reach).envelope
        for n in names:
            if not clipped[n].intersects(zone):
                continue
            d = clipped[n].distance(centre)
            if best_distance is None or d < best_distance:
                best, best_distance = n, d
        if best is not None and best_distance <= reach:
            return best
    return best
