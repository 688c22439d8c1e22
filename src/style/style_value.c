/* Property values: colours, lengths, numbers, keywords, patterns and the
 * Map and Layer values, each read from the tokens of one declaration and
 * checked, with a message saying what was expected when it is wrong. */

#include "style_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const style_token *cm__style_value_peek(const style_value *v) { return &v->tok[v->i]; }

const style_token *cm__style_value_next(style_value *v) {
  const style_token *t = &v->tok[v->i];
  if (v->i + 1 < v->count)
    v->i++;
  return t;
}

int cm__style_value_done(const style_value *v) { return v->i + 1 >= v->count; }

static const style_token *peek(const style_value *v) { return cm__style_value_peek(v); }
static const style_token *next(style_value *v) { return cm__style_value_next(v); }

static int is_word(const style_token *t, const char *word) {
  return (t->kind == TOK_IDENT || t->kind == TOK_STRING) && strcmp(t->text, word) == 0;
}

/* "line-width takes a length (e.g. 0.5pt or 1mm), found 'red'" */
static cm_error *complain(style_value *v, const style_token *t, const char *label,
                          const char *what) {
  char shown[64];
  cm_error *e = cm__style_error(v->diag, t->line, t->col, "%s takes %s, found %s", label,
                            what, cm__style_token_show(t, shown, sizeof shown));
  if (t->kind == TOK_NEXT)
    cm_error_hint(e, "is a ';' missing before it?");
  return e;
}

static int wrong(style_value *v, const style_token *t, const char *label,
                 const char *what) {
  complain(v, t, label, what);
  return -1;
}

/* --- numbers and lengths ------------------------------------------------------ */

static int plain_number(style_value *v, const char *label, double *out) {
  const style_token *t = next(v);
  if (t->kind != TOK_NUMBER)
    return wrong(v, t, label, "a number");
  if (t->unit[0]) {
    cm_error *e = cm__style_error(v->diag, t->line, t->col,
                                  "%s takes a plain number, found '%.*s'", label,
                                  (int)t->len, t->src);
    cm_error_hint(e, "leave out '%s'", t->unit);
    return -1;
  }
  *out = t->num;
  return 0;
}

static int number_within(style_value *v, const char *label, double lo, double hi,
                         double *out) {
  const style_token *t = peek(v);
  double x;
  if (plain_number(v, label, &x))
    return -1;
  if (x < lo || x > hi) {
    cm__style_error(v->diag, t->line, t->col, "%s must be between %g and %g, found %.*s",
                    label, lo, hi, (int)t->len, t->src);
    return -1;
  }
  *out = x;
  return 0;
}

static const struct {
  const char *name;
  cm_unit unit;
} units[] = {{"", CM_UNIT_PT}, {"pt", CM_UNIT_PT}, {"px", CM_UNIT_PX},
             {"mm", CM_UNIT_MM}, {"in", CM_UNIT_IN}};

enum { UNIT_COUNT = sizeof units / sizeof units[0] };

static int unknown_unit(style_value *v, const style_token *t, const char *label) {
  cm_error *e = cm__style_error(v->diag, t->line, t->col, "unknown unit '%s' in '%.*s' for %s",
                                t->unit, (int)t->len, t->src, label);
  cm_suggest s;
  cm_suggest_init(&s, t->unit);
  for (size_t k = 1; k < UNIT_COUNT; k++)
    cm_suggest_try(&s, units[k].name);
  if (!cm_suggest_hint(&s, e, ""))
    cm_error_hint(e, "use px, pt, mm or in; a bare number is pt");
  return -1;
}

static int length(style_value *v, const char *label, int any_sign, cm_length *out) {
  const style_token *t = next(v);
  if (t->kind != TOK_NUMBER)
    return wrong(v, t, label, "a length (e.g. 0.5pt or 1mm)");
  size_t k = 0;
  while (k < UNIT_COUNT && strcmp(t->unit, units[k].name) != 0)
    k++;
  if (k == UNIT_COUNT)
    return unknown_unit(v, t, label);
  if (!any_sign && t->num < 0) {
    cm__style_error(v->diag, t->line, t->col, "%s cannot be negative, found '%.*s'", label,
                    (int)t->len, t->src);
    return -1;
  }
  out->value = t->num;
  out->unit = units[k].unit;
  return 0;
}

