/* Label placement: labels are placed in priority order; a point label tries
 * eight positions around its marker, then spots further out joined to it
 * by a leader line; other labels sit on their anchor (or slide along their
 * line). A label that finds no room is left out rather than drawn over
 * something, and takes its marker with it, so no dot goes unnamed. */

#include "compose_internal.h"

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
  if (cm__grow((void **)&c->taken, &c->cap_taken, c->ntaken + 1, sizeof *c->taken) != CM_OK)
    return CM_ENOMEM;
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

/* The corners of box b turned by angle (degrees, counter-clockwise) about at. */
static void turned_corners(cm_bbox b, cm_point at, double angle, cm_point out[4]) {
  double a = -angle * M_PI / 180, ca = cos(a), sa = sin(a);
  double xs[4] = {b.minx, b.maxx, b.maxx, b.minx}, ys[4] = {b.miny, b.miny, b.maxy, b.maxy};
  for (int i = 0; i < 4; i++) {
    double dx = xs[i] - at.x, dy = ys[i] - at.y;
    out[i] = (cm_point){at.x + dx * ca - dy * sa, at.y + dx * sa + dy * ca};
  }
}

/* Whether the quadrilateral q (convex) and box t overlap: no separating
 * axis among the box's two and the quadrilateral's two. */
static int quad_meets_box(const cm_point q[4], cm_bbox t) {
  cm_point tc[4] = {{t.minx, t.miny}, {t.maxx, t.miny}, {t.maxx, t.maxy}, {t.minx, t.maxy}};
  cm_point axes[4] = {{1, 0}, {0, 1}, {q[1].x - q[0].x, q[1].y - q[0].y},
                      {q[3].x - q[0].x, q[3].y - q[0].y}};
  for (int a = 0; a < 4; a++) {
    double lo1 = INFINITY, hi1 = -INFINITY, lo2 = INFINITY, hi2 = -INFINITY;
    for (int i = 0; i < 4; i++) {
      double p = q[i].x * axes[a].x + q[i].y * axes[a].y;
      double r = tc[i].x * axes[a].x + tc[i].y * axes[a].y;
      lo1 = fmin(lo1, p), hi1 = fmax(hi1, p), lo2 = fmin(lo2, r), hi2 = fmax(hi2, r);
    }
    if (hi1 <= lo2 || hi2 <= lo1)
      return 0;
  }
  return 1;
}

/* A turned label (along a corridor or a line) collides by its own outline,
 * not its bounding box, which would be far larger. */
static int turned_collides(const composer *c, cm_bbox b, cm_point at, double angle) {
  cm_point q[4];
  turned_corners(b, at, angle, q);
  cm_bbox f = c->frame;
  for (int i = 0; i < 4; i++)
    if (q[i].x < f.minx || q[i].x > f.maxx || q[i].y < f.miny || q[i].y > f.maxy)
      return 1;
  for (size_t i = 0; i < c->ntaken; i++)
    if (quad_meets_box(q, c->taken[i])) {
      return 1;
    }
  return 0;
}

/* Reserve a label's room; a turned one as the boxes of short pieces along
 * it, since one box around it all would keep its neighbours far away. */
static int take_label(composer *c, cm_bbox b, cm_point at, double angle) {
  if (angle == 0)
    return cm_compose_take(c, b);
  double len = b.maxx - b.minx, h = b.maxy - b.miny;
  int n = (int)ceil(len / fmax(h, 1));
  int rc = CM_OK;
  for (int i = 0; i < n && rc == CM_OK; i++) {
    cm_bbox piece = {b.minx + len * i / n, b.miny, b.minx + len * (i + 1) / n, b.maxy};
    cm_point q[4];
    turned_corners(piece, at, angle, q);
    cm_bbox box = cm_bbox_empty();
    for (int k = 0; k < 4; k++)
      cm_bbox_extend(&box, q[k].x, q[k].y);
    rc = cm_compose_take(c, box);
  }
  return rc;
}

/* Candidate k of a label along a line: beside it on either side, clear
 * of its stroke, then a line further out, sliding from the middle of its
 * segment towards both ends (a label longer than the segment slides
 * until the segment's end meets its own); from candidate 20 on, two and
 * three lines out, joined to the line by a leader. */
static int along_segment(const cm_label *l, int k, double w, double h, cm_point *at) {
  static const double shift[5] = {0, 0.5, -0.5, 1, -1};
  static const double far_shift[3] = {0, 1, -1};
  static const double side[8] = {1, -1, 2, -2, 3, -3, 4, -4};
  if (k >= 32)
    return 0;
  double along = k < 20 ? shift[k % 5] : far_shift[(k - 20) % 3];
  double lines = k < 20 ? side[k / 5] : side[4 + (k - 20) / 3];
  double a = l->angle * M_PI / 180;
  along *= fabs(l->span - w) / 2;
  double off = (lines > 0 ? 1 : -1) * (h / 2 + l->gap + (fabs(lines) - 1) * h);
  at->x = l->at.x + cos(a) * along + sin(a) * off;
  at->y = l->at.y - sin(a) * along + cos(a) * off;
  return 1;
}

