/* Where furniture goes: a corner or an edge middle of the frame, a band
 * beside it (outside-right, outside-left, below), or `auto`, the slot
 * whose box covers the least data. Pieces in one slot stack; a piece
 * never overlaps one placed before. The data an auto slot weighs is the
 * same at every date of the map (places and their labels, then lines,
 * then ground that changes hands at some date), so a batch or an
 * animation keeps its legend in one place. */

#include "compose_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const cm_corner inside_slots[8] = {
    CM_CORNER_BOTTOM_LEFT, CM_CORNER_BOTTOM_RIGHT, CM_CORNER_TOP_LEFT,
    CM_CORNER_TOP_RIGHT,   CM_CORNER_BOTTOM,       CM_CORNER_TOP,
    CM_CORNER_LEFT,        CM_CORNER_RIGHT};

/* Small multiples keep their furniture in the band under the grid: a
 * corner stays a corner of the band; any other slot puts the legend at
 * the reading start, the north arrow at the top of the other end and the
 * rest at its bottom. */
static cm_corner panel_slot(const composer *c, cm_corner slot, const char *name) {
  if (slot >= CM_CORNER_TOP_LEFT && slot <= CM_CORNER_BOTTOM_RIGHT)
    return slot;
  if (!strcmp(name, "legend"))
    return c->rtl ? CM_CORNER_BOTTOM_RIGHT : CM_CORNER_BOTTOM_LEFT;
  if (!strcmp(name, "north arrow"))
    return c->rtl ? CM_CORNER_TOP_LEFT : CM_CORNER_TOP_RIGHT;
  return c->rtl ? CM_CORNER_BOTTOM_LEFT : CM_CORNER_BOTTOM_RIGHT;
}

/* The top-left of a w x h box in slot, given what the slot holds already. */
static cm_point slot_origin(const composer *c, cm_corner slot, double w, double h) {
  cm_bbox f = c->furniture;
  double pad = c->page.note_size * 0.8, used = c->corner_used[slot];
  double cx = (f.minx + f.maxx) / 2, cy = (f.miny + f.maxy) / 2;
  double left = f.minx + pad, right = f.maxx - pad - w;
  double top = f.miny + pad + used, bottom = f.maxy - pad - used - h;
  int band = cm__page_band_of(slot);
  if (band >= 0) {
    cm_bbox b = c->page.band[band];
    if (band == 2) /* below: side by side, in reading order */
      return (cm_point){c->rtl ? b.maxx - used - w : b.minx + used, b.miny};
    return (cm_point){band == 1 ? b.maxx - w : b.minx, b.miny + used};
  }
  switch (slot) {
  case CM_CORNER_TOP_LEFT: return (cm_point){left, top};
  case CM_CORNER_TOP_RIGHT: return (cm_point){right, top};
  case CM_CORNER_BOTTOM_LEFT: return (cm_point){left, bottom};
  case CM_CORNER_TOP: return (cm_point){cx - w / 2, top};
  case CM_CORNER_BOTTOM: return (cm_point){cx - w / 2, bottom};
  case CM_CORNER_LEFT: return (cm_point){left, cy - h / 2 + used};
  case CM_CORNER_RIGHT: return (cm_point){right, cy - h / 2 + used};
  default: return (cm_point){right, bottom};
  }
}

double cm__slot_width(const composer *c, cm_corner slot) {
  int band = c->panels ? -1 : cm__page_band_of(slot);
  if (band == 0 || band == 1)
    return c->page.band[band].maxx - c->page.band[band].minx;
  cm_bbox f = c->furniture;
  return (f.maxx - f.minx) - 1.6 * c->page.note_size;
}

double cm__slot_height_left(const composer *c, cm_corner slot) {
  int band = c->panels ? -1 : cm__page_band_of(slot);
  if (band < 0)
    return INFINITY;
  return c->page.band[band].maxy - c->page.band[band].miny - c->corner_used[slot];
}

static int boxes_overlap(cm_bbox a, cm_bbox b) {
  return a.minx < b.maxx && b.minx < a.maxx && a.miny < b.maxy && b.miny < a.maxy;
}