/* No symbol (a line, a marker, a text) is larger than this: a typo such
 * as text-size: 100000mm would otherwise reach limits inside the font
 * library, which draws nothing and only prints a warning. px are counted
 * at 96 dpi. */
#define SYMBOL_MAX_MM 500

static int symbol_length(style_value *v, const char *label, int any_sign,
                         cm_length *out) {
  const style_token *t = peek(v);
  if (length(v, label, any_sign, out))
    return -1;
  if (fabs(cm_length_pt(*out, 96)) > SYMBOL_MAX_MM * 72 / 25.4) {
    cm__style_error(v->diag, t->line, t->col, "%s of '%.*s' is more than %dmm",
                    label, (int)t->len, t->src, SYMBOL_MAX_MM);
    return -1;
  }
  return 0;
}

static int positive_length(style_value *v, const char *label, cm_length *out) {
  const style_token *t = peek(v);
  if (length(v, label, 0, out))
    return -1;
  if (out->value <= 0) {
    cm__style_error(v->diag, t->line, t->col, "%s must be more than 0", label);
    return -1;
  }
  return 0;
}

/* --- function calls: rgb(), hatch() ------------------------------------------- */

/* Reads the '(' of fn, after checking that it closes inside the value and
 * holds want comma-separated values. */
static int call_open(style_value *v, const style_token *fn, size_t want,
                     const char *signature) {
  const style_token *open = next(v);
  size_t depth = 0, commas = 0, k;
  for (k = v->i; k + 1 < v->count; k++) {
    style_tok_kind kind = v->tok[k].kind;
    if (kind == TOK_LPAREN) {
      depth++;
    } else if (kind == TOK_RPAREN) {
      if (depth == 0)
        break;
      depth--;
    } else if (kind == TOK_COMMA && depth == 0) {
      commas++;
    }
  }
  if (k + 1 >= v->count) {
    cm_error *e = cm__style_error(v->diag, open->line, open->col,
                                  "'(' after %s has no matching ')'", fn->text);
    cm_error_hint(e, "write %s(%s)", fn->text, signature);
    return -1;
  }
  size_t found = k == v->i ? 0 : commas + 1;
  if (found != want) {
    cm__style_error(v->diag, fn->line, fn->col, "%s() takes %zu values (%s), found %zu",
                    fn->text, want, signature, found);
    return -1;
  }
  return 0;
}

/* The ',' between values of fn, or the ')' after the last. */
static int call_next(style_value *v, const style_token *fn, int last) {
  const style_token *t = next(v);
  if (t->kind == (last ? TOK_RPAREN : TOK_COMMA))
    return 0;
  char shown[64];
  cm__style_error(v->diag, t->line, t->col, "expected '%c' %s %s(), found %s",
                  last ? ')' : ',', last ? "to close" : "between the values of", fn->text,
              cm__style_token_show(t, shown, sizeof shown));
  return -1;
}

static int unknown_function(style_value *v, const style_token *fn, const char *label,
                            const char *const *known, size_t count) {
  cm_error *e = cm__style_error(v->diag, fn->line, fn->col, "unknown function '%s' for %s",
                                fn->text, label);
  cm_suggest s;
  cm_suggest_init(&s, fn->text);
  for (size_t k = 0; k < count; k++)
    cm_suggest_try(&s, known[k]);
  if (!cm_suggest_hint(&s, e, "")) {
    char list[128] = "";
    for (size_t k = 0; k < count; k++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s()",
               k ? (k + 1 == count ? " or " : ", ") : "", known[k]);
    cm_error_hint(e, "use %s", list);
  }
  return -1;
}

/* --- colours ------------------------------------------------------------------- */

