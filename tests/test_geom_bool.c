/* Tests of the polygon boolean operations: a table of small cases with
 * their areas, rings and holes (tests/data/geom_bool.txt), random polygons
 * checked against area identities and against point-by-point inside
 * tests, and the shipped control polygons. Every result goes through a
 * checker that no ring crosses or touches itself and no two rings cross
 * or run along each other, decided exactly. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controlmap/date.h"
#include "controlmap/error.h"
#include "controlmap/geom.h"
#include "controlmap/layer.h"
#include "support/files.h"
#include "support/table.h"

/* ---- reading geometries ------------------------------------------------------------ */

/* Reads "(x y, x y) (x y, ...)" into a polygon, one ring per parenthesis. */
static cm_geom polygon_of(const char *s) {
  cm_geom g;
  if (table_geom(s, CM_GEOM_POLYGON, &g) != 0)
    fail_msg("bad coordinates in '%s'", s);
  return g;
}

static cm_bool_op op_named(const char *s) {
  static const struct {
    const char *name;
    cm_bool_op op;
  } ops[] = {{"intersection", CM_BOOL_INTERSECTION},
             {"union", CM_BOOL_UNION},
             {"difference", CM_BOOL_DIFFERENCE},
             {"xor", CM_BOOL_XOR}};
  for (size_t i = 0; i < 4; i++)
    if (strcmp(s, ops[i].name) == 0)
      return ops[i].op;
  fail_msg("unknown operation '%s' in a table", s);
  return CM_BOOL_INTERSECTION;
}

static int kept(int in_a, int in_b, cm_bool_op op) {
  switch (op) {
  case CM_BOOL_INTERSECTION: return in_a && in_b;
  case CM_BOOL_UNION: return in_a || in_b;
  case CM_BOOL_DIFFERENCE: return in_a && !in_b;
  default: return in_a != in_b;
  }
}

/* ---- the checker ------------------------------------------------------------------ */

/* Coordinates as exact integers: every coordinate times 2^k for the
 * smallest k that makes them all whole. The results lie on a power-of-two
 * grid, so this stays small; the checker refuses anything above 2^61, so
 * differences fit in 64 bits and their products in 128. */
__extension__ typedef __int128 wide;

typedef struct {
  int64_t x, y;
} ipt;

typedef struct {
  ipt p, q;
  size_t ring, index; /* which ring, which edge of it */
} iedge;

static int fraction_bits(double v) {
  int k = 0;
  while (k < 1100 && ldexp(v, k) != floor(ldexp(v, k)))
    k++;
  return k;
}

static int common_scale(const cm_geom *g) {
  int k = 0;
  for (size_t i = 0; i < g->npoints; i++) {
    int kx = fraction_bits(g->points[i].x), ky = fraction_bits(g->points[i].y);
    k = kx > k ? kx : k;
    k = ky > k ? ky : k;
  }
  return k;
}

static ipt exact_point(cm_point p, int k) {
  double x = ldexp(p.x, k), y = ldexp(p.y, k);
  if (fabs(x) > 0x1p61 || fabs(y) > 0x1p61)
    fail_msg("point %.17g %.17g is too fine for the exact checker", p.x, p.y);
  ipt r = {(int64_t)x, (int64_t)y};
  return r;
}

static int orient(ipt a, ipt b, ipt c) {
  wide d = (wide)(b.x - a.x) * (c.y - a.y) - (wide)(b.y - a.y) * (c.x - a.x);
  return (d > 0) - (d < 0);
}

static int same(ipt a, ipt b) { return a.x == b.x && a.y == b.y; }

/* Whether c, on the line through a and b, lies strictly between them. */
static int strictly_between(ipt a, ipt b, ipt c) {
  wide t = (wide)(c.x - a.x) * (b.x - a.x) + (wide)(c.y - a.y) * (b.y - a.y);
  wide len = (wide)(b.x - a.x) * (b.x - a.x) + (wide)(b.y - a.y) * (b.y - a.y);
  return t > 0 && t < len;
}

enum { APART, SHARE_END, BAD };

/* How two edges meet: not at all, at one end of both (and nowhere else),
 * or wrongly (crossing, an end on the other's inside, running along). */
static int how_edges_meet(const iedge *e, const iedge *f) {
  int o1 = orient(e->p, e->q, f->p), o2 = orient(e->p, e->q, f->q);
  int o3 = orient(f->p, f->q, e->p), o4 = orient(f->p, f->q, e->q);
  if (o1 * o2 > 0 || o3 * o4 > 0)
    return APART;
  if (o1 == 0 && o2 == 0) { /* on one line */
    if (strictly_between(e->p, e->q, f->p) || strictly_between(e->p, e->q, f->q) ||
        strictly_between(f->p, f->q, e->p) || strictly_between(f->p, f->q, e->q) ||
        (same(e->p, f->p) && same(e->q, f->q)) || (same(e->p, f->q) && same(e->q, f->p)))
      return BAD;
    int shared = same(e->p, f->p) || same(e->p, f->q) || same(e->q, f->p) ||
                 same(e->q, f->q);
    return shared ? SHARE_END : APART;
  }
  int shared = same(e->p, f->p) || same(e->p, f->q) || same(e->q, f->p) ||
               same(e->q, f->q);
  return shared ? SHARE_END : BAD;
}

