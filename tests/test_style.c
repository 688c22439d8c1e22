/* Tests of the style module: every kind of mistake and its message, the
 * cascade, selectors and filters, variables, defaults, Layer paths, field
 * references and templates. Input -> output cases live in tables under
 * tests/data (or the directory named by CM_TEST_DATA); the examples in
 * docs/style.md are parsed too. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controlmap/error.h"
#include "controlmap/style.h"
#include "style_internal.h"
#include "support/files.h"
#include "support/table.h"

/* ---- files and tables ------------------------------------------------------- */

/* A file of the source tree, whole; the test fails when it is missing. */
static char *read_text(const char *rel, size_t *len) {
  char path[512];
  char *text = file_read(test_source_path(path, sizeof path, rel), len);
  if (!text)
    fail_msg("cannot open %s", path);
  return text;
}

/* \n is a line break, \xHH a byte, \\ a backslash; other backslashes stay,
 * so that style escapes like \q can be written as they are. */
static void unescape(const char *s, char *out) {
  for (; *s; s++) {
    if (s[0] == '\\' && s[1] == 'n') {
      *out++ = '\n';
      s++;
    } else if (s[0] == '\\' && s[1] == '\\') {
      *out++ = '\\';
      s++;
    } else if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
      char hex[3] = {s[2], s[3], 0};
      *out++ = (char)strtol(hex, NULL, 16);
      s += 3;
    } else {
      *out++ = *s;
    }
  }
  *out = '\0';
}

/* ---- features ------------------------------------------------------------------ */

typedef struct attrs {
  char text[512];
  const char *key[16], *value[16];
  int count;
} attrs;

/* "field=value;field=value", or "-" for a feature without fields. */
static void set_attrs(attrs *a, const char *spec) {
  a->count = 0;
  snprintf(a->text, sizeof a->text, "%s", strcmp(spec, "-") == 0 ? "" : spec);
  for (char *p = a->text; *p && a->count < 16;) {
    char *end = p + strcspn(p, ";");
    int last = *end == '\0';
    *end = '\0';
    char *eq = strchr(p, '=');
    assert_non_null(eq);
    *eq = '\0';
    a->key[a->count] = p;
    a->value[a->count++] = eq + 1;
    if (last)
      break;
    p = end + 1;
  }
}

static const char *get_attr(void *ud, const char *field) {
  const attrs *a = ud;
  for (int k = 0; k < a->count; k++)
    if (strcmp(a->key[k], field) == 0)
      return a->value[k];
  return NULL;
}

static cm_style *parse_named(const char *text, const char *name) {
  cm_style *s = NULL;
  cm_error err;
  char buf[2048];
  int rc = cm_style_parse(&s, text, strlen(text), name, &err, NULL);
  if (rc != CM_OK)
    fail_msg("%s", cm_error_format(&err, buf, sizeof buf));
  return s;
}

static cm_style *parse_ok(const char *text) { return parse_named(text, "t.mss"); }

static void assert_color(cm_color c, double r, double g, double b, double a) {
  assert_true(fabs(c.r - r / 255) < 1e-6 && fabs(c.g - g / 255) < 1e-6 &&
              fabs(c.b - b / 255) < 1e-6 && fabs(c.a - a) < 1e-6);
}

static void assert_length(cm_length len, double value, cm_unit unit) {
  assert_true(fabs(len.value - value) < 1e-9);
  assert_int_equal(len.unit, unit);
}

/* ---- mistakes ------------------------------------------------------------------ */

static void every_mistake_has_its_message(void **state) {
  (void)state;
  table r;
  table_start(&r, "style_errors.txt", 0);
  int cases = 0, wrong = 0;
  while (table_next(&r)) {
    assert_int_equal(r.nfields, 2);
    char text[2048], got[2048];
    unescape(r.field[0], text);
    cm_style *s = NULL;
    cm_error err;
    int rc = cm_style_parse(&s, text, strlen(text), "t.mss", &err, NULL);
    cases++;
    if (rc != CM_ESTYLE) {
      print_error("style_errors.txt:%d: parsed without a mistake\n", r.number);
      cm_style_free(s);
      wrong++;
      continue;
    }
    assert_null(s);
    assert_string_equal(err.file, "t.mss");
    cm_error_format(&err, got, sizeof got);
    if (strcmp(got + strlen("t.mss:"), r.field[1]) != 0) {
      print_error("style_errors.txt:%d:\n  expected %s\n  got      %s\n", r.number, r.field[1],
                  got + strlen("t.mss:"));
      wrong++;
    }
  }
  table_close(&r);
  assert_int_equal(wrong, 0);
  assert_true(cases >= 40);
}

static void parsing_goes_on_after_a_mistake(void **state) {
  (void)state;
  const char *text = "Layer#a { file: \"a.shp\"; }\n"
                     "#b { line-width: 1; }\n"          /* unknown layer, found last */
                     "#a { line-widht: 1; polygon-fill: gren; }\n"
                     "Map { dpi: 0; legend: middle; }\n";
  cm_style *s = NULL;
  cm_error err;
  cm_errors all = {NULL, 0, 0};
  assert_int_equal(cm_style_parse(&s, text, strlen(text), "t.mss", &err, &all), CM_ESTYLE);
  assert_null(s);
  assert_int_equal(all.count, 5);
  /* In the order of the file, whenever they were found. */
  int lines[] = {2, 3, 3, 4, 4}, cols[] = {1, 6, 35, 12, 23};
  for (size_t k = 0; k < all.count; k++) {
    assert_int_equal(all.items[k].code, CM_ESTYLE);
    assert_int_equal(all.items[k].line, lines[k]);
    assert_int_equal(all.items[k].col, cols[k]);
  }
  assert_string_equal(err.message, all.items[0].message);
  assert_string_equal(err.message, "unknown layer 'b'");
  cm_errors_free(&all);
}

