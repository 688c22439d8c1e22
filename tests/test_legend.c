/* The legend shows each class with the paint the map gives it: for every
 * legend entry, the swatch beside its text has the fill, opacity, hatch,
 * stroke, width and dashes of the rule whose legend text it shows. The
 * expected paint is worked out here from the style's rules and the
 * features on the map, not taken from the legend code. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/layer.h"
#include "support/files.h"
#include "support/fixtures.h"
#include "support/scene.h"
#include "text_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];

static int setup(void **state) { return fixture_dir_map(dir, sizeof dir); }

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

static void same_color(const char *text, const char *what, cm_color got,
                       cm_color want) {
  if (fabs(got.r - want.r) > 1e-6 || fabs(got.g - want.g) > 1e-6 ||
      fabs(got.b - want.b) > 1e-6 || fabs(got.a - want.a) > 1e-6)
    fail_msg("'%s': swatch %s %.3f %.3f %.3f %.3f, the rule's %.3f %.3f %.3f %.3f",
             text, what, got.r, got.g, got.b, got.a, want.r, want.g, want.b,
             want.a);
}

static cm_color faded(cm_color c, double opacity) {
  c.a *= opacity;
  return c;
}

static void same_number(const char *text, const char *what, double got,
                        double want) {
  if (fabs(got - want) > 1e-9)
    fail_msg("'%s': swatch %s %g, the rule's %g", text, what, got, want);
}

/* The swatch's paint against the rule's symbolizer s for a feature of type. */
static void check_paint(const char *text, const cm_paint *p,
                        const cm_symbolizer *s, cm_geom_type type, double dpi) {
  if (type == CM_GEOM_POINT) {
    same_number(text, "fill", p->fill, 1);
    same_color(text, "marker fill", p->fill_color, s->marker_fill);
    return;
  }
  /* An arrow's swatch carries its head, a polygon filled with the line's
   * colour; the path nearest the text may be that head. */
  int arrow = type != CM_GEOM_POLYGON && (s->line_end == CM_LINE_END_ARROW ||
                                          s->line_start == CM_LINE_END_ARROW);
  if (arrow && p->fill && !p->stroke) {
    same_color(text, "arrow head", p->fill_color,
               faded(s->line_color, s->line_opacity));
    return;
  }
  int fill = type == CM_GEOM_POLYGON && (s->set & CM_PROP_POLYGON_FILL);
  int hatch = type == CM_GEOM_POLYGON && (s->set & CM_PROP_POLYGON_PATTERN) &&
              s->polygon_pattern.kind != CM_PATTERN_NONE;
  int stroke = (s->set & (CM_PROP_LINE_COLOR | CM_PROP_LINE_WIDTH)) != 0;
  same_number(text, "fill", p->fill, fill);
  same_number(text, "hatch", p->hatch, hatch);
  same_number(text, "stroke", p->stroke, stroke);
  if (fill)
    same_color(text, "fill", p->fill_color,
               faded(s->polygon_fill, s->polygon_opacity));
  if (hatch) {
    same_color(text, "hatch", p->hatch_color, s->polygon_pattern.color);
    same_number(text, "cross", p->cross,
                s->polygon_pattern.kind == CM_PATTERN_CROSS);
    same_number(text, "hatch angle", p->hatch_angle, s->polygon_pattern.angle);
  }
  if (!stroke)
    return;
  same_color(text, "stroke", p->stroke_color,
             faded(s->line_color, s->line_opacity));
  same_number(text, "line width", p->stroke_width, cm_length_pt(s->line_width, dpi));
  same_number(text, "dash count", p->dash_count, s->line_dash_count);
  for (int i = 0; i < s->line_dash_count && i < p->dash_count; i++)
    same_number(text, "dash", p->dash[i], cm_length_pt(s->line_dasharray[i], dpi));
}

/* The rule's symbolizer behind legend text: the first feature on the map
 * on date whose legend expands to text. 0 when none does. */