static int by_left(const void *pa, const void *pb) {
  const iedge *a = pa, *b = pb;
  int64_t la = a->p.x < a->q.x ? a->p.x : a->q.x;
  int64_t lb = b->p.x < b->q.x ? b->p.x : b->q.x;
  return (la > lb) - (la < lb);
}

static int64_t right_of(const iedge *e) { return e->p.x > e->q.x ? e->p.x : e->q.x; }
static int64_t left_of(const iedge *e) { return e->p.x < e->q.x ? e->p.x : e->q.x; }

/* Edges that follow one another in a ring share their end by design. */
static int neighbours(const iedge *e, const iedge *f, const size_t *ring_len) {
  if (e->ring != f->ring)
    return 0;
  size_t n = ring_len[e->ring];
  return (e->index + 1) % n == f->index || (f->index + 1) % n == e->index;
}

/* Twice the ring's area, exactly: doubles lose it for rings a few grid
 * steps across far from the origin. Products are taken from the first
 * point, so the sum stays far below 2^127 for the rings checked here. */
static wide twice_area(const cm_point *pts, size_t n, int k) {
  ipt o = exact_point(pts[0], k);
  wide sum = 0;
  for (size_t i = 1; i + 1 < n; i++) {
    ipt a = exact_point(pts[i], k), b = exact_point(pts[i + 1], k);
    sum += (wide)(a.x - o.x) * (b.y - o.y) - (wide)(a.y - o.y) * (b.x - o.x);
  }
  return sum;
}

/* Ring r closed, with 3 or more points, none twice, and some area; its
 * edges are added to edges. */
static void check_one_ring(const cm_geom *g, size_t r, int k, iedge *edges,
                           size_t *ne) {
  const cm_point *pts = cm_geom_part(g, r);
  size_t n = cm_geom_part_size(g, r);
  if (n < 4 || pts[0].x != pts[n - 1].x || pts[0].y != pts[n - 1].y)
    fail_msg("ring %zu is not closed or has under 3 points (%zu)", r, n);
  if (twice_area(pts, n, k) == 0)
    fail_msg("ring %zu has no area", r);
  for (size_t i = 0; i + 1 < n; i++) {
    iedge e = {exact_point(pts[i], k), exact_point(pts[i + 1], k), r, i};
    edges[(*ne)++] = e;
    for (size_t j = i + 1; j + 1 < n; j++)
      if (pts[i].x == pts[j].x && pts[i].y == pts[j].y)
        fail_msg("ring %zu passes %.17g %.17g twice", r, pts[i].x, pts[i].y);
  }
}

/* Every ring sound, and no two edges meeting except neighbours in a ring,
 * or edges of different rings at a shared point. Sweeps along x so the
 * dataset's rings check quickly. */
static void check_rings(const cm_geom *g) {
  assert_int_equal(g->type, CM_GEOM_POLYGON);
  int k = common_scale(g);
  iedge *edges = malloc((g->npoints + 1) * sizeof *edges);
  size_t *ring_len = malloc((g->nparts + 1) * sizeof *ring_len);
  assert_true(edges && ring_len);
  size_t ne = 0;
  for (size_t r = 0; r < g->nparts; r++) {
    check_one_ring(g, r, k, edges, &ne);
    ring_len[r] = cm_geom_part_size(g, r) - 1;
  }
  qsort(edges, ne, sizeof *edges, by_left);
  for (size_t i = 0; i < ne; i++)
    for (size_t j = i + 1; j < ne && left_of(&edges[j]) <= right_of(&edges[i]); j++) {
      const iedge *e = &edges[i], *f = &edges[j];
      int how = how_edges_meet(e, f);
      if (how == BAD || (how == SHARE_END && e->ring == f->ring &&
                         !neighbours(e, f, ring_len)))
        fail_msg("edges %zu/%zu and %zu/%zu meet wrongly near %.17g %.17g",
                 e->ring, e->index, f->ring, f->index, ldexp((double)e->p.x, -k),
                 ldexp((double)e->p.y, -k));
    }
  free(edges);
  free(ring_len);
}

/* Rings inside an odd number of others: the middle of a ring's first edge
 * lies on no other ring, so counting the rings round it is exact enough. */
