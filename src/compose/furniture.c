/* Cartographic furniture: frame, title, source line, legend, scale bar and
 * north arrow. Each piece reserves its box so labels keep clear of it; two
 * pieces in one corner stack inwards. Right-to-left maps mirror the
 * reading order (title on the right, legend swatches on the right). */

#include "compose_internal.h"
#include "controlmap/proj.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cm_color ink = {0.13, 0.13, 0.13, 1};
static const cm_color white = {1, 1, 1, 1};

static cm_geom rect_geom(double x, double y, double w, double h) {
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  cm_geom_add_point(&g, x, y);
  cm_geom_add_point(&g, x + w, y);
  cm_geom_add_point(&g, x + w, y + h);
  cm_geom_add_point(&g, x, y + h);
  return g;
}

static int add_rect(composer *c, double x, double y, double w, double h,
                    const cm_paint *p) {
  cm_geom g = rect_geom(x, y, w, h);
  int rc = cm_scene_path_take(c->scene, &g, p);
  cm_geom_free(&g);
  return rc;
}

static cm_text_style note_style(const composer *c, double size) {
  cm_text_style st = {0};
  st.font = c->ms->font;
  st.size = size;
  st.fill = ink;
  st.halign = CM_ALIGN_START;
  st.valign = CM_ALIGN_START;
  return st;
}

int cm__draw_frame(composer *c) {
  cm_paint p = {0};
  p.stroke = 1;
  p.stroke_color = (cm_color){0.25, 0.25, 0.25, 1};
  p.stroke_width = 0.6;
  cm_bbox f = c->frame;
  return add_rect(c, f.minx, f.miny, f.maxx - f.minx, f.maxy - f.miny, &p);
}

/* Title, subtitle and source line outside the frame. */
static int page_texts(composer *c) {
  const char *tmpl[3] = {c->ms->title, c->ms->subtitle, c->ms->attribution};
  double size[3] = {c->page.title_size, c->page.subtitle_size, c->page.note_size};
  double y[3] = {c->page.title_y, c->page.subtitle_y, c->page.attribution_y};
  double x = c->rtl ? c->page.width - c->page.margin : c->page.margin;
  int rc = CM_OK;
  for (int i = 0; i < 3 && rc == CM_OK; i++) {
    if (!tmpl[i])
      continue;
    char *text = cm__compose_expand(c, tmpl[i]);
    if (!text)
      return CM_ENOMEM;
    cm_text_style st = note_style(c, size[i]);
    st.bold = i == 0;
    if (i == 2)
      st.fill = (cm_color){0.3, 0.3, 0.3, 1};
    st.wrap = c->page.width - 2 * c->page.margin;
    /* START is the reading start: the right margin for Arabic text. */
    st.halign = (cm__text_is_rtl(text) == c->rtl) ? CM_ALIGN_START : CM_ALIGN_END;
    rc = cm_scene_text(c->scene, text, x, y[i], &st);
    free(text);
  }
  return rc;
}

static const cm_color legend_paper = {1, 1, 1, 1};

/* Whether two colours look the same on paper (within about 4 %). */
static int looks_like(cm_color a, cm_color b) {
  return fabs(a.r - b.r) + fabs(a.g - b.g) + fabs(a.b - b.b) < 0.12;
}

/* A swatch drawn with the very paint of its class; an area that would
 * vanish into the legend's paper (white, or hatch alone) gets a thin
 * outline so the reader sees a box, not a gap. */
