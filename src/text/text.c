#include "text_internal.h"

#include <fontconfig/fontconfig.h>
#include <fribidi.h>
#include <pango/pangofc-fontmap.h>
#include <stdio.h>
#include <pthread.h>
#include <string.h>

/* Font maps.
 *
 * Pango resolves each font description (family, size, weight, language)
 * by having fontconfig match and sort every installed face: with the two
 * thousand faces of a full Noto installation, some 30 M instructions for
 * each of the twenty descriptions a map uses. So text is set on a font
 * map whose fontconfig configuration holds only the faces of the families
 * the maps name (read from the same configuration files, so with the
 * same substitutions and rendering options). It gives the fonts the full
 * set gives when
 *   - no pattern has a property that fontconfig ranks above the family
 *     (file, format, variable, scalable, colour, foundry, charset), so the
 *     faces of a strongly bound family rank above all others;
 *   - every strongly bound family is one whose faces are all in the set;
 *   - every character of the text is in a face of the text's families:
 *     the best match, and for each character the first face of the sorted
 *     list that has it, are then such faces, and the set keeps the full
 *     list's order.
 * A text for which this does not hold is set on a font map of all fonts.
 *
 * Font maps are not shared between threads: each thread has its own,
 * made on first use and freed when the thread ends; the configuration
 * and what the set covers are shared. */

enum { MAX_FAMILIES = 32, FAMILY_CAP = 128 };

/* The faces of some families: a configuration and what it covers. */
typedef struct font_choice {
  int refs;
  FcConfig *config;
  size_t n;
  char family[MAX_FAMILIES][FAMILY_CAP];
  FcCharSet *cover[MAX_FAMILIES]; /* the characters of each family's faces */
  int unsafe; /* a pattern broke the conditions above: use all fonts */
} font_choice;

static pthread_mutex_t fonts_lock = PTHREAD_MUTEX_INITIALIZER;
static char wanted[MAX_FAMILIES][FAMILY_CAP]; /* families the maps name */
static size_t nwanted;
static unsigned wanted_version;
static font_choice *current;  /* for wanted_version */
static unsigned current_version;

static font_choice *choice_ref(font_choice *c) {
  g_atomic_int_inc(&c->refs);
  return c;
}

static void choice_unref(void *data) {
  font_choice *c = data;
  if (!c || !g_atomic_int_dec_and_test(&c->refs))
    return;
  for (size_t i = 0; i < c->n; i++)
    if (c->cover[i])
      FcCharSetDestroy(c->cover[i]);
  if (c->config)
    FcConfigDestroy(c->config);
  g_free(c);
}

/* Family names compare as fontconfig compares them: ignoring case and
 * spaces. */
static int same_family(const char *a, const char *b) {
  for (;;) {
    while (*a == ' ')
      a++;
    while (*b == ' ')
      b++;
    if (g_ascii_tolower(*a) != g_ascii_tolower(*b))
      return 0;
    if (!*a)
      return 1;
    a++, b++;
  }
}

static int family_index(const font_choice *c, const char *family) {
  for (size_t i = 0; i < c->n; i++)
    if (same_family(c->family[i], family))
      return (int)i;
  return -1;
}

/* Whether font has a family that is family i of c. */
static int font_in_family(FcPattern *font, const font_choice *c, size_t i) {
  FcChar8 *name;
  for (int k = 0; FcPatternGetString(font, FC_FAMILY, k, &name) == FcResultMatch; k++)
    if (same_family((const char *)name, c->family[i]))
      return 1;
  return 0;
}

static void xml_escaped(GString *out, const char *s) {
  for (; *s; s++)
    switch (*s) {
    case '&': g_string_append(out, "&amp;"); break;
    case '<': g_string_append(out, "&lt;"); break;
    case '>': g_string_append(out, "&gt;"); break;
    default: g_string_append_c(out, *s);
    }
}

/* A rule that rejects every face but those with a family name of c,
 * spelled as the installed faces spell it (fontconfig's font selection
 * compares names ignoring case but not spaces). */
