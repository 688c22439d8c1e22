/* Cutting the outlines of two polygons into edges that meet only at their
 * ends, by iterated snap rounding on the integer grid.
 *
 * Each grid point is the centre of a half-open unit square, its pixel. A
 * pixel is hot when an edge ends in it or two edges cross in it. Every
 * edge is then bent through the centre of each hot pixel it passes, in the
 * order it passes them. Snap rounding can not make edges cross, and the
 * rounds repeat (a bent piece may pass a hot pixel the straight edge
 * missed) until nothing changes. Afterwards edges that lie along each
 * other have become the same pieces, an end lying on an edge has cut it,
 * and all of it was decided exactly.
 *
 * Finding crossings and pixels sweeps along x, keeping the edges (or
 * pixels) whose x range is reached: n log n for sorting plus, per edge,
 * the edges that a vertical line through it meets, which for polygon
 * outlines is a handful. */

#include "geom_bool.h"
#include "controlmap/error.h"

#include <stdlib.h>
#include <string.h>

/* Rounds of snapping after which the edges are taken as they are; real
 * outlines settle in two or three. */
#define MAX_ROUNDS 64

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* ---- crossings -------------------------------------------------------------------- */

/* Edges that cross at one point inside both; touching at an end or lying
 * along each other is left to the pixels. */
static int cross_properly(const overlay_edge *e, const overlay_edge *f) {
  int o1 = overlay_orient(e->p, e->q, f->p), o2 = overlay_orient(e->p, e->q, f->q);
  if (o1 * o2 >= 0)
    return 0;
  int o3 = overlay_orient(f->p, f->q, e->p), o4 = overlay_orient(f->p, f->q, e->q);
  return o3 * o4 < 0;
}

/* floor(n / d) for d > 0; C division truncates towards zero. */
static overlay_wide floor_div(overlay_wide n, overlay_wide d) {
  overlay_wide q = n / d;
  return n % d != 0 && n < 0 ? q - 1 : q;
}

/* The offset t * r rounded half up, t = num / den with 0 < t < 1, so the
 * result is the centre of the half-open pixel that holds the crossing.
 * Sizes: r up to 2^41, num below den below 2^83, so 2 num r stays below
 * 2^125. */
static int64_t round_offset(overlay_wide num, overlay_wide den, int64_t r) {
  return (int64_t)floor_div(2 * num * r + den, 2 * den);
}

/* The grid point nearest the crossing of two edges that cross properly. */
static overlay_point crossing(const overlay_edge *e, const overlay_edge *f) {
  int64_t rx = e->q.x - e->p.x, ry = e->q.y - e->p.y;
  int64_t sx = f->q.x - f->p.x, sy = f->q.y - f->p.y;
  overlay_wide den = (overlay_wide)rx * sy - (overlay_wide)ry * sx;
  overlay_wide num = (overlay_wide)(f->p.x - e->p.x) * sy -
                     (overlay_wide)(f->p.y - e->p.y) * sx;
  if (den < 0) {
    den = -den;
    num = -num;
  }
  overlay_point c = {e->p.x + round_offset(num, den, rx),
                     e->p.y + round_offset(num, den, ry)};
  return c;
}

typedef struct keyed {
  int64_t key;
  size_t index;
} keyed;