static int swatch(composer *c, const cm_legend_entry *e, double x, double y,
                  double w, double h) {
  if (e->type == CM_GEOM_NONE)
    return CM_OK; /* a line of text only ("... and 12 more") */
  if (e->type == CM_GEOM_POLYGON) {
    cm_paint p = e->paint;
    int pale = !p.fill || looks_like(p.fill_color, legend_paper) || p.fill_color.a < 0.35;
    if (!p.stroke && pale) {
      p.stroke = 1;
      p.stroke_color = (cm_color){0.45, 0.45, 0.45, 1};
      p.stroke_width = 0.4;
      p.dash_count = 0;
    }
    return add_rect(c, x, y, w, h, &p);
  }
  if (e->type == CM_GEOM_LINE) {
    cm_geom g;
    cm_geom_init(&g, CM_GEOM_LINE);
    cm_geom_add_point(&g, x, y + h / 2);
    cm_geom_add_point(&g, x + w, y + h / 2);
    /* An arrow's swatch points the way of reading. */
    if (cm__is_arrow(&e->arrow) && c->rtl)
      g.points[0].x = x + w, g.points[1].x = x;
    int rc = cm__is_arrow(&e->arrow) ? cm__draw_arrow(c, &g, &e->paint, &e->arrow, 0)
                                    : cm_scene_path_take(c->scene, &g, &e->paint);
    cm_geom_free(&g);
    return rc;
  }
  cm_geom g;
  double size = fmin(e->marker_size, h);
  int rc = cm__marker_geom(e->marker_type, (cm_point){x + w / 2, y + h / 2}, size, &g);
  if (rc == CM_OK)
    rc = cm_scene_path_take(c->scene, &g, &e->marker);
  cm_geom_free(&g);
  return rc;
}

/* Classes in the order of the rules that name them; stable for equal rules
 * (one rule with a {field} legend gives several classes). */
static int by_rule(const void *a, const void *b) {
  const cm_legend_entry *x = a, *y = b;
  if (x->rule != y->rule)
    return x->rule < y->rule ? -1 : 1;
  return (x->seen > y->seen) - (x->seen < y->seen);
}

/* The most classes a legend lists; the rest are counted on one more line.
 * A legend of thousands would cover the map, and measuring every text
 * costs time. */
#define LEGEND_MAX 30

/* Keep the first LEGEND_MAX classes in rule order and say how many more
 * there are, on the map and as a warning. */
static int cap_legend(composer *c) {
  int rc = cm__legend_settle(c, LEGEND_MAX);
  if (rc != CM_OK || c->nlegend + c->legend_unlisted <= LEGEND_MAX + 1)
    return rc;
  qsort(c->legend, c->nlegend, sizeof *c->legend, by_rule);
  size_t more = c->nlegend + c->legend_unlisted - LEGEND_MAX;
  c->legend_unlisted = 0; /* counted on the last line now */
  for (size_t i = LEGEND_MAX; i < c->nlegend; i++)
    free(c->legend[i].text);
  c->nlegend = LEGEND_MAX;
  if (cm__grow((void **)&c->legend, &c->cap_legend, LEGEND_MAX + 1, sizeof *c->legend) != CM_OK)
    return CM_ENOMEM;
  c->nlegend = LEGEND_MAX + 1;
  free(c->legend_slots); /* stale now; rebuilt if an entry is added */
  c->legend_slots = NULL;
  c->nslots = 0;
  char raw[96], text[160];
  const char *lang = c->ms->lang ? c->ms->lang : "en";
  snprintf(raw, sizeof raw, strcmp(lang, "ar") ? "\u2026 and %zu more" : "\u2026 و%zu أخرى",
           more);
  cm_digits_localize(text, sizeof text, raw, lang, c->ms->digits);
  cm_legend_entry *e = &c->legend[LEGEND_MAX];
  memset(e, 0, sizeof *e);
  e->type = CM_GEOM_NONE; /* no swatch */
  e->rule = INT_MAX;
  e->seen = SIZE_MAX;
  if (!(e->text = strdup(text)))
    return CM_ENOMEM;
  snprintf(raw, sizeof raw, "the legend lists %d of its %zu classes (the "
                            "rest are counted as '%zu more')",
           LEGEND_MAX, LEGEND_MAX + more, more);
  return c->scene ? cm_scene_add_warning(c->scene, raw) : CM_OK; /* none while sizing */
}

/* The legend's measures: entries flow down c->legend_cols columns; text
 * wraps when the slot is narrower than the longest entry, and each row is
 * as tall as its tallest entry. */
#define LEGEND_ROWS 64

typedef struct legend_box {
  double ns, sw, sh, gap, pad, colw, w, h, wrap;
  double row[LEGEND_ROWS]; /* each row's height, the space after it included */
  int cols, rows;
} legend_box;

/* Height of row r (rows past the table take the tallest). */
static double row_height(const legend_box *b, int r) {
  if (r < LEGEND_ROWS)
    return b->row[r];
  double h = 0;
  for (int i = 0; i < LEGEND_ROWS; i++)
    h = fmax(h, b->row[i]);
  return h;
}

