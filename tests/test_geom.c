/* Tests of the geometry module: building geometries, areas and inside tests,
 * clipping, densifying, simplifying and label points. Clipping and
 * densifying cases live in tables under tests/data (or CM_TEST_DATA). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controlmap/error.h"
#include "controlmap/geom.h"
#include "support/table.h"

/* ---- reading the tables ---------------------------------------------------- */

static cm_geom_type type_named(const char *s) {
  if (strcmp(s, "point") == 0)
    return CM_GEOM_POINT;
  if (strcmp(s, "line") == 0)
    return CM_GEOM_LINE;
  if (strcmp(s, "polygon") == 0)
    return CM_GEOM_POLYGON;
  fail_msg("unknown geometry type '%s' in a table", s);
  return CM_GEOM_NONE;
}

/* Reads "(x y, x y) (x y)" into g, one part per parenthesis. */
static void read_parts(const char *s, cm_geom_type type, cm_geom *g) {
  if (table_geom(s, type, g) != 0)
    fail_msg("bad coordinates in '%s'", s);
}

static cm_bbox read_box(const char *s) {
  cm_bbox b;
  if (sscanf(s, "%lf %lf %lf %lf", &b.minx, &b.miny, &b.maxx, &b.maxy) != 4)
    fail_msg("bad box '%s'", s);
  return b;
}

static int near(cm_point a, cm_point b) {
  return fabs(a.x - b.x) < 1e-9 && fabs(a.y - b.y) < 1e-9;
}

/* Same points in the same order; an open ring may start anywhere. */
static int same_part(const cm_point *a, const cm_point *b, size_t n, int ring) {
  for (size_t shift = 0; shift < (ring ? n : 1); shift++) {
    size_t i = 0;
    while (i < n && near(a[(i + shift) % n], b[i]))
      i++;
    if (i == n)
      return 1;
  }
  return 0;
}

static int same_geom(const cm_geom *a, const cm_geom *b) {
  if (a->nparts != b->nparts)
    return 0;
  for (size_t i = 0; i < a->nparts; i++) {
    size_t n = cm_geom_part_size(a, i);
    const cm_point *pa = cm_geom_part(a, i), *pb = cm_geom_part(b, i);
    int open_ring = a->type == CM_GEOM_POLYGON && !near(pa[0], pa[n - 1]);
    if (n != cm_geom_part_size(b, i) || !same_part(pa, pb, n, open_ring))
      return 0;
  }
  return 1;
}

static cm_geom polygon_of(const char *text) {
  cm_geom g;
  read_parts(text, CM_GEOM_POLYGON, &g);
  return g;
}

/* ---- building ------------------------------------------------------------------ */

static void test_build_parts(void **state) {
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_LINE);
  assert_int_equal(g.nparts, 0);
  assert_int_equal(cm_geom_add_point(&g, 1, 2), 0); /* begins a part */
  assert_int_equal(cm_geom_add_point(&g, 3, 4), 0);
  assert_int_equal(cm_geom_begin_part(&g), 0);
  for (int i = 0; i < 1000; i++)
    assert_int_equal(cm_geom_add_point(&g, i, -i), 0);
  assert_int_equal(g.nparts, 2);
  assert_int_equal(cm_geom_part_size(&g, 0), 2);
  assert_int_equal(cm_geom_part_size(&g, 1), 1000);
  assert_int_equal(cm_geom_part_size(&g, 2), 0);
  assert_null(cm_geom_part(&g, 2));
  assert_true(cm_geom_part(&g, 1)[999].x == 999 && cm_geom_part(&g, 1)[999].y == -999);
  assert_true(cm_geom_part(&g, 0)[1].x == 3);
  cm_geom_free(&g);
  assert_int_equal(g.npoints, 0);
  assert_int_equal(g.nparts, 0);
  assert_null(g.points);
  assert_int_equal(g.type, CM_GEOM_LINE);
}

