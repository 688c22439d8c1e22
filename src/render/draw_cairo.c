#include "render_internal.h"
#include "text_internal.h"

#include <math.h>

static void set_color(cairo_t *cr, cm_color c) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

/* Trace geom as cairo sub-paths; rings are closed. */
static void trace(cairo_t *cr, const cm_geom *g) {
  cairo_new_path(cr);
  for (size_t i = 0; i < g->nparts; i++) {
    size_t n = cm_geom_part_size(g, i);
    const cm_point *p = cm_geom_part(g, i);
    if (n == 0)
      continue;
    cairo_move_to(cr, p[0].x, p[0].y);
    for (size_t k = 1; k < n; k++)
      cairo_line_to(cr, p[k].x, p[k].y);
    if (g->type == CM_GEOM_POLYGON)
      cairo_close_path(cr);
  }
}

static cairo_fill_rule_t fill_rule(const cm_paint *pt) {
  return pt->nonzero ? CAIRO_FILL_RULE_WINDING : CAIRO_FILL_RULE_EVEN_ODD;
}

/* Parallel lines at angle, spacing apart, over the current clip. Drawn as
 * vectors (not a raster pattern) so they stay crisp at any dpi and in PDF. */
static void hatch_lines(cairo_t *cr, const cm_paint *pt, double angle) {
  double x1, y1, x2, y2;
  cairo_clip_extents(cr, &x1, &y1, &x2, &y2);
  double cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
  double r = hypot(x2 - x1, y2 - y1) / 2 + pt->hatch_spacing;
  double a = -angle * M_PI / 180.0; /* page y runs down */
  double dx = cos(a), dy = sin(a);  /* along the lines */
  double nx = -dy, ny = dx;         /* across them */
  cairo_new_path(cr);
  /* Lines at whole multiples of the spacing from the page origin, so
   * hatches of neighbouring polygons line up. */
  double c0 = cx * nx + cy * ny;
  long k0 = (long)floor((c0 - r) / pt->hatch_spacing);
  long k1 = (long)ceil((c0 + r) / pt->hatch_spacing);
  for (long k = k0; k <= k1; k++) {
    double off = k * pt->hatch_spacing - c0;
    double px = cx + nx * off, py = cy + ny * off;
    cairo_move_to(cr, px - dx * r, py - dy * r);
    cairo_line_to(cr, px + dx * r, py + dy * r);
  }
  set_color(cr, pt->hatch_color);
  cairo_set_line_width(cr, pt->hatch_width);
  cairo_set_dash(cr, NULL, 0, 0);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  cairo_stroke(cr);
}

static void draw_hatch(cairo_t *cr, const cm_item *it) {
  const cm_paint *pt = &it->paint;
  if (pt->hatch_spacing <= 0 || pt->hatch_width <= 0)
    return;
  cairo_save(cr);
  trace(cr, &it->geom);
  cairo_set_fill_rule(cr, fill_rule(pt));
  cairo_clip(cr);
  hatch_lines(cr, pt, pt->hatch_angle);
  if (pt->cross)
    hatch_lines(cr, pt, pt->hatch_angle + 90);
  cairo_restore(cr);
}

static void apply_stroke(cairo_t *cr, const cm_paint *pt) {
  static const cairo_line_join_t joins[] = {
      CAIRO_LINE_JOIN_MITER, CAIRO_LINE_JOIN_ROUND, CAIRO_LINE_JOIN_BEVEL};
  static const cairo_line_cap_t caps[] = {
      CAIRO_LINE_CAP_BUTT, CAIRO_LINE_CAP_ROUND, CAIRO_LINE_CAP_SQUARE};
  set_color(cr, pt->stroke_color);
  cairo_set_line_width(cr, pt->stroke_width);
  cairo_set_line_join(cr, joins[pt->join]);
  cairo_set_line_cap(cr, caps[pt->cap]);
  cairo_set_dash(cr, pt->dash, pt->dash_count, 0);
}

static void draw_path(cairo_t *cr, const cm_item *it) {
  const cm_paint *pt = &it->paint;
  int closed = it->geom.type == CM_GEOM_POLYGON;
  if (closed && pt->fill) {
    trace(cr, &it->geom);
    cairo_set_fill_rule(cr, fill_rule(pt));
    set_color(cr, pt->fill_color);
    cairo_fill(cr);
  }
  if (closed && pt->hatch)
    draw_hatch(cr, it);
  if (pt->stroke && pt->stroke_width > 0) {
    trace(cr, &it->geom);
    apply_stroke(cr, pt);
    cairo_stroke(cr);
  }
}

static void draw_text(cairo_t *cr, PangoContext *ctx, const cm_item *it) {
  PangoLayout *layout = cm__text_layout(ctx, it->text, &it->style);
  cairo_save(cr);
  cairo_translate(cr, it->x, it->y);
  cairo_rotate(cr, -it->style.angle * M_PI / 180.0);
  cm_bbox box = cm__text_box(layout, it->text, &it->style, 0, 0);
  cairo_move_to(cr, box.minx, box.miny);
  if (it->style.halo_radius > 0) {
    pango_cairo_layout_path(cr, layout);
    set_color(cr, it->style.halo);
    cairo_set_line_width(cr, it->style.halo_radius * 2);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    cairo_move_to(cr, box.minx, box.miny);
  }
  set_color(cr, it->style.fill);
  pango_cairo_show_layout(cr, layout);
  cairo_restore(cr);
  g_object_unref(layout);
}

int cm__draw_cairo(cairo_t *cr, const cm_scene *scene, cm_error *err) {
  return cm__draw_cairo_items(cr, scene, 0, cm_scene_count(scene), err);
}

int cm__draw_cairo_items(cairo_t *cr, const cm_scene *scene, size_t first,
                         size_t end, cm_error *err) {
  PangoContext *ctx = cm__text_context_new();
  if (!ctx)
    return cm_error_set(err, CM_ERENDER, NULL, 0, 0,
                        "cannot start pango for text");
  cm__text_context_update(ctx, cr);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
  for (size_t i = first; i < end; i++) {
    const cm_item *it = cm_scene_item(scene, i);
    switch (it->kind) {
    case CM_ITEM_GROUP_BEGIN:
      cairo_save(cr);
      if (it->clip) {
        cm_bbox b = it->clip_box;
        cairo_rectangle(cr, b.minx, b.miny, b.maxx - b.minx, b.maxy - b.miny);
        cairo_clip(cr);
      }
      break;
    case CM_ITEM_GROUP_END:
      cairo_restore(cr);
      break;
    case CM_ITEM_PATH:
      draw_path(cr, it);
      break;
    case CM_ITEM_TEXT:
      draw_text(cr, ctx, it);
      break;
    }
  }
  g_object_unref(ctx);
  cairo_status_t st = cairo_status(cr);
  if (st != CAIRO_STATUS_SUCCESS)
    return cm_error_set(err, CM_ERENDER, NULL, 0, 0, "drawing failed: %s",
                        cairo_status_to_string(st));
  return CM_OK;
}
