/* Label placement: labels are placed in priority order; a point label tries
 * eight positions around its marker, then spots further out joined to it
 * by a leader line (one that crosses no line of the map when such a spot
 * exists); other labels sit on their anchor (or slide along their line).
 * A point label stands where its own marker is the one nearest to it, so
 * two close towns are never read the wrong way round. A label that finds
 * no room is left out rather than drawn over something, and takes its
 * marker with it, so no dot goes unnamed. */

#include "compose_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The order of placement: labels left out of more rounds first (their
 * count is crowd's high bits, see place_rounds), then by priority, the
 * most hemmed in first. */
static int by_priority(const void *a, const void *b) {
  const cm_label *x = a, *y = b;
  int xl = x->crowd >> 20, yl = y->crowd >> 20;
  if (xl != yl)
    return xl > yl ? -1 : 1;
  if (x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  if (x->crowd != y->crowd)
    return x->crowd > y->crowd ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

static int by_x(const void *a, const void *b) {
  const cm_label *const *x = a, *const *y = b;
  return ((*x)->at.x > (*y)->at.x) - ((*x)->at.x < (*y)->at.x);
}

/* Count, for each point label, the other markers within three lines of
 * its own: a label hemmed in has few spots, so it chooses before its
 * neighbours take them. Sorted by x, each looks only at those near. */
static int count_crowds(composer *c) {
  cm_label **by = malloc((c->nlabels ? c->nlabels : 1) * sizeof *by);
  if (!by)
    return CM_ENOMEM;
  size_t n = 0;
  for (size_t i = 0; i < c->nlabels; i++) {
    c->labels[i].crowd = 0;
    if (c->labels[i].placement == CM_PLACE_POINT && c->labels[i].marker >= 0)
      by[n++] = &c->labels[i];
  }
  qsort(by, n, sizeof *by, by_x);
  for (size_t i = 0; i < n; i++) {
    double reach = by[i]->style.size * 3.6;
    for (size_t k = i + 1; k < n && by[k]->at.x - by[i]->at.x < reach; k++)
      if (fabs(by[k]->at.y - by[i]->at.y) < reach)
        by[i]->crowd++, by[k]->crowd++;
  }
  free(by);
  return CM_OK;
}

int cm__compose_take(composer *c, cm_bbox box) {
  if (cm__grow((void **)&c->taken, &c->cap_taken, c->ntaken + 1, sizeof *c->taken) != CM_OK)
    return CM_ENOMEM;
  c->taken[c->ntaken++] = box;
  return CM_OK;
}

void cm__compose_untake(composer *c) { c->ntaken = 0; }

cm_point cm__compose_place(const composer *c, cm_point p) {
  return (cm_point){c->dst0.x + (p.x - c->src0.x) * c->k,
                    c->dst0.y + (p.y - c->src0.y) * c->k};
}

cm_point cm__compose_unplace(const composer *c, cm_point p) {
  return (cm_point){c->src0.x + (p.x - c->dst0.x) / c->k,
                    c->src0.y + (p.y - c->dst0.y) / c->k};
}

int cm__compose_collides(const composer *c, cm_bbox b) {
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
    return cm__compose_take(c, b);
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
    rc = cm__compose_take(c, box);
  }
  return rc;
}

/* Candidates next to a point's marker; those from here on stand further
 * out with a leader line. */
#define NEAR 12
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
 * text, which reads best left of its point; then above and below, slid
 * a third of its width. Candidates NEAR on stand further out, in rings,
 * in the first order, and need a leader line. */
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
  if (k >= NEAR + 32 || (k >= NEAR && l->marker < 0))
    return 0;
  /* Clear of the marker by a point, halo included; then further out. */
  static const double ring[5] = {0, 0.8, 1.6, 3.2, 4.8}; /* lines out */
  double g = l->gap + 1 + l->style.halo_radius, s = rtl ? -1 : 1;
  if (k >= 8 && k < NEAR) { /* above or below, slid a third of its width */
    at->x = l->at.x + (k < 10 ? 1 : -1) * s * w / 3;
    at->y = l->at.y + (k % 2 ? 1 : -1) * (g + h / 2);
    return 1;
  }
  int d = k < 8 ? k : (k - NEAR) % 8;
  double far = k < 8 ? 0 : h * ring[(k - NEAR) / 8 + 1];
  at->x = l->at.x + dir[d][0] * s * (g + far + w / 2);
  at->y = l->at.y + dir[d][1] * (g + far + h / 2);
  return 1;
}

