#include "controlmap/geom.h"
#include "controlmap/error.h"
#include "util_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- storage -------------------------------------------------------------------- */

void cm_geom_init(cm_geom *g, cm_geom_type type) {
  memset(g, 0, sizeof *g);
  g->type = type;
}

void cm_geom_free(cm_geom *g) {
  free(g->points);
  free(g->parts);
  cm_geom_init(g, g->type);
}

int cm_geom_begin_part(cm_geom *g) {
  if (cm__grow((void **)&g->parts, &g->cap_parts, g->nparts + 1, sizeof *g->parts))
    return CM_ENOMEM;
  g->parts[g->nparts++] = g->npoints;
  return 0;
}

static size_t last_part_size(const cm_geom *g) {
  return g->nparts ? g->npoints - g->parts[g->nparts - 1] : 0;
}

int cm_geom_add_point(cm_geom *g, double x, double y) {
  /* A point geometry holds one point per part, so each point starts one. */
  int needs_part = g->nparts == 0 ||
                   (g->type == CM_GEOM_POINT && last_part_size(g) > 0);
  if (needs_part && cm_geom_begin_part(g))
    return CM_ENOMEM;
  if (cm__grow((void **)&g->points, &g->cap_points, g->npoints + 1,
                sizeof *g->points))
    return CM_ENOMEM;
  g->points[g->npoints].x = x;
  g->points[g->npoints].y = y;
  g->npoints++;
  return 0;
}

size_t cm_geom_part_size(const cm_geom *g, size_t i) {
  if (i >= g->nparts)
    return 0;
  size_t end = i + 1 < g->nparts ? g->parts[i + 1] : g->npoints;
  return end - g->parts[i];
}

const cm_point *cm_geom_part(const cm_geom *g, size_t i) {
  return i < g->nparts ? g->points + g->parts[i] : NULL;
}

int cm_geom_copy(cm_geom *dst, const cm_geom *src) {
  cm_geom copy;
  cm_geom_init(&copy, src->type);
  if (cm__grow((void **)&copy.points, &copy.cap_points, src->npoints,
                sizeof *copy.points) ||
      cm__grow((void **)&copy.parts, &copy.cap_parts, src->nparts,
                sizeof *copy.parts)) {
    cm_geom_free(&copy);
    cm_geom_init(dst, src->type);
    return CM_ENOMEM;
  }
  if (src->npoints)
    memcpy(copy.points, src->points, src->npoints * sizeof *copy.points);
  if (src->nparts)
    memcpy(copy.parts, src->parts, src->nparts * sizeof *copy.parts);
  copy.npoints = src->npoints;
  copy.nparts = src->nparts;
  *dst = copy;
  return 0;
}

/* Appends a whole run of points as one new part. */
static int add_part(cm_geom *g, const cm_point *pts, size_t n) {
  if (cm_geom_begin_part(g) ||
      cm__grow((void **)&g->points, &g->cap_points, g->npoints + n,
                sizeof *g->points))
    return CM_ENOMEM;
  if (n)
    memcpy(g->points + g->npoints, pts, n * sizeof *pts);
  g->npoints += n;
  return 0;
}

/* Removes the last part (used when a part turns out to have vanished). */
static void drop_last_part(cm_geom *g) {
  if (g->nparts) {
    g->npoints = g->parts[g->nparts - 1];
    g->nparts--;
  }
}

/* Ends a computation that built into *work: on success it becomes *out,
 * on failure *out is left empty. */
static int deliver(cm_geom *work, cm_geom *out, int rc) {
  if (rc < 0) {
    cm_geom_type type = work->type;
    cm_geom_free(work);
    cm_geom_init(out, type);
    return rc;
  }
  *out = *work;
  return 0;
}

/* ---- boxes ------------------------------------------------------------------------ */

cm_bbox cm_bbox_empty(void) {
  cm_bbox b = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
  return b;
}

void cm_bbox_extend(cm_bbox *b, double x, double y) {
  if (x < b->minx)
    b->minx = x;
  if (x > b->maxx)
    b->maxx = x;
  if (y < b->miny)
    b->miny = y;
  if (y > b->maxy)
    b->maxy = y;
}

int cm_bbox_is_empty(cm_bbox b) { return !(b.minx <= b.maxx && b.miny <= b.maxy); }

int cm_bbox_intersects(cm_bbox a, cm_bbox b) {
  if (cm_bbox_is_empty(a) || cm_bbox_is_empty(b))
    return 0;
  return a.minx <= b.maxx && b.minx <= a.maxx && a.miny <= b.maxy &&
         b.miny <= a.maxy;
}