static GString *selection(const font_choice *c) {
  GString *xml = g_string_new("<?xml version=\"1.0\"?><fontconfig><selectfont>"
                              "<rejectfont><pattern/></rejectfont>");
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  FcFontSet *all = FcConfigGetFonts(NULL, FcSetSystem);
  for (int f = 0; all && f < all->nfont; f++) {
    FcPattern *font = all->fonts[f];
    FcChar8 *name;
    for (int k = 0; FcPatternGetString(font, FC_FAMILY, k, &name) == FcResultMatch; k++)
      if (family_index(c, (const char *)name) >= 0 &&
          g_hash_table_add(seen, name)) {
        g_string_append(xml, "<acceptfont><pattern><patelt name=\"family\"><string>");
        xml_escaped(xml, (const char *)name);
        g_string_append(xml, "</string></patelt></pattern></acceptfont>");
      }
  }
  g_hash_table_destroy(seen);
  g_string_append(xml, "</selectfont></fontconfig>");
  return xml;
}

/* The configuration of the system with only the faces of c's families. */
static FcConfig *config_of(const font_choice *c) {
  GString *xml = selection(c);
  FcConfig *config = FcInitLoadConfig();
  int ok = config &&
           FcConfigParseAndLoadFromMemory(config, (const FcChar8 *)xml->str, FcFalse) &&
           FcConfigBuildFonts(config);
  g_string_free(xml, TRUE);
  if (!ok && config) {
    FcConfigDestroy(config);
    config = NULL;
  }
  return config;
}

static void cover_families(font_choice *c) {
  FcFontSet *set = FcConfigGetFonts(c->config, FcSetSystem);
  for (size_t i = 0; i < c->n; i++) {
    c->cover[i] = FcCharSetCreate();
    for (int f = 0; set && c->cover[i] && f < set->nfont; f++) {
      FcCharSet *cs;
      if (font_in_family(set->fonts[f], c, i) &&
          FcPatternGetCharSet(set->fonts[f], FC_CHARSET, 0, &cs) == FcResultMatch)
        FcCharSetMerge(c->cover[i], cs, NULL);
    }
  }
}

/* The choice for the families wanted now, made when they changed; NULL
 * when fontconfig cannot make it. Caller unrefs. */
static font_choice *current_choice(void) {
  pthread_mutex_lock(&fonts_lock);
  if (!current || current_version != wanted_version) {
    font_choice *c = g_new0(font_choice, 1);
    c->refs = 1;
    c->n = nwanted;
    memcpy(c->family, wanted, sizeof wanted);
    c->config = config_of(c);
    if (c->config)
      cover_families(c);
    choice_unref(current);
    current = c->config ? c : NULL;
    if (!c->config)
      choice_unref(c);
    current_version = wanted_version;
  }
  font_choice *c = current ? choice_ref(current) : NULL;
  pthread_mutex_unlock(&fonts_lock);
  return c;
}

void cm__text_want_font(const char *font) {
  PangoFontDescription *fd =
      pango_font_description_from_string(font ? font : "Noto Sans");
  const char *families = pango_font_description_get_family(fd);
  gchar **names = g_strsplit(families ? families : "", ",", -1);
  pthread_mutex_lock(&fonts_lock);
  for (gchar **n = names; *n; n++) {
    const char *name = g_strstrip(*n);
    int known = !*name || strlen(name) >= FAMILY_CAP;
    for (size_t i = 0; i < nwanted && !known; i++)
      known = same_family(wanted[i], name);
    if (!known && nwanted < MAX_FAMILIES) {
      snprintf(wanted[nwanted++], FAMILY_CAP, "%s", name);
      wanted_version++;
    }
  }
  pthread_mutex_unlock(&fonts_lock);
  g_strfreev(names);
  pango_font_description_free(fd);
}

/* Called by pango for every pattern it makes on a map of chosen faces,
 * after fontconfig's substitutions: whether it keeps to the conditions. */