static void too_many_mistakes_are_capped(void **state) {
  (void)state;
  char text[4096] = "";
  for (int k = 0; k < 150; k++)
    strcat(text, "~\n");
  cm_style *s = NULL;
  cm_error err;
  cm_errors all = {NULL, 0, 0};
  assert_int_equal(cm_style_parse(&s, text, strlen(text), "t.mss", &err, &all), CM_ESTYLE);
  assert_int_equal(all.count, 100);
  assert_string_equal(all.items[99].message, "51 more mistakes not listed");
  assert_int_equal(all.items[98].line, 99);
  cm_errors_free(&all);
}

/* Hostile nesting is refused with a message, not a blown stack. */
static void deep_nesting_is_refused(void **state) {
  (void)state;
  char text[8192] = "Layer#a { file: \"a.shp\"; }\n#a {";
  for (int k = 0; k < 200; k++)
    strcat(text, " [k = 1] {");
  for (int k = 0; k <= 200; k++)
    strcat(text, " }");
  cm_style *s = NULL;
  cm_error err;
  assert_int_equal(cm_style_parse(&s, text, strlen(text), "t.mss", &err, NULL), CM_ESTYLE);
  assert_string_equal(err.message, "rules nested more than 32 deep");

  char vars[8192] = "";
  for (int k = 0; k < 100; k++)
    snprintf(vars + strlen(vars), sizeof vars - strlen(vars), "@v%d: @v%d;\n", k, k + 1);
  strcat(vars, "@v100: red;\n");
  assert_int_equal(cm_style_parse(&s, vars, strlen(vars), "t.mss", &err, NULL), CM_ESTYLE);
  assert_string_equal(err.message, "variables nested more than 32 deep");
}

static void loading_reports_every_mistake_in_a_file(void **state) {
  (void)state;
  char path[512];
  test_source_path(path, sizeof path, "tests/fixtures/styles/mistakes.mss");
  cm_style *s = NULL;
  cm_error err;
  cm_errors all = {NULL, 0, 0};
  assert_int_equal(cm_style_load(&s, path, &err, &all), CM_ESTYLE);
  assert_null(s);
  assert_int_equal(all.count, 3);
  assert_string_equal(err.file, path);
  assert_int_equal(err.line, 3);
  assert_int_equal(err.col, 8);
  assert_string_equal(all.items[1].hint, "did you mean 'line-width'?");
  assert_string_equal(all.items[2].message, "unknown colour 'gren'");
  cm_errors_free(&all);
}

static void a_missing_file_cannot_be_read(void **state) {
  (void)state;
  cm_style *s = (cm_style *)&s;
  cm_error err;
  cm_errors all = {NULL, 0, 0};
  assert_int_equal(cm_style_load(&s, "no/such/style.mss", &err, &all), CM_EIO);
  assert_null(s);
  assert_int_equal(err.code, CM_EIO);
  assert_string_equal(err.file, "no/such/style.mss");
  assert_string_equal(err.message, "cannot read style: No such file or directory");
  assert_int_equal(all.count, 1);
  cm_errors_free(&all);
}

/* ---- whole styles --------------------------------------------------------------- */

static void the_design_example_parses(void **state) {
  (void)state;
  char path[512];
  test_source_path(path, sizeof path, "tests/fixtures/styles/example.mss");
  cm_style *s = NULL;
  cm_error err;
  char buf[2048];
  if (cm_style_load(&s, path, &err, NULL) != CM_OK)
    fail_msg("%s", cm_error_format(&err, buf, sizeof buf));
  const cm_map_settings *m = cm_style_map(s);
  assert_string_equal(m->srs, "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84");
  assert_true(m->has_extent && !m->extent_projected);
  assert_true(m->extent[0] == 44.9 && m->extent[1] == 38.7 && m->extent[2] == 47.6 &&
              m->extent[3] == 40.6);
  assert_length(m->page_width, 170, CM_UNIT_MM);
  assert_length(m->page_height, 125, CM_UNIT_MM);
  assert_true(m->dpi == 300);
  assert_color(m->background, 0xdb, 0xe7, 0xf0, 1);
  assert_string_equal(m->lang, "en");
  assert_string_equal(m->title, "Nagorno-Karabakh: control on {date}");
  assert_int_equal(m->legend, CM_CORNER_BOTTOM_LEFT);
  assert_int_equal(m->scale_bar, CM_CORNER_BOTTOM_RIGHT);
  assert_int_equal(m->north_arrow, CM_CORNER_TOP_RIGHT);
  assert_true(m->graticule == 0.5);
  assert_string_equal(m->inset_layer, "countries");
  assert_true(m->inset_extent[0] == 38 && m->inset_extent[3] == 44);
  assert_int_equal(m->inset, CM_CORNER_TOP_LEFT);
  assert_string_equal(m->attribution, "Boundaries: Natural Earth; geoBoundaries (CC BY 4.0)");

  assert_int_equal(cm_style_layer_count(s), 3);
  const cm_style_layer *control = cm_style_layer_at(s, 1);
  assert_string_equal(control->name, "control");
  assert_string_equal(control->time_start, "start");
  assert_string_equal(control->time_end, "end");
  assert_null(cm_style_layer_at(s, 0)->time_start);
  assert_null(cm_style_layer_at(s, 3));

  attrs a;
  cm_symbolizer sym;
  set_attrs(&a, "holder=RUS-PK");
  assert_int_equal(cm_style_resolve(s, "control", get_attr, &a, &sym), 1);
  assert_int_equal(sym.set, CM_PROP_POLYGON_PATTERN | CM_PROP_LEGEND);
  assert_int_equal(sym.polygon_pattern.kind, CM_PATTERN_HATCH);
  assert_true(sym.polygon_pattern.angle == 45);
  assert_color(sym.polygon_pattern.color, 0x55, 0x55, 0x55, 1);
  assert_length(sym.polygon_pattern.width, 0.3, CM_UNIT_PT);
  assert_length(sym.polygon_pattern.spacing, 2, CM_UNIT_MM);
  assert_string_equal(sym.legend, "Russian peacekeeping zone");
  set_attrs(&a, "holder=ARM");
  assert_int_equal(cm_style_resolve(s, "control", get_attr, &a, &sym), 1);
  assert_color(sym.polygon_fill, 0xe6, 0xa4, 0x9c, 1);
  set_attrs(&a, "rank=2;name_en=Shusha");
  assert_int_equal(cm_style_resolve(s, "places", get_attr, &a, &sym), 1);
  assert_string_equal(sym.text_name, "{name}");
  assert_length(sym.text_halo_radius, 1, CM_UNIT_PT);
  assert_color(sym.text_halo_fill, 255, 255, 255, 1);
  set_attrs(&a, "rank=3");
  assert_int_equal(cm_style_resolve(s, "places", get_attr, &a, &sym), 0);
  cm_style_free(s);
}