static void test_points_one_per_part(void **state) {
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POINT);
  assert_int_equal(cm_geom_add_point(&g, 1, 1), 0);
  assert_int_equal(cm_geom_add_point(&g, 2, 2), 0);
  assert_int_equal(cm_geom_begin_part(&g), 0);
  assert_int_equal(cm_geom_add_point(&g, 3, 3), 0);
  assert_int_equal(g.nparts, 3);
  assert_int_equal(cm_geom_part_size(&g, 1), 1);
  cm_geom_free(&g);
}

static void test_copy_and_bbox(void **state) {
  cm_geom g = polygon_of("(0 0, 10 0, 10 10) (-3 2, 1 -7, 2 2)"), c;
  assert_int_equal(cm_geom_copy(&c, &g), 0);
  assert_true(same_geom(&g, &c));
  assert_ptr_not_equal(c.points, g.points);
  cm_bbox b = cm_geom_bbox(&c);
  assert_true(b.minx == -3 && b.miny == -7 && b.maxx == 10 && b.maxy == 10);
  cm_geom_free(&g);
  cm_geom_free(&c);
  assert_true(cm_bbox_is_empty(cm_geom_bbox(&c)));
  cm_geom_init(&g, CM_GEOM_LINE);
  assert_int_equal(cm_geom_copy(&c, &g), 0);
  assert_int_equal(c.nparts, 0);
  cm_geom_free(&c);
}

static void test_bbox_ops(void **state) {
  cm_bbox e = cm_bbox_empty();
  assert_true(cm_bbox_is_empty(e));
  assert_true(e.minx > e.maxx);
  cm_bbox a = cm_bbox_empty();
  cm_bbox_extend(&a, 0, 0);
  assert_false(cm_bbox_is_empty(a));
  cm_bbox_extend(&a, 10, 5);
  cm_bbox b = {10, 5, 20, 20}, c = {10.5, 0, 20, 20};
  assert_true(cm_bbox_intersects(a, b)); /* touching at a corner */
  assert_false(cm_bbox_intersects(a, c));
  assert_false(cm_bbox_intersects(a, e));
  assert_false(cm_bbox_intersects(e, e));
}

/* ---- areas and inside tests ------------------------------------------------------ */

static void test_ring_area(void **state) {
  cm_point ccw[] = {{0, 0}, {4, 0}, {4, 3}, {0, 3}};
  cm_point cw_closed[] = {{0, 0}, {0, 3}, {4, 3}, {4, 0}, {0, 0}};
  assert_true(cm_ring_area(ccw, 4) == 12);
  assert_true(cm_ring_area(cw_closed, 5) == -12);
  assert_true(cm_ring_area(ccw, 0) == 0);
}

static void test_area_with_holes(void **state) {
  /* the hole comes first and turns the same way as the outer ring */
  cm_geom g = polygon_of("(4 4, 6 4, 6 6, 4 6) (0 0, 10 0, 10 10, 0 10, 0 0)");
  assert_true(fabs(cm_geom_area(&g) - 96) < 1e-9);
  cm_geom_free(&g);
  /* an island in a lake, and a second outer ring beside it */
  g = polygon_of("(0 0, 10 0, 10 10, 0 10) (2 2, 8 2, 8 8, 2 8) (4 4, 5 4, 5 5, 4 5)"
                 " (20 0, 21 0, 21 1, 20 1)");
  assert_true(fabs(cm_geom_area(&g) - (100 - 36 + 1 + 1)) < 1e-9);
  cm_geom_free(&g);
  cm_geom_init(&g, CM_GEOM_LINE);
  assert_int_equal(cm_geom_add_point(&g, 0, 0), 0);
  assert_int_equal(cm_geom_add_point(&g, 1, 1), 0);
  assert_int_equal(cm_geom_add_point(&g, 1, 0), 0);
  assert_true(cm_geom_area(&g) == 0);
  cm_geom_free(&g);
}

static void test_contains(void **state) {
  cm_geom g = polygon_of("(0 0, 10 0, 10 10, 0 10, 0 0) (4 4, 6 4, 6 6, 4 6)");
  assert_true(cm_geom_contains(&g, (cm_point){1, 1}));
  assert_true(cm_geom_contains(&g, (cm_point){9.9, 5}));
  assert_false(cm_geom_contains(&g, (cm_point){5, 5}));   /* in the hole */
  assert_false(cm_geom_contains(&g, (cm_point){11, 5}));  /* outside */
  assert_false(cm_geom_contains(&g, (cm_point){-1, 10})); /* level with a vertex */
  cm_geom_free(&g);
  cm_geom_init(&g, CM_GEOM_POLYGON);
  assert_false(cm_geom_contains(&g, (cm_point){0, 0}));
}

