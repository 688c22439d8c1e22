#ifndef CONTROLMAP_GEOM_H
#define CONTROLMAP_GEOM_H

/* Geometry: points, lines and polygons as flat point arrays split into
 * parts, in whatever units the caller uses (lon/lat, map metres, page
 * points). A cm_geom is a value: the caller owns it and frees its arrays
 * with cm_geom_free. Polygons are filled with the even-odd rule, so ring
 * orientation does not matter and holes are rings inside rings. */

#include "controlmap/common.h"
#include <stddef.h>

CM_BEGIN_DECLS

typedef struct cm_point {
  double x, y;
} cm_point;

typedef struct cm_bbox {
  double minx, miny, maxx, maxy;
} cm_bbox;

typedef enum {
  CM_GEOM_NONE = 0,
  CM_GEOM_POINT = 1,   /* each part is one point */
  CM_GEOM_LINE = 2,    /* each part is an open polyline */
  CM_GEOM_POLYGON = 3  /* each part is a closed ring (first == last or not) */
} cm_geom_type;

typedef struct cm_geom {
  cm_geom_type type;
  cm_point *points;
  size_t npoints, cap_points;
  size_t *parts; /* index into points where each part starts */
  size_t nparts, cap_parts;
} cm_geom;

/* An empty geometry of a type (no allocation). */
CM_EXTERN void cm_geom_init(cm_geom *g, cm_geom_type type);

/* Free the arrays and reset g to empty; g itself is the caller's. */
CM_EXTERN void cm_geom_free(cm_geom *g);

/* Start a new part; returns 0 or CM_ENOMEM. */
CM_EXTERN int cm_geom_begin_part(cm_geom *g);

/* Append a point to the current part (a part is begun if there is none). */
CM_EXTERN int cm_geom_add_point(cm_geom *g, double x, double y);

/* Number of points in part i, and a pointer to its first point. */
CM_EXTERN size_t cm_geom_part_size(const cm_geom *g, size_t i);
CM_EXTERN const cm_point *cm_geom_part(const cm_geom *g, size_t i);

/* Deep copy src into dst (dst is overwritten, not freed). */
CM_EXTERN int cm_geom_copy(cm_geom *dst, const cm_geom *src);

/* Bounding box; an empty geometry gives minx > maxx. */
CM_EXTERN cm_bbox cm_geom_bbox(const cm_geom *g);

/* An empty box that any cm_bbox_extend makes real. */
CM_EXTERN cm_bbox cm_bbox_empty(void);
CM_EXTERN void cm_bbox_extend(cm_bbox *b, double x, double y);
CM_EXTERN int cm_bbox_intersects(cm_bbox a, cm_bbox b);
CM_EXTERN int cm_bbox_is_empty(cm_bbox b);

/* Signed area of a ring (positive counter-clockwise with y up). */
CM_EXTERN double cm_ring_area(const cm_point *pts, size_t n);

/* Area of a polygon under the even-odd rule: outer rings minus holes,
 * assuming rings do not cross. Same units squared as the points. */
CM_EXTERN double cm_geom_area(const cm_geom *g);

/* How the rings of polygon g nest, for formats that tell outer rings from
 * holes: depth[i] is how many rings enclose ring i (0 outer, 1 a hole, 2
 * an island in a hole...), parent[i] the nearest of them, or (size_t)-1.
 * Both arrays have g->nparts entries, the caller's. Rings must not cross
 * (they may touch). Returns 0 or CM_ENOMEM. */
CM_EXTERN int cm_geom_ring_nesting(const cm_geom *g, size_t *depth, size_t *parent);

/* Turn g's rings so that the nonzero winding rule fills what the even-odd
 * rule fills: outer rings turning one way, holes the other. Many
 * polygons so oriented can then be filled as one path, with no seam where
 * they touch and no gap where they overlap. */
CM_EXTERN void cm_geom_orient(cm_geom *g);

/* 1 when p is inside the polygon (even-odd rule). */
CM_EXTERN int cm_geom_contains(const cm_geom *g, cm_point p);

/* Clip g to box into out (out is overwritten, not freed). Polygons are
 * clipped ring by ring (Sutherland-Hodgman), which keeps the even-odd fill
 * right; lines are cut into the parts that lie inside; points outside are
 * dropped. A part that vanishes is dropped. */
CM_EXTERN int cm_geom_clip(const cm_geom *g, cm_bbox box, cm_geom *out);