/* Every ```mss block of the reference is a whole style that must parse. */
static void the_reference_examples_parse(void **state) {
  (void)state;
  size_t len;
  char *doc = read_text("docs/style.md", &len);
  int examples = 0;
  for (char *p = strstr(doc, "```mss\n"); p; p = strstr(p, "```mss\n")) {
    char *start = p + strlen("```mss\n"), *end = strstr(start, "```");
    assert_non_null(end);
    cm_style *s = NULL;
    cm_error err;
    char buf[2048];
    if (cm_style_parse(&s, start, (size_t)(end - start), "docs/style.md", &err, NULL) != CM_OK)
      fail_msg("example %d of docs/style.md: %s", examples + 1,
               cm_error_format(&err, buf, sizeof buf));
    cm_style_free(s);
    examples++;
    p = end + 3;
  }
  free(doc);
  assert_true(examples >= 3);
}

/* The reference names every property and every keyword the tables know. */
static void the_reference_covers_every_property(void **state) {
  (void)state;
  size_t len;
  char *doc = read_text("docs/style.md", &len);
  style_block blocks[] = {STYLE_BLOCK_MAP, STYLE_BLOCK_LAYER, STYLE_BLOCK_RULE};
  int missing = 0;
  for (size_t b = 0; b < 3; b++) {
    size_t n;
    const style_prop *props = cm__style_props(blocks[b], &n);
    for (size_t k = 0; k < n; k++) {
      char quoted[80];
      snprintf(quoted, sizeof quoted, "`%s`", props[k].name);
      if (!strstr(doc, quoted)) {
        print_error("docs/style.md does not describe %s\n", quoted);
        missing++;
      }
      for (const style_keyword *kw = props[k].keywords; kw && kw->name; kw++) {
        snprintf(quoted, sizeof quoted, "`%s`", kw->name);
        if (!strstr(doc, quoted)) {
          print_error("docs/style.md does not name %s of %s\n", quoted, props[k].name);
          missing++;
        }
      }
    }
  }
  free(doc);
  assert_int_equal(missing, 0);
}

/* ---- values ------------------------------------------------------------------------ */

static void colours_are_read(void **state) {
  (void)state;
  table r;
  table_start(&r, "style_colors.txt", 0);
  int cases = 0;
  while (table_next(&r)) {
    assert_int_equal(r.nfields, 3);
    char text[512];
    snprintf(text, sizeof text, "Layer#a { file: \"a.shp\"; }\n#a { polygon-fill: %s; }",
             r.field[0]);
    cm_style *s = NULL;
    cm_error err;
    int rc = cm_style_parse(&s, text, strlen(text), "t.mss", &err, NULL);
    cases++;
    if (strcmp(r.field[1], "error") == 0) {
      if (rc != CM_ESTYLE)
        fail_msg("style_colors.txt:%d: %s was taken as a colour", r.number, r.field[0]);
      continue;
    }
    if (rc != CM_OK)
      fail_msg("style_colors.txt:%d: %s: %s", r.number, r.field[0], err.message);
    double red, green, blue;
    assert_int_equal(sscanf(r.field[1], "%lf %lf %lf", &red, &green, &blue), 3);
    cm_symbolizer sym;
    assert_int_equal(cm_style_resolve(s, "a", NULL, NULL, &sym), 1);
    if (fabs(sym.polygon_fill.r * 255 - red) > 1e-6 ||
        fabs(sym.polygon_fill.g * 255 - green) > 1e-6 ||
        fabs(sym.polygon_fill.b * 255 - blue) > 1e-6 ||
        fabs(sym.polygon_fill.a - atof(r.field[2])) > 1e-5)
      fail_msg("style_colors.txt:%d: %s gave %g %g %g %g", r.number, r.field[0],
               sym.polygon_fill.r * 255, sym.polygon_fill.g * 255, sym.polygon_fill.b * 255,
               sym.polygon_fill.a);
    cm_style_free(s);
  }
  table_close(&r);
  assert_true(cases >= 20);
}

static void all_css_colour_names_are_known(void **state) {
  (void)state;
  size_t n = 0;
  while (cm__style_color_name_at(n))
    n++;
  assert_int_equal(n, 148);
  for (size_t k = 1; k < n; k++) /* sorted, so the lookup can bisect */
    assert_true(strcmp(cm__style_color_name_at(k - 1), cm__style_color_name_at(k)) < 0);
  cm_color c;
  for (size_t k = 0; k < n; k++)
    assert_int_equal(cm__style_color_name(cm__style_color_name_at(k), &c), 0);
}

