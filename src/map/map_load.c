/* Opening a map: load every layer the style names, read the dates of timed
 * layers, fit the extent into the frame, and project and clip every
 * feature into page points, once. */

#include "controlmap/map.h"
#include "controlmap/proj.h"
#include "page_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The private layout of cm_map, shared with map.c. */
#include "map_internal.h"

#define CM_PROJ_CACHE 8

/* The interval of one feature: [start, end) for `time: start end;`, the
 * day (or the coarse date's days) of an instant for `time: date;`; then
 * the window keeps it on the map that much longer. */
static int feature_times(const cm_style_layer *sl, const char *s, const char *e,
                         cm_day *from, cm_day *to) {
  if (sl->time_end) {
    if (cm_date_interval(s, e, from, to) != CM_OK)
      return CM_EUSAGE;
  } else if (cm_date_parse(s, from, to, NULL) != CM_OK) {
    return CM_EUSAGE; /* an instant must have its date */
  }
  if (sl->window.unit && *to != CM_DAY_MAX)
    *to = cm_date_window_end(*to - 1, sl->window.count, sl->window.unit);
  return CM_OK;
}

static int missing_time_field(const cm_style *style, const cm_style_layer *sl,
                              const cm_layer *data, const char *field,
                              cm_error *err) {
  cm_error_set(err, CM_EDATA, cm_style_name(style), sl->line, sl->col,
               "layer '%s': %s has no field '%s' for `time`", sl->name,
               cm_layer_path(data), field);
  cm_error_hint(err, "run `controlmap info %s` to list its fields",
                cm_layer_path(data));
  return CM_EDATA;
}

int cm_map_layer_times(const cm_style *style, const cm_style_layer *sl,
                       const cm_layer *data, cm_day *from, cm_day *to,
                       cm_error *err) {
  const char *names[2] = {sl->time_start, sl->time_end};
  int idx[2] = {-1, -1};
  for (int k = 0; k < 2 && names[k]; k++)
    if ((idx[k] = cm_layer_field_index(data, names[k])) < 0)
      return missing_time_field(style, sl, data, names[k], err);
  char list[600] = "", first[160] = "";
  size_t bad = 0, n = cm_layer_count(data);
  for (size_t f = 0; f < n; f++) {
    const char *s = cm_layer_value(data, f, (size_t)idx[0]);
    const char *e = idx[1] >= 0 ? cm_layer_value(data, f, (size_t)idx[1]) : "";
    if (feature_times(sl, s, e, &from[f], &to[f]) == CM_OK)
      continue;
    if (bad++ == 0)
      snprintf(first, sizeof first, idx[1] >= 0 ? "'%s' .. '%s'" : "'%s'", s, e);
    size_t len = strlen(list);
    if (len < sizeof list - 32)
      snprintf(list + len, sizeof list - len, "%s%zu", len ? ", " : "",
               cm_layer_record(data, f) + 1);
  }
  if (!bad)
    return CM_OK;
  if (idx[1] >= 0) {
    cm_error_set(err, CM_EDATA, cm_layer_path(data), 0, 0,
                 "%zu feature%s with bad dates in '%s'/'%s' (feature %s; first: %s)",
                 bad, bad > 1 ? "s" : "", names[0], names[1], list, first);
    cm_error_hint(err, "dates are YYYY, YYYY-MM or YYYY-MM-DD, and the end "
                       "comes after the start");
  } else {
    cm_error_set(err, CM_EDATA, cm_layer_path(data), 0, 0,
                 "%zu feature%s whose '%s' is not a date (record %s; first: %s)",
                 bad, bad > 1 ? "s" : "", names[0], list, first);
    cm_error_hint(err, "an instant needs its date: YYYY, YYYY-MM or YYYY-MM-DD");
  }
  return CM_EDATA;
}

/* Feature validity intervals from the layer's time fields. */
static int read_intervals(map_layer *ml, const cm_style *style, cm_error *err) {
  size_t n = cm_layer_count(ml->data);
  ml->from = malloc((n ? n : 1) * sizeof *ml->from);
  ml->to = malloc((n ? n : 1) * sizeof *ml->to);
  if (!ml->from || !ml->to)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  return cm_map_layer_times(style, ml->style, ml->data, ml->from, ml->to, err);
}

