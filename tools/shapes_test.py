#!/usr/bin/python3
"""Tests of the dataset build tools, on small data made here.

Run: /usr/bin/python3 tools/shapes_test.py
"""

import datetime
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import shapefile  # noqa: E402
from shapely.geometry import LineString, Point, box  # noqa: E402

import shapes_borders  # noqa: E402
import shapes_checks  # noqa: E402
import shapes_control  # noqa: E402
import shapes_dates  # noqa: E402
import shapes_ground  # noqa: E402
import shapes_history  # noqa: E402
import shapes_topojson  # noqa: E402
import shapes_write  # noqa: E402
from shapes_control import BuildError  # noqa: E402

D = datetime.date

# Two unit squares side by side sharing arc 0 (their common edge), quantized
# with a scale of 0.5 so that every step of 2 is one degree.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
    "arcs": [
        [[2, 0], [0, 2]],                    # (11,20) -> (11,21): shared edge
        [[2, 2], [-2, 0], [0, -2], [2, 0]],  # (11,21) -> (10,21) -> (10,20) -> (11,20)
        [[2, 0], [2, 0], [0, 2], [-2, 0]],   # (11,20) -> (12,20) -> (12,21) -> (11,21)
    ],
    "objects": {"squares": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]], "properties": {"shapeName": "West"}},
        {"type": "Polygon", "arcs": [[2, ~0]], "properties": {"shapeName": "East"}},
    ]}},
}


class TopoJsonTest(unittest.TestCase):
    def test_arcs_are_delta_decoded_and_transformed(self):
        arcs = shapes_topojson.decode_arcs(TOPOLOGY)
        self.assertEqual(arcs[0], [(11.0, 20.0), (11.0, 21.0)])
        self.assertEqual(arcs[1][-1], (11.0, 20.0))

    def test_negative_index_walks_the_arc_backwards(self):
        features = shapes_topojson.decode_object(TOPOLOGY, "squares")
        east = features[1]["geometry"]["coordinates"][0]
        self.assertEqual(east, [(11.0, 20.0), (12.0, 20.0), (12.0, 21.0), (11.0, 21.0),
                                (11.0, 20.0)])
        self.assertEqual(features[0]["properties"]["shapeName"], "West")

    def test_a_ring_that_does_not_close_is_refused(self):
        broken = dict(TOPOLOGY)
        broken["objects"] = {"bad": {"type": "Polygon", "arcs": [[0]]}}
        with self.assertRaises(ValueError):
            shapes_topojson.decode_object(broken, "bad")

    def test_unknown_object_is_named_in_the_error(self):
        with self.assertRaises(KeyError) as caught:
            shapes_topojson.decode_object(TOPOLOGY, "circles")
        self.assertIn("squares", str(caught.exception))


class DatesTest(unittest.TestCase):
    def test_forms_and_their_first_and_last_days(self):
        cases = [("2020-11-10", D(2020, 11, 10), D(2020, 11, 10)),
                 ("1993-02", D(1993, 2, 1), D(1993, 3, 1)),
                 ("1993-12", D(1993, 12, 1), D(1994, 1, 1)),
                 ("1994", D(1994, 1, 1), D(1995, 1, 1))]
        for text, first, gone in cases:
            self.assertEqual(shapes_dates.start_day(text), first, text)
            self.assertEqual(shapes_dates.end_day(text), gone, text)

    def test_bad_dates(self):
        for text in ("2020-13-01", "2020-02-30", "20-11-10", "2020/11/10", "1993-2"):
            with self.assertRaises(ValueError, msg=text):
                shapes_dates.parse(text)

    def test_interval_checks(self):
        self.assertIsNone(shapes_dates.check_interval("1992", "1993-02"))
        self.assertIsNone(shapes_dates.check_interval("", ""))
        self.assertIn("not before", shapes_dates.check_interval("2020-11-10", "2020-11-10"))
        self.assertIn("not a date", shapes_dates.check_interval("2020-1-1", ""))

    def test_shown_on_uses_start_inclusive_end_exclusive(self):
        self.assertTrue(shapes_dates.shown_on("2020-11-10", "2020-11-20", D(2020, 11, 10)))
        self.assertFalse(shapes_dates.shown_on("2020-11-10", "2020-11-20", D(2020, 11, 20)))
        self.assertTrue(shapes_dates.shown_on("", "1993-02", D(1993, 2, 28)))
        self.assertFalse(shapes_dates.shown_on("", "1993-02", D(1993, 3, 1)))


