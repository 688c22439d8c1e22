/* Composition of the map's layers: each visible feature styled by the
 * cascade becomes fills, hatches, strokes and markers in the scene, and its
 * label a candidate for placement. */

#include "compose_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cm_color with_alpha(cm_color c, double opacity) {
  c.a *= opacity;
  return c;
}

/* A style length in points; symbols shrink with small-multiple panels,
 * but not below 60 %, where they would stop being legible. */
static double pt(const composer *c, cm_length len) {
  return cm_length_pt(len, c->dpi) * c->sym;
}

/* Fill, hatch and stroke of a feature from its symbolizer. */
static void make_paint(const composer *c, const cm_symbolizer *s,
                       cm_geom_type type, cm_paint *p) {
  memset(p, 0, sizeof *p);
  if (type == CM_GEOM_POLYGON) {
    p->fill = (s->set & CM_PROP_POLYGON_FILL) != 0;
    p->fill_color = with_alpha(s->polygon_fill, s->polygon_opacity);
    const cm_pattern *pat = &s->polygon_pattern;
    if ((s->set & CM_PROP_POLYGON_PATTERN) && pat->kind != CM_PATTERN_NONE) {
      p->hatch = 1;
      p->cross = pat->kind == CM_PATTERN_CROSS;
      p->hatch_angle = pat->angle;
      p->hatch_color = pat->color;
      p->hatch_width = pt(c, pat->width);
      p->hatch_spacing = pt(c, pat->spacing);
    }
  }
  p->stroke = (s->set & (CM_PROP_LINE_COLOR | CM_PROP_LINE_WIDTH)) != 0;
  p->stroke_color = with_alpha(s->line_color, s->line_opacity);
  p->stroke_width = pt(c, s->line_width);
  p->dash_count = s->line_dash_count;
  for (int i = 0; i < s->line_dash_count; i++)
    p->dash[i] = pt(c, s->line_dasharray[i]);
  p->join = s->line_join;
  p->cap = s->line_cap;
}

static cm_arrow arrow_of(const cm_symbolizer *s) {
  return (cm_arrow){s->line_start == CM_LINE_END_ARROW,
                    s->line_end == CM_LINE_END_ARROW, s->line_taper};
}

int cm__is_arrow(const cm_arrow *a) { return a->start || a->end || a->taper < 1; }

static int has_marker(const cm_symbolizer *s) {
  return (s->set & (CM_PROP_MARKER_TYPE | CM_PROP_MARKER_WIDTH |
                    CM_PROP_MARKER_FILL | CM_PROP_MARKER_LINE_COLOR |
                    CM_PROP_MARKER_LINE_WIDTH)) != 0;
}

void cm__marker_paint(const composer *c, const cm_symbolizer *s, cm_paint *p) {
  memset(p, 0, sizeof *p);
  p->fill = 1;
  p->fill_color = s->marker_fill;
  double w = pt(c, s->marker_line_width);
  p->stroke = w > 0;
  p->stroke_width = w;
  p->stroke_color = s->marker_line_color;
  p->join = CM_JOIN_ROUND;
}

/* The direction of a polygon's longest extent, in degrees counter-clockwise
 * and kept upright: the principal axis of its vertices. */
static double main_axis(const cm_geom *g) {
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  size_t n = g->npoints;
  for (size_t i = 0; i < n; i++)
    mx += g->points[i].x / n, my += g->points[i].y / n;
  for (size_t i = 0; i < n; i++) {
    double dx = g->points[i].x - mx, dy = g->points[i].y - my;
    sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
  }
  double a = 0.5 * atan2(2 * sxy, sxx - syy) * 180 / M_PI;
  a = -a; /* page y runs down */
  return a > 90 ? a - 180 : a < -90 ? a + 180 : a;
}

