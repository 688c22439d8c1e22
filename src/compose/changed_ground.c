/* What changed: the ground whose holder differs between two days, drawn
 * over the map as an outlined, hatched area. For every holder, the ground
 * it held on the earlier day less the ground it holds on the day shown;
 * the union of those is exactly the ground that changed hands (or was
 * left without a holder). Computed with the polygon operations of the
 * geometry module on the map's projected polygons. */

#include "compose_internal.h"

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
static int combine(cm_geom *a, const cm_geom *b, cm_bool_op op) {
  cm_geom out;
  cm_geom_init(&out, CM_GEOM_POLYGON);
  int rc = cm_geom_boolean(a, b, op, &out);
  if (rc != CM_OK) {
    cm_geom_free(&out);
    return rc;
  }
  cm_geom_free(a);
  *a = out;
  return CM_OK;
}

/* The union of the features of layer l held by holder on day d. */
static int held(const composer *c, size_t l, const char *holder, cm_day d,
                cm_geom *out) {
  const cm_layer *layer = cm_map_layer_data(c->map, l);
  int field = cm_layer_field_index(layer, c->ms->changes_field);
  cm_geom_init(out, CM_GEOM_POLYGON);
  int rc = CM_OK;
  for (size_t f = 0; f < cm_layer_count(layer) && rc == CM_OK; f++) {
    if (!cm_map_feature_visible(c->map, l, f, d) ||
        strcmp(cm_layer_value(layer, f, (size_t)field), holder))
      continue;
    const cm_geom *g = cm_map_feature_geom(c->map, l, f);
    if (g->npoints)
      rc = combine(out, g, CM_BOOL_UNION);
  }
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

static int changed_ground(const composer *c, size_t l, cm_geom *out) {
  const char **list = NULL;
  size_t n = 0;
  cm_geom_init(out, CM_GEOM_POLYGON);
  int rc = holders(c, l, c->opt->changes_since, &list, &n);
  for (size_t i = 0; i < n && rc == CM_OK; i++) {
    cm_geom before, now;
    rc = held(c, l, list[i], c->opt->changes_since, &before);
    if (rc == CM_OK)
      rc = held(c, l, list[i], c->day, &now);
    if (rc == CM_OK)
      rc = combine(&before, &now, CM_BOOL_DIFFERENCE);
    if (rc == CM_OK && before.npoints)
      rc = combine(out, &before, CM_BOOL_UNION);
    cm_geom_free(&before);
    cm_geom_free(&now);
  }
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

int cm_draw_changes(composer *c) {
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
  cm_paint p = overlay_paint();
  char text[256];
  legend_text(c, text, sizeof text);
  if (rc == CM_OK)
    rc = cm_scene_group_begin(c->scene, "changes", "changes", &c->frame);
  if (rc == CM_OK && ground.npoints) {
    for (size_t i = 0; i < ground.npoints; i++)
      ground.points[i] = cm_compose_place(c, ground.points[i]);
    rc = cm_scene_path(c->scene, &ground, &p);
  }
  if (rc == CM_OK)
    rc = cm_scene_group_end(c->scene);
  if (rc == CM_OK)
    rc = cm_compose_legend_entry(c, text, CM_GEOM_POLYGON, &p);
  cm_geom_free(&ground);
  return rc;
}