static int hex_digit(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static int hex_color(style_value *v, const style_token *t, cm_color *out) {
  const char *h = t->text;
  size_t n = strlen(h);
  int ok = n == 3 || n == 6 || n == 8;
  for (size_t k = 0; ok && k < n; k++)
    ok = hex_digit((unsigned char)h[k]) >= 0;
  if (!ok) {
    cm_error *e = cm__style_error(v->diag, t->line, t->col, "'#%s' is not a colour", h);
    cm_error_hint(e, "write #rgb, #rrggbb or #rrggbbaa with hexadecimal digits");
    return -1;
  }
  double c[4] = {0, 0, 0, 255};
  for (size_t k = 0; k < (n == 3 ? 3 : n / 2); k++)
    c[k] = n == 3 ? hex_digit(h[k]) * 17
                  : hex_digit(h[2 * k]) * 16 + hex_digit(h[2 * k + 1]);
  *out = (cm_color){c[0] / 255, c[1] / 255, c[2] / 255, c[3] / 255};
  return 0;
}

static int rgb_call(style_value *v, const style_token *fn, cm_color *out) {
  int alpha = strcmp(fn->text, "rgba") == 0;
  size_t count = alpha ? 4 : 3;
  if (call_open(v, fn, count, alpha ? "red, green, blue 0-255, alpha 0-1"
                                    : "red, green, blue 0-255"))
    return -1;
  double c[4] = {0, 0, 0, 1};
  char label[32];
  for (size_t k = 0; k < count; k++) {
    snprintf(label, sizeof label, k < 3 ? "%s() colour values" : "%s() alpha", fn->text);
    if (number_within(v, label, 0, k < 3 ? 255 : 1, &c[k]) ||
        call_next(v, fn, k + 1 == count))
      return -1;
  }
  *out = (cm_color){c[0] / 255, c[1] / 255, c[2] / 255, c[3]};
  return 0;
}

static int named_color(style_value *v, const style_token *t, cm_color *out) {
  if (cm__style_color_name(t->text, out) == 0)
    return 0;
  cm_error *e = cm__style_error(v->diag, t->line, t->col, "unknown colour '%s'", t->text);
  cm_suggest s;
  cm_suggest_init(&s, t->text);
  for (size_t k = 0; cm__style_color_name_at(k); k++)
    cm_suggest_try(&s, cm__style_color_name_at(k));
  cm_suggest_try(&s, "transparent");
  if (!cm_suggest_hint(&s, e, ""))
    cm_error_hint(e, "use a CSS colour name, #rrggbb or rgb(r, g, b)");
  return -1;
}

static int color(style_value *v, const char *label, cm_color *out) {
  static const char *const functions[] = {"rgb", "rgba"};
  const style_token *t = next(v);
  if (t->kind == TOK_HASH)
    return hex_color(v, t, out);
  if (t->kind == TOK_IDENT && peek(v)->kind == TOK_LPAREN) {
    if (strcmp(t->text, "rgb") == 0 || strcmp(t->text, "rgba") == 0)
      return rgb_call(v, t, out);
    return unknown_function(v, t, label, functions, 2);
  }
  if (t->kind == TOK_IDENT)
    return named_color(v, t, out);
  return wrong(v, t, label, "a colour (e.g. #8c8c8c, grey or rgb(140, 140, 140))");
}

/* --- keywords -------------------------------------------------------------------- */

/* "miter, round or bevel" */
static void choices(const style_keyword *kw, char *buf, size_t size) {
  size_t n = 0;
  while (kw[n].name)
    n++;
  buf[0] = '\0';
  for (size_t k = 0; k < n; k++)
    snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
             k ? (k + 1 == n ? " or " : ", ") : "", kw[k].name);
}

static const style_keyword *keyword(style_value *v, const char *label,
                                    const style_keyword *kw) {
  char list[160];
  choices(kw, list, sizeof list);
  const style_token *t = next(v);
  if (t->kind != TOK_IDENT && t->kind != TOK_STRING) {
    char what[200];
    snprintf(what, sizeof what, "one of %s", list);
    wrong(v, t, label, what);
    return NULL;
  }
  for (size_t k = 0; kw[k].name; k++)
    if (strcmp(kw[k].name, t->text) == 0)
      return &kw[k];
  cm_error *e = cm__style_error(v->diag, t->line, t->col, "unknown %s '%s'", label, t->text);
  cm_suggest s;
  cm_suggest_init(&s, t->text);
  for (size_t k = 0; kw[k].name; k++)
    cm_suggest_try(&s, kw[k].name);
  if (!cm_suggest_hint(&s, e, ""))
    cm_error_hint(e, "use %s", list);
  return NULL;
}

