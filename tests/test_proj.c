/* Projection: transforms checked against pyproj, axis order, CRS errors,
 * densified edges that curve, dropped parts, geodesics, and one context
 * per transform across threads. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "controlmap/layer.h"
#include "controlmap/proj.h"
#include "support/fixtures.h"
#include "support/table.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The CRS a table cell stands for. */
static const char *crs_named(const char *cell) {
  if (strcmp(cell, "@lcc") == 0)
    return FIXTURE_LCC;
  if (strcmp(cell, "@lcc_wkt") == 0)
    return fixture_lcc_wkt;
  if (strcmp(cell, "@wgs84_wkt") == 0)
    return fixture_wgs84_wkt;
  return cell;
}

static cm_proj *make(const char *src, const char *dst) {
  cm_proj *p = NULL;
  cm_error err;
  if (cm_proj_create(&p, src, dst, &err) != 0)
    fail_msg("%s -> %s: %s", src ? src : "NULL", dst ? dst : "NULL",
             err.message);
  return p;
}

/* --- transforms ----------------------------------------------------------- */

static void check_point(char **c, int n, int line) {
  assert_int_equal(n, 6);
  cm_point in, want;
  double tol = strtod(c[4], NULL), back_tol = strtod(c[5], NULL);
  assert_int_equal(sscanf(c[2], "%lf %lf", &in.x, &in.y), 2);
  assert_int_equal(sscanf(c[3], "%lf %lf", &want.x, &want.y), 2);
  cm_proj *p = make(crs_named(c[0]), crs_named(c[1]));
  cm_point pt = in;
  assert_int_equal(cm_proj_forward(p, &pt, 1), 1);
  if (fabs(pt.x - want.x) > tol || fabs(pt.y - want.y) > tol)
    fail_msg("proj_points.txt:%d: got %.9f %.9f, want %.9f %.9f", line, pt.x,
             pt.y, want.x, want.y);
  assert_int_equal(cm_proj_inverse(p, &pt, 1), 1);
  if (fabs(pt.x - in.x) > back_tol || fabs(pt.y - in.y) > back_tol)
    fail_msg("proj_points.txt:%d: round trip gives %.12f %.12f", line, pt.x,
             pt.y);
  cm_proj_free(p);
}

static void test_points_table(void **state) {
  (void)state;
  assert_true(table_each("proj_points.txt", 0, check_point) >= 11);
}

/* EPSG:4326 is lat/lon by its definition; the transform must still take
 * and give x = longitude. */
static void test_axis_order_is_lon_lat(void **state) {
  (void)state;
  cm_proj *p = make("EPSG:4326", "EPSG:3857");
  cm_point pt = {46.752, 39.815};
  cm_proj_forward(p, &pt, 1);
  assert_float_equal(pt.x, 46.752 * 6378137.0 * M_PI / 180, 1e-3);
  cm_proj_free(p);
  p = make(FIXTURE_LCC, "EPSG:4326");
  pt = (cm_point){0, 0};
  cm_proj_forward(p, &pt, 1);
  assert_float_equal(pt.x, 46.5, 1e-9);
  assert_float_equal(pt.y, 40.0, 1e-9);
  assert_true(cm_proj_dst_is_geographic(p));
  cm_proj_free(p);
  p = make(NULL, FIXTURE_LCC);
  assert_false(cm_proj_dst_is_geographic(p));
  cm_proj_free(p);
  p = make(FIXTURE_LCC, fixture_wgs84_wkt);
  assert_true(cm_proj_dst_is_geographic(p));
  cm_proj_free(p);
}

/* The lcc fixture's .prj, read by the layer module, as a source CRS. */
static void test_prj_of_a_layer(void **state) {
  (void)state;
  char dir[4096], path[4096];
  assert_int_equal(fixture_make_dir(dir, sizeof dir), 0);
  assert_int_equal(fixture_lcc(dir), 0);
  cm_layer *layer = NULL;
  cm_error err;
  assert_int_equal(
      cm_layer_open(&layer, fixture_path(path, sizeof path, dir, "lcc", ".shp"),
                    &err),
      0);
  cm_proj *p = make(cm_layer_crs(layer), "EPSG:4326");
  cm_geom out;
  assert_int_equal(cm_proj_geom(p, cm_layer_geom(layer, 0), 0, &out), 0);
  assert_int_equal(out.npoints, 5);
  assert_float_equal(out.points[2].x, 47.089475, 1e-6);
  assert_float_equal(out.points[2].y, 40.448867, 1e-6);
  free(out.points);
  free(out.parts);
  cm_proj_free(p);
  cm_layer_free(layer);
  fixture_remove_dir(dir);
}