/* ---- clipping ------------------------------------------------------------------ */

static void check_clip_row(const table *row) {
  assert_int_equal(row->nfields, 4);
  cm_geom_type type = type_named(row->field[0]);
  cm_geom in, out, want;
  read_parts(row->field[2], type, &in);
  assert_int_equal(cm_geom_clip(&in, read_box(row->field[1]), &out), 0);
  const char *expected = row->field[3];
  int ok;
  if (strncmp(expected, "area ", 5) == 0) {
    ok = fabs(cm_geom_area(&out) - atof(expected + 5)) < 1e-9;
  } else if (strcmp(expected, "empty") == 0) {
    ok = out.nparts == 0 && out.npoints == 0;
  } else {
    read_parts(expected, type, &want);
    ok = same_geom(&out, &want);
    cm_geom_free(&want);
  }
  if (!ok)
    fail_msg("geom_clip.txt:%d: %zu parts, %zu points, area %g", row->number,
             out.nparts, out.npoints, cm_geom_area(&out));
  assert_int_equal(out.type, type);
  cm_geom_free(&in);
  cm_geom_free(&out);
}

static void test_clip_table(void **state) {
  assert_true(table_each_row("geom_clip.txt", 0, check_clip_row) >= 20);
}

/* The box edge runs through the hole: the fill keeps the hole's right half. */
static void test_clip_square_with_hole(void **state) {
  cm_geom g = polygon_of("(0 0, 10 0, 10 10, 0 10, 0 0) (4 4, 6 4, 6 6, 4 6, 4 4)");
  cm_geom out;
  cm_bbox box = {5, -5, 20, 20};
  assert_int_equal(cm_geom_clip(&g, box, &out), 0);
  assert_int_equal(out.nparts, 2);
  for (size_t i = 0; i < 2; i++) { /* closed rings stay closed */
    size_t n = cm_geom_part_size(&out, i);
    const cm_point *p = cm_geom_part(&out, i);
    assert_true(p[0].x == p[n - 1].x && p[0].y == p[n - 1].y);
  }
  assert_true(fabs(cm_geom_area(&out) - 48) < 1e-9);
  assert_true(cm_geom_contains(&out, (cm_point){7, 1}));
  assert_false(cm_geom_contains(&out, (cm_point){5.5, 5}));
  assert_false(cm_geom_contains(&out, (cm_point){3, 1}));
  cm_bbox ob = cm_geom_bbox(&out);
  assert_true(ob.minx == 5 && ob.maxx == 10 && ob.miny == 0 && ob.maxy == 10);
  cm_geom_free(&out);
  cm_geom_free(&g);
}

/* Many random boxes over a ring with a hole: the area clipped off plus the
 * area kept never exceeds the whole, and every kept point lies in the box. */
static void test_clip_random_boxes(void **state) {
  cm_geom g = polygon_of("(0 0, 10 0, 12 6, 8 12, 3 9, -2 4) (3 3, 5 3, 6 6, 3 5)");
  double whole = cm_geom_area(&g);
  unsigned seed = 7;
  for (int k = 0; k < 500; k++) {
    double v[4];
    for (int i = 0; i < 4; i++) {
      seed = seed * 1103515245u + 12345u;
      v[i] = (seed >> 8) % 1600 / 100.0 - 3;
    }
    cm_bbox box = {fmin(v[0], v[1]), fmin(v[2], v[3]), fmax(v[0], v[1]),
                   fmax(v[2], v[3])};
    cm_geom out;
    assert_int_equal(cm_geom_clip(&g, box, &out), 0);
    double area = cm_geom_area(&out);
    assert_true(area >= -1e-9 && area <= whole + 1e-9);
    assert_true(area <= (box.maxx - box.minx) * (box.maxy - box.miny) + 1e-9);
    for (size_t i = 0; i < out.npoints; i++) {
      cm_point p = out.points[i];
      assert_true(p.x >= box.minx && p.x <= box.maxx && p.y >= box.miny &&
                  p.y <= box.maxy);
    }
    cm_geom_free(&out);
  }
  cm_geom_free(&g);
}