/* --- strings and files -------------------------------------------------------------- */

static int string(style_value *v, const char *label, const char **out) {
  const style_token *t = next(v);
  if (t->kind != TOK_STRING) {
    cm_error *e = complain(v, t, label, "a quoted string");
    if (t->kind == TOK_IDENT || t->kind == TOK_NUMBER)
      cm_error_hint(e, "put the text in quotes: \"...\"");
    return -1;
  }
  if (!t->text[0]) {
    cm__style_error(v->diag, t->line, t->col, "%s is empty", label);
    return -1;
  }
  *out = t->text;
  return 0;
}

/* Layer files are found next to the style, wherever it is run from. */
static int layer_file(style_value *v, cm_style_layer *layer) {
  const char *file;
  if (string(v, "file", &file))
    return -1;
  const char *folder = v->style->folder;
  if (file[0] == '/' || !folder[0]) {
    layer->file = file;
    return 0;
  }
  size_t n = strlen(folder), m = strlen(file);
  char *path = cm__style_alloc(&v->style->arena, n + m + 1);
  if (path) {
    memcpy(path, folder, n);
    memcpy(path + n, file, m);
  }
  layer->file = path;
  return 0;
}

/* line-width: a length, or [field] read per feature. The value fills
 * line_width and line_width_field together (see the property table). */
static int line_width(style_value *v, cm_symbolizer *out) {
  if (peek(v)->kind == TOK_LBRACKET) {
    next(v);
    const style_token *name;
    if (cm__style_field_item(v, &name))
      return -1;
    out->line_width = (cm_length){1, CM_UNIT_PT};
    out->line_width_field = name->text;
    return 0;
  }
  out->line_width_field = NULL;
  return length(v, "line-width", 0, &out->line_width);
}

/* `time: start end;` for intervals, `time: date;` for instants. */
static int time_fields(style_value *v, cm_style_layer *layer) {
  const char *names[2] = {NULL, NULL};
  for (int k = 0; k < 2; k++) {
    if (k == 1 && cm__style_value_done(v))
      break;
    const style_token *t = next(v);
    if (t->kind != TOK_IDENT && t->kind != TOK_STRING)
      return wrong(v, t, "time",
                   "one or two field names (time: date; or time: start end;)");
    names[k] = t->text;
  }
  layer->time_start = names[0];
  layer->time_end = names[1];
  return 0;
}

/* `time-window: 30d;` in days, months or years. */
static int time_window(style_value *v, cm_time_window *out) {
  const style_token *t = next(v);
  if (t->kind != TOK_NUMBER)
    return wrong(v, t, "time-window", "a duration (e.g. 30d, 3m or 1y)");
  const char *u = t->unit;
  if (!u[0] || u[1] || !strchr("dmy", u[0])) {
    cm_error *e = cm__style_error(v->diag, t->line, t->col,
                                  "unknown unit '%s' in '%.*s' for time-window", u,
                                  (int)t->len, t->src);
    cm_error_hint(e, "use d (days), m (months) or y (years), e.g. 30d");
    return -1;
  }
  if (t->num < 0 || t->num != (double)(int)t->num || t->num > 100000) {
    cm_error *e = cm__style_error(v->diag, t->line, t->col,
                                  "time-window takes a whole number of %s from 0, found '%.*s'",
                                  u[0] == 'd' ? "days" : u[0] == 'm' ? "months" : "years",
                                  (int)t->len, t->src);
    cm_error_hint(e, "the window reaches back from the map's date: 0d is its day alone");
    return -1;
  }
  out->count = (int)t->num;
  out->unit = u[0];
  return 0;
}

/* One field name, bare (x: lon;) or quoted (x: "Longitude (E)";). */
static int field_name(style_value *v, const char *label, const char **out) {
  const style_token *t = next(v);
  if ((t->kind != TOK_IDENT && t->kind != TOK_STRING) || !t->text[0])
    return wrong(v, t, label, "a field name (e.g. x: lon;)");
  *out = t->text;
  return 0;
}