static void rule_values_are_read(void **state) {
  (void)state;
  cm_style *s = parse_ok("Layer#a { file: \"a.shp\"; }\n"
                         "#a {\n"
                         "  line-width: 0.4pt; line-opacity: 0.5; line-color: #8c8c8c;\n"
                         "  line-dasharray: 4, 2 1mm; line-join: round; line-cap: square;\n"
                         "  marker-type: ellipse; marker-width: 3px; marker-fill: white;\n"
                         "  marker-line-color: black; marker-line-width: 0.01in;\n"
                         "  text-face-name: \"Noto Naskh Arabic\"; text-size: 9;\n"
                         "  text-fill: #222; text-halo-fill: rgba(255, 255, 255, 0.8);\n"
                         "  text-halo-radius: 1.5pt; text-dx: -2mm; text-dy: 3;\n"
                         "  text-placement: interior; text-priority: -2;\n"
                         "  polygon-opacity: 0.7; polygon-pattern: cross-hatch(-30, red, 1px, 0.1in);\n"
                         "}\n");
  cm_symbolizer v;
  assert_int_equal(cm_style_resolve(s, "a", NULL, NULL, &v), 1);
  assert_length(v.line_width, 0.4, CM_UNIT_PT);
  assert_true(v.line_opacity == 0.5);
  assert_int_equal(v.line_dash_count, 3);
  assert_length(v.line_dasharray[0], 4, CM_UNIT_PT);
  assert_length(v.line_dasharray[2], 1, CM_UNIT_MM);
  assert_int_equal(v.line_join, CM_JOIN_ROUND);
  assert_int_equal(v.line_cap, CM_CAP_SQUARE);
  assert_int_equal(v.marker_type, CM_MARKER_CIRCLE);
  assert_length(v.marker_width, 3, CM_UNIT_PX);
  assert_length(v.marker_line_width, 0.01, CM_UNIT_IN);
  assert_string_equal(v.text_face_name, "Noto Naskh Arabic");
  assert_length(v.text_size, 9, CM_UNIT_PT);
  assert_color(v.text_halo_fill, 255, 255, 255, 0.8);
  assert_length(v.text_dx, -2, CM_UNIT_MM);
  assert_length(v.text_dy, 3, CM_UNIT_PT);
  assert_int_equal(v.text_placement, CM_PLACE_INTERIOR);
  assert_true(v.text_priority == -2);
  assert_true(v.polygon_opacity == 0.7);
  assert_int_equal(v.polygon_pattern.kind, CM_PATTERN_CROSS);
  assert_true(v.polygon_pattern.angle == -30);
  assert_length(v.polygon_pattern.spacing, 0.1, CM_UNIT_IN);
  assert_false(v.set & (CM_PROP_POLYGON_FILL | CM_PROP_TEXT_NAME | CM_PROP_LEGEND));
  assert_true(v.set & CM_PROP_POLYGON_PATTERN);
  assert_true(v.set & CM_PROP_TEXT_PRIORITY);
  cm_style_free(s);
}

static void map_values_are_read(void **state) {
  (void)state;
  cm_style *s = parse_ok("Layer#world { file: \"w.shp\"; }\n"
                         "Map {\n"
                         "  srs: \"EPSG:32638\"; extent: 300000 4300000 560000 4500000 projected;\n"
                         "  page: 1920px 1080px; dpi: 96; margin: 0; background-color: #ffffff00;\n"
                         "  lang: \"ar\"; digits: western; font: \"Noto Sans Arabic\";\n"
                         "  title: \"السيطرة\"; subtitle: \"{date:%Y}\";\n"
                         "  legend: top-left; legend-classes: all; scale-bar: none;\n"
                         "  north-arrow: bottom-right; graticule: 0;\n"
                         "  inset: \"world\" -10 30 60 60 bottom-left;\n"
                         "}\n");
  const cm_map_settings *m = cm_style_map(s);
  assert_string_equal(m->srs, "EPSG:32638");
  assert_true(m->has_extent && m->extent_projected && m->extent[3] == 4500000);
  assert_length(m->page_width, 1920, CM_UNIT_PX);
  assert_length(m->page_height, 1080, CM_UNIT_PX);
  assert_true(m->dpi == 96);
  assert_length(m->margin, 0, CM_UNIT_PT);
  assert_color(m->background, 255, 255, 255, 0);
  assert_string_equal(m->lang, "ar");
  assert_int_equal(m->digits, CM_DIGITS_WESTERN);
  assert_string_equal(m->font, "Noto Sans Arabic");
  assert_string_equal(m->title, "السيطرة");
  assert_string_equal(m->subtitle, "{date:%Y}");
  assert_int_equal(m->legend, CM_CORNER_TOP_LEFT);
  assert_int_equal(m->legend_all, 1);
  assert_int_equal(m->scale_bar, CM_CORNER_NONE);
  assert_int_equal(m->north_arrow, CM_CORNER_BOTTOM_RIGHT);
  assert_int_equal(m->inset, CM_CORNER_BOTTOM_LEFT);
  assert_true(m->inset_extent[0] == -10);
  cm_style_free(s);

  s = parse_ok("Map { inset: none; }");
  assert_null(cm_style_map(s)->inset_layer);
  assert_int_equal(cm_style_map(s)->inset, CM_CORNER_NONE);
  cm_style_free(s);
}