static int rule_of(const cm_map *m, const char *text, cm_day date,
                   cm_symbolizer *s, cm_geom_type *type) {
  const cm_style *st = cm_map_style(m);
  const cm_map_settings *ms = cm_style_map(st);
  for (size_t l = 0; l < cm_map_layer_count(m); l++) {
    const cm_layer *layer = cm_map_layer_data(m, l);
    for (size_t f = 0; f < cm_layer_count(layer); f++) {
      cm_feature_ref ref = {layer, f};
      char buf[512];
      if (!cm_map_feature_visible(m, l, f, date) ||
          !cm_style_resolve(st, cm_map_layer_style(m, l)->name, cm_feature_attr,
                            &ref, s) ||
          !(s->set & CM_PROP_LEGEND) || !s->legend)
        continue;
      cm_style_expand(buf, sizeof buf, s->legend, cm_feature_attr, &ref,
                      ms->lang, ms->digits, date);
      if (strcmp(buf, text) == 0) {
        *type = cm_layer_geom_type(layer);
        return 1;
      }
    }
  }
  return 0;
}

/* Every entry of the legend of m on date against its rule; returns how
 * many entries there were. */
static int check_legend(const cm_map *m, const char *date) {
  cm_scene *sc = scene_at(m, date, NULL);
  assert_non_null(sc);
  cm_day day;
  assert_int_equal(cm_date_parse(date, &day, NULL, NULL), 0);
  long g = scene_group(sc, "legend");
  assert_true(g >= 0);
  size_t end = scene_group_end(sc, (size_t)g);
  int entries = 0;
  for (size_t i = (size_t)g; i < end; i++) {
    const cm_item *t = cm_scene_item(sc, i);
    if (t->kind != CM_ITEM_TEXT)
      continue;
    cm_symbolizer s;
    cm_geom_type type = CM_GEOM_POLYGON;
    if (!rule_of(m, t->text, day, &s, &type))
      fail_msg("legend entry '%s' is no class on the map on %s", t->text, date);
    const cm_item *sw = scene_swatch(sc, t);
    if (!sw)
      fail_msg("legend entry '%s' has no swatch", t->text);
    check_paint(t->text, &sw->paint, &s, type, cm_scene_dpi(sc));
    entries++;
  }
  cm_scene_free(sc);
  return entries;
}

static void fixture_swatches_match_rules(void **state) {
  cm_map *m = scene_map(dir, "legend.mss", scene_paint_style);
  assert_non_null(m);
  /* A, C, contact line, border, towns; then B, C, ceasefire line, border. */
  assert_int_equal(check_legend(m, "2000-01-01"), 5);
  assert_int_equal(check_legend(m, "2021-01-01"), 5);
  cm_map_free(m);
}

/* Paths of group id. */
static int paths_in(const cm_scene *sc, const char *id) {
  long g = scene_group(sc, id);
  assert_true(g >= 0);
  int n = 0;
  for (size_t i = (size_t)g; i < scene_group_end(sc, (size_t)g); i++)
    n += cm_scene_item(sc, i)->kind == CM_ITEM_PATH;
  return n;
}

/* With every class asked for, the legend lists the classes of features
 * not on the map that day, and the map still draws only those that are. */
static void every_class_listed_none_drawn(void **state) {
  cm_map *m = scene_map(dir, "legend.mss", scene_paint_style);
  assert_non_null(m);
  cm_compose_options opt = {0};
  assert_int_equal(cm_date_parse("2000-01-01", &opt.date, NULL, NULL), 0);
  opt.legend_all = 1;
  cm_scene *sc;
  cm_error err;
  assert_int_equal(cm_compose(&sc, m, &opt, &err), CM_OK);
  assert_true(scene_text(sc, "legend", "Azerbaijani") >= 0); /* B, from 2020 */
  assert_true(scene_text(sc, "legend", "Line ceasefire") >= 0);
  assert_int_equal(paths_in(sc, "layer-poly"), 2);  /* A and C */
  assert_int_equal(paths_in(sc, "layer-lines"), 2); /* contact and border */
  cm_scene_free(sc);
  cm_map_free(m);
}

/* The legend lists classes in the order of the style's rules, not of the
 * features: here the zone's rule comes first, its feature (C) last. */
static void classes_in_rule_order(void **state) {
  static const char order_style[] =
      "Map { extent: 44.8 38.4 48.2 41.2; page: 120mm 90mm; dpi: 72; }\n"
      "Layer#poly { file: \"poly.shp\"; time: start end; }\n"
      "#poly[holder = \"RUS\"] { polygon-fill: #555; legend: \"Zone\"; }\n"
      "#poly[holder = \"ARM\"] { polygon-fill: #e6a49c; legend: \"Armenian\"; }\n";
  cm_map *m = scene_map(dir, "order.mss", order_style);
  assert_non_null(m);
  cm_scene *sc = scene_at(m, "2000-01-01", NULL);
  assert_non_null(sc);
  long zone = scene_text(sc, "legend", "Zone"), arm = scene_text(sc, "legend", "Armenian");
  assert_true(zone >= 0 && arm >= 0);
  assert_true(zone < arm);
  cm_scene_free(sc);
  cm_map_free(m);
}