static cm_bbox points_bbox(const cm_point *pts, size_t n) {
  cm_bbox b = cm_bbox_empty();
  for (size_t i = 0; i < n; i++)
    cm_bbox_extend(&b, pts[i].x, pts[i].y);
  return b;
}

cm_bbox cm_geom_bbox(const cm_geom *g) { return points_bbox(g->points, g->npoints); }

static int bbox_within(cm_bbox inner, cm_bbox outer) {
  return !cm_bbox_is_empty(inner) && inner.minx >= outer.minx &&
         inner.maxx <= outer.maxx && inner.miny >= outer.miny &&
         inner.maxy <= outer.maxy;
}

static int bbox_has_point(cm_bbox b, cm_point p) {
  return p.x >= b.minx && p.x <= b.maxx && p.y >= b.miny && p.y <= b.maxy;
}

/* ---- areas and inside tests --------------------------------------------------------- */

double cm_ring_area(const cm_point *pts, size_t n) {
  double twice = 0;
  for (size_t i = 0, j = n ? n - 1 : 0; i < n; j = i++)
    twice += (pts[j].x - pts[i].x) * (pts[j].y + pts[i].y);
  return twice / 2;
}

/* Even-odd crossing count of a ray from p towards +x; the closing edge is
 * included whether or not the ring repeats its first point. */
static int ring_crossings(const cm_point *pts, size_t n, cm_point p) {
  int inside = 0;
  for (size_t i = 0, j = n ? n - 1 : 0; i < n; j = i++) {
    cm_point a = pts[j], b = pts[i];
    if ((a.y > p.y) != (b.y > p.y) &&
        p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y))
      inside = !inside;
  }
  return inside;
}

/* Squared distance from p to the segment a-b. */
static double segment_dist2(cm_point p, cm_point a, cm_point b) {
  double dx = b.x - a.x, dy = b.y - a.y;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
  return ex * ex + ey * ey;
}

static int on_outline(cm_point p, const cm_point *pts, size_t n, double eps2) {
  for (size_t i = 0, j = n ? n - 1 : 0; i < n; j = i++)
    if (segment_dist2(p, pts[j], pts[i]) <= eps2)
      return 1;
  return 0;
}

/* Whether ring a lies inside ring b, for rings that may touch but do not
 * cross. Clipping puts many vertices of different rings on the same box
 * edge, so the first vertex (or edge middle) off b's outline decides. Two
 * rings that coincide (a hole and its outer ring both cut down to the box)
 * nest in list order, so that they cancel out. */
static int ring_inside(const cm_point *a, size_t na, const cm_point *b,
                       size_t nb, cm_bbox b_box, int a_comes_later) {
  double extent = (b_box.maxx - b_box.minx) + (b_box.maxy - b_box.miny);
  double eps2 = 1e-24 * extent * extent;
  for (size_t i = 0; i < 2 * na; i++) {
    cm_point p = a[i / 2];
    if (i % 2) { /* the middle of the edge towards the next vertex */
      cm_point q = a[(i / 2 + 1) % na];
      p.x = (p.x + q.x) / 2;
      p.y = (p.y + q.y) / 2;
    }
    if (!bbox_has_point(b_box, p))
      return 0;
    if (!on_outline(p, b, nb, eps2))
      return ring_crossings(b, nb, p);
  }
  return a_comes_later;
}

/* A ring is a hole when an odd number of the other rings surround it.
 * boxes (may be NULL) holds each ring's box, to skip most rings quickly. */
static int ring_is_hole(const cm_geom *g, size_t ring, const cm_bbox *boxes) {
  const cm_point *pts = cm_geom_part(g, ring);
  size_t n = cm_geom_part_size(g, ring);
  int hole = 0;
  for (size_t j = 0; n > 0 && j < g->nparts; j++) {
    if (j == ring)
      continue;
    const cm_point *other = cm_geom_part(g, j);
    size_t m = cm_geom_part_size(g, j);
    cm_bbox box = boxes ? boxes[j] : points_bbox(other, m);
    if (bbox_has_point(box, pts[0]))
      hole ^= ring_inside(pts, n, other, m, box, ring > j);
  }
  return hole;
}

/* Each ring's box, or NULL when memory is short (callers then do without). */
static cm_bbox *ring_boxes(const cm_geom *g) {
  cm_bbox *boxes = g->nparts ? malloc(g->nparts * sizeof *boxes) : NULL;
  for (size_t i = 0; boxes && i < g->nparts; i++)
    boxes[i] = points_bbox(cm_geom_part(g, i), cm_geom_part_size(g, i));
  return boxes;
}

