"""Turn the sources in shapes/src/ into the features of each layer."""

import os

from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.ops import transform, unary_union
from shapely.validation import make_valid

import shapes_borders
import shapes_control
import shapes_dates
import shapes_geojson
import shapes_ground
from shapes_control import BuildError, read_csv, split_names
from shapes_write import Field

AZE_TOPOJSON = "geoboundaries/geoBoundaries-AZE-ADM2_simplified.topojson"
ARM_TOPOJSON = "geoboundaries/geoBoundaries-ARM-ADM1_simplified.topojson"
STRETCHES = "border_stretches.geojson"

NAMES = ["name_en", "name_az", "name_hy", "name_ru", "name_ar"]
# The name table (names.csv) gives each place and region one name per script
# and, in alt_*, the other spellings in use, so that a search finds them.
NAME_TABLE = [field for name in NAMES for field in (name, "alt" + name[4:])]
DATE = 10

COUNTRY_FIELDS = [Field("iso_a3", size=3)] + [Field(n) for n in NAMES]
REGION_FIELDS = ([Field("kind")] + [Field(n) for n in NAME_TABLE] +
                 [Field("area_km2", "N", 10, 1), Field("start", size=DATE),
                  Field("end", size=DATE), Field("source")])
CONTROL_FIELDS = [Field("holder", size=3), Field("start", size=DATE), Field("end", size=DATE),
                  Field("label"), Field("source"), Field("accuracy_m", "N", 6),
                  Field("country", size=3)]
LINE_FIELDS = [Field("kind"), Field("name_en"), Field("start", size=DATE),
               Field("end", size=DATE), Field("source"), Field("accuracy_m", "N", 6)]
CORRIDOR_FIELDS = [Field("name"), Field("start", size=DATE), Field("end", size=DATE),
                   Field("width_m", "N", 6), Field("source"), Field("accuracy_m", "N", 6),
                   Field("label"), Field("status")]
# A corridor is "open" (traffic used it) or "planned" (agreed on paper, never opened).
CORRIDOR_STATUS = ("open", "planned")
ZONE_FIELDS = [Field("kind"), Field("name_en"), Field("name_ar"), Field("start", size=DATE),
               Field("end", size=DATE), Field("source"), Field("accuracy_m", "N", 6)]
PLACE_FIELDS = ([Field(n) for n in NAME_TABLE] +
                [Field("rank", "N", 2), Field("kind"), Field("country", size=3)])
EVENT_FIELDS = [Field("date", size=DATE), Field("title_en"), Field("title_ar"),
                Field("kind"), Field("source")]

_TO_METRES = Transformer.from_crs("EPSG:4326", shapes_ground.EQUAL_AREA, always_xy=True)
_TO_DEGREES = Transformer.from_crs(shapes_ground.EQUAL_AREA, "EPSG:4326", always_xy=True)


class Ground:
    """Country outlines and the fitted districts and provinces.

    natural_earth keeps the outlines as read, before any stretch was redrawn.
    """

    def __init__(self, countries, country_props, aze_units, arm_units, natural_earth=None):
        self.countries = countries
        self.country_props = country_props
        self.aze_units = aze_units
        self.arm_units = arm_units
        self.natural_earth = natural_earth if natural_earth is not None else countries
        self.known = dict(aze_units)
        for name, geom in arm_units.items():
            if name in self.known:
                raise BuildError("unit name '%s' is both Azerbaijani and Armenian" % name)
            self.known[name] = geom

    def country(self, iso_a3):
        if iso_a3 not in self.countries:
            raise BuildError("no country '%s' in natural_earth_countries.geojson" % iso_a3)
        return self.countries[iso_a3]

    def armenia_azerbaijan_border(self):
        """The border between the two countries, as lines."""
        shared = self.country("AZE").boundary.intersection(
            self.country("ARM").buffer(shapes_control.TOUCH_DEG))
        return shapes_control.tidy_lines(shared)


