/* The style module's public face: loading and parsing a style, reading its
 * Map and Layer blocks, and the cascade that gives each feature its look. */

#include "style_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A style is hand-written text; anything this large is a wrong file. */
enum { MAX_STYLE_BYTES = 16 << 20 };

double cm_length_pt(cm_length len, double dpi) {
  switch (len.unit) {
  case CM_UNIT_PX: return len.value * 72.0 / (dpi > 0 ? dpi : 96.0);
  case CM_UNIT_MM: return len.value * 72.0 / 25.4;
  case CM_UNIT_IN: return len.value * 72.0;
  case CM_UNIT_PT: break;
  }
  return len.value;
}

/* --- defaults --------------------------------------------------------------------- */

static const cm_color black = {0, 0, 0, 1}, white = {1, 1, 1, 1};

static void map_defaults(cm_map_settings *m) {
  memset(m, 0, sizeof *m);
  m->page_width = (cm_length){170, CM_UNIT_MM};
  m->page_height = (cm_length){125, CM_UNIT_MM};
  m->dpi = 300;
  m->background = white;
  m->lang = "en";
  m->digits = CM_DIGITS_DEFAULT;
  m->font = "Noto Sans";
  m->legend = CM_CORNER_BOTTOM_LEFT;
  m->scale_bar = CM_CORNER_BOTTOM_RIGHT;
  m->north_arrow = CM_CORNER_NONE;
  m->inset = CM_CORNER_NONE;
  m->margin = (cm_length){4, CM_UNIT_MM};
  m->key_size = (cm_length){30, CM_UNIT_MM};
  m->changes_layer = "control";
  m->changes_field = "holder";
}

static void symbolizer_defaults(cm_symbolizer *s) {
  memset(s, 0, sizeof *s);
  s->polygon_fill = (cm_color){128 / 255.0, 128 / 255.0, 128 / 255.0, 1};
  s->polygon_opacity = 1;
  s->polygon_pattern = (cm_pattern){CM_PATTERN_NONE, 45, black, {0.5, CM_UNIT_PT},
                                    {2, CM_UNIT_MM}};
  s->line_color = black;
  s->line_width = (cm_length){1, CM_UNIT_PT};
  s->line_width_scale = 1;
  s->line_taper = 1;
  s->line_opacity = 1;
  s->line_join = CM_JOIN_MITER;
  s->line_cap = CM_CAP_BUTT;
  s->marker_type = CM_MARKER_CIRCLE;
  s->marker_width = (cm_length){2, CM_UNIT_MM};
  s->marker_fill = black;
  s->marker_line_color = white;
  s->marker_line_width = (cm_length){0, CM_UNIT_PT};
  s->text_size = (cm_length){8, CM_UNIT_PT};
  s->text_fill = black;
  s->text_halo_fill = white;
  s->text_placement = CM_PLACE_POINT;
}

/* --- parsing ------------------------------------------------------------------------- */

static cm_style *new_style(const char *name) {
  cm_style *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->layers = (style_vec)STYLE_VEC(cm_style_layer);
  s->rules = (style_vec)STYLE_VEC(style_rule);
  s->refs = (style_vec)STYLE_VEC(cm_field_ref);
  s->date_refs = (style_vec)STYLE_VEC(cm_date_ref);
  s->font_refs = (style_vec)STYLE_VEC(cm_font_ref);
  s->px_hatches = (style_vec)STYLE_VEC(style_px_hatch);
  s->uses = (style_vec)STYLE_VEC(style_layer_use);
  map_defaults(&s->map);
  s->name = cm__style_strdup(&s->arena, name);
  const char *slash = strrchr(name, '/');
  s->folder = cm__style_strndup(&s->arena, name, slash ? (size_t)(slash - name) + 1 : 0);
  if (!s->name || !s->folder) {
    cm_style_free(s);
    return NULL;
  }
  return s;
}

/* Hand the mistakes to the caller: the first in err, all of them in all. */
static int report(style_diag *d, cm_error *err, cm_errors *all) {
  if (err)
    *err = d->list.items[0];
  for (size_t k = 0; all && k < d->list.count; k++)
    if (cm_errors_add(all, &d->list.items[k]) != CM_OK)
      return CM_ENOMEM;
  return CM_ESTYLE;
}