/* The box of a lon/lat or source box traced through p, 64 steps a side. */
static cm_bbox trace_box(const cm_proj *p, const double *e) {
  cm_bbox b = cm_bbox_empty();
  for (int i = 0; i <= 64; i++) {
    double t = i / 64.0;
    cm_point q[4] = {{e[0] + t * (e[2] - e[0]), e[1]},
                     {e[0] + t * (e[2] - e[0]), e[3]},
                     {e[0], e[1] + t * (e[3] - e[1])},
                     {e[2], e[1] + t * (e[3] - e[1])}};
    cm_proj_forward(p, q, 4);
    for (int k = 0; k < 4; k++)
      if (isfinite(q[k].x) && isfinite(q[k].y) && fabs(q[k].x) < HUGE_VAL)
        cm_bbox_extend(&b, q[k].x, q[k].y);
  }
  return b;
}

/* The view in map units: the style's extent (lon/lat or projected), else
 * everything the layers hold. */
static int view_extent(cm_map *m, cm_bbox *out, cm_error *err) {
  const cm_map_settings *ms = cm_style_map(m->style);
  cm_bbox b = cm_bbox_empty();
  if (ms->has_extent && ms->extent_projected) {
    *out = (cm_bbox){ms->extent[0], ms->extent[1], ms->extent[2], ms->extent[3]};
    return CM_OK;
  }
  if (ms->has_extent) {
    /* Trace the lon/lat box densely: its edges curve once projected. */
    const double *e = ms->extent;
    b = trace_box(m->lonlat, e);
    if (cm_bbox_is_empty(b)) {
      cm_error_set(err, CM_EPROJ, cm_style_name(m->style), 0, 0,
                   "the extent %g %g %g %g cannot be projected to the map's srs",
                   e[0], e[1], e[2], e[3]);
      cm_error_hint(err, "give an extent inside the projection's domain");
      return CM_EPROJ;
    }
  } else {
    for (size_t l = 0; l < m->nlayers; l++)
      for (size_t f = 0; f < cm_layer_count(m->layers[l].data); f++) {
        cm_bbox g = cm_geom_bbox(&m->layers[l].page[f]);
        if (!cm_bbox_is_empty(g)) {
          cm_bbox_extend(&b, g.minx, g.miny);
          cm_bbox_extend(&b, g.maxx, g.maxy);
        }
      }
    if (cm_bbox_is_empty(b))
      b = (cm_bbox){-1, -1, 1, 1};
  }
  *out = b;
  return CM_OK;
}

/* No view may be wider or taller than twice the Earth's circumference: a
 * whole-world map fits within one, and past it a typo in the extent (or
 * data far off the Earth) would draw a map of nothing with a scale bar of
 * thousands of kilometres. */
#define EARTH_CIRCUMFERENCE 40075017.0

static int larger_than_earth(const cm_map *m, double vw, double vh,
                             cm_error *err) {
  double metres = cm_proj_dst_metres(m->lonlat);
  double side = fmax(vw, vh) * metres;
  if (!(side > 2 * EARTH_CIRCUMFERENCE))
    return CM_OK;
  cm_error_set(err, CM_ESTYLE, cm_style_name(m->style), 0, 0,
               "the map would show %.3g km from side to side, more than "
               "twice the Earth's circumference", side / 1000);
  cm_error_hint(err, cm_style_map(m->style)->has_extent
                         ? "check `extent`: its numbers are in the units of "
                           "`srs` (metres for most projections), or give it "
                           "in degrees of longitude and latitude"
                         : "give an `extent`, or check the layers' "
                           "coordinates and .prj files (`controlmap info`)");
  return CM_ESTYLE;
}