def load_ground(src):
    """Read Natural Earth and geoBoundaries and fit the units to the countries.

    The countries are Natural Earth's, redrawn from geoBoundaries on the
    stretches of border_stretches.geojson; the units are fitted to the result.
    """
    natural_earth, props = {}, {}
    path = os.path.join(src, "natural_earth_countries.geojson")
    for p, geom in shapes_geojson.read_features(path):
        natural_earth[p["iso_a3"]] = shapes_geojson.polygonal(geom)
        props[p["iso_a3"]] = p
    aze = shapes_ground.merge_same_names(
        shapes_ground.load_topojson_units(os.path.join(src, AZE_TOPOJSON)))
    arm = shapes_ground.merge_same_names(
        shapes_ground.load_topojson_units(os.path.join(src, ARM_TOPOJSON)))
    units = {"AZE": [aze[n] for n in sorted(aze)], "ARM": [arm[n] for n in sorted(arm)]}
    path = os.path.join(src, STRETCHES)
    redrawn = shapes_borders.apply_stretches(
        natural_earth, shapes_borders.read_stretches(path), units, path)
    # Rounded now as they will be written, so that every layer cut from them
    # agrees with the countries layer to the last digit; rounding leaves
    # crumbs of a few square metres where redrawn borders meet.
    countries = {code: shapes_ground.without_specks(rounded_polygons(geom))
                 for code, geom in redrawn.items()}
    return Ground(countries, props,
                  shapes_ground.fit_to_country(aze, countries["AZE"]),
                  shapes_ground.fit_to_country(arm, countries["ARM"]), natural_earth)


def _names_row(row, where):
    missing = [n for n in NAMES if not row.get(n)]
    if missing:
        raise BuildError("%s: empty %s" % (where, ", ".join(missing)))
    return {n: row[n] for n in NAMES}


def read_names(src):
    """{id: {name_en: ..., alt_en: ..., ...}} from names.csv, every name_* filled."""
    path = os.path.join(src, "names.csv")
    names = {}
    for row in read_csv(path, ["id"] + NAME_TABLE):
        where = "%s: line %d" % (path, row["_line"])
        if row["id"] in names:
            raise BuildError("%s: the id '%s' is used twice" % (where, row["id"]))
        _names_row(row, where)
        names[row["id"]] = {n: row[n] for n in NAME_TABLE}
    return names


def named(names, key, where):
    """The name fields of the entry key of the name table."""
    if key not in names:
        raise BuildError("%s: '%s' is not an id of names.csv" % (where, key))
    return dict(names[key])


def build_countries(src, ground):
    """One feature per Natural Earth country, with names from countries.csv."""
    path = os.path.join(src, "countries.csv")
    names = {row["iso_a3"]: (row, "%s: line %d" % (path, row["_line"]))
             for row in read_csv(path, ["iso_a3"] + NAMES)}
    features = []
    for code in sorted(ground.countries):
        if code not in names:
            raise BuildError("%s: no names for country %s" % (path, code))
        record = {"iso_a3": code}
        record.update(_names_row(*names[code]))
        features.append((record, ground.countries[code]))
    return features


def region_pieces(src, ground):
    """{id: geometry} of the hand-drawn outlines used by regions and cells."""
    pieces = shapes_control.cut_drawn(os.path.join(src, "region_pieces.geojson"),
                                      ground.known)
    return {props["id"]: geom for props, geom in pieces}


def build_regions(src, ground):
    """Region features from regions.csv; also returns the NKAO outline."""
    known = dict(ground.known)
    known.update(region_pieces(src, ground))
    path = os.path.join(src, "regions.csv")
    names = read_names(src)
    features, nkao = [], None
    columns = ["region", "kind", "parts", "name", "area_km2", "start", "end", "source"]
    for row in read_csv(path, columns):
        where = "%s: line %d" % (path, row["_line"])
        geom = shapes_control.resolve(row["parts"], known, where)
        problem = shapes_dates.check_interval(row["start"], row["end"])
        if problem:
            raise BuildError("%s: %s" % (where, problem))
        area = float(row["area_km2"]) if row["area_km2"] else \
            round(shapes_ground.area_km2(geom), 1)
        record = {"kind": row["kind"], "area_km2": area, "start": row["start"],
                  "end": row["end"], "source": row["source"]}
        record.update(named(names, row["name"], where))
        features.append((record, geom))
        if row["region"] == "nkao":
            nkao = geom
    if nkao is None:
        raise BuildError("%s: no row for the region 'nkao'" % path)
    return features, nkao


def build_control_cells(src, ground, corridors):
    """The control cells: drawn pieces plus what remains of each unit."""
    known = dict(ground.known)
    known.update(region_pieces(src, ground))
    country_units = {"rest:AZE": sorted(ground.aze_units),
                     "rest:ARM": sorted(ground.arm_units)}
    outlines = {name: geom for name, (_, geom) in corridors.items()}
    return shapes_control.build_cells(os.path.join(src, "cells.csv"),
                                      os.path.join(src, "cells.geojson"),
                                      known, country_units, outlines)


