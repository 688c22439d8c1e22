/* The event key: features whose rule gives `key` are numbered on their
 * markers in the order of their dates, and listed with their date and
 * title in a band of the page the map never covers (below it, or on its
 * right), in the map's language and digits. */

#include "compose_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cm_color ink = {0.13, 0.13, 0.13, 1};
static const cm_color white = {1, 1, 1, 1};

/* How precisely the feature's date is known, from its date field. */
static cm_date_precision precision_of(const composer *c, size_t layer,
                                      size_t feature) {
  const cm_style_layer *sl = cm_map_layer_style(c->map, layer);
  const cm_layer *data = cm_map_layer_data(c->map, layer);
  int k = sl->time_start ? cm_layer_field_index(data, sl->time_start) : -1;
  cm_date_precision p = CM_DATE_DAY;
  if (k < 0 || cm_date_parse(cm_layer_value(data, feature, (size_t)k), NULL, NULL, &p))
    return CM_DATE_DAY;
  return p;
}

int cm__key_applies(const composer *c, const cm_symbolizer *s, const cm_geom *g) {
  return c->ms->key != CM_KEY_NONE && (s->set & CM_PROP_KEY) && s->key &&
         g->type == CM_GEOM_POINT && g->npoints > 0;
}

int cm__key_note(composer *c, const cm_symbolizer *s, feature_attrs *a,
                 const cm_geom *g, size_t layer, size_t feature) {
  char text[1024];
  cm_style_expand(text, sizeof text, s->key, cm__compose_attr, a, c->ms->lang,
                  c->ms->digits, c->day);
  if (cm__grow((void **)&c->key, &c->cap_key, c->nkey + 1, sizeof *c->key) != CM_OK)
    return CM_ENOMEM;
  cm_key_entry *e = &c->key[c->nkey];
  if (!(e->text = strdup(text)))
    return CM_ENOMEM;
  c->nkey++;
  e->day = a->from;
  e->precision = precision_of(c, layer, feature);
  e->layer = layer;
  e->feature = feature;
  e->at = cm__compose_place(c, g->points[0]);
  e->size = cm_length_pt(s->marker_width, c->dpi) * c->sym;
  e->type = s->marker_type;
  cm__marker_paint(c, s, &e->paint);
  return CM_OK;
}

/* Oldest first; on one day, in the order of the layers and the file. */
static int by_date(const void *x, const void *y) {
  const cm_key_entry *a = x, *b = y;
  if (a->day != b->day)
    return a->day < b->day ? -1 : 1;
  if (a->layer != b->layer)
    return a->layer < b->layer ? -1 : 1;
  return (a->feature > b->feature) - (a->feature < b->feature);
}

/* The number i (from 1) in the map's digits. */
static void number_text(const composer *c, size_t i, char *buf, size_t size) {
  char plain[32];
  snprintf(plain, sizeof plain, "%zu", i);
  cm_digits_localize(buf, size, plain, c->ms->lang, c->ms->digits);
}

/* The number of the i-th entry of this map's key: its place in the
 * figure's key (small multiples), else in this map's. */
static size_t number_of(const composer *c, size_t i) {
  const cm_key_entry *e = &c->key[i];
  for (size_t j = 0; j < c->nfigure_key; j++)
    if (c->figure_key[j].layer == e->layer && c->figure_key[j].feature == e->feature)
      return j + 1;
  return i + 1;
}

static cm_text_style number_style(const composer *c, double size) {
  cm_text_style st = {0};
  st.font = c->ms->font;
  st.size = size;
  st.bold = 1;
  st.fill = white;
  st.halign = CM_ALIGN_CENTER;
  st.valign = CM_ALIGN_CENTER;
  return st;
}

/* Markers on one place (two events in one town) are set side by side,
 * so every number shows: each moves round its place until it is clear. */