/* A corner legend lies over the map: its entries wrap at this share of
 * the frame's width, or at LEGEND_CORNER_EMS note sizes when that is more
 * (a small map keeps two-word entries on one line), so a long text makes
 * the box taller instead of covering the map from side to side. One in a
 * band has the band; the shared legend of small multiples is laid out by
 * the panels. */
#define LEGEND_CORNER_SHARE 0.45
#define LEGEND_CORNER_EMS 20

static double legend_width(const composer *c) {
  double w = cm__slot_width(c, c->ms->legend);
  if (!c->panels && cm__page_band_of(c->ms->legend) < 0)
    w = fmin(w, fmax(LEGEND_CORNER_SHARE * (c->frame.maxx - c->frame.minx),
                     LEGEND_CORNER_EMS * c->page.note_size));
  return w;
}

/* The size of entry e's text in st: measured once unwrapped, and again
 * only when st's wrap would break it. Sizing a band tries many widths. */
static void entry_size(composer *c, cm_legend_entry *e, const cm_text_style *st,
                       double ns, double *w, double *h) {
  if (e->text_ns != ns) {
    cm_text_style one_line = *st;
    one_line.wrap = 0;
    cm__text_size(c->ctx, e->text, &one_line, &e->text_w, &e->text_h);
    e->text_ns = ns;
  }
  if (st->wrap > 0 && e->text_w > st->wrap) {
    cm__text_size(c->ctx, e->text, st, w, h);
    return;
  }
  *w = e->text_w, *h = e->text_h;
}

static legend_box measure_legend(composer *c, int cols) {
  legend_box b;
  memset(&b, 0, sizeof b);
  b.ns = c->page.note_size;
  b.sw = b.ns * 2.2, b.sh = b.ns * 1.3, b.gap = b.ns * 0.6;
  b.pad = b.ns * 0.6;
  b.cols = cols < 1 ? 1 : cols;
  b.rows = (int)((c->nlegend + (size_t)b.cols - 1) / (size_t)b.cols);
  cm_text_style st = note_style(c, b.ns);
  /* The room a column's text has: as its band was sized, or its slot's
   * (a corner legend's at under half the frame's width). */
  double room = c->legend_room > 0 ? c->legend_room
                                   : legend_width(c) - 2 * b.pad - b.sw - b.gap;
  double tw = 0;
  for (int pass = 0; pass < 2; pass++) {
    tw = 0;
    memset(b.row, 0, sizeof b.row);
    for (size_t i = 0; i < c->nlegend; i++) {
      double w, h;
      entry_size(c, &c->legend[i], &st, b.ns, &w, &h);
      tw = fmax(tw, w);
      int r = (int)(i % (size_t)b.rows);
      if (r < LEGEND_ROWS)
        b.row[r] = fmax(b.row[r], fmax(b.sh, h) + b.ns * 0.45);
    }
    if ((cols > 1 && !(c->legend_room > 0)) || tw <= room || room < b.ns * 4)
      break;
    st.wrap = b.wrap = room; /* too wide for its slot: wrap, then measure again */
  }
  b.colw = b.sw + b.gap + tw;
  b.w = b.pad * 2 + b.colw * b.cols + b.ns * 1.5 * (b.cols - 1);
  b.h = b.pad * 2 - b.ns * 0.45;
  for (int r = 0; r < b.rows; r++)
    b.h += row_height(&b, r);
  return b;
}

/* The room a column's text has in a band w wide holding cols columns. */
static double column_room(const composer *c, double w, int cols) {
  double ns = c->page.note_size; /* as measure_legend lays it out */
  return (w - 2 * ns * 0.6 - ns * 1.5 * (cols - 1)) / cols - ns * 2.2 - ns * 0.6;
}

/* Whether the legend in cols columns of a band w wide stands in it, at
 * most height high. */
static int stands_in(composer *c, double w, int cols, double height) {
  c->legend_room = column_room(c, w, cols);
  legend_box b = measure_legend(c, cols);
  return b.h <= height && b.w <= w + 0.01;
}