class TimelineTest(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp()
        self.cells = {"west": box(0, 0, 1, 1), "east": box(1, 0, 2, 1)}

    def tearDown(self):
        shutil.rmtree(self.folder)

    def timeline(self, rows):
        path = os.path.join(self.folder, "timeline.csv")
        with open(path, "w", encoding="utf-8") as out:
            out.write("cell,holder,start,end,label,source,accuracy_m\n")
            for row in rows:
                out.write(row + "\n")
        return shapes_control.read_timeline(path, self.cells)

    def test_open_ends_close_on_the_next_start(self):
        t = self.timeline(["west+east,AZE,1923-07-07,,a,s,100",
                           "east,NKR,1993-08-23,,b,s,100"])
        self.assertEqual([p.end for p in t["east"]], ["1993-08-23", ""])
        self.assertEqual(len(t["west"]), 1)

    def test_a_coarse_start_closes_with_its_first_day(self):
        t = self.timeline(["west+east,AZE,1923-07-07,,a,s,100",
                           "east,NKR,1993-03,,b,s,100"])
        self.assertEqual(t["east"][0].end, "1993-03-01")

    def test_gap_and_overlap_are_refused(self):
        gap = ["west+east,AZE,1923-07-07,1990-01-01,a,s,100",
               "west+east,NKR,1991-01-01,,b,s,100"]
        overlap = ["west+east,AZE,1923-07-07,1992-01-01,a,s,100",
                   "west+east,NKR,1991-01-01,,b,s,100"]
        for rows, word in ((gap, "gap"), (overlap, "overlap")):
            with self.assertRaises(BuildError) as caught:
                self.timeline(rows)
            self.assertIn(word, str(caught.exception))

    def test_bad_rows_are_refused_with_their_line(self):
        bad = ["west+east,RUS,1923-07-07,,a,s,100",
               "west+east,AZE,1923-07-07,,a,,100",
               "west+east,AZE,1924-01-01,,a,s,100",
               "west+east,AZE,1923-07-07,,a,s,about",
               "north,AZE,1923-07-07,,a,s,100"]
        for row in bad:
            with self.assertRaises(BuildError, msg=row) as caught:
                self.timeline([row])
            self.assertIn("line 2", str(caught.exception))

    def test_same_holder_and_wording_are_joined(self):
        t = self.timeline(["west+east,AZE,1923-07-07,1950-01-01,a,s,100",
                           "west+east,AZE,1950-01-01,,a,s,100"])
        self.assertEqual(len(t["west"]), 1)
        self.assertEqual(t["west"][0].end, "")

    def test_contact_line_runs_between_the_holders(self):
        t = self.timeline(["west+east,AZE,1923-07-07,,a,s,100",
                           "east,NKR,1993-08-23,,b,s,100"])
        none_yet = shapes_control.contact_line(self.cells, t, D(1990, 1, 1), box(5, 5, 6, 6))
        self.assertIsNone(none_yet)
        line = shapes_control.contact_line(self.cells, t, D(2000, 1, 1), box(5, 5, 6, 6))
        self.assertAlmostEqual(line.length, 1.0, places=3)
        self.assertAlmostEqual(line.centroid.x, 1.0, places=6)
        on_border = shapes_control.contact_line(self.cells, t, D(2000, 1, 1),
                                                LineString([(1, -1), (1, 2)]))
        self.assertIsNone(on_border)


class CellsTest(unittest.TestCase):
    def test_drawn_pieces_are_cut_and_earlier_pieces_win(self):
        folder = tempfile.mkdtemp()
        try:
            drawn = os.path.join(folder, "cells.geojson")
            with open(drawn, "w") as out:
                out.write('{"type":"FeatureCollection","features":['
                          '{"type":"Feature","properties":{"id":"a","within":"U"},'
                          '"geometry":{"type":"Polygon","coordinates":'
                          '[[[-1,-1],[0.5,-1],[0.5,2],[-1,2],[-1,-1]]]}},'
                          '{"type":"Feature","properties":{"id":"b","within":"U"},'
                          '"geometry":{"type":"Polygon","coordinates":'
                          '[[[0,-1],[1.5,-1],[1.5,2],[0,2],[0,-1]]]}}]}')
            table = os.path.join(folder, "cells.csv")
            with open(table, "w") as out:
                out.write("cell,units\nrest,rest:AZE\n")
            known = {"U": box(0, 0, 1, 1), "V": box(1, 0, 2, 1)}
            cells = shapes_control.build_cells(table, drawn, known,
                                               {"rest:AZE": ["U", "V"]}, {})
            self.assertAlmostEqual(cells["a"].area, 0.5)
            self.assertAlmostEqual(cells["b"].area, 0.5)
            self.assertAlmostEqual(cells["rest"].area, 1.0)
            self.assertAlmostEqual(cells["a"].intersection(cells["b"]).area, 0.0)
        finally:
            shutil.rmtree(folder)


class GroundTest(unittest.TestCase):
    def test_gaps_go_to_the_nearest_unit_and_overhangs_are_cut(self):
        country = box(0, 0, 0.2, 0.1)
        units = {"west": box(-0.05, 0, 0.07, 0.1), "east": box(0.13, 0, 0.2, 0.1)}
        fitted = shapes_ground.fit_to_country(units, country)
        self.assertAlmostEqual(fitted["west"].area + fitted["east"].area, country.area)
        self.assertTrue(country.contains(fitted["west"].buffer(-1e-9)))
        self.assertAlmostEqual(fitted["west"].intersection(fitted["east"]).area, 0.0)
        # The gap 0.07..0.13 splits at 0.10, to the grid's 0.01 degrees.
        self.assertAlmostEqual(fitted["west"].bounds[2], 0.10, places=2)

    def test_area_in_square_kilometres(self):
        one_degree = box(46, 40, 47, 41)
        self.assertAlmostEqual(shapes_ground.area_km2(one_degree), 9360, delta=60)


def _stretch(side, other, area):
    return ({"id": "test", "side": side, "other": other, "note": "test"}, area)


def _country_at(countries, x, y):
    return [code for code in sorted(countries) if countries[code].contains(Point(x, y))]


class BorderStretchTest(unittest.TestCase):
    """Natural Earth puts the border at lat 39.0 between S (north) and O (south)."""

    def setUp(self):
        self.countries = {"S": box(46.0, 39.0, 46.3, 39.1), "O": box(46.0, 38.9, 46.3, 39.0)}
        self.area = box(46.1, 38.95, 46.2, 39.05)

    def redrawn(self, units, side="S"):
        stretch = _stretch(side, "O", self.area)
        return shapes_borders.apply_stretches(self.countries, [stretch], {"S": units})

    def assert_tiles(self, countries):
        total = sum(g.area for g in countries.values())
        self.assertAlmostEqual(total, box(46.0, 38.9, 46.3, 39.1).area, places=9)
        self.assertAlmostEqual(countries["S"].intersection(countries["O"]).area, 0.0, places=9)

    def test_inside_the_stretch_the_border_follows_geoboundaries(self):
        c = self.redrawn([box(46.0, 38.98, 46.3, 39.1)])
        self.assertEqual(_country_at(c, 46.15, 38.99), ["S"])
        self.assertEqual(_country_at(c, 46.05, 38.99), ["O"])
        self.assertEqual(_country_at(c, 46.25, 38.99), ["O"])
        self.assertAlmostEqual(c["S"].area - self.countries["S"].area, 0.1 * 0.02, places=9)
        self.assert_tiles(c)

    def test_where_geoboundaries_stops_short_the_other_country_gains(self):
        c = self.redrawn([box(46.0, 39.01, 46.3, 39.1)])
        self.assertEqual(_country_at(c, 46.15, 39.005), ["O"])
        self.assertEqual(_country_at(c, 46.25, 39.005), ["S"])
        self.assert_tiles(c)

    def test_a_narrow_gap_between_units_is_no_border_but_a_wide_one_is(self):
        # Gaps open onto O: 0.005 degrees of longitude is about 430 m here,
        # 0.04 about 3.5 km.
        narrow = self.redrawn([box(46.0, 38.98, 46.15, 39.1), box(46.155, 38.98, 46.3, 39.1)])
        self.assertEqual(_country_at(narrow, 46.1525, 39.02), ["S"])
        self.assertEqual(_country_at(narrow, 46.1525, 38.99), ["S"])
        wide = self.redrawn([box(46.0, 38.98, 46.13, 39.1), box(46.17, 38.98, 46.3, 39.1)])
        self.assertEqual(_country_at(wide, 46.15, 39.02), ["O"])
        self.assert_tiles(narrow)
        self.assert_tiles(wide)

    def test_a_hole_cut_off_from_the_other_country_stays_where_it_was(self):
        holed = box(46.0, 38.98, 46.3, 39.1).difference(box(46.14, 38.99, 46.16, 39.01))
        c = self.redrawn([holed])
        self.assertEqual(_country_at(c, 46.15, 39.005), ["S"])
        self.assertEqual(_country_at(c, 46.15, 38.995), ["S"])
        self.assert_tiles(c)

    def test_ground_won_by_two_countries_goes_to_the_nearest(self):
        self.countries = {"A": box(46.0, 39.0, 46.15, 39.1), "B": box(46.15, 39.0, 46.3, 39.1),
                          "O": box(46.0, 38.9, 46.3, 39.0)}
        units = {"A": [box(46.0, 38.98, 46.15, 39.1)], "B": [box(46.15, 38.98, 46.3, 39.1)]}
        c = shapes_borders.apply_stretches(self.countries, [_stretch("A+B", "O", self.area)],
                                           units)
        self.assertEqual(_country_at(c, 46.12, 38.99), ["A"])
        self.assertEqual(_country_at(c, 46.18, 38.99), ["B"])
        self.assertEqual(_country_at(c, 46.05, 38.99), ["O"])

    def test_stretches_that_make_no_sense_are_refused(self):
        folder = tempfile.mkdtemp()
        try:
            path = os.path.join(folder, "stretches.geojson")
            square = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}'
            cases = [('"id":"a","other":"O","note":"n"', "side"),
                     ('"id":"a","side":"S","other":"O+P","note":"n"', "one country"),
                     ('"id":"a","side":"S+O","other":"O","note":"n"', "both")]
            for props, word in cases:
                with open(path, "w") as out:
                    out.write('{"type":"FeatureCollection","features":[{"type":"Feature",'
                              '"properties":{%s},"geometry":%s}]}' % (props, square))
                with self.assertRaises(BuildError, msg=props) as caught:
                    shapes_borders.read_stretches(path)
                self.assertIn(word, str(caught.exception))
                self.assertIn("feature 1", str(caught.exception))
        finally:
            shutil.rmtree(folder)

    def test_a_drawn_stretch_gives_its_whole_polygon_to_the_side(self):
        props, area = _stretch("S", "O", box(46.1, 38.98, 46.2, 39.02))
        props["drawn"] = True
        c = shapes_borders.apply_stretches(self.countries, [(props, area)], {"S": [box(0, 0, 1, 1)]})
        self.assertEqual(_country_at(c, 46.15, 38.99), ["S"])
        self.assertEqual(_country_at(c, 46.15, 38.97), ["O"])
        self.assertAlmostEqual(c["S"].area - self.countries["S"].area, 0.1 * 0.02, places=9)
        self.assert_tiles(c)
        props["side"] = "S+O2"
        with self.assertRaises(BuildError) as caught:
            shapes_borders.apply_stretches(dict(self.countries, O2=box(50, 50, 51, 51)),
                                           [(props, area)], {"S": [area], "O2": [area]})
        self.assertIn("one country", str(caught.exception))

    def test_a_country_without_units_is_named(self):
        with self.assertRaises(BuildError) as caught:
            shapes_borders.apply_stretches(self.countries, [_stretch("S", "O", self.area)], {})
        self.assertIn("'S'", str(caught.exception))