/* --- Map values ---------------------------------------------------------------- */

static int four_numbers(style_value *v, const char *label, double out[4]) {
  for (int k = 0; k < 4; k++) {
    const style_token *t = peek(v);
    if (t->kind != TOK_NUMBER && k > 0 && (cm__style_value_done(v) || t->kind == TOK_IDENT)) {
      cm__style_error(v->diag, t->line, t->col,
                      "%s takes 4 numbers (west south east north), found %d", label, k);
      return -1;
    }
    if (plain_number(v, label, &out[k]))
      return -1;
  }
  return 0;
}

/* West below east and south below north; lon/lat within the globe. */
static int check_box(style_value *v, const style_token *at, const char *label,
                     const double b[4], int lonlat) {
  const char *problem = NULL;
  if (b[0] >= b[2])
    problem = "west must be less than east";
  else if (b[1] >= b[3])
    problem = "south must be less than north";
  else if (lonlat && (b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90))
    problem = "longitudes must be within -180..180 and latitudes within -90..90";
  if (!problem)
    return 0;
  cm_error *e = cm__style_error(v->diag, at->line, at->col, "%s %g %g %g %g: %s", label,
                                b[0], b[1], b[2], b[3], problem);
  cm_error_hint(e, lonlat ? "the order is west south east north, in degrees"
                          : "the order is west south east north, in map units");
  return -1;
}

static int extent(style_value *v, cm_map_settings *m) {
  const style_token *first = peek(v);
  double b[4];
  int projected = 0;
  if (four_numbers(v, "extent", b))
    return -1;
  if (!cm__style_value_done(v) && peek(v)->kind == TOK_IDENT) {
    const style_token *t = next(v);
    if (strcmp(t->text, "projected") != 0) {
      cm_error *e = cm__style_error(v->diag, t->line, t->col,
                                    "unknown word '%s' after the extent", t->text);
      cm_suggest s;
      cm_suggest_init(&s, t->text);
      cm_suggest_try(&s, "projected");
      if (!cm_suggest_hint(&s, e, ""))
        cm_error_hint(e, "only 'projected' may follow the four numbers");
      return -1;
    }
    projected = 1;
  }
  if (check_box(v, first, "extent", b, !projected))
    return -1;
  m->has_extent = 1;
  m->extent_projected = projected;
  memcpy(m->extent, b, sizeof b);
  return 0;
}

static int page(style_value *v, cm_map_settings *m) {
  cm_length w, h;
  if (positive_length(v, "page width", &w))
    return -1;
  if (peek(v)->kind != TOK_NUMBER)
    return wrong(v, peek(v), "page", "two lengths, width and height (e.g. 170mm 125mm)");
  if (positive_length(v, "page height", &h))
    return -1;
  m->page_width = w;
  m->page_height = h;
  return 0;
}

/* inset: "layer" west south east north [corner];  or  inset: none; */
static int inset(style_value *v, const style_prop *p, cm_map_settings *m) {
  if (is_word(peek(v), "none")) {
    next(v);
    m->inset_layer = NULL;
    m->inset = CM_CORNER_NONE;
    return 0;
  }
  const style_token *name = peek(v);
  const char *layer;
  double b[4];
  cm_corner corner = CM_CORNER_TOP_LEFT;
  if (string(v, "inset layer", &layer) || four_numbers(v, "inset", b) ||
      check_box(v, name, "inset", b, 1))
    return -1;
  if (!cm__style_value_done(v)) {
    const style_token *at = peek(v);
    if (is_word(at, "none")) {
      cm_error *e = cm__style_error(v->diag, at->line, at->col, "the inset needs a corner, not none");
      cm_error_hint(e, "write inset: none; for no inset");
      return -1;
    }
    const style_keyword *kw = keyword(v, "inset corner", p->keywords);
    if (!kw)
      return -1;
    corner = (cm_corner)kw->value;
  }
  style_layer_use *use = cm__style_vec_push(&v->style->uses);
  if (!use) {
    v->style->arena.failed = 1;
    return -1;
  }
  *use = (style_layer_use){layer, "inset layer", name->line, name->col};
  m->inset_layer = layer;
  memcpy(m->inset_extent, b, sizeof b);
  m->inset = corner;
  return 0;
}