/* The point of box b nearest p. */
static cm_point nearest_on(cm_bbox b, cm_point p) {
  return (cm_point){fmin(fmax(p.x, b.minx), b.maxx), fmin(fmax(p.y, b.miny), b.maxy)};
}

/* A labelled marker, which labels of other places must not seem to name. */
typedef struct dot {
  cm_point at;           /* its centre */
  double r;              /* half its width */
  size_t label;          /* the label that names it */
} dot;

/* A stroked path of a map layer, which leader lines try not to cross. */
typedef struct stroke_path {
  size_t item;
  cm_bbox box;
} stroke_path;

/* A leader line drawn, which later labels and leaders keep off. */
typedef struct lead {
  cm_point a, b;
} lead;

/* What one round of placement consults besides the composer. */
typedef struct placer {
  composer *c;
  dot *dots;
  size_t ndots;
  stroke_path *lines;    /* made when the first leader is tried */
  size_t nlines;
  int lines_made;
  lead *leads;           /* the leaders of this round */
  size_t nleads, cap_leads;
} placer;

/* How far a marker's edge is from box b (0 when it touches). */
static double dot_distance(const dot *d, cm_bbox b) {
  cm_point q = nearest_on(b, d->at);
  return fmax(0, hypot(q.x - d->at.x, q.y - d->at.y) - d->r);
}

/* The markers of the point labels, from their scene items. */
static int collect_dots(placer *p) {
  composer *c = p->c;
  p->dots = malloc((c->nlabels ? c->nlabels : 1) * sizeof *p->dots);
  if (!p->dots)
    return CM_ENOMEM;
  for (size_t i = 0; i < c->nlabels; i++) {
    const cm_label *l = &c->labels[i];
    if (l->placement != CM_PLACE_POINT || l->marker < 0)
      continue;
    const cm_geom *g = &cm_scene_item(c->scene, (size_t)l->marker)->geom;
    if (!g->npoints)
      continue;
    cm_bbox b = cm_geom_bbox(g);
    p->dots[p->ndots++] = (dot){{(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2},
                                (b.maxx - b.minx) / 2, i};
  }
  return CM_OK;
}

/* The marker of label i among the dots, or NULL. */
static const dot *own_dot(const placer *p, size_t i) {
  for (size_t k = 0; k < p->ndots; k++)
    if (p->dots[k].label == i)
      return &p->dots[k];
  return NULL;
}

/* The label of another marker that box b of label i (at candidate k)
 * would seem to name, or -1 when b reads as i's alone. Level with its
 * marker or centred on it (right, left, above, below), the name reads as
 * that marker's when no other is as near; slid or at a corner, another
 * marker must be further by a third of the type size em (type, not the
 * box, so that scripts with tall lines are held to the same gap). A
 * leader names its own, but the eye pairs a name with a dot close by
 * before it follows a thin line: no other marker within half an em (or
 * the leader's length) and a third. */
static long misread_as(const placer *p, size_t i, int k, cm_bbox b, double em) {
  const dot *own = own_dot(p, i);
  if (!own)
    return -1;
  dot big = *own; /* as large as the marker that covers it, if one does */
  big.r = fmax(own->r, p->c->labels[i].gap - 1);
  double mine = dot_distance(&big, b), slack = k < 4 ? 0 : em / 3;
  if (k >= NEAR)
    mine = fmin(mine, em / 2);
  for (size_t n = 0; n < p->ndots; n++) {
    const dot *d = &p->dots[n];
    if (d->label == i || fabs(d->at.x - own->at.x) + fabs(d->at.y - own->at.y) < 0.01)
      continue; /* its own, or a second marker on the very same spot */
    if (dot_distance(d, b) <= mine + slack)
      return (long)d->label;
  }
  return -1;
}

/* The stroked paths of the map's layers drawn so far. */
static int collect_lines(placer *p) {
  p->lines_made = 1;
  const cm_scene *s = p->c->scene;
  size_t n = cm_scene_count(s), cap = 0;
  int depth = 0, layer_depth = 0;
  for (size_t i = 0; i < n; i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_BEGIN) {
      depth++;
      if (!layer_depth && it->id && !strncmp(it->id, "layer-", 6))
        layer_depth = depth;
      continue;
    }
    if (it->kind == CM_ITEM_GROUP_END) {
      layer_depth = layer_depth == depth ? 0 : layer_depth;
      depth--;
      continue;
    }
    if (!layer_depth || it->kind != CM_ITEM_PATH || !it->paint.stroke ||
        it->geom.npoints < 2)
      continue;
    if (p->nlines == cap) {
      cap = cap ? cap * 2 : 64;
      stroke_path *grown = realloc(p->lines, cap * sizeof *grown);
      if (!grown)
        return CM_ENOMEM;
      p->lines = grown;
    }
    p->lines[p->nlines++] = (stroke_path){i, cm_geom_bbox(&it->geom)};
  }
  return CM_OK;
}