/* The entries of one kind of override, lexed after the file's tokens. */
static int lex_overrides(cm_style *s, const char *const *entries, size_t n,
                         int is_variable, style_diag *d, style_vec *tokens,
                         style_vec *out) {
  for (size_t k = 0; k < n; k++) {
    const char *eq = strchr(entries[k], '=');
    size_t name_len = eq ? (size_t)(eq - entries[k]) : strlen(entries[k]);
    const char *name = entries[k] + (is_variable && entries[k][0] == '@');
    name_len -= (size_t)(name - entries[k]);
    char label[128];
    snprintf(label, sizeof label, "%s%.*s", is_variable ? "--set " : "--",
             (int)(name_len < 64 ? name_len : 64), name);
    style_override *o = cm__style_vec_push(out);
    if (!o)
      return CM_ENOMEM;
    *o = (style_override){cm__style_strndup(&s->arena, name, name_len),
                          cm__style_strdup(&s->arena, label), tokens->count, 0,
                          is_variable};
    style_diag od = {o->label, {NULL, 0, 0}, 0, 0, {0}};
    if (!eq) {
      cm_error *e = cm__style_error(&od, 0, 0, "expected NAME=VALUE, found '%s'", entries[k]);
      cm_error_hint(e, is_variable ? "e.g. --set aze=#9fc4e4" : "e.g. page=120mm 90mm");
    }
    const char *value = eq ? eq + 1 : "";
    int rc = cm__style_lex(value, strlen(value), &s->arena, &od, tokens);
    o->end = tokens->count - 1;
    for (size_t j = 0; j < od.list.count; j++) {
      od.list.items[j].line = od.list.items[j].col = 0;
      if (cm_errors_add(&d->list, &od.list.items[j]) != CM_OK)
        d->nomem = 1;
    }
    cm_errors_free(&od.list);
    if (rc != CM_OK || !o->name || !o->label)
      return CM_ENOMEM;
  }
  return CM_OK;
}

/* The file's tokens, then those of every override. */
static int lex_all(cm_style *s, const char *text, size_t len, const cm_style_options *opt,
                   style_diag *d, style_vec *tokens, style_vec *ov) {
  int rc = cm__style_lex(text ? text : "", len, &s->arena, d, tokens);
  if (rc == CM_OK && opt)
    rc = lex_overrides(s, opt->set, opt->set_count, 1, d, tokens, ov);
  if (rc == CM_OK && opt)
    rc = lex_overrides(s, opt->map, opt->map_count, 0, d, tokens, ov);
  return rc;
}

int cm_style_parse(cm_style **out, const char *text, size_t len, const char *name,
                   cm_error *err, cm_errors *all) {
  return cm_style_parse_with(out, text, len, name, NULL, err, all);
}

int cm_style_parse_with(cm_style **out, const char *text, size_t len, const char *name,
                        const cm_style_options *opt, cm_error *err, cm_errors *all) {
  cm_error_clear(err);
  if (!name)
    name = "(style)";
  if (!out || (!text && len))
    return cm_error_set(err, CM_EUSAGE, name, 0, 0, "no style text to parse");
  *out = NULL;
  cm_style *s = new_style(name);
  if (!s)
    return cm_error_set(err, CM_ENOMEM, name, 0, 0, "out of memory reading the style");
  style_diag d = {s->name, {NULL, 0, 0}, 0, 0, {0}};
  style_vec tokens = STYLE_VEC(style_token), ov = STYLE_VEC(style_override);
  int rc = lex_all(s, text, len, opt, &d, &tokens, &ov);
  if (rc == CM_OK)
    rc = cm__style_parse_tokens(s, tokens.items, tokens.count, ov.items, ov.count, &d);
  cm__style_vec_free(&tokens);
  cm__style_vec_free(&ov);
  cm__style_vec_free(&s->uses);
  if (rc == CM_OK && d.nomem)
    rc = CM_ENOMEM;
  cm__style_diag_finish(&d);
  if (rc == CM_OK && d.list.count)
    rc = report(&d, err, all);
  else if (rc == CM_ENOMEM)
    cm_error_set(err, CM_ENOMEM, name, 0, 0, "out of memory reading the style");
  cm_errors_free(&d.list);
  if (rc != CM_OK && !(rc == CM_ESTYLE && opt && opt->keep_on_error)) {
    cm_style_free(s);
    return rc;
  }
  *out = s;
  return rc;
}