/* --- rule values ------------------------------------------------------------------ */

static int dashes(style_value *v, cm_symbolizer *s) {
  cm_length d[CM_MAX_DASHES];
  int n = 0, any = 0;
  if (is_word(peek(v), "none")) {
    next(v);
    s->line_dash_count = 0;
    return 0;
  }
  while (!cm__style_value_done(v)) {
    const style_token *t = peek(v);
    if (n == CM_MAX_DASHES) {
      cm__style_error(v->diag, t->line, t->col, "line-dasharray takes at most %d lengths",
                      CM_MAX_DASHES);
      return -1;
    }
    if (length(v, "line-dasharray", 0, &d[n]))
      return -1;
    any |= d[n++].value > 0;
    if (peek(v)->kind == TOK_COMMA && (next(v), cm__style_value_done(v)))
      return wrong(v, peek(v), "line-dasharray", "a length after ','");
  }
  if (!any) {
    cm_error *e = cm__style_error(v->diag, v->tok[0].line, v->tok[0].col,
                                  "line-dasharray needs a length above 0");
    cm_error_hint(e, "write none for a solid line");
    return -1;
  }
  memcpy(s->line_dasharray, d, n * sizeof d[0]);
  s->line_dash_count = n;
  return 0;
}

/* The finest hatch drawn is CM_HATCH_MIN_MM: 1e-7 mm would ask for
 * billions of lines. A spacing in px must be a pixel at least, and is
 * judged again at the dpi the map is drawn at (cm_style_check_dpi); a
 * raster output also refuses a spacing under one of its own pixels, and
 * every output one under CM_HATCH_MIN_MM as drawn (cm__hatches_fit,
 * raster.c). */

static const char *unit_name(cm_unit u) {
  return u == CM_UNIT_PX ? "px" : u == CM_UNIT_MM ? "mm" : u == CM_UNIT_IN ? "in" : "pt";
}

/* Lines closer than they are wide fill the polygon solid; lines closer
 * than CM_HATCH_MIN_MM are refused. px are compared at 96 dpi. */
static int hatch_spacing(style_value *v, const style_token *at,
                         const cm_pattern *p) {
  double spacing = cm_length_pt(p->spacing, 96), width = cm_length_pt(p->width, 96);
  double floor_pt = CM_HATCH_MIN_MM * 72 / 25.4;
  if (spacing < width) {
    cm_error *e = cm__style_error(v->diag, at->line, at->col,
                                  "hatch spacing %g%s is less than the line width "
                                  "%g%s: the lines would fill the polygon solid",
                                  p->spacing.value, unit_name(p->spacing.unit),
                                  p->width.value, unit_name(p->width.unit));
    cm_error_hint(e, "the spacing (the fourth value) is from line to line; "
                     "make it at least the width (the third)");
    return -1;
  }
  if (p->spacing.unit != CM_UNIT_PX && spacing < floor_pt) {
    cm_error *e = cm__style_error(v->diag, at->line, at->col,
                                  "hatch spacing %g%s is finer than %gmm, which "
                                  "no screen or printer shows as lines",
                                  p->spacing.value, unit_name(p->spacing.unit),
                                  CM_HATCH_MIN_MM);
    cm_error_hint(e, "hatches are usually 1mm to 3mm apart");
    return -1;
  }
  if (p->spacing.unit == CM_UNIT_PX && p->spacing.value < 1) {
    cm_error *e = cm__style_error(v->diag, at->line, at->col,
                                  "hatch spacing %gpx is finer than one pixel",
                                  p->spacing.value);
    cm_error_hint(e, "hatches are usually 1mm to 3mm apart; a spacing in px "
                     "must be 1px at least");
    return -1;
  }
  if (p->spacing.unit == CM_UNIT_PX)
    cm__style_add_px_hatch(v->style, v->diag->file ? v->diag->file : "", at->line,
                           at->col, p->spacing.value, p->width);
  return 0;
}

