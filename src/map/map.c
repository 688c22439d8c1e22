#include "controlmap/map.h"
#include "controlmap/proj.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "map_internal.h"

const cm_style *cm_map_style(const cm_map *m) { return m->style; }
double cm_map_page_width(const cm_map *m) { return m->page_w; }
double cm_map_page_height(const cm_map *m) { return m->page_h; }
cm_bbox cm_map_frame(const cm_map *m) { return m->frame; }
size_t cm_map_layer_count(const cm_map *m) { return m->nlayers; }

const cm_style_layer *cm_map_layer_style(const cm_map *m, size_t i) {
  return m->layers[i].style;
}

const cm_layer *cm_map_layer_data(const cm_map *m, size_t i) {
  return m->layers[i].data;
}

const cm_geom *cm_map_feature_geom(const cm_map *m, size_t l, size_t f) {
  return &m->layers[l].page[f];
}

cm_point cm_map_to_page(const cm_map *m, cm_point p) {
  double cx = (m->frame.minx + m->frame.maxx) / 2;
  double cy = (m->frame.miny + m->frame.maxy) / 2;
  return (cm_point){cx + (p.x - m->centre.x) * m->scale,
                    cy - (p.y - m->centre.y) * m->scale};
}

static cm_point page_to_map(const cm_map *m, cm_point p) {
  double cx = (m->frame.minx + m->frame.maxx) / 2;
  double cy = (m->frame.miny + m->frame.maxy) / 2;
  return (cm_point){m->centre.x + (p.x - cx) / m->scale,
                    m->centre.y - (p.y - cy) / m->scale};
}

int cm_map_lonlat_to_page(const cm_map *m, double lon, double lat,
                          cm_point *page) {
  cm_point p = {lon, lat};
  pthread_mutex_lock((pthread_mutex_t *)&m->lock);
  size_t ok = cm_proj_forward(m->lonlat, &p, 1);
  pthread_mutex_unlock((pthread_mutex_t *)&m->lock);
  if (!ok || !isfinite(p.x) || !isfinite(p.y) || fabs(p.x) >= HUGE_VAL)
    return CM_EPROJ;
  *page = cm_map_to_page(m, p);
  return CM_OK;
}

int cm_map_page_to_lonlat(const cm_map *m, cm_point page, double *lon,
                          double *lat) {
  cm_point p = page_to_map(m, page);
  pthread_mutex_lock((pthread_mutex_t *)&m->lock);
  size_t ok = cm_proj_inverse(m->lonlat, &p, 1);
  pthread_mutex_unlock((pthread_mutex_t *)&m->lock);
  if (!ok || !isfinite(p.x) || !isfinite(p.y) || fabs(p.x) >= HUGE_VAL)
    return CM_EPROJ;
  *lon = p.x;
  *lat = p.y;
  return CM_OK;
}

int cm_map_feature_visible(const cm_map *m, size_t l, size_t f, cm_day d) {
  const map_layer *ml = &m->layers[l];
  return !ml->from || cm_date_in(d, ml->from[f], ml->to[f]);
}

void cm_map_feature_interval(const cm_map *m, size_t l, size_t f, cm_day *from,
                             cm_day *to) {
  const map_layer *ml = &m->layers[l];
  *from = ml->from ? ml->from[f] : CM_DAY_MIN;
  *to = ml->from ? ml->to[f] : CM_DAY_MAX;
}

void cm_map_free(cm_map *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->nlayers; i++) {
    map_layer *ml = &m->layers[i];
    if (ml->page && ml->data)
      for (size_t f = 0; f < cm_layer_count(ml->data); f++)
        cm_geom_free(&ml->page[f]);
    free(ml->page);
    free(ml->from);
    free(ml->to);
    cm_layer_free(ml->data);
  }
  free(m->layers);
  cm_proj_free(m->lonlat);
  pthread_mutex_destroy(&m->lock);
  cm_style_free(m->style);
  free(m);
}

static int compare_days(const void *a, const void *b) {
  cm_day x = *(const cm_day *)a, y = *(const cm_day *)b;
  return (x > y) - (x < y);
}

int cm_map_change_dates(const cm_map *m, cm_day **dates) {
  size_t n = 0, cap = 0;
  cm_day *out = NULL;
  for (size_t l = 0; l < m->nlayers; l++) {
    const map_layer *ml = &m->layers[l];
    if (!ml->from)
      continue;
    size_t count = cm_layer_count(ml->data);
    if (cap < n + 2 * count) {
      cap = n + 2 * count;
      cm_day *grown = realloc(out, cap * sizeof *grown);
      if (!grown)
        return free(out), CM_ENOMEM;
      out = grown;
    }
    for (size_t f = 0; f < count; f++) {
      if (ml->from[f] != CM_DAY_MIN)
        out[n++] = ml->from[f];
      if (ml->to[f] != CM_DAY_MAX)
        out[n++] = ml->to[f];
    }
  }
  if (n)
    qsort(out, n, sizeof *out, compare_days);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || out[k - 1] != out[i])
      out[k++] = out[i];
  *dates = out;
  return (int)k;
}

/* Metres on the ground per page point, east-west at page point p; 0 where
 * there is no ground. */
static double ground_per_pt(const cm_map *m, cm_point p) {
  double lon1, lat1, lon2, lat2;
  if (cm_map_page_to_lonlat(m, (cm_point){p.x - 10, p.y}, &lon1, &lat1) ||
      cm_map_page_to_lonlat(m, (cm_point){p.x + 10, p.y}, &lon2, &lat2))
    return 0;
  return cm_geodesic_distance(lon1, lat1, lon2, lat2) / 20;
}

int cm_map_scale_is_uniform(const cm_map *m) {
  cm_bbox f = m->frame;
  double x[3] = {f.minx + 10, (f.minx + f.maxx) / 2, f.maxx - 10};
  double y[3] = {f.miny + 10, (f.miny + f.maxy) / 2, f.maxy - 10};
  double centre = ground_per_pt(m, (cm_point){x[1], y[1]}), lo = centre, hi = centre;
  if (!(centre > 0))
    return 0;
  /* the edges and corners, where there is ground there (an orthographic
   * globe leaves the corners empty) */
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++) {
      double g = ground_per_pt(m, (cm_point){x[i], y[j]});
      if (g > 0) {
        lo = fmin(lo, g);
        hi = fmax(hi, g);
      }
    }
  return hi < 2 * lo;
}
