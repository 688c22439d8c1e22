"""Control of the ground: cells, their timelines of holders, and contact lines.

The ground is cut into cells that never overlap: whole districts, or pieces of
districts drawn by hand along a line of contact. Each cell has a timeline of
holders that leaves no day uncovered and never gives a day twice. A control
feature is one cell during one holder's period, so no two control features
can overlap at any date.
"""

import csv

from shapely.geometry import MultiLineString
from shapely.ops import linemerge, unary_union

import shapes_dates
import shapes_geojson
from shapes_ground import area_km2, without_specks

HOLDERS = {
    "AZE": "Azerbaijan (Azerbaijan SSR until 1991)",
    "ARM": "Armenia (Armenian SSR until 1991)",
    "NKR": "Armenian and Karabakh Armenian forces (Nagorno-Karabakh Republic)",
}

# Every cell's timeline starts on the day the NKAO was created.
DATASET_START = "1923-07-07"

# Bits of a derived line shorter than this (degrees, about 150 m) are noise.
SHORTEST_LINE_DEG = 0.0015
# How close (degrees, about 1 m) two edges must be to count as shared.
TOUCH_DEG = 1e-5


class BuildError(Exception):
    """A problem in the source files; the message says where and what."""


def read_csv(path, required=()):
    """Rows of a CSV file as dicts, with the line number under '_line'.

    A column named in required but missing from the header is an error.
    """
    with open(path, encoding="utf-8", newline="") as src:
        reader = csv.DictReader(src)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise BuildError("%s: line 1: no column %s" % (path, ", ".join(missing)))
        rows = []
        for row in reader:
            row = {k: (v or "").strip() for k, v in row.items()}
            row["_line"] = reader.line_num
            rows.append(row)
    return rows


def split_names(text):
    """'a + b+c' -> ['a', 'b', 'c']."""
    return [part.strip() for part in text.split("+") if part.strip()]


def resolve(spec, known, where):
    """Union of the named geometries in a '+'-joined list."""
    parts = []
    for name in split_names(spec):
        if name not in known:
            raise BuildError("%s: '%s' names no district, province or drawn piece"
                             % (where, name))
        parts.append(known[name])
    if not parts:
        raise BuildError("%s: nothing named" % where)
    return shapes_geojson.polygonal(unary_union(parts))


def cut_drawn(drawn_path, known, corridors=None):
    """Hand-drawn pieces, each cut to what its 'within' names.

    Pieces are taken in file order, and a piece loses whatever an earlier one
    already took, so an outline may be drawn loosely where it runs along a
    border or an earlier piece. A piece with a 'corridor' property and no
    geometry takes the outline of that corridor. Returns [(properties, geometry)].
    """
    pieces, taken = [], None
    features = shapes_geojson.read_features(drawn_path, allow_empty=True)
    for i, (props, geom) in enumerate(features):
        where = "%s: feature %d (%s)" % (drawn_path, i + 1, props.get("id", "?"))
        if "id" not in props or "within" not in props:
            raise BuildError("%s: needs properties 'id' and 'within'" % where)
        if geom is None:
            geom = (corridors or {}).get(props.get("corridor"))
            if geom is None:
                raise BuildError("%s: no geometry and no known 'corridor'" % where)
        if not geom.is_valid:
            raise BuildError("%s: the outline crosses itself; redraw it" % where)
        piece = geom.intersection(resolve(props["within"], known, where))
        if taken is not None:
            piece = piece.difference(taken)
        piece = without_specks(shapes_geojson.polygonal(piece))
        if piece.is_empty:
            raise BuildError("%s: the outline does not overlap '%s'"
                             % (where, props["within"]))
        pieces.append((props, piece))
        taken = piece if taken is None else taken.union(piece)
    return pieces