static int pattern(style_value *v, cm_pattern *out) {
  static const char *const functions[] = {"hatch", "cross-hatch"};
  const style_token *t = next(v);
  if (is_word(t, "none")) {
    out->kind = CM_PATTERN_NONE;
    return 0;
  }
  if (t->kind != TOK_IDENT || peek(v)->kind != TOK_LPAREN)
    return wrong(v, t, "polygon-pattern",
                 "hatch(angle, colour, width, spacing), cross-hatch(...) or none");
  int cross = strcmp(t->text, "cross-hatch") == 0;
  if (!cross && strcmp(t->text, "hatch") != 0)
    return unknown_function(v, t, "polygon-pattern", functions, 2);
  char label[32];
  snprintf(label, sizeof label, "%s() width", t->text);
  cm_pattern p = {cross ? CM_PATTERN_CROSS : CM_PATTERN_HATCH, 0, {0, 0, 0, 1}, {0, 0}, {0, 0}};
  if (call_open(v, t, 4, "angle, colour, width, spacing") ||
      plain_number(v, "hatch() angle", &p.angle) || call_next(v, t, 0) ||
      color(v, "hatch() colour", &p.color) || call_next(v, t, 0) ||
      positive_length(v, label, &p.width) || call_next(v, t, 0))
    return -1;
  snprintf(label, sizeof label, "%s() spacing", t->text);
  const style_token *at = peek(v);
  if (positive_length(v, label, &p.spacing) || hatch_spacing(v, at, &p) ||
      call_next(v, t, 1))
    return -1;
  *out = p;
  return 0;
}

/* --- dispatch --------------------------------------------------------------------- */

static int simple_value(style_value *v, const style_prop *p, char *dest) {
  union {
    cm_color color;
    double number;
    cm_length length;
    cm_pattern pattern;
    int keyword;
    const char *text;
  } u;
  size_t size;
  int rc;
  const style_keyword *kw;
  switch (p->kind) {
  case VAL_COLOR: rc = color(v, p->name, &u.color); size = sizeof u.color; break;
  case VAL_NUMBER:
    rc = number_within(v, p->name, p->min, p->max, &u.number);
    size = sizeof u.number;
    break;
  case VAL_LENGTH:
  case VAL_OFFSET:
    rc = symbol_length(v, p->name, p->kind == VAL_OFFSET, &u.length);
    size = sizeof u.length;
    break;
  case VAL_PATTERN: rc = pattern(v, &u.pattern); size = sizeof u.pattern; break;
  case VAL_KEYWORD:
  case VAL_LANG:
    kw = keyword(v, p->name, p->keywords);
    rc = kw ? 0 : -1;
    if (p->kind == VAL_KEYWORD) {
      u.keyword = kw ? kw->value : 0;
      size = sizeof u.keyword;
    } else {
      u.text = kw ? kw->name : NULL; /* static text outlives every style */
      size = sizeof u.text;
    }
    break;
  case VAL_STRING: rc = string(v, p->name, &u.text); size = sizeof u.text; break;
  case VAL_FIELD: rc = field_name(v, p->name, &u.text); size = sizeof u.text; break;
  case VAL_TEMPLATE:
    rc = cm__style_template_parse(v, &u.text);
    size = sizeof u.text;
    break;
  default: return -1;
  }
  if (rc == 0)
    memcpy(dest, &u, size);
  return rc;
}

int cm__style_value_parse(style_value *v, void *base) {
  const style_prop *p = v->prop;
  if (cm__style_value_done(v)) {
    const style_token *t = peek(v);
    cm__style_error(v->diag, t->line, t->col, "%s needs a value", p->name);
    return -1;
  }
  switch (p->kind) {
  case VAL_DASHES: return dashes(v, base);
  case VAL_EXTENT: return extent(v, base);
  case VAL_PAGE: return page(v, base);
  case VAL_INSET: return inset(v, p, base);
  case VAL_FILE: return layer_file(v, base);
  case VAL_FIELDS: return time_fields(v, base);
  case VAL_WIDTH: return line_width(v, base);
  case VAL_WINDOW: return time_window(v, (cm_time_window *)((char *)base + p->offset));
  default: return simple_value(v, p, (char *)base + p->offset);
  }
}