def widen(line, width_m):
    """A route widened to width_m metres (half on each side)."""
    metric = transform(_TO_METRES.transform, line)
    return transform(_TO_DEGREES.transform, metric.buffer(width_m / 2.0, resolution=8))


def build_corridors(src, ground):
    """{name: (record, polygon)} from routes.geojson, in file order."""
    path = os.path.join(src, "routes.geojson")
    corridors = {}
    for i, (props, line) in enumerate(shapes_geojson.read_features(path)):
        where = "%s: feature %d" % (path, i + 1)
        for key in ("name", "start", "end", "width_m", "clip", "label", "source",
                    "accuracy_m", "status"):
            if key not in props:
                raise BuildError("%s: missing property '%s'" % (where, key))
        if props["status"] not in CORRIDOR_STATUS:
            raise BuildError("%s: status '%s' is not one of %s"
                             % (where, props["status"], ", ".join(CORRIDOR_STATUS)))
        problem = shapes_dates.check_interval(props["start"], props["end"])
        if problem:
            raise BuildError("%s: %s" % (where, problem))
        area = unary_union([ground.country(c) for c in split_names(props["clip"])])
        geom = shapes_geojson.polygonal(widen(line, float(props["width_m"])).intersection(area))
        record = {k: props[k] for k in ("name", "start", "end", "source", "label", "status")}
        record["width_m"] = int(props["width_m"])
        record["accuracy_m"] = int(props["accuracy_m"])
        corridors[props["name"]] = (record, geom)
    return corridors


def build_zones(src, cells, timeline, corridors):
    """Zone features from zones.csv; each outline is built from other layers."""
    path = os.path.join(src, "zones.csv")
    features = []
    columns = ("kind", "name_en", "name_ar", "derive", "start", "end", "source", "accuracy_m")
    for row in read_csv(path, columns):
        where = "%s: line %d" % (path, row["_line"])
        problem = shapes_dates.check_interval(row["start"], row["end"])
        if problem:
            raise BuildError("%s: %s" % (where, problem))
        parts = [_zone_part(part, cells, timeline, corridors, where)
                 for part in split_names(row["derive"])]
        geom = shapes_geojson.polygonal(unary_union(parts))
        record = {k: row[k] for k in ("kind", "name_en", "name_ar", "start", "end", "source")}
        record["accuracy_m"] = int(row["accuracy_m"])
        features.append((record, geom))
    return features


def _zone_part(part, cells, timeline, corridors, where):
    """'held:NKR@2020-12-01' or 'corridor:<name>'."""
    kind, _, rest = part.partition(":")
    if kind == "held" and "@" in rest:
        holder, _, day = rest.partition("@")
        return shapes_control.held_by(cells, timeline, {holder},
                                      shapes_dates.start_day(day))
    if kind == "corridor" and rest in corridors:
        return corridors[rest][1]
    raise BuildError("%s: cannot build '%s' (write held:HOLDER@DATE or corridor:NAME)"
                     % (where, part))


def build_lines(src, ground, nkao, cells, timeline):
    """Line features from lines.csv: borders, the NKAO outline, contact lines."""
    path = os.path.join(src, "lines.csv")
    rows = read_csv(path, ("kind", "name_en", "derive", "start", "end", "source",
                           "accuracy_m"))
    features, contact_rows = [], []
    for row in rows:
        where = "%s: line %d" % (path, row["_line"])
        problem = shapes_dates.check_interval(row["start"], row["end"])
        if problem:
            raise BuildError("%s: %s" % (where, problem))
        if row["derive"] == "contact":
            contact_rows.append(row)
        elif row["derive"].startswith("border:"):
            features.append((_line_record(row), ground.armenia_azerbaijan_border()))
        elif row["derive"] == "outline:nkao":
            features.append((_line_record(row), shapes_control.tidy_lines(nkao.boundary)))
        else:
            raise BuildError("%s: unknown derive '%s'" % (where, row["derive"]))
    features.extend(contact_lines(contact_rows, ground, cells, timeline, path))
    return features


def _line_record(row, start=None, end=None):
    return {"kind": row["kind"], "name_en": row["name_en"],
            "start": row["start"] if start is None else start,
            "end": row["end"] if end is None else end,
            "source": row["source"], "accuracy_m": int(row["accuracy_m"])}