double cm__legend_fit_side(composer *c, double width, double height) {
  if (c->ms->legend == CM_CORNER_NONE || cap_legend(c) || c->nlegend == 0)
    return 0;
  c->legend_cols = 1;
  if (stands_in(c, width, 1, height))
    return measure_legend(c, 1).w;
  /* The narrowest band that holds it, in one to four columns: a wider
   * band wraps less, so its legend is shorter. */
  c->legend_room = 0;
  double best = INFINITY, natural = measure_legend(c, 4).w; /* unwrapped */
  int best_cols = 4;
  for (int cols = 1; cols <= 4; cols++) {
    c->legend_room = 0; /* unwrapped: as wide as a band of cols need be */
    double hi = fmax(width, natural * cols / 4 + c->page.note_size * 20);
    if (!stands_in(c, hi, cols, height))
      continue;
    double lo = width;
    for (int i = 0; i < 10; i++)
      if (stands_in(c, (lo + hi) / 2, cols, height))
        hi = (lo + hi) / 2;
      else
        lo = (lo + hi) / 2;
    if (hi < best)
      best = hi, best_cols = cols;
  }
  c->legend_cols = best_cols;
  c->legend_room = column_room(c, isfinite(best) ? best : width, best_cols);
  return measure_legend(c, best_cols).w;
}

double cm__legend_height(composer *c, double width) {
  if (c->ms->legend == CM_CORNER_NONE || cap_legend(c) || c->nlegend == 0)
    return 0;
  c->legend_cols = 1;
  for (int k = (int)c->nlegend; k > 1; k--)
    if (measure_legend(c, k).w <= width) {
      c->legend_cols = k;
      break;
    }
  return measure_legend(c, c->legend_cols).h;
}

static int legend(composer *c) {
  if (c->ms->legend == CM_CORNER_NONE)
    return CM_OK;
  int rc = cap_legend(c);
  if (rc != CM_OK || c->nlegend == 0)
    return rc;
  qsort(c->legend, c->nlegend, sizeof *c->legend, by_rule);
  legend_box b = measure_legend(c, c->legend_cols);
  cm_text_style st = note_style(c, b.ns);
  st.wrap = b.wrap;
  cm_point o = cm__corner_box(c, c->ms->legend, b.w, b.h, "legend");
  cm__audit_legend(c);
  cm_paint bg = {0};
  bg.fill = 1;
  bg.fill_color = legend_paper; /* opaque: nothing shows through a legend */
  bg.stroke = 1;
  bg.stroke_color = (cm_color){0.55, 0.55, 0.55, 1};
  bg.stroke_width = 0.4;
  rc = cm_scene_group_begin(c->scene, "legend", "legend", NULL);
  if (rc == CM_OK)
    rc = add_rect(c, o.x, o.y, b.w, b.h, &bg);
  double top = 0; /* of row r, below the legend's top edge */
  for (size_t i = 0; rc == CM_OK && i < c->nlegend; i++) {
    int col = (int)i / b.rows, r = (int)i % b.rows;
    if (r == 0)
      top = 0;
    double y = o.y + b.pad + top + (row_height(&b, r) - b.ns * 0.45 - b.sh) / 2;
    top += row_height(&b, r);
    double cx = col * (b.colw + b.ns * 1.5);
    /* Mirrored for right-to-left: columns and swatches from the right. */
    double sx = c->rtl ? o.x + b.w - b.pad - cx - b.sw : o.x + b.pad + cx;
    double tx = c->rtl ? sx - b.gap : sx + b.sw + b.gap;
    rc = swatch(c, &c->legend[i], sx, y, b.sw, b.sh);
    st.valign = CM_ALIGN_CENTER;
    st.halign = cm__text_is_rtl(c->legend[i].text) == c->rtl ? CM_ALIGN_START : CM_ALIGN_END;
    if (rc == CM_OK)
      rc = cm_scene_text(c->scene, c->legend[i].text, tx, y + b.sh / 2, &st);
  }
  if (rc == CM_OK)
    rc = cm_scene_group_end(c->scene);
  return rc == CM_OK ? cm__compose_take(c, (cm_bbox){o.x, o.y, o.x + b.w, o.y + b.h}) : rc;
}

