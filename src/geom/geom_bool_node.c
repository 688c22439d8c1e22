/* Cutting the outlines of two polygons into edges that meet only at their
 * ends, by iterated snap rounding on the integer grid.
 *
 * Each grid point is the centre of a half-open unit square, its pixel. A
 * pixel is hot when an edge ends in it or two edges cross in it. Every
 * edge is then bent through the centre of each hot pixel it passes, in the
 * order it passes them. Snap rounding cannot make edges cross, and the
 * rounds repeat (a bent piece may pass a hot pixel the straight edge
 * missed) until nothing changes. Afterwards edges that lie along each
 * other have become the same pieces, an end lying on an edge has cut it,
 * and all of it was decided exactly.
 *
 * Crossings and pixels are looked for only among the edges and pixels
 * filed in the buckets along each edge (geom_bool_buckets.c), so a round
 * costs n log n for sorting plus the pairs that share a bucket. After the
 * first round only edges made or cut in the last one can meet anything
 * new. */

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

/* t r rounded half up, for t = num / den with 0 < num < den: the centre
 * of the half-open pixel holding the crossing. num r itself could need
 * 165 bits, so the quotient is built 16 bits of r at a time, keeping the
 * remainder below den (under 2^110, so shifting it by 16 bits fits). */
static int64_t round_offset(overlay_wide num, overlay_wide den, int64_t r) {
  uint64_t m = r < 0 ? 0 - (uint64_t)r : (uint64_t)r;
  int64_t q = 0;
  overlay_wide rest = 0;
  for (int shift = 48; shift >= 0; shift -= 16) {
    rest = rest * 65536 + num * (overlay_wide)((m >> shift) & 0xffff);
    q = q * 65536 + (int64_t)(rest / den);
    rest %= den;
  }
  /* floor(q + f + 1/2) going up, floor(-q - f + 1/2) going down */
  if (r >= 0)
    return q + (2 * rest >= den);
  return -q - (2 * rest > den);
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

static int boxes_meet(const overlay_edge *e, const overlay_edge *f) {
  return min64(e->p.x, e->q.x) <= max64(f->p.x, f->q.x) &&
         min64(f->p.x, f->q.x) <= max64(e->p.x, e->q.x) &&
         min64(e->p.y, e->q.y) <= max64(f->p.y, f->q.y) &&
         min64(f->p.y, f->q.y) <= max64(e->p.y, e->q.y);
}

/* Compares the edges filed in one bucket pairwise; every proper crossing
 * adds its pixel. Two edges that were both there, unchanged, in the last
 * round were compared then. A pair sharing several buckets is compared in
 * each, which only repeats a pixel. */
static int cross_in_bucket(const overlay_edges *edges, const size_t *ids,
                           size_t n, overlay_points *pixels) {
  for (size_t i = 0; i < n; i++) {
    const overlay_edge *e = &edges->items[ids[i]];
    for (size_t j = i + 1; j < n; j++) {
      const overlay_edge *f = &edges->items[ids[j]];
      if ((e->fresh || f->fresh) && boxes_meet(e, f) && cross_properly(e, f) &&
          overlay_push_point(pixels, crossing(e, f)))
        return CM_ENOMEM;
    }
  }
  return 0;
}

static int add_crossings(const overlay_edges *edges, overlay_buckets *b,
                         overlay_points *pixels) {
  int rc = overlay_file_edges(b, edges);
  for (size_t k = 0; rc == 0 && k < b->nbuckets; k++)
    rc = cross_in_bucket(edges, b->entries + b->first[k],
                         b->first[k + 1] - b->first[k], pixels);
  return rc;
}

/* ---- hot pixels -------------------------------------------------------------------- */

static int by_position(const void *pa, const void *pb) {
  return overlay_compare(*(const overlay_point *)pa, *(const overlay_point *)pb);
}

/* Sorts the points in sweep order and drops repeats. */
static int sort_unique(overlay_points *pts) {
  size_t n = pts->n;
  overlay_sort_item *order = malloc((n ? n : 1) * sizeof *order);
  overlay_point *sorted = malloc((n ? n : 1) * sizeof *sorted);
  int rc = order && sorted ? 0 : CM_ENOMEM;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    order[i].key = overlay_point_key(pts->items[i]);
    order[i].index = i;
  }
  if (rc == 0)
    rc = overlay_sort(order, n);
  size_t k = 0;
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (k == 0 || order[i].key != order[i - 1].key)
      sorted[k++] = pts->items[order[i].index];
  free(order);
  if (rc < 0) {
    free(sorted);
    return rc;
  }
  free(pts->items);
  pts->items = sorted;
  pts->cap = n ? n : 1;
  pts->n = k;
  return 0;
}

/* Pixels from sorted on were just added: they are sorted on their own and
 * merged in, the rest being sorted already. */
static int settle_pixels(overlay_points *pixels, size_t sorted) {
  size_t n = pixels->n;
  if (n == sorted)
    return 0;
  overlay_point *all = pixels->items, *merged = malloc(n * sizeof *merged);
  if (!merged)
    return CM_ENOMEM;
  qsort(all + sorted, n - sorted, sizeof *all, by_position);
  size_t i = 0, j = sorted, k = 0;
  while (i < sorted || j < n) {
    int from_old = j == n || (i < sorted && overlay_compare(all[i], all[j]) <= 0);
    overlay_point p = from_old ? all[i++] : all[j++];
    if (k == 0 || !overlay_same(p, merged[k - 1]))
      merged[k++] = p;
  }
  free(all);
  pixels->items = merged;
  pixels->cap = n;
  pixels->n = k;
  return 0;
}