/* Reads all of path (a pipe too) into a new buffer. */
static int read_all(const char *path, char **text, size_t *len, cm_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return cm_error_set(err, CM_EIO, path, 0, 0, "cannot read style: %s", strerror(errno));
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  int rc = buf ? CM_OK : CM_ENOMEM;
  while (rc == CM_OK) {
    if (n == cap) {
      char *grown = cap >= MAX_STYLE_BYTES ? NULL : realloc(buf, cap * 2);
      if (!grown) {
        rc = cap >= MAX_STYLE_BYTES
                 ? cm_error_set(err, CM_ENOMEM, path, 0, 0, "style is larger than 16 MiB")
                 : CM_ENOMEM;
        break;
      }
      buf = grown;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0 && ferror(f))
      rc = cm_error_set(err, CM_EIO, path, 0, 0, "cannot read style: %s", strerror(errno));
    else if (got == 0)
      break;
  }
  fclose(f);
  if (rc == CM_ENOMEM && !(err && err->code))
    cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory reading the style");
  if (rc != CM_OK) {
    free(buf);
    return rc;
  }
  *text = buf;
  *len = n;
  return CM_OK;
}

int cm_style_load(cm_style **out, const char *path, cm_error *err, cm_errors *all) {
  return cm_style_load_with(out, path, NULL, err, all);
}

int cm_style_load_with(cm_style **out, const char *path, const cm_style_options *opt,
                       cm_error *err, cm_errors *all) {
  cm_error_clear(err);
  if (!out || !path)
    return cm_error_set(err, CM_EUSAGE, "", 0, 0, "no style file given");
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  int rc = read_all(path, &text, &len, err);
  if (rc != CM_OK) {
    if (all && err)
      cm_errors_add(all, err);
    return rc;
  }
  rc = cm_style_parse_with(out, text, len, path, opt, err, all);
  free(text);
  return rc;
}

void cm_style_free(cm_style *style) {
  if (!style)
    return;
  cm__style_vec_free(&style->layers);
  cm__style_vec_free(&style->rules);
  cm__style_vec_free(&style->refs);
  cm__style_vec_free(&style->date_refs);
  cm__style_vec_free(&style->font_refs);
  cm__style_vec_free(&style->px_hatches);
  cm__style_vec_free(&style->uses);
  cm__style_arena_free(&style->arena);
  free(style);
}

/* --- reading a style ---------------------------------------------------------------- */

const char *cm_style_name(const cm_style *style) { return style->name; }

const cm_map_settings *cm_style_map(const cm_style *style) { return &style->map; }

int cm_style_set_dpi(cm_style *style, double dpi) {
  if (!(dpi >= 10 && dpi <= 4800))
    return CM_EUSAGE;
  style->map.dpi = dpi;
  return CM_OK;
}

size_t cm_style_layer_count(const cm_style *style) { return style->layers.count; }

const cm_style_layer *cm_style_layer_at(const cm_style *style, size_t i) {
  return i < style->layers.count ? cm__style_vec_at(&style->layers, i) : NULL;
}

size_t cm_style_field_ref_count(const cm_style *style) { return style->refs.count; }

const cm_field_ref *cm_style_field_ref_at(const cm_style *style, size_t i) {
  return i < style->refs.count ? cm__style_vec_at(&style->refs, i) : NULL;
}

size_t cm_style_date_ref_count(const cm_style *style) { return style->date_refs.count; }

const cm_date_ref *cm_style_date_ref_at(const cm_style *style, size_t i) {
  return i < style->date_refs.count ? cm__style_vec_at(&style->date_refs, i) : NULL;
}

size_t cm_style_font_ref_count(const cm_style *style) { return style->font_refs.count; }

const cm_font_ref *cm_style_font_ref_at(const cm_style *style, size_t i) {
  return i < style->font_refs.count ? cm__style_vec_at(&style->font_refs, i) : NULL;
}

void cm__style_add_px_hatch(cm_style *s, const char *file, int line, int col,
                            double spacing, cm_length width) {
  for (size_t i = 0; i < s->px_hatches.count; i++) {
    const style_px_hatch *h = cm__style_vec_at(&s->px_hatches, i);
    if (h->line == line && h->col == col && !strcmp(h->file, file))
      return; /* a variable used by several rules */
  }
  const char *copy = cm__style_strdup(&s->arena, file);
  style_px_hatch *h = cm__style_vec_push(&s->px_hatches);
  if (!h || !copy) {
    s->arena.failed = 1;
    return;
  }
  *h = (style_px_hatch){copy, line, col, spacing, width};
}

