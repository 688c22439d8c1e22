/* The cartographic check: what a reader of the composed map would miss or
 * misread — furniture over places and lines, legend entries that look
 * alike, text too small to read in print, furniture cut off. Composition
 * notes these only when the caller asks (cm_compose_options.findings). */

#include "compose_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cm__compose_finding(composer *c, const char *fmt, ...) {
  if (!c->opt->findings)
    return;
  cm_error e;
  memset(&e, 0, sizeof e);
  e.code = CM_EDATA;
  snprintf(e.file, sizeof e.file, "%s", cm_style_name(cm_map_style(c->map)));
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e.message, sizeof e.message, fmt, ap);
  va_end(ap);
  cm_errors_add(c->opt->findings, &e);
}

/* ---- legend entries that look alike ------------------------------------ */

typedef struct lab {
  double l, a, b;
} lab;

static double linear(double v) {
  return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double lab_f(double t) {
  return t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116;
}

/* CIE L*a*b* of a colour laid over white paper. */
static lab to_lab(cm_color c) {
  double r = linear(c.r * c.a + 1 - c.a), g = linear(c.g * c.a + 1 - c.a),
         b = linear(c.b * c.a + 1 - c.a);
  double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  double z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  double fx = lab_f(x), fy = lab_f(y), fz = lab_f(z);
  return (lab){116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)};
}

/* Colour difference (CIE76); in grey only the lightness counts. */
static double delta_e(cm_color p, cm_color q, int grey) {
  lab x = to_lab(p), y = to_lab(q);
  if (grey)
    return fabs(x.l - y.l);
  return sqrt((x.l - y.l) * (x.l - y.l) + (x.a - y.a) * (x.a - y.a) +
              (x.b - y.b) * (x.b - y.b));
}

static int near_ratio(double a, double b, double limit) {
  if (a <= 0 || b <= 0)
    return a == b;
  return fmax(a, b) / fmin(a, b) < limit;
}

static double dash_period(const cm_paint *p) {
  double sum = 0;
  for (int i = 0; i < p->dash_count; i++)
    sum += p->dash[i];
  return sum;
}

/* Two strokes a reader cannot tell apart: same kind of dash, close widths
 * and colours (thin lines hide hue, so the limit is wide). */
static int strokes_alike(const cm_paint *a, const cm_paint *b, int grey) {
  if (a->stroke != b->stroke)
    return 0;
  if (!a->stroke)
    return 1;
  return (a->dash_count > 0) == (b->dash_count > 0) &&
         near_ratio(dash_period(a), dash_period(b), 1.6) &&
         near_ratio(a->stroke_width, b->stroke_width, 1.5) &&
         delta_e(a->stroke_color, b->stroke_color, grey) < (grey ? 15 : 25);
}

static double angle_apart(double a, double b) {
  double d = fmod(fabs(a - b), 180);
  return fmin(d, 180 - d);
}

static int hatches_alike(const cm_paint *a, const cm_paint *b, int grey) {
  if (a->hatch != b->hatch)
    return 0;
  if (!a->hatch)
    return 1;
  return a->cross == b->cross && angle_apart(a->hatch_angle, b->hatch_angle) < 20 &&
         near_ratio(a->hatch_spacing, b->hatch_spacing, 1.5) &&
         delta_e(a->hatch_color, b->hatch_color, grey) < 20;
}

static cm_color area_color(const cm_paint *p) {
  return p->fill ? p->fill_color : (cm_color){1, 1, 1, 1};
}

/* 1 when a line's swatch ends in an arrow head. */
static int has_head(const cm_arrow *a) { return a->start || a->end; }

static int entries_alike(const cm_legend_entry *x, const cm_legend_entry *y, int grey) {
  if (x->type != y->type)
    return 0;
  if (x->type == CM_GEOM_POINT)
    return x->marker_type == y->marker_type &&
           near_ratio(x->marker_size, y->marker_size, 1.3) &&
           delta_e(x->marker.fill_color, y->marker.fill_color, grey) < 12;
  /* An arrow's swatch has a head: it never looks like a plain line. */
  if (x->type == CM_GEOM_LINE)
    return has_head(&x->arrow) == has_head(&y->arrow) &&
           strokes_alike(&x->paint, &y->paint, grey);
  return delta_e(area_color(&x->paint), area_color(&y->paint), grey) < (grey ? 8 : 12) &&
         hatches_alike(&x->paint, &y->paint, grey) &&
         strokes_alike(&x->paint, &y->paint, grey);
}