class CountryTilingCheckTest(unittest.TestCase):
    class Ground:
        natural_earth = {"S": box(46.0, 39.0, 46.1, 39.1), "O": box(46.0, 38.9, 46.1, 39.0)}

    def check(self, north, south):
        return shapes_checks.check_countries_tile(
            [({"iso_a3": "S"}, north), ({"iso_a3": "O"}, south)], self.Ground)

    def test_tiling_passes_overlap_and_lost_ground_do_not(self):
        south = box(46.0, 38.9, 46.1, 39.0)
        self.assertEqual(self.check(box(46.0, 38.99, 46.1, 39.1).difference(south), south), [])
        overlap = self.check(box(46.0, 38.99, 46.1, 39.1), south)
        self.assertEqual(len(overlap), 1)
        self.assertIn("S and O overlap", overlap[0])
        lost = self.check(box(46.0, 39.02, 46.1, 39.1), south)
        self.assertEqual(len(lost), 1)
        self.assertIn("no country", lost[0])


def _read(path):
    with open(path, "rb") as src:
        return src.read()


def _timed(holder, start, end, geom, **more):
    record = {"holder": holder, "start": start, "end": end}
    record.update(more)
    return (record, geom)


class PlaceHistoryTest(unittest.TestCase):
    """Two cells side by side: west always AZE, east NKR from 1992 to 2020."""

    def setUp(self):
        west, east = box(46.0, 39.0, 46.1, 39.1), box(46.1, 39.0, 46.2, 39.1)
        self.control = [_timed("AZE", "1923-07-07", "", west),
                        _timed("AZE", "1923-07-07", "1992-05-18", east),
                        _timed("NKR", "1992-05-18", "2020-12-01", east),
                        _timed("AZE", "2020-12-01", "", east)]
        self.countries = [({"iso_a3": "AZE"}, box(46.0, 39.0, 46.2, 39.1)),
                          ({"iso_a3": "ARM"}, box(45.9, 39.0, 46.0, 39.1))]
        self.town = Point(46.15, 39.05)
        self.places = [({"name_en": "Town", "country": "AZE"}, self.town)]

    def history(self, *periods, point=None):
        return [_timed(h, s, e, point or self.town, name_en="Town") for h, s, e in periods]

    def test_a_history_that_matches_the_cells_passes(self):
        history = self.history(("AZE", "1923-07-07", "1992-05-18"),
                               ("NKR", "1992-05-18", "2020-12-01"), ("AZE", "2020-12-01", ""))
        self.assertEqual(shapes_history.check_places(history, self.control, self.countries,
                                                     self.places), [])

    def test_a_place_outside_its_holders_cell_is_named_with_the_day(self):
        # Handed over in 2022 by the record, but its cell went in 2020.
        history = self.history(("AZE", "1923-07-07", "1992-05-18"),
                               ("NKR", "1992-05-18", "2022-08-26"), ("AZE", "2022-08-26", ""))
        problems = shapes_history.check_places(history, self.control, self.countries,
                                               self.places)
        self.assertEqual(len(problems), 1)
        self.assertIn("2020-12-01 Town", problems[0])
        self.assertIn("held by NKR, but the control layer gives AZE", problems[0])

    def test_a_place_outside_its_country_is_named(self):
        places = [({"name_en": "Village", "country": "ARM"}, Point(46.05, 39.05))]
        problems = shapes_history.check_places([], self.control, self.countries, places)
        self.assertEqual(problems, ["places: Village (46.0500 39.0500) is not inside ARM"])

    def test_histories_with_gaps_or_no_first_day_are_refused(self):
        folder = tempfile.mkdtemp()
        try:
            with open(os.path.join(folder, "names.csv"), "w") as out:
                out.write("id,name_en,alt_en,name_az,alt_az,name_hy,alt_hy,name_ru,alt_ru,"
                          "name_ar,alt_ar\ntown,Town,,Şəhər,,Քաղաք,,Город,,مدينة,\n")
            with open(os.path.join(folder, "places.csv"), "w") as out:
                out.write("name,lon,lat,rank,kind,country\ntown,46.15,39.05,4,village,AZE\n")
            cases = [("town,AZE,1923-07-07,1992-05-18,s\ntown,NKR,1992-06-01,,s\n", "must meet"),
                     ("town,AZE,1924-01-01,,s\n", "starts on 1924-01-01"),
                     ("town,AZE,1923-07-07,1992-05-18,s\n", "leave its end empty"),
                     ("town,XYZ,1923-07-07,,s\n", "holder 'XYZ'"),
                     ("village,AZE,1923-07-07,,s\n", "not a place")]
            for rows, words in cases:
                with open(os.path.join(folder, "place_history.csv"), "w") as out:
                    out.write("place,holder,start,end,source\n" + rows)
                with self.assertRaises(BuildError, msg=rows) as caught:
                    shapes_history.build_place_history(folder)
                self.assertIn(words, str(caught.exception))
        finally:
            shutil.rmtree(folder)


