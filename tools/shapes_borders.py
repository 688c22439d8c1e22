"""Stretches of border where geoBoundaries is drawn instead of Natural Earth.

Natural Earth 1:10m is the one border of the dataset, except on a few
stretches where it is too coarse (SOURCES.md, "One border everywhere"). Each
stretch is a polygon in src/border_stretches.geojson, drawn loosely around the
border. Inside it, the ground that geoBoundaries gives to the countries named
in 'side' is theirs, and the rest of the ground goes to the country named in
'other'; outside it, Natural Earth stands. Ground only changes hands between
those countries, so the countries still tile the same ground as before.

A stretch with "drawn": true is no loose outline but the ground itself: all of
it goes to the one country named in 'side'. It is for the few places where
neither source is fine enough (a village a few hundred metres from the border
on the wrong side of both).
"""

from shapely.ops import transform, unary_union
from shapely.validation import make_valid

import shapes_geojson
import shapes_ground
from shapes_control import BuildError, split_names

# A gap between two geoBoundaries units narrower than twice this (metres) is
# taken to be ground of theirs: there the units were drawn a little apart,
# and no border runs between them.
GAP_M = 1000

# Units are looked at this far (degrees, about 5 km) around a stretch, so that
# closing gaps is not disturbed by where the units were cut off.
REACH_DEG = 0.05


def read_stretches(path):
    """[(properties, polygon)] of the stretches, in file order, checked."""
    stretches = []
    for i, (props, geom) in enumerate(shapes_geojson.read_features(path)):
        where = "%s: feature %d (%s)" % (path, i + 1, props.get("id", "?"))
        for key in ("id", "side", "other", "note"):
            if not props.get(key):
                raise BuildError("%s: needs a property '%s'" % (where, key))
        if len(split_names(props["other"])) != 1:
            raise BuildError("%s: 'other' must name one country, not '%s'"
                             % (where, props["other"]))
        if props["other"] in split_names(props["side"]):
            raise BuildError("%s: '%s' is both side and other" % (where, props["other"]))
        polygon = shapes_geojson.polygonal(geom)
        if polygon.is_empty or not polygon.is_valid:
            raise BuildError("%s: the outline is empty or crosses itself; redraw it" % where)
        stretches.append((props, polygon))
    return stretches


def apply_stretches(countries, stretches, units, path="border_stretches.geojson"):
    """Countries (iso_a3 -> geometry) with each stretch applied in turn.

    units maps iso_a3 to the list of geoBoundaries units (geometries) of that
    country; every country named in a stretch's 'side' needs them.
    """
    result = dict(countries)
    for i, (props, area) in enumerate(stretches):
        where = "%s: feature %d (%s)" % (path, i + 1, props["id"])
        side = split_names(props["side"])
        for code in side + [props["other"]]:
            if code not in result:
                raise BuildError("%s: no country '%s' in natural_earth_countries.geojson"
                                 % (where, code))
        for code in side:
            if not units.get(code):
                raise BuildError("%s: no geoBoundaries units for '%s'" % (where, code))
        if props.get("drawn") is True:
            if len(side) != 1:
                raise BuildError("%s: a drawn stretch gives its ground to one country, "
                                 "not '%s'" % (where, props["side"]))
            outline = area
        else:
            outline = outline_near(area, [u for code in side for u in units[code]])
        result.update(redraw(result, side, props["other"], area, outline))
    return result


def outline_near(area, units):
    """The outline of the units around area, with narrow gaps between them closed.

    Where two units were drawn a little apart, the gap between them is no
    border; a notch in one unit's edge is left as it is.
    """
    reach = area.buffer(REACH_DEG)
    near = [u.intersection(reach) for u in units if u.intersects(reach)]
    joined = unary_union(near)
    filled = closed(joined, GAP_M).difference(joined)
    gaps = [piece for piece in shapes_geojson.polygons_of(filled)
            if sum(1 for u in near if u.distance(piece) < shapes_ground.TOUCH_DEG) >= 2]
    return shapes_geojson.polygonal(unary_union([joined] + gaps))


def redraw(countries, side, other, area, outline):
    """New geometries of the side countries and the other one; see the module text.

    Within area, the other country gets the ground that outline leaves out,
    as far as it is joined to the other country's ground beyond the area; the
    side countries get everything else, so a hole in the outline, or a pocket
    cut off from the other country, does not become an exclave of it. Ground
    the side countries gain from the other goes to the nearest of them.
    """
    side_before = unary_union([countries[c] for c in side])
    other_before = countries[other]
    area = shapes_geojson.polygonal(area.intersection(side_before.union(other_before)))
    beyond = other_before.difference(area)
    left = area.difference(outline)
    lost = shapes_geojson.polygonal(unary_union(
        [piece for piece in shapes_geojson.polygons_of(left)
         if piece.distance(beyond) < shapes_ground.TOUCH_DEG]))
    side_after = shapes_geojson.polygonal(side_before.union(area).difference(lost))
    other_after = beyond.union(lost)
    redrawn = {other: shapes_ground.without_specks(shapes_geojson.polygonal(other_after))}
    if len(side) == 1:
        redrawn[side[0]] = shapes_ground.without_specks(side_after)
    else:
        redrawn.update(shapes_ground.fit_to_country({c: countries[c] for c in side},
                                                    side_after))
    return redrawn


def closed(geom, metres):
    """The geometry with its gaps and notches narrower than 2 x metres filled."""
    metric = transform(shapes_ground.TO_EQUAL_AREA.transform, geom)
    filled = metric.buffer(metres, resolution=4).buffer(-metres, resolution=4)
    return make_valid(transform(shapes_ground.FROM_EQUAL_AREA.transform, filled))


def moved_km2(before, after):
    """{(from, to): km2} of the ground that changed country, for the report."""
    moved = {}
    for source in sorted(before):
        for target in sorted(after):
            if source == target or not before[source].intersects(after[target]):
                continue
            km2 = shapes_ground.area_km2(before[source].intersection(after[target]))
            if km2 >= 0.5:
                moved[(source, target)] = km2
    return moved