double cm_geom_area(const cm_geom *g) {
  if (g->type != CM_GEOM_POLYGON)
    return 0;
  cm_bbox *boxes = g->nparts > 1 ? ring_boxes(g) : NULL;
  double area = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    double a = fabs(cm_ring_area(cm_geom_part(g, i), cm_geom_part_size(g, i)));
    area += ring_is_hole(g, i, boxes) ? -a : a;
  }
  free(boxes);
  return area;
}

static void reverse_ring(cm_point *pts, size_t n) {
  for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
    cm_point t = pts[i];
    pts[i] = pts[j];
    pts[j] = t;
  }
}

void cm_geom_orient(cm_geom *g) {
  if (g->type != CM_GEOM_POLYGON)
    return;
  cm_bbox *boxes = g->nparts > 1 ? ring_boxes(g) : NULL;
  for (size_t i = 0; i < g->nparts; i++) {
    cm_point *pts = g->points + g->parts[i];
    size_t n = cm_geom_part_size(g, i);
    int ccw = cm_ring_area(pts, n) > 0;
    if (ccw == ring_is_hole(g, i, boxes))
      reverse_ring(pts, n);
  }
  free(boxes);
}

int cm_geom_contains(const cm_geom *g, cm_point p) {
  if (g->type != CM_GEOM_POLYGON)
    return 0;
  int inside = 0;
  for (size_t i = 0; i < g->nparts; i++)
    inside ^= ring_crossings(cm_geom_part(g, i), cm_geom_part_size(g, i), p);
  return inside;
}

/* A point inside ring i near its first edge, to test which rings hold it:
 * the middle of the first edge that has length, or its first point. */
static cm_point ring_probe(const cm_geom *g, size_t i) {
  const cm_point *p = cm_geom_part(g, i);
  size_t n = cm_geom_part_size(g, i);
  for (size_t k = 0; k + 1 < n; k++)
    if (p[k].x != p[k + 1].x || p[k].y != p[k + 1].y)
      return (cm_point){(p[k].x + p[k + 1].x) / 2, (p[k].y + p[k + 1].y) / 2};
  return p[0];
}

int cm_geom_ring_nesting(const cm_geom *g, size_t *depth, size_t *parent) {
  size_t n = g->nparts;
  double *area = malloc((n ? n : 1) * sizeof *area);
  cm_bbox *box = malloc((n ? n : 1) * sizeof *box);
  if (!area || !box) {
    free(area);
    free(box);
    return CM_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    cm_geom ring = {CM_GEOM_POLYGON, (cm_point *)cm_geom_part(g, i),
                    cm_geom_part_size(g, i), 0, NULL, 0, 0};
    area[i] = fabs(cm_ring_area(ring.points, ring.npoints));
    box[i] = cm_geom_bbox(&ring);
  }
  for (size_t i = 0; i < n; i++) {
    cm_point p = ring_probe(g, i);
    depth[i] = 0;
    parent[i] = (size_t)-1;
    for (size_t j = 0; j < n; j++) {
      if (j == i || p.x < box[j].minx || p.x > box[j].maxx ||
          p.y < box[j].miny || p.y > box[j].maxy ||
          !ring_crossings(cm_geom_part(g, j), cm_geom_part_size(g, j), p))
        continue;
      depth[i]++;
      if (parent[i] == (size_t)-1 || area[j] < area[parent[i]])
        parent[i] = j; /* the smallest ring around it is the nearest */
    }
  }
  free(area);
  free(box);
  return CM_OK;
}

/* ---- clipping --------------------------------------------------------------------- */

/* A scratch list of points, reused between rings. */
typedef struct {
  cm_point *p;
  size_t n, cap;
} point_list;

static int list_push(point_list *l, cm_point p) {
  if (cm__grow((void **)&l->p, &l->cap, l->n + 1, sizeof *l->p))
    return CM_ENOMEM;
  l->p[l->n++] = p;
  return 0;
}

static int same_point(cm_point a, cm_point b) { return a.x == b.x && a.y == b.y; }

static int is_closed(const cm_point *pts, size_t n) {
  return n > 1 && same_point(pts[0], pts[n - 1]);
}

enum { EDGE_LEFT, EDGE_RIGHT, EDGE_BOTTOM, EDGE_TOP };

