"""Checks the built layers must pass before anything is written, and the report."""

import datetime

from shapely.ops import unary_union

import shapes_borders
import shapes_control
import shapes_dates
import shapes_history
import shapes_write
from shapes_ground import area_km2

# Official areas (km2) of the seven districts, from docs of the dataset (data.md).
SEVEN_DISTRICTS = {"Kalbajar": 3054, "Lachin": 1835, "Qubadli": 802, "Zangilan": 707,
                   "Jabrayil": 1050, "Fuzuli": 1386, "Aghdam": 1094}
DISTRICT_TOLERANCE = 0.10
SEVEN_TOLERANCE = 0.03
NKAO_AREA = 4400
NKAO_TOLERANCE = 0.10
# Official areas (km2) shown in the report beside the units as built, to judge
# the border stretches by: they are not checked.
REPORTED_UNITS = {"Syunik": 4506}
# Two control features may share at most this much ground at a date (km2).
OVERLAP_LIMIT_KM2 = 0.01
# Ground of Azerbaijan and Armenia that control may leave uncovered (km2).
COVER_LIMIT_KM2 = 1.0

PREVIEW_DAYS = ["1991-01-01", "1993-05-01", "1994-06-01", "2020-11-15",
                "2022-09-20", "2023-10-01"]


def run_all(layers, context):
    """Every problem found, as messages; an empty list means all is well."""
    problems = []
    for name, kind, fields, features in layers:
        problems.extend(shapes_write.check_values(name, fields, [r for r, _ in features]))
        problems.extend(check_features(name, kind, features))
    by_name = {name: features for name, _, _, features in layers}
    problems.extend(check_control_overlaps(by_name["control"], context["timeline"]))
    problems.extend(check_control_cover(by_name["control"], context["ground"]))
    problems.extend(check_countries_tile(by_name["countries"], context["ground"]))
    problems.extend(check_district_areas(by_name["regions"]))
    problems.extend(check_nkao(by_name["regions"]))
    problems.extend(shapes_history.check_places(by_name["place_holders"], by_name["control"],
                                                by_name["countries"], by_name["places"]))
    problems.extend(shapes_history.check_peacekeeping(by_name["zones"], by_name["control"],
                                                      by_name["corridors"], by_name["events"]))
    return problems


def check_features(layer, kind, features):
    """Dates that parse, start before end, a source for what is dated, a geometry."""
    problems = []
    for i, (record, geom) in enumerate(features):
        where = "%s: record %d (%s)" % (layer, i + 1, _title(record))
        dated = False
        if "start" in record:
            problem = shapes_dates.check_interval(record["start"], record["end"])
            if problem:
                problems.append("%s: %s" % (where, problem))
            dated = bool(record["start"] or record["end"])
        if "date" in record:
            try:
                shapes_dates.parse(record["date"])
            except ValueError as error:
                problems.append("%s: %s" % (where, error))
            dated = True
        if dated and not record.get("source"):
            problems.append("%s: dated, but no source" % where)
        if geom is None or geom.is_empty:
            problems.append("%s: empty geometry" % where)
        elif kind == "polygon" and not geom.is_valid:
            problems.append("%s: invalid polygon" % where)
    return problems


def _title(record):
    for key in ("name_en", "name", "label", "title_en", "iso_a3"):
        if record.get(key):
            return record[key][:40]
    return "?"


def check_control_overlaps(features, timeline):
    """No two control features may share ground on any day the map changes."""
    days = [shapes_dates.start_day(shapes_control.DATASET_START)]
    days += shapes_control.change_days(timeline)
    cache = {}
    problems = []
    for day in days:
        shown = [(i, g) for i, (r, g) in enumerate(features)
                 if shapes_dates.shown_on(r["start"], r["end"], day)]
        for a in range(len(shown)):
            for b in range(a + 1, len(shown)):
                shared = _shared_km2(shown[a][1], shown[b][1], cache)
                if shared >= OVERLAP_LIMIT_KM2:
                    problems.append("control: records %d and %d overlap by %.3f km2 on %s"
                                    % (shown[a][0] + 1, shown[b][0] + 1, shared, day))
    return problems


def _shared_km2(g1, g2, cache):
    key = (g1.wkb, g2.wkb)
    if key not in cache:
        ax0, ay0, ax1, ay1 = g1.bounds
        bx0, by0, bx1, by1 = g2.bounds
        if ax1 < bx0 or bx1 < ax0 or ay1 < by0 or by1 < ay0:
            cache[key] = 0.0
        else:
            cache[key] = area_km2(g1.intersection(g2))
    return cache[key]


def check_control_cover(features, ground):
    """Control must cover Azerbaijan and Armenia on every day, with no hole."""
    first = shapes_dates.start_day(shapes_control.DATASET_START)
    covered = unary_union([g for r, g in features
                           if shapes_dates.shown_on(r["start"], r["end"], first)])
    land = ground.country("AZE").union(ground.country("ARM"))
    missing = area_km2(land.difference(covered))
    extra = area_km2(covered.difference(land))
    problems = []
    if missing > COVER_LIMIT_KM2:
        problems.append("control: %.1f km2 of Azerbaijan and Armenia have no holder" % missing)
    if extra > COVER_LIMIT_KM2:
        problems.append("control: %.1f km2 lie outside Azerbaijan and Armenia" % extra)
    return problems