/* Fit the view inside the frame, centred, keeping its proportions. */
static int fit(cm_map *m, cm_bbox view, cm_error *err) {
  double vw = view.maxx - view.minx, vh = view.maxy - view.miny;
  double fw = m->frame.maxx - m->frame.minx, fh = m->frame.maxy - m->frame.miny;
  if (larger_than_earth(m, vw, vh, err) != CM_OK)
    return CM_ESTYLE;
  if (!(vw > 0) || !(vh > 0) || !(fw > 0) || !(fh > 0)) {
    cm_error_set(err, CM_ESTYLE, cm_style_name(m->style), 0, 0,
                 "the map has no room: extent %g x %g map units in a "
                 "%g x %g pt frame", vw, vh, fw, fh);
    cm_error_hint(err, "west < east and south < north in `extent`, and a "
                       "page larger than its margins");
    return CM_ESTYLE;
  }
  m->scale = fmin(fw / vw, fh / vh);
  m->view = view;
  m->centre = (cm_point){(view.minx + view.maxx) / 2, (view.miny + view.maxy) / 2};
  return CM_OK;
}

/* Transformations already made while opening a map, by source CRS: the
 * layers of a dataset mostly share one .prj, and making a PROJ
 * transformation costs more than projecting a small layer. */
typedef struct proj_cache {
  const char *crs[CM_PROJ_CACHE];
  cm_proj *proj[CM_PROJ_CACHE];
  size_t n;
} proj_cache;

static void proj_cache_free(proj_cache *pc) {
  for (size_t i = 0; i < pc->n; i++)
    cm_proj_free(pc->proj[i]);
}

/* The transformation from crs to the map's srs, made or found. */
static int proj_for(cm_map *m, proj_cache *pc, const char *crs, cm_proj **out,
                    cm_error *err) {
  for (size_t i = 0; i < pc->n; i++)
    if (!strcmp(pc->crs[i], crs)) {
      *out = pc->proj[i];
      return CM_OK;
    }
  int rc = cm_proj_create(out, crs, cm_style_map(m->style)->srs, err);
  if (rc == CM_OK && pc->n < CM_PROJ_CACHE) {
    pc->crs[pc->n] = crs;
    pc->proj[pc->n++] = *out;
  } else if (rc == CM_OK) {
    cm_proj_free(pc->proj[CM_PROJ_CACHE - 1]); /* full: replace the last */
    pc->crs[CM_PROJ_CACHE - 1] = crs;
    pc->proj[CM_PROJ_CACHE - 1] = *out;
  }
  return rc;
}

/* Projecting a layer may add at most this many points per point it holds,
 * plus LAYER_EXTRA_POINTS (so a small layer's long edges can still curve):
 * the bound on a layer's memory stated in docs/robustness.md. */
#define LAYER_POINT_FACTOR 8
#define LAYER_EXTRA_POINTS ((size_t)1 << 18)

static size_t layer_points(const cm_layer *data) {
  size_t n = 0;
  for (size_t f = 0; f < cm_layer_count(data); f++)
    n += cm_layer_geom(data, f)->npoints;
  return n;
}

/* How finely a layer's edges follow their projected curves: within a
 * quarter of a device pixel, which needs the map's scale. With an extent
 * it is known before any layer loads (m->scale); without, the layer's own
 * box fitted into the frame gives a scale at least as large as the map's
 * will be, so a tolerance at least as fine. */
static cm_proj_fit layer_fit(const cm_map *m, const cm_proj *p,
                             const cm_layer *data) {
  cm_proj_fit fit = {0, cm_bbox_empty(), 0, 0, 0};
  double px = 0.25 * 72.0 / m->dpi, scale = m->scale;
  double fw = m->frame.maxx - m->frame.minx, fh = m->frame.maxy - m->frame.miny;
  if (scale > 0) {
    double pad = 0.05 * fmax(fw, fh) / scale;
    fit.view = (cm_bbox){m->view.minx - pad, m->view.miny - pad,
                         m->view.maxx + pad, m->view.maxy + pad};
  } else {
    cm_bbox e = cm_layer_extent(data);
    cm_bbox b = trace_box(p, (const double[]){e.minx, e.miny, e.maxx, e.maxy});
    double w = b.maxx - b.minx, h = b.maxy - b.miny;
    scale = w > 0 && h > 0 ? fmin(fw / w, fh / h) : w > 0 ? fw / w : h > 0 ? fh / h : 0;
  }
  fit.tol = scale > 0 && isfinite(scale) ? px / scale : 0;
  size_t n = layer_points(data);
  fit.budget = n > (SIZE_MAX - LAYER_EXTRA_POINTS) / LAYER_POINT_FACTOR
                   ? SIZE_MAX
                   : n * LAYER_POINT_FACTOR + LAYER_EXTRA_POINTS;
  return fit;
}