/* The page point a label of geometry g hangs on, and its angle. */
static int label_anchor(const cm_geom *g, cm_text_placement how, cm_point *at,
                        double *angle, double *span) {
  *angle = 0;
  *span = 0;
  if (g->type == CM_GEOM_POLYGON) {
    double dist;
    if (cm_geom_label_point(g, 0.5, at, &dist) != CM_OK)
      return 0;
    /* Along a long, thin area (a corridor): its main axis. */
    if (how == CM_PLACE_LINE)
      *angle = main_axis(g);
    return 1;
  }
  if (g->type == CM_GEOM_LINE) {
    /* The middle of the longest segment of the longest part. */
    double best = -1;
    for (size_t i = 0; i < g->nparts; i++) {
      const cm_point *p = cm_geom_part(g, i);
      for (size_t k = 1; k < cm_geom_part_size(g, i); k++) {
        double len = hypot(p[k].x - p[k - 1].x, p[k].y - p[k - 1].y);
        if (len > best) {
          best = len;
          *at = (cm_point){(p[k].x + p[k - 1].x) / 2, (p[k].y + p[k - 1].y) / 2};
          double a = atan2(-(p[k].y - p[k - 1].y), p[k].x - p[k - 1].x) * 180 / M_PI;
          /* Keep text upright. */
          if (a > 90)
            a -= 180;
          if (a < -90)
            a += 180;
          *angle = how == CM_PLACE_LINE ? a : 0;
          *span = how == CM_PLACE_LINE ? len : 0;
        }
      }
    }
    return best >= 0;
  }
  if (g->npoints == 0)
    return 0;
  *at = g->points[0];
  return 1;
}

/* The point halfway along the longest part of line g. */
static cm_point line_middle(const cm_geom *g) {
  size_t best = 0;
  double best_len = -1;
  for (size_t i = 0; i < g->nparts; i++) {
    const cm_point *p = cm_geom_part(g, i);
    double len = 0;
    for (size_t k = 1; k < cm_geom_part_size(g, i); k++)
      len += hypot(p[k].x - p[k - 1].x, p[k].y - p[k - 1].y);
    if (len > best_len)
      best = i, best_len = len;
  }
  const cm_point *p = cm_geom_part(g, best);
  double left = best_len / 2;
  for (size_t k = 1; k < cm_geom_part_size(g, best); k++) {
    double seg = hypot(p[k].x - p[k - 1].x, p[k].y - p[k - 1].y);
    if (seg >= left && seg > 0)
      return (cm_point){p[k - 1].x + (p[k].x - p[k - 1].x) * left / seg,
                        p[k - 1].y + (p[k].y - p[k - 1].y) * left / seg};
    left -= seg;
  }
  return p[0];
}

/* A label longer than its line's longest stretch would hang off it: it
 * stands level beside the line's middle (or its longest stretch's), as a
 * point's label does, and further out with a leader when that is taken. */
static void level_if_longer(const composer *c, cm_label *l, const cm_geom *g,
                            const char *text) {
  double w, h;
  cm__text_size(c->ctx, text, &l->style, &w, &h);
  if (w + 2 * l->style.halo_radius <= l->span)
    return;
  l->angle = 0;
  l->placement = CM_PLACE_POINT;
  l->alt = l->at; /* the longest stretch's middle, tried second */
  l->at = cm__compose_place(c, line_middle(g));
}

