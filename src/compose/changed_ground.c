/* What changed: the ground whose holder differs between two days, drawn
 * over the map as an outlined, hatched area. For every holder, the ground
 * it held on the earlier day less the ground it holds on the day shown;
 * the union of those is exactly the ground that changed hands (or was
 * left without a holder). Computed with the polygon operations of the
 * geometry module on the map's projected polygons. */

#include "compose_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The layer of holders, named by the Map block's changes-layer. */
static int control_layer(const composer *c) {
  for (size_t i = 0; i < cm_map_layer_count(c->map); i++)
    if (!strcmp(cm_map_layer_style(c->map, i)->name, c->ms->changes_layer))
      return (int)i;
  return -1;
}

/* a = a op b, keeping a's storage valid on failure. */
static int combine(cm_overlay *ov, cm_geom *a, const cm_geom *b, cm_bool_op op) {
  cm_geom out;
  cm_geom_init(&out, CM_GEOM_POLYGON);
  int rc = cm_overlay_boolean(ov, a, b, op, &out);
  if (rc != CM_OK) {
    cm_geom_free(&out);
    return rc;
  }
  cm_geom_free(a);
  *a = out;
  return CM_OK;
}

/* Which features of the control layer a union takes: those of holder
 * shown on day on, unless also shown on day gone_by (when set), and only
 * those whose box meets near (when set). */
typedef struct selection {
  const char *holder;
  cm_day on, gone_by;
  int until;
  const cm_bbox *near;
} selection;

static int selected(const composer *c, size_t l, size_t f, const selection *s) {
  const cm_layer *layer = cm_map_layer_data(c->map, l);
  int field = cm_layer_field_index(layer, c->ms->changes_field);
  if (!cm_map_feature_visible(c->map, l, f, s->on) ||
      strcmp(cm_layer_value(layer, f, (size_t)field), s->holder) ||
      (s->until && cm_map_feature_visible(c->map, l, f, s->gone_by)))
    return 0;
  const cm_geom *g = cm_map_feature_geom(c->map, l, f);
  return g->npoints && (!s->near || cm_bbox_intersects(*s->near, cm_geom_bbox(g)));
}

/* The union of the selected features of layer l, in one overlay. */
static int held(const composer *c, cm_overlay *ov, size_t l, const selection *s,
                cm_geom *out) {
  size_t count = cm_layer_count(cm_map_layer_data(c->map, l)), n = 0;
  const cm_geom **parts = calloc(count ? count : 1, sizeof *parts);
  cm_geom_init(out, CM_GEOM_POLYGON);
  if (!parts)
    return CM_ENOMEM;
  for (size_t f = 0; f < count; f++)
    if (selected(c, l, f, s))
      parts[n++] = cm_map_feature_geom(c->map, l, f);
  int rc = cm_overlay_union(ov, parts, n, out);
  free(parts);
  return rc;
}

/* Each holder found on day d0, once. */
static int holders(const composer *c, size_t l, cm_day d0, const char ***out,
                   size_t *n) {
  const cm_layer *layer = cm_map_layer_data(c->map, l);
  int field = cm_layer_field_index(layer, c->ms->changes_field);
  size_t count = cm_layer_count(layer);
  const char **list = calloc(count ? count : 1, sizeof *list);
  if (!list)
    return CM_ENOMEM;
  *n = 0;
  for (size_t f = 0; f < count; f++) {
    if (!cm_map_feature_visible(c->map, l, f, d0))
      continue;
    const char *h = cm_layer_value(layer, f, (size_t)field);
    size_t k = 0;
    while (k < *n && strcmp(list[k], h))
      k++;
    if (k == *n)
      list[(*n)++] = h;
  }
  *out = list;
  return CM_OK;
}

/* What holder held on the earlier day and no longer holds: the ground of
 * its features shown then and not now, less its ground now. Features shown
 * on both days lie in its ground now, and only features near the lost
 * ones can cut into them, so the rest is left out of the work. */
static int lost_ground(const composer *c, cm_overlay *ov, size_t l,
                       const char *holder, cm_geom *out) {
  selection gone = {holder, c->opt->changes_since, c->day, 1, NULL};
  int rc = held(c, ov, l, &gone, out);
  if (rc != CM_OK || out->npoints == 0)
    return rc;
  cm_bbox box = cm_geom_bbox(out);
  selection now = {holder, c->day, 0, 0, &box};
  cm_geom kept;
  rc = held(c, ov, l, &now, &kept);
  if (rc == CM_OK)
    rc = combine(ov, out, &kept, CM_BOOL_DIFFERENCE);
  cm_geom_free(&kept);
  return rc;
}