/* Metres on the ground per page point, east-west at page point p. */
static double metres_per_pt(const composer *c, cm_point p) {
  double d = 10, lon1, lat1, lon2, lat2;
  if (cm_map_page_to_lonlat(c->map, (cm_point){p.x - d, p.y}, &lon1, &lat1) ||
      cm_map_page_to_lonlat(c->map, (cm_point){p.x + d, p.y}, &lon2, &lat2))
    return 0;
  return cm_geodesic_distance(lon1, lat1, lon2, lat2) / (2 * d);
}

/* The largest 1, 2 or 5 x 10^n not above x. */
static double round_length(double x) {
  double p = pow(10, floor(log10(x)));
  double m = x / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}

static const char *km_word(const char *lang) {
  if (!lang) return "km";
  if (!strcmp(lang, "ar")) return "كم";
  if (!strcmp(lang, "hy")) return "կմ";
  if (!strcmp(lang, "ru")) return "км";
  return "km";
}

/* Where the scale is true, when it varies across the frame by over 2 %. */
static void true_at(const composer *c, cm_point centre, double mpp, char *buf,
                    size_t size) {
  cm_bbox f = cm_map_frame(c->map);
  double worst = 0;
  cm_point probe[4] = {{centre.x, f.miny + 10}, {centre.x, f.maxy - 10},
                       {f.minx + 10, centre.y}, {f.maxx - 10, centre.y}};
  for (int i = 0; i < 4; i++) {
    double m = metres_per_pt(c, probe[i]);
    if (m > 0)
      worst = fmax(worst, fabs(m / mpp - 1));
  }
  buf[0] = '\0';
  double lon, lat;
  if (worst <= 0.02 || cm_map_page_to_lonlat(c->map, centre, &lon, &lat))
    return;
  char raw[64];
  const char *lang = c->ms->lang ? c->ms->lang : "en";
  if (!strcmp(lang, "ar"))
    snprintf(raw, sizeof raw, " (عند خط العرض %.1f°)", lat);
  else
    snprintf(raw, sizeof raw, " (true at %.1f°%s)", fabs(lat), lat >= 0 ? "N" : "S");
  cm_digits_localize(buf, size, raw, lang, c->ms->digits);
}

static int scale_bar(composer *c) {
  if (c->ms->scale_bar == CM_CORNER_NONE || !cm_map_scale_is_uniform(c->map))
    return CM_OK; /* none asked for, or none could be true */
  /* Measured on the map's own page, where the projection lives; a panel
   * shows it smaller by c->k. */
  cm_bbox mf = cm_map_frame(c->map);
  cm_point centre = {(mf.minx + mf.maxx) / 2, (mf.miny + mf.maxy) / 2};
  double mpp = metres_per_pt(c, centre) / c->k;
  if (!(mpp > 0))
    return CM_OK; /* no ground distance here (a projection edge) */
  cm_bbox f = c->frame;
  double metres = round_length((f.maxx - f.minx) / 5 * mpp);
  double len = metres / mpp, ns = c->page.note_size, bar = ns * 0.45;
  char raw[64], label[160], where[128];
  if (metres >= 1000)
    snprintf(raw, sizeof raw, "%g %s", metres / 1000, km_word(c->ms->lang));
  else
    snprintf(raw, sizeof raw, "%g m", metres);
  cm_digits_localize(label, sizeof label, raw, c->ms->lang, c->ms->digits);
  true_at(c, centre, mpp * c->k, where, sizeof where);
  strncat(label, where, sizeof label - strlen(label) - 1);
  cm_text_style st = note_style(c, ns);
  double tw, th;
  cm__text_size(c->ctx, label, &st, &tw, &th);
  double w = fmax(len, tw), h = th + ns * 0.3 + bar;
  cm_point o = cm__corner_box(c, c->ms->scale_bar, w, h, "scale bar");
  double bx = o.x + (w - len) / 2, by = o.y + th + ns * 0.3;
  int rc = cm_scene_group_begin(c->scene, "scale-bar", "scale bar", NULL);
  cm_paint p = {0};
  p.fill = 1;
  p.stroke = 1;
  p.stroke_width = 0.5;
  p.stroke_color = ink;
  for (int i = 0; i < 4 && rc == CM_OK; i++) {
    p.fill_color = i % 2 ? white : ink;
    rc = add_rect(c, bx + len * i / 4, by, len / 4, bar, &p);
  }
  st.halign = CM_ALIGN_CENTER;
  st.halo = white;
  st.halo_radius = ns * 0.15;
  if (rc == CM_OK)
    rc = cm_scene_text(c->scene, label, o.x + w / 2, o.y, &st);
  if (rc == CM_OK)
    rc = cm_scene_group_end(c->scene);
  return rc == CM_OK ? cm__compose_take(c, (cm_bbox){o.x, o.y, o.x + w, o.y + h}) : rc;
}