static int by_key(const void *pa, const void *pb) {
  const keyed *a = pa, *b = pb;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

/* Edges in the order of their left ends; NULL when memory is short. */
static keyed *by_left_end(const overlay_edges *edges) {
  keyed *order = malloc((edges->n ? edges->n : 1) * sizeof *order);
  for (size_t i = 0; order && i < edges->n; i++) {
    order[i].key = min64(edges->items[i].p.x, edges->items[i].q.x);
    order[i].index = i;
  }
  if (order)
    qsort(order, edges->n, sizeof *order, by_key);
  return order;
}

static int y_ranges_meet(const overlay_edge *e, const overlay_edge *f) {
  return min64(e->p.y, e->q.y) <= max64(f->p.y, f->q.y) &&
         min64(f->p.y, f->q.y) <= max64(e->p.y, e->q.y);
}

/* Compares edge k with the edges still reached by the sweep, dropping
 * those left behind; every proper crossing adds its pixel. */
static int meet_active(const overlay_edges *edges, size_t k, size_t *active,
                       size_t *nactive, overlay_points *pixels) {
  const overlay_edge *e = &edges->items[k];
  int64_t left = min64(e->p.x, e->q.x);
  for (size_t j = 0; j < *nactive;) {
    const overlay_edge *f = &edges->items[active[j]];
    if (max64(f->p.x, f->q.x) < left) {
      active[j] = active[--*nactive];
      continue;
    }
    if (y_ranges_meet(e, f) && cross_properly(e, f) &&
        overlay_push_point(pixels, crossing(e, f)))
      return CM_ENOMEM;
    j++;
  }
  active[(*nactive)++] = k;
  return 0;
}

static int add_crossings(const overlay_edges *edges, overlay_points *pixels) {
  keyed *order = by_left_end(edges);
  size_t *active = malloc((edges->n ? edges->n : 1) * sizeof *active);
  size_t nactive = 0;
  int rc = order && active ? 0 : CM_ENOMEM;
  for (size_t i = 0; rc == 0 && i < edges->n; i++)
    rc = meet_active(edges, order[i].index, active, &nactive, pixels);
  free(order);
  free(active);
  return rc;
}

/* ---- pixels ----------------------------------------------------------------------- */

static int by_position(const void *pa, const void *pb) {
  return overlay_compare(*(const overlay_point *)pa, *(const overlay_point *)pb);
}

static void sort_unique(overlay_points *pts) {
  if (pts->n == 0)
    return;
  qsort(pts->items, pts->n, sizeof *pts->items, by_position);
  size_t k = 1;
  for (size_t i = 1; i < pts->n; i++)
    if (!overlay_same(pts->items[i], pts->items[k - 1]))
      pts->items[k++] = pts->items[i];
  pts->n = k;
}

/* A bound on the parameter t along an edge: num / den with den > 0, and
 * whether t itself is excluded. */
typedef struct bound {
  overlay_wide num, den;
  int open;
} bound;

static int bound_compare(bound a, bound b) {
  overlay_wide l = a.num * b.den, r = b.num * a.den;
  return (l > r) - (l < r);
}

static void raise_lower(bound *lower, bound b) {
  int c = bound_compare(b, *lower);
  if (c > 0 || (c == 0 && b.open))
    *lower = b;
}

static void cut_upper(bound *upper, bound b) {
  int c = bound_compare(b, *upper);
  if (c < 0 || (c == 0 && b.open))
    *upper = b;
}

/* Narrows [lower, upper] to where start + t d lies in [lo, hi); returns 0
 * when no t is left whatever the other axis says. */
static int clip_axis(int64_t start, int64_t d, int64_t lo, int64_t hi,
                     bound *lower, bound *upper) {
  if (d == 0)
    return start >= lo && start < hi;
  if (d > 0) {
    raise_lower(lower, (bound){lo - start, d, 0});
    cut_upper(upper, (bound){hi - start, d, 1});
  } else {
    cut_upper(upper, (bound){start - lo, -d, 0});
    raise_lower(lower, (bound){start - hi, -d, 1});
  }
  return 1;
}

/* Whether edge e meets the half-open pixel centred on c. In doubled
 * coordinates the pixel is [2c-1, 2c+1) on both axes, all integers. */
static int passes_pixel(const overlay_edge *e, overlay_point c) {
  int64_t px = 2 * e->p.x, py = 2 * e->p.y;
  int64_t dx = 2 * e->q.x - px, dy = 2 * e->q.y - py;
  bound lower = {0, 1, 0}, upper = {1, 1, 0};
  if (!clip_axis(px, dx, 2 * c.x - 1, 2 * c.x + 1, &lower, &upper) ||
      !clip_axis(py, dy, 2 * c.y - 1, 2 * c.y + 1, &lower, &upper))
    return 0;
  int order = bound_compare(lower, upper);
  return order < 0 || (order == 0 && !lower.open && !upper.open);
}

/* ---- bending edges through hot pixels --------------------------------------------- */

/* A hot pixel an edge passes, with how far along the edge it lies. An edge
 * runs through pixels monotonically in x and in y, so this distance grows
 * strictly in the order the edge meets them. */
typedef struct stop {
  overlay_wide along;
  overlay_point at;
} stop;

typedef struct stops {
  stop *items;
  size_t n, cap;
} stops;

static int by_along(const void *pa, const void *pb) {
  const stop *a = pa, *b = pb;
  return (a->along > b->along) - (a->along < b->along);
}

/* The first pixel at or right of x (pixels are sorted). */
static size_t first_from(const overlay_points *pixels, int64_t x) {
  size_t lo = 0, hi = pixels->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (pixels->items[mid].x < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* The hot pixels edge e passes, in order. Only pixels centred within the
 * edge's box can be met, its ends being grid points. */
static int find_stops(const overlay_edge *e, const overlay_points *pixels,
                      stops *found) {
  int64_t x0 = min64(e->p.x, e->q.x), x1 = max64(e->p.x, e->q.x);
  int64_t y0 = min64(e->p.y, e->q.y), y1 = max64(e->p.y, e->q.y);
  int64_t dx = e->q.x - e->p.x, dy = e->q.y - e->p.y;
  found->n = 0;
  for (size_t i = first_from(pixels, x0);
       i < pixels->n && pixels->items[i].x <= x1; i++) {
    overlay_point c = pixels->items[i];
    if (c.y < y0 || c.y > y1 || !passes_pixel(e, c))
      continue;
    if (overlay_grow((void **)&found->items, &found->cap, found->n + 1,
                     sizeof *found->items))
      return CM_ENOMEM;
    found->items[found->n].along = (overlay_wide)(c.x - e->p.x) * dx +
                                   (overlay_wide)(c.y - e->p.y) * dy;
    found->items[found->n++].at = c;
  }
  qsort(found->items, found->n, sizeof *found->items, by_along);
  return 0;
}

/* Edge e bent through its stops into out; *changed is set when it bends. */
static int bend(const overlay_edge *e, const stops *found, overlay_edges *out,
                int *changed) {
  if (found->n <= 2)
    return overlay_push_edge(out, *e);
  *changed = 1;
  for (size_t i = 0; i + 1 < found->n; i++) {
    overlay_edge piece = {found->items[i].at, found->items[i + 1].at, e->owner};
    if (overlay_push_edge(out, piece))
      return CM_ENOMEM;
  }
  return 0;
}

/* One round: every edge bent through the hot pixels; edges becomes the
 * pieces. */
static int bend_all(overlay_edges *edges, const overlay_points *pixels,
                    int *changed) {
  overlay_edges out = {NULL, 0, 0};
  stops found = {NULL, 0, 0};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < edges->n; i++) {
    rc = find_stops(&edges->items[i], pixels, &found);
    if (rc == 0)
      rc = bend(&edges->items[i], &found, &out, changed);
  }
  free(found.items);
  if (rc < 0) {
    free(out.items);
    return rc;
  }
  free(edges->items);
  *edges = out;
  return 0;
}

/* ---- merging pieces --------------------------------------------------------------- */

static int by_ends(const void *pa, const void *pb) {
  const overlay_edge *a = pa, *b = pb;
  int c = overlay_compare(a->p, b->p);
  return c ? c : overlay_compare(a->q, b->q);
}

/* Pieces lying on one another become one, whose owner bits say which
 * insides crossing it switches (even-odd: two pieces of a cancel out). */
static void merge_pieces(overlay_edges *edges) {
  for (size_t i = 0; i < edges->n; i++) {
    overlay_edge *e = &edges->items[i];
    if (overlay_compare(e->q, e->p) < 0) {
      overlay_point t = e->p;
      e->p = e->q;
      e->q = t;
    }
  }
  if (edges->n)
    qsort(edges->items, edges->n, sizeof *edges->items, by_ends);
  size_t k = 0;
  for (size_t i = 0; i < edges->n;) {
    overlay_edge e = edges->items[i++];
    while (i < edges->n && by_ends(&e, &edges->items[i]) == 0)
      e.owner ^= edges->items[i++].owner;
    if (e.owner)
      edges->items[k++] = e;
  }
  edges->n = k;
}

/* ---- the whole cutting ------------------------------------------------------------ */

static int add_ends(const overlay_edges *edges, overlay_points *pixels) {
  for (size_t i = 0; i < edges->n; i++)
    if (overlay_push_point(pixels, edges->items[i].p) ||
        overlay_push_point(pixels, edges->items[i].q))
      return CM_ENOMEM;
  sort_unique(pixels);
  return 0;
}

/* One round of snapping; *changed says whether it found anything to do. */
static int snap_round(overlay_edges *edges, overlay_points *pixels,
                      int *changed) {
  size_t before = pixels->n;
  int rc = add_crossings(edges, pixels);
  if (rc < 0)
    return rc;
  sort_unique(pixels);
  *changed = pixels->n != before;
  return bend_all(edges, pixels, changed);
}

int overlay_node(overlay_edges *edges) {
  overlay_points pixels = {NULL, 0, 0};
  int rc = add_ends(edges, &pixels);
  int changed = 1;
  for (int round = 0; rc == 0 && changed && round < MAX_ROUNDS; round++)
    rc = snap_round(edges, &pixels, &changed);
  free(pixels.items);
  if (rc == 0)
    merge_pieces(edges);
  return rc;
}
