#ifndef CONTROLMAP_GEOM_BOOL_H
#define CONTROLMAP_GEOM_BOOL_H

/* The inside of the polygon boolean operations, shared by geom_bool.c (the
 * public call, the grid), geom_bool_node.c (cutting the outlines of both
 * polygons into edges that only meet at their ends) and geom_bool_rings.c
 * (which side of every edge lies in which polygon, and the outline of the
 * result).
 *
 * All the work is done on a grid of integers: coordinates are at most
 * OVERLAY_GRID_MAX in size, so every test below (which side of a line a
 * point lies, where two edges cross) is exact in 128-bit integers. */

#include "controlmap/geom.h"

#include <stddef.h>
#include <stdint.h>

/* Grid coordinates stay within +-2^40: the crossing of two edges then
 * needs at most 125 bits (see overlay_crossing). */
#define OVERLAY_GRID_BITS 40
#define OVERLAY_GRID_MAX ((int64_t)1 << OVERLAY_GRID_BITS)

/* Which polygon an edge belongs to, and for a merged edge which insides it
 * switches when crossed: bit 0 for a, bit 1 for b. */
#define OVERLAY_IN_A 1u
#define OVERLAY_IN_B 2u

__extension__ typedef __int128 overlay_wide;

typedef struct overlay_point {
  int64_t x, y;
} overlay_point;

typedef struct overlay_edge {
  overlay_point p, q;
  unsigned owner; /* OVERLAY_IN_A and/or OVERLAY_IN_B */
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

/* Make room for need items of size bytes in *items (doubling *cap); 0 or
 * CM_ENOMEM, refusing byte counts that would not fit in size_t. */
int overlay_grow(void **items, size_t *cap, size_t need, size_t size);

int overlay_push_edge(overlay_edges *list, overlay_edge e);
int overlay_push_point(overlay_points *list, overlay_point p);

/* Cut the edges (snap rounding on the grid) until no two cross, none
 * passes through another's end and overlapping pieces coincide; then merge
 * coinciding pieces, keeping in owner the insides that crossing the piece
 * switches, and drop pieces that switch nothing. Returns 0 or CM_ENOMEM. */
int overlay_node(overlay_edges *edges);

/* The outline of the ground selected by op, from noded edges: rings that
 * do not cross and do not touch themselves, without points where the
 * outline runs straight on. rings must start empty; 0 or CM_ENOMEM. */
int overlay_trace(const overlay_edges *edges, cm_bool_op op,
                  overlay_rings *rings);

void overlay_rings_free(overlay_rings *rings);

#endif