static size_t count_holes(const cm_geom *g) {
  size_t holes = 0;
  for (size_t r = 0; r < g->nparts; r++) {
    const cm_point *pts = cm_geom_part(g, r);
    cm_point mid = {(pts[0].x + pts[1].x) / 2, (pts[0].y + pts[1].y) / 2};
    int inside = 0;
    for (size_t s = 0; s < g->nparts; s++) {
      if (s == r)
        continue;
      cm_geom one;
      cm_geom_init(&one, CM_GEOM_POLYGON);
      one.points = (cm_point *)cm_geom_part(g, s);
      one.npoints = cm_geom_part_size(g, s);
      size_t start = 0;
      one.parts = &start;
      one.nparts = 1;
      inside ^= cm_geom_contains(&one, mid);
    }
    holes += (size_t)inside;
  }
  return holes;
}

/* a op b, checked for crossings, with its area. */
static cm_geom run(const cm_geom *a, const cm_geom *b, cm_bool_op op) {
  cm_geom out;
  int rc = cm_geom_boolean(a, b, op, &out);
  if (rc != 0)
    fail_msg("cm_geom_boolean failed with %d", rc);
  check_rings(&out);
  return out;
}

static int near(cm_point a, cm_point b) {
  return fabs(a.x - b.x) <= 1e-9 && fabs(a.y - b.y) <= 1e-9;
}

/* Ring a (closed, n points) equals ring b (closed, n points) starting
 * anywhere and going either way round. */
static int same_ring(const cm_point *a, const cm_point *b, size_t n) {
  size_t m = n - 1;
  for (size_t shift = 0; shift < m; shift++)
    for (int dir = -1; dir <= 1; dir += 2) {
      size_t i = 0;
      while (i < m && near(a[(shift + m + (size_t)dir * i) % m], b[i]))
        i++;
      if (i == m)
        return 1;
    }
  return 0;
}

/* Every expected ring (written open) is one of the result's rings; the
 * summary has already checked how many there are. */
static void expect_rings(const cm_geom *got, const char *text, int line) {
  cm_geom want = polygon_of(text);
  for (size_t i = 0; i < want.nparts; i++) {
    cm_geom closed = polygon_of("");
    const cm_point *w = cm_geom_part(&want, i);
    size_t n = cm_geom_part_size(&want, i);
    for (size_t j = 0; j <= n; j++)
      assert_int_equal(cm_geom_add_point(&closed, w[j % n].x, w[j % n].y), 0);
    int found = 0;
    for (size_t r = 0; r < got->nparts && !found; r++)
      found = cm_geom_part_size(got, r) == n + 1 &&
              same_ring(cm_geom_part(got, r), closed.points, n + 1);
    if (!found)
      fail_msg("geom_bool.txt:%d: expected ring %zu is not in the result", line, i);
    cm_geom_free(&closed);
  }
  cm_geom_free(&want);
}

/* "area A rings R holes H", or "empty". */
static void expect_summary(const cm_geom *got, const char *text, int line) {
  double area = 0;
  unsigned long rings = 0, holes = 0;
  if (strcmp(text, "empty") != 0 &&
      sscanf(text, "area %lf rings %lu holes %lu", &area, &rings, &holes) != 3)
    fail_msg("geom_bool.txt:%d: bad expectation '%s'", line, text);
  double got_area = cm_geom_area(got);
  if (fabs(got_area - area) > 1e-9 * fmax(1, fabs(area)) || got->nparts != rings ||
      count_holes(got) != holes)
    fail_msg("geom_bool.txt:%d: got area %.12g rings %zu holes %zu, want %s", line,
             got_area, got->nparts, count_holes(got), text);
}

static void check_row(const table *row) {
  if (row->nfields < 4)
    fail_msg("geom_bool.txt:%d: needs op | a | b | expected", row->number);
  cm_geom a = polygon_of(row->field[1]), b = polygon_of(row->field[2]);
  cm_geom out = run(&a, &b, op_named(row->field[0]));
  expect_summary(&out, row->field[3], row->number);
  if (row->nfields > 4)
    expect_rings(&out, row->field[4], row->number);
  cm_geom_free(&a);
  cm_geom_free(&b);
  cm_geom_free(&out);
}

static void test_table(void **state) {
  assert_true(table_each_row("geom_bool.txt", 0, check_row) >= 40);
}

/* ---- refusals and empties ---------------------------------------------------------- */

static void test_refusals(void **state) {
  cm_geom a = polygon_of("(0 0, 1 0, 1 1)"), line, out;
  cm_geom_init(&line, CM_GEOM_LINE);
  assert_int_equal(cm_geom_add_point(&line, 0, 0), 0);
  assert_int_equal(cm_geom_add_point(&line, 1, 1), 0);
  assert_int_equal(cm_geom_boolean(&a, &line, CM_BOOL_UNION, &out), CM_EUSAGE);
  assert_int_equal(out.nparts, 0);
  assert_int_equal(cm_geom_boolean(&line, &a, CM_BOOL_UNION, &out), CM_EUSAGE);
  assert_int_equal(cm_geom_boolean(&a, &a, (cm_bool_op)7, &out), CM_EUSAGE);
  assert_int_equal(out.type, CM_GEOM_POLYGON);
  cm_geom bad = polygon_of("(0 0, 1 0, 1 1)");
  bad.points[1].x = NAN;
  assert_int_equal(cm_geom_boolean(&a, &bad, CM_BOOL_INTERSECTION, &out), CM_EUSAGE);
  bad.points[1].x = INFINITY;
  assert_int_equal(cm_geom_boolean(&bad, &a, CM_BOOL_DIFFERENCE, &out), CM_EUSAGE);
  assert_int_equal(out.nparts, 0);
  assert_null(out.points);
  cm_geom_free(&a);
  cm_geom_free(&bad);
  cm_geom_free(&line);
}

