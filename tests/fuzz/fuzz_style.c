/* Fuzzing the style parser: the input is a style's text, parsed with
 * cm_style_parse. A mistake must come back as an error with a place in the
 * file; a style that parses must give settings inside their documented
 * bounds, and its rules and templates must resolve and expand for a
 * feature without overrunning any buffer.
 *
 * Built with libFuzzer by tools/fuzz.sh; tests/test_badinput.c includes
 * this file with FUZZ_NO_ENTRY defined to replay tests/crashes/style/. */

#include "controlmap/style.h"
#include "data_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(...)                                                         \
  (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), abort())
#endif

#define STYLE_NAME "fuzz/style.mss"

/* A feature whose every field has a value a rule may compare with. */
static const char *style_feature(void *ud, const char *field) {
  (void)ud;
  if (strstr(field, "start") || strstr(field, "date"))
    return "2020-11-10";
  if (strstr(field, "rank") || strstr(field, "area"))
    return " 12.5 ";
  if (strncmp(field, "name", 4) == 0)
    return "\xd5\x87\xd5\xb8\xd6\x82\xd5\xb7\xd5\xab"; /* Armenian Shushi */
  if (strcmp(field, "missing") == 0)
    return NULL;
  return field;
}

/* Expanding into a buffer of any size gives a prefix of the whole text,
 * never a split UTF-8 character, and the same needed length. */
static void style_check_expand(const char *tmpl, const cm_map_settings *m) {
  const cm_day day = 18576; /* 2020-11-10 */
  size_t need = cm_style_expand(NULL, 0, tmpl, style_feature, NULL, m->lang,
                                m->digits, day);
  char *full = malloc(need + 1);
  if (!full)
    return;
  if (cm_style_expand(full, need + 1, tmpl, style_feature, NULL, m->lang,
                      m->digits, day) != need ||
      strlen(full) != need)
    FUZZ_FAIL("expanding '%s' gives two lengths", tmpl);
  int utf8 = cm__utf8_valid(full, strlen(full));
  for (size_t size = 1; size <= need && size < 24; size++) {
    char *cut = malloc(size);
    if (!cut)
      break;
    cm_style_expand(cut, size, tmpl, style_feature, NULL, m->lang, m->digits,
                    day);
    size_t n = strlen(cut);
    if (n >= size || memcmp(cut, full, n) != 0 || (utf8 && !cm__utf8_valid(cut, n)))
      FUZZ_FAIL("expanding '%s' into %zu bytes gives '%s'", tmpl, size, cut);
    free(cut);
  }
  free(full);
}

static int style_length_ok(cm_length len) {
  return isfinite(len.value) && len.unit <= CM_UNIT_IN;
}

static void style_check_map(const cm_map_settings *m) {
  if (!(m->dpi >= 1 && m->dpi <= 10000) || !m->lang || !m->font)
    FUZZ_FAIL("dpi %g, lang or font missing", m->dpi);
  if (!style_length_ok(m->page_width) || !style_length_ok(m->page_height) ||
      !style_length_ok(m->margin))
    FUZZ_FAIL("a page length is not a number");
  for (int k = 0; k < 4; k++)
    if (m->has_extent && !isfinite(m->extent[k]))
      FUZZ_FAIL("extent %d is not a number", k);
  const char *texts[] = {m->title, m->subtitle, m->attribution};
  for (int k = 0; k < 3; k++)
    if (texts[k])
      style_check_expand(texts[k], m);
}

static void style_check_layers(const cm_style *s) {
  const cm_map_settings *m = cm_style_map(s);
  for (size_t i = 0; i < cm_style_layer_count(s); i++) {
    const cm_style_layer *l = cm_style_layer_at(s, i);
    if (!l || !l->name || !l->file || l->line < 1 || l->col < 1)
      FUZZ_FAIL("layer %zu: name, file or place missing", i);
    /* An end without a start is impossible; a start alone is an instant. */
    if (l->time_end && !l->time_start)
      FUZZ_FAIL("layer %zu: an end without a start", i);
    if (l->window.unit && (!l->time_start || l->window.count < 0))
      FUZZ_FAIL("layer %zu: a window without dates", i);
    cm_symbolizer sym;
    cm_style_resolve(s, l->name, style_feature, NULL, &sym);
    if (sym.line_dash_count < 0 || sym.line_dash_count > CM_MAX_DASHES)
      FUZZ_FAIL("layer %zu: %d dashes", i, sym.line_dash_count);
    if ((sym.set & CM_PROP_TEXT_NAME) && sym.text_name)
      style_check_expand(sym.text_name, m);
    if ((sym.set & CM_PROP_LEGEND) && sym.legend)
      style_check_expand(sym.legend, m);
  }
  if (cm_style_layer_at(s, cm_style_layer_count(s)))
    FUZZ_FAIL("a layer past the end answers");
  for (size_t i = 0; i < cm_style_field_ref_count(s); i++) {
    const cm_field_ref *r = cm_style_field_ref_at(s, i);
    if (!r || !r->field)
      FUZZ_FAIL("field reference %zu is empty", i);
  }
}

/* Every mistake is in the style, at a line and column that exist. */
static void style_check_errors(int rc, const cm_error *err,
                               const cm_errors *all, size_t lines) {
  if (rc != CM_ESTYLE && rc != CM_ENOMEM)
    FUZZ_FAIL("unexpected code %d: %s", rc, err->message);
  if (err->code != rc || !err->message[0] || strcmp(err->file, STYLE_NAME))
    FUZZ_FAIL("error %d in '%s': '%s'", err->code, err->file, err->message);
  if (rc == CM_ESTYLE && (!all->count || strcmp(all->items[0].message,
                                                err->message) != 0))
    FUZZ_FAIL("the first of %zu mistakes is not the one returned",
              all->count);
  for (size_t k = 0; k < all->count; k++) {
    const cm_error *e = &all->items[k];
    if (e->line < 0 || (size_t)e->line > lines || e->col < 0 ||
        !e->message[0])
      FUZZ_FAIL("mistake %zu at %d:%d of %zu lines: '%s'", k, e->line,
                e->col, lines, e->message);
  }
}

/* Parse, check; returns what cm_style_parse did. */
int fuzz_style(const uint8_t *data, size_t size) {
  cm_style *s = NULL;
  cm_error err;
  cm_errors all = {0};
  int rc = cm_style_parse(&s, (const char *)data, size, STYLE_NAME, &err, &all);
  if (rc == CM_OK) {
    if (strcmp(cm_style_name(s), STYLE_NAME) != 0)
      FUZZ_FAIL("the style forgot its name");
    style_check_map(cm_style_map(s));
    style_check_layers(s);
  } else {
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
      lines += data[i] == '\n';
    style_check_errors(rc, &err, &all, lines);
    if (s)
      FUZZ_FAIL("a failed parse left a style");
  }
  cm_style_free(s);
  cm_errors_free(&all);
  return rc;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_style(data, size);
  return 0;
}
#endif