/* A 200-character legend text in a corner legend wraps inside the box:
 * the box stays under half the frame's width and grows taller, and every
 * line of the text lies within it, in English and mirrored in Arabic. */
static void check_long_entry(const char *lang, const char *text) {
  char style[2048];
  snprintf(style, sizeof style,
           "Map { extent: 44.8 38.4 48.2 41.2; page: 120mm 90mm; dpi: 72; "
           "legend: bottom-left; lang: %s; }\n"
           "Layer#poly { file: \"poly.shp\"; time: start end; }\n"
           "#poly[holder = \"ARM\"] { polygon-fill: #e6a49c; legend: \"%s\"; }\n",
           lang, text);
  cm_map *m = scene_map(dir, "long.mss", style);
  assert_non_null(m);
  cm_scene *sc = scene_at(m, "2000-01-01", NULL);
  assert_non_null(sc);
  long g = scene_group(sc, "legend");
  assert_true(g >= 0);
  const cm_item *paper = cm_scene_item(sc, (size_t)g + 1); /* the box */
  assert_int_equal(paper->kind, CM_ITEM_PATH);
  cm_bbox box = cm_geom_bbox(&paper->geom);
  long t = scene_text(sc, "legend", text);
  assert_true(t >= 0);
  const cm_item *it = cm_scene_item(sc, (size_t)t);
  /* The lines as set: from the anchor towards the reading end. */
  PangoContext *ctx = cm__text_context_new();
  double w, h;
  cm__text_size(ctx, it->text, &it->style, &w, &h);
  int rtl = cm__text_is_rtl(it->text);
  cm_bbox tb = {rtl ? it->x - w : it->x, it->y - h / 2, rtl ? it->x : it->x + w,
                it->y + h / 2};
  print_message("%s: box %.1f x %.1f pt, text %.1f x %.1f pt\n", lang,
                box.maxx - box.minx, box.maxy - box.miny, w, h);
  assert_true(tb.minx >= box.minx - 0.01 && tb.maxx <= box.maxx + 0.01);
  assert_true(tb.miny >= box.miny - 0.01 && tb.maxy <= box.maxy + 0.01);
  assert_true(tb.maxy - tb.miny > 3 * it->style.size); /* three lines or more */
  assert_true(box.maxx - box.minx < 0.5 * (120 / 25.4 * 72));
  g_object_unref(ctx);
  cm_scene_free(sc);
  cm_map_free(m);
}

static void long_entries_wrap_in_corner(void **state) {
  char en[256], ar[1024];
  snprintf(en, sizeof en, "%s",
           "Territory held by the Armenian forces and the self-declared "
           "republic after the ceasefire of May 1994, with the districts "
           "around it that were taken in 1992 and 1993 and held until 2020");
  assert_true(strlen(en) >= 180);
  snprintf(ar, sizeof ar, "%s",
           "الأراضي التي سيطرت عليها القوات الأرمنية في ناغورنو كاراباخ بعد "
           "وقف إطلاق النار في أيار 1994، مع المناطق المحيطة بها التي "
           "استولت عليها بين عامي 1992 و1993 وبقيت في يدها حتى عام 2020");
  check_long_entry("en", en);
  check_long_entry("ar", ar);
}

static void shipped_swatches_match_rules(void **state) {
  char path[4096];
  cm_map *m = NULL;
  cm_error err;
  assert_int_equal(cm_map_open(&m, test_source_path(path, sizeof path,
                                                    "styles/default.mss"),
                               &err),
                   CM_OK);
  int n = check_legend(m, "2020-11-10");
  print_message("%d legend entries on 10 November 2020\n", n);
  assert_true(n >= 6);
  assert_true(check_legend(m, "1994-05-12") >= 4);
  cm_map_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fixture_swatches_match_rules),
      cmocka_unit_test(every_class_listed_none_drawn),
      cmocka_unit_test(classes_in_rule_order),
      cmocka_unit_test(shipped_swatches_match_rules),
      cmocka_unit_test(long_entries_wrap_in_corner),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