static void spread(composer *c) {
  for (size_t i = 1; i < c->nkey; i++) {
    cm_point home = c->key[i].at;
    for (int step = 0; step < 24; step++) {
      size_t j = 0;
      while (j < i && hypot(c->key[j].at.x - c->key[i].at.x,
                            c->key[j].at.y - c->key[i].at.y) >=
                          (c->key[i].size + c->key[j].size) / 2 * 0.95)
        j++;
      if (j == i)
        break;
      double r = c->key[i].size * (1 + step / 8), a = step * M_PI / 4;
      c->key[i].at = (cm_point){home.x + r * cos(a), home.y - r * sin(a)};
    }
  }
}

/* Entry i's numbered disc of diameter d at `at`, on the map (where labels
 * must then keep clear of it: take) or in the key's rows. */
static int disc(composer *c, const cm_key_entry *e, size_t i, cm_point at,
                double d, int take) {
  cm_geom g;
  int rc = cm__marker_geom(e->type, at, d, &g);
  if (rc == CM_OK && take)
    rc = cm__compose_take(c, cm_geom_bbox(&g));
  if (rc == CM_OK)
    rc = cm_scene_path_take(c->scene, &g, &e->paint);
  cm_geom_free(&g);
  char n[32];
  size_t k = number_of(c, i);
  number_text(c, k, n, sizeof n);
  cm_text_style st = number_style(c, d * (k >= 10 ? 0.5 : 0.62));
  return rc == CM_OK ? cm_scene_text(c->scene, n, at.x, at.y, &st) : rc;
}

/* Each marker with its number, white on it; labels keep clear of them. */
static int numbers(composer *c) {
  spread(c);
  int rc = cm_scene_group_begin(c->scene, "key-markers", "numbered markers", &c->frame);
  for (size_t i = 0; i < c->key_listed && rc == CM_OK; i++)
    rc = disc(c, &c->key[i], i, c->key[i].at, c->key[i].size, 1);
  return rc == CM_OK ? cm_scene_group_end(c->scene) : rc;
}

/* "14 September 2022 — Shelling of Jermuk", in the map's language. */
static void row_text(const composer *c, const cm_key_entry *e, char *buf,
                     size_t size) {
  static const char *const formats[] = {NULL, "%Y", "%B %Y", NULL};
  char date[128];
  cm_date_format(date, sizeof date, e->day, formats[e->precision], c->ms->lang,
                 c->ms->digits);
  snprintf(buf, size, e->text[0] ? "%s — %s" : "%s", date, e->text);
}

/* The key's measures: rows flow down columns across the band. */
typedef struct key_box {
  double ns, d, gap, colgap, colw, wrap;
  int cols;
} key_box;

static key_box measure(composer *c, cm_bbox band, const cm_text_style *st) {
  key_box b;
  b.ns = c->page.note_size;
  b.d = b.ns * 1.5, b.gap = b.ns * 0.5, b.colgap = b.ns * 1.5;
  double widest = 0, bw = band.maxx - band.minx;
  for (size_t i = 0; i < c->nkey; i++) {
    char text[1200];
    double w, h;
    row_text(c, &c->key[i], text, sizeof text);
    cm__text_size(c->ctx, text, st, &w, &h);
    widest = fmax(widest, w);
  }
  b.colw = fmin(b.d + b.gap + widest, bw);
  b.cols = (int)floor((bw + b.colgap) / (b.colw + b.colgap));
  b.cols = b.cols < 1 ? 1 : b.cols;
  b.colw = (bw - b.colgap * (b.cols - 1)) / b.cols;
  b.wrap = b.colw - b.d - b.gap;
  return b;
}

/* "+ 3 more" when the band is full. */
static int more(composer *c, size_t left, double x, double y, cm_text_style st) {
  char n[32], text[96];
  number_text(c, left, n, sizeof n);
  snprintf(text, sizeof text, c->rtl ? "+ %s أخرى" : "+ %s more", n);
  return cm_scene_text(c->scene, text, x, y, &st);
}