/* An overlay keeps one grid: for polygons of its range it gives what
 * cm_geom_boolean gives them, point for point; it refuses polygons too
 * large for its grid, and ranges that make no grid. */
static void test_overlay_grid(void **state) {
  assert_null(cm_overlay_new(0));
  assert_null(cm_overlay_new(-1));
  assert_null(cm_overlay_new(NAN));
  assert_null(cm_overlay_new(INFINITY));
  cm_overlay_free(NULL);
  cm_overlay *ov = cm_overlay_new(100); /* coordinates below 128 */
  assert_non_null(ov);
  cm_geom a = polygon_of("(0.1 0.2, 90.3 0.7, 70.1 99.9)"),
          b = polygon_of("(5 -20, 120 40, -30 110)"), one, two;
  for (cm_bool_op op = CM_BOOL_INTERSECTION; op <= CM_BOOL_XOR; op++) {
    assert_int_equal(cm_overlay_boolean(ov, &a, &b, op, &one), 0);
    assert_int_equal(cm_geom_boolean(&a, &b, op, &two), 0);
    assert_true(one.nparts > 0);
    assert_int_equal(one.npoints, two.npoints);
    assert_memory_equal(one.points, two.points, one.npoints * sizeof *one.points);
    cm_geom_free(&one);
    cm_geom_free(&two);
  }
  const cm_geom *both[2] = {&a, &b};
  assert_int_equal(cm_overlay_union(ov, both, 2, &one), 0);
  assert_int_equal(cm_geom_union_all(both, 2, &two), 0);
  assert_int_equal(one.npoints, two.npoints);
  assert_memory_equal(one.points, two.points, one.npoints * sizeof *one.points);
  cm_geom_free(&one);
  cm_geom_free(&two);
  b.points[1].x = 128; /* beyond the grid made for coordinates below 128 */
  assert_int_equal(cm_overlay_boolean(ov, &a, &b, CM_BOOL_UNION, &one), CM_EUSAGE);
  assert_int_equal(one.nparts, 0);
  assert_int_equal(cm_overlay_union(ov, both, 2, &one), CM_EUSAGE);
  assert_int_equal(one.nparts, 0);
  cm_overlay_free(ov);
  cm_geom_free(&a);
  cm_geom_free(&b);
}

static void test_empties(void **state) {
  cm_geom empty = polygon_of(""), a = polygon_of("(0 0, 3 0, 3 2, 0 2, 0 0)");
  cm_geom points_only = polygon_of("(5 5, 5 5, 5 5) (1 1, 2 2)");
  for (int op = 0; op < 4; op++) {
    cm_geom e = run(&empty, &empty, (cm_bool_op)op);
    assert_int_equal(e.nparts, 0);
    cm_geom left = run(&a, &empty, (cm_bool_op)op);
    cm_geom right = run(&empty, &a, (cm_bool_op)op);
    cm_geom flat = run(&a, &points_only, (cm_bool_op)op);
    double want_left = op == CM_BOOL_INTERSECTION ? 0 : 6;
    double want_right = op == CM_BOOL_UNION || op == CM_BOOL_XOR ? 6 : 0;
    assert_true(cm_geom_area(&left) == want_left);
    assert_true(cm_geom_area(&right) == want_right);
    assert_true(cm_geom_area(&flat) == want_left);
    assert_int_equal(left.nparts, want_left > 0);
    assert_int_equal(right.nparts, want_right > 0);
    cm_geom_free(&e);
    cm_geom_free(&left);
    cm_geom_free(&right);
    cm_geom_free(&flat);
  }
  cm_geom_free(&a);
  cm_geom_free(&points_only);
}

/* The same squares at any scale; points that are on the grid (here all
 * but the scale 1e-3 and 1e-9 ones) come back bit for bit. */