/* Candidate k of a level label beside a line's middle: the eight spots
 * of a point's label, then right and left half a line up and down; from
 * candidate 12 on the same in five rings further out, with a leader. */
static int level_beside(const cm_label *l, int k, double w, double h, int rtl,
                        cm_point *at) {
  static const double dir[12][2] = {{1, 0},  {-1, 0}, {0, -1},   {0, 1},
                                    {1, -1}, {-1, -1}, {1, 1},   {-1, 1},
                                    {1, -0.6}, {1, 0.6}, {-1, -0.6}, {-1, 0.6}};
  if (k >= 72)
    return 0;
  double g = l->gap + 1 + l->style.halo_radius, far = h * 1.6 * (k / 12);
  double dx = dir[k % 12][0] * (rtl ? -1 : 1), dy = dir[k % 12][1];
  int half = k % 12 >= 8; /* beside, half a line up or down */
  at->x = l->at.x + dx * (g + far + w / 2);
  at->y = l->at.y + (half ? dy * h : dy * (g + far + h / 2));
  return 1;
}

/* Candidate anchor k around a point: right, left, above, below, then the
 * diagonals — the order cartographers prefer, mirrored for right-to-left
 * text, which reads best left of its point. Candidates 8 to 23 stand
 * further out, in the same order, and need a leader line. */
static int candidate(const cm_label *l, int k, double w, double h, int rtl,
                     cm_point *at) {
  static const double dir[8][2] = {{1, 0},  {-1, 0}, {0, -1}, {0, 1},
                                   {1, -1}, {-1, -1}, {1, 1}, {-1, 1}};
  if (l->placement == CM_PLACE_LINE && l->span > 0)
    return along_segment(l, k, w, h, at);
  if (l->placement == CM_PLACE_LINE) {
    /* Slide along the area's axis away from whatever is in the way: the
     * middle, then a quarter and a half label either side; then the same
     * just beside it, still reading along it. */
    static const double shift[5] = {0, 0.25, -0.25, 0.5, -0.5};
    static const double side[3] = {0, 1, -1};
    if (k >= 15)
      return 0;
    double a = l->angle * M_PI / 180, along = shift[k % 5] * w, off = side[k / 5] * h;
    at->x = l->at.x + cos(a) * along + sin(a) * off;
    at->y = l->at.y - sin(a) * along + cos(a) * off;
    return 1;
  }
  if (l->placement != CM_PLACE_POINT)
    return k == 0 ? (*at = l->at, 1) : 0;
  if (l->span > 0)
    return level_beside(l, k, w, h, rtl, at);
  if (k >= 32 || (k >= 8 && l->marker < 0))
    return 0;
  /* Clear of the marker by a point, halo included; then further out. */
  double g = l->gap + 1 + l->style.halo_radius;
  double far = h * 1.6 * (k / 8); /* 0, then rings 1.6, 3.2 and 4.8 lines out */
  double dx = dir[k % 8][0] * (rtl ? -1 : 1), dy = dir[k % 8][1];
  at->x = l->at.x + dx * (g + far + w / 2);
  at->y = l->at.y + dy * (g + far + h / 2);
  return 1;
}

/* The point of box b nearest p. */
static cm_point nearest_on(cm_bbox b, cm_point p) {
  return (cm_point){fmin(fmax(p.x, b.minx), b.maxx), fmin(fmax(p.y, b.miny), b.maxy)};
}

/* A leader from the marker's edge to the label's box, if its way is free. */
static int leader(composer *c, const cm_label *l, cm_bbox b, cm_geom *out) {
  cm_point to = nearest_on(b, l->at);
  double d = hypot(to.x - l->at.x, to.y - l->at.y), r = l->gap;
  if (d <= r)
    return 0;
  cm_point from = {l->at.x + (to.x - l->at.x) * r / d, l->at.y + (to.y - l->at.y) * r / d};
  for (int i = 1; i < 8; i++) {
    double t = i / 8.0;
    cm_point p = {from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t};
    if (cm_compose_collides(c, (cm_bbox){p.x - 0.5, p.y - 0.5, p.x + 0.5, p.y + 0.5}))
      return 0;
  }
  cm_geom_init(out, CM_GEOM_LINE);
  cm_geom_add_point(out, from.x, from.y);
  cm_geom_add_point(out, to.x, to.y);
  return 1;
}

static int draw_leader(composer *c, const cm_label *l, cm_geom *g) {
  cm_paint p = {0};
  p.stroke = 1;
  p.stroke_color = l->style.fill;
  p.stroke_width = 0.5;
  p.cap = CM_CAP_ROUND;
  int rc = cm_scene_path_take(c->scene, g, &p);
  cm_geom_free(g);
  return rc;
}