/* A feature whose point cannot be projected fails the layer: leaving it
 * out would draw a map with ground missing that looks right. */
static int unprojectable(const map_layer *ml, size_t f, size_t point,
                         cm_error *err) {
  const cm_point *q = &cm_layer_geom(ml->data, f)->points[point];
  cm_error_set(err, CM_EPROJ, cm_layer_path(ml->data), 0, 0,
               "record %zu: point %zu (%.10g %.10g) cannot be projected to "
               "the map's srs", cm_layer_record(ml->data, f), point, q->x, q->y);
  cm_error_hint(err, "fix the coordinate (`controlmap check` lists those out "
                     "of range), or choose a srs in which the whole layer "
                     "is visible");
  return CM_EPROJ;
}

static int too_many_points(const map_layer *ml, size_t points, cm_error *err) {
  cm_error_set(err, CM_ENOMEM, cm_layer_path(ml->data), 0, 0,
               "layer '%s': following the map's projection would add more "
               "than %d points per point of its %zu (plus %zu)",
               ml->style->name, LAYER_POINT_FACTOR, points, LAYER_EXTRA_POINTS);
  cm_error_hint(err, "simplify the data (its edges are long and many), or "
                     "draw it at a lower dpi");
  return CM_ENOMEM;
}

/* Project one layer into map units (kept in ml->page until fitted). */
static int project_layer(cm_map *m, proj_cache *pc, map_layer *ml,
                         cm_error *err) {
  const char *crs = cm_layer_crs(ml->data);
  cm_proj *p = m->lonlat; /* no .prj: WGS 84, like the furniture's */
  int rc = crs ? proj_for(m, pc, crs, &p, err) : CM_OK;
  if (rc != CM_OK) {
    if (err)
      snprintf(err->file, sizeof err->file, "%.480s (its .prj)",
               cm_layer_path(ml->data));
    return rc;
  }
  size_t n = cm_layer_count(ml->data);
  ml->page = calloc(n ? n : 1, sizeof *ml->page);
  if (!ml->page)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  /* Edges straight in the source curve on the map where the projection
   * bends them; they get points in between only there. */
  cm_proj_fit fit = layer_fit(m, p, ml->data);
  size_t f = 0;
  for (; f < n; f++)
    if ((rc = cm_proj_geom_fit(p, cm_layer_geom(ml->data, f), &fit,
                               &ml->page[f])) != CM_OK)
      break;
  if (rc == CM_EPROJ)
    return unprojectable(ml, f, fit.failed, err);
  if (rc == CM_ENOMEM && fit.wanted)
    return too_many_points(ml, layer_points(ml->data), err);
  if (rc != CM_OK)
    return cm_error_set(err, rc, cm_layer_path(ml->data), 0, 0,
                        "out of memory projecting the layer");
  return CM_OK;
}

/* Map units to page points, then clip to the frame plus a margin (so cut
 * edges fall outside the visible frame) and drop detail finer than a
 * quarter of a device pixel. */
static int to_page(cm_map *m, cm_geom *g) {
  for (size_t i = 0; i < g->npoints; i++)
    g->points[i] = cm_map_to_page(m, g->points[i]);
  double pad = 0.05 * fmax(m->frame.maxx - m->frame.minx, m->frame.maxy - m->frame.miny);
  cm_bbox box = {m->frame.minx - pad, m->frame.miny - pad,
                 m->frame.maxx + pad, m->frame.maxy + pad};
  cm_geom clipped, simple;
  cm_geom_init(&clipped, g->type);
  cm_geom_init(&simple, g->type);
  int rc = cm_geom_clip(g, box, &clipped);
  if (rc == CM_OK && g->type != CM_GEOM_POINT)
    rc = cm_geom_simplify(&clipped, 0.25 * 72.0 / m->dpi, &simple);
  cm_geom_free(g);
  if (rc != CM_OK) {
    cm_geom_free(&clipped);
    cm_geom_free(&simple);
    return rc;
  }
  if (g->type == CM_GEOM_POINT) {
    *g = clipped;
  } else {
    cm_geom_free(&clipped);
    *g = simple;
  }
  return CM_OK;
}