static double next_random(unsigned *seed, double lo, double hi) {
  *seed = *seed * 1103515245u + 12345u;
  return lo + (hi - lo) * ((*seed >> 8) % 1000003) / 1000003.0;
}

/* Lines at awkward angles cut at awkward boxes: no point ever lands outside
 * the box by rounding, and every piece is a real line. */
static void test_clip_random_lines(void **state) {
  unsigned seed = 3;
  for (int k = 0; k < 2000; k++) {
    cm_geom g, out;
    cm_geom_init(&g, CM_GEOM_LINE);
    for (int i = 0; i < 6; i++)
      assert_int_equal(cm_geom_add_point(&g, next_random(&seed, -3.3, 13.7),
                                         next_random(&seed, -3.1, 13.9)), 0);
    cm_bbox box = {next_random(&seed, 0.1, 0.9), next_random(&seed, 0.1, 0.9),
                   next_random(&seed, 9.1, 9.9), next_random(&seed, 9.1, 9.9)};
    assert_int_equal(cm_geom_clip(&g, box, &out), 0);
    for (size_t i = 0; i < out.npoints; i++) {
      cm_point p = out.points[i];
      assert_true(p.x >= box.minx && p.x <= box.maxx && p.y >= box.miny &&
                  p.y <= box.maxy);
    }
    for (size_t i = 0; i < out.nparts; i++)
      assert_true(cm_geom_part_size(&out, i) >= 2);
    cm_geom_free(&out);
    cm_geom_free(&g);
  }
}

/* ---- densifying ----------------------------------------------------------------- */

/* Each input point is found, in order, among the output points. */
static void check_keeps_points(const cm_point *in, size_t n, const cm_point *out,
                               size_t m) {
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    while (j < m && !near(in[i], out[j]))
      j++;
    assert_true(j < m);
  }
}

static void check_densified_part(const cm_geom *in, const cm_geom *out, size_t i,
                                 double max_len) {
  const cm_point *p = cm_geom_part(out, i);
  size_t n = cm_geom_part_size(out, i);
  for (size_t k = 1; k < n; k++)
    assert_true(hypot(p[k].x - p[k - 1].x, p[k].y - p[k - 1].y) <= max_len + 1e-9);
  if (out->type == CM_GEOM_POLYGON)
    assert_true(hypot(p[0].x - p[n - 1].x, p[0].y - p[n - 1].y) <= max_len + 1e-9);
  check_keeps_points(cm_geom_part(in, i), cm_geom_part_size(in, i), p, n);
}

static void check_densify_row(const table *row) {
  assert_int_equal(row->nfields, 4);
  cm_geom in, out;
  double max_len = atof(row->field[1]);
  read_parts(row->field[2], type_named(row->field[0]), &in);
  assert_int_equal(cm_geom_densify(&in, max_len, &out), 0);
  assert_int_equal(out.nparts, in.nparts);
  const char *counts = row->field[3];
  for (size_t i = 0; i < out.nparts; i++) {
    char *end;
    unsigned long want = strtoul(counts, &end, 10);
    assert_true(end != counts);
    counts = end;
    if (cm_geom_part_size(&out, i) != want)
      fail_msg("geom_densify.txt:%d: part %zu has %zu points, want %lu",
               row->number, i, cm_geom_part_size(&out, i), want);
    check_densified_part(&in, &out, i, max_len);
  }
  cm_geom_free(&in);
  cm_geom_free(&out);
}

static void test_densify_table(void **state) {
  assert_true(table_each_row("geom_densify.txt", 0, check_densify_row) >= 10);
}