static cm_text_style row_style(const composer *c) {
  cm_text_style st = {0};
  st.font = c->ms->font;
  st.size = c->page.note_size;
  st.fill = ink;
  st.valign = CM_ALIGN_START;
  return st;
}

/* The rows of the key in band, drawn when draw is set; *listed tells how
 * many found room (the rest are counted on a last line). A search over
 * band heights passes the measures (b) and row heights it made once. */
static int listing(composer *c, cm_bbox band, int draw, size_t *listed,
                   const key_box *pre, const double *heights) {
  cm_text_style st = row_style(c);
  key_box b = pre ? *pre : measure(c, band, &st);
  st.wrap = b.wrap;
  double line = b.ns * 1.35, y = band.miny;
  int col = 0, rc = CM_OK;
  *listed = c->nkey;
  for (size_t i = 0; i < c->nkey && rc == CM_OK; i++) {
    char text[1200];
    double w, h;
    if (heights) {
      h = heights[i];
    } else {
      row_text(c, &c->key[i], text, sizeof text);
      cm__text_size(c->ctx, text, &st, &w, &h);
    }
    if (y + fmax(h, b.d) > band.maxy + 0.01 && y > band.miny) {
      y = band.miny, col++;
    }
    double cx = (col < b.cols ? col : b.cols - 1) * (b.colw + b.colgap);
    double dx = c->rtl ? band.maxx - cx - b.d / 2 : band.minx + cx + b.d / 2;
    double tx = c->rtl ? dx - b.d / 2 - b.gap : dx + b.d / 2 + b.gap;
    /* The last place left tells how many did not fit. */
    int last_place = col == b.cols - 1 && y + fmax(h, b.d) + b.ns * 0.35 + line > band.maxy;
    if (col >= b.cols || (last_place && i + 1 < c->nkey)) {
      *listed = i;
      st.halign = CM_ALIGN_START;
      return draw ? more(c, c->nkey - i, c->rtl ? band.maxx - cx : band.minx + cx,
                         col >= b.cols ? band.maxy - line : y, st)
                  : CM_OK;
    }
    if (draw) {
      st.halign = cm__text_is_rtl(text) == c->rtl ? CM_ALIGN_START : CM_ALIGN_END;
      rc = disc(c, &c->key[i], i, (cm_point){dx, y + b.d / 2}, b.d, 0);
      if (rc == CM_OK)
        rc = cm_scene_text(c->scene, text, tx, y + fmax(0, (b.d - line) / 2), &st);
    }
    y += fmax(h, b.d) + b.ns * 0.35;
  }
  return rc;
}

/* How many of the noted features a band lists. */
static size_t listed_in(composer *c, cm_bbox band) {
  size_t n = 0;
  if (!cm_bbox_is_empty(band))
    listing(c, band, 0, &n, NULL, NULL);
  return n;
}

double cm__key_height(composer *c, cm_bbox band) {
  if (c->nkey == 0 || cm_bbox_is_empty(band))
    return band.maxy - band.miny;
  qsort(c->key, c->nkey, sizeof *c->key, by_date);
  /* The band's width sets the columns and where rows wrap: measured once,
   * the least height that lists every row is then found by arithmetic. */
  cm_text_style st = row_style(c);
  key_box b = measure(c, band, &st);
  st.wrap = b.wrap;
  double *heights = malloc(c->nkey * sizeof *heights), w;
  if (!heights)
    return band.maxy - band.miny;
  for (size_t i = 0; i < c->nkey; i++) {
    char text[1200];
    row_text(c, &c->key[i], text, sizeof text);
    cm__text_size(c->ctx, text, &st, &w, &heights[i]);
  }
  size_t n;
  double lo = band.maxy - band.miny, hi = lo;
  cm_bbox t = band;
  listing(c, t, 0, &n, &b, heights);
  while (n < c->nkey && hi < c->page.height) {
    lo = hi, hi *= 1.5;
    t.maxy = band.miny + hi;
    listing(c, t, 0, &n, &b, heights);
  }
  for (int i = 0; i < 24 && hi > lo; i++) {
    t.maxy = band.miny + (lo + hi) / 2;
    listing(c, t, 0, &n, &b, heights);
    if (n < c->nkey)
      lo = (lo + hi) / 2;
    else
      hi = (lo + hi) / 2;
  }
  free(heights);
  return hi;
}