/* Whether data has the field a style names; [name] has fallbacks. */
static int has_field(const cm_layer *data, const char *field, const char *lang,
                     char *missing, size_t size) {
  if (strcmp(field, "name")) {
    snprintf(missing, size, "%s", field);
    return cm_layer_field_index(data, field) >= 0;
  }
  snprintf(missing, size, "name_%s", lang ? lang : "en");
  return cm_layer_field_index(data, missing) >= 0 ||
         cm_layer_field_index(data, "name_en") >= 0 ||
         cm_layer_field_index(data, "name") >= 0;
}

/* Whether the Layer block called name has `time`. */
static int layer_timed(const cm_style *style, const char *name) {
  for (size_t i = 0; i < cm_style_layer_count(style); i++)
    if (!strcmp(cm_style_layer_at(style, i)->name, name))
      return cm_style_layer_at(style, i)->time_start != NULL;
  return 0;
}

int cm_map_check_fields(const cm_style *style, const char *layer,
                        const cm_layer *data, cm_error *err, cm_errors *all) {
  int rc = CM_OK;
  for (size_t i = 0; i < cm_style_field_ref_count(style); i++) {
    const cm_field_ref *r = cm_style_field_ref_at(style, i);
    char field[256];
    if (!r->layer || strcmp(r->layer, layer) ||
        has_field(data, r->field, cm_style_map(style)->lang, field, sizeof field) ||
        (!strcmp(r->field, CM_AGE_DAYS) && layer_timed(style, layer)))
      continue;
    cm_error e;
    cm_error_set(&e, CM_EDATA, cm_style_name(style), r->line, r->col,
                 "layer '%s': %s has no field '%s'", layer, cm_layer_path(data), field);
    cm_suggest near;
    cm_suggest_init(&near, field);
    for (size_t k = 0; k < cm_layer_field_count(data); k++)
      cm_suggest_try(&near, cm_layer_field_name(data, k));
    if (!strcmp(r->field, CM_AGE_DAYS))
      cm_error_hint(&e, "age_days is known in dated layers: give Layer#%s a `time`", layer);
    else if (!cm_suggest_hint(&near, &e, ""))
      cm_error_hint(&e, "run `controlmap info %s` to list its fields", cm_layer_path(data));
    if (rc == CM_OK && err)
      *err = e;
    if (all)
      cm_errors_add(all, &e);
    rc = CM_EDATA;
  }
  return rc;
}

int cm_map_layer_open(cm_layer **out, const cm_style_layer *sl,
                      cm_error *err) {
  cm_layer_source src = {.path = sl->file, .layer = sl->source_layer,
                         .x = sl->x, .y = sl->y, .wkt = sl->wkt,
                         .encoding = sl->encoding};
  return cm_layer_open_source(out, &src, err);
}

/* The first point of a geographic feature out of range, or SIZE_MAX. A
 * hair past 180 is common in exported data and projects well. */
static size_t out_of_range(const cm_geom *g) {
  for (size_t i = 0; i < g->npoints; i++)
    if (!(fabs(g->points[i].x) <= 180 + 1e-7) || !(fabs(g->points[i].y) <= 90 + 1e-7))
      return i;
  return SIZE_MAX;
}

int cm_map_check_coordinates(const cm_layer *data, cm_error *err,
                             cm_errors *all) {
  if (!cm_proj_is_geographic(cm_layer_crs(data)))
    return CM_OK;
  int rc = CM_OK;
  for (size_t f = 0; f < cm_layer_count(data); f++) {
    const cm_geom *g = cm_layer_geom(data, f);
    size_t i = out_of_range(g);
    if (i == SIZE_MAX)
      continue;
    cm_error e;
    cm_error_set(&e, CM_EDATA, cm_layer_path(data), 0, 0,
                 "record %zu: point %zu (%.10g %.10g) is outside longitude "
                 "-180..180, latitude -90..90", cm_layer_record(data, f), i,
                 g->points[i].x, g->points[i].y);
    cm_error_hint(&e, "the layer's CRS is geographic (degrees); fix the "
                      "coordinate, or give the layer the .prj of the CRS "
                      "its coordinates are in");
    if (rc == CM_OK && err)
      *err = e;
    if (all && cm_errors_add(all, &e) != CM_OK)
      return CM_ENOMEM;
    rc = CM_EDATA;
  }
  return rc;
}

