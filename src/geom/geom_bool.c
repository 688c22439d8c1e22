/* Boolean operations on polygons: the public call and the grid.
 *
 * The outlines of both polygons are put on an integer grid, cut into
 * edges that only meet at their ends (geom_bool_node.c), and the outline of
 * the wanted ground is traced along the edges that have it on one side only
 * (geom_bool_rings.c). Every decision is exact on the grid, so neighbouring
 * districts whose shared edges have identical points stay exactly shared:
 * no slivers, no gaps, whatever the order of the operations. */

#include "geom_bool.h"
#include "controlmap/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- storage ---------------------------------------------------------------------- */

int overlay_push_edge(overlay_edges *list, overlay_edge e) {
  if (cm__grow((void **)&list->items, &list->cap, list->n + 1,
                sizeof *list->items))
    return CM_ENOMEM;
  list->items[list->n++] = e;
  return 0;
}

int overlay_push_point(overlay_points *list, overlay_point p) {
  if (cm__grow((void **)&list->items, &list->cap, list->n + 1,
                sizeof *list->items))
    return CM_ENOMEM;
  list->items[list->n++] = p;
  return 0;
}

void overlay_rings_free(overlay_rings *rings) {
  free(rings->points.items);
  free(rings->starts);
}

/* ---- sorting ---------------------------------------------------------------------- */

/* Sorting is much of the work, and glibc's qsort copies every element
 * through memcpy and compares through a pointer; a merge sort on plain
 * keys is several times faster. Runs of SHORT_RUN are sorted in place
 * first. */
#define SHORT_RUN 16

static void insertion_sort(overlay_sort_item *items, size_t n) {
  for (size_t i = 1; i < n; i++) {
    overlay_sort_item item = items[i];
    size_t j = i;
    for (; j > 0 && items[j - 1].key > item.key; j--)
      items[j] = items[j - 1];
    items[j] = item;
  }
}

static void merge_runs(const overlay_sort_item *from, size_t lo, size_t mid,
                       size_t hi, overlay_sort_item *to) {
  size_t i = lo, j = mid, k = lo;
  while (i < mid && j < hi)
    to[k++] = from[j].key < from[i].key ? from[j++] : from[i++];
  while (i < mid)
    to[k++] = from[i++];
  while (j < hi)
    to[k++] = from[j++];
}

static size_t at_most(size_t a, size_t n) { return a < n ? a : n; }

int overlay_sort(overlay_sort_item *items, size_t n) {
  for (size_t lo = 0; lo < n; lo += SHORT_RUN)
    insertion_sort(items + lo, at_most(SHORT_RUN, n - lo));
  if (n <= SHORT_RUN)
    return 0;
  overlay_sort_item *scratch = malloc(n * sizeof *scratch);
  if (!scratch)
    return CM_ENOMEM;
  overlay_sort_item *from = items, *to = scratch;
  for (size_t width = SHORT_RUN; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width)
      merge_runs(from, lo, at_most(lo + width, n), at_most(lo + 2 * width, n), to);
    overlay_sort_item *t = from;
    from = to;
    to = t;
  }
  if (from != items)
    memcpy(items, from, n * sizeof *items);
  free(scratch);
  return 0;
}

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

/* Grid steps are a power of two, 2^-shift, chosen so the largest
 * coordinate is below 2^OVERLAY_GRID_BITS steps: going to the grid and
 * back only rounds, never distorts, and points already on the grid come
 * back bit for bit. */
static int grid_shift(double largest) {
  if (!(largest > 0))
    return 0;
  int e;
  frexp(largest, &e); /* largest < 2^e */
  return OVERLAY_GRID_BITS - e;
}

static overlay_point to_grid(cm_point p, int shift) {
  overlay_point g = {(int64_t)nearbyint(ldexp(p.x, shift)),
                     (int64_t)nearbyint(ldexp(p.y, shift))};
  return g;
}

/* Every edge of every ring of g, the closing one included whether or not
 * the ring repeats its first point; edges that shrink to a point on the
 * grid are left out. */
static int add_outline(overlay_edges *edges, const cm_geom *g, unsigned owner,
                       int shift) {
  for (size_t r = 0; r < g->nparts; r++) {
    const cm_point *pts = cm_geom_part(g, r);
    size_t n = cm_geom_part_size(g, r);
    for (size_t i = 0; i < n; i++) {
      overlay_edge e = {to_grid(pts[i], shift),
                        to_grid(pts[(i + 1) % n], shift), owner, 1};
      if (!overlay_same(e.p, e.q) && overlay_push_edge(edges, e))
        return CM_ENOMEM;
    }
  }
  return 0;
}

/* The traced rings as closed polygon parts, back in the caller's units. */
static int rings_to_geom(const overlay_rings *rings, int shift, cm_geom *out) {
  for (size_t r = 0; r < rings->nrings; r++) {
    size_t end = r + 1 < rings->nrings ? rings->starts[r + 1]
                                       : rings->points.n;
    size_t first = rings->starts[r];
    if (cm_geom_begin_part(out))
      return CM_ENOMEM;
    for (size_t i = first; i <= end; i++) {
      overlay_point p = rings->points.items[i < end ? i : first];
      if (cm_geom_add_point(out, ldexp((double)p.x, -shift),
                            ldexp((double)p.y, -shift)))
        return CM_ENOMEM;
    }
  }
  return 0;
}

/* ---- the operation ---------------------------------------------------------------- */

static int check_arguments(const cm_geom *a, const cm_geom *b, cm_bool_op op,
                           double *largest) {
  if (a->type != CM_GEOM_POLYGON || b->type != CM_GEOM_POLYGON)
    return CM_EUSAGE;
  if (op != CM_BOOL_INTERSECTION && op != CM_BOOL_UNION &&
      op != CM_BOOL_DIFFERENCE && op != CM_BOOL_XOR)
    return CM_EUSAGE;
  if (largest_coordinate(a, largest) || largest_coordinate(b, largest))
    return CM_EUSAGE;
  return 0;
}

int cm_geom_boolean(const cm_geom *a, const cm_geom *b, cm_bool_op op,
                    cm_geom *out) {
  cm_geom work;
  cm_geom_init(&work, CM_GEOM_POLYGON);
  double largest = 0;
  int rc = check_arguments(a, b, op, &largest);
  int shift = grid_shift(largest);
  overlay_edges edges = {NULL, 0, 0};
  overlay_points pixels = {NULL, 0, 0};
  overlay_rings rings = {{NULL, 0, 0}, NULL, 0, 0};
  if (rc == 0)
    rc = add_outline(&edges, a, OVERLAY_IN_A, shift);
  if (rc == 0)
    rc = add_outline(&edges, b, OVERLAY_IN_B, shift);
  if (rc == 0)
    rc = overlay_node(&edges, &pixels);
  if (rc == 0)
    rc = overlay_trace(&edges, &pixels, op, &rings);
  if (rc == 0)
    rc = rings_to_geom(&rings, shift, &work);
  free(edges.items);
  free(pixels.items);
  overlay_rings_free(&rings);
  if (rc < 0)
    cm_geom_free(&work);
  *out = work;
  return rc;
}