def contact_lines(rows, ground, cells, timeline, path):
    """One line feature per stretch of time in which the contact line stands still."""
    borders = ground.armenia_azerbaijan_border()
    days = set(shapes_control.change_days(timeline))
    for row in rows:
        for day in (shapes_dates.start_day(row["start"]), shapes_dates.end_day(row["end"])):
            if day is not None:
                days.add(day)
    days = sorted(days)
    stretches = []
    for i, day in enumerate(days):
        after = days[i + 1] if i + 1 < len(days) else None
        line = shapes_control.contact_line(cells, timeline, day, borders)
        if line is None:
            continue
        row = _row_on(rows, day)
        if row is None:
            raise BuildError("%s: a line of contact exists on %s but no 'contact' row "
                             "covers that day" % (path, day.isoformat()))
        stretches.append([row, day, after, line])
    merged = []
    for stretch in stretches:
        last = merged[-1] if merged else None
        if last and last[0] is stretch[0] and last[2] == stretch[1] and \
                last[3].equals(stretch[3]):
            last[2] = stretch[2]
        else:
            merged.append(stretch)
    return [(_line_record(row, day.isoformat(), after.isoformat() if after else ""), line)
            for row, day, after, line in merged]


def _row_on(rows, day):
    for row in rows:
        if shapes_dates.shown_on(row["start"], row["end"], day):
            return row
    return None


def build_places(src):
    """Point features from places.csv, one per row."""
    path = os.path.join(src, "places.csv")
    names = read_names(src)
    features = []
    columns = ("name", "lon", "lat", "rank", "kind", "country")
    for row in read_csv(path, columns):
        where = "%s: line %d" % (path, row["_line"])
        point = point_of(row, where)
        if not row["rank"].isdigit():
            raise BuildError("%s: rank '%s' is not a whole number" % (where, row["rank"]))
        record = named(names, row["name"], where)
        record.update({k: row[k] for k in ("kind", "country")})
        record["rank"] = int(row["rank"])
        features.append((record, point))
    return features


def build_events(src):
    """Point features from events.csv, one per row."""
    path = os.path.join(src, "events.csv")
    features = []
    columns = ("date", "lon", "lat", "title_en", "title_ar", "kind", "source")
    for row in read_csv(path, columns):
        where = "%s: line %d" % (path, row["_line"])
        try:
            shapes_dates.parse(row["date"])
        except ValueError as error:
            raise BuildError("%s: %s" % (where, error))
        record = {k: row[k] for k in ("date", "title_en", "title_ar", "kind", "source")}
        features.append((record, point_of(row, where)))
    return features


def point_of(row, where):
    try:
        lon, lat = float(row["lon"]), float(row["lat"])
    except ValueError:
        raise BuildError("%s: lon '%s' / lat '%s' are not numbers" % (where, row["lon"], row["lat"]))
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BuildError("%s: lon %s, lat %s lie off the globe" % (where, lon, lat))
    return Point(lon, lat)


def rounded(kind, features):
    """Features with coordinates rounded as they will be written."""
    out = []
    for record, geom in features:
        if geom is None or geom.is_empty:
            out.append((record, geom))
        elif kind == "polygon":
            out.append((record, rounded_polygons(geom)))
        else:
            out.append((record, transform(_round_xy, geom)))
    return out


def rounded_polygons(geom):
    """Polygons rounded to the written precision and still valid.

    Rounding can fold a thin sliver onto itself; repairing that adds vertices
    that are not rounded, so round and repair until nothing changes.
    """
    for _ in range(5):
        geom = _drop_folded_rings(transform(_round_xy, geom))
        if geom.is_valid:
            return geom
        geom = shapes_geojson.polygonal(make_valid(geom))
    raise BuildError("a polygon near %s stays invalid after rounding"
                     % (geom.representative_point().coords[0],))


def _drop_folded_rings(geom):
    kept = []
    for polygon in shapes_geojson.polygons_of(geom):
        if not _ring_has_area(polygon.exterior.coords):
            continue
        holes = [r.coords for r in polygon.interiors if _ring_has_area(r.coords)]
        kept.append(Polygon(polygon.exterior.coords, holes))
    return MultiPolygon(kept)


def _ring_has_area(coords):
    return len(set(coords)) >= 3 and Polygon(coords).area > 0


def _round_xy(x, y, z=None):
    digits = shapes_geojson.PRECISION
    if hasattr(x, "__len__"):
        return [round(v, digits) for v in x], [round(v, digits) for v in y]
    return round(x, digits), round(y, digits)
