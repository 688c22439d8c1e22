#include "text_internal.h"

#include <fribidi.h>
#include <pthread.h>
#include <string.h>

/* The font map holds what is slow to find: fontconfig's sorted fallback
 * lists (with a thousand fonts installed, tens of milliseconds for each
 * font and size) and the loaded fonts. One per thread (pango's font maps
 * are not shared between threads) serves every context of every map and
 * frame drawn on it; a thread's map is freed when the thread ends. */
static pthread_key_t map_key;
static pthread_once_t map_once = PTHREAD_ONCE_INIT;
static _Thread_local PangoFontMap *thread_map;

static void drop_map(void *map) { g_object_unref(map); }
static void make_key(void) { pthread_key_create(&map_key, drop_map); }

static PangoFontMap *font_map(void) {
  if (thread_map)
    return thread_map;
  pthread_once(&map_once, make_key);
  PangoFontMap *map = pango_cairo_font_map_new();
  if (!map)
    return NULL;
  /* Sizes are in points and the page is in points: 72 units per inch. */
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
  pthread_setspecific(map_key, map);
  return thread_map = map;
}

PangoContext *cm_text_context_new(void) {
  PangoFontMap *map = font_map();
  if (!map)
    return NULL;
  PangoContext *ctx = pango_font_map_create_context(map);
  if (!ctx)
    return NULL;
  /* Unhinted metrics: a label measures the same in PNG, PDF and SVG at any
   * dpi, so placement does not depend on the output format. */
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options(ctx, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_round_glyph_positions(ctx, FALSE);
  return ctx;
}

/* The direction of the first strong character (Unicode rule P2). */
int cm_text_is_rtl(const char *text) {
  for (const char *p = text; p && *p; p = g_utf8_next_char(p)) {
    FriBidiCharType t = fribidi_get_bidi_type(g_utf8_get_char(p));
    if (FRIBIDI_IS_STRONG(t))
      return FRIBIDI_IS_RTL(t) != 0;
  }
  return 0;
}

PangoLayout *cm_text_layout(PangoContext *ctx, const char *text,
                            const cm_text_style *st) {
  PangoLayout *layout = pango_layout_new(ctx);
  PangoFontDescription *fd =
      pango_font_description_from_string(st->font ? st->font : "Noto Sans");
  pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
  if (st->bold)
    pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
  if (st->italic)
    pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
  pango_layout_set_font_description(layout, fd);
  pango_font_description_free(fd);
  pango_layout_set_auto_dir(layout, TRUE);
  pango_layout_set_text(layout, text, -1);
  if (st->wrap > 0) {
    pango_layout_set_width(layout, (int)(st->wrap * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  }
  /* Lines of a multi-line text align like the whole text. */
  PangoAlignment a = st->halign == CM_ALIGN_CENTER ? PANGO_ALIGN_CENTER
                     : st->halign == CM_ALIGN_END   ? PANGO_ALIGN_RIGHT
                                                    : PANGO_ALIGN_LEFT;
  pango_layout_set_alignment(layout, a);
  return layout;
}

cm_bbox cm_text_box(PangoLayout *layout, const char *text,
                    const cm_text_style *st, double x, double y) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, NULL, &logical);
  /* A wrapped text's lines are aligned inside the whole wrap width. */
  double w = st->wrap > 0 ? st->wrap : (double)logical.width / PANGO_SCALE;
  double h = (double)logical.height / PANGO_SCALE;
  int rtl = cm_text_is_rtl(text);
  /* START means where reading starts: the right edge for Arabic. */
  double left;
  if (st->halign == CM_ALIGN_CENTER)
    left = x - w / 2;
  else if ((st->halign == CM_ALIGN_START) != rtl)
    left = x;
  else
    left = x - w;
  double top = st->valign == CM_ALIGN_CENTER ? y - h / 2
               : st->valign == CM_ALIGN_END  ? y - h
                                             : y;
  return (cm_bbox){left, top, left + w, top + h};
}

void cm_text_size(PangoContext *ctx, const char *text,
                  const cm_text_style *st, double *w, double *h) {
  PangoLayout *layout = cm_text_layout(ctx, text, st);
  PangoRectangle logical;
  pango_layout_get_extents(layout, NULL, &logical);
  *w = (double)logical.width / PANGO_SCALE;
  *h = (double)logical.height / PANGO_SCALE;
  g_object_unref(layout);
}