/* The arrow points to true north where it stands: the page direction of a
 * small step north from its position (meridians converge off the central
 * one in most projections). */
static int north_arrow(composer *c) {
  if (c->ms->north_arrow == CM_CORNER_NONE)
    return CM_OK;
  double ns = c->page.note_size, h = ns * 3.2, w = ns * 1.8;
  cm_point o = cm__corner_box(c, c->ms->north_arrow, w, h, "north arrow");
  cm_point mid = {o.x + w / 2, o.y + h * 0.62};
  double lon, lat, angle = 0;
  cm_point up;
  cm_point at = cm__compose_unplace(c, mid); /* on the map's own page */
  if (!cm_map_page_to_lonlat(c->map, at, &lon, &lat) &&
      !cm_map_lonlat_to_page(c->map, lon, lat + 0.05, &up))
    angle = atan2(up.x - at.x, -(up.y - at.y)); /* clockwise from page up */
  double r = h * 0.34, ca = cos(angle), sa = sin(angle);
  cm_point tip = {0, -r}, left = {-r * 0.45, r * 0.75}, notch = {0, r * 0.35},
           right = {r * 0.45, r * 0.75};
  cm_point pts[4] = {tip, right, notch, left};
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  for (int i = 0; i < 4; i++)
    cm_geom_add_point(&g, mid.x + pts[i].x * ca - pts[i].y * sa,
                      mid.y + pts[i].x * sa + pts[i].y * ca);
  cm_paint p = {0};
  p.fill = 1;
  p.fill_color = ink;
  p.stroke = 1;
  p.stroke_color = white;
  p.stroke_width = 0.5;
  p.join = CM_JOIN_ROUND;
  int rc = cm_scene_group_begin(c->scene, "north-arrow", "north arrow", NULL);
  if (rc == CM_OK)
    rc = cm_scene_path_take(c->scene, &g, &p);
  cm_geom_free(&g);
  cm_text_style st = note_style(c, ns * 1.05);
  st.bold = 1;
  st.halign = CM_ALIGN_CENTER;
  st.valign = CM_ALIGN_END;
  st.halo = white;
  st.halo_radius = ns * 0.15;
  const char *n = c->rtl ? "ش" : "N";
  if (rc == CM_OK)
    rc = cm_scene_text(c->scene, n, mid.x + sin(angle) * r * 1.05,
                       mid.y - cos(angle) * r * 1.05, &st);
  if (rc == CM_OK)
    rc = cm_scene_group_end(c->scene);
  return rc == CM_OK ? cm__compose_take(c, (cm_bbox){o.x, o.y, o.x + w, o.y + h}) : rc;
}

/* The pieces set in a slot of their own first, in a fixed order; then
 * those placed automatically, the largest first, each avoiding what is
 * there already. */
int cm__draw_furniture(composer *c) {
  typedef int (*piece_fn)(composer *);
  const cm_map_settings *ms = c->ms;
  piece_fn fixed[4] = {north_arrow, scale_bar, legend, cm__draw_inset};
  cm_corner fixed_slot[4] = {ms->north_arrow, ms->scale_bar, ms->legend, ms->inset};
  piece_fn later[4] = {legend, cm__draw_inset, scale_bar, north_arrow};
  cm_corner later_slot[4] = {ms->legend, ms->inset, ms->scale_bar, ms->north_arrow};
  int rc = cm_scene_group_begin(c->scene, "furniture", "furniture", NULL);
  if (rc == CM_OK)
    rc = page_texts(c);
  for (int i = 0; i < 4 && rc == CM_OK; i++)
    if (fixed_slot[i] != CM_CORNER_AUTO)
      rc = fixed[i](c);
  for (int i = 0; i < 4 && rc == CM_OK; i++)
    if (later_slot[i] == CM_CORNER_AUTO)
      rc = later[i](c);
  return rc == CM_OK ? cm_scene_group_end(c->scene) : rc;
}
