"""Independent checks of `controlmap areas` and `controlmap export`.

Reads the shapefiles with pyshp, applies the time rule itself, unites and
intersects with shapely and measures with pyproj's Geod (GeographicLib), so
nothing here shares code with controlmap. Used by tests/cli_data_out.sh:

  data_out_check.py areas SHAPES CSV          check an areas CSV
  data_out_check.py export SHP DATE GEOJSON   check an exported GeoJSON

Prints one line per check, "ok - ..." or "FAIL - ...".
"""
import csv
import datetime
import json
import sys

import shapefile
from pyproj import Geod
from shapely.geometry import shape
from shapely.ops import unary_union

GEOD = Geod(ellps="WGS84")
SEVEN = {"Aghdam", "Fuzuli", "Jabrayil", "Zangilan", "Qubadli", "Lachin", "Kalbajar"}
failures = 0


def report(ok, what):
    global failures
    print(("ok - " if ok else "FAIL - ") + what)
    failures += 0 if ok else 1


def first_day(text):
    """YYYY, YYYY-MM or YYYY-MM-DD: its first day, and the day after it."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return datetime.date(parts[0], 1, 1), datetime.date(parts[0] + 1, 1, 1)
    if len(parts) == 2:
        y, m = parts
        after = datetime.date(y + (m == 12), m % 12 + 1, 1)
        return datetime.date(y, m, 1), after
    d = datetime.date(*parts)
    return d, d + datetime.timedelta(days=1)


def valid(record, day):
    """start <= day < end; a coarse end means the day after its last day."""
    start, end = record["start"].strip(), record["end"].strip()
    if start and first_day(start)[0] > day:
        return False
    return not end or day < first_day(end)[1]


def read(path):
    r = shapefile.Reader(path, encoding="utf-8")
    return [(rec.as_dict(), shape(s.__geo_interface__))
            for s, rec in zip(r.shapes(), r.records()) if s.points]


def km2(geom):
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def close(a, b, rel=0.005, floor=0.5):
    """Within 0.5 % (or half a km2 for small areas)."""
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), floor)


def check_areas(shapes, table):
    control = read(shapes + "/control.shp")
    countries = read(shapes + "/countries.shp")
    regions = read(shapes + "/regions.shp")
    refs = {
        "azerbaijan": unary_union([g for r, g in countries if r["iso_a3"] == "AZE"]),
        "nkao": unary_union([g for r, g in regions if r["kind"] == "oblast"]),
        "seven_districts": unary_union([g for r, g in regions if r["name_en"] in SEVEN]),
    }
    rows = list(csv.DictReader(open(table)))
    report(len(rows) >= 6, f"{len(rows)} rows in {table}")
    for row in rows:
        day = datetime.date.fromisoformat(row["date"])
        held = unary_union([g for r, g in control
                            if r["holder"] == row["holder"] and valid(r, day)])
        want = km2(held) if not held.is_empty else 0.0
        got = float(row["km2_geodesic_wgs84"])
        report(close(got, want), f"{row['date']} {row['holder']}: {got} km2, pyproj {want:.1f}")
        for name, ref in refs.items():
            inside = km2(held.intersection(ref)) if not held.is_empty else 0.0
            pct = 100 * inside / km2(ref)
            got_km2 = float(row["km2_in_" + name])
            got_pct = float(row["pct_of_" + name])
            report(close(got_km2, inside) and abs(got_pct - pct) <= max(0.005 * pct, 0.01),
                   f"{row['date']} {row['holder']} in {name}: {got_km2} km2 {got_pct} %,"
                   f" pyproj {inside:.1f} km2 {pct:.2f} %")


def oriented(geom):
    """Outer rings counter-clockwise, holes clockwise (RFC 7946)."""
    polygons = getattr(geom, "geoms", [geom])
    return all(p.exterior.is_ccw and not any(h.is_ccw for h in p.interiors)
               for p in polygons if p.geom_type == "Polygon")


def check_export(shp, date, geojson):
    day = datetime.date.fromisoformat(date)
    want = [(r, g) for r, g in read(shp) if valid(r, day)]
    got = json.load(open(geojson))["features"]
    report(len(got) == len(want), f"{len(got)} features exported, {len(want)} valid on {date}")
    for (record, geom), feature in zip(want, got):
        props = feature["properties"]
        same = all(str(props.get(k) if props.get(k) is not None else "") == str(v).strip()
                   for k, v in record.items() if isinstance(v, str))
        exported = shape(feature["geometry"])
        rings_ok = (exported.is_valid or not geom.is_valid) and oriented(exported)
        report(same and rings_ok and close(km2(exported), km2(geom), 1e-6, 1e-6),
               f"feature {props.get('label') or props.get('holder')}: attributes,"
               f" valid rings, {km2(exported):.3f} km2 as in the shapefile")


if __name__ == "__main__":
    if sys.argv[1] == "areas":
        check_areas(sys.argv[2], sys.argv[3])
    else:
        check_export(sys.argv[2], sys.argv[3], sys.argv[4])
    sys.exit(1 if failures else 0)