static void test_scales(void **state) {
  static const struct {
    double k;
    int on_grid;
  } scales[] = {{1e-9, 0}, {1e-3, 0}, {1, 1}, {47.25, 1}, {1e6, 1}, {1e12, 1}};
  for (size_t s = 0; s < sizeof scales / sizeof *scales; s++) {
    double k = scales[s].k;
    cm_geom a = polygon_of(""), b = polygon_of("");
    double ax[] = {0, 2, 2, 0}, ay[] = {0, 0, 2, 2};
    for (int i = 0; i < 4; i++) {
      assert_int_equal(cm_geom_add_point(&a, ax[i] * k, ay[i] * k), 0);
      assert_int_equal(cm_geom_add_point(&b, (ax[i] + 1) * k, (ay[i] + 1) * k), 0);
    }
    cm_geom i = run(&a, &b, CM_BOOL_INTERSECTION), u = run(&a, &b, CM_BOOL_UNION);
    assert_true(fabs(cm_geom_area(&i) - k * k) <= 1e-10 * k * k);
    assert_true(fabs(cm_geom_area(&u) - 7 * k * k) <= 1e-10 * k * k);
    assert_int_equal(i.nparts, 1);
    assert_int_equal(cm_geom_part_size(&u, 0), 9);
    for (size_t p = 0; p < i.npoints; p++) {
      double x = i.points[p].x;
      if (scales[s].on_grid)
        assert_true(x == k || x == 2 * k);
      else
        assert_true(fabs(x - k) <= 1e-11 * k || fabs(x - 2 * k) <= 1e-11 * k);
    }
    cm_geom_free(&a);
    cm_geom_free(&b);
    cm_geom_free(&i);
    cm_geom_free(&u);
  }
}

/* ---- random polygons ---------------------------------------------------------------- */

typedef struct {
  uint64_t s;
} rng;

