/* Boolean operations on polygons, through GEOS's reentrant C API.
 *
 * Both polygons are put on a power-of-two grid, turned from even-odd
 * rings into valid GEOS polygons, and combined by GEOS's overlay with
 * snap rounding on that grid (fixed precision), so every point of the
 * result, crossings included, lies on the grid and neighbouring districts
 * whose shared edges have identical points stay exactly shared: no
 * slivers, no gaps. The result's rings come back without the points where
 * an outline runs straight on, unless another ring touches there.
 * An overlay (cm_overlay) owns one GEOS context and one grid for a series
 * of operations, and serves one thread at a time; cm_geom_boolean makes
 * one for each call, on the grid of that call's polygons, so calls on
 * different threads share nothing. */

#include "controlmap/geom.h"
#include "controlmap/error.h"
#include "util_internal.h"

#include <geos_c.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The grid step is 2^-GRID_BITS of the power of two just above the
 * largest coordinate: fine enough to keep coordinates to about 3e-14 of
 * their size, coarse enough that GEOS's snap rounding, which works in
 * doubles scaled by the grid, keeps eight bits of headroom. */
#define GRID_BITS 45

/* ---- the grid --------------------------------------------------------------------- */

/* The largest coordinate size of g into *largest; CM_EUSAGE when a
 * coordinate is not finite (no grid could hold it). */
static int largest_coordinate(const cm_geom *g, double *largest) {
  for (size_t i = 0; i < g->npoints; i++) {
    double x = fabs(g->points[i].x), y = fabs(g->points[i].y);
    if (!isfinite(x) || !isfinite(y))
      return CM_EUSAGE;
    *largest = fmax(*largest, fmax(x, y));
  }
  return 0;
}

/* The grid step is 2^-shift: going to the grid and back only rounds, and
 * points already on the grid come back bit for bit. */
static int grid_shift(double largest) {
  if (!(largest > 0))
    return 0;
  int e;
  frexp(largest, &e); /* largest < 2^e */
  return GRID_BITS - e;
}

static double on_grid(double v, int shift) {
  return ldexp(nearbyint(ldexp(v, shift)), -shift);
}

/* ---- from cm_geom to GEOS --------------------------------------------------------- */

/* A GEOS context, the grid every operation made with it uses, and
 * whether GEOS reported an error in the operation under way. */
struct cm_overlay {
  GEOSContextHandle_t ctx;
  int shift;
  double grid;
  int failed;
};
typedef struct cm_overlay overlay;

static void note_error(const char *message, void *userdata) {
  (void)message;
  ((overlay *)userdata)->failed = 1;
}

/* Ring r of g on the grid as a closed GEOS sequence, points that the grid
 * made equal to their neighbour left out; NULL with *rc 0 when fewer than
 * three points are left (the ring holds no ground). */
static GEOSCoordSequence *ring_sequence(overlay *o, const cm_geom *g, size_t r,
                                        int *rc) {
  const cm_point *pts = cm_geom_part(g, r);
  size_t n = cm_geom_part_size(g, r), kept = 0;
  double *xy = malloc((n + 1) * 2 * sizeof *xy); /* x y x y ... */
  *rc = xy ? 0 : CM_ENOMEM;
  if (!xy)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    double x = on_grid(pts[i].x, o->shift), y = on_grid(pts[i].y, o->shift);
    if (kept == 0 || x != xy[2 * kept - 2] || y != xy[2 * kept - 1]) {
      xy[2 * kept] = x;
      xy[2 * kept + 1] = y;
      kept++;
    }
  }
  while (kept > 1 && xy[2 * kept - 2] == xy[0] && xy[2 * kept - 1] == xy[1])
    kept--;
  GEOSCoordSequence *seq = NULL;
  if (kept >= 3) {
    xy[2 * kept] = xy[0];
    xy[2 * kept + 1] = xy[1];
    seq = GEOSCoordSeq_copyFromBuffer_r(o->ctx, xy, (unsigned)kept + 1, 0, 0);
    if (!seq)
      *rc = CM_ENOMEM;
  }
  free(xy);
  return seq;
}

/* Every ring of g that holds ground, as closed lines, into lines (an
 * array of g->nparts); their number into *n. */