static int add_label(composer *c, const cm_symbolizer *s, const cm_geom *g,
                     feature_attrs *ref, long marker, const cm_paint *line,
                     const cm_arrow *arrow) {
  char buf[1024];
  cm_style_expand(buf, sizeof buf, s->text_name, cm__compose_attr, ref,
                  c->ms->lang, c->ms->digits, c->opt->date);
  if (!buf[0])
    return CM_OK;
  cm_label l = {0};
  cm_text_placement how = s->text_placement;
  if (!(s->set & CM_PROP_TEXT_PLACEMENT) && g->type == CM_GEOM_POLYGON)
    how = CM_PLACE_INTERIOR;
  if (!label_anchor(g, how, &l.at, &l.angle, &l.span))
    return CM_OK;
  l.at = cm__compose_place(c, l.at);
  l.span *= c->k;
  cm_bbox f = c->frame;
  if (l.at.x < f.minx || l.at.x > f.maxx || l.at.y < f.miny || l.at.y > f.maxy)
    return CM_OK; /* the feature lies outside the frame: no stray label */
  l.at.x += pt(c, s->text_dx);
  l.at.y += pt(c, s->text_dy);
  l.placement = g->type == CM_GEOM_POINT ? CM_PLACE_POINT : how;
  l.gap = has_marker(s) ? pt(c, s->marker_width) / 2 + 1 : 0;
  /* Beside a line, clear of its stroke and of an arrow's heads. */
  if (l.span > 0)
    l.gap = cm__arrow_half_width(arrow, line->stroke ? line->stroke_width : 0) + 0.5;
  l.style.font = s->text_face_name ? s->text_face_name : c->ms->font;
  l.style.size = pt(c, s->text_size);
  l.style.fill = s->text_fill;
  l.style.halo = s->text_halo_fill;
  l.style.halo_radius = pt(c, s->text_halo_radius);
  l.style.halign = CM_ALIGN_CENTER;
  l.style.valign = CM_ALIGN_CENTER;
  if (l.span > 0)
    level_if_longer(c, &l, g, buf);
  l.style.angle = l.angle;
  l.priority = s->text_priority;
  l.optional = s->text_optional;
  l.marker = marker;
  return cm__compose_add_label(c, &l, buf);
}

int cm__compose_add_label(composer *c, const cm_label *label, const char *text) {
  if (cm__grow((void **)&c->labels, &c->cap_labels, c->nlabels + 1, sizeof *c->labels) != CM_OK)
    return CM_ENOMEM;
  cm_label *l = &c->labels[c->nlabels];
  *l = *label;
  l->order = c->nlabels;
  if (!(l->text = strdup(text)))
    return CM_ENOMEM;
  c->nlabels++;
  return CM_OK;
}

/* Remember a legend class the first time a feature of it is drawn; its
 * index in c->legend in *index when index is not NULL (SIZE_MAX: none). */
static int note_legend(composer *c, const cm_symbolizer *s, cm_geom_type type,
                       feature_attrs *ref, size_t *index) {
  if (index)
    *index = SIZE_MAX;
  if (!(s->set & CM_PROP_LEGEND) || !s->legend)
    return CM_OK;
  char buf[512];
  cm_style_expand(buf, sizeof buf, s->legend, cm__compose_attr, ref, c->ms->lang,
                  c->ms->digits, c->opt->date);
  if (!buf[0])
    return CM_OK;
  cm_legend_entry *e;
  int rc = cm__legend_new(c, buf, &e, index);
  if (rc != CM_OK || !e)
    return rc;
  e->type = type;
  e->rule = s->legend_rule;
  make_paint(c, s, type, &e->paint);
  e->arrow = arrow_of(s);
  if (type == CM_GEOM_POINT) {
    cm__marker_paint(c, s, &e->marker);
    e->marker_type = s->marker_type;
    e->marker_size = pt(c, s->marker_width);
  }
  return CM_OK;
}

/* Markers of a point feature. One cut by the frame is left out (its label
 * too, see add_label); *first is the scene item of the first marker drawn,
 * or -1, so a label that finds no room can take its marker with it. */
static int draw_markers(composer *c, const cm_symbolizer *s, const cm_geom *g,
                        long *first) {
  cm_paint p;
  cm__marker_paint(c, s, &p);
  double size = pt(c, s->marker_width);
  *first = -1;
  for (size_t i = 0; i < g->npoints; i++) {
    cm_geom m;
    cm_point at = cm__compose_place(c, g->points[i]);
    int rc = cm__marker_geom(s->marker_type, at, size, &m);
    cm_bbox box = cm_geom_bbox(&m);
    cm_bbox f = c->frame;
    int inside = box.minx >= f.minx && box.miny >= f.miny && box.maxx <= f.maxx &&
                 box.maxy <= f.maxy;
    if (!inside) {
      cm_geom_free(&m);
      continue;
    }
    if (*first < 0)
      *first = (long)cm_scene_count(c->scene);
    /* Labels keep clear of every marker, not only their own. */
    if (rc == CM_OK)
      rc = cm__compose_take(c, box);
    if (rc == CM_OK)
      rc = cm_scene_path_take(c->scene, &m, &p);
    cm_geom_free(&m);
    if (rc != CM_OK)
      return rc;
  }
  return CM_OK;
}