def check_countries_tile(features, ground):
    """Countries may not overlap, and must cover what Natural Earth covers.

    The border stretches move ground between countries; none may be lost or
    given twice on the way.
    """
    problems = []
    for a in range(len(features)):
        for b in range(a + 1, len(features)):
            (ra, ga), (rb, gb) = features[a], features[b]
            if not ga.intersects(gb):
                continue
            shared = area_km2(ga.intersection(gb))
            if shared >= OVERLAP_LIMIT_KM2:
                problems.append("countries: %s and %s overlap by %.3f km2"
                                % (ra["iso_a3"], rb["iso_a3"], shared))
    built = unary_union([g for _, g in features])
    natural_earth = unary_union(list(ground.natural_earth.values()))
    for what, km2 in (("no country", area_km2(natural_earth.difference(built))),
                      ("outside Natural Earth", area_km2(built.difference(natural_earth)))):
        if km2 > COVER_LIMIT_KM2:
            problems.append("countries: %.1f km2 of land are %s after the border "
                            "stretches" % (km2, what))
    return problems


def district_areas(regions):
    """{name: km2} of the seven districts as built."""
    return {r["name_en"]: area_km2(g) for r, g in regions
            if r["kind"] == "district" and r["name_en"] in SEVEN_DISTRICTS}


def check_district_areas(regions):
    """Each of the seven districts near its official area, and all seven together."""
    areas = district_areas(regions)
    problems = []
    for name, official in sorted(SEVEN_DISTRICTS.items()):
        if name not in areas:
            problems.append("regions: district %s is missing" % name)
            continue
        off = areas[name] / official - 1
        if abs(off) > DISTRICT_TOLERANCE:
            problems.append("regions: %s is %.0f km2, %+.1f %% from its official %d km2 "
                            "(limit %.0f %%)" % (name, areas[name], off * 100, official,
                                                 DISTRICT_TOLERANCE * 100))
    total, official_total = sum(areas.values()), sum(SEVEN_DISTRICTS.values())
    if abs(total / official_total - 1) > SEVEN_TOLERANCE:
        problems.append("regions: the seven districts cover %.0f km2, %+.1f %% from the "
                        "official %d km2 (limit %.0f %%)"
                        % (total, (total / official_total - 1) * 100, official_total,
                           SEVEN_TOLERANCE * 100))
    return problems


def unit_area(regions, name):
    """km2 of the region feature called name as built, 0 when there is none."""
    for record, geom in regions:
        if record["name_en"] == name:
            return area_km2(geom)
    return 0.0


def nkao_area(regions):
    for record, geom in regions:
        if record["kind"] == "oblast":
            return area_km2(geom)
    return 0.0


def check_nkao(regions):
    area = nkao_area(regions)
    if abs(area / NKAO_AREA - 1) > NKAO_TOLERANCE:
        return ["regions: the NKAO outline covers %.0f km2, not about %d km2 (limit %.0f %%)"
                % (area, NKAO_AREA, NKAO_TOLERANCE * 100)]
    return []


def report(layers, context):
    """A short text: feature counts, areas, change dates, ground held on some days."""
    by_name = {name: features for name, _, _, features in layers}
    lines = ["features: " + ", ".join("%s %d" % (name, len(features))
                                      for name, _, _, features in layers)]
    areas = district_areas(by_name["regions"])
    for name, official in sorted(SEVEN_DISTRICTS.items()):
        if name in areas:
            lines.append("  %-9s %7.1f km2  official %5d  %+5.1f %%"
                         % (name, areas[name], official, (areas[name] / official - 1) * 100))
    total = sum(areas.values())
    official_total = sum(SEVEN_DISTRICTS.values())
    lines.append("  seven     %7.1f km2  official %5d  %+5.1f %%"
                 % (total, official_total, (total / official_total - 1) * 100))
    nkao = nkao_area(by_name["regions"])
    lines.append("  NKAO      %7.1f km2  about    %5d  %+5.1f %%"
                 % (nkao, NKAO_AREA, (nkao / NKAO_AREA - 1) * 100))
    for name, official in sorted(REPORTED_UNITS.items()):
        built = unit_area(by_name["regions"], name)
        lines.append("  %-9s %7.1f km2  official %5d  %+5.1f %% (not checked)"
                     % (name, built, official, (built / official - 1) * 100))
    ground = context["ground"]
    for (source, target), km2 in sorted(shapes_borders.moved_km2(
            ground.natural_earth, ground.countries).items()):
        lines.append("  border stretches: %.1f km2 of Natural Earth's %s drawn as %s"
                     % (km2, source, target))
    days = shapes_control.change_days(context["timeline"])
    lines.append("control changes on %d days: %s" % (len(days), " ".join(d.isoformat() for d in days)))
    for text in PREVIEW_DAYS:
        day = datetime.date.fromisoformat(text)
        held = shapes_control.area_by_holder(context["cells"], context["timeline"], day)
        lines.append("  %s held (km2): %s" % (text, ", ".join(
            "%s %.0f" % (h, held[h]) for h in sorted(held))))
    return "\n".join(lines)
