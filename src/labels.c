/* Label placement: labels are placed in priority order; a point label tries
 * eight positions around its marker, other labels sit on their anchor; a
 * label that overlaps one already placed, the furniture or the frame edge
 * is dropped rather than drawn over something. */

#include "compose_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_priority(const void *a, const void *b) {
  const cm_label *x = a, *y = b;
  if (x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

int cm_compose_take(composer *c, cm_bbox box) {
  if (c->ntaken == c->cap_taken) {
    size_t cap = c->cap_taken ? c->cap_taken * 2 : 64;
    cm_bbox *grown = realloc(c->taken, cap * sizeof *grown);
    if (!grown)
      return CM_ENOMEM;
    c->taken = grown;
    c->cap_taken = cap;
  }
  c->taken[c->ntaken++] = box;
  return CM_OK;
}

void cm_compose_untake(composer *c) { c->ntaken = 0; }

cm_point cm_compose_place(const composer *c, cm_point p) {
  return (cm_point){c->dst0.x + (p.x - c->src0.x) * c->k,
                    c->dst0.y + (p.y - c->src0.y) * c->k};
}

int cm_compose_collides(const composer *c, cm_bbox b) {
  cm_bbox f = c->frame;
  if (b.minx < f.minx || b.miny < f.miny || b.maxx > f.maxx || b.maxy > f.maxy)
    return 1;
  for (size_t i = 0; i < c->ntaken; i++) {
    cm_bbox t = c->taken[i];
    if (b.minx < t.maxx && t.minx < b.maxx && b.miny < t.maxy && t.miny < b.maxy)
      return 1;
  }
  return 0;
}

/* The box of a rotated label: the bounding box of its rotated corners. */
static cm_bbox rotated(cm_bbox b, cm_point at, double angle) {
  if (angle == 0)
    return b;
  double a = -angle * M_PI / 180, ca = cos(a), sa = sin(a);
  cm_bbox r = cm_bbox_empty();
  double xs[2] = {b.minx, b.maxx}, ys[2] = {b.miny, b.maxy};
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 2; k++) {
      double dx = xs[i] - at.x, dy = ys[k] - at.y;
      cm_bbox_extend(&r, at.x + dx * ca - dy * sa, at.y + dx * sa + dy * ca);
    }
  return r;
}

/* Candidate anchor k (0..7) around a point: right, left, above, below,
 * then the diagonals — the order cartographers prefer. */
static int candidate(const cm_label *l, int k, double w, double h,
                     cm_point *at) {
  static const double dir[8][2] = {{1, 0},  {-1, 0}, {0, -1}, {0, 1},
                                   {1, -1}, {-1, -1}, {1, 1}, {-1, 1}};
  if (l->placement == CM_PLACE_LINE) {
    /* Slide along the line (or the area's axis) away from whatever is in
     * the way: the middle, then a quarter and a half label either side. */
    static const double shift[5] = {0, 0.25, -0.25, 0.5, -0.5};
    if (k >= 5)
      return 0;
    double a = l->angle * M_PI / 180;
    at->x = l->at.x + cos(a) * shift[k] * w;
    at->y = l->at.y - sin(a) * shift[k] * w;
    return 1;
  }
  if (l->placement != CM_PLACE_POINT)
    return k == 0 ? (*at = l->at, 1) : 0;
  if (k >= 8)
    return 0;
  /* Clear of the marker by a point, halo included. */
  double g = l->gap + 1 + l->style.halo_radius;
  at->x = l->at.x + dir[k][0] * (g + w / 2);
  at->y = l->at.y + dir[k][1] * (g + h / 2);
  return 1;
}

static int place_one(composer *c, cm_label *l) {
  PangoLayout *layout = cm_text_layout(c->ctx, l->text, &l->style);
  cm_bbox box0 = cm_text_box(layout, l->text, &l->style, 0, 0);
  g_object_unref(layout);
  double w = box0.maxx - box0.minx, h = box0.maxy - box0.miny;
  double halo = l->style.halo_radius;
  cm_point at;
  for (int k = 0; candidate(l, k, w, h, &at); k++) {
    cm_bbox b = {at.x + box0.minx - halo, at.y + box0.miny - halo,
                 at.x + box0.maxx + halo, at.y + box0.maxy + halo};
    b = rotated(b, at, l->angle);
    if (cm_compose_collides(c, b))
      continue;
    int rc = cm_compose_take(c, b);
    if (rc == CM_OK)
      rc = cm_scene_text(c->scene, l->text, at.x, at.y, &l->style);
    return rc;
  }
  return CM_OK; /* no room: dropped */
}

int cm_place_labels(composer *c) {
  if (!c->nlabels)
    return CM_OK;
  qsort(c->labels, c->nlabels, sizeof *c->labels, by_priority);
  int rc = cm_scene_group_begin(c->scene, "labels", "labels", NULL);
  for (size_t i = 0; rc == CM_OK && i < c->nlabels; i++)
    rc = place_one(c, &c->labels[i]);
  /* Placed: the next panel starts with none. */
  for (size_t i = 0; i < c->nlabels; i++)
    free(c->labels[i].text);
  c->nlabels = 0;
  return rc == CM_OK ? cm_scene_group_end(c->scene) : rc;
}

int cm_marker_geom(cm_marker_type type, cm_point p, double size, cm_geom *out) {
  cm_geom_init(out, CM_GEOM_POLYGON);
  double r = size / 2;
  int n;
  double start, inner = 1;
  switch (type) {
  case CM_MARKER_SQUARE: n = 4, start = 45; r *= M_SQRT2 * 0.9; break;
  case CM_MARKER_TRIANGLE: n = 3, start = 90; r *= 1.15; break;
  case CM_MARKER_STAR: n = 10, start = 90, inner = 0.45; r *= 1.2; break;
  default: n = 32, start = 0; break;
  }
  int rc = cm_geom_begin_part(out);
  for (int i = 0; rc == CM_OK && i < n; i++) {
    double a = (start + 360.0 * i / n) * M_PI / 180;
    double rr = (type == CM_MARKER_STAR && i % 2) ? r * inner : r;
    rc = cm_geom_add_point(out, p.x + rr * cos(a), p.y - rr * sin(a));
  }
  return rc;
}