static int ring_lines(overlay *o, const cm_geom *g, GEOSGeometry **lines,
                      unsigned *n) {
  *n = 0;
  for (size_t r = 0; r < g->nparts; r++) {
    int rc;
    GEOSCoordSequence *seq = ring_sequence(o, g, r, &rc);
    if (rc)
      return rc;
    if (!seq)
      continue;
    lines[*n] = GEOSGeom_createLineString_r(o->ctx, seq);
    if (!lines[*n])
      return CM_ENOMEM;
    (*n)++;
  }
  return 0;
}

static void destroy_all(overlay *o, GEOSGeometry **geoms, unsigned n) {
  for (unsigned i = 0; i < n; i++)
    GEOSGeom_destroy_r(o->ctx, geoms[i]);
}

/* Rings that neither cross nor run along one another (what this module
 * returns, and most data) nest: each ring is then an outline or a hole by
 * how many rings lie round it, which is what GEOS's polygonizer gives for
 * unnoded lines when it uses every ring once and the result is valid.
 * NULL otherwise. */
static GEOSGeometry *nested_rings(overlay *o, GEOSGeometry *lines, unsigned n) {
  GEOSGeometry *res =
      GEOSPolygonize_valid_r(o->ctx, (const GEOSGeometry *const *)&lines, 1);
  int parts = res ? GEOSGetNumGeometries_r(o->ctx, res) : -1;
  unsigned rings = 0;
  for (int i = 0; i < parts; i++) {
    const GEOSGeometry *p = GEOSGetGeometryN_r(o->ctx, res, i);
    int holes = GEOSGetNumInteriorRings_r(o->ctx, p);
    rings += holes >= 0 ? 1 + (unsigned)holes : 0;
  }
  if (res && (rings != n || GEOSisValid_r(o->ctx, res) != 1)) {
    GEOSGeom_destroy_r(o->ctx, res);
    res = NULL;
  }
  o->failed = 0; /* a refusal here only means the rings cross */
  return res;
}

/* 1 when face lies inside g under the even-odd rule, judged at a point
 * inside the face; -1 when GEOS fails. */
static int face_inside(overlay *o, const GEOSGeometry *face, const cm_geom *g) {
  GEOSGeometry *at = GEOSPointOnSurface_r(o->ctx, face);
  cm_point p;
  int ok = at && GEOSGeomGetX_r(o->ctx, at, &p.x) == 1 &&
           GEOSGeomGetY_r(o->ctx, at, &p.y) == 1;
  if (at)
    GEOSGeom_destroy_r(o->ctx, at);
  return ok ? cm_geom_contains(g, p) : -1;
}

/* The ground of rings that may cross (even-odd): their lines noded on the
 * grid and cut into faces, keeping the faces inside g, merged. */
static GEOSGeometry *even_odd(overlay *o, GEOSGeometry *lines, const cm_geom *g) {
  GEOSGeometry *noded = GEOSUnaryUnionPrec_r(o->ctx, lines, o->grid);
  GEOSGeometry *faces = noded ? GEOSPolygonize_r(o->ctx, (const GEOSGeometry *const *)&noded, 1) : NULL;
  int nfaces = faces ? GEOSGetNumGeometries_r(o->ctx, faces) : -1;
  GEOSGeometry **keep = nfaces > 0 ? malloc((size_t)nfaces * sizeof *keep) : NULL;
  GEOSGeometry *result = NULL;
  unsigned nkeep = 0;
  int bad = nfaces < 0 || (nfaces > 0 && !keep);
  for (int i = 0; i < nfaces && !bad; i++) {
    const GEOSGeometry *face = GEOSGetGeometryN_r(o->ctx, faces, i);
    int in = face_inside(o, face, g);
    GEOSGeometry *copy = in == 1 ? GEOSGeom_clone_r(o->ctx, face) : NULL;
    bad = in < 0 || (in == 1 && !copy);
    if (copy)
      keep[nkeep++] = copy;
  }
  if (!bad && nkeep == 0)
    result = GEOSGeom_createEmptyPolygon_r(o->ctx);
  else if (!bad) {
    GEOSGeometry *all = GEOSGeom_createCollection_r(o->ctx, GEOS_MULTIPOLYGON,
                                                    keep, nkeep);
    if (all) {
      nkeep = 0; /* the collection owns them now */
      result = GEOSUnaryUnionPrec_r(o->ctx, all, o->grid);
      GEOSGeom_destroy_r(o->ctx, all);
    }
  }
  destroy_all(o, keep, nkeep);
  free(keep);
  if (faces)
    GEOSGeom_destroy_r(o->ctx, faces);
  if (noded)
    GEOSGeom_destroy_r(o->ctx, noded);
  return result;
}