def build_cells(cells_csv, cells_geojson, known, country_units, corridors):
    """Return {cell id: geometry} for the drawn cells and the remainder cells.

    country_units maps 'rest:AZE' etc. to the unit names of that country; a
    remainder cell naming 'rest:AZE' gets every unit no other row names.
    corridors maps corridor names to outlines, for cells drawn as corridors.
    """
    drawn = cut_drawn(cells_geojson, known, corridors)
    cells = {}
    for props, geom in drawn:
        if props["id"] in cells:
            raise BuildError("%s: cell '%s' drawn twice" % (cells_geojson, props["id"]))
        cells[props["id"]] = geom
    all_drawn = unary_union([g for _, g in drawn])
    rows = read_csv(cells_csv, ("cell", "units"))
    named = set()
    for row in rows:
        named.update(n for n in split_names(row["units"]) if not n.startswith("rest:"))
    for row in rows:
        where = "%s: line %d" % (cells_csv, row["_line"])
        names = []
        for name in split_names(row["units"]):
            if name.startswith("rest:"):
                if name not in country_units:
                    raise BuildError("%s: '%s' is not rest:AZE or rest:ARM" % (where, name))
                names.extend(n for n in country_units[name] if n not in named)
            else:
                names.append(name)
        if row["cell"] in cells:
            raise BuildError("%s: cell '%s' is already defined" % (where, row["cell"]))
        geom = resolve("+".join(names), known, where).difference(all_drawn)
        cells[row["cell"]] = without_specks(shapes_geojson.polygonal(geom))
    return cells


class Period:
    """One holder of one cell from start to end."""

    def __init__(self, cell, row, where):
        self.cell = cell
        self.holder = row["holder"]
        self.start = row["start"]
        self.end = row["end"]
        self.label = row["label"]
        self.source = row["source"]
        self.accuracy_m = row["accuracy_m"]
        self.where = where

    def first_day(self):
        return shapes_dates.start_day(self.start)

    def gone_day(self):
        return shapes_dates.end_day(self.end)

    def record(self):
        return {"holder": self.holder, "start": self.start, "end": self.end,
                "label": self.label, "source": self.source,
                "accuracy_m": int(self.accuracy_m)}


def read_timeline(path, cells):
    """Return {cell: [Period]} after checking every row and every chain."""
    timeline = {cell: [] for cell in cells}
    columns = ("cell", "holder", "start", "end", "label", "source", "accuracy_m")
    for row in read_csv(path, columns):
        where = "%s: line %d" % (path, row["_line"])
        _check_row(row, where)
        for cell in split_names(row["cell"]):
            if cell not in cells:
                raise BuildError("%s: no cell named '%s' (cells.csv or cells.geojson)"
                                 % (where, cell))
            timeline[cell].append(Period(cell, row, where))
    for cell in sorted(timeline):
        periods = sorted(timeline[cell], key=lambda p: p.first_day())
        close_open_ends(periods)
        _check_chain(cell, periods, path)
        timeline[cell] = merge_same_holder(periods)
    return timeline


def _check_row(row, where):
    if row["holder"] not in HOLDERS:
        raise BuildError("%s: holder '%s' is not one of %s"
                         % (where, row["holder"], ", ".join(sorted(HOLDERS))))
    if not row["start"]:
        raise BuildError("%s: empty start; timelines start on %s" % (where, DATASET_START))
    problem = shapes_dates.check_interval(row["start"], row["end"])
    if problem:
        raise BuildError("%s: %s" % (where, problem))
    if not row["source"]:
        raise BuildError("%s: no source; name the document the period comes from" % where)
    if not row["label"]:
        raise BuildError("%s: no label" % where)
    if not row["accuracy_m"].isdigit() or int(row["accuracy_m"]) <= 0:
        raise BuildError("%s: accuracy_m '%s' is not a positive whole number of metres"
                         % (where, row["accuracy_m"]))


def close_open_ends(periods):
    """A period with an empty end lasts until the cell's next period starts.

    This lets one row say what happened to many cells, and later rows say
    when each of them changed hands. The end is written as the full date of
    the next start, since a coarse end would mean the end of that month.
    """
    for before, after in zip(periods, periods[1:]):
        if not before.end and after.first_day() != before.first_day():
            before.end = after.first_day().isoformat()