class PeacekeepingTest(unittest.TestCase):
    def setUp(self):
        self.east = box(46.1, 39.0, 46.2, 39.1)
        self.pocket = box(46.18, 39.0, 46.2, 39.02)
        self.control = [_timed("NKR", "1992-05-18", "2020-12-11", self.east),
                        _timed("NKR", "2020-12-11", "2023-09-20", self.east.difference(self.pocket)),
                        _timed("AZE", "2020-12-11", "", self.pocket),
                        _timed("AZE", "2023-09-20", "", self.east.difference(self.pocket))]
        self.events = [({"kind": "withdrawal", "date": "2024-06-12"}, None)]

    def zone(self, geom, end="2024-06-12"):
        return [({"kind": "peacekeeping", "start": "2020-11-10", "end": end}, geom)]

    def test_a_zone_on_karabakh_ground_that_ends_with_the_withdrawal_passes(self):
        zone = self.zone(self.east.difference(self.pocket))
        self.assertEqual(shapes_history.check_peacekeeping(zone, self.control, [],
                                                           self.events), [])

    def test_a_zone_keeping_a_lost_pocket_fails_on_the_day_it_was_lost(self):
        problems = shapes_history.check_peacekeeping(self.zone(self.east), self.control, [],
                                                     self.events)
        self.assertEqual(len(problems), 1)
        self.assertIn("on 2020-12-11", problems[0])

    def test_a_zone_ending_on_another_day_fails(self):
        zone = self.zone(self.east.difference(self.pocket), end="2024-06")
        problems = shapes_history.check_peacekeeping(zone, self.control, [], self.events)
        self.assertEqual(len(problems), 1)
        self.assertIn("not on the day the withdrawal was completed (2024-06-12)", problems[0])


