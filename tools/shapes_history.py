"""Who held each place when (place_history.csv), and the checks that tie the
places, the control cells and the zones to it.

A place's history is compiled from the record independently of the cells; at
every date on which anything changes hands, the cell that holds the place's
point must have the holder the history gives, and every place must lie in the
country its 'country' field names. Where they disagree the geometry (or the
history) is wrong, and the build says which place, which day and who.
"""

import os

from shapely.ops import unary_union

import shapes_control
import shapes_dates
import shapes_layers
from shapes_control import BuildError, read_csv
from shapes_ground import area_km2
from shapes_write import Field

HISTORY_FIELDS = [Field("name_en"), Field("name_ar"), Field("holder", size=3),
                  Field("start", size=10), Field("end", size=10), Field("source")]

# The peacekeeping zone may stick out of the ground it watches by this much
# (km2 at any date): the crumbs left where outlines were drawn separately.
ZONE_SLACK_KM2 = 0.5


def build_place_history(src):
    """Point features (one per place and holder) from place_history.csv.

    Each history row names a place by its id in places.csv and takes its
    point and names. Every place needs a history that starts on the dataset's
    first day and leaves no gap.
    """
    path = os.path.join(src, "place_history.csv")
    by_id = places_by_id(src)
    rows = read_csv(path, ("place", "holder", "start", "end", "source"))
    chains = {}
    for row in rows:
        where = "%s: line %d" % (path, row["_line"])
        if row["place"] not in by_id:
            raise BuildError("%s: '%s' is not a place of places.csv" % (where, row["place"]))
        if row["holder"] not in shapes_control.HOLDERS:
            raise BuildError("%s: holder '%s' is not one of %s" % (
                where, row["holder"], ", ".join(sorted(shapes_control.HOLDERS))))
        problem = shapes_dates.check_interval(row["start"], row["end"])
        if problem or not row["start"]:
            raise BuildError("%s: %s" % (where, problem or "empty start"))
        if not row["source"]:
            raise BuildError("%s: no source" % where)
        chains.setdefault(row["place"], []).append((row, where))
    features = []
    for place in sorted(by_id, key=lambda p: by_id[p][0]["name_en"]):
        if place not in chains:
            raise BuildError("%s: no history for the place '%s'" % (path, place))
        _check_chain(place, chains[place])
        record, point = by_id[place]
        for row, _ in chains[place]:
            features.append(({"name_en": record["name_en"], "name_ar": record["name_ar"],
                              "holder": row["holder"], "start": row["start"],
                              "end": row["end"], "source": row["source"]}, point))
    return features


def places_by_id(src):
    """{id: (names, point)} of the rows of places.csv."""
    names = shapes_layers.read_names(src)
    path = os.path.join(src, "places.csv")
    places = {}
    for row in read_csv(path, ("name", "lon", "lat")):
        where = "%s: line %d" % (path, row["_line"])
        places[row["name"]] = (shapes_layers.named(names, row["name"], where),
                               shapes_layers.point_of(row, where))
    return places


def _check_chain(place, chain):
    chain.sort(key=lambda item: shapes_dates.start_day(item[0]["start"]))
    first, where = chain[0]
    if first["start"] != shapes_control.DATASET_START:
        raise BuildError("%s: the history of '%s' starts on %s, not on %s"
                         % (where, place, first["start"], shapes_control.DATASET_START))
    for (before, _), (after, where) in zip(chain, chain[1:]):
        if shapes_dates.end_day(before["end"]) != shapes_dates.start_day(after["start"]):
            raise BuildError("%s: '%s' ends a period on '%s' and starts the next on '%s'; "
                             "they must meet" % (where, place, before["end"], after["start"]))
    last, where = chain[-1]
    if last["end"]:
        raise BuildError("%s: the last period of '%s' ends; leave its end empty"
                         % (where, place))


def check_days(control, history):
    """The first day and every day on which control or a place changes hands."""
    days = {shapes_dates.start_day(shapes_control.DATASET_START)}
    for record, _ in list(control) + list(history):
        days.add(shapes_dates.start_day(record["start"]))
    return sorted(days)


def check_places(history, control, countries, places):
    """Each place inside its holder's ground at every change day, and in its country."""
    problems = []
    shapes = {r["iso_a3"]: g for r, g in countries}
    for record, point in places:
        country = shapes.get(record["country"])
        if country is None or not country.contains(point):
            problems.append("places: %s (%.4f %.4f) is not inside %s"
                            % (record["name_en"], point.x, point.y, record["country"]))
    for day in check_days(control, history):
        shown = [(r, g) for r, g in control if shapes_dates.shown_on(r["start"], r["end"], day)]
        for record, point in history:
            if not shapes_dates.shown_on(record["start"], record["end"], day):
                continue
            found = [r["holder"] for r, g in shown if g.contains(point)]
            if found != [record["holder"]]:
                problems.append("places: on %s %s (%.4f %.4f) is held by %s, but the control "
                                "layer gives %s" % (day, record["name_en"], point.x, point.y,
                                                    record["holder"],
                                                    " and ".join(found) or "nobody"))
    return problems


def check_peacekeeping(zones, control, corridors, events):
    """The peacekeeping zone lies on ground of the Karabakh Armenian side or a
    corridor on every day both exist, and ends on the day its withdrawal was
    completed (the last event of kind 'withdrawal')."""
    problems = []
    keep = [(r, g) for r, g in zones if r["kind"] == "peacekeeping"]
    if not keep:
        return ["zones: no peacekeeping zone"]
    days = sorted({shapes_dates.start_day(r["start"]) for r, _ in list(control) + keep} |
                  {shapes_dates.start_day(r["start"]) for r, _ in corridors if r["start"]})
    for day in days:
        karabakh = [g for r, g in control if r["holder"] == "NKR" and
                    shapes_dates.shown_on(r["start"], r["end"], day)]
        for record, geom in keep:
            # Once the Karabakh forces held no ground (20 Sep 2023) the zone is
            # where the peacekeepers stayed until they left: no side to lie in.
            if not karabakh or not shapes_dates.shown_on(record["start"], record["end"], day):
                continue
            allowed = unary_union(
                karabakh +
                [g for r, g in corridors if r["name"].startswith("Lachin") and
                 shapes_dates.shown_on(r["start"], r["end"], day)])
            outside = area_km2(geom.difference(allowed))
            if outside > ZONE_SLACK_KM2:
                problems.append("zones: on %s %.1f km2 of the peacekeeping zone lie on ground "
                                "held by Azerbaijan" % (day, outside))
    withdrawn = [r["date"] for r, _ in events if r["kind"] == "withdrawal"]
    last_end = max(shapes_dates.end_day(r["end"]) for r, _ in keep if r["end"])
    if not withdrawn or last_end != shapes_dates.start_day(max(withdrawn)):
        problems.append("zones: the peacekeeping zone ends on %s, not on the day the "
                        "withdrawal was completed (%s)"
                        % (last_end, max(withdrawn) if withdrawn else "no event"))
    return problems