static int load_layers(cm_map *m, cm_error *err) {
  size_t n = cm_style_layer_count(m->style);
  if (n == 0) {
    cm_error_set(err, CM_ESTYLE, cm_style_name(m->style), 0, 0,
                 "the style names no layer, so the map would be empty");
    cm_error_hint(err, "add a block like Layer#control { file: \"control.shp\"; }");
    return CM_ESTYLE;
  }
  m->layers = calloc(n ? n : 1, sizeof *m->layers);
  if (!m->layers)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  proj_cache pc = {{0}, {0}, 0};
  int rc = CM_OK;
  for (size_t i = 0; i < n && rc == CM_OK; i++, m->nlayers++) {
    map_layer *ml = &m->layers[i];
    ml->style = cm_style_layer_at(m->style, i);
    rc = cm_map_check_file(m->style, ml->style, err);
    if (rc == CM_OK)
      rc = cm_map_layer_open(&ml->data, ml->style, err);
    if (rc == CM_OK && ml->style->time_start)
      rc = read_intervals(ml, m->style, err);
    if (rc == CM_OK)
      rc = cm_map_check_fields(m->style, ml->style->name, ml->data, err, NULL);
    if (rc == CM_OK)
      rc = cm_map_check_coordinates(ml->data, err, NULL);
    if (rc == CM_OK)
      rc = project_layer(m, &pc, ml, err);
  }
  proj_cache_free(&pc);
  return rc;
}

int cm_map_open_style(cm_map **out, cm_style *style, cm_error *err) {
  *out = NULL;
  cm_map *m = calloc(1, sizeof *m);
  if (!m) {
    cm_style_free(style);
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  }
  m->style = style;
  pthread_mutex_init(&m->lock, NULL);
  const cm_map_settings *ms = cm_style_map(style);
  cm_page_layout lay;
  cm__page_layout_make(ms, &lay);
  m->page_w = lay.width;
  m->page_h = lay.height;
  m->dpi = ms->dpi;
  m->frame = lay.frame;
  int rc = cm_style_check_dpi(style, 0, err, NULL);
  if (rc == CM_OK)
    rc = cm_proj_check_map(ms->srs, err);
  if (rc == CM_OK)
    rc = cm_proj_create(&m->lonlat, NULL, ms->srs, err);
  if (rc != CM_OK && err && !err->file[0])
    snprintf(err->file, sizeof err->file, "%s", cm_style_name(style));
  /* An extent gives the scale before any layer loads, and with it how
   * finely edges must follow their projected curves. */
  cm_bbox view;
  if (rc == CM_OK && ms->has_extent)
    rc = view_extent(m, &view, err);
  if (rc == CM_OK && ms->has_extent)
    rc = fit(m, view, err);
  if (rc == CM_OK)
    rc = load_layers(m, err);
  if (rc == CM_OK && !ms->has_extent)
    rc = view_extent(m, &view, err);
  if (rc == CM_OK && !ms->has_extent)
    rc = fit(m, view, err);
  for (size_t l = 0; rc == CM_OK && l < m->nlayers; l++)
    for (size_t f = 0; rc == CM_OK && f < cm_layer_count(m->layers[l].data); f++)
      if ((rc = to_page(m, &m->layers[l].page[f])) != CM_OK)
        cm_error_set(err, rc, NULL, 0, 0, "out of memory");
  if (rc != CM_OK) {
    cm_map_free(m);
    return rc;
  }
  *out = m;
  return CM_OK;
}

int cm_map_open(cm_map **out, const char *style_path, cm_error *err) {
  cm_style *style;
  *out = NULL;
  int rc = cm_style_load(&style, style_path, err, NULL);
  if (rc != CM_OK)
    return rc;
  return cm_map_open_style(out, style, err);
}