static void test_densify_refuses_bad_lengths(void **state) {
  cm_geom g = polygon_of("(0 0, 10 0, 10 10)"), out;
  assert_int_equal(cm_geom_densify(&g, 0, &out), CM_EUSAGE);
  assert_int_equal(cm_geom_densify(&g, -1, &out), CM_EUSAGE);
  assert_int_equal(cm_geom_densify(&g, NAN, &out), CM_EUSAGE);
  /* a length so small the outline would need billions of points */
  assert_int_equal(cm_geom_densify(&g, 1e-9, &out), CM_ENOMEM);
  assert_int_equal(out.nparts, 0);
  cm_geom_free(&g);
}

/* ---- simplifying ----------------------------------------------------------------- */

static double dist_to_segment(cm_point p, cm_point a, cm_point b) {
  double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = fmax(0, fmin(1, t));
  return hypot(a.x + t * dx - p.x, a.y + t * dy - p.y);
}

static double dist_to_outline(cm_point p, const cm_point *pts, size_t n) {
  double best = HUGE_VAL;
  for (size_t i = 1; i < n; i++)
    best = fmin(best, dist_to_segment(p, pts[i - 1], pts[i]));
  return best;
}

/* A circle of radius 100 with 0.5 of noise, closed, 20000 points. */
static cm_geom noisy_circle(size_t n) {
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  unsigned seed = 12345;
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1103515245u + 12345u;
    double r = 100 + ((seed >> 8) % 1000 / 1000.0 - 0.5);
    double a = 2 * M_PI * (double)i / (double)n;
    assert_int_equal(cm_geom_add_point(&g, r * cos(a), r * sin(a)), 0);
  }
  assert_int_equal(cm_geom_add_point(&g, g.points[0].x, g.points[0].y), 0);
  return g;
}

static void test_simplify_noisy_circle(void **state) {
  cm_geom g = noisy_circle(20000), out;
  double tol = 2;
  assert_int_equal(cm_geom_simplify(&g, tol, &out), 0);
  assert_int_equal(out.nparts, 1);
  size_t n = out.npoints;
  assert_true(n >= 10 && n < 200);
  assert_true(near(out.points[0], out.points[n - 1]));
  /* Douglas-Peucker leaves every dropped point within tol of the result */
  for (size_t i = 0; i < g.npoints; i++)
    assert_true(dist_to_outline(g.points[i], out.points, n) <= tol + 1e-9);
  double circle = M_PI * 100 * 100;
  assert_true(fabs(fabs(cm_geom_area(&out)) - circle) < 0.03 * circle);
  cm_geom out0;
  assert_int_equal(cm_geom_simplify(&g, 0.1, &out0), 0);
  assert_true(out0.npoints > n); /* a finer tolerance keeps more */
  cm_geom_free(&out0);
  cm_geom_free(&out);
  cm_geom_free(&g);
}

static void test_simplify_keeps_small_shapes(void **state) {
  cm_geom g = noisy_circle(500), out;
  assert_int_equal(cm_geom_simplify(&g, 1e6, &out), 0);
  assert_int_equal(out.npoints, 4); /* a triangle, closed */
  assert_true(near(out.points[0], out.points[3]));
  assert_true(fabs(cm_ring_area(out.points, 4)) > 1000);
  cm_geom_free(&out);
  cm_geom_free(&g);

  g = polygon_of("(0 0, 1 0, 1 1, 0 0)");
  assert_int_equal(cm_geom_simplify(&g, 100, &out), 0);
  assert_true(same_geom(&g, &out)); /* tiny: left as it is */
  cm_geom_free(&out);
  cm_geom_free(&g);

  g = polygon_of("(0 0, 1 0, 2 0.01, 3 0, 3 3, 0 3)"); /* open ring */
  assert_int_equal(cm_geom_simplify(&g, 100, &out), 0);
  assert_int_equal(out.npoints, 3);
  cm_geom_free(&out);
  cm_geom_free(&g);

  read_parts("(0 0, 1 0.1, 2 -0.1, 3 0, 4 5)", CM_GEOM_LINE, &g);
  assert_int_equal(cm_geom_simplify(&g, 0.5, &out), 0);
  cm_geom want;
  read_parts("(0 0, 3 0, 4 5)", CM_GEOM_LINE, &want);
  assert_true(same_geom(&out, &want));
  cm_geom_free(&out);
  assert_int_equal(cm_geom_simplify(&g, 1e9, &out), 0);
  assert_int_equal(out.npoints, 2);
  cm_geom_free(&out);
  assert_int_equal(cm_geom_simplify(&g, -1, &out), CM_EUSAGE);
  assert_int_equal(cm_geom_simplify(&g, NAN, &out), CM_EUSAGE);
  cm_geom_free(&want);
  cm_geom_free(&g);
}

