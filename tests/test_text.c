/* Text is set on font maps that hold only the faces of the families the
 * maps name, because fontconfig's matching over every installed face is a
 * third of a render. What a reader sees must not change: every text here
 * is set, and drawn, with the same faces, glyphs and positions as on a
 * font map of all installed fonts, whether it fits the chosen faces
 * (Latin and Cyrillic in Noto Sans, Arabic in Noto Naskh Arabic) or needs
 * a face of another family (Armenian, Georgian), which the chosen map
 * does not hold. */

#include "text_internal.h"

#include <pango/pangofc-font.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* A context on all installed fonts, set up as the library sets its own. */
static PangoContext *all_fonts(void) {
  PangoFontMap *map = pango_cairo_font_map_new();
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
  PangoContext *ctx = cm__text_context_on(map);
  g_object_unref(map);
  return ctx;
}

/* What a layout sets: its extents, and for each run the font file and
 * the glyphs with their widths and offsets. */
static void describe(PangoLayout *layout, GString *out) {
  PangoRectangle ink, logical;
  pango_layout_get_extents(layout, &ink, &logical);
  g_string_append_printf(out, "ink %d %d %d %d logical %d %d %d %d\n", ink.x,
                         ink.y, ink.width, ink.height, logical.x, logical.y,
                         logical.width, logical.height);
  PangoLayoutIter *it = pango_layout_get_iter(layout);
  do {
    PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
    if (!run)
      continue;
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(run->item->analysis.font));
    FcChar8 *file = NULL;
    FcPatternGetString(pat, FC_FILE, 0, &file);
    g_string_append_printf(out, "run %s:", file ? (const char *)file : "?");
    for (int g = 0; g < run->glyphs->num_glyphs; g++) {
      PangoGlyphInfo *gi = &run->glyphs->glyphs[g];
      g_string_append_printf(out, " %u/%d/%d/%d", gi->glyph, gi->geometry.width,
                             gi->geometry.x_offset, gi->geometry.y_offset);
    }
    g_string_append_c(out, '\n');
  } while (pango_layout_iter_next_run(it));
  pango_layout_iter_free(it);
}

/* How many families the font map a layout was set on holds. */
static int families_of(PangoLayout *layout) {
  int n = 0;
  PangoContext *ctx = pango_layout_get_context(layout);
  pango_font_map_list_families(pango_context_get_font_map(ctx), NULL, &n);
  return n;
}

typedef struct {
  const char *text;
  const char *font;
  int bold, italic;
  double size;
  int chosen; /* expected on the map of chosen faces */
} text_case;

static const text_case cases[] = {
    {"Nagorno-Karabakh: control of the ground", "Noto Sans", 1, 0, 14, 1},
    {"Stepanakert 45°30′E 10 Nov 2020 — Shusha", "Noto Sans", 0, 0, 7, 1},
    {"Xankəndi, Ağdam, Füzuli", "Noto Sans", 0, 1, 9, 1},
    {"Степанакерт", "Noto Sans", 0, 0, 8, 1},
    {"Ստեփանակերտ", "Noto Sans", 1, 0, 8, 0},
    {"first line\nsecond line", "Noto Sans", 0, 0, 6, 1},
    {"ناغورنو كاراباخ", "Noto Naskh Arabic", 0, 0, 10, 1},
    {"كاراباخ ١٩٩٤", "Noto Naskh Arabic", 1, 0, 12, 1},
    /* not in the chosen faces: set on all fonts */
    {"ناغورنو كاراباخ", "Noto Sans", 0, 0, 10, 0},
    {"Tbilisi თბილისი", "Noto Sans", 0, 0, 8, 0},
    {"Noto Serif text", "Noto Serif", 0, 0, 8, 0},
};