static int rule_line(const composer *c, const cm_legend_entry *e) {
  return e->rule < (1 << 30) ? cm_style_rule_line(cm_map_style(c->map), e->rule) : 0;
}

void cm__audit_legend(composer *c) {
  if (!c->opt->findings)
    return;
  const char *style = cm_style_name(cm_map_style(c->map));
  for (size_t i = 0; i < c->nlegend; i++)
    for (size_t k = i + 1; k < c->nlegend; k++) {
      const cm_legend_entry *x = &c->legend[i], *y = &c->legend[k];
      int grey = !entries_alike(x, y, 0) && c->opt->findings_grey && entries_alike(x, y, 1);
      if (!grey && !entries_alike(x, y, 0))
        continue;
      cm__compose_finding(c, "legend entries '%s' (%s:%d) and '%s' (%s:%d) look alike%s",
                          x->text, style, rule_line(c, x), y->text, style,
                          rule_line(c, y), grey ? " in grey" : "");
    }
}

/* ---- the composed scene ------------------------------------------------ */

static int overlaps(cm_bbox a, cm_bbox b) {
  return a.minx < b.maxx && b.minx < a.maxx && a.miny < b.maxy && b.miny < a.maxy;
}

/* Whether a line of g runs through box. */
static int line_under(const cm_geom *g, cm_bbox box) {
  if (!overlaps(cm_geom_bbox(g), box))
    return 0;
  for (size_t i = 0; i < g->nparts; i++) {
    const cm_point *p = cm_geom_part(g, i);
    for (size_t k = 1; k < cm_geom_part_size(g, i); k++)
      if (cm__segment_length_in(p[k - 1], p[k], box) > 0)
        return 1;
  }
  return 0;
}

/* Furniture inside the frame over the lines the layers draw. */
static void lines_under(composer *c) {
  const char *layer = NULL;
  for (size_t i = 0; i < cm_scene_count(c->scene); i++) {
    const cm_item *it = cm_scene_item(c->scene, i);
    if (it->kind == CM_ITEM_GROUP_BEGIN)
      layer = it->id && !strncmp(it->id, "layer-", 6) ? it->label : NULL;
    if (it->kind == CM_ITEM_GROUP_END)
      layer = NULL;
    if (!layer || it->kind != CM_ITEM_PATH || it->geom.type != CM_GEOM_LINE)
      continue;
    for (int f = 0; f < c->nfurn; f++)
      if (overlaps(c->furn[f], c->frame) && line_under(&it->geom, c->furn[f]))
        cm__compose_finding(c, "the %s covers a line of layer '%s'", c->furn_name[f], layer);
  }
}

/* Furniture over a marker that is drawn (a hidden one has no points). */
static void markers_under(composer *c) {
  for (size_t m = 0; m < c->nmarks; m++) {
    const cm_item *it = cm_scene_item(c->scene, c->marks[m].item);
    if (!it->geom.npoints)
      continue;
    for (int f = 0; f < c->nfurn; f++)
      if (overlaps(c->furn[f], c->marks[m].box))
        cm__compose_finding(c, "the %s covers the marker of '%s'", c->furn_name[f],
                            c->marks[m].name);
  }
}

static void small_text(composer *c) {
  for (size_t i = 0; i < cm_scene_count(c->scene); i++) {
    const cm_item *it = cm_scene_item(c->scene, i);
    if (it->kind == CM_ITEM_TEXT && it->style.size < 5 - 1e-9)
      cm__compose_finding(c, "text '%s' is %.1f pt, under 5 pt at print size",
                          it->text, it->style.size);
  }
}

void cm__audit_scene(composer *c) {
  if (!c->opt->findings)
    return;
  lines_under(c);
  markers_under(c);
  small_text(c);
}