def _check_chain(cell, periods, path):
    """Each period must begin the day the previous one ends; none may overlap."""
    if not periods:
        raise BuildError("%s: cell '%s' has no timeline" % (path, cell))
    if periods[0].start != DATASET_START:
        raise BuildError("%s: cell '%s' starts on %s, not on %s"
                         % (periods[0].where, cell, periods[0].start, DATASET_START))
    for before, after in zip(periods, periods[1:]):
        if before.gone_day() is None or before.gone_day() != after.first_day():
            raise BuildError("%s: cell '%s': the period ending '%s' is followed by one "
                             "starting '%s' (%s); they must meet with no gap or overlap"
                             % (after.where, cell, before.end or "(never)", after.start,
                                "gap" if before.gone_day() and before.gone_day() <
                                after.first_day() else "overlap"))
    if periods[-1].end:
        raise BuildError("%s: cell '%s': the last period ends on %s; leave its end empty"
                         % (periods[-1].where, cell, periods[-1].end))


def merge_same_holder(periods):
    """Join periods that follow each other with the same holder and wording."""
    merged = [periods[0]]
    for period in periods[1:]:
        last = merged[-1]
        same = (last.holder, last.label, last.source, last.accuracy_m) == \
               (period.holder, period.label, period.source, period.accuracy_m)
        if same:
            last.end = period.end
        else:
            merged.append(period)
    return merged


def control_features(cells, timeline):
    """(record, geometry) for every cell and period, in a stable order."""
    features = []
    for cell in sorted(timeline):
        # The country the ground belongs to: its holder in 1923, whose
        # Soviet borders became the international ones in 1991.
        country = timeline[cell][0].holder
        for period in timeline[cell]:
            features.append((dict(period.record(), country=country), cells[cell]))
    return features


def change_days(timeline):
    """Every day on which some cell changes holder, in order."""
    days = set()
    for periods in timeline.values():
        for period in periods[1:]:
            days.add(period.first_day())
    return sorted(days)


def holders_on(timeline, day):
    """{cell: holder} on a day."""
    held = {}
    for cell, periods in timeline.items():
        for period in periods:
            if shapes_dates.shown_on(period.start, period.end, day):
                held[cell] = period.holder
    return held


def held_by(cells, timeline, holders, day):
    """The ground held on a day by any of the given holders."""
    held = holders_on(timeline, day)
    return shapes_geojson.polygonal(unary_union(
        [cells[c] for c in sorted(held) if held[c] in holders]))


def contact_line(cells, timeline, day, borders):
    """Where Armenian-held ground meets Azerbaijani-held ground on a day.

    Stretches that run along an international border (where each side holds
    its own country) are left out: that is a border, not a line of contact.
    """
    azerbaijani = held_by(cells, timeline, {"AZE"}, day)
    armenian = held_by(cells, timeline, {"ARM", "NKR"}, day)
    if azerbaijani.is_empty or armenian.is_empty:
        return None
    touching = azerbaijani.boundary.intersection(armenian.buffer(TOUCH_DEG))
    touching = touching.difference(borders.buffer(TOUCH_DEG * 2))
    return tidy_lines(touching)


def tidy_lines(geom):
    """Merge line pieces and drop crumbs; None when nothing is left."""
    lines = []
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "LineString":
            lines.append(part)
        elif part.geom_type == "MultiLineString":
            lines.extend(part.geoms)
    lines = [line for line in lines if not line.is_empty]
    if not lines:
        return None
    merged = linemerge(lines)
    parts = [merged] if merged.geom_type == "LineString" else list(merged.geoms)
    parts = [p for p in parts if p.length >= SHORTEST_LINE_DEG]
    if not parts:
        return None
    parts.sort(key=lambda p: (round(p.coords[0][0], 6), round(p.coords[0][1], 6)))
    return MultiLineString(parts)


def area_by_holder(cells, timeline, day):
    """{holder: km2} on a day, for the report."""
    held = holders_on(timeline, day)
    totals = {}
    for cell, holder in held.items():
        totals[holder] = totals.get(holder, 0.0) + area_km2(cells[cell])
    return totals
