/* The locator inset: the wider region (a layer of the map, in lon/lat)
 * drawn small in a corner, with the main map's frame outlined on it so a
 * reader sees where the map lies. The inset uses a plain equirectangular
 * view scaled by cos(latitude), fine for a locator. */

#include "compose_internal.h"

#include <math.h>
#include <string.h>

typedef struct inset_view {
  double w, s, e, n;   /* lon/lat box shown */
  double kx, ky;       /* points per degree */
  cm_point origin;     /* page point of (w, n) */
} inset_view;

static cm_point to_inset(const inset_view *v, double lon, double lat) {
  return (cm_point){v->origin.x + (lon - v->w) * v->kx,
                    v->origin.y + (v->n - lat) * v->ky};
}

static int layer_index(const composer *c, const char *name) {
  for (size_t i = 0; i < cm_map_layer_count(c->map); i++)
    if (!strcmp(cm_map_layer_style(c->map, i)->name, name))
      return (int)i;
  return -1;
}

/* The inset layer's polygons (source lon/lat), clipped to the inset. */
static int draw_region(composer *c, const inset_view *v, const cm_layer *l,
                       cm_bbox box) {
  cm_paint p = {0};
  p.fill = 1;
  p.fill_color = (cm_color){0.93, 0.92, 0.89, 1};
  p.stroke = 1;
  p.stroke_color = (cm_color){0.5, 0.5, 0.5, 1};
  p.stroke_width = 0.3;
  int rc = CM_OK;
  for (size_t f = 0; f < cm_layer_count(l) && rc == CM_OK; f++) {
    const cm_geom *src = cm_layer_geom(l, f);
    cm_geom g, clipped;
    if (cm_geom_copy(&g, src) != CM_OK)
      return CM_ENOMEM;
    for (size_t i = 0; i < g.npoints; i++)
      g.points[i] = to_inset(v, g.points[i].x, g.points[i].y);
    rc = cm_geom_clip(&g, box, &clipped);
    if (rc == CM_OK && clipped.npoints)
      rc = cm_scene_path(c->scene, &clipped, &p);
    cm_geom_free(&g);
    cm_geom_free(&clipped);
  }
  return rc;
}

/* The main frame's outline traced through lon/lat onto the inset. */
static int draw_extent(composer *c, const inset_view *v) {
  cm_bbox f = cm_map_frame(c->map);
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  cm_point corners[5] = {{f.minx, f.miny}, {f.maxx, f.miny}, {f.maxx, f.maxy},
                         {f.minx, f.maxy}, {f.minx, f.miny}};
  for (int side = 0; side < 4; side++)
    for (int i = 0; i < 16; i++) {
      double t = i / 16.0, lon, lat;
      cm_point p = {corners[side].x + t * (corners[side + 1].x - corners[side].x),
                    corners[side].y + t * (corners[side + 1].y - corners[side].y)};
      if (cm_map_page_to_lonlat(c->map, p, &lon, &lat) == CM_OK) {
        cm_point q = to_inset(v, lon, lat);
        cm_geom_add_point(&g, q.x, q.y);
      }
    }
  cm_paint p = {0};
  p.stroke = 1;
  p.stroke_color = (cm_color){0.75, 0.1, 0.1, 1};
  p.stroke_width = 0.9;
  int rc = g.npoints >= 3 ? cm_scene_path(c->scene, &g, &p) : CM_OK;
  cm_geom_free(&g);
  return rc;
}

int cm__draw_inset(composer *c) {
  const cm_map_settings *ms = c->ms;
  int li = ms->inset_layer ? layer_index(c, ms->inset_layer) : -1;
  if (li < 0 || ms->inset == CM_CORNER_NONE || c->no_inset)
    return CM_OK;
  const cm_layer *l = cm_map_layer_data(c->map, (size_t)li);
  if (cm_layer_crs(l) && !strstr(cm_layer_crs(l), "GEOGCS"))
    return CM_OK; /* the inset draws lon/lat layers only */
  inset_view v = {ms->inset_extent[0], ms->inset_extent[1], ms->inset_extent[2],
                  ms->inset_extent[3], 0, 0, {0, 0}};
  double coslat = cos((v.s + v.n) / 2 * M_PI / 180);
  double aspect = (v.e - v.w) * coslat / (v.n - v.s);
  double fw = c->furniture.maxx - c->furniture.minx;
  double w = fw * 0.24;
  if (!c->panels && cm__page_band_of(ms->inset) >= 0) {
    /* A band beside the frame: all its width, or what height is left. */
    w = cm__slot_width(c, ms->inset);
    w = fmin(w, cm__slot_height_left(c, ms->inset) * aspect);
  }
  if (w < c->page.note_size * 5) {
    cm__compose_finding(c, "the inset has no room left in its place");
    return CM_OK;
  }
  double h = w / aspect;
  cm_point o = cm__corner_box(c, ms->inset, w, h, "inset");
  v.origin = o;
  v.kx = w / (v.e - v.w);
  v.ky = h / (v.n - v.s);
  cm_bbox box = {o.x, o.y, o.x + w, o.y + h};
  cm_paint bg = {0};
  bg.fill = 1;
  bg.fill_color = ms->background;
  bg.stroke = 1;
  bg.stroke_color = (cm_color){0.25, 0.25, 0.25, 1};
  bg.stroke_width = 0.6;
  cm_geom frame;
  cm_geom_init(&frame, CM_GEOM_POLYGON);
  cm_geom_add_point(&frame, box.minx, box.miny);
  cm_geom_add_point(&frame, box.maxx, box.miny);
  cm_geom_add_point(&frame, box.maxx, box.maxy);
  cm_geom_add_point(&frame, box.minx, box.maxy);
  int rc = cm_scene_group_begin(c->scene, "inset", "inset", &box);
  cm_paint fill = bg;
  fill.stroke = 0;
  if (rc == CM_OK)
    rc = cm_scene_path(c->scene, &frame, &fill);
  if (rc == CM_OK)
    rc = draw_region(c, &v, l, box);
  if (rc == CM_OK)
    rc = draw_extent(c, &v);
  bg.fill = 0;
  if (rc == CM_OK)
    rc = cm_scene_path(c->scene, &frame, &bg);
  cm_geom_free(&frame);
  if (rc == CM_OK)
    rc = cm_scene_group_end(c->scene);
  return rc == CM_OK ? cm__compose_take(c, box) : rc;
}
