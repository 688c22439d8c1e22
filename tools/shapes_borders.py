"""Stretches of border where geoBoundaries is drawn instead of Natural Earth.

Natural Earth 1:10m is the one border of the dataset, except on a few
stretches where it is too coarse (SOURCES.md, "One border everywhere"). Each
stretch is a polygon in src/border_stretches.geojson, drawn loosely around the
border. Inside it, the ground that geoBoundaries gives to the countries named
in 'side' is theirs, and the rest of the ground goes to the country named in
'other'; outside it, Natural Earth stands. Ground only changes hands between
those countries, so the countries still tile the same ground as before.
"""

from shapely.ops import transform, unary_union
from shapely.validation import make_valid

import shapes_geojson
import shapes_ground
from shapes_control import BuildError, split_names

# A gap between geoBoundaries units, or a notch in their outline, narrower
# than twice this (metres) is not taken to be the other country's ground:
# such gaps are where the units were drawn apart, not where a border runs.
GAP_M = 1000


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


def apply_stretches(countries, stretches, outlines, path="border_stretches.geojson"):
    """Countries (iso_a3 -> geometry) with each stretch applied in turn.

    outlines maps iso_a3 to the geoBoundaries outline of that country (the
    union of its units); every country named in a stretch's 'side' needs one.
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
            if code not in outlines:
                raise BuildError("%s: no geoBoundaries outline for '%s'" % (where, code))
        result.update(redraw(result, side, props["other"], area,
                             unary_union([outlines[c] for c in side])))
    return result


def redraw(countries, side, other, area, outline):
    """New geometries of the side countries and the other one; see the module text.

    Within area, the side countries together get what outline covers, and the
    other country what it does not: but only ground that is joined to the
    other country's, so that a hole or a narrow gap in the outline stays with
    its Natural Earth country. Ground the side countries gain from the other
    goes to the nearest of them.
    """
    side_before = unary_union([countries[c] for c in side])
    other_before = countries[other]
    area = shapes_geojson.polygonal(area.intersection(side_before.union(other_before)))
    won = shapes_geojson.polygonal(area.intersection(outline))
    spared = closed(outline, GAP_M).difference(outline).intersection(side_before)
    left = area.difference(outline).difference(spared)
    lost = shapes_geojson.polygonal(unary_union(
        [piece for piece in shapes_geojson.polygons_of(left)
         if piece.intersection(other_before).area >= shapes_ground.SPECK_DEG2]))
    side_after = shapes_geojson.polygonal(side_before.difference(lost).union(won))
    other_after = other_before.difference(won).union(lost)
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