int cm__draw_key_markers(composer *c) {
  if (c->nkey == 0)
    return CM_OK;
  qsort(c->key, c->nkey, sizeof *c->key, by_date);
  c->key_listed = listed_in(c, c->page.key);
  if (c->key_listed < c->nkey) {
    char text[160];
    snprintf(text, sizeof text, "the key has room for %zu of the %zu events of the "
             "date: the rest are left off the map", c->key_listed, c->nkey);
    cm__compose_finding(c, "%s", text);
    int rc = cm_scene_add_warning(c->scene, text);
    if (rc != CM_OK)
      return rc;
  }
  return numbers(c);
}

int cm__draw_key(composer *c) {
  if (c->nkey == 0 || cm_bbox_is_empty(c->page.key))
    return CM_OK;
  size_t listed;
  int rc = cm_scene_group_begin(c->scene, "key", "key", NULL);
  if (rc == CM_OK)
    rc = listing(c, c->page.key, 1, &listed, NULL, NULL);
  return rc == CM_OK ? cm_scene_group_end(c->scene) : rc;
}

void cm__key_make_figure(composer *c) {
  if (c->nkey > 1)
    qsort(c->key, c->nkey, sizeof *c->key, by_date);
  size_t n = 0;
  for (size_t i = 0; i < c->nkey; i++) {
    /* One event shown in several panels is listed once. */
    if (n > 0 && c->key[n - 1].layer == c->key[i].layer &&
        c->key[n - 1].feature == c->key[i].feature) {
      free(c->key[i].text);
      continue;
    }
    c->key[n++] = c->key[i];
  }
  c->figure_key = c->key;
  c->nfigure_key = n;
  c->key = NULL;
  c->nkey = c->cap_key = 0;
}

/* Swap the map's key and the figure's, so the listing's code serves both. */
static void swap_figure(composer *c) {
  cm_key_entry *k = c->key;
  size_t n = c->nkey;
  c->key = c->figure_key;
  c->nkey = c->cap_key = c->nfigure_key;
  c->figure_key = k;
  c->nfigure_key = n;
}

/* Rows fill the columns of the listing in turn, as many in each; the
 * tallest column is the height. */
double cm__figure_key_height(composer *c, double width) {
  if (c->nfigure_key == 0)
    return 0;
  swap_figure(c);
  cm_bbox keep = c->page.key;
  c->page.key = (cm_bbox){0, 0, width, 0};
  cm_text_style st = row_style(c);
  key_box b = measure(c, c->page.key, &st);
  st.wrap = b.wrap;
  size_t per = (c->nkey + (size_t)b.cols - 1) / (size_t)b.cols;
  double tallest = 0, col = 0;
  for (size_t i = 0; i < c->nkey; i++) {
    char text[1200];
    double w, h;
    row_text(c, &c->key[i], text, sizeof text);
    cm__text_size(c->ctx, text, &st, &w, &h);
    col = (i % per == 0 ? 0 : col) + fmax(h, b.d) + b.ns * 0.35;
    tallest = fmax(tallest, col);
  }
  c->page.key = keep;
  swap_figure(c);
  return tallest - b.ns * 0.35 + 0.05;
}

int cm__draw_figure_key(composer *c) {
  for (size_t i = 0; i < c->nkey; i++)
    free(c->key[i].text);
  c->nkey = 0;
  swap_figure(c);
  return cm__draw_key(c);
}