static int inside_edge(cm_point p, int edge, cm_bbox b) {
  switch (edge) {
  case EDGE_LEFT: return p.x >= b.minx;
  case EDGE_RIGHT: return p.x <= b.maxx;
  case EDGE_BOTTOM: return p.y >= b.miny;
  default: return p.y <= b.maxy;
  }
}

/* Where segment a-b crosses the edge's line; a and b lie on its two sides.
 * The coordinate along the edge is set exactly, so clipped rings close. */
static cm_point cross_edge(cm_point a, cm_point b, int edge, cm_bbox box) {
  cm_point p;
  if (edge == EDGE_LEFT || edge == EDGE_RIGHT) {
    p.x = edge == EDGE_LEFT ? box.minx : box.maxx;
    p.y = a.y + (p.x - a.x) * (b.y - a.y) / (b.x - a.x);
  } else {
    p.y = edge == EDGE_BOTTOM ? box.miny : box.maxy;
    p.x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
  }
  return p;
}

/* One Sutherland-Hodgman pass of the open ring in against one box edge. */
static int clip_pass(const point_list *in, point_list *out, int edge,
                     cm_bbox box) {
  out->n = 0;
  for (size_t i = 0; i < in->n; i++) {
    cm_point cur = in->p[i], prev = in->p[i ? i - 1 : in->n - 1];
    int cur_in = inside_edge(cur, edge, box);
    if (cur_in != inside_edge(prev, edge, box) &&
        list_push(out, cross_edge(prev, cur, edge, box)))
      return CM_ENOMEM;
    if (cur_in && list_push(out, cur))
      return CM_ENOMEM;
  }
  return 0;
}

/* Drops repeated neighbours (the passes make many on the box edges). */
static void remove_repeats(point_list *l) {
  size_t k = 0;
  for (size_t i = 0; i < l->n; i++)
    if (k == 0 || !same_point(l->p[i], l->p[k - 1]))
      l->p[k++] = l->p[i];
  while (k > 1 && same_point(l->p[0], l->p[k - 1]))
    k--;
  l->n = k;
}

/* A clipped ring that keeps no area (a ring outside the box that went round
 * a corner collapses onto the box edges) is not worth drawing. */
static int ring_collapsed(const point_list *l) {
  if (l->n < 3)
    return 1;
  cm_bbox b = points_bbox(l->p, l->n);
  double scale = (b.maxx - b.minx) + (b.maxy - b.miny);
  return fabs(cm_ring_area(l->p, l->n)) <= 1e-12 * scale * scale;
}

static int clip_ring(const cm_point *pts, size_t n, cm_bbox box,
                     point_list scratch[2], cm_geom *out) {
  cm_bbox rb = points_bbox(pts, n);
  if (bbox_within(rb, box))
    return add_part(out, pts, n);
  if (!cm_bbox_intersects(rb, box))
    return 0;
  int closed = is_closed(pts, n);
  scratch[0].n = 0;
  for (size_t i = 0; i < n - (size_t)closed; i++)
    if (list_push(&scratch[0], pts[i]))
      return CM_ENOMEM;
  for (int edge = 0; edge < 4; edge++)
    if (clip_pass(&scratch[edge % 2], &scratch[(edge + 1) % 2], edge, box))
      return CM_ENOMEM;
  point_list *ring = &scratch[0]; /* after four passes the result is back here */
  remove_repeats(ring);
  if (ring_collapsed(ring))
    return 0;
  if (closed && list_push(ring, ring->p[0]))
    return CM_ENOMEM;
  return add_part(out, ring->p, ring->n);
}

/* Liang-Barsky: the parameters [*t0, *t1] of segment a-b inside the box. */
static int clip_segment(cm_point a, cm_point b, cm_bbox box, double *t0,
                        double *t1) {
  double dx = b.x - a.x, dy = b.y - a.y;
  double p[4] = {-dx, dx, -dy, dy};
  double q[4] = {a.x - box.minx, box.maxx - a.x, a.y - box.miny, box.maxy - a.y};
  *t0 = 0;
  *t1 = 1;
  for (int k = 0; k < 4; k++) {
    if (p[k] == 0) {
      if (q[k] < 0)
        return 0;
      continue;
    }
    double r = q[k] / p[k];
    if (p[k] < 0 && r > *t0)
      *t0 = r;
    else if (p[k] > 0 && r < *t1)
      *t1 = r;
  }
  return *t0 <= *t1;
}

