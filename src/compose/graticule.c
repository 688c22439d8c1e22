/* The graticule: meridians and parallels every N degrees, traced through
 * the projection (so they curve as the projection bends them) and
 * labelled inside the frame edges in the map's language and digits. */

#include "compose_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The lon/lat box the frame covers, from points along its edges. */
static int frame_lonlat(composer *c, cm_bbox *out) {
  cm_bbox f = cm_map_frame(c->map), b = cm_bbox_empty();
  for (int i = 0; i <= 40; i++) {
    double t = i / 40.0;
    cm_point p[4] = {{f.minx + t * (f.maxx - f.minx), f.miny},
                     {f.minx + t * (f.maxx - f.minx), f.maxy},
                     {f.minx, f.miny + t * (f.maxy - f.miny)},
                     {f.maxx, f.miny + t * (f.maxy - f.miny)}};
    for (int k = 0; k < 4; k++) {
      double lon, lat;
      if (cm_map_page_to_lonlat(c->map, p[k], &lon, &lat) == CM_OK)
        cm_bbox_extend(&b, lon, lat);
    }
  }
  *out = b;
  return cm_bbox_is_empty(b) ? CM_EPROJ : CM_OK;
}

/* "46°30′E", with the language's hemisphere word and digits. */
static void degree_label(const composer *c, double v, int is_lon, char *buf,
                         size_t size) {
  int ar = c->rtl;
  const char *hemi = is_lon ? (v >= 0 ? (ar ? " شرقاً" : "E") : (ar ? " غرباً" : "W"))
                            : (v >= 0 ? (ar ? " شمالاً" : "N") : (ar ? " جنوباً" : "S"));
  double a = fabs(v);
  int deg = (int)floor(a + 1e-9);
  int min = (int)lround((a - deg) * 60);
  if (min == 60)
    deg++, min = 0;
  char raw[64];
  if (min)
    snprintf(raw, sizeof raw, "%d°%02d′%s", deg, min, hemi);
  else
    snprintf(raw, sizeof raw, "%d°%s", deg, hemi);
  cm_digits_localize(buf, size, raw, c->ms->lang, c->ms->digits);
}

/* The line of constant lon (or lat) v, from lo to hi on the other axis. */
static void trace(composer *c, int is_lon, double v, double lo, double hi,
                  cm_geom *g) {
  cm_geom_init(g, CM_GEOM_LINE);
  cm_geom_begin_part(g);
  for (int i = 0; i <= 96; i++) {
    double t = lo + (hi - lo) * i / 96.0;
    cm_point p;
    if (cm_map_lonlat_to_page(c->map, is_lon ? v : t, is_lon ? t : v, &p) == CM_OK) {
      p = cm__compose_place(c, p);
      cm_geom_add_point(g, p.x, p.y);
    }
  }
}

/* Where a traced line meets the frame's top (meridians) or left
 * (parallels) edge, if it does. */
static int edge_point(const composer *c, const cm_geom *g, int is_lon,
                      cm_point *at) {
  cm_bbox f = c->frame;
  for (size_t k = 1; k < g->npoints; k++) {
    cm_point a = g->points[k - 1], b = g->points[k];
    double ea = is_lon ? a.y - f.miny : a.x - f.minx;
    double eb = is_lon ? b.y - f.miny : b.x - f.minx;
    if ((ea < 0) == (eb < 0))
      continue;
    double t = ea / (ea - eb);
    *at = (cm_point){a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
    return is_lon ? (at->x > f.minx && at->x < f.maxx)
                  : (at->y > f.miny && at->y < f.maxy);
  }
  return 0;
}

static int label(composer *c, const cm_geom *g, int is_lon, double v) {
  cm_point at;
  if (!edge_point(c, g, is_lon, &at))
    return CM_OK;
  char text[64];
  degree_label(c, v, is_lon, text, sizeof text);
  cm_text_style st = {0};
  st.font = c->ms->font;
  st.size = c->page.note_size * 0.85;
  st.fill = (cm_color){0.3, 0.3, 0.3, 1};
  st.halo = c->ms->background;
  st.halo_radius = st.size * 0.15;
  /* Beside the line, never on it: a meridian's label just after it in
   * reading order (right of it, or left of it in Arabic), a parallel's
   * just above it. */
  st.halign = CM_ALIGN_START;
  st.valign = is_lon ? CM_ALIGN_START : CM_ALIGN_END;
  if (!is_lon && c->rtl)
    st.halign = CM_ALIGN_END; /* Arabic reads from the right: keep the left edge */
  double pad = st.size * 0.3;
  double dx = is_lon ? (c->rtl ? -pad : pad) : pad;
  cm_label l = {0};
  l.at = (cm_point){at.x + dx, at.y + (is_lon ? pad : -pad * 0.5)};
  l.placement = CM_PLACE_INTERIOR; /* exactly there, or not at all */
  l.marker = -1;
  l.optional = 1;
  l.style = st;
  l.priority = 1e9; /* after feature labels: a place's name matters more */
  return cm__compose_add_label(c, &l, text);
}

static int family(composer *c, cm_bbox ll, int is_lon, const cm_paint *p) {
  double step = c->ms->graticule;
  double from = is_lon ? ll.minx : ll.miny, to = is_lon ? ll.maxx : ll.maxy;
  double lo = is_lon ? ll.miny : ll.minx, hi = is_lon ? ll.maxy : ll.maxx;
  int rc = CM_OK;
  /* At most 60 lines: a tiny step on a large map would only make grey. */
  if ((to - from) / step > 60)
    return CM_OK;
  for (double v = ceil(from / step) * step; v <= to + 1e-9 && rc == CM_OK; v += step) {
    cm_geom g, clipped;
    trace(c, is_lon, v, lo - step, hi + step, &g);
    rc = cm_geom_clip(&g, c->frame, &clipped);
    if (rc == CM_OK && clipped.npoints)
      rc = cm_scene_path(c->scene, &clipped, p);
    if (rc == CM_OK)
      rc = label(c, &g, is_lon, v);
    cm_geom_free(&g);
    cm_geom_free(&clipped);
  }
  return rc;
}

int cm__graticule_lines(composer *c) {
  cm_bbox ll;
  if (frame_lonlat(c, &ll) != CM_OK)
    return CM_OK;
  cm_paint p = {0};
  p.stroke = 1;
  p.stroke_color = (cm_color){0.35, 0.35, 0.35, 0.55};
  p.stroke_width = 0.3;
  int rc = family(c, ll, 1, &p);
  return rc == CM_OK ? family(c, ll, 0, &p) : rc;
}

int cm__draw_graticule(composer *c) {
  if (!(c->ms->graticule > 0))
    return CM_OK;
  int rc = cm_scene_group_begin(c->scene, "graticule", "graticule", &c->frame);
  if (rc == CM_OK && !cm__compose_cached_graticule(c, &rc))
    rc = cm__graticule_lines(c);
  return rc == CM_OK ? cm_scene_group_end(c->scene) : rc;
}