/* A zigzag: every split is lopsided, so the work is as deep as the line is
 * long, the case where a recursive Douglas-Peucker runs out of stack. */
static void test_simplify_zigzag(void **state) {
  cm_geom g, out;
  cm_geom_init(&g, CM_GEOM_LINE);
  size_t n = 10001;
  for (size_t i = 0; i < n; i++)
    assert_int_equal(cm_geom_add_point(&g, (double)i, (double)(i % 2)), 0);
  assert_int_equal(cm_geom_simplify(&g, 0.1, &out), 0);
  assert_int_equal(out.npoints, n); /* every tooth is bigger than tol */
  cm_geom_free(&out);
  assert_int_equal(cm_geom_simplify(&g, 1, &out), 0);
  assert_int_equal(out.npoints, 2);
  cm_geom_free(&out);
  cm_geom_free(&g);
}

/* A wandering line of a million points comes out within tol of itself. */
static void test_simplify_long_line(void **state) {
  cm_geom g, out;
  cm_geom_init(&g, CM_GEOM_LINE);
  unsigned seed = 99;
  double x = 0, y = 0;
  for (size_t i = 0; i < 1000000; i++) {
    seed = seed * 1103515245u + 12345u;
    x += 1;
    y += ((seed >> 8) % 2001 - 1000) / 1000.0;
    assert_int_equal(cm_geom_add_point(&g, x, y), 0);
  }
  assert_int_equal(cm_geom_simplify(&g, 50, &out), 0);
  assert_true(out.npoints > 2 && out.npoints < g.npoints / 100);
  assert_true(near(out.points[0], g.points[0]));
  assert_true(near(out.points[out.npoints - 1], g.points[g.npoints - 1]));
  for (size_t i = 0, j = 0; i < g.npoints; i += 997) {
    while (j + 1 < out.npoints && out.points[j + 1].x < g.points[i].x)
      j++;
    size_t k = j + 1 < out.npoints ? j + 1 : j;
    assert_true(dist_to_segment(g.points[i], out.points[j], out.points[k]) <= 50 + 1e-9);
  }
  cm_geom_free(&out);
  cm_geom_free(&g);
}

/* ---- label points ----------------------------------------------------------------- */

static cm_point area_centroid(const cm_geom *g) {
  double sx = 0, sy = 0, sa = 0;
  const cm_point *p = g->points;
  for (size_t i = 0, n = g->npoints; i < n; i++) {
    cm_point a = p[i], b = p[(i + 1) % n];
    double cross = a.x * b.y - b.x * a.y;
    sx += (a.x + b.x) * cross;
    sy += (a.y + b.y) * cross;
    sa += cross;
  }
  return (cm_point){sx / (3 * sa), sy / (3 * sa)};
}

static void test_label_point_c_shape(void **state) {
  cm_geom g = polygon_of("(0 0, 10 0, 10 3, 3 3, 3 7, 10 7, 10 10, 0 10)");
  cm_point c = area_centroid(&g);
  assert_false(cm_geom_contains(&g, c)); /* why the centroid will not do */
  cm_point p;
  double d;
  assert_int_equal(cm_geom_label_point(&g, 0.01, &p, &d), 0);
  assert_true(cm_geom_contains(&g, p));
  /* the widest circle sits in a corner of the C: r = 3*sqrt2 / (1 + sqrt2) */
  double best = 3 * sqrt(2) / (1 + sqrt(2));
  assert_true(d <= best + 1e-9 && d >= best - 0.01);
  assert_true(fabs(p.x - best) < 0.05);
  assert_true(fabs(p.y - best) < 0.05 || fabs(p.y - (10 - best)) < 0.05);
  assert_int_equal(cm_geom_label_point(&g, 1, &p, NULL), 0);
  assert_true(cm_geom_contains(&g, p));
  cm_geom_free(&g);
}