/* Which side of a-b point p lies on. */
static double side_of(cm_point a, cm_point b, cm_point p) {
  return (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
}

static int segments_cross(cm_point a, cm_point b, cm_point c, cm_point d) {
  double s1 = side_of(a, b, c), s2 = side_of(a, b, d);
  double s3 = side_of(c, d, a), s4 = side_of(c, d, b);
  return s1 * s2 < 0 && s3 * s4 < 0;
}

/* Whether point p lies inside the convex quadrilateral q. */
static int inside_quad(cm_point p, const cm_point q[4]) {
  int pos = 0, neg = 0;
  for (int k = 0; k < 4; k++) {
    double s = side_of(q[k], q[(k + 1) % 4], p);
    pos += s > 0, neg += s < 0;
  }
  return pos == 4 || neg == 4;
}

/* Whether segment a-b runs through the convex quadrilateral q (an end
 * inside, or an edge crossed). */
static int segment_meets_quad(cm_point a, cm_point b, const cm_point q[4]) {
  if (inside_quad(a, q) || inside_quad(b, q))
    return 1;
  for (int k = 0; k < 4; k++)
    if (segments_cross(a, b, q[k], q[(k + 1) % 4]))
      return 1;
  return 0;
}

static int segment_meets_box(cm_point a, cm_point b, cm_bbox box) {
  cm_point q[4] = {{box.minx, box.miny}, {box.maxx, box.miny}, {box.maxx, box.maxy},
                   {box.minx, box.maxy}};
  return segment_meets_quad(a, b, q);
}

/* Whether a label's outline (box b at `at`, turned by angle) meets a
 * leader drawn before: a name over a leader, or two leaders crossing
 * (line_crosses_leads counts those), leave the reader unsure which line
 * leads where. */
static int label_meets_leads(const placer *p, cm_bbox b, cm_point at, double angle) {
  cm_point q[4];
  turned_corners(b, at, angle, q);
  for (size_t i = 0; i < p->nleads; i++)
    if (segment_meets_quad(p->leads[i].a, p->leads[i].b, q))
      return 1;
  return 0;
}

/* How many leaders drawn before leader line crosses. */
static int line_crosses_leads(const placer *p, const cm_geom *line) {
  int n = 0;
  for (size_t i = 0; i < p->nleads; i++)
    n += segments_cross(p->leads[i].a, p->leads[i].b, line->points[0], line->points[1]);
  return n;
}

/* What a leader crossing another counts, in lines of the map crossed. */
#define LEAD_CROSSING 1000

/* How many times the path's edges cross segment a-b (rings closed). */
static int path_crossings(const cm_geom *g, cm_point a, cm_point b) {
  int n = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    const cm_point *q = cm_geom_part(g, i);
    size_t m = cm_geom_part_size(g, i);
    for (size_t k = 1; k <= m && m > 1; k++) {
      if (k == m && g->type != CM_GEOM_POLYGON)
        break;
      n += segments_cross(a, b, q[k - 1], q[k % m]);
    }
  }
  return n;
}

/* How many lines of the map leader a-b crosses. */
static int leader_crossings(placer *p, cm_point a, cm_point b, int *rc) {
  if (!p->lines_made && (*rc = collect_lines(p)) != CM_OK)
    return 0;
  cm_bbox lb = {fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x), fmax(a.y, b.y)};
  int n = 0;
  for (size_t i = 0; i < p->nlines; i++) {
    cm_bbox t = p->lines[i].box;
    if (t.minx <= lb.maxx && lb.minx <= t.maxx && t.miny <= lb.maxy && lb.miny <= t.maxy)
      n += path_crossings(&cm_scene_item(p->c->scene, p->lines[i].item)->geom, a, b);
  }
  return n;
}

/* How far into a box's edge a leader may pass, pt. */
#define GRAZE 0.5