static void defaults_fill_what_no_rule_gives(void **state) {
  (void)state;
  cm_style *s = parse_ok("Layer#a { file: \"a.shp\"; }\n#a[k = 1] { line-width: 3pt; }");
  const cm_map_settings *m = cm_style_map(s);
  assert_null(m->srs);
  assert_false(m->has_extent);
  assert_length(m->page_width, 170, CM_UNIT_MM);
  assert_length(m->page_height, 125, CM_UNIT_MM);
  assert_true(m->dpi == 300);
  assert_color(m->background, 255, 255, 255, 1);
  assert_string_equal(m->lang, "en");
  assert_int_equal(m->digits, CM_DIGITS_DEFAULT);
  assert_string_equal(m->font, "Noto Sans");
  assert_null(m->title);
  assert_int_equal(m->legend, CM_CORNER_BOTTOM_LEFT);
  assert_int_equal(m->scale_bar, CM_CORNER_BOTTOM_RIGHT);
  assert_int_equal(m->north_arrow, CM_CORNER_NONE);
  assert_int_equal(m->legend_all, 0);
  assert_null(m->inset_layer);
  assert_int_equal(m->inset, CM_CORNER_NONE);
  assert_length(m->margin, 4, CM_UNIT_MM);

  attrs a;
  set_attrs(&a, "k=2");
  cm_symbolizer v;
  memset(&v, 0xAB, sizeof v);
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 0);
  assert_int_equal(v.set, 0);
  assert_color(v.polygon_fill, 128, 128, 128, 1);
  assert_true(v.polygon_opacity == 1);
  assert_int_equal(v.polygon_pattern.kind, CM_PATTERN_NONE);
  assert_color(v.line_color, 0, 0, 0, 1);
  assert_length(v.line_width, 1, CM_UNIT_PT);
  assert_true(v.line_opacity == 1);
  assert_int_equal(v.line_dash_count, 0);
  assert_int_equal(v.line_join, CM_JOIN_MITER);
  assert_int_equal(v.line_cap, CM_CAP_BUTT);
  assert_int_equal(v.marker_type, CM_MARKER_CIRCLE);
  assert_length(v.marker_width, 2, CM_UNIT_MM);
  assert_color(v.marker_fill, 0, 0, 0, 1);
  assert_color(v.marker_line_color, 255, 255, 255, 1);
  assert_length(v.marker_line_width, 0, CM_UNIT_PT);
  assert_null(v.text_name);
  assert_null(v.text_face_name);
  assert_length(v.text_size, 8, CM_UNIT_PT);
  assert_color(v.text_halo_fill, 255, 255, 255, 1);
  assert_length(v.text_halo_radius, 0, CM_UNIT_PT);
  assert_int_equal(v.text_placement, CM_PLACE_POINT);
  assert_true(v.text_priority == 0);
  assert_null(v.legend);
  assert_int_equal(cm_style_resolve(s, "other", get_attr, &a, &v), 0);
  cm_style_free(s);
}

static void lengths_convert_to_points(void **state) {
  (void)state;
  assert_true(cm_length_pt((cm_length){3, CM_UNIT_PT}, 300) == 3);
  assert_true(fabs(cm_length_pt((cm_length){25.4, CM_UNIT_MM}, 300) - 72) < 1e-9);
  assert_true(cm_length_pt((cm_length){0.5, CM_UNIT_IN}, 300) == 36);
  assert_true(fabs(cm_length_pt((cm_length){300, CM_UNIT_PX}, 300) - 72) < 1e-9);
  assert_true(fabs(cm_length_pt((cm_length){96, CM_UNIT_PX}, 96) - 72) < 1e-9);
}

/* ---- variables, the cascade and selectors -------------------------------------------- */

static void variables_stand_for_their_value(void **state) {
  (void)state;
  cm_style *s = parse_ok("@border: @grey;\n"   /* used before it is defined */
                         "@grey: #8c8c8c;\n"
                         "@thin: 0.4pt;\n"
                         "@cut: 2020-11-10;\n"
                         "@who: \"ARM\";\n"
                         "@file: \"a.shp\";\n"
                         "Layer#a { file: @file; }\n"
                         "#a[holder = @who][start >= @cut] { line-color: @border; line-width: @thin;\n"
                         "  polygon-pattern: hatch(45, @grey, @thin, 2mm); }\n");
  attrs a;
  cm_symbolizer v;
  set_attrs(&a, "holder=ARM;start=2020-12-01");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 1);
  assert_color(v.line_color, 0x8c, 0x8c, 0x8c, 1);
  assert_length(v.line_width, 0.4, CM_UNIT_PT);
  assert_length(v.polygon_pattern.width, 0.4, CM_UNIT_PT);
  assert_string_equal(cm_style_layer_at(s, 0)->file, "a.shp");
  set_attrs(&a, "holder=ARM;start=2020-11-09");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 0);
  cm_style_free(s);
}

/* A hatch spacing in px means a different length at every dpi: judged
 * where the map is drawn, at each place it is used (a variable's, where
 * the rule names the variable). */