/* Length of segment a-b inside box (Liang-Barsky). */
double cm__segment_length_in(cm_point a, cm_point b, cm_bbox box) {
  double t0 = 0, t1 = 1, dx = b.x - a.x, dy = b.y - a.y;
  double p[4] = {-dx, dx, -dy, dy};
  double q[4] = {a.x - box.minx, box.maxx - a.x, a.y - box.miny, box.maxy - a.y};
  for (int i = 0; i < 4; i++) {
    if (p[i] == 0) {
      if (q[i] < 0)
        return 0;
      continue;
    }
    double t = q[i] / p[i];
    if (p[i] < 0)
      t0 = fmax(t0, t);
    else
      t1 = fmin(t1, t);
  }
  return t1 > t0 ? (t1 - t0) * hypot(dx, dy) : 0;
}

/* Whether the style draws anything for feature f of layer l. */
static int drawn(const composer *c, size_t l, size_t f, cm_symbolizer *s) {
  cm_feature_ref ref = {cm_map_layer_data(c->map, l), f};
  return cm_style_resolve(cm_map_style(c->map), cm_map_layer_style(c->map, l)->name,
                          cm_feature_attr, &ref, s) > 0;
}

/* Ground of feature f that some date of the map shows and another does
 * not: a timed area with an end, or one that starts after the first day. */
static int changes_hands(const composer *c, size_t l, size_t f, cm_day first) {
  if (!cm_map_layer_style(c->map, l)->time_start)
    return 0;
  cm_day from, to;
  cm_map_feature_interval(c->map, l, f, &from, &to);
  return to < CM_DAY_MAX || from > first;
}

/* Share of box (0..1) that ground of g covers, sampled on an 8 x 8 grid
 * (only the samples within g's own box are tested). */
static double share_inside(const cm_geom *g, cm_bbox box) {
  cm_bbox gb = cm_geom_bbox(g);
  int hits = 0;
  for (int i = 0; i < 8; i++)
    for (int k = 0; k < 8; k++) {
      cm_point p = {box.minx + (i + 0.5) * (box.maxx - box.minx) / 8,
                    box.miny + (k + 0.5) * (box.maxy - box.miny) / 8};
      if (p.x >= gb.minx && p.x <= gb.maxx && p.y >= gb.miny && p.y <= gb.maxy)
        hits += cm_geom_contains(g, p);
    }
  return hits / 64.0;
}

/* How much data a box on the map's page hides: a place (with room for its
 * label) outweighs any line, a point of line outweighs any area. */
static double data_under(const composer *c, cm_bbox shown, cm_day first) {
  /* The features are on the map's own page, which a smaller frame shows
   * scaled: the box goes back there. */
  cm_point lo = cm__compose_unplace(c, (cm_point){shown.minx, shown.miny});
  cm_point hi = cm__compose_unplace(c, (cm_point){shown.maxx, shown.maxy});
  cm_bbox box = {lo.x, lo.y, hi.x, hi.y};
  double ns = c->page.note_size / c->k;
  cm_bbox near = {box.minx - ns * 4, box.miny - ns, box.maxx + ns * 4, box.maxy + ns};
  double places = 0, lines = 0, ground = 0;
  for (size_t l = 0; l < cm_map_layer_count(c->map); l++) {
    for (size_t f = 0; f < cm_layer_count(cm_map_layer_data(c->map, l)); f++) {
      const cm_geom *g = cm_map_feature_geom(c->map, l, f);
      if (!g->npoints || !boxes_overlap(cm_geom_bbox(g), near))
        continue;
      cm_symbolizer s;
      if (!drawn(c, l, f, &s))
        continue;
      if (g->type == CM_GEOM_POINT) {
        for (size_t i = 0; i < g->npoints; i++)
          places += g->points[i].x > near.minx && g->points[i].x < near.maxx &&
                    g->points[i].y > near.miny && g->points[i].y < near.maxy;
      } else if (g->type == CM_GEOM_LINE && (s.set & CM_PROP_LINE_COLOR)) {
        for (size_t i = 0; i < g->nparts; i++) {
          const cm_point *p = cm_geom_part(g, i);
          for (size_t k = 1; k < cm_geom_part_size(g, i); k++)
            lines += cm__segment_length_in(p[k - 1], p[k], box);
        }
      } else if (g->type == CM_GEOM_POLYGON && changes_hands(c, l, f, first) &&
                 boxes_overlap(cm_geom_bbox(g), box)) {
        ground += share_inside(g, box);
      }
    }
  }
  return places * 1e6 + lines * 1e2 + ground;
}