/* Whether leader a-b of label l is blocked: by the frame, or a box
 * reserved before (a name, a marker, furniture), unless that box covers
 * the label's own marker (an event's numbered marker on the town), which
 * the leader leaves from under. */
static int leader_blocked(const composer *c, const cm_label *l, cm_point a, cm_point b) {
  cm_bbox f = c->frame;
  cm_point at = l->at;
  if (fmin(a.x, b.x) < f.minx || fmin(a.y, b.y) < f.miny || fmax(a.x, b.x) > f.maxx ||
      fmax(a.y, b.y) > f.maxy)
    return 1;
  for (size_t i = 0; i < c->ntaken; i++) {
    cm_bbox t = c->taken[i];
    int covers_marker = l->marker >= 0 && at.x > t.minx && at.x < t.maxx &&
                        at.y > t.miny && at.y < t.maxy;
    /* a leader may graze a box's halo, not cross what it holds */
    t.minx += GRAZE, t.miny += GRAZE, t.maxx -= GRAZE, t.maxy -= GRAZE;
    if (!covers_marker && segment_meets_box(a, b, t))
      return 1;
  }
  return 0;
}

/* A leader from the marker's edge to the label's box, if its way is free. */
static int leader(composer *c, const cm_label *l, cm_bbox b, cm_geom *out) {
  cm_point to = nearest_on(b, l->at);
  double d = hypot(to.x - l->at.x, to.y - l->at.y), r = l->gap;
  if (d <= r)
    return 0;
  cm_point from = {l->at.x + (to.x - l->at.x) * r / d, l->at.y + (to.y - l->at.y) * r / d};
  if (leader_blocked(c, l, from, to))
    return 0;
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

/* No room anywhere: the marker goes too, and the check hears of it; when
 * the spots left were all nearer another marker, it names that one. */
static void drop(placer *p, size_t i, long misread) {
  composer *c = p->c;
  const cm_label *l = &c->labels[i];
  if (l->marker >= 0) {
    cm_bbox m = cm_geom_bbox(&cm_scene_item(c->scene, (size_t)l->marker)->geom);
    cm_scene_path_hide(c->scene, (size_t)l->marker);
    for (int k = 0; k < c->nfurn; k++)
      if (m.minx < c->furn[k].maxx && c->furn[k].minx < m.maxx &&
          m.miny < c->furn[k].maxy && c->furn[k].miny < m.maxy) {
        cm__compose_finding(c, "the %s covers the marker of '%s'", c->furn_name[k], l->text);
        return;
      }
  }
  if (l->optional)
    return;
  if (misread >= 0)
    cm__compose_finding(c, "label '%s' left out with its marker: the free spots near "
                          "its point are as near the marker of '%s'",
                       l->text, c->labels[misread].text);
  else
    cm__compose_finding(c, "label '%s' left out%s: no room near its %s", l->text,
                        l->marker >= 0 ? " with its marker" : "",
                        l->span > 0 ? "line" : "point");
}

/* Point labels from candidate NEAR on stand away from their marker,
 * labels along a line from candidate 20 on away from it. */
static int needs_leader(const cm_label *l, int k) {
  return (l->placement == CM_PLACE_POINT && k >= NEAR) ||
         (l->placement == CM_PLACE_LINE && l->span > 0 && k >= 20);
}

/* Whether label i fits at candidate k: free room, and a free way for a
 * leader further out; a spot that would seem to name another marker
 * does not fit either (its label in *misread). */
static int fits(placer *p, size_t i, int k, cm_bbox b, cm_point at,
                cm_geom *line, long *misread) {
  composer *c = p->c;
  const cm_label *l = &c->labels[i];
  if (l->angle != 0 ? turned_collides(c, b, at, l->angle) : cm__compose_collides(c, b))
    return 0;
  long other = l->placement == CM_PLACE_POINT ? misread_as(p, i, k, b, l->style.size)
                                               : -1;
  if (other >= 0) {
    *misread = *misread < 0 ? other : *misread; /* the nearest spot names it */
    return 0;
  }
  if (label_meets_leads(p, b, at, l->angle))
    return 0;
  if (!needs_leader(l, k))
    return 1;
  return leader(c, l, b, line);
}

/* A spot found for a label: its candidate, box and leader. */
typedef struct spot {
  int k, crossings;
  int led;               /* line holds its leader */
  cm_bbox b;
  cm_point at;
  cm_geom line;
} spot;

static int take_spot(placer *p, const cm_label *l, spot *s) {
  composer *c = p->c;
  int rc = take_label(c, s->b, s->at, l->angle);
  if (rc == CM_OK && s->led &&
      (rc = cm__grow((void **)&p->leads, &p->cap_leads, p->nleads + 1, sizeof *p->leads)) == CM_OK)
    p->leads[p->nleads++] = (lead){s->line.points[0], s->line.points[1]};
  if (rc == CM_OK && s->led)
    rc = draw_leader(c, l, &s->line);
  else if (s->led)
    cm_geom_free(&s->line);
  return rc == CM_OK ? cm_scene_text(c->scene, l->text, s->at.x, s->at.y, &l->style) : rc;
}

/* A point whose marker lies under a larger one (an event's numbered
 * marker on the town) is named from around that one. */
static void widen_gap(const composer *c, cm_label *l) {
  if (l->placement != CM_PLACE_POINT || l->marker < 0)
    return;
  for (size_t i = 0; i < c->ntaken; i++) {
    cm_bbox t = c->taken[i];
    double most = l->style.size * 3; /* a marker, not furniture */
    if (l->at.x > t.minx && l->at.x < t.maxx && l->at.y > t.miny && l->at.y < t.maxy &&
        t.maxx - t.minx < most && t.maxy - t.miny < most)
      l->gap = fmax(l->gap, fmax(fmax(t.maxx - l->at.x, l->at.x - t.minx),
                                 fmax(t.maxy - l->at.y, l->at.y - t.miny)));
  }
}

/* Keep the better of two spots: next to the marker, the first that fits;
 * with a leader, the first that crosses no line of the map, or else the
 * one that crosses fewest. */
static void better(spot *best, spot *s) {
  if (best->k >= 0 && s->crossings >= best->crossings) {
    if (s->led)
      cm_geom_free(&s->line);
    return;
  }
  if (best->led)
    cm_geom_free(&best->line);
  *best = *s;
}

/* Place label i at the best candidate from..to (a point label's
 * first NEAR candidates sit next to its marker, the rest further out
 * with a leader):
 * 1 when placed (a failure of memory in *rc), 0 when none fits. */
static int place_in(placer *p, size_t i, int from, int to, int *rc, long *misread) {
  composer *c = p->c;
  cm_label *l = &c->labels[i];
  widen_gap(c, l);
  PangoLayout *layout = cm__text_layout(c->ctx, l->text, &l->style);
  cm_bbox box0 = cm__text_box(layout, l->text, &l->style, 0, 0);
  g_object_unref(layout);
  double w = box0.maxx - box0.minx, h = box0.maxy - box0.miny;
  double halo = l->style.halo_radius;
  int rtl = cm__text_is_rtl(l->text);
  spot best = {.k = -1};
  for (int k = from; k <= to && *rc == CM_OK; k++) {
    spot s = {.k = k};
    if (!candidate(l, k, w, h, rtl, &s.at))
      break;
    s.b = (cm_bbox){s.at.x + box0.minx - halo, s.at.y + box0.miny - halo,
                    s.at.x + box0.maxx + halo, s.at.y + box0.maxy + halo};
    if (!fits(p, i, k, s.b, s.at, &s.line, misread))
      continue;
    s.led = needs_leader(l, k);
    /* Crossing another leader is worse than crossing any line of the map:
     * only where nothing else is left. */
    if (s.led)
      s.crossings = leader_crossings(p, s.line.points[0], s.line.points[1], rc) +
                    LEAD_CROSSING * line_crosses_leads(p, &s.line);
    better(&best, &s);
    if (best.crossings == 0)
      break;
  }
  if (best.k < 0 || *rc != CM_OK) {
    if (best.led)
      cm_geom_free(&best.line);
    return best.k >= 0;
  }
  *rc = take_spot(p, l, &best);
  return 1;
}

/* place_in, and for a level label of a line, the same about its second
 * anchor when the first has no room. */
static int place_about(placer *p, size_t i, int from, int to, int *rc,
                       long *misread) {
  if (place_in(p, i, from, to, rc, misread))
    return 1;
  cm_label *l = &p->c->labels[i];
  if (l->span <= 0 || l->placement != CM_PLACE_POINT)
    return 0;
  cm_point first = l->at;
  l->at = l->alt;
  int placed = place_in(p, i, from, to, rc, misread);
  l->at = first;
  return placed;
}

/* One round in the labels' order: every label first next to its point
 * (or on its line); then those left further out with a leader, so that
 * one label's leader spot never takes another's first choice. state[i]
 * is -2 for a label placed, else the label of a marker its spots would
 * seem to name, or -1. Returns how many that must be shown found no
 * spot (or -1 when out of memory). */
static long place_round(placer *p, long *state) {
  composer *c = p->c;
  int rc = CM_OK;
  qsort(c->labels, c->nlabels, sizeof *c->labels, by_priority);
  p->nleads = 0; /* undone with the round */
  free(p->dots); /* they name labels by their place in the order */
  p->dots = NULL, p->ndots = 0;
  if (collect_dots(p) != CM_OK)
    return -1;
  long left = 0;
  /* Labels of lines (arrows) come last, so none takes the spot a place's
   * label would have further out. */
  for (size_t i = 0; rc == CM_OK && i < c->nlabels; i++) {
    state[i] = -1;
    if (c->labels[i].span <= 0 && place_in(p, i, 0, NEAR - 1, &rc, &state[i]))
      state[i] = -2;
  }
  for (size_t i = 0; rc == CM_OK && i < c->nlabels; i++)
    if (state[i] != -2 && c->labels[i].span <= 0 &&
        place_in(p, i, NEAR, NEAR + 31, &rc, &state[i]))
      state[i] = -2;
  for (size_t i = 0; rc == CM_OK && i < c->nlabels; i++)
    if (c->labels[i].span > 0 && (place_about(p, i, 0, NEAR - 1, &rc, &state[i]) ||
                                  place_about(p, i, NEAR, 71, &rc, &state[i])))
      state[i] = -2;
  for (size_t i = 0; i < c->nlabels; i++)
    left += state[i] != -2 && !c->labels[i].optional;
  return rc == CM_OK ? left : -1;
}

/* Rounds of placement tried when labels find no spot. */
#define ROUNDS 4

/* Undo a round: its labels' items and the room they took. */
static void undo_round(composer *c, size_t items, size_t taken) {
  cm_scene_truncate(c->scene, items);
  c->ntaken = taken;
}

/* Placement in rounds: when labels find no spot, the round is undone and
 * those left out go first, before labels of a higher priority too (the
 * more often left out, the earlier): a town's name hemmed in by a
 * capital's takes its spot, and the capital, with more room around it,
 * finds another. The round that leaves out fewest stays. A label with no
 * room even so is dropped, with its marker. */
static int place_rounds(placer *p, long *state) {
  composer *c = p->c;
  size_t items = cm_scene_count(c->scene), taken = c->ntaken;
  int *best = malloc(c->nlabels * sizeof *best);
  long left = place_round(p, state), fewest = left;
  for (int r = 1; best && left > 0 && r < ROUNDS; r++) {
    for (size_t i = 0; i < c->nlabels; i++) {
      size_t o = c->labels[i].order; /* the order the labels came in */
      if (left == fewest)
        best[o] = c->labels[i].crowd;
      c->labels[i].crowd += state[i] != -2 ? 1 << 20 : 0;
    }
    undo_round(c, items, taken);
    left = place_round(p, state);
    if (left < 0)
      break;
    fewest = left < fewest ? left : fewest;
  }
  if (best && left > fewest) { /* the best round again */
    for (size_t i = 0; i < c->nlabels; i++)
      c->labels[i].crowd = best[c->labels[i].order];
    undo_round(c, items, taken);
    left = place_round(p, state);
  }
  free(best);
  if (left < 0 || !best)
    return CM_ENOMEM;
  for (size_t i = 0; i < c->nlabels; i++)
    if (state[i] != -2)
      drop(p, i, state[i]);
  return CM_OK;
}

int cm__place_labels(composer *c) {
  if (!c->nlabels)
    return CM_OK;
  int rc = count_crowds(c);
  if (rc == CM_OK)
    rc = cm_scene_group_begin(c->scene, "labels", "labels", NULL);
  placer p = {.c = c};
  long *state = malloc(c->nlabels * sizeof *state);
  if (rc == CM_OK)
    rc = state ? place_rounds(&p, state) : CM_ENOMEM;
  free(state);
  free(p.dots);
  free(p.lines);
  free(p.leads);
  /* Placed: the next panel starts with none. */
  for (size_t i = 0; i < c->nlabels; i++)
    free(c->labels[i].text);
  c->nlabels = 0;
  return rc == CM_OK ? cm_scene_group_end(c->scene) : rc;
}

int cm__marker_geom(cm_marker_type type, cm_point p, double size, cm_geom *out) {
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