static void px_hatches_judged_at_the_dpi(void **state) {
  (void)state;
  cm_style *s = parse_ok("Map { dpi: 150; }\n"
                         "@h: hatch(45, #555, 0.1px, 2px);\n"
                         "Layer#a { file: \"a.shp\"; }\n"
                         "#a { polygon-pattern: @h; }\n"
                         "#a[k = 1] { polygon-pattern: @h; }\n"
                         "#a[k = 2] { polygon-pattern: cross-hatch(0, #555, 0.2mm, 4px); }\n"
                         "#a[k = 3] { polygon-pattern: hatch(0, #555, 0.01mm, 2mm); }\n");
  cm_error err;
  cm_errors all = {0};
  /* 150 dpi: 2px is 0.34 mm, 4px 0.68 mm */
  assert_int_equal(cm_style_check_dpi(s, 0, &err, &all), CM_OK);
  assert_int_equal(all.count, 0);
  /* 1200 dpi: 2px is 0.042 mm (finer than 0.05 mm); 4px 0.085 mm, under
   * the width of 0.2 mm */
  assert_int_equal(cm_style_check_dpi(s, 1200, &err, &all), CM_ESTYLE);
  assert_int_equal(err.line, 4);
  assert_int_equal(err.col, 23);
  assert_non_null(strstr(err.message, "hatch spacing 2px is 0.0423mm at 1200 dpi, finer than 0.05mm"));
  assert_int_equal(all.count, 3);
  assert_int_equal(all.items[1].line, 5);
  assert_int_equal(all.items[2].line, 6);
  assert_non_null(strstr(all.items[2].message, "less than the line width"));
  cm_errors_free(&all);
  /* the dpi a render sets is the one judged by default */
  assert_int_equal(cm_style_set_dpi(s, 600), CM_OK);
  assert_int_equal(cm_style_check_dpi(s, 0, &err, NULL), CM_ESTYLE);
  assert_int_equal(err.line, 6); /* 4px is 0.17 mm, under 0.2 mm; 2px is 0.085 */
  cm_style_free(s);
}

static void later_rules_win(void **state) {
  (void)state;
  cm_style *s = parse_ok("Layer#a { file: \"a.shp\"; }\n"
                         "#a { polygon-fill: red; line-width: 1pt; legend: \"all\"; }\n"
                         "#a[k = \"x\"] { polygon-fill: blue; }\n"
                         "#a { line-width: 2pt; }\n"
                         "#a { line-width: 3pt; line-width: 4pt; }\n");
  attrs a;
  cm_symbolizer v;
  set_attrs(&a, "k=x");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 4);
  assert_color(v.polygon_fill, 0, 0, 255, 1);
  assert_length(v.line_width, 4, CM_UNIT_PT);
  assert_string_equal(v.legend, "all");
  assert_int_equal(v.set, CM_PROP_POLYGON_FILL | CM_PROP_LINE_WIDTH | CM_PROP_LEGEND);
  set_attrs(&a, "k=y");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 3);
  assert_color(v.polygon_fill, 255, 0, 0, 1);
  cm_style_free(s);
}

static void commas_join_selectors(void **state) {
  (void)state;
  cm_style *s = parse_ok("Layer#a { file: \"a.shp\"; }\nLayer#b { file: \"b.shp\"; }\n"
                         "#a[k = \"x\"], #b, #a[n > 5] { line-color: red; }\n");
  attrs a;
  cm_symbolizer v;
  set_attrs(&a, "k=x");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 1);
  assert_true(v.set & CM_PROP_LINE_COLOR);
  set_attrs(&a, "k=y;n=6");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 1);
  set_attrs(&a, "k=y;n=5");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 0);
  assert_false(v.set & CM_PROP_LINE_COLOR);
  assert_int_equal(cm_style_resolve(s, "b", get_attr, &a, &v), 1);
  cm_style_free(s);
}

static void nested_rules_add_filters(void **state) {
  (void)state;
  cm_style *s = parse_ok("Layer#a { file: \"a.shp\"; }\nLayer#b { file: \"b.shp\"; }\n"
                         "#a, #b {\n"
                         "  line-width: 1;\n"
                         "  [kind = \"city\"] { line-width: 2; [rank <= 1] { line-width: 3; } }\n"
                         "  line-color: red;\n" /* still the outer rule */
                         "}\n");
  attrs a;
  cm_symbolizer v;
  set_attrs(&a, "kind=city;rank=1");
  assert_int_equal(cm_style_resolve(s, "b", get_attr, &a, &v), 3);
  assert_length(v.line_width, 3, CM_UNIT_PT);
  assert_true(v.set & CM_PROP_LINE_COLOR);
  set_attrs(&a, "kind=city;rank=2");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 2);
  assert_length(v.line_width, 2, CM_UNIT_PT);
  set_attrs(&a, "kind=town;rank=1");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 1);
  assert_length(v.line_width, 1, CM_UNIT_PT);
  cm_style_free(s);
}

static void filters_compare_text_numbers_and_dates(void **state) {
  (void)state;
  table r;
  table_start(&r, "style_filters.txt", 0);
  int cases = 0;
  while (table_next(&r)) {
    assert_int_equal(r.nfields, 3);
    char text[1024];
    snprintf(text, sizeof text, "Layer#a { file: \"a.shp\"; }\n#a%s { line-width: 2; }",
             r.field[0]);
    cm_style *s = parse_ok(text);
    attrs a;
    cm_symbolizer v;
    set_attrs(&a, r.field[1]);
    int want = strcmp(r.field[2], "match") == 0;
    if (cm_style_resolve(s, "a", get_attr, &a, &v) != want)
      fail_msg("style_filters.txt:%d: %s with %s should %s", r.number, r.field[0], r.field[1],
               want ? "match" : "not match");
    cm_style_free(s);
    cases++;
  }
  table_close(&r);
  assert_true(cases >= 30);
}

static void name_filters_follow_the_map_language(void **state) {
  (void)state;
  cm_style *s = parse_ok("Map { lang: hy; }\nLayer#a { file: \"a.shp\"; }\n"
                         "#a[name = \"Շուշի\"] { line-width: 2; }");
  attrs a;
  cm_symbolizer v;
  set_attrs(&a, "name_en=Shusha;name_hy=Շուշի");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 1);
  set_attrs(&a, "name_en=Shusha");
  assert_int_equal(cm_style_resolve(s, "a", get_attr, &a, &v), 0);
  cm_style_free(s);
}

/* ---- layers and fields ------------------------------------------------------------------ */