static void test_label_point_avoids_hole(void **state) {
  cm_geom g = polygon_of("(3 3, 7 3, 7 7, 3 7) (0 0, 10 0, 10 10, 0 10, 0 0)");
  cm_point p;
  double d;
  assert_int_equal(cm_geom_label_point(&g, 0.001, &p, &d), 0);
  assert_true(cm_geom_contains(&g, p));
  assert_true(fabs(d - 3 * sqrt(2) / (1 + sqrt(2))) < 0.001);
  cm_geom_free(&g);
  /* a plain square: the middle, half its side away from the edges */
  g = polygon_of("(0 0, 8 0, 8 8, 0 8)");
  assert_int_equal(cm_geom_label_point(&g, 0.001, &p, &d), 0);
  assert_true(fabs(p.x - 4) < 1e-6 && fabs(p.y - 4) < 1e-6 && fabs(d - 4) < 1e-6);
  cm_geom_free(&g);
}

/* Map coordinates in metres, far from the origin, and a long sliver. */
static void test_label_point_awkward_shapes(void **state) {
  cm_geom g = polygon_of("(4500000 4400000, 4500300 4400000, 4500300 4400100,"
                         " 4500000 4400100)");
  cm_point p;
  double d;
  assert_int_equal(cm_geom_label_point(&g, 0, &p, &d), 0);
  assert_true(fabs(d - 50) < 1e-3);
  assert_true(cm_geom_contains(&g, p));
  cm_geom_free(&g);
  g = polygon_of("(0 0, 100000 0, 100000 1, 0 1)");
  assert_int_equal(cm_geom_label_point(&g, 0.01, &p, &d), 0);
  assert_true(cm_geom_contains(&g, p));
  assert_true(fabs(d - 0.5) < 0.01);
  cm_geom_free(&g);
}

static void test_label_point_refusals(void **state) {
  cm_geom g;
  cm_point p;
  double d;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  assert_int_equal(cm_geom_label_point(&g, 1, &p, &d), CM_EDATA);
  assert_int_equal(cm_geom_begin_part(&g), 0);
  assert_int_equal(cm_geom_label_point(&g, 1, &p, &d), CM_EDATA);
  cm_geom_free(&g);
  g = polygon_of("(0 0, 5 0, 10 0)"); /* no area: its middle, at no distance */
  assert_int_equal(cm_geom_label_point(&g, 1, &p, &d), 0);
  assert_true(p.x == 5 && p.y == 0 && d == 0);
  cm_geom_free(&g);
  read_parts("(0 0, 1 1)", CM_GEOM_LINE, &g);
  assert_int_equal(cm_geom_label_point(&g, 1, &p, &d), CM_EUSAGE);
  cm_geom_free(&g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_build_parts),
      cmocka_unit_test(test_points_one_per_part),
      cmocka_unit_test(test_copy_and_bbox),
      cmocka_unit_test(test_bbox_ops),
      cmocka_unit_test(test_ring_area),
      cmocka_unit_test(test_area_with_holes),
      cmocka_unit_test(test_contains),
      cmocka_unit_test(test_clip_table),
      cmocka_unit_test(test_clip_square_with_hole),
      cmocka_unit_test(test_clip_random_boxes),
      cmocka_unit_test(test_clip_random_lines),
      cmocka_unit_test(test_densify_table),
      cmocka_unit_test(test_densify_refuses_bad_lengths),
      cmocka_unit_test(test_simplify_noisy_circle),
      cmocka_unit_test(test_simplify_keeps_small_shapes),
      cmocka_unit_test(test_simplify_zigzag),
      cmocka_unit_test(test_simplify_long_line),
      cmocka_unit_test(test_label_point_c_shape),
      cmocka_unit_test(test_label_point_avoids_hole),
      cmocka_unit_test(test_label_point_awkward_shapes),
      cmocka_unit_test(test_label_point_refusals),
  };
  return cmocka_run_group_tests_name("geom", tests, NULL, NULL);
}