/* The point at parameter t of a-b, kept inside the box against rounding. */
static cm_point point_at(cm_point a, cm_point b, double t, cm_bbox box) {
  if (t == 0)
    return a;
  if (t == 1)
    return b;
  cm_point p = {a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
  p.x = fmin(fmax(p.x, box.minx), box.maxx);
  p.y = fmin(fmax(p.y, box.miny), box.maxy);
  return p;
}

static int add_unless_repeat(cm_geom *g, cm_point p) {
  if (last_part_size(g) && same_point(g->points[g->npoints - 1], p))
    return 0;
  return cm_geom_add_point(g, p.x, p.y);
}

/* A line part (made since part first_new) that shrank to a spot is dropped. */
static void drop_if_spot(cm_geom *g, size_t first_new, int *open) {
  if (g->nparts > first_new && last_part_size(g) < 2)
    drop_last_part(g);
  *open = 0;
}

static int clip_line(const cm_point *pts, size_t n, cm_bbox box, cm_geom *out) {
  cm_bbox lb = points_bbox(pts, n);
  if (bbox_within(lb, box))
    return add_part(out, pts, n);
  int open = 0; /* the last part ended at a point inside the box */
  size_t first_new = out->nparts;
  for (size_t i = 1; i < n; i++) {
    double t0, t1;
    if (!clip_segment(pts[i - 1], pts[i], box, &t0, &t1)) {
      drop_if_spot(out, first_new, &open);
      continue;
    }
    if (!open || t0 > 0) {
      drop_if_spot(out, first_new, &open);
      if (cm_geom_begin_part(out) ||
          add_unless_repeat(out, point_at(pts[i - 1], pts[i], t0, box)))
        return CM_ENOMEM;
    }
    if (add_unless_repeat(out, point_at(pts[i - 1], pts[i], t1, box)))
      return CM_ENOMEM;
    open = t1 == 1;
  }
  drop_if_spot(out, first_new, &open);
  return 0;
}

static int clip_points(const cm_point *pts, size_t n, cm_bbox box, cm_geom *out) {
  for (size_t i = 0; i < n; i++)
    if (bbox_has_point(box, pts[i]) && cm_geom_add_point(out, pts[i].x, pts[i].y))
      return CM_ENOMEM;
  return 0;
}

static int clip_part(const cm_geom *g, size_t i, cm_bbox box,
                     point_list scratch[2], cm_geom *out) {
  const cm_point *pts = cm_geom_part(g, i);
  size_t n = cm_geom_part_size(g, i);
  if (n == 0)
    return 0;
  switch (g->type) {
  case CM_GEOM_POLYGON: return clip_ring(pts, n, box, scratch, out);
  case CM_GEOM_LINE: return clip_line(pts, n, box, out);
  case CM_GEOM_POINT: return clip_points(pts, n, box, out);
  default: return 0;
  }
}

int cm_geom_clip(const cm_geom *g, cm_bbox box, cm_geom *out) {
  cm_geom work;
  cm_geom_init(&work, g->type);
  point_list scratch[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
  int rc = 0;
  for (size_t i = 0; rc == 0 && !cm_bbox_is_empty(box) && i < g->nparts; i++)
    rc = clip_part(g, i, box, scratch, &work);
  free(scratch[0].p);
  free(scratch[1].p);
  return deliver(&work, out, rc);
}

/* ---- densifying ------------------------------------------------------------------- */

/* Beyond this many added points densifying is refused: a tiny max_len on a
 * large outline would otherwise try to fill all of memory. */
#define DENSIFY_MAX_ADDED ((size_t)1 << 26)

/* Adds the points strictly between a and b that cut it into short pieces,
 * keeping the output below limit points. */
static int add_between(cm_geom *g, cm_point a, cm_point b, double max_len,
                       size_t limit) {
  double len = hypot(b.x - a.x, b.y - a.y);
  if (!(len > max_len))
    return 0;
  double pieces = ceil(len / max_len);
  if (pieces > (double)(limit - g->npoints))
    return CM_ENOMEM;
  size_t k_end = (size_t)pieces;
  for (size_t k = 1; k < k_end; k++) {
    double t = (double)k / pieces;
    if (cm_geom_add_point(g, a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)))
      return CM_ENOMEM;
  }
  return 0;
}

static int densify_part(const cm_point *pts, size_t n, int ring, double max_len,
                        size_t limit, cm_geom *out) {
  if (cm_geom_begin_part(out))
    return CM_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && add_between(out, pts[i - 1], pts[i], max_len, limit))
      return CM_ENOMEM;
    if (out->npoints >= limit || cm_geom_add_point(out, pts[i].x, pts[i].y))
      return CM_ENOMEM;
  }
  /* an open ring's closing edge is curved too, without closing the ring */
  if (ring && n > 2 && !is_closed(pts, n))
    return add_between(out, pts[n - 1], pts[0], max_len, limit);
  return 0;
}