static void layer_files_are_found_next_to_the_style(void **state) {
  (void)state;
  const char *text = "Layer#a { file: \"../shapes/a.shp\"; }\n"
                     "Layer#b { file: \"/data/b.shp\"; }\n"
                     "Layer#c { file: \"c.shp\"; }\n";
  cm_style *s = parse_named(text, "styles/paper.mss");
  assert_string_equal(cm_style_name(s), "styles/paper.mss");
  assert_string_equal(cm_style_layer_at(s, 0)->file, "styles/../shapes/a.shp");
  assert_string_equal(cm_style_layer_at(s, 1)->file, "/data/b.shp");
  assert_string_equal(cm_style_layer_at(s, 2)->file, "styles/c.shp");
  assert_int_equal(cm_style_layer_at(s, 2)->line, 3);
  assert_int_equal(cm_style_layer_at(s, 2)->col, 1);
  cm_style_free(s);
  s = parse_named(text, "paper.mss");
  assert_string_equal(cm_style_layer_at(s, 0)->file, "../shapes/a.shp");
  cm_style_free(s);
  s = parse_named(text, "/srv/maps/paper.mss");
  assert_string_equal(cm_style_layer_at(s, 2)->file, "/srv/maps/c.shp");
  cm_style_free(s);
}

static void field_references_are_listed(void **state) {
  (void)state;
  cm_style *s = parse_ok("Map { title: \"{date} {region}\"; }\n"
                         "Layer#a { file: \"a.shp\"; }\nLayer#b { file: \"b.shp\"; }\n"
                         "#a[rank <= 2], #b { text-name: [name] + \" ({alt_en}, {date:%Y})\"; }\n"
                         "#b { legend: \"{{not}} {kind}\"; }\n");
  struct {
    const char *layer, *field;
    int line, col;
  } want[] = {
      {NULL, "region", 1, 23},
      {"a", "rank", 4, 4},
      {"a", "name", 4, 33}, {"b", "name", 4, 33},
      {"a", "alt_en", 4, 45}, {"b", "alt_en", 4, 45},
      {"b", "kind", 5, 24},
  };
  size_t n = sizeof want / sizeof want[0];
  assert_int_equal(cm_style_field_ref_count(s), n);
  for (size_t k = 0; k < n; k++) {
    const cm_field_ref *r = cm_style_field_ref_at(s, k);
    if (want[k].layer)
      assert_string_equal(r->layer, want[k].layer);
    else
      assert_null(r->layer);
    assert_string_equal(r->field, want[k].field);
    assert_int_equal(r->line, want[k].line);
    assert_int_equal(r->col, want[k].col);
  }
  assert_null(cm_style_field_ref_at(s, n));
  cm_style_free(s);
}

/* ---- templates ------------------------------------------------------------------------- */

static void text_names_become_templates(void **state) {
  (void)state;
  cm_style *s = parse_ok("Layer#a { file: \"a.shp\"; }\n"
                         "#a { text-name: [name] + ' / ' + [alt_en] + \" {{x}} \\\"q\\\"\"; }");
  cm_symbolizer v;
  cm_style_resolve(s, "a", NULL, NULL, &v);
  assert_string_equal(v.text_name, "{name} / {alt_en} {{x}} \"q\"");
  attrs a;
  set_attrs(&a, "name_en=Stepanakert;alt_en=Khankendi");
  char buf[128];
  cm_style_expand(buf, sizeof buf, v.text_name, get_attr, &a, "en", CM_DIGITS_DEFAULT, 0);
  assert_string_equal(buf, "Stepanakert / Khankendi {x} \"q\"");
  cm_style_free(s);
}

static cm_digits digits_named(const char *name) {
  if (strcmp(name, "western") == 0)
    return CM_DIGITS_WESTERN;
  if (strcmp(name, "arabic-indic") == 0)
    return CM_DIGITS_ARABIC_INDIC;
  assert_string_equal(name, "default");
  return CM_DIGITS_DEFAULT;
}

static void templates_expand(void **state) {
  (void)state;
  table r;
  table_start(&r, "style_templates.txt", 0);
  int cases = 0;
  while (table_next(&r)) {
    assert_int_equal(r.nfields, 6);
    attrs a;
    set_attrs(&a, r.field[1]);
    int y, m, d;
    assert_int_equal(sscanf(r.field[4], "%d-%d-%d", &y, &m, &d), 3);
    char buf[512];
    size_t need = cm_style_expand(buf, sizeof buf, r.field[0], get_attr, &a, r.field[2],
                                  digits_named(r.field[3]), cm_date_from_ymd(y, m, d));
    if (strcmp(buf, r.field[5]) != 0)
      fail_msg("style_templates.txt:%d: expected '%s', got '%s'", r.number, r.field[5], buf);
    assert_int_equal(need, strlen(r.field[5]));
    cases++;
  }
  table_close(&r);
  assert_true(cases >= 15);
}

static void expansion_is_cut_between_characters(void **state) {
  (void)state;
  attrs a;
  set_attrs(&a, "name_ar=شوشا");
  char buf[6];
  /* "شوشا" is 8 bytes; 5 fit, which would split the third letter. */
  size_t need = cm_style_expand(buf, sizeof buf, "{name}", get_attr, &a, "ar",
                                CM_DIGITS_DEFAULT, 0);
  assert_int_equal(need, 8);
  assert_string_equal(buf, "شو");
  assert_int_equal(cm_style_expand(NULL, 0, "ab{name}", get_attr, &a, "ar", 0, 0), 10);
  char one[1] = {'x'};
  assert_int_equal(cm_style_expand(one, 1, "ab", NULL, NULL, NULL, 0, 0), 2);
  assert_int_equal(one[0], '\0');
  assert_int_equal(cm_style_expand(buf, sizeof buf, "{name}", NULL, NULL, "ar", 0, 0), 0);
}

