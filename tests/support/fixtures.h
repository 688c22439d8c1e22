#ifndef CONTROLMAP_TEST_FIXTURES_H
#define CONTROLMAP_TEST_FIXTURES_H

/* Test fixtures: small shapefiles written with shapelib into a folder, so
 * the tests never depend on downloads or committed binaries. Every fixture
 * is "<dir>/<name>.shp" (plus .shx, .dbf, and .prj/.cpg unless the fixture
 * is about their absence). The good ones:
 *
 *   poly         3 polygons (lon 45..48, lat 38.5..41): A with a hole, B in
 *                two islands, C with a counter-clockwise outer ring; fields
 *                holder name start end (C), area (N 12.2), rank (N 4.0),
 *                ok (L), day (D). At 2000-01-01 A and C are on the map, at
 *                2021-01-01 B and C.
 *   lines        3 polylines, one in two parts; fields kind start end
 *   points       5 towns with name_en, name_ar, name_hy, rank
 *   events       4 instants (date, title_en, title_ar), not in date order:
 *                2022-09-14, 2022-09-13, 2022-08-26, 2023-09-19
 *   moves        3 dated lines (start end kind size): one west to east
 *                along lat 40.7 (2020-09-27..2020-11-10), one east to west
 *                along 39.2 (2023-09-24..2023-10-01, size 100000), one
 *                north to south along lon 46.4 (1993-02-01..1993-04-01)
 *   cp1251       3 towns, name_ru in CP1251, .cpg "CP1251"
 *   cp1251_ldid  the same, no .cpg, language driver byte 0xC9
 *   latin_ldid0  2 towns, name in CP1252, no .cpg, language driver byte 0
 *   upper        2 points, every file with an upper-case extension (.SHP...)
 *   pointz, polygonm, multipoint   Z, M and multi-point variants
 *   nulls        5 records: null shapes at records 1 and 3
 *   noprj        2 points without a .prj
 *   lcc          1 polygon in metres of LCC (see FIXTURE_LCC), ESRI WKT .prj
 *   holders      13 polygons over seven squares, fields holder start end: ground
 *                that changes hands on 2020-11-10, several holders gaining
 *                and losing (see fixtures.c)
 *
 * The bad ones (each named bad_*) are listed in fixtures.c with what is
 * wrong; bad_prj loads as a layer but its CRS fails in cm_proj_create. */

#include <stddef.h>

/* The projected CRS of the lcc fixture. */
#define FIXTURE_LCC                                                            \
  "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84 +units=m"

/* WGS 84 lon/lat in ESRI WKT, as written to every .prj. */
extern const char fixture_wgs84_wkt[];

/* The lcc CRS in ESRI WKT, as written to lcc.prj. */
extern const char fixture_lcc_wkt[];

/* Writes one fixture into dir; 0, or -1 when a file could not be written. */
typedef int (*fixture_writer)(const char *dir);

typedef struct fixture {
  const char *name;
  fixture_writer write;
} fixture;

/* Every fixture, good and bad, in a fixed order. */
extern const fixture fixtures[];
extern const size_t fixture_count;

/* Write every fixture into dir (which must exist); 0 or -1. */
int fixtures_write_all(const char *dir);

/* Write the fixture called name; 0, or -1 when unknown or failed. */
int fixture_write(const char *dir, const char *name);

/* "<dir>/<name><ext>" into buf; returns buf. */
char *fixture_path(char *buf, size_t size, const char *dir, const char *name,
                   const char *ext);

/* A new empty folder under $TMPDIR (or the system default) in buf; 0 or -1. */
int fixture_make_dir(char *buf, size_t size);

/* A new folder (as fixture_make_dir) holding every fixture; 0 or -1. */
int fixture_dir_all(char *buf, size_t size);

/* A new folder holding poly, lines and points, the layers of the fixture
 * maps the tests draw; 0 or -1. */
int fixture_dir_map(char *buf, size_t size);

/* A new folder holding poly alone; 0 or -1. */
int fixture_dir_poly(char *buf, size_t size);

/* Remove the files in dir and dir itself (one level, no subfolders). */
void fixture_remove_dir(const char *dir);


/* The writers, one per fixture. */
int fixture_poly(const char *dir);
int fixture_lines(const char *dir);
int fixture_points(const char *dir);
int fixture_events(const char *dir);
int fixture_moves(const char *dir);
int fixture_cp1251(const char *dir);
int fixture_cp1251_ldid(const char *dir);
int fixture_latin_ldid0(const char *dir);
int fixture_upper(const char *dir);
int fixture_pointz(const char *dir);
int fixture_polygonm(const char *dir);
int fixture_multipoint(const char *dir);
int fixture_nulls(const char *dir);
int fixture_noprj(const char *dir);
int fixture_lcc(const char *dir);
int fixture_holders(const char *dir);
int fixture_bad_noshx(const char *dir);
int fixture_bad_nodbf(const char *dir);
int fixture_bad_truncated(const char *dir);
int fixture_bad_shx_offsets(const char *dir);
int fixture_bad_dbf_short(const char *dir);
int fixture_bad_dbf_header(const char *dir);
int fixture_bad_header(const char *dir);
int fixture_bad_cpg(const char *dir);
int fixture_bad_utf8(const char *dir);
int fixture_bad_prj(const char *dir);
int fixture_bad_nan(const char *dir);
int fixture_bad_multipatch(const char *dir);

#endif