int cm_geom_densify(const cm_geom *g, double max_len, cm_geom *out) {
  if (!(max_len > 0) || isinf(max_len))
    return CM_EUSAGE;
  cm_geom work;
  cm_geom_init(&work, g->type);
  size_t limit = g->npoints + DENSIFY_MAX_ADDED;
  int rc = 0;
  if (g->type == CM_GEOM_POINT)
    rc = cm_geom_copy(&work, g);
  for (size_t i = 0; rc == 0 && g->type != CM_GEOM_POINT && i < g->nparts; i++)
    rc = densify_part(cm_geom_part(g, i), cm_geom_part_size(g, i),
                      g->type == CM_GEOM_POLYGON, max_len, limit, &work);
  return deliver(&work, out, rc);
}

/* ---- simplifying ------------------------------------------------------------------ */

/* The point of pts(lo, hi) farthest from segment lo-hi; lo when none. */
static size_t farthest(const cm_point *pts, size_t lo, size_t hi, double *dist2) {
  size_t best = lo;
  *dist2 = -1;
  for (size_t i = lo + 1; i < hi; i++) {
    double d = segment_dist2(pts[i], pts[lo], pts[hi]);
    if (d > *dist2) {
      *dist2 = d;
      best = i;
    }
  }
  return best;
}

typedef struct {
  size_t lo, hi;
} span;

typedef struct {
  span *items;
  size_t n, cap;
} span_stack;