/* Options change the style as it is read: variables, Map properties, and
 * a style with mistakes kept for a check. */
static void overrides_change_the_style_as_read(void **state) {
  (void)state;
  const char *text = "@fill: #e6a49c;\n@w: 0.5pt;\n"
                     "Map { page: 170mm 130mm; title: \"T {date}\"; lang: en; }\n"
                     "Layer#a { file: \"a.shp\"; }\n"
                     "#a { polygon-fill: @fill; line-width: @w; }\n";
  const char *set[] = {"fill=#00ff00", "@w=2mm"};
  const char *map[] = {"page=120mm 90mm", "lang=ar", "title=\"\""};
  cm_style_options opt = {set, 2, map, 3, 0};
  cm_style *s = NULL;
  cm_error err;
  assert_int_equal(cm_style_parse_with(&s, text, strlen(text), "t.mss", &opt, &err, NULL), CM_OK);
  const cm_map_settings *m = cm_style_map(s);
  assert_true(m->page_width.value == 120 && m->page_height.value == 90);
  assert_true(fabs(m->type_basis - 130 * 72 / 25.4) < 1e-9); /* the style's page */
  assert_string_equal(m->lang, "ar");
  assert_null(m->title);
  cm_symbolizer sym;
  cm_style_resolve(s, "a", NULL, NULL, &sym);
  assert_true(sym.polygon_fill.g == 1 && sym.polygon_fill.r == 0);
  assert_true(sym.line_width.value == 2 && sym.line_width.unit == CM_UNIT_MM);
  cm_style_free(s);
}

static void bad_overrides_are_said_under_their_option(void **state) {
  (void)state;
  const char *text = "@fill: #e6a49c;\nLayer#a { file: \"a.shp\"; }\n#a { polygon-fill: @fill; }\n";
  const char *set[] = {"fil=#fff", "fill=2pt"};
  const char *map[] = {"lang=fr"};
  cm_style_options opt = {set, 2, map, 1, 0};
  cm_style *s = NULL;
  cm_error err;
  cm_errors all = {NULL, 0, 0};
  assert_int_equal(cm_style_parse_with(&s, text, strlen(text), "t.mss", &opt, &err, &all),
                   CM_ESTYLE);
  assert_null(s);
  assert_int_equal(all.count, 3);
  const char *files[] = {"--set fil", "--set fill", "--lang"};
  for (size_t k = 0; k < 3; k++) {
    assert_string_equal(all.items[k].file, files[k]);
    assert_int_equal(all.items[k].line, 0);
  }
  assert_string_equal(all.items[0].hint, "did you mean '@fill'?");
  cm_errors_free(&all);
}

static void a_style_with_mistakes_can_be_kept(void **state) {
  (void)state;
  const char *text = "Map { font: \"Serif X\"; }\nLayer#a { file: \"a.shp\"; }\n"
                     "#a[start >= 2020-09-27] { polygon-fil: red; text-face-name: \"Y\"; }\n";
  cm_style_options opt = {NULL, 0, NULL, 0, 1};
  cm_style *s = NULL;
  cm_error err;
  assert_int_equal(cm_style_parse_with(&s, text, strlen(text), "t.mss", &opt, &err, NULL),
                   CM_ESTYLE);
  assert_non_null(s);
  assert_int_equal(cm_style_layer_count(s), 1);
  assert_int_equal(cm_style_date_ref_count(s), 1);
  const cm_date_ref *d = cm_style_date_ref_at(s, 0);
  assert_string_equal(d->field, "start");
  assert_string_equal(d->text, "2020-09-27");
  assert_int_equal(d->day, cm_date_from_ymd(2020, 9, 27));
  assert_int_equal(d->line, 3);
  assert_int_equal(cm_style_font_ref_count(s), 2);
  assert_string_equal(cm_style_font_ref_at(s, 0)->family, "Serif X");
  assert_int_equal(cm_style_font_ref_at(s, 1)->line, 3);
  cm_style_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_mistake_has_its_message),
      cmocka_unit_test(parsing_goes_on_after_a_mistake),
      cmocka_unit_test(too_many_mistakes_are_capped),
      cmocka_unit_test(deep_nesting_is_refused),
      cmocka_unit_test(loading_reports_every_mistake_in_a_file),
      cmocka_unit_test(a_missing_file_cannot_be_read),
      cmocka_unit_test(the_design_example_parses),
      cmocka_unit_test(the_reference_examples_parse),
      cmocka_unit_test(the_reference_covers_every_property),
      cmocka_unit_test(colours_are_read),
      cmocka_unit_test(all_css_colour_names_are_known),
      cmocka_unit_test(rule_values_are_read),
      cmocka_unit_test(map_values_are_read),
      cmocka_unit_test(defaults_fill_what_no_rule_gives),
      cmocka_unit_test(lengths_convert_to_points),
      cmocka_unit_test(variables_stand_for_their_value),
      cmocka_unit_test(later_rules_win),
      cmocka_unit_test(commas_join_selectors),
      cmocka_unit_test(nested_rules_add_filters),
      cmocka_unit_test(filters_compare_text_numbers_and_dates),
      cmocka_unit_test(name_filters_follow_the_map_language),
      cmocka_unit_test(layer_files_are_found_next_to_the_style),
      cmocka_unit_test(field_references_are_listed),
      cmocka_unit_test(text_names_become_templates),
      cmocka_unit_test(templates_expand),
      cmocka_unit_test(expansion_is_cut_between_characters),
      cmocka_unit_test(overrides_change_the_style_as_read),
      cmocka_unit_test(bad_overrides_are_said_under_their_option),
      cmocka_unit_test(a_style_with_mistakes_can_be_kept),
      cmocka_unit_test(px_hatches_judged_at_the_dpi),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