static void check_pattern(FcPattern *pattern, gpointer data) {
  font_choice *c = data;
  static const char *const above_family[] = {FC_FILE, FC_FONTFORMAT, FC_SCALABLE,
                                             FC_COLOR, FC_FOUNDRY, FC_CHARSET};
  FcValue v;
  int ok = 1;
  for (size_t i = 0; i < G_N_ELEMENTS(above_family); i++)
    if (FcPatternGet(pattern, above_family[i], 0, &v) == FcResultMatch)
      ok = 0;
  /* Pango asks for any face, variable or not; anything else ranks faces
   * on it before the family. */
  if (FcPatternGet(pattern, FC_VARIABLE, 0, &v) != FcResultMatch ||
      v.type != FcTypeBool || v.u.b != FcDontCare)
    ok = 0;
  FcPatternIter it;
  FcPatternIterStart(pattern, &it);
  if (FcPatternFindIter(pattern, &it, FC_FAMILY))
    for (int k = 0; k < FcPatternIterValueCount(pattern, &it); k++) {
      FcValueBinding binding;
      if (FcPatternIterGetValue(pattern, &it, k, &v, &binding) == FcResultMatch &&
          binding != FcValueBindingWeak &&
          (v.type != FcTypeString || family_index(c, (const char *)v.u.s) < 0))
        ok = 0;
    }
  if (!ok)
    g_atomic_int_set(&c->unsafe, 1);
}

static PangoFontMap *new_map(font_choice *c) {
  PangoFontMap *map = pango_cairo_font_map_new();
  if (!map)
    return NULL;
  if (c && PANGO_IS_FC_FONT_MAP(map)) {
    PangoFcFontMap *fc = PANGO_FC_FONT_MAP(map);
    pango_fc_font_map_set_config(fc, c->config);
    pango_fc_font_map_set_default_substitute(fc, check_pattern, choice_ref(c),
                                             choice_unref);
    g_object_set_data_full(G_OBJECT(map), "cm-choice", choice_ref(c), choice_unref);
  }
  /* Sizes are in points and the page is in points: 72 units per inch. */
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);
  return map;
}

typedef struct thread_maps {
  PangoFontMap *chosen; /* on the faces of the families wanted */
  unsigned version;     /* of the families it was made for */
  PangoFontMap *all;    /* on every installed face, made when needed */
} thread_maps;

static pthread_key_t maps_key;
static pthread_once_t maps_once = PTHREAD_ONCE_INIT;
static _Thread_local thread_maps *maps;

static void drop_maps(void *data) {
  thread_maps *m = data;
  if (m->chosen)
    g_object_unref(m->chosen);
  if (m->all)
    g_object_unref(m->all);
  g_free(m);
}

static void make_key(void) { pthread_key_create(&maps_key, drop_maps); }

static thread_maps *thread_state(void) {
  if (!maps) {
    pthread_once(&maps_once, make_key);
    maps = g_new0(thread_maps, 1);
    pthread_setspecific(maps_key, maps);
  }
  return maps;
}

static PangoFontMap *all_fonts_map(void) {
  thread_maps *m = thread_state();
  if (!m->all)
    m->all = new_map(NULL);
  return m->all;
}

/* The thread's map of chosen faces, made again when more families are
 * wanted (contexts keep the map they were made on). */
static PangoFontMap *chosen_map(void) {
  thread_maps *m = thread_state();
  pthread_mutex_lock(&fonts_lock);
  unsigned version = wanted_version;
  pthread_mutex_unlock(&fonts_lock);
  if (m->chosen && m->version == version)
    return m->chosen;
  font_choice *c = current_choice();
  if (!c)
    return all_fonts_map();
  if (m->chosen)
    g_object_unref(m->chosen);
  m->chosen = new_map(c);
  m->version = version;
  choice_unref(c);
  return m->chosen ? m->chosen : all_fonts_map();
}