/* Every operation of a frame's overlay runs on one grid, that of the
 * largest coordinate any feature can have: the map clips features to
 * its frame with a margin narrower than the frame. A grid taken from each
 * operation's own polygons would change with the ground they cover, and
 * edges rounded first to one grid and then to another leave slivers. */
static cm_overlay *frame_overlay(const composer *c) {
  cm_bbox f = cm_map_frame(c->map);
  double corner = fmax(fmax(fabs(f.minx), fabs(f.maxx)), fmax(fabs(f.miny), fabs(f.maxy)));
  return cm_overlay_new(corner + fmax(f.maxx - f.minx, f.maxy - f.miny));
}

static int changed_ground(const composer *c, size_t l, cm_geom *out) {
  const char **list = NULL;
  size_t n = 0;
  cm_geom_init(out, CM_GEOM_POLYGON);
  cm_overlay *ov = frame_overlay(c);
  int rc = ov ? holders(c, l, c->opt->changes_since, &list, &n) : CM_ENOMEM;
  for (size_t i = 0; i < n && rc == CM_OK; i++) {
    cm_geom lost;
    rc = lost_ground(c, ov, l, list[i], &lost);
    if (rc == CM_OK && lost.npoints)
      rc = combine(ov, out, &lost, CM_BOOL_UNION);
    cm_geom_free(&lost);
  }
  cm_overlay_free(ov);
  free(list);
  return rc;
}

static cm_paint overlay_paint(void) {
  cm_paint p = {0};
  p.hatch = 1;
  p.hatch_angle = 90; /* upright: no style hatches its zones so */
  p.hatch_color = (cm_color){0.1, 0.1, 0.1, 0.85};
  p.hatch_width = 0.6;
  p.hatch_spacing = 3.4;
  p.stroke = 1;
  p.stroke_color = (cm_color){0.1, 0.1, 0.1, 1};
  p.stroke_width = 1.1;
  p.join = CM_JOIN_ROUND;
  return p;
}

static int legend_text(const composer *c, char *buf, size_t size) {
  char date[96];
  cm_date_format(date, sizeof date, c->opt->changes_since, NULL, c->ms->lang,
                 c->ms->digits);
  int ar = c->ms->lang && !strcmp(c->ms->lang, "ar");
  snprintf(buf, size, ar ? "تغيّرت السيطرة عليها منذ %s" : "Changed hands since %s", date);
  return CM_OK;
}

int cm__draw_changes(composer *c) {
  if (!c->opt->changes)
    return CM_OK;
  int l = control_layer(c);
  if (l < 0 || cm_layer_field_index(cm_map_layer_data(c->map, (size_t)l),
                                     c->ms->changes_field) < 0)
    return cm_error_set(c->err, CM_EUSAGE, cm_style_name(cm_map_style(c->map)), 0, 0,
                        "showing changes needs a layer named '%s' with a field "
                        "'%s' (changes-layer and changes-field in the Map block)",
                        c->ms->changes_layer, c->ms->changes_field);
  cm_geom ground;
  int rc = changed_ground(c, (size_t)l, &ground);
  if (rc != CM_OK && rc != CM_ENOMEM) /* GEOS refused the layer's polygons */
    cm_error_set(c->err, rc, cm_style_name(cm_map_style(c->map)), 0, 0,
                 "cannot find the ground that changed hands: the polygon "
                 "overlay failed on the features of layer '%s'",
                 c->ms->changes_layer);
  cm_paint p = overlay_paint();
  char text[256];
  legend_text(c, text, sizeof text);
  if (rc == CM_OK)
    rc = cm_scene_group_begin(c->scene, "changes", "changes", &c->frame);
  if (rc == CM_OK && ground.npoints) {
    for (size_t i = 0; i < ground.npoints; i++)
      ground.points[i] = cm__compose_place(c, ground.points[i]);
    rc = cm_scene_path(c->scene, &ground, &p);
  }
  if (rc == CM_OK)
    rc = cm_scene_group_end(c->scene);
  if (rc == CM_OK)
    rc = cm__compose_legend_entry(c, text, CM_GEOM_POLYGON, &p);
  cm_geom_free(&ground);
  return rc;
}