/* g (even-odd rings) as a valid GEOS polygon on the grid into *out. */
static int to_geos(overlay *o, const cm_geom *g, GEOSGeometry **out) {
  GEOSGeometry **lines = malloc((g->nparts + 1) * sizeof *lines);
  unsigned n = 0;
  int rc = lines ? ring_lines(o, g, lines, &n) : CM_ENOMEM;
  *out = NULL;
  if (rc == 0 && n == 0)
    *out = GEOSGeom_createEmptyPolygon_r(o->ctx);
  if (rc == 0 && !*out) {
    unsigned nlines = n;
    GEOSGeometry *all = GEOSGeom_createCollection_r(o->ctx, GEOS_MULTILINESTRING,
                                                    lines, n);
    if (all) {
      n = 0; /* the collection owns them now */
      *out = nested_rings(o, all, nlines);
      if (!*out)
        *out = even_odd(o, all, g);
      GEOSGeom_destroy_r(o->ctx, all);
    }
  }
  if (lines)
    destroy_all(o, lines, n);
  free(lines);
  if (rc == 0 && !*out)
    rc = o->failed ? CM_EDATA : CM_ENOMEM;
  return rc;
}

/* ---- from GEOS back to cm_geom ---------------------------------------------------- */

/* The result's rings are written in one order whatever way GEOS walked
 * them: each starts at its lowest point (x, then y), outer rings turn
 * counter-clockwise and holes clockwise, and rings follow one another by
 * their first points. Equal ground then gives equal rings, point for
 * point, and areas summed from them agree to the last bit. */

/* A point of the result on the grid as integers, and where it is. */
typedef struct grid_point {
  int64_t x, y;
  size_t index; /* in the points of every ring one after the other */
} grid_point;

__extension__ typedef __int128 wide;

static int compare_points(grid_point a, grid_point b) {
  if (a.x != b.x)
    return a.x < b.x ? -1 : 1;
  return (a.y > b.y) - (a.y < b.y);
}