PangoContext *cm__text_context_on(PangoFontMap *map) {
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

PangoContext *cm__text_context_new(void) {
  return cm__text_context_on(chosen_map());
}

/* ctx's twin on all fonts, made on first use and set to the same cairo
 * target; NULL when ctx is itself on all fonts. */
static PangoContext *twin(PangoContext *ctx) {
  if (!g_object_get_data(G_OBJECT(pango_context_get_font_map(ctx)), "cm-choice"))
    return NULL;
  PangoContext *all = g_object_get_data(G_OBJECT(ctx), "cm-all");
  if (all)
    return all;
  all = cm__text_context_on(all_fonts_map());
  if (!all)
    return NULL;
  cairo_t *cr = g_object_get_data(G_OBJECT(ctx), "cm-cairo");
  if (cr)
    pango_cairo_update_context(cr, all);
  g_object_set_data_full(G_OBJECT(ctx), "cm-all", all, g_object_unref);
  return all;
}

void cm__text_context_update(PangoContext *ctx, cairo_t *cr) {
  pango_cairo_update_context(cr, ctx);
  g_object_set_data(G_OBJECT(ctx), "cm-cairo", cr);
  PangoContext *all = g_object_get_data(G_OBJECT(ctx), "cm-all");
  if (all)
    pango_cairo_update_context(cr, all);
}

/* Whether every character of text is in a face of one of families. */
static int covered(const font_choice *c, const char *families, const char *text) {
  int idx[MAX_FAMILIES];
  size_t n = 0;
  gchar **names = g_strsplit(families ? families : "", ",", -1);
  int ok = 1;
  for (gchar **name = names; *name && ok; name++) {
    int i = family_index(c, g_strstrip(*name));
    if (i < 0 || n == MAX_FAMILIES)
      ok = 0;
    else
      idx[n++] = i;
  }
  g_strfreev(names);
  for (const char *p = text; ok && p && *p; p = g_utf8_next_char(p)) {
    gunichar ch = g_utf8_get_char(p);
    /* Pango breaks paragraphs there and sets no glyph for them. */
    int in = ch == '\n' || ch == '\r' || ch == 0x2029;
    for (size_t k = 0; k < n && !in; k++)
      in = FcCharSetHasChar(c->cover[idx[k]], ch);
    ok = in;
  }
  return ok && n > 0;
}

/* The direction of the first strong character (Unicode rule P2). */
int cm__text_is_rtl(const char *text) {
  for (const char *p = text; p && *p; p = g_utf8_next_char(p)) {
    FriBidiCharType t = fribidi_get_bidi_type(g_utf8_get_char(p));
    if (FRIBIDI_IS_STRONG(t))
      return FRIBIDI_IS_RTL(t) != 0;
  }
  return 0;
}

static PangoLayout *layout_on(PangoContext *ctx, const char *text,
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

/* ctx's twin when there is one, else ctx. */
static PangoContext *on_all_fonts(PangoContext *ctx) {
  PangoContext *all = twin(ctx);
  return all ? all : ctx;
}

PangoLayout *cm__text_layout(PangoContext *ctx, const char *text,
                             const cm_text_style *st) {
  const char *font = st->font ? st->font : "Noto Sans";
  font_choice *c = g_object_get_data(G_OBJECT(pango_context_get_font_map(ctx)),
                                     "cm-choice");
  if (!c)
    return layout_on(ctx, text, st);
  PangoFontDescription *fd = pango_font_description_from_string(font);
  int fits = !g_atomic_int_get(&c->unsafe) &&
             covered(c, pango_font_description_get_family(fd), text);
  pango_font_description_free(fd);
  if (!fits) {
    cm__text_want_font(font); /* for the maps made from now on */
    return layout_on(on_all_fonts(ctx), text, st);
  }
  PangoLayout *layout = layout_on(ctx, text, st);
  /* Itemizing makes pango's patterns, which the check sees. */
  pango_layout_get_unknown_glyphs_count(layout);
  if (!g_atomic_int_get(&c->unsafe))
    return layout;
  g_object_unref(layout);
  return layout_on(on_all_fonts(ctx), text, st);
}

cm_bbox cm__text_box(PangoLayout *layout, const char *text,
                     const cm_text_style *st, double x, double y) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, NULL, &logical);
  /* A wrapped text's lines are aligned inside the whole wrap width. */
  double w = st->wrap > 0 ? st->wrap : (double)logical.width / PANGO_SCALE;
  double h = (double)logical.height / PANGO_SCALE;
  int rtl = cm__text_is_rtl(text);
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

void cm__text_size(PangoContext *ctx, const char *text,
                   const cm_text_style *st, double *w, double *h) {
  PangoLayout *layout = cm__text_layout(ctx, text, st);
  PangoRectangle logical;
  pango_layout_get_extents(layout, NULL, &logical);
  *w = (double)logical.width / PANGO_SCALE;
  *h = (double)logical.height / PANGO_SCALE;
  g_object_unref(layout);
}