/* A garbage .prj does not stop the layer loading; the transform fails. */
static void test_garbage_prj_fails_in_proj(void **state) {
  (void)state;
  char dir[4096], path[4096];
  assert_int_equal(fixture_make_dir(dir, sizeof dir), 0);
  assert_int_equal(fixture_bad_prj(dir), 0);
  cm_layer *layer = NULL;
  cm_proj *p = NULL;
  cm_error err;
  fixture_path(path, sizeof path, dir, "bad_prj", ".shp");
  assert_int_equal(cm_layer_open(&layer, path, &err), 0);
  assert_int_equal(cm_proj_create(&p, cm_layer_crs(layer), NULL, &err),
                   CM_EPROJ);
  assert_null(p);
  assert_non_null(strstr(err.message, "unknown CRS 'this is not a CRS'"));
  cm_layer_free(layer);
  fixture_remove_dir(dir);
}

static void check_crs(char **c, int n, int line) {
  assert_int_equal(n, 2);
  cm_error err;
  cm_error_clear(&err);
  int rc = cm_proj_check(crs_named(c[0]), &err);
  if (strcmp(c[1], "ok") == 0) {
    if (rc != 0)
      fail_msg("proj_crs.txt:%d: %s", line, err.message);
    return;
  }
  if (rc != CM_EPROJ || err.code != CM_EPROJ || !strstr(err.message, c[1]))
    fail_msg("proj_crs.txt:%d: got %d '%s'", line, rc, err.message);
  assert_true(err.hint[0] != '\0');
  /* cm_proj_create says the same, whichever side is wrong. */
  cm_proj *p = (cm_proj *)&p;
  cm_error_clear(&err);
  assert_int_equal(cm_proj_create(&p, "EPSG:4326", crs_named(c[0]), &err),
                   CM_EPROJ);
  assert_null(p);
  assert_non_null(strstr(err.message, c[1]));
}

static void test_crs_table(void **state) {
  (void)state;
  assert_true(table_each("proj_crs.txt", 0, check_crs) >= 16);
}

/* --- geometry ------------------------------------------------------------- */

static void free_geom(cm_geom *g) {
  free(g->points);
  free(g->parts);
}

static void add_part(cm_geom *g, const double *xy, size_t n) {
  g->parts = realloc(g->parts, (g->nparts + 1) * sizeof *g->parts);
  g->points = realloc(g->points, (g->npoints + n) * sizeof *g->points);
  g->parts[g->nparts++] = g->npoints;
  for (size_t i = 0; i < n; i++)
    g->points[g->npoints++] = (cm_point){xy[2 * i], xy[2 * i + 1]};
  g->cap_parts = g->nparts;
  g->cap_points = g->npoints;
}

/* A parallel is a curve in LCC: the chord's midpoint is about 1 km north
 * of the projected midpoint of the parallel (pyproj: y 111033.009 m at
 * 46.5 E 41 N, chord at 112094.918 m). */
static void test_densified_parallel_curves(void **state) {
  (void)state;
  static const double parallel[] = {45, 41, 48, 41};
  cm_geom line = {.type = CM_GEOM_LINE}, out;
  add_part(&line, parallel, 2);
  cm_proj *p = make("EPSG:4326", FIXTURE_LCC);
  assert_int_equal(cm_proj_geom(p, &line, 0, &out), 0);
  assert_int_equal(out.npoints, 2);
  double chord = (out.points[0].y + out.points[1].y) / 2;
  assert_float_equal(chord, 112094.918, 1e-3);
  free_geom(&out);
  assert_int_equal(cm_proj_geom(p, &line, 0.1, &out), 0);
  assert_int_equal(out.nparts, 1);
  assert_int_equal(out.npoints, 31);
  cm_point mid = out.points[15];
  assert_float_equal(mid.x, 0, 1e-6);
  assert_float_equal(mid.y, 111033.009, 1e-3);
  assert_true(chord - mid.y > 1000);
  free_geom(&out);
  free_geom(&line);
  cm_proj_free(p);
}

/* A ring left open is densified along its closing edge too. */
static void test_densified_ring_closes(void **state) {
  (void)state;
  static const double open_ring[] = {46, 39, 47, 39, 47, 40, 46, 40};
  cm_geom ring = {.type = CM_GEOM_POLYGON}, out;
  add_part(&ring, open_ring, 4);
  cm_proj *p = make(NULL, NULL);
  assert_int_equal(cm_proj_geom(p, &ring, 0.25, &out), 0);
  assert_int_equal(out.npoints, 16);
  assert_float_equal(out.points[15].x, 46, 1e-12);
  assert_float_equal(out.points[15].y, 39.25, 1e-12);
  free_geom(&out);
  free_geom(&ring);
  cm_proj_free(p);
}