static int same_color(cm_color a, cm_color b) {
  return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

/* Two paints that draw the same (fields compared, not padding). */
static int same_paint(const cm_paint *a, const cm_paint *b) {
  if (a->fill != b->fill || a->nonzero != b->nonzero || a->hatch != b->hatch ||
      a->cross != b->cross || a->stroke != b->stroke || a->dash_count != b->dash_count ||
      a->join != b->join || a->cap != b->cap)
    return 0;
  if ((a->fill && !same_color(a->fill_color, b->fill_color)) ||
      (a->stroke && (!same_color(a->stroke_color, b->stroke_color) ||
                     a->stroke_width != b->stroke_width)))
    return 0;
  if (a->hatch && (a->hatch_angle != b->hatch_angle || !same_color(a->hatch_color, b->hatch_color) ||
                   a->hatch_width != b->hatch_width || a->hatch_spacing != b->hatch_spacing))
    return 0;
  for (int i = 0; i < a->dash_count; i++)
    if (a->dash[i] != b->dash[i])
      return 0;
  return 1;
}

/* An area joins the path just before it when both are painted alike, so
 * neighbours fill as one path: antialiasing then leaves no light seam
 * along the edge they share (two fills of half-covered pixels would). */
static int add_area(composer *c, cm_geom *g, const cm_paint *p) {
  cm_paint q = *p;
  q.nonzero = 1;
  cm_geom_orient(g);
  size_t n = cm_scene_count(c->scene);
  const cm_item *last = n ? cm_scene_item(c->scene, n - 1) : NULL;
  if (last && last->kind == CM_ITEM_PATH && last->geom.type == CM_GEOM_POLYGON &&
      same_paint(&last->paint, &q))
    return cm_scene_path_append(c->scene, g);
  return cm_scene_path_take(c->scene, g, &q);
}

/* A path of the map's page into the frame being drawn (scaled for a
 * panel; symbol sizes stay as the style says). */
static int add_path(composer *c, const cm_geom *g, const cm_paint *p) {
  int moved_needed = !(c->k == 1 && c->src0.x == c->dst0.x && c->src0.y == c->dst0.y);
  if (!moved_needed && g->type != CM_GEOM_POLYGON)
    return cm_scene_path(c->scene, g, p);
  cm_geom moved;
  if (cm_geom_copy(&moved, g) != CM_OK)
    return CM_ENOMEM;
  for (size_t i = 0; moved_needed && i < moved.npoints; i++)
    moved.points[i] = cm__compose_place(c, moved.points[i]);
  int rc = g->type == CM_GEOM_POLYGON ? add_area(c, &moved, p)
                                      : cm_scene_path_take(c->scene, &moved, p);
  cm_geom_free(&moved);
  return rc;
}

static void attrs_init(feature_attrs *a, const cm_map *map, size_t l,
                           size_t f, cm_day day) {
  a->ref = (cm_feature_ref){cm_map_layer_data(map, l), f};
  cm_day to;
  cm_map_feature_interval(map, l, f, &a->from, &to);
  a->timed = cm_map_layer_style(map, l)->time_start != NULL;
  a->day = day;
}

/* A feature's fields, and for a dated feature `age_days`: how many days
 * its date (or start) lies before the map's date. */
const char *cm__compose_attr(void *ud, const char *field) {
  feature_attrs *a = ud;
  if (a->timed && strcmp(field, CM_AGE_DAYS) == 0) {
    if (a->from == CM_DAY_MIN)
      return NULL;
    snprintf(a->age, sizeof a->age, "%lld", (long long)a->day - a->from);
    return a->age;
  }
  return cm_feature_attr(&a->ref, field);
}

/* `line-width: [field];`: the width comes from the feature, in points
 * times line-width-scale; a feature without a number there keeps 1pt. */
static void field_width(const composer *c, const cm_symbolizer *s,
                        feature_attrs *ref, cm_paint *p) {
  if (!s->line_width_field)
    return;
  const char *v = cm__compose_attr(ref, s->line_width_field);
  double x;
  if (v && cm_style_number(v, &x) == 0 && isfinite(x) && x >= 0)
    p->stroke_width = x * s->line_width_scale * c->sym;
}

/* Remember a marker and its place's name for the check. */
static int note_mark(composer *c, const cm_symbolizer *s, feature_attrs *ref,
                     size_t item) {
  if (cm__grow((void **)&c->marks, &c->cap_marks, c->nmarks + 1, sizeof *c->marks) != CM_OK)
    return CM_ENOMEM;
  cm_mark *m = &c->marks[c->nmarks++];
  m->item = item;
  m->box = cm_geom_bbox(&cm_scene_item(c->scene, item)->geom);
  m->name[0] = '\0';
  if ((s->set & CM_PROP_TEXT_NAME) && s->text_name)
    cm_style_expand(m->name, sizeof m->name, s->text_name, cm__compose_attr, ref,
                    c->ms->lang, c->ms->digits, c->opt->date);
  return CM_OK;
}

/* The symbolizer of feature f of layer l at c->day; 0 when no rule
 * draws it. */
static int resolve(const composer *c, size_t l, size_t f, feature_attrs *ref,
                   cm_symbolizer *s) {
  attrs_init(ref, c->map, l, f, c->day);
  return cm_style_resolve(cm_map_style(c->map), cm_map_layer_style(c->map, l)->name,
                          cm__compose_attr, ref, s);
}

/* Draw feature f of layer l (when drawn) and note its legend class (when
 * legend). */
static int draw_feature(composer *c, size_t l, size_t f, int drawn, int legend) {
  const cm_layer *layer = cm_map_layer_data(c->map, l);
  const cm_geom *g = cm_map_feature_geom(c->map, l, f);
  feature_attrs ref;
  cm_symbolizer s;
  if (!resolve(c, l, f, &ref, &s))
    return CM_OK;
  int rc = legend ? note_legend(c, &s, layer ? cm_layer_geom_type(layer) : g->type,
                                &ref, NULL)
                  : CM_OK;
  if (rc != CM_OK || !drawn || g->npoints == 0)
    return rc;
  cm_paint p;
  make_paint(c, &s, g->type, &p);
  field_width(c, &s, &ref, &p);
  cm_arrow arrow = arrow_of(&s);
  if (g->type == CM_GEOM_LINE && p.stroke && cm__is_arrow(&arrow))
    rc = cm__draw_arrow(c, g, &p, &arrow, 1);
  else if (g->type != CM_GEOM_POINT && (p.fill || p.hatch || p.stroke))
    rc = add_path(c, g, &p);
  long marker = -1;
  /* A feature of the key gets its marker with its number, later. */
  if (rc == CM_OK && cm__key_applies(c, &s, g))
    rc = cm__key_note(c, &s, &ref, g, l, f);
  else if (rc == CM_OK && g->type == CM_GEOM_POINT && has_marker(&s)) {
    rc = draw_markers(c, &s, g, &marker);
    if (marker < 0)
      return rc; /* cut by the frame: neither marker nor label */
    if (rc == CM_OK && c->opt->findings)
      rc = note_mark(c, &s, &ref, (size_t)marker);
  }
  if (rc == CM_OK && (s.set & CM_PROP_TEXT_NAME) && s.text_name)
    rc = add_label(c, &s, g, &ref, marker, &p, &arrow);
  return rc;
}

/* "layer-" + the name with anything but [A-Za-z0-9_-] as '-', so ids are
 * stable and valid in XML. */
static void layer_id(const char *name, char *buf, size_t size) {
  int n = snprintf(buf, size, "layer-%s", name);
  for (int i = 6; i < n && (size_t)i < size; i++) {
    unsigned char ch = (unsigned char)buf[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
      buf[i] = '-';
  }
}

/* Whether feature f of layer l counts in the legend at day: shown, or
 * every legend class asked for. */
static int in_legend(const composer *c, size_t l, size_t f, cm_day day) {
  return cm_map_feature_visible(c->map, l, f, day) || c->opt->legend_all ||
         c->ms->legend_all;
}

int cm__compose_layer(composer *c, size_t l) {
  size_t n = cm_layer_count(cm_map_layer_data(c->map, l));
  /* In a batch, the classes of a dated layer were worked out once. */
  const uint32_t *classes = cm__cache_classes_of(c, l);
  int rc = CM_OK;
  for (size_t f = 0; rc == CM_OK && f < n; f++) {
    if (!in_legend(c, l, f, c->day))
      continue;
    int shown = cm_map_feature_visible(c->map, l, f, c->day);
    if (classes)
      rc = cm__legend_mark(c, classes[f]);
    if (rc == CM_OK && (shown || !classes))
      rc = draw_feature(c, l, f, shown, !classes);
  }
  return rc;
}

static int draw_layers(composer *c) {
  cm_bbox frame = c->frame;
  for (size_t l = 0; l < cm_map_layer_count(c->map); l++) {
    const cm_style_layer *sl = cm_map_layer_style(c->map, l);
    char id[256];
    layer_id(sl->name, id, sizeof id);
    int rc = cm_scene_group_begin(c->scene, id, sl->name, &frame);
    if (rc == CM_OK && !cm__compose_cached_layer(c, l, &rc))
      rc = cm__compose_layer(c, l);
    if (rc == CM_OK)
      rc = cm_scene_group_end(c->scene);
    if (rc != CM_OK)
      return rc;
  }
  return CM_OK;
}

static int fill_box(composer *c, cm_bbox b, cm_color color) {
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  cm_geom_add_point(&g, b.minx, b.miny);
  cm_geom_add_point(&g, b.maxx, b.miny);
  cm_geom_add_point(&g, b.maxx, b.maxy);
  cm_geom_add_point(&g, b.minx, b.maxy);
  cm_paint p = {0};
  p.fill = 1;
  p.fill_color = color;
  int rc = cm_scene_path_take(c->scene, &g, &p);
  cm_geom_free(&g);
  return rc;
}

/* White paper, and the map's background colour inside the frame. */
static int background(composer *c, int page) {
  int rc = cm_scene_group_begin(c->scene, "background", "background", NULL);
  if (rc == CM_OK && page)
    rc = fill_box(c, (cm_bbox){0, 0, c->page.width, c->page.height},
                  (cm_color){1, 1, 1, 1});
  if (rc == CM_OK)
    rc = fill_box(c, c->frame, c->ms->background);
  return rc == CM_OK ? cm_scene_group_end(c->scene) : rc;
}

int cm__draw_map(composer *c) {
  int rc = background(c, 0);
  if (rc == CM_OK)
    rc = draw_layers(c);
  if (rc == CM_OK)
    rc = cm__draw_changes(c);
  if (rc == CM_OK)
    rc = cm__draw_graticule(c);
  return rc;
}

/* The legend classes of layer l's features shown at day. */
static int collect_layer_legend(composer *c, size_t l, cm_day day) {
  int rc = CM_OK;
  if (cm__compose_cached_legend(c, l, &rc))
    return rc; /* undated: the same classes every day */
  const uint32_t *classes = cm__cache_classes_of(c, l);
  for (size_t f = 0; rc == CM_OK && f < cm_layer_count(cm_map_layer_data(c->map, l)); f++)
    if (in_legend(c, l, f, day))
      rc = classes ? cm__legend_mark(c, classes[f]) : draw_feature(c, l, f, 0, 1);
  return rc;
}

int cm__collect_legend(composer *c, cm_day day) {
  int rc = CM_OK;
  for (size_t l = 0; rc == CM_OK && l < cm_map_layer_count(c->map); l++)
    rc = collect_layer_legend(c, l, day);
  return rc;
}

/* The legend classes of a dated layer's features, one per feature
 * (index in c->legend + 1, 0: none), for the compose cache. *fixed is
 * cleared when a class names the date, so that they change with it. */
int cm__legend_classes_of_layer(composer *c, size_t l, uint32_t *classes, int *fixed) {
  const cm_layer *layer = cm_map_layer_data(c->map, l);
  *fixed = 1;
  for (size_t f = 0; f < cm_layer_count(layer); f++) {
    const cm_geom *g = cm_map_feature_geom(c->map, l, f);
    feature_attrs ref;
    cm_symbolizer s;
    classes[f] = 0;
    if (!resolve(c, l, f, &ref, &s))
      continue;
    if ((s.set & CM_PROP_LEGEND) && s.legend && strstr(s.legend, "{date")) {
      *fixed = 0;
      return CM_OK;
    }
    size_t index;
    int rc = note_legend(c, &s, layer ? cm_layer_geom_type(layer) : g->type, &ref, &index);
    if (rc != CM_OK)
      return rc;
    if (index != SIZE_MAX && index < UINT32_MAX)
      classes[f] = (uint32_t)(index + 1);
  }
  return CM_OK;
}

int cm__collect_key(composer *c, cm_day day) {
  c->day = day;
  for (size_t l = 0; l < cm_map_layer_count(c->map); l++)
    for (size_t f = 0; f < cm_layer_count(cm_map_layer_data(c->map, l)); f++) {
      const cm_geom *g = cm_map_feature_geom(c->map, l, f);
      feature_attrs ref;
      cm_symbolizer s;
      if (!cm_map_feature_visible(c->map, l, f, day) || !resolve(c, l, f, &ref, &s) ||
          !cm__key_applies(c, &s, g))
        continue;
      int rc = cm__key_note(c, &s, &ref, g, l, f);
      if (rc != CM_OK)
        return rc;
    }
  return CM_OK;
}

static void expand(const composer *c, const char *tmpl, size_t len, cm_day d,
                   char *buf, size_t size) {
  char part[2048];
  snprintf(part, sizeof part, "%.*s", (int)len, tmpl);
  cm_style_expand(buf, size, part, NULL, NULL, c->ms->lang, c->ms->digits, d);
}

/* Arabic writes a span of dates «من A إلى B»; a «في» (on) before the
 * date gives way to it. */
static void arabic_range(char *out, size_t size, char *head, const char *a,
                         const char *b, const char *tail) {
  static const char on[] = "في ";
  size_t n = strlen(head), k = strlen(on);
  if (n >= k && !strcmp(head + n - k, on))
    head[n - k] = '\0';
  snprintf(out, size, "%sمن %s إلى %s%s", head, a, b, tail);
}

char *cm__compose_expand(const composer *c, const char *tmpl) {
  char head[2048], a[256], b[256], tail[2048];
  const cm_compose_options *o = c->opt;
  const char *at = strstr(tmpl, "{date");
  const char *close = at ? strchr(at, '}') : NULL;
  if (!o->panels || o->npanels < 2 || !close) {
    expand(c, tmpl, strlen(tmpl), o->date, tail, sizeof tail);
    return strdup(tail);
  }
  /* Small multiples: the first {date} spans the panels, "1 January 1991 –
   * 1 October 2023". */
  cm_day first = o->panels[0], last = o->panels[o->npanels - 1];
  expand(c, tmpl, (size_t)(at - tmpl), last, head, sizeof head);
  expand(c, at, (size_t)(close + 1 - at), first, a, sizeof a);
  expand(c, at, (size_t)(close + 1 - at), last, b, sizeof b);
  expand(c, close + 1, strlen(close + 1), last, tail, sizeof tail);
  size_t size = strlen(head) + strlen(a) + strlen(b) + strlen(tail) + 32;
  char *out = malloc(size);
  if (out && !strcmp(a, b))
    snprintf(out, size, "%s%s%s", head, b, tail);
  else if (out && c->rtl)
    arabic_range(out, size, head, a, b, tail);
  else if (out)
    snprintf(out, size, "%s%s – %s%s", head, a, b, tail);
  return out;
}

int cm__compose_meta(composer *c) {
  int rc = cm_scene_set_date(c->scene, c->opt->date);
  const char *style = cm_style_name(cm_map_style(c->map));
  const char *slash = strrchr(style, '/');
  if (rc == CM_OK)
    rc = cm_scene_set_meta(c->scene, "Style", slash ? slash + 1 : style);
  if (rc == CM_OK)
    rc = cm_scene_set_meta(c->scene, "Language", c->ms->lang ? c->ms->lang : "en");
  const char *keys[2] = {"Title", "Source"};
  const char *tmpls[2] = {c->ms->title, c->ms->attribution};
  for (int k = 0; k < 2 && rc == CM_OK; k++) {
    if (!tmpls[k])
      continue;
    char *v = cm__compose_expand(c, tmpls[k]);
    rc = v ? cm_scene_set_meta(c->scene, keys[k], v) : CM_ENOMEM;
    free(v);
  }
  return rc;
}

void cm__composer_free(composer *c) {
  for (size_t i = 0; i < c->nlabels; i++)
    free(c->labels[i].text);
  for (size_t i = 0; i < c->nlegend; i++)
    free(c->legend[i].text);
  for (size_t i = 0; i < c->nkey; i++)
    free(c->key[i].text);
  free(c->key);
  for (size_t i = 0; i < c->nfigure_key; i++)
    free(c->figure_key[i].text);
  free(c->figure_key);
  free(c->labels);
  free(c->legend);
  free(c->legend_slots);
  free(c->class_state);
  free(c->pending);
  free(c->taken);
  free(c->marks);
  if (c->ctx)
    g_object_unref(c->ctx);
}

/* The text of a map is set with the faces of the families its style
 * names, which the font maps then hold. */
static void want_fonts(const cm_style *style, const cm_map_settings *ms) {
  cm__text_want_font(ms->font);
  for (size_t i = 0; i < cm_style_font_ref_count(style); i++)
    cm__text_want_font(cm_style_font_ref_at(style, i)->family);
}

int cm__composer_init(composer *c, const cm_map *map,
                      const cm_compose_options *opt, cm_error *err) {
  memset(c, 0, sizeof *c);
  c->map = map;
  c->ms = cm_style_map(cm_map_style(map));
  c->opt = opt;
  c->err = err;
  c->dpi = c->ms->dpi;
  c->rtl = c->ms->lang && strcmp(c->ms->lang, "ar") == 0;
  cm__page_layout_make(c->ms, &c->page);
  c->frame = c->furniture = c->page.frame;
  c->k = 1;
  c->day = opt->date;
  c->legend_cols = 1;
  c->sym = 1;
  want_fonts(cm_map_style(map), c->ms);
  c->ctx = cm__text_context_new();
  return c->ctx ? CM_OK : CM_ENOMEM;
}

int cm_compose(cm_scene **out, const cm_map *map, const cm_compose_options *opt,
               cm_error *err) {
  composer c;
  int rc = cm__composer_init(&c, map, opt, err);
  if (rc == CM_OK && opt->panels && opt->npanels > 0) {
    /* The panels decide the page's height, then make the scene. */
    rc = cm__compose_panels(&c);
  } else {
    if (rc == CM_OK)
      rc = cm__fit_bands(&c);
    c.scene = cm_scene_new(c.page.width, c.page.height, c.dpi);
    if (rc == CM_OK && !c.scene)
      rc = CM_ENOMEM;
    if (rc == CM_OK)
      rc = cm__compose_meta(&c);
    if (rc == CM_OK)
      rc = background(&c, 1);
    if (rc == CM_OK)
      rc = draw_layers(&c);
    if (rc == CM_OK)
      rc = cm__draw_changes(&c);
    if (rc == CM_OK)
      rc = cm__draw_graticule(&c);
    if (rc == CM_OK)
      rc = cm__draw_key_markers(&c);
    if (rc == CM_OK)
      rc = cm__draw_frame(&c);
    if (rc == CM_OK)
      rc = cm__draw_furniture(&c);
    if (rc == CM_OK)
      rc = cm__draw_key(&c);
    if (rc == CM_OK)
      rc = cm__place_labels(&c);
  }
  if (rc == CM_OK)
    cm__audit_scene(&c);
  cm__composer_free(&c);
  if (rc != CM_OK) {
    cm_scene_free(c.scene);
    *out = NULL;
    if (!err || !err->code)
      cm_error_set(err, rc, NULL, 0, 0, "cannot compose the map: out of memory");
    return rc;
  }
  *out = c.scene;
  return CM_OK;
}