/* No room anywhere: the marker goes too, and the check hears of it. */
static void drop(composer *c, const cm_label *l) {
  if (l->marker >= 0) {
    cm_bbox m = cm_geom_bbox(&cm_scene_item(c->scene, (size_t)l->marker)->geom);
    cm_scene_path_hide(c->scene, (size_t)l->marker);
    for (int i = 0; i < c->nfurn; i++)
      if (m.minx < c->furn[i].maxx && c->furn[i].minx < m.maxx &&
          m.miny < c->furn[i].maxy && c->furn[i].miny < m.maxy) {
        cm_compose_finding(c, "the %s covers the marker of '%s'", c->furn_name[i], l->text);
        return;
      }
  }
  if (!l->optional)
    cm_compose_finding(c, "label '%s' left out%s: no room near its %s", l->text,
                       l->marker >= 0 ? " with its marker" : "",
                       l->span > 0 ? "line" : "point");
}

/* Point labels from candidate 8 on stand away from their marker, labels
 * along a line from candidate 20 on away from it. */
static int needs_leader(const cm_label *l, int k) {
  return (l->placement == CM_PLACE_POINT && k >= 8) ||
         (l->placement == CM_PLACE_LINE && l->span > 0 && k >= 20);
}

/* Whether the label fits at candidate k: free room, and a free way for a
 * leader further out. */
static int fits(composer *c, const cm_label *l, int k, cm_bbox b, cm_point at,
                cm_geom *line) {
  if (l->angle != 0 ? turned_collides(c, b, at, l->angle) : cm_compose_collides(c, b))
    return 0;
  return !needs_leader(l, k) || leader(c, l, b, line);
}

/* Place l at the first candidate from..to that fits (a point label's
 * candidates 0-7 sit next to its marker, 8 on further out with a leader):
 * 1 when placed (a failure of memory in *rc), 0 when none fits. */
static int place_in(composer *c, cm_label *l, int from, int to, int *rc) {
  PangoLayout *layout = cm_text_layout(c->ctx, l->text, &l->style);
  cm_bbox box0 = cm_text_box(layout, l->text, &l->style, 0, 0);
  g_object_unref(layout);
  double w = box0.maxx - box0.minx, h = box0.maxy - box0.miny;
  double halo = l->style.halo_radius;
  int rtl = cm_text_is_rtl(l->text);
  cm_point at;
  for (int k = from; k <= to && candidate(l, k, w, h, rtl, &at); k++) {
    cm_bbox b = {at.x + box0.minx - halo, at.y + box0.miny - halo,
                 at.x + box0.maxx + halo, at.y + box0.maxy + halo};
    cm_geom line;
    if (!fits(c, l, k, b, at, &line))
      continue;
    *rc = take_label(c, b, at, l->angle);
    if (*rc == CM_OK && needs_leader(l, k))
      *rc = draw_leader(c, l, &line);
    if (*rc == CM_OK)
      *rc = cm_scene_text(c->scene, l->text, at.x, at.y, &l->style);
    return 1;
  }
  return 0;
}

/* place_in, and for a level label of a line, the same about its second
 * anchor when the first has no room. */
static int place_about(composer *c, cm_label *l, int from, int to, int *rc) {
  if (place_in(c, l, from, to, rc))
    return 1;
  if (l->span <= 0 || l->placement != CM_PLACE_POINT)
    return 0;
  cm_point first = l->at;
  l->at = l->alt;
  int placed = place_in(c, l, from, to, rc);
  l->at = first;
  return placed;
}

/* Every label first next to its point (or on its line); then those left
 * further out with a leader, so that one label's leader spot never takes
 * another's first choice; a label with no room at all is dropped. */
int cm_place_labels(composer *c) {
  if (!c->nlabels)
    return CM_OK;
  qsort(c->labels, c->nlabels, sizeof *c->labels, by_priority);
  int rc = cm_scene_group_begin(c->scene, "labels", "labels", NULL);
  unsigned char *placed = calloc(c->nlabels, 1);
  if (!placed)
    rc = CM_ENOMEM;
  /* Labels of lines (arrows) come last, so none takes the spot a place's
   * label would have further out. */
  for (size_t i = 0; rc == CM_OK && i < c->nlabels; i++)
    placed[i] = c->labels[i].span > 0 ||
                place_about(c, &c->labels[i], 0, 7, &rc);
  for (size_t i = 0; rc == CM_OK && i < c->nlabels; i++)
    if (!placed[i] && !place_about(c, &c->labels[i], 8, 31, &rc))
      drop(c, &c->labels[i]);
  for (size_t i = 0; rc == CM_OK && i < c->nlabels; i++)
    if (c->labels[i].span > 0 && !place_about(c, &c->labels[i], 0, 7, &rc) &&
        !place_about(c, &c->labels[i], 8, 71, &rc))
      drop(c, &c->labels[i]);
  free(placed);
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