/* ---- bending edges through hot pixels --------------------------------------------- */

/* Edge e bent through its stops into out; *changed is set when it bends. */
static int bend(const overlay_edge *e, const overlay_stops *found,
                overlay_edges *out, int *changed) {
  if (found->n <= 2) {
    overlay_edge same = *e;
    same.fresh = 0;
    return overlay_push_edge(out, same);
  }
  *changed = 1;
  for (size_t i = 0; i + 1 < found->n; i++) {
    overlay_edge piece = {found->items[i].at, found->items[i + 1].at, e->owner, 1};
    if (overlay_push_edge(out, piece))
      return CM_ENOMEM;
  }
  return 0;
}

/* One round: every edge bent through the hot pixels; edges becomes the
 * pieces. With no new pixels, only fresh edges can meet one they missed. */
static int bend_all(overlay_edges *edges, overlay_buckets *b,
                    const overlay_points *pixels, int new_pixels, int *changed) {
  overlay_edges out = {NULL, 0, 0};
  overlay_stops found = {NULL, 0, 0};
  overlay_ids along = {NULL, 0, 0};
  int rc = overlay_file_points(b, pixels);
  for (size_t i = 0; rc == 0 && i < edges->n; i++) {
    found.n = 0;
    if (new_pixels || edges->items[i].fresh)
      rc = overlay_find_stops(b, pixels->items, &edges->items[i], &along, &found);
    if (rc == 0)
      rc = bend(&edges->items[i], &found, &out, changed);
  }
  free(found.items);
  free(along.items);
  if (rc < 0) {
    free(out.items);
    return rc;
  }
  free(edges->items);
  *edges = out;
  return 0;
}

/* ---- merging pieces --------------------------------------------------------------- */

/* Every edge turned to run in sweep order, so equal pieces look equal. */
static void turn_left_to_right(overlay_edges *edges) {
  for (size_t i = 0; i < edges->n; i++) {
    overlay_edge *e = &edges->items[i];
    if (overlay_compare(e->q, e->p) < 0) {
      overlay_point t = e->p;
      e->p = e->q;
      e->q = t;
    }
  }
}

/* Edges turned to run left to right, in the order of (p, q): a stable
 * sort by q and then by p. */
static int sort_by_ends(overlay_edges *edges) {
  size_t n = edges->n;
  overlay_sort_item *order = malloc((n ? n : 1) * sizeof *order);
  overlay_edge *sorted = malloc((n ? n : 1) * sizeof *sorted);
  int rc = order && sorted ? 0 : CM_ENOMEM;
  turn_left_to_right(edges);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    order[i].key = overlay_point_key(edges->items[i].q);
    order[i].index = i;
  }
  if (rc == 0)
    rc = overlay_sort(order, n);
  for (size_t i = 0; rc == 0 && i < n; i++)
    order[i].key = overlay_point_key(edges->items[order[i].index].p);
  if (rc == 0)
    rc = overlay_sort(order, n);
  for (size_t i = 0; rc == 0 && i < n; i++)
    sorted[i] = edges->items[order[i].index];
  free(order);
  if (rc < 0) {
    free(sorted);
    return rc;
  }
  free(edges->items);
  edges->items = sorted;
  edges->cap = n ? n : 1;
  return 0;
}

/* Pieces lying on one another become one, whose owner bits say which
 * insides crossing it switches (even-odd: two pieces of a cancel out). */
static int merge_pieces(overlay_edges *edges) {
  int rc = sort_by_ends(edges);
  if (rc < 0)
    return rc;
  size_t k = 0;
  for (size_t i = 0; i < edges->n;) {
    overlay_edge e = edges->items[i++];
    while (i < edges->n && overlay_same(e.p, edges->items[i].p) &&
           overlay_same(e.q, edges->items[i].q))
      e.owner ^= edges->items[i++].owner;
    if (e.owner)
      edges->items[k++] = e;
  }
  edges->n = k;
  return 0;
}

/* ---- the whole cutting ------------------------------------------------------------ */

static int add_ends(const overlay_edges *edges, overlay_points *pixels) {
  for (size_t i = 0; i < edges->n; i++)
    if (overlay_push_point(pixels, edges->items[i].p) ||
        overlay_push_point(pixels, edges->items[i].q))
      return CM_ENOMEM;
  return sort_unique(pixels);
}

/* One round of snapping; *changed says whether it found anything to do.
 * The buckets follow the pixels there were at the start (every edge's
 * ends among them); pixels found on the way go in the same buckets. */
static int snap_round(overlay_edges *edges, overlay_points *pixels,
                      int *changed) {
  size_t before = pixels->n;
  overlay_buckets b;
  int rc = overlay_lay_out(&b, pixels);
  if (rc == 0)
    rc = add_crossings(edges, &b, pixels);
  if (rc == 0)
    rc = settle_pixels(pixels, before);
  *changed = pixels->n != before;
  if (rc == 0)
    rc = bend_all(edges, &b, pixels, *changed, changed);
  overlay_buckets_free(&b);
  return rc;
}

int overlay_node(overlay_edges *edges, overlay_points *pixels) {
  int rc = add_ends(edges, pixels);
  int changed = 1;
  for (int round = 0; rc == 0 && changed && round < MAX_ROUNDS; round++)
    rc = snap_round(edges, pixels, &changed);
  if (rc == 0)
    rc = merge_pieces(edges);
  return rc;
}