/* Insert points so no segment is longer than max_len (for curving
 * lon/lat edges when projected). out is overwritten, not freed. */
CM_EXTERN int cm_geom_densify(const cm_geom *g, double max_len, cm_geom *out);

/* Douglas-Peucker simplification of each part with tolerance tol; rings
 * keep at least 4 points, lines 2. Every dropped point lies within tol of
 * the result. O(n log n) time even in the worst case: a long span whose
 * farthest point is near one end is also cut in the middle, which may keep
 * a few more points than plain Douglas-Peucker. out is overwritten, not
 * freed. */
CM_EXTERN int cm_geom_simplify(const cm_geom *g, double tol, cm_geom *out);

/* A point inside polygon g far from its edges (pole of inaccessibility,
 * to precision). Returns 0, or CM_EDATA for an empty polygon. */
CM_EXTERN int cm_geom_label_point(const cm_geom *g, double precision, cm_point *out,
                                  double *distance);

/* ---- boolean operations (src/geom/geom_bool.c, through GEOS) ----------------------- */

/* Which ground a boolean operation keeps. */
typedef enum {
  CM_BOOL_INTERSECTION = 0, /* ground in both a and b */
  CM_BOOL_UNION = 1,        /* ground in a or b or both */
  CM_BOOL_DIFFERENCE = 2,   /* ground in a and not in b */
  CM_BOOL_XOR = 3           /* ground in exactly one of them */
} cm_bool_op;

/* a op b for two polygons (even-odd rule, so rings may cross themselves or
 * each other) into out, a polygon (overwritten, not freed; the caller frees
 * it with cm_geom_free; out must not be a or b). The result's rings are
 * closed, do not cross or touch themselves and never run along one another;
 * two rings may touch at a shared point; holes are rings inside rings;
 * an empty result has no parts.
 * The overlay is GEOS's, with snap rounding on a grid whose step is a
 * power of two, 2^-45 of the power of two just above the largest
 * coordinate of a and b (lon/lat between 32 and 64 degrees: 2^-39
 * degree). Points and the crossings of edges are rounded to it, so points
 * that are the same stay the same, and ground narrower than a step may
 * vanish; a point that lies within half a step of the straight line
 * between its neighbours is left out unless another ring passes it, so
 * that an outline an operation only touched comes back point for point.
 * Rings come in one order (each from its lowest point, x then y; outer
 * rings counter-clockwise, holes clockwise; rings by their first points),
 * so the same ground always gives the same rings.
 * Returns 0, CM_ENOMEM, CM_EUSAGE for a non-polygon, an unknown op or a
 * coordinate that is not finite, or CM_EDATA if GEOS fails (out is then
 * empty). */
CM_EXTERN int cm_geom_boolean(const cm_geom *a, const cm_geom *b, cm_bool_op op,
                              cm_geom *out);

/* The union of n polygons parts[0..n-1] in one overlay (much faster than
 * n - 1 unions one by one), on the grid of the largest coordinate among
 * them, into out as cm_geom_boolean writes it. Returns 0, CM_ENOMEM, or
 * CM_EUSAGE as cm_geom_boolean does (out is then empty). */
CM_EXTERN int cm_geom_union_all(const cm_geom *const *parts, size_t n, cm_geom *out);

/* A series of boolean operations whose results feed one another wants
 * one grid for all of them: an edge rounded to one grid and then to a
 * coarser one may drift off an edge it ran along, and the two leave a
 * sliver between them. A cm_overlay keeps one grid, the one
 * cm_geom_boolean would take for coordinates up to range in size, and one
 * GEOS context for every operation made with it. It serves one thread at
 * a time. NULL when range is not a positive finite number or memory runs
 * out; the caller frees it with cm_overlay_free (NULL is ignored). */
typedef struct cm_overlay cm_overlay;
CM_EXTERN cm_overlay *cm_overlay_new(double range);
CM_EXTERN void cm_overlay_free(cm_overlay *ov);

/* cm_geom_boolean and cm_geom_union_all on ov's grid. A polygon with a
 * coordinate as large as the power of two just above range, or larger,
 * would not fit the grid and is refused with CM_EUSAGE. */
CM_EXTERN int cm_overlay_boolean(cm_overlay *ov, const cm_geom *a, const cm_geom *b,
                                 cm_bool_op op, cm_geom *out);
CM_EXTERN int cm_overlay_union(cm_overlay *ov, const cm_geom *const *parts, size_t n,
                               cm_geom *out);

CM_END_DECLS

#endif