/* The first day any timed feature of the map is shown. */
static cm_day first_day(const composer *c) {
  cm_day first = CM_DAY_MAX;
  for (size_t l = 0; l < cm_map_layer_count(c->map); l++)
    for (size_t f = 0; cm_map_layer_style(c->map, l)->time_start &&
                       f < cm_layer_count(cm_map_layer_data(c->map, l));
         f++) {
      cm_day from, to;
      cm_map_feature_interval(c->map, l, f, &from, &to);
      first = from < first ? from : first;
    }
  return first;
}

static cm_bbox box_at(cm_point o, double w, double h) {
  return (cm_bbox){o.x, o.y, o.x + w, o.y + h};
}

/* Whether a box in slot would overlap furniture placed before or leave the
 * frame. */
static int blocked(const composer *c, cm_bbox b) {
  cm_bbox f = c->furniture;
  if (b.minx < f.minx || b.miny < f.miny || b.maxx > f.maxx || b.maxy > f.maxy)
    return 1;
  for (int i = 0; i < c->nfurn; i++)
    if (boxes_overlap(b, c->furn[i]))
      return 1;
  return 0;
}

/* The inside slot that hides the least data (the first on ties). */
static cm_corner best_slot(composer *c, double w, double h) {
  cm_day first = first_day(c);
  cm_corner best = CM_CORNER_BOTTOM_LEFT;
  double best_cost = INFINITY;
  for (int i = 0; i < 8; i++) {
    cm_bbox b = box_at(slot_origin(c, inside_slots[i], w, h), w, h);
    double cost = blocked(c, b) ? 1e18 : data_under(c, b, first);
    if (cost < best_cost)
      best_cost = cost, best = inside_slots[i];
  }
  return best;
}

/* The room a slot's pieces must stay within. */
static cm_bbox slot_room(const composer *c, cm_corner slot) {
  int band = c->panels ? -1 : cm__page_band_of(slot);
  return band >= 0 ? c->page.band[band] : c->furniture;
}

/* A piece the page or frame cuts: the check reports it, and a render
 * says so too, since the reader would miss part of it. */
static void cut(composer *c, const char *name, const char *by) {
  char text[160];
  snprintf(text, sizeof text, "the %s does not fit in its place: the %s cuts it "
           "(a larger page, or smaller type, gives it room)", name, by);
  cm__compose_finding(c, "%s", text);
  if (c->scene) /* out of memory here loses a warning, not the map */
    (void)cm_scene_add_warning(c->scene, text);
}

cm_point cm__corner_box(composer *c, cm_corner slot, double w, double h,
                        const char *name) {
  if (c->panels)
    slot = panel_slot(c, slot, name);
  else if (slot == CM_CORNER_AUTO)
    slot = best_slot(c, w, h);
  cm_point o = slot_origin(c, slot, w, h);
  double pad = c->page.note_size * 0.8;
  c->corner_used[slot] += (slot == CM_CORNER_BELOW ? w : h) + pad * 0.6;
  cm_bbox b = box_at(o, w, h), room = slot_room(c, slot);
  if (b.minx < room.minx - 0.01 || b.miny < room.miny - 0.01 ||
      b.maxx > room.maxx + 0.01 || b.maxy > room.maxy + 0.01)
    cut(c, name, cm__page_band_of(slot) >= 0 && !c->panels ? "page" : "frame");
  for (int i = 0; i < c->nfurn; i++)
    if (boxes_overlap(b, c->furn[i]))
      cm__compose_finding(c, "the %s overlaps the %s", name, c->furn_name[i]);
  if (c->nfurn < (int)(sizeof c->furn / sizeof c->furn[0])) {
    c->furn_name[c->nfurn] = name;
    c->furn[c->nfurn++] = b;
  }
  return o;
}