static PangoLayout *set(PangoContext *ctx, const text_case *c, int chosen_map) {
  cm_text_style st = {0};
  st.font = c->font;
  st.size = c->size;
  st.bold = c->bold;
  st.italic = c->italic;
  if (chosen_map)
    return cm__text_layout(ctx, c->text, &st);
  PangoLayout *layout = pango_layout_new(ctx);
  PangoFontDescription *fd = pango_font_description_from_string(c->font);
  pango_font_description_set_absolute_size(fd, c->size * PANGO_SCALE);
  if (c->bold)
    pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
  if (c->italic)
    pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
  pango_layout_set_font_description(layout, fd);
  pango_font_description_free(fd);
  pango_layout_set_auto_dir(layout, TRUE);
  pango_layout_set_text(layout, c->text, -1);
  pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
  return layout;
}

static void want_map_fonts(void) {
  cm__text_want_font("Noto Sans");
  cm__text_want_font("Noto Naskh Arabic");
}

static void same_fonts_as_all_installed(void **state) {
  (void)state;
  want_map_fonts();
  PangoContext *chosen = cm__text_context_new();
  PangoContext *all = all_fonts();
  assert_non_null(chosen);
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    PangoLayout *a = set(chosen, &cases[i], 1);
    PangoLayout *b = set(all, &cases[i], 0);
    GString *da = g_string_new(""), *db = g_string_new("");
    describe(a, da);
    describe(b, db);
    if (strcmp(da->str, db->str))
      fail_msg("\"%s\" in %s is set differently:\n%s\nall fonts:\n%s",
               cases[i].text, cases[i].font, da->str, db->str);
    /* The chosen map holds two families (and pango's four generic
     * names); all installed fonts are many more. */
    int n = families_of(a);
    if (cases[i].chosen && n > 6)
      fail_msg("\"%s\" was set on all %d families, not the chosen faces",
               cases[i].text, n);
    if (!cases[i].chosen && n <= 6)
      fail_msg("\"%s\" was set on the chosen faces (%d families), which lack it",
               cases[i].text, n);
    g_string_free(da, TRUE);
    g_string_free(db, TRUE);
    g_object_unref(a);
    g_object_unref(b);
  }
  g_object_unref(all);
  g_object_unref(chosen);
}

/* The pixels of text drawn at the raster's scale (358 dpi over 72). */
static cairo_surface_t *drawn(PangoContext *ctx, const text_case *c, int chosen_map) {
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 900, 160);
  cairo_t *cr = cairo_create(s);
  cairo_scale(cr, 358.0 / 72, 358.0 / 72);
  if (chosen_map)
    cm__text_context_update(ctx, cr);
  else
    pango_cairo_update_context(cr, ctx);
  PangoLayout *layout = set(ctx, c, chosen_map);
  cairo_move_to(cr, 2, 2);
  pango_cairo_show_layout(cr, layout);
  g_object_unref(layout);
  cairo_destroy(cr);
  cairo_surface_flush(s);
  return s;
}

static void same_pixels_as_all_installed(void **state) {
  (void)state;
  want_map_fonts();
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    PangoContext *chosen = cm__text_context_new();
    PangoContext *all = all_fonts();
    cairo_surface_t *a = drawn(chosen, &cases[i], 1);
    cairo_surface_t *b = drawn(all, &cases[i], 0);
    size_t bytes = (size_t)cairo_image_surface_get_stride(a) * 160;
    const unsigned char *pa = cairo_image_surface_get_data(a);
    const unsigned char *pb = cairo_image_surface_get_data(b);
    size_t inked = 0;
    for (size_t k = 0; k < bytes; k++)
      inked += pb[k] != 0;
    assert_true(inked > 100); /* the text was drawn at all */
    if (memcmp(pa, pb, bytes))
      fail_msg("\"%s\" in %s is drawn differently", cases[i].text, cases[i].font);
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    g_object_unref(all);
    g_object_unref(chosen);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_fonts_as_all_installed),
      cmocka_unit_test(same_pixels_as_all_installed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
