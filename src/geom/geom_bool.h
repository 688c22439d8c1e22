#ifndef CONTROLMAP_GEOM_BOOL_H
#define CONTROLMAP_GEOM_BOOL_H

/* The inside of the polygon boolean operations, shared by geom_bool.c (the
 * public call, the grid, sorting), geom_bool_node.c (cutting the outlines
 * of both polygons into edges that only meet at their ends),
 * geom_bool_buckets.c (finding what lies along an edge) and
 * geom_bool_rings.c (which side of every edge lies in which polygon, and
 * the outline of the result).
 *
 * All the work is done on a grid of integers: coordinates are at most
 * OVERLAY_GRID_MAX in size, so every test (which side of a line a point
 * lies, whether an edge passes a pixel, where two edges cross) is exact in
 * 128-bit integers. */

#include "controlmap/geom.h"
#include "util_internal.h"

#include <stddef.h>
#include <stdint.h>

/* Grid coordinates stay within +-2^53, as many steps as a double has
 * digits, so coordinates of the largest binade are on the grid as they
 * are. Every product of two differences then fits in 111 bits. */
#define OVERLAY_GRID_BITS 53
#define OVERLAY_GRID_MAX ((int64_t)1 << OVERLAY_GRID_BITS)

/* Which polygon an edge belongs to, and for a merged edge which insides it
 * switches when crossed: bit 0 for a, bit 1 for b. */
#define OVERLAY_IN_A 1u
#define OVERLAY_IN_B 2u

__extension__ typedef __int128 overlay_wide;
__extension__ typedef unsigned __int128 overlay_key;

typedef struct overlay_point {
  int64_t x, y;
} overlay_point;

typedef struct overlay_edge {
  overlay_point p, q;
  unsigned owner; /* OVERLAY_IN_A and/or OVERLAY_IN_B */
  int fresh;      /* made or cut in the last round of snapping */
} overlay_edge;

typedef struct overlay_edges {
  overlay_edge *items;
  size_t n, cap;
} overlay_edges;

typedef struct overlay_points {
  overlay_point *items;
  size_t n, cap;
} overlay_points;

/* The rings of a result: points of every ring one after the other, and
 * where each ring starts. A ring does not repeat its first point. */
typedef struct overlay_rings {
  overlay_points points;
  size_t *starts;
  size_t nrings, cap_rings;
} overlay_rings;

/* Which side of the line a->b point c lies on: positive to the left,
 * negative to the right, zero on the line. Exact on the grid. */
static inline int overlay_orient(overlay_point a, overlay_point b,
                                 overlay_point c) {
  overlay_wide d = (overlay_wide)(b.x - a.x) * (c.y - a.y) -
                   (overlay_wide)(b.y - a.y) * (c.x - a.x);
  return (d > 0) - (d < 0);
}

static inline int overlay_same(overlay_point a, overlay_point b) {
  return a.x == b.x && a.y == b.y;
}

/* Lexicographic order (x, then y): the order of the sweeps. */
static inline int overlay_compare(overlay_point a, overlay_point b) {
  if (a.x != b.x)
    return a.x < b.x ? -1 : 1;
  return (a.y > b.y) - (a.y < b.y);
}

/* Something to sort by key: which item (index) and its place (key). */
typedef struct overlay_sort_item {
  overlay_key key;
  size_t index;
} overlay_sort_item;

/* Where a point comes in the sweep order (x, then y) as one number. */
static inline overlay_key overlay_point_key(overlay_point p) {
  uint64_t x = (uint64_t)(p.x + OVERLAY_GRID_MAX), y = (uint64_t)(p.y + OVERLAY_GRID_MAX);
  return (overlay_key)x << 64 | y;
}

/* Sorts items by key, keeping the order of equal keys; 0 or CM_ENOMEM. */
int overlay_sort(overlay_sort_item *items, size_t n);


int overlay_push_edge(overlay_edges *list, overlay_edge e);
int overlay_push_point(overlay_points *list, overlay_point p);

/* A hot pixel an edge passes, with how far along the edge it lies. An edge
 * runs through pixels monotonically in x and in y, so this distance grows
 * strictly in the order the edge meets them. */
typedef struct overlay_stop {
  overlay_wide along;
  overlay_point at;
} overlay_stop;

typedef struct overlay_stops {
  overlay_stop *items;
  size_t n, cap;
} overlay_stops;

/* A list of numbers: edges, pixels or buckets. */
typedef struct overlay_ids {
  size_t *items;
  size_t n, cap;
} overlay_ids;

int overlay_ids_push(overlay_ids *ids, size_t id);

/* Points or edges filed in buckets, so that an edge looks only at what
 * lies along it (geom_bool_buckets.c). Columns cut the plane in x, and
 * rows cut each column in y; a bucket is one row of one column. */
typedef struct overlay_buckets {
  size_t ncols, nbuckets;
  int64_t *col_x;   /* per column: where it starts in x (the first: anywhere) */
  size_t *col_row;  /* per column and one more: its first bucket */
  int64_t *row_y;   /* per bucket: where its row starts in y (a column's
                       first: anywhere) */
  size_t *first;    /* per bucket and one more: where its entries start */
  size_t *entries;  /* point or edge numbers, bucket by bucket */
} overlay_buckets;

/* Columns and rows that follow points (sorted in sweep order, such as
 * the hot pixels), about PER_BUCKET of them to a bucket; nothing filed
 * yet. The buckets cover the whole plane. 0 or CM_ENOMEM. */
int overlay_lay_out(overlay_buckets *b, const overlay_points *points);

/* Files each point in its bucket, in place of what was filed before;
 * 0 or CM_ENOMEM. */
int overlay_file_points(overlay_buckets *b, const overlay_points *points);

/* Files each edge in every bucket it may pass (a few more, never fewer),
 * in place of what was filed before; 0 or CM_ENOMEM. */
int overlay_file_edges(overlay_buckets *b, const overlay_edges *edges);

void overlay_buckets_free(overlay_buckets *b);

/* The buckets edge e may pass (never fewer), into ids; 0 or CM_ENOMEM. */
int overlay_buckets_along(const overlay_buckets *b, const overlay_edge *e,
                          overlay_ids *ids);

/* The hot pixels edge e passes, in the order it passes them (its own ends
 * first and last), into found, b having the pixels filed; along is
 * scratch. 0 or CM_ENOMEM. */
int overlay_find_stops(const overlay_buckets *b, const overlay_point *pixels,
                       const overlay_edge *e, overlay_ids *along,
                       overlay_stops *found);

/* Cut the edges (snap rounding on the grid) until no two cross, none
 * passes through another's end and overlapping pieces coincide; then merge
 * coinciding pieces, keeping in owner the insides that crossing the piece
 * switches, and drop pieces that switch nothing. pixels (empty at first)
 * gets every point an edge may end at, sorted, each once; the caller
 * frees its items. Returns 0 or CM_ENOMEM. */
int overlay_node(overlay_edges *edges, overlay_points *pixels);

/* The outline of the ground selected by op, from noded edges and the
 * pixels overlay_node gave: rings that do not cross and do not touch
 * themselves, without points where the outline runs straight on. rings
 * must start empty; 0 or CM_ENOMEM. */
int overlay_trace(const overlay_edges *edges, const overlay_points *pixels,
                  cm_bool_op op, overlay_rings *rings);

void overlay_rings_free(overlay_rings *rings);

#endif