/* Points behind the globe of an orthographic view cannot be projected:
 * their parts go, the others stay whole. */
static void test_failed_parts_dropped(void **state) {
  (void)state;
  static const double near[] = {46, 40, 47, 40, 47, 41};
  static const double far[] = {-130, -40, -131, -40, -131, -41};
  cm_geom line = {.type = CM_GEOM_LINE}, out;
  add_part(&line, far, 3);
  add_part(&line, near, 3);
  cm_proj *p = make(NULL, "+proj=ortho +lat_0=40 +lon_0=46.5 +datum=WGS84");
  assert_int_equal(cm_proj_geom(p, &line, 0.5, &out), 0);
  assert_int_equal(out.type, CM_GEOM_LINE);
  assert_int_equal(out.nparts, 1);
  assert_int_equal(out.parts[0], 0);
  assert_int_equal(out.npoints, 5);
  for (size_t i = 0; i < out.npoints; i++)
    assert_true(fabs(out.points[i].x) < 200000);
  free_geom(&out);
  cm_point pts[2] = {{46, 40}, {-130, -40}};
  assert_int_equal(cm_proj_forward(p, pts, 2), 1);
  assert_true(pts[1].x == HUGE_VAL && pts[1].y == HUGE_VAL);
  free_geom(&line);
  cm_proj_free(p);
}

/* --- geodesics ------------------------------------------------------------ */

/* Stepanakert to Yerevan; pyproj's Geod(ellps="WGS84") gives 195344.089 m. */
static void test_geodesic_distance(void **state) {
  (void)state;
  double d = cm_geodesic_distance(46.752, 39.815, 44.515, 40.183);
  assert_float_equal(d, 195344.089, 195344.089 * 0.005);
  assert_float_equal(d, 195344.089, 0.01);
  assert_float_equal(cm_geodesic_distance(46, 40, 46, 40), 0, 1e-9);
}

static void test_geodesic_direct(void **state) {
  (void)state;
  double lon, lat;
  cm_geodesic_direct(46.752, 39.815, 90, 100000, &lon, &lat);
  assert_float_equal(lon, 47.919832471965, 1e-9);
  assert_float_equal(lat, 39.809122783752, 1e-9);
  assert_float_equal(cm_geodesic_distance(46.752, 39.815, lon, lat), 100000,
                     1e-6);
}

/* --- threads -------------------------------------------------------------- */

typedef struct job {
  cm_point pts[200];
  int failed;
} job;

static void *project_many(void *arg) {
  job *j = arg;
  for (int round = 0; round < 20 && !j->failed; round++) {
    cm_proj *p = NULL;
    if (cm_proj_create(&p, fixture_wgs84_wkt, FIXTURE_LCC, NULL) != 0) {
      j->failed = 1;
      break;
    }
    for (int i = 0; i < 200; i++)
      j->pts[i] = (cm_point){44 + i * 0.02, 38.5 + i * 0.01};
    j->failed = cm_proj_forward(p, j->pts, 200) != 200;
    cm_proj_free(p);
  }
  return NULL;
}

static void test_one_context_per_thread(void **state) {
  (void)state;
  static job jobs[4];
  pthread_t threads[4];
  for (int t = 0; t < 4; t++)
    assert_int_equal(pthread_create(&threads[t], NULL, project_many, &jobs[t]),
                     0);
  for (int t = 0; t < 4; t++)
    pthread_join(threads[t], NULL);
  for (int t = 0; t < 4; t++) {
    assert_false(jobs[t].failed);
    assert_memory_equal(jobs[t].pts, jobs[0].pts, sizeof jobs[0].pts);
  }
  /* pyproj: 44 E 38.5 N is at -218094.381 -163465.282 */
  assert_float_equal(jobs[0].pts[0].x, -218094.381, 1e-3);
  assert_float_equal(jobs[0].pts[0].y, -163465.282, 1e-3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_points_table),
      cmocka_unit_test(test_axis_order_is_lon_lat),
      cmocka_unit_test(test_prj_of_a_layer),
      cmocka_unit_test(test_garbage_prj_fails_in_proj),
      cmocka_unit_test(test_crs_table),
      cmocka_unit_test(test_densified_parallel_curves),
      cmocka_unit_test(test_densified_ring_closes),
      cmocka_unit_test(test_failed_parts_dropped),
      cmocka_unit_test(test_geodesic_distance),
      cmocka_unit_test(test_geodesic_direct),
      cmocka_unit_test(test_one_context_per_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
