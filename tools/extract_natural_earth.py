#!/usr/bin/python3
"""Cut the Natural Earth 1:10m country outlines down to the conflict region.

Usage:
    tools/extract_natural_earth.py COUNTRIES_10M_JSON [OUT_GEOJSON]

COUNTRIES_10M_JSON is countries-10m.json from the npm package
world-atlas@2.0.2 (Natural Earth 1:10m admin-0, public domain, as TopoJSON).
The result, shapes/src/natural_earth_countries.geojson by default, is
committed, so that `make shapes` never needs the network; run this only to
refresh it.
"""

import json
import os
import sys

from shapely.geometry import MultiPolygon, box
from shapely.ops import unary_union
from shapely.validation import make_valid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import shapes_geojson  # noqa: E402
import shapes_topojson  # noqa: E402

# Enough for a locator inset around the South Caucasus.
REGION = (38.0, 34.0, 52.0, 44.0)

# world-atlas keys countries by ISO 3166-1 numeric code; the project uses alpha-3.
ISO_A3 = {
    "031": "AZE", "051": "ARM", "268": "GEO", "364": "IRN", "368": "IRQ",
    "398": "KAZ", "643": "RUS", "760": "SYR", "792": "TUR", "795": "TKM",
    "400": "JOR", "422": "LBN", "196": "CYP",
}


def clipped_outline(geometry, region):
    """The part of a country inside the region, made valid.

    Some far-away rings of large countries self-intersect after quantization,
    so each polygon is clipped on its own before anything is joined.
    """
    rings_list = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                  else geometry["coordinates"])
    pieces = []
    for rings in rings_list:
        polygon = shapes_geojson.polygon_from_rings(rings)
        if polygon is None or not polygon.intersects(region):
            continue
        if not polygon.is_valid:
            polygon = make_valid(polygon)
        pieces.append(polygon.intersection(region))
    if not pieces:
        return None
    return shapes_geojson.polygonal(unary_union(pieces))


def extract(topology, region_box):
    """Return sorted (properties, geometry) pairs of countries in the region."""
    features = []
    for country in shapes_topojson.decode_object(topology, "countries"):
        if country["geometry"] is None:
            continue
        outline = clipped_outline(country["geometry"], region_box)
        if outline is None or outline.is_empty:
            continue
        code = ISO_A3.get(country["id"])
        if code is None:
            raise SystemExit("extract_natural_earth: country %r (id %r) lies in the "
                             "region but has no alpha-3 code in ISO_A3; add it"
                             % (country["properties"].get("name"), country["id"]))
        props = {"iso_a3": code, "name": country["properties"].get("name", "")}
        features.append((props, MultiPolygon(outline.geoms)))
    features.sort(key=lambda f: f[0]["iso_a3"])
    return features


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    out_path = argv[2] if len(argv) > 2 else os.path.join(
        HERE, "..", "shapes", "src", "natural_earth_countries.geojson")
    with open(argv[1], encoding="utf-8") as src:
        topology = json.load(src)
    features = extract(topology, box(*REGION))
    shapes_geojson.write_features(
        out_path, features,
        "Natural Earth 1:10m admin-0 countries (public domain), from world-atlas@2.0.2 "
        "countries-10m.json, clipped to lon %g..%g, lat %g..%g" % (
            REGION[0], REGION[2], REGION[1], REGION[3]))
    print("extract_natural_earth: wrote %d countries to %s"
          % (len(features), os.path.relpath(out_path)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