static int push_span(span_stack *s, size_t lo, size_t hi) {
  if (hi - lo < 2)
    return 0;
  if (cm__grow((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items))
    return CM_ENOMEM;
  s->items[s->n].lo = lo;
  s->items[s->n].hi = hi;
  s->n++;
  return 0;
}

/* Spans longer than this are also cut in the middle when their farthest
 * point lies in an end quarter (see split_span). */
#define DP_BALANCE_MIN 64

/* Keeps point k of span s and pushes the spans on either side. Plain
 * Douglas-Peucker takes O(n^2) time when the farthest point is always next
 * to an end (a zig-zag whose teeth are all as tall); cutting such a long
 * span in the middle as well makes every span at most 3/4 of its parent,
 * so the depth is O(log n) and the whole O(n log n). The extra point only
 * makes the line closer to the original. */
static int split_span(span_stack *stack, span s, size_t k, unsigned char *keep) {
  size_t len = s.hi - s.lo, mid = s.lo + len / 2;
  keep[k] = 1;
  if (len <= DP_BALANCE_MIN || (k - s.lo >= len / 4 && s.hi - k >= len / 4) ||
      k == mid)
    return push_span(stack, s.lo, k) || push_span(stack, k, s.hi) ? CM_ENOMEM : 0;
  keep[mid] = 1;
  size_t a = k < mid ? k : mid, b = k < mid ? mid : k;
  return push_span(stack, s.lo, a) || push_span(stack, a, b) ||
                 push_span(stack, b, s.hi)
             ? CM_ENOMEM
             : 0;
}

/* Douglas-Peucker over every span between points already kept. An explicit
 * stack replaces recursion, whose depth could reach the part's length. */
static int douglas_peucker(const cm_point *pts, size_t n, double tol,
                           unsigned char *keep) {
  span_stack stack = {NULL, 0, 0};
  int rc = 0;
  for (size_t lo = 0, i = 1; rc == 0 && i < n; i++)
    if (keep[i]) {
      rc = push_span(&stack, lo, i);
      lo = i;
    }
  while (rc == 0 && stack.n > 0) {
    span s = stack.items[--stack.n];
    double d2;
    size_t k = farthest(pts, s.lo, s.hi, &d2);
    if (d2 > tol * tol)
      rc = split_span(&stack, s, k, keep);
  }
  free(stack.items);
  return rc;
}

/* Rings keep a triangle whatever the tolerance: the point farthest from the
 * start, then (for a closed ring) the point farthest from the two sides
 * that makes. */
static void keep_ring_frame(const cm_point *pts, size_t n, unsigned char *keep) {
  double d_mid, d_a, d_b;
  size_t mid = farthest(pts, 0, n - 1, &d_mid);
  keep[mid] = 1;
  if (!is_closed(pts, n))
    return;
  size_t a = farthest(pts, 0, mid, &d_a);
  size_t b = farthest(pts, mid, n - 1, &d_b);
  keep[d_a >= d_b ? a : b] = 1;
}

static int simplify_part(const cm_point *pts, size_t n, int ring, double tol,
                         cm_geom *out) {
  size_t small = ring ? (is_closed(pts, n) ? 4 : 3) : 2;
  if (n <= small)
    return add_part(out, pts, n);
  unsigned char *keep = calloc(n, 1);
  if (!keep)
    return CM_ENOMEM;
  keep[0] = keep[n - 1] = 1;
  if (ring)
    keep_ring_frame(pts, n, keep);
  int rc = douglas_peucker(pts, n, tol, keep);
  size_t kept = 0;
  for (size_t i = 0; i < n; i++)
    kept += keep[i];
  if (rc == 0 && (cm_geom_begin_part(out) ||
                  cm__grow((void **)&out->points, &out->cap_points,
                            out->npoints + kept, sizeof *out->points)))
    rc = CM_ENOMEM;
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (keep[i])
      out->points[out->npoints++] = pts[i];
  free(keep);
  return rc;
}

int cm_geom_simplify(const cm_geom *g, double tol, cm_geom *out) {
  if (!(tol >= 0))
    return CM_EUSAGE;
  cm_geom work;
  cm_geom_init(&work, g->type);
  int rc = 0;
  if (g->type == CM_GEOM_POINT)
    rc = cm_geom_copy(&work, g);
  for (size_t i = 0; rc == 0 && g->type != CM_GEOM_POINT && i < g->nparts; i++)
    rc = simplify_part(cm_geom_part(g, i), cm_geom_part_size(g, i),
                       g->type == CM_GEOM_POLYGON, tol, &work);
  return deliver(&work, out, rc);
}

/* ---- label point (pole of inaccessibility) ------------------------------------------ */

/* A square cell of the search: centre, half its side, the signed distance
 * from the centre to the outline (negative outside), and the most any point
 * of the cell could reach. */
typedef struct {
  double x, y, half, dist, potential;
} cell;

typedef struct {
  cell *items;
  size_t n, cap;
} cell_queue;

/* Distance from p to the nearest edge of any ring, negative outside. */
static double signed_distance(const cm_geom *g, cm_point p) {
  double best = HUGE_VAL;
  int inside = 0;
  for (size_t r = 0; r < g->nparts; r++) {
    const cm_point *pts = cm_geom_part(g, r);
    size_t n = cm_geom_part_size(g, r);
    for (size_t i = 0, j = n ? n - 1 : 0; i < n; j = i++)
      best = fmin(best, segment_dist2(p, pts[j], pts[i]));
    inside ^= ring_crossings(pts, n, p);
  }
  return (inside ? 1 : -1) * sqrt(best);
}

static cell make_cell(const cm_geom *g, double x, double y, double half) {
  cm_point p = {x, y};
  cell c = {x, y, half, signed_distance(g, p), 0};
  c.potential = c.dist + half * 1.4142135623730951; /* to the corner */
  return c;
}

/* The queue is a binary max-heap on potential, so the most promising cell
 * is always refined first. */
static int queue_push(cell_queue *q, cell c) {
  if (cm__grow((void **)&q->items, &q->cap, q->n + 1, sizeof *q->items))
    return CM_ENOMEM;
  size_t i = q->n++;
  while (i > 0 && q->items[(i - 1) / 2].potential < c.potential) {
    q->items[i] = q->items[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  q->items[i] = c;
  return 0;
}

static cell queue_pop(cell_queue *q) {
  cell top = q->items[0], last = q->items[--q->n];
  size_t i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= q->n)
      break;
    if (child + 1 < q->n &&
        q->items[child + 1].potential > q->items[child].potential)
      child++;
    if (q->items[child].potential <= last.potential)
      break;
    q->items[i] = q->items[child];
    i = child;
  }
  if (q->n > 0)
    q->items[i] = last;
  return top;
}

/* The area-weighted centroid, holes subtracted: a good first guess for
 * compact shapes, though it can fall outside (a C or a crescent). */
static cm_point centroid(const cm_geom *g, cm_bbox box) {
  double sx = 0, sy = 0, sa = 0;
  for (size_t r = 0; r < g->nparts; r++) {
    const cm_point *pts = cm_geom_part(g, r);
    size_t n = cm_geom_part_size(g, r);
    double ring_area = cm_ring_area(pts, n);
    double sign = (ring_is_hole(g, r, NULL) ? -1 : 1) * (ring_area < 0 ? -1 : 1);
    for (size_t i = 0, j = n ? n - 1 : 0; i < n; j = i++) {
      double cross = pts[j].x * pts[i].y - pts[i].x * pts[j].y;
      sx += sign * (pts[j].x + pts[i].x) * cross / 6;
      sy += sign * (pts[j].y + pts[i].y) * cross / 6;
    }
    sa += sign * ring_area;
  }
  cm_point c = {(box.minx + box.maxx) / 2, (box.miny + box.maxy) / 2};
  if (sa != 0 && isfinite(sx / sa) && isfinite(sy / sa)) {
    c.x = sx / sa;
    c.y = sy / sa;
  }
  return c;
}

/* Caps on the search, so a sliver or a tiny precision cannot make it run
 * without end: cells across the longer side at the start, and a budget of
 * edge distances measured (each cell measures every edge). */
#define LABEL_MAX_START_CELLS 256
#define LABEL_EDGE_BUDGET 1e8
#define LABEL_MIN_CELLS 1024
#define LABEL_MAX_CELLS 1000000

static size_t label_cell_budget(const cm_geom *g) {
  double cells = LABEL_EDGE_BUDGET / (double)(g->npoints ? g->npoints : 1);
  return (size_t)fmin(fmax(cells, LABEL_MIN_CELLS), LABEL_MAX_CELLS);
}

/* Counting cells rather than stepping coordinates: far from the origin a
 * small step can vanish in rounding. */
static int cover_with_cells(const cm_geom *g, cm_bbox box, double size,
                            cell_queue *q) {
  double nx = ceil((box.maxx - box.minx) / size);
  double ny = ceil((box.maxy - box.miny) / size);
  for (double i = 0; i < nx; i++)
    for (double j = 0; j < ny; j++) {
      double x = box.minx + (i + 0.5) * size, y = box.miny + (j + 0.5) * size;
      if (queue_push(q, make_cell(g, x, y, size / 2)))
        return CM_ENOMEM;
    }
  return 0;
}

static int refine(const cm_geom *g, cell_queue *q, double precision,
                  cell *best) {
  size_t made = q->n, budget = label_cell_budget(g);
  while (q->n > 0) {
    cell c = queue_pop(q);
    if (c.dist > best->dist)
      *best = c;
    if (c.potential - best->dist <= precision || made >= budget)
      continue;
    double h = c.half / 2;
    for (int k = 0; k < 4; k++) {
      cell child = make_cell(g, c.x + (k & 1 ? h : -h), c.y + (k & 2 ? h : -h), h);
      if (queue_push(q, child))
        return CM_ENOMEM;
    }
    made += 4;
  }
  return 0;
}

static int search_label(const cm_geom *g, cm_bbox box, double precision,
                        cell *best) {
  double w = box.maxx - box.minx, h = box.maxy - box.miny;
  double size = fmax(fmin(w, h), fmax(w, h) / LABEL_MAX_START_CELLS);
  cm_point c = centroid(g, box);
  *best = make_cell(g, c.x, c.y, 0);
  cell middle = make_cell(g, box.minx + w / 2, box.miny + h / 2, 0);
  if (middle.dist > best->dist)
    *best = middle;
  cell_queue q = {NULL, 0, 0};
  int rc = cover_with_cells(g, box, size, &q);
  if (rc == 0)
    rc = refine(g, &q, precision, best);
  free(q.items);
  return rc;
}

int cm_geom_label_point(const cm_geom *g, double precision, cm_point *out,
                        double *distance) {
  if (g->type != CM_GEOM_POLYGON)
    return CM_EUSAGE;
  cm_bbox box = cm_geom_bbox(g);
  if (cm_bbox_is_empty(box))
    return CM_EDATA;
  double w = box.maxx - box.minx, h = box.maxy - box.miny;
  if (!isfinite(w) || !isfinite(h))
    return CM_EDATA;
  cell best = {box.minx + w / 2, box.miny + h / 2, 0, 0, 0};
  /* below this the arithmetic is only noise */
  double finest = fmax(w, h) * 1e-9;
  if (!(precision > finest))
    precision = finest;
  if (w > 0 && h > 0 && search_label(g, box, precision, &best))
    return CM_ENOMEM;
  out->x = best.x;
  out->y = best.y;
  if (distance)
    *distance = best.dist;
  return 0;
}
