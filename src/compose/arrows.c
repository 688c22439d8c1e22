/* Arrows: lines whose ends carry heads (`line-end: arrow`, `line-start:
 * arrow`), optionally tapering from a thin tail to the full width at the
 * head. The heads and a tapered shaft become filled polygons in the
 * scene, so every backend draws them alike. */

#include "compose_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Head size for a shaft of width w (pt): long and wide enough to read
 * at a glance on a thin line, not swamping a thick one. */
static double head_length(double w) { return 2.2 * w + 4.5; }
static double head_half_width(double w) { return 1.1 * w + 2.2; }

static double dist(cm_point a, cm_point b) { return hypot(b.x - a.x, b.y - a.y); }

static double path_length(const cm_point *p, size_t n) {
  double len = 0;
  for (size_t i = 1; i < n; i++)
    len += dist(p[i - 1], p[i]);
  return len;
}

/* Shorten p[0..*n) by d at its end (so the shaft stops under the head). */
static void trim_end(cm_point *p, size_t *n, double d) {
  while (*n >= 2) {
    double seg = dist(p[*n - 2], p[*n - 1]);
    if (seg > d) {
      double t = (seg - d) / seg;
      p[*n - 1].x = p[*n - 2].x + t * (p[*n - 1].x - p[*n - 2].x);
      p[*n - 1].y = p[*n - 2].y + t * (p[*n - 1].y - p[*n - 2].y);
      return;
    }
    d -= seg;
    (*n)--;
  }
}

/* The point at path distance d back from the last point. */
static cm_point back_along(const cm_point *p, size_t n, double d) {
  for (size_t i = n - 1; i > 0; i--) {
    double seg = dist(p[i - 1], p[i]);
    if (seg >= d && seg > 0) {
      double t = d / seg;
      return (cm_point){p[i].x + t * (p[i - 1].x - p[i].x),
                        p[i].y + t * (p[i - 1].y - p[i].y)};
    }
    d -= seg;
  }
  return p[0];
}

/* A triangle with its tip at the last point, pointing along the path's
 * last `len` points. */
static int head(composer *c, const cm_point *p, size_t n, double len,
                double half, const cm_paint *fill) {
  cm_point tip = p[n - 1], back = back_along(p, n, len);
  double dx = tip.x - back.x, dy = tip.y - back.y, d = hypot(dx, dy);
  if (d <= 0)
    return CM_OK;
  dx /= d, dy /= d;
  cm_point base = {tip.x - dx * len, tip.y - dy * len};
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  int rc = cm_geom_begin_part(&g);
  if (rc == CM_OK)
    rc = cm_geom_add_point(&g, tip.x, tip.y);
  if (rc == CM_OK)
    rc = cm_geom_add_point(&g, base.x - dy * half, base.y + dx * half);
  if (rc == CM_OK)
    rc = cm_geom_add_point(&g, base.x + dy * half, base.y - dx * half);
  if (rc == CM_OK)
    rc = cm_scene_path_take(c->scene, &g, fill);
  cm_geom_free(&g);
  return rc;
}

/* The unit normal of the path at vertex i (mean of its segments'). */
static cm_point normal_at(const cm_point *p, size_t n, size_t i) {
  double nx = 0, ny = 0;
  for (size_t k = i ? i - 1 : 0; k < i + 1 && k + 1 < n; k++) {
    double dx = p[k + 1].x - p[k].x, dy = p[k + 1].y - p[k].y;
    double d = hypot(dx, dy);
    if (d > 0)
      nx += -dy / d, ny += dx / d;
  }
  double d = hypot(nx, ny);
  return d > 0 ? (cm_point){nx / d, ny / d} : (cm_point){0, 0};
}

/* The shaft as a polygon whose width grows from w * taper at the tail to
 * w at the head end: out along one side, back along the other. */
static int tapered_shaft(composer *c, const cm_point *p, size_t n, double w,
                         double taper, const cm_paint *fill) {
  double *half = malloc(n * sizeof *half);
  if (!half)
    return CM_ENOMEM;
  double total = path_length(p, n), run = 0;
  for (size_t i = 0; i < n; i++) {
    run += i ? dist(p[i - 1], p[i]) : 0;
    half[i] = w * (taper + (1 - taper) * (total > 0 ? run / total : 1)) / 2;
  }
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  int rc = cm_geom_begin_part(&g);
  for (size_t k = 0; k < 2 * n && rc == CM_OK; k++) {
    size_t i = k < n ? k : 2 * n - 1 - k;
    double side = k < n ? half[i] : -half[i];
    cm_point nrm = normal_at(p, n, i);
    rc = cm_geom_add_point(&g, p[i].x + side * nrm.x, p[i].y + side * nrm.y);
  }
  free(half);
  if (rc == CM_OK)
    rc = cm_scene_path_take(c->scene, &g, fill);
  cm_geom_free(&g);
  return rc;
}

static int plain_shaft(composer *c, const cm_point *p, size_t n,
                       const cm_paint *stroke) {
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_LINE);
  int rc = cm_geom_begin_part(&g);
  for (size_t i = 0; i < n && rc == CM_OK; i++)
    rc = cm_geom_add_point(&g, p[i].x, p[i].y);
  if (rc == CM_OK)
    rc = cm_scene_path_take(c->scene, &g, stroke);
  cm_geom_free(&g);
  return rc;
}

static void reverse(cm_point *p, size_t n) {
  for (size_t i = 0; i < n / 2; i++) {
    cm_point t = p[i];
    p[i] = p[n - 1 - i];
    p[n - 1 - i] = t;
  }
}

/* One part of a line: heads at the ends asked for, the shaft between. */
static int arrow_part(composer *c, cm_point *p, size_t n, const cm_arrow *a,
                      const cm_paint *stroke) {
  double w = stroke->stroke_width, total = path_length(p, n);
  if (n < 2 || !(total > 0))
    return CM_OK;
  /* A short line keeps room for its shaft: heads at most a third each. */
  double len = fmin(head_length(w), total / 3);
  double half = head_half_width(w) * len / head_length(w);
  cm_paint fill = {0};
  fill.fill = 1;
  fill.fill_color = stroke->stroke_color;
  int rc = CM_OK;
  for (int end = 1; end >= 0 && rc == CM_OK; end--) {
    if (!(end ? a->end : a->start)) {
      reverse(p, n);
      continue;
    }
    rc = head(c, p, n, len, half, &fill);
    trim_end(p, &n, len * 0.6); /* hidden under the head, short of the tip */
    reverse(p, n);
  }
  if (rc != CM_OK)
    return rc;
  /* p is in its first order again after the two reversals. */
  if (a->taper < 1)
    return tapered_shaft(c, p, n, w, a->taper, &fill);
  return plain_shaft(c, p, n, stroke);
}

double cm__arrow_half_width(const cm_arrow *a, double w) {
  return a->start || a->end ? head_half_width(w) : w / 2;
}

int cm__draw_arrow(composer *c, const cm_geom *g, const cm_paint *stroke,
                   const cm_arrow *a, int place) {
  int rc = CM_OK;
  for (size_t i = 0; i < g->nparts && rc == CM_OK; i++) {
    size_t n = cm_geom_part_size(g, i);
    cm_point *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
      return CM_ENOMEM;
    for (size_t k = 0; k < n; k++)
      p[k] = place ? cm__compose_place(c, cm_geom_part(g, i)[k]) : cm_geom_part(g, i)[k];
    rc = arrow_part(c, p, n, a, stroke);
    free(p);
  }
  return rc;
}