static int by_place(const void *pa, const void *pb) {
  const grid_point *a = pa, *b = pb;
  int c = compare_points(*a, *b);
  return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Whether b lies between a and c within half a grid step of the straight
 * line through them. Crossings rounded to the grid land up to half a step
 * off the edges they cut; dropping them where they bend nothing keeps an
 * outline that an overlay only touched point for point what it was. */
static int straight_on(grid_point a, grid_point b, grid_point c) {
  wide cross = (wide)(b.x - a.x) * (c.y - a.y) - (wide)(b.y - a.y) * (c.x - a.x);
  wide dot = (wide)(b.x - a.x) * (c.x - a.x) + (wide)(b.y - a.y) * (c.y - a.y);
  wide len2 = (wide)(c.x - a.x) * (c.x - a.x) + (wide)(c.y - a.y) * (c.y - a.y);
  if (dot <= 0 || dot >= len2)
    return 0;
  long double off = (long double)cross;
  return cross == 0 || 4 * off * off <= (long double)len2;
}

/* Rings: every ring's points (without the closing one) one after the
 * other, where each ring starts, and whether it is a hole. */
typedef struct ring_list {
  grid_point *pts;
  size_t npts, cap_pts;
  size_t *starts;
  unsigned char *hole;
  size_t nrings, cap_rings, cap_holes;
} ring_list;

static void ring_list_free(ring_list *l) {
  free(l->pts);
  free(l->starts);
  free(l->hole);
}

static size_t ring_end(const ring_list *l, size_t r) {
  return r + 1 < l->nrings ? l->starts[r + 1] : l->npts;
}

/* Starts a ring of up to n points in l. */
static int begin_ring(ring_list *l, size_t n, int hole) {
  if (cm__grow((void **)&l->pts, &l->cap_pts, l->npts + n, sizeof *l->pts) ||
      cm__grow((void **)&l->starts, &l->cap_rings, l->nrings + 1, sizeof *l->starts) ||
      cm__grow((void **)&l->hole, &l->cap_holes, l->nrings + 1, sizeof *l->hole))
    return CM_ENOMEM;
  l->starts[l->nrings] = l->npts;
  l->hole[l->nrings++] = (unsigned char)hole;
  return 0;
}

static int add_ring(overlay *o, ring_list *l, const GEOSGeometry *ring, int hole) {
  const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(o->ctx, ring);
  unsigned n = 0;
  if (!seq || !GEOSCoordSeq_getSize_r(o->ctx, seq, &n))
    return CM_EDATA;
  if (n < 4)
    return 0;
  if (begin_ring(l, n, hole))
    return CM_ENOMEM;
  for (unsigned i = 0; i + 1 < n; i++) {
    double x, y;
    if (!GEOSCoordSeq_getXY_r(o->ctx, seq, i, &x, &y))
      return CM_EDATA;
    grid_point p = {(int64_t)ldexp(x, o->shift), (int64_t)ldexp(y, o->shift),
                    l->npts};
    l->pts[l->npts++] = p;
  }
  return 0;
}

static int add_polygon(overlay *o, ring_list *l, const GEOSGeometry *poly) {
  int holes = GEOSGetNumInteriorRings_r(o->ctx, poly);
  const GEOSGeometry *shell = GEOSGetExteriorRing_r(o->ctx, poly);
  int rc = holes >= 0 && shell ? add_ring(o, l, shell, 0) : CM_EDATA;
  for (int h = 0; h < holes && rc == 0; h++)
    rc = add_ring(o, l, GEOSGetInteriorRingN_r(o->ctx, poly, h), 1);
  return rc;
}

/* Per point of l, whether it occurs more than once among all rings, into
 * *shared (the caller frees it). */
static int mark_shared(const ring_list *l, unsigned char **shared) {
  grid_point *sorted = malloc((l->npts + 1) * sizeof *sorted);
  *shared = calloc(l->npts + 1, 1);
  if (!sorted || !*shared) {
    free(sorted);
    return CM_ENOMEM;
  }
  if (l->npts)
    memcpy(sorted, l->pts, l->npts * sizeof *sorted);
  qsort(sorted, l->npts, sizeof *sorted, by_place);
  for (size_t i = 1; i < l->npts; i++)
    if (compare_points(sorted[i], sorted[i - 1]) == 0)
      (*shared)[sorted[i].index] = (*shared)[sorted[i - 1].index] = 1;
  free(sorted);
  return 0;
}

/* Twice the signed area of n points, exact: coordinates are below 2^46
 * steps, so each product is below 2^93. */
static wide twice_area(const grid_point *p, size_t n) {
  wide sum = 0;
  for (size_t i = 0; i < n; i++) {
    grid_point a = p[i], b = p[(i + 1) % n];
    sum += (wide)a.x * b.y - (wide)b.x * a.y;
  }
  return sum;
}

/* Ring r of from into to, from its lowest point (which always stays),
 * turning its way, without the points where it runs straight on and no
 * other ring passes: each is judged against the last point kept and the
 * next one, so that a run of close points cannot take a corner with it.
 * A ring left with under three points is dropped. */
static int tidy_ring(const ring_list *from, size_t r, const unsigned char *shared,
                     ring_list *to) {
  size_t first = from->starts[r], n = ring_end(from, r) - first, lowest = 0;
  const grid_point *p = from->pts + first;
  if (begin_ring(to, n, from->hole[r]))
    return CM_ENOMEM;
  for (size_t i = 1; i < n; i++)
    if (compare_points(p[i], p[lowest]) < 0)
      lowest = i;
  int backwards = (twice_area(p, n) < 0) != from->hole[r];
  grid_point *q = to->pts + to->npts;
  size_t k = 0;
  for (size_t t = 0; t < n; t++) {
    size_t i = backwards ? (lowest + n - t) % n : (lowest + t) % n;
    size_t next = backwards ? (i + n - 1) % n : (i + 1) % n;
    if (t == 0 || shared[first + i] || !straight_on(q[k - 1], p[i], p[next]))
      q[k++] = p[i];
  }
  if (k < 3)
    to->nrings--;
  else
    to->npts += k;
  return 0;
}

static int ring_order(const ring_list *l, size_t a, size_t b) {
  const grid_point *pa = l->pts + l->starts[a], *pb = l->pts + l->starts[b];
  int c = compare_points(pa[0], pb[0]);
  if (c == 0)
    c = compare_points(pa[1], pb[1]);
  return c ? c : (a > b) - (a < b);
}

/* Sorts ring numbers by ring_order (insertion into place: results have
 * few rings next to their points). */
static void sort_rings(const ring_list *l, size_t *order) {
  for (size_t i = 0; i < l->nrings; i++) {
    size_t j = i, r = i;
    for (; j > 0 && ring_order(l, order[j - 1], r) > 0; j--)
      order[j] = order[j - 1];
    order[j] = r;
  }
}

static int emit_rings(const ring_list *l, int shift, cm_geom *out) {
  size_t *order = malloc((l->nrings + 1) * sizeof *order);
  int rc = order ? 0 : CM_ENOMEM;
  if (order)
    sort_rings(l, order);
  for (size_t i = 0; i < l->nrings && rc == 0; i++) {
    size_t first = l->starts[order[i]], n = ring_end(l, order[i]) - first;
    rc = cm_geom_begin_part(out);
    for (size_t j = 0; j <= n && rc == 0; j++) {
      grid_point q = l->pts[first + j % n];
      rc = cm_geom_add_point(out, ldexp((double)q.x, -shift), ldexp((double)q.y, -shift));
    }
  }
  free(order);
  return rc;
}

/* The polygons of GEOS result res as rings of out. */
static int from_geos(overlay *o, const GEOSGeometry *res, cm_geom *out) {
  ring_list raw, tidy;
  memset(&raw, 0, sizeof raw);
  memset(&tidy, 0, sizeof tidy);
  unsigned char *shared = NULL;
  int n = GEOSGetNumGeometries_r(o->ctx, res), rc = n < 0 ? CM_EDATA : 0;
  for (int i = 0; i < n && rc == 0; i++) {
    const GEOSGeometry *part = GEOSGetGeometryN_r(o->ctx, res, i);
    if (GEOSGeomTypeId_r(o->ctx, part) == GEOS_POLYGON && !GEOSisEmpty_r(o->ctx, part))
      rc = add_polygon(o, &raw, part);
  }
  if (rc == 0)
    rc = mark_shared(&raw, &shared);
  for (size_t r = 0; r < raw.nrings && rc == 0; r++)
    rc = tidy_ring(&raw, r, shared, &tidy);
  if (rc == 0)
    rc = emit_rings(&tidy, o->shift, out);
  ring_list_free(&raw);
  ring_list_free(&tidy);
  free(shared);
  return rc;
}

/* ---- the operation ---------------------------------------------------------------- */

/* Checks every polygon and finds the largest coordinate among them. */
static int check_polygons(const cm_geom *const *in, size_t n, double *largest) {
  for (size_t i = 0; i < n; i++)
    if (in[i]->type != CM_GEOM_POLYGON || largest_coordinate(in[i], largest))
      return CM_EUSAGE;
  return 0;
}

static GEOSGeometry *combine(overlay *o, GEOSGeometry **g, size_t n, cm_bool_op op,
                             int all) {
  if (all) {
    GEOSGeometry *coll = GEOSGeom_createCollection_r(o->ctx, GEOS_GEOMETRYCOLLECTION,
                                                     g, (unsigned)n);
    if (!coll)
      return NULL;
    memset(g, 0, n * sizeof *g); /* the collection owns them now */
    GEOSGeometry *res = GEOSUnaryUnionPrec_r(o->ctx, coll, o->grid);
    GEOSGeom_destroy_r(o->ctx, coll);
    return res;
  }
  switch (op) {
  case CM_BOOL_INTERSECTION: return GEOSIntersectionPrec_r(o->ctx, g[0], g[1], o->grid);
  case CM_BOOL_UNION: return GEOSUnionPrec_r(o->ctx, g[0], g[1], o->grid);
  case CM_BOOL_DIFFERENCE: return GEOSDifferencePrec_r(o->ctx, g[0], g[1], o->grid);
  default: return GEOSSymDifferencePrec_r(o->ctx, g[0], g[1], o->grid);
  }
}

/* in[0] op in[1], or with all set the union of all n, into out. */
static int run_overlay(overlay *o, const cm_geom *const *in, size_t n,
                       cm_bool_op op, int all, cm_geom *out) {
  GEOSGeometry **g = calloc(n + 1, sizeof *g), *res = NULL;
  int rc = g ? 0 : CM_ENOMEM;
  for (size_t i = 0; i < n && rc == 0; i++)
    rc = to_geos(o, in[i], &g[i]);
  if (rc == 0) {
    res = combine(o, g, n, op, all);
    rc = res ? 0 : o->failed ? CM_EDATA : CM_ENOMEM;
  }
  if (rc == 0)
    rc = from_geos(o, res, out);
  for (size_t i = 0; g && i < n; i++)
    if (g[i])
      GEOSGeom_destroy_r(o->ctx, g[i]);
  free(g);
  if (res)
    GEOSGeom_destroy_r(o->ctx, res);
  return rc;
}

/* An overlay on the grid of coordinates up to largest in size, or NULL
 * when out of memory. */
static overlay *overlay_new(double largest) {
  overlay *o = calloc(1, sizeof *o);
  if (!o)
    return NULL;
  o->shift = grid_shift(largest);
  o->grid = ldexp(1, -o->shift);
  o->ctx = GEOS_init_r();
  if (!o->ctx) {
    free(o);
    return NULL;
  }
  GEOSContext_setErrorMessageHandler_r(o->ctx, note_error, o);
  return o;
}

cm_overlay *cm_overlay_new(double range) {
  return isfinite(range) && range > 0 ? overlay_new(range) : NULL;
}

void cm_overlay_free(cm_overlay *o) {
  if (!o)
    return;
  GEOS_finish_r(o->ctx);
  free(o);
}

/* Checks the arguments, then runs the overlay on o's grid; out is empty
 * on failure. A polygon too large for the grid (its points would not all
 * be on it) is refused. */
static int overlay_run(overlay *o, const cm_geom *const *in, size_t n,
                       cm_bool_op op, int all, cm_geom *out) {
  cm_geom work;
  cm_geom_init(&work, CM_GEOM_POLYGON);
  double largest = 0;
  int rc = check_polygons(in, n, &largest);
  if (rc == 0 && largest > 0 && grid_shift(largest) < o->shift)
    rc = CM_EUSAGE;
  if (op != CM_BOOL_INTERSECTION && op != CM_BOOL_UNION &&
      op != CM_BOOL_DIFFERENCE && op != CM_BOOL_XOR)
    rc = CM_EUSAGE;
  o->failed = 0;
  if (rc == 0)
    rc = run_overlay(o, in, n, op, all, &work);
  if (rc < 0)
    cm_geom_free(&work);
  *out = work;
  return rc;
}

/* One operation on an overlay of its own, on the grid of its inputs. */
static int overlay_once(const cm_geom *const *in, size_t n, cm_bool_op op, int all,
                        cm_geom *out) {
  double largest = 0;
  cm_geom_init(out, CM_GEOM_POLYGON);
  if (check_polygons(in, n, &largest))
    return CM_EUSAGE;
  overlay *o = overlay_new(largest);
  if (!o)
    return CM_ENOMEM;
  int rc = overlay_run(o, in, n, op, all, out);
  cm_overlay_free(o);
  return rc;
}

int cm_overlay_boolean(cm_overlay *o, const cm_geom *a, const cm_geom *b,
                       cm_bool_op op, cm_geom *out) {
  const cm_geom *in[2] = {a, b};
  return overlay_run(o, in, 2, op, 0, out);
}

int cm_overlay_union(cm_overlay *o, const cm_geom *const *parts, size_t n,
                     cm_geom *out) {
  return overlay_run(o, parts, n, CM_BOOL_UNION, 1, out);
}

int cm_geom_boolean(const cm_geom *a, const cm_geom *b, cm_bool_op op,
                    cm_geom *out) {
  const cm_geom *in[2] = {a, b};
  return overlay_once(in, 2, op, 0, out);
}

int cm_geom_union_all(const cm_geom *const *parts, size_t n, cm_geom *out) {
  return overlay_once(parts, n, CM_BOOL_UNION, 1, out);
}