int cm_style_check_dpi(const cm_style *style, double dpi, cm_error *err, cm_errors *all) {
  if (!(dpi > 0))
    dpi = style->map.dpi;
  int rc = CM_OK;
  for (size_t i = 0; i < style->px_hatches.count; i++) {
    const style_px_hatch *h = cm__style_vec_at(&style->px_hatches, i);
    double mm = h->spacing * 25.4 / dpi, width = cm_length_pt(h->width, dpi) * 25.4 / 72;
    if (mm >= CM_HATCH_MIN_MM && mm >= width)
      continue;
    char why[96];
    if (mm < width)
      snprintf(why, sizeof why, "less than the line width: the lines would fill the "
                                "polygon solid");
    else
      snprintf(why, sizeof why, "finer than %gmm, which no screen or printer shows as "
                                "lines", CM_HATCH_MIN_MM);
    cm_error e;
    cm_error_set(&e, CM_ESTYLE, h->file, h->line, h->col,
                 "hatch spacing %gpx is %.3gmm at %g dpi, %s", h->spacing, mm, dpi, why);
    cm_error_hint(&e, "give the spacing in mm, usually 1mm to 3mm, or draw at a "
                      "lower dpi");
    if (rc == CM_OK && err)
      *err = e;
    rc = CM_ESTYLE;
    if (!all)
      break;
    if (cm_errors_add(all, &e) != CM_OK)
      return CM_ENOMEM;
  }
  return rc;
}

void cm__style_add_field_ref(cm_style *s, const char *const *layers, size_t layer_count,
                             const char *field, size_t len, int line, int col) {
  const char *copy = cm__style_strndup(&s->arena, field, len);
  for (size_t k = 0; k < (layer_count ? layer_count : 1); k++) {
    cm_field_ref *ref = cm__style_vec_push(&s->refs);
    if (!ref || !copy) {
      s->arena.failed = 1;
      return;
    }
    *ref = (cm_field_ref){layer_count ? layers[k] : NULL, copy, line, col};
  }
}

/* --- the cascade ------------------------------------------------------------------ */

/* A number in an attribute: DBF pads numeric fields with blanks. */
int cm_style_number(const char *s, double *out) {
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  return cm__style_decimal(s, n, out);
}

static int compare(const style_filter *f, const char *value, int *order) {
  double x;
  cm_day d;
  switch (f->kind) {
  case STYLE_TEXT:
    *order = strcmp(value, f->text); /* compares bytes as unsigned char */
    return 0;
  case STYLE_NUMBER:
    if (cm_style_number(value, &x) != 0)
      return -1;
    *order = (x > f->number) - (x < f->number);
    return 0;
  case STYLE_DATE:
    if (cm_date_parse(value, &d, NULL, NULL) != 0)
      return -1;
    *order = (d > f->day) - (d < f->day);
    return 0;
  }
  return -1;
}

static int filter_holds(const style_filter *f, cm_attr_fn get, void *ud, const char *lang) {
  const char *value = cm__style_attr(get, ud, f->field, lang);
  int order;
  if (!value || compare(f, value, &order) != 0)
    return 0;
  switch (f->op) {
  case TOK_EQ: return order == 0;
  case TOK_NE: return order != 0;
  case TOK_LT: return order < 0;
  case TOK_LE: return order <= 0;
  case TOK_GT: return order > 0;
  case TOK_GE: return order >= 0;
  default: return 0;
  }
}

static int rule_matches(const style_rule *rule, const char *layer, cm_attr_fn get,
                        void *ud, const char *lang) {
  for (size_t k = 0; k < rule->selector_count; k++) {
    const style_selector *sel = &rule->selectors[k];
    size_t j = 0;
    if (strcmp(sel->layer, layer) != 0)
      continue;
    while (j < sel->filter_count && filter_holds(&sel->filters[j], get, ud, lang))
      j++;
    if (j == sel->filter_count)
      return 1;
  }
  return 0;
}

static void apply(cm_symbolizer *out, const cm_symbolizer *given) {
  size_t n;
  const style_prop *props = cm__style_props(STYLE_BLOCK_RULE, &n);
  for (size_t k = 0; k < n; k++)
    if (given->set & props[k].bit)
      memcpy((char *)out + props[k].offset, (const char *)given + props[k].offset,
             props[k].size);
  out->set |= given->set;
}

int cm_style_rule_line(const cm_style *style, int rule) {
  if (!style || rule < 0 || (size_t)rule >= style->rules.count)
    return 0;
  return ((const style_rule *)cm__style_vec_at(&style->rules, (size_t)rule))->line;
}

int cm_style_resolve(const cm_style *style, const char *layer, cm_attr_fn get, void *ud,
                     cm_symbolizer *out) {
  symbolizer_defaults(out);
  if (!style || !layer)
    return 0;
  int matched = 0;
  for (size_t k = 0; k < style->rules.count; k++) {
    const style_rule *rule = cm__style_vec_at(&style->rules, k);
    if (rule_matches(rule, layer, get, ud, style->map.lang)) {
      apply(out, &rule->values);
      if (rule->values.set & CM_PROP_LEGEND)
        out->legend_rule = (int)k;
      matched++;
    }
  }
  return matched;
}