static double uniform(rng *r) { /* xorshift64*, in [0, 1) */
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (double)((r->s * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static int below(rng *r, int n) { return (int)(uniform(r) * n); }

typedef struct {
  double x, y, angle;
} corner;

static int by_angle(const void *pa, const void *pb) {
  const corner *a = pa, *b = pb;
  return (a->angle > b->angle) - (a->angle < b->angle);
}

/* A star-shaped ring round (cx, cy): simple, since corners go round the
 * centre by angle. With lattice set, corners are whole numbers within
 * [0, 8], which makes shared points, shared and overlapping edges and
 * points on edges common; the centre then sits off the lattice so no two
 * corners share an angle. */
static void add_star(cm_geom *g, rng *r, double cx, double cy, int lattice) {
  corner c[16];
  int n = 3 + below(r, 10), kept = 0;
  for (int i = 0; i < n; i++) {
    double x, y;
    if (lattice) {
      x = below(r, 9);
      y = below(r, 9);
    } else {
      double angle = uniform(r) * 6.283185307179586, radius = 0.5 + 3 * uniform(r);
      x = cx + radius * cos(angle);
      y = cy + radius * sin(angle);
    }
    int twice = 0;
    for (int j = 0; j < kept; j++)
      twice |= c[j].x == x && c[j].y == y;
    if (!twice)
      c[kept++] = (corner){x, y, atan2(y - cy, x - cx)};
  }
  qsort(c, (size_t)kept, sizeof *c, by_angle);
  assert_int_equal(cm_geom_begin_part(g), 0);
  for (int i = 0; i < kept; i++)
    assert_int_equal(cm_geom_add_point(g, c[i].x, c[i].y), 0);
}

/* Distance from p to the nearest edge of g. */
static double edge_distance(const cm_geom *g, cm_point p) {
  double best = HUGE_VAL;
  for (size_t r = 0; r < g->nparts; r++) {
    const cm_point *pts = cm_geom_part(g, r);
    size_t n = cm_geom_part_size(g, r);
    for (size_t i = 0; i < n; i++) {
      cm_point a = pts[i], b = pts[(i + 1) % n];
      double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
      double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      best = fmin(best, hypot(a.x + t * dx - p.x, a.y + t * dy - p.y));
    }
  }
  return best;
}

/* At random points clear of every edge, the result holds exactly the
 * points that a and b say it should. */
static void check_by_points(const cm_geom *a, const cm_geom *b, cm_bool_op op,
                            const cm_geom *out, rng *r) {
  cm_bbox box = cm_geom_bbox(a), bb = cm_geom_bbox(b);
  cm_bbox_extend(&box, bb.minx, bb.miny);
  cm_bbox_extend(&box, bb.maxx, bb.maxy);
  if (cm_bbox_is_empty(box))
    return;
  double w = box.maxx - box.minx, h = box.maxy - box.miny;
  for (int i = 0; i < 60; i++) {
    cm_point p = {box.minx - w / 8 + 1.25 * w * uniform(r),
                  box.miny - h / 8 + 1.25 * h * uniform(r)};
    if (edge_distance(a, p) < 1e-6 || edge_distance(b, p) < 1e-6)
      continue;
    int want = kept(cm_geom_contains(a, p), cm_geom_contains(b, p), op);
    if (cm_geom_contains(out, p) != want)
      fail_msg("op %d: point %.17g %.17g should be %s", (int)op, p.x, p.y,
               want ? "in" : "out");
  }
}

/* a as rings that do not cross (even-odd, through a union with nothing),
 * so cm_geom_area measures it. */
static cm_geom tidy(const cm_geom *a) {
  cm_geom empty = polygon_of("");
  return run(a, &empty, CM_BOOL_UNION);
}

static void check_random_pair(const cm_geom *a, const cm_geom *b, rng *r) {
  cm_geom out[4];
  for (int op = 0; op < 4; op++) {
    out[op] = run(a, b, (cm_bool_op)op);
    check_by_points(a, b, (cm_bool_op)op, &out[op], r);
  }
  cm_geom ta = tidy(a), tb = tidy(b);
  double area_a = cm_geom_area(&ta), area_b = cm_geom_area(&tb);
  double i = cm_geom_area(&out[CM_BOOL_INTERSECTION]), u = cm_geom_area(&out[CM_BOOL_UNION]);
  double d = cm_geom_area(&out[CM_BOOL_DIFFERENCE]), x = cm_geom_area(&out[CM_BOOL_XOR]);
  double tol = 1e-9 * (area_a + area_b + 1);
  if (fabs(u - (area_a + area_b - i)) > tol || fabs(d - (area_a - i)) > tol ||
      fabs(x - (u - i)) > tol)
    fail_msg("areas: a %.15g b %.15g and %.15g or %.15g minus %.15g xor %.15g",
             area_a, area_b, i, u, d, x);
  cm_geom back = run(b, a, CM_BOOL_INTERSECTION);
  assert_true(fabs(cm_geom_area(&back) - i) <= tol);
  cm_geom_free(&back);
  cm_geom_free(&ta);
  cm_geom_free(&tb);
  for (int op = 0; op < 4; op++)
    cm_geom_free(&out[op]);
}

/* A polygon of one to three star rings, which may overlap (even-odd). */
static cm_geom random_polygon(rng *r, int lattice) {
  cm_geom g = polygon_of("");
  int rings = 1 + below(r, 3);
  for (int k = 0; k < rings; k++) {
    double cx = lattice ? 1.5 + below(r, 6) + 0.1 * uniform(r) + 0.013
                        : 1 + 6 * uniform(r);
    double cy = lattice ? 1.5 + below(r, 6) + 0.1 * uniform(r) + 0.007
                        : 1 + 6 * uniform(r);
    add_star(&g, r, cx, cy, lattice);
  }
  return g;
}

static void test_random_stars(void **state) {
  rng r = {0x9e3779b97f4a7c15ull};
  for (int n = 0; n < 300; n++) {
    cm_geom a = random_polygon(&r, 0), b = random_polygon(&r, 0);
    check_random_pair(&a, &b, &r);
    cm_geom_free(&a);
    cm_geom_free(&b);
  }
}

static void test_random_lattice_stars(void **state) {
  rng r = {0x243f6a8885a308d3ull};
  for (int n = 0; n < 400; n++) {
    cm_geom a = random_polygon(&r, 1), b = random_polygon(&r, 1);
    check_random_pair(&a, &b, &r);
    cm_geom_free(&a);
    cm_geom_free(&b);
  }
}

/* Lattice stars a few grid steps across (coordinates 1 + k 2^-52, and the
 * grid step is 2^-52 there): every crossing is rounded to a neighbouring
 * grid point, which moves edges by a good part of the shapes' size. The
 * rings must still never cross, whatever the rounding did. */
static void test_random_tiny_stars(void **state) {
  rng r = {0x452821e638d01377ull};
  for (int n = 0; n < 300; n++) {
    cm_geom g[2];
    for (int k = 0; k < 2; k++) {
      g[k] = random_polygon(&r, 1);
      for (size_t i = 0; i < g[k].npoints; i++) {
        g[k].points[i].x = 1 + ldexp(g[k].points[i].x, -52);
        g[k].points[i].y = 1 + ldexp(g[k].points[i].y, -52);
      }
    }
    for (int op = 0; op < 4; op++) {
      cm_geom out = run(&g[0], &g[1], (cm_bool_op)op);
      cm_geom_free(&out);
    }
    cm_geom_free(&g[0]);
    cm_geom_free(&g[1]);
  }
}

/* A random set of half-unit cells of a 6 x 6 board, each its own ring,
 * into g; in[x][y] says which; returns how many. */
static int random_cells(rng *r, unsigned char in[6][6], cm_geom *g) {
  static const double cx[] = {0, 1, 1, 0, 0}, cy[] = {0, 0, 1, 1, 0};
  int count = 0;
  *g = polygon_of("");
  for (int x = 0; x < 6; x++)
    for (int y = 0; y < 6; y++) {
      in[x][y] = (unsigned char)below(r, 2);
      if (!in[x][y])
        continue;
      count++;
      assert_int_equal(cm_geom_begin_part(g), 0);
      for (int c = 0; c < 5; c++)
        assert_int_equal(cm_geom_add_point(g, 0.5 * (x + cx[c]), 0.5 * (y + cy[c])), 0);
    }
  return count;
}

/* Random sets of cells, like districts that share edges: the areas are
 * known by counting cells. */
static void test_random_cells(void **state) {
  rng r = {0x13198a2e03707344ull};
  for (int n = 0; n < 200; n++) {
    unsigned char in[2][6][6];
    cm_geom g[2];
    int count0 = random_cells(&r, in[0], &g[0]), count1 = random_cells(&r, in[1], &g[1]);
    int both = 0;
    for (int x = 0; x < 6; x++)
      for (int y = 0; y < 6; y++)
        both += in[0][x][y] && in[1][x][y];
    double want[4] = {both, count0 + count1 - both, count0 - both,
                      count0 + count1 - 2 * both};
    for (int op = 0; op < 4; op++) {
      cm_geom out = run(&g[0], &g[1], (cm_bool_op)op);
      if (cm_geom_area(&out) != want[op] / 4)
        fail_msg("cells case %d op %d: area %.17g, want %g", n, op,
                 cm_geom_area(&out), want[op] / 4);
      check_by_points(&g[0], &g[1], (cm_bool_op)op, &out, &r);
      cm_geom_free(&out);
    }
    cm_geom_free(&g[0]);
    cm_geom_free(&g[1]);
  }
}

/* A polygon with itself: union and intersection give it back, difference
 * and xor nothing. */
static void test_random_self(void **state) {
  rng r = {0xa4093822299f31d0ull};
  for (int n = 0; n < 100; n++) {
    cm_geom a = random_polygon(&r, n % 2), ta = tidy(&a);
    for (int op = 0; op < 4; op++) {
      cm_geom out = run(&a, &a, (cm_bool_op)op);
      int keeps = op == CM_BOOL_INTERSECTION || op == CM_BOOL_UNION;
      assert_true(fabs(cm_geom_area(&out) - (keeps ? cm_geom_area(&ta) : 0)) <= 1e-12);
      if (!keeps)
        assert_int_equal(out.nparts, 0);
      cm_geom_free(&out);
    }
    cm_geom_free(&a);
    cm_geom_free(&ta);
  }
}

/* ---- the shipped control polygons -------------------------------------------------- */

typedef struct {
  cm_layer *layer;
  int holder, start, end;
} control;

static control open_control(void) {
  char path[1024];
  control c;
  cm_error err;
  if (cm_layer_open(&c.layer, test_source_path(path, sizeof path, "shapes/control.shp"),
                    &err) != 0) {
    char buf[2048];
    fail_msg("%s", cm_error_format(&err, buf, sizeof buf));
  }
  c.holder = cm_layer_field_index(c.layer, "holder");
  c.start = cm_layer_field_index(c.layer, "start");
  c.end = cm_layer_field_index(c.layer, "end");
  assert_true(c.holder >= 0 && c.start >= 0 && c.end >= 0);
  return c;
}

static int held_by_on(const control *c, size_t f, const char *holder, cm_day d) {
  cm_day from, to;
  if (strcmp(cm_layer_value(c->layer, f, (size_t)c->holder), holder) != 0)
    return 0;
  assert_int_equal(cm_date_interval(cm_layer_value(c->layer, f, (size_t)c->start),
                                    cm_layer_value(c->layer, f, (size_t)c->end),
                                    &from, &to),
                   0);
  return cm_date_in(d, from, to);
}

/* The ground holder held on d, as one union of its polygons, building up
 * from the first feature or the last; *sum adds up their own areas. */
static cm_geom ground_of(const control *c, const char *holder, cm_day d,
                         int backwards, double *sum, size_t *count) {
  cm_geom acc = polygon_of("");
  size_t n = cm_layer_count(c->layer);
  *sum = 0;
  *count = 0;
  for (size_t k = 0; k < n; k++) {
    size_t f = backwards ? n - 1 - k : k;
    if (!held_by_on(c, f, holder, d))
      continue;
    const cm_geom *g = cm_layer_geom(c->layer, f);
    cm_geom next;
    assert_int_equal(cm_geom_boolean(&acc, g, CM_BOOL_UNION, &next), 0);
    cm_geom_free(&acc);
    acc = next;
    *sum += cm_geom_area(g);
    (*count)++;
  }
  check_rings(&acc);
  return acc;
}

static int close_enough(double a, double b) {
  return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b));
}

static void test_dataset_ground_lost(void **state) {
  control c = open_control();
  cm_day d1 = cm_date_from_ymd(1994, 6, 1), d2 = cm_date_from_ymd(2020, 12, 5);
  double sum1, sum2, sum_back;
  size_t n1, n2, n_back;
  cm_geom g1 = ground_of(&c, "NKR", d1, 0, &sum1, &n1);
  cm_geom g2 = ground_of(&c, "NKR", d2, 0, &sum2, &n2);
  cm_geom g1_back = ground_of(&c, "NKR", d1, 1, &sum_back, &n_back);
  assert_true(n1 > 10 && n2 > 0 && n1 == n_back);
  double a1 = cm_geom_area(&g1), a2 = cm_geom_area(&g2);
  /* the polygons of one holder on one day share edges; a few also overlap
   * by digitising slivers (up to about 7e-9 square degrees), which the
   * union counts once */
  assert_true(a1 <= sum1 && a1 >= sum1 * (1 - 1e-7));
  assert_true(a2 <= sum2 && a2 >= sum2 * (1 - 1e-7));
  assert_true(close_enough(a1, cm_geom_area(&g1_back)));
  cm_geom lost = run(&g1, &g2, CM_BOOL_DIFFERENCE);
  cm_geom kept_ground = run(&g1, &g2, CM_BOOL_INTERSECTION);
  cm_geom gained = run(&g2, &g1, CM_BOOL_DIFFERENCE);
  cm_geom changed = run(&g1, &g2, CM_BOOL_XOR);
  double lost_area = cm_geom_area(&lost), both = cm_geom_area(&kept_ground);
  printf("  NKR %zu polygons %.6f deg2 on 1994-06-01, %zu polygons %.6f on "
         "2020-12-05; lost %.6f in %zu rings\n",
         n1, a1, n2, a2, lost_area, lost.nparts);
  assert_true(lost_area > 0);
  assert_true(close_enough(lost_area, a1 - both));
  assert_true(close_enough(cm_geom_area(&gained), a2 - both));
  assert_true(close_enough(cm_geom_area(&changed), lost_area + cm_geom_area(&gained)));
  cm_geom_free(&g1);
  cm_geom_free(&g2);
  cm_geom_free(&g1_back);
  cm_geom_free(&lost);
  cm_geom_free(&kept_ground);
  cm_geom_free(&gained);
  cm_geom_free(&changed);
  cm_layer_free(c.layer);
}

/* The union of many polygons in one call: the same ground as unions one
 * by one, sound rings, nothing for no polygons, and refusals as for two. */
static void test_union_all(void **state) {
  control c = open_control();
  cm_day d = cm_date_from_ymd(1994, 6, 1);
  size_t n = cm_layer_count(c.layer), count = 0, pairwise_count;
  const cm_geom **parts = calloc(n, sizeof *parts);
  assert_non_null(parts);
  for (size_t f = 0; f < n; f++)
    if (held_by_on(&c, f, "NKR", d))
      parts[count++] = cm_layer_geom(c.layer, f);
  double sum;
  cm_geom pairwise = ground_of(&c, "NKR", d, 0, &sum, &pairwise_count), all;
  assert_int_equal(cm_geom_union_all(parts, count, &all), 0);
  check_rings(&all);
  assert_int_equal(count, pairwise_count);
  assert_true(close_enough(cm_geom_area(&all), cm_geom_area(&pairwise)));
  assert_int_equal(all.nparts, pairwise.nparts);
  cm_geom none;
  assert_int_equal(cm_geom_union_all(parts, 0, &none), 0);
  assert_int_equal(none.nparts, 0);
  cm_geom line;
  cm_geom_init(&line, CM_GEOM_LINE);
  parts[0] = &line;
  assert_int_equal(cm_geom_union_all(parts, count, &none), CM_EUSAGE);
  assert_int_equal(none.nparts, 0);
  cm_geom_free(&all);
  cm_geom_free(&pairwise);
  free(parts);
  cm_layer_free(c.layer);
}

/* Every pair of control polygons: the identities hold and every result is
 * sound; most pairs share edges, points or the very same outline. */
static void test_dataset_pairs(void **state) {
  control c = open_control();
  size_t n = cm_layer_count(c.layer);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i; j < n; j += 7) {
      const cm_geom *a = cm_layer_geom(c.layer, i), *b = cm_layer_geom(c.layer, j);
      cm_geom in = run(a, b, CM_BOOL_INTERSECTION), un = run(a, b, CM_BOOL_UNION);
      cm_geom df = run(a, b, CM_BOOL_DIFFERENCE);
      double area_a = cm_geom_area(a), area_b = cm_geom_area(b);
      double common = cm_geom_area(&in), tol = 1e-9 * (area_a + area_b);
      assert_true(fabs(cm_geom_area(&un) - (area_a + area_b - common)) <= tol);
      assert_true(fabs(cm_geom_area(&df) - (area_a - common)) <= tol);
      if (i == j)
        assert_int_equal(df.nparts, 0);
      cm_geom_free(&in);
      cm_geom_free(&un);
      cm_geom_free(&df);
    }
  cm_layer_free(c.layer);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_empties),
      cmocka_unit_test(test_scales),
      cmocka_unit_test(test_random_stars),
      cmocka_unit_test(test_random_lattice_stars),
      cmocka_unit_test(test_random_tiny_stars),
      cmocka_unit_test(test_random_cells),
      cmocka_unit_test(test_random_self),
      cmocka_unit_test(test_dataset_ground_lost),
      cmocka_unit_test(test_dataset_pairs),
      cmocka_unit_test(test_union_all),
      cmocka_unit_test(test_overlay_grid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