class WriteTest(unittest.TestCase):
    def test_layers_rebuild_byte_for_byte_with_a_fixed_dbf_date(self):
        folder = tempfile.mkdtemp()
        try:
            fields = [shapes_write.Field("name"), shapes_write.Field("n", "N", 4)]
            features = [({"name": "Şuşa", "n": 1}, box(46.7, 39.7, 46.8, 39.8))]
            bytes_seen = []
            for run in ("a", "b"):
                base = os.path.join(folder, run)
                shapes_write.write_layer(base, "polygon", fields, features)
                shapes_write.verify_layer(base, "polygon", features)
                data = _read(base + ".dbf")
                self.assertEqual(data[1:4], bytes(shapes_write.DBF_STAMP))
                bytes_seen.append([_read(f) for f in shapes_write.layer_files(base)])
            self.assertEqual(bytes_seen[0], bytes_seen[1])
            reader = shapefile.Reader(os.path.join(folder, "a"), encoding="utf-8")
            self.assertEqual(reader.record(0)["name"], "Şuşa")
            ring = reader.shape(0).points
            self.assertTrue(shapefile.is_cw(ring))
            reader.close()
        finally:
            shutil.rmtree(folder)

    def test_text_too_long_for_a_column_is_reported(self):
        fields = [shapes_write.Field("label")]
        problems = shapes_write.check_values("control", fields, [{"label": "ə" * 200}])
        self.assertEqual(len(problems), 1)
        self.assertIn("400 bytes", problems[0])


if __name__ == "__main__":
    unittest.main()
