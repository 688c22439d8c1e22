/* Composition on fixtures: layer groups, legend by date, labels that never
 * overlap, a scale bar true to the geodesic distance, a north arrow to true
 * north, and the Arabic edition's title and mirrored legend. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/compose.h"
#include "controlmap/proj.h"
#include "support/fixtures.h"
#include "text_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[512];

static const char base_style[] =
    "Map {\n"
    "  srs: \"+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84\";\n"
    "  extent: 44.8 38.4 48.2 41.2; page: 120mm 90mm; dpi: 150;\n"
    "  title: \"%s\"; legend: bottom-left; scale-bar: bottom-right;\n"
    "  north-arrow: top-right; graticule: 0.5; lang: %s;\n"
    "}\n"
    "Layer#poly { file: \"poly.shp\"; time: start end; }\n"
    "Layer#control { file: \"poly.shp\"; time: start end; }\n"
    "Layer#lines { file: \"lines.shp\"; time: start end; }\n"
    "Layer#points { file: \"points.shp\"; }\n"
    "#poly[holder = \"ARM\"] { polygon-fill: #e6a49c; legend: \"%s\"; }\n"
    "#poly[holder = \"AZE\"] { polygon-fill: #9fc4e4; legend: \"Azerbaijani forces\"; }\n"
    "#poly[holder = \"RUS\"] { polygon-pattern: hatch(45, #555, 0.3pt, 2mm); legend: \"Peacekeepers\"; }\n"
    "#lines { line-color: #600; line-width: 1pt; }\n"
    "#points { marker-width: 2mm; marker-fill: #222; text-name: [name];\n"
    "  text-size: %s; text-halo-radius: 1pt; }\n";

static int setup(void **state) { return fixture_dir_map(dir, sizeof dir); }

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

static cm_map *open_map(const char *title, const char *lang, const char *legend,
                        const char *text_size) {
  char text[4096], path[600];
  snprintf(text, sizeof text, base_style, title, lang, legend, text_size);
  snprintf(path, sizeof path, "%s/style.mss", dir);
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  cm_map *m = NULL;
  cm_error err;
  int rc = cm_map_open(&m, path, &err);
  if (rc) {
    char buf[2000];
    fprintf(stderr, "%s\n", cm_error_format(&err, buf, sizeof buf));
  }
  assert_int_equal(rc, 0);
  return m;
}

static cm_scene *compose(const cm_map *m, const char *date) {
  cm_compose_options opt = {0};
  assert_int_equal(cm_date_parse(date, &opt.date, NULL, NULL), 0);
  cm_scene *s;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  return s;
}

/* Index of the GROUP_BEGIN with this id, or -1. */
static long group(const cm_scene *s, const char *id) {
  for (size_t i = 0; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_BEGIN && it->id && !strcmp(it->id, id))
      return (long)i;
  }
  return -1;
}

/* 1 when a text item with exactly this text is inside group id. */
static int group_has_text(const cm_scene *s, const char *id, const char *text) {
  long g = group(s, id);
  if (g < 0)
    return 0;
  int depth = 0;
  for (size_t i = (size_t)g; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    depth += it->kind == CM_ITEM_GROUP_BEGIN;
    depth -= it->kind == CM_ITEM_GROUP_END;
    if (depth == 0)
      break;
    if (it->kind == CM_ITEM_TEXT && !strcmp(it->text, text))
      return 1;
  }
  return 0;
}

static void layers_in_order(void **state) {
  cm_map *m = open_map("T {date}", "en", "Armenian forces", "8pt");
  cm_scene *s = compose(m, "2000-01-01");
  long a = group(s, "layer-poly"), b = group(s, "layer-lines"),
       c = group(s, "layer-points");
  assert_true(a >= 0 && a < b && b < c);
  assert_true(group(s, "graticule") > c);
  assert_string_equal(cm_scene_meta(s, "Title"), "T 1 January 2000");
  cm_scene_free(s);
  cm_map_free(m);
}

static void legend_follows_date(void **state) {
  cm_map *m = open_map("T", "en", "Armenian forces", "8pt");
  cm_scene *s = compose(m, "2000-01-01");
  assert_true(group_has_text(s, "legend", "Armenian forces"));
  assert_true(group_has_text(s, "legend", "Peacekeepers"));
  assert_false(group_has_text(s, "legend", "Azerbaijani forces"));
  cm_scene_free(s);
  s = compose(m, "2021-01-01");
  assert_false(group_has_text(s, "legend", "Armenian forces"));
  assert_true(group_has_text(s, "legend", "Azerbaijani forces"));
  cm_scene_free(s);
  cm_map_free(m);
}

/* Boxes of every text item in the labels group, as the renderer sets them. */
static size_t label_boxes(const cm_scene *s, cm_bbox *out, size_t max) {
  PangoContext *ctx = cm__text_context_new();
  long g = group(s, "labels");
  size_t n = 0;
  for (size_t i = (size_t)g + 1; g >= 0 && i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_END)
      break;
    if (it->kind != CM_ITEM_TEXT || n == max)
      continue;
    PangoLayout *l = cm__text_layout(ctx, it->text, &it->style);
    out[n++] = cm__text_box(l, it->text, &it->style, it->x, it->y);
    g_object_unref(l);
  }
  g_object_unref(ctx);
  return n;
}

static void labels_never_overlap(void **state) {
  /* Big text on close towns forces some labels to move or drop. */
  cm_map *m = open_map("T", "en", "Armenian forces", "16pt");
  cm_scene *s = compose(m, "2000-01-01");
  cm_bbox b[64];
  size_t n = label_boxes(s, b, 64);
  assert_true(n >= 3);
  for (size_t i = 0; i < n; i++)
    for (size_t k = i + 1; k < n; k++)
      assert_false(b[i].minx < b[k].maxx && b[k].minx < b[i].maxx &&
                   b[i].miny < b[k].maxy && b[k].miny < b[i].maxy);
  cm_scene_free(s);
  cm_map_free(m);
}

/* The bar's drawn length against the geodesic distance it claims. */
static void scale_bar_is_true(void **state) {
  cm_map *m = open_map("T", "en", "Armenian forces", "8pt");
  cm_scene *s = compose(m, "2000-01-01");
  long g = group(s, "scale-bar");
  assert_true(g >= 0);
  cm_bbox bar = cm_bbox_empty();
  const char *label = NULL;
  for (size_t i = (size_t)g + 1; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_END)
      break;
    if (it->kind == CM_ITEM_PATH) {
      cm_bbox b = cm_geom_bbox(&it->geom);
      cm_bbox_extend(&bar, b.minx, b.miny);
      cm_bbox_extend(&bar, b.maxx, b.maxy);
    } else if (it->kind == CM_ITEM_TEXT) {
      label = it->text;
    }
  }
  assert_non_null(label);
  double km = atof(label);
  assert_true(km > 0);
  assert_non_null(strstr(label, "km"));
  /* Measured across the frame centre, where the bar is true. */
  cm_bbox f = cm_map_frame(m);
  double cx = (f.minx + f.maxx) / 2, cy = (f.miny + f.maxy) / 2;
  double len = bar.maxx - bar.minx, lon1, lat1, lon2, lat2;
  assert_int_equal(cm_map_page_to_lonlat(m, (cm_point){cx - len / 2, cy}, &lon1, &lat1), 0);
  assert_int_equal(cm_map_page_to_lonlat(m, (cm_point){cx + len / 2, cy}, &lon2, &lat2), 0);
  double d = cm_geodesic_distance(lon1, lat1, lon2, lat2);
  assert_true(fabs(d / (km * 1000) - 1) < 0.01);
  /* About a fifth of the frame wide. */
  double share = len / (f.maxx - f.minx);
  assert_true(share > 0.09 && share <= 0.21);
  cm_scene_free(s);
  cm_map_free(m);
}

/* The arrow's axis is the page direction of north where it stands; off the
 * central meridian of a conic projection that is not straight up. */
static void north_arrow_true_north(void **state) {
  cm_map *m = open_map("T", "en", "Armenian forces", "8pt");
  cm_scene *s = compose(m, "2000-01-01");
  long g = group(s, "north-arrow");
  assert_true(g >= 0);
  const cm_item *arrow = cm_scene_item(s, (size_t)g + 1);
  assert_int_equal(arrow->kind, CM_ITEM_PATH);
  cm_point tip = arrow->geom.points[0], notch = arrow->geom.points[2];
  double lon, lat;
  assert_int_equal(cm_map_page_to_lonlat(m, notch, &lon, &lat), 0);
  cm_point up;
  assert_int_equal(cm_map_lonlat_to_page(m, lon, lat + 0.2, &up), 0);
  double a1 = atan2(tip.x - notch.x, notch.y - tip.y);
  double a2 = atan2(up.x - notch.x, notch.y - up.y);
  assert_true(fabs(a1 - a2) < 0.01);
  /* East of the central meridian (46.5 E) north leans towards it. */
  assert_true(a1 < -0.005);
  cm_scene_free(s);
  cm_map_free(m);
}

static void arabic_edition(void **state) {
  cm_map *m = open_map("السيطرة في {date}", "ar", "القوات الأرمنية", "8pt");
  cm_scene *s = compose(m, "2020-11-10");
  assert_string_equal(cm_scene_meta(s, "Title"),
                      "السيطرة في ١٠ تشرين الثاني ٢٠٢٠");
  /* Mirrored legend: the swatch stands right of its text. */
  long g = group(s, "legend");
  const cm_item *swatch = NULL, *text = NULL;
  for (size_t i = (size_t)g + 2; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_PATH && !swatch)
      swatch = it;
    if (it->kind == CM_ITEM_TEXT && !text)
      text = it;
  }
  assert_non_null(swatch);
  assert_non_null(text);
  assert_true(cm_geom_bbox(&swatch->geom).minx > text->x);
  assert_true(group_has_text(s, "north-arrow", "ش"));
  cm_scene_free(s);
  cm_map_free(m);
}

/* Latin, Arabic, Armenian and Cyrillic labels all find glyphs (pango falls
 * back per script from the map font), so no label shows empty boxes. */
static void every_script_has_glyphs(void **state) {
  static const char *const texts[] = {"Stepanakert", "خانكندي", "Ստեփանակերտ",
                                      "Степанакерт", "Xankəndi", "١٠ تشرين الثاني ٢٠٢٠"};
  PangoContext *ctx = cm__text_context_new();
  cm_text_style st = {0};
  st.font = "Noto Sans";
  st.size = 8;
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    PangoLayout *l = cm__text_layout(ctx, texts[i], &st);
    assert_int_equal(pango_layout_get_unknown_glyphs_count(l), 0);
    g_object_unref(l);
  }
  g_object_unref(ctx);
}

/* The overlay of what changed is exactly the ground that changed holder:
 * in the fixture, polygon A (held by ARM until 2020-12-01, with a hole). */
static void changes_are_exact(void **state) {
  cm_map *m = open_map("T", "en", "Armenian forces", "8pt");
  cm_compose_options opt = {0};
  assert_int_equal(cm_date_parse("2021-01-01", &opt.date, NULL, NULL), 0);
  assert_int_equal(cm_date_parse("2000-01-01", &opt.changes_since, NULL, NULL), 0);
  opt.changes = 1;
  cm_scene *s;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  long g = group(s, "changes");
  assert_true(g >= 0);
  const cm_item *overlay = cm_scene_item(s, (size_t)g + 1);
  assert_int_equal(overlay->kind, CM_ITEM_PATH);
  assert_true(overlay->paint.hatch && overlay->paint.stroke);
  /* Polygon A is the fixture's first feature of layer 0 (poly). */
  double want = cm_geom_area(cm_map_feature_geom(m, 0, 0));
  double got = cm_geom_area(&overlay->geom);
  assert_true(want > 0);
  assert_true(fabs(got / want - 1) < 1e-9);
  assert_true(group_has_text(s, "legend", "Changed hands since 1 January 2000"));
  cm_scene_free(s);
  /* No change between two days of the same period: an empty overlay. */
  assert_int_equal(cm_date_parse("2010-01-01", &opt.date, NULL, NULL), 0);
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  g = group(s, "changes");
  assert_int_equal(cm_scene_item(s, (size_t)g + 1)->kind, CM_ITEM_GROUP_END);
  cm_scene_free(s);
  cm_map_free(m);
}

/* The date-free layers composed once and replayed give the very scene
 * composing everything gives, whatever the date. */
static void cache_changes_nothing(void **state) {
  cm_map *m = open_map("T {date}", "en", "Armenian forces", "8pt");
  cm_compose_cache *cache;
  cm_error err;
  assert_int_equal(cm_compose_cache_new(&cache, m, &err), 0);
  const char *dates[] = {"1990-01-01", "2000-01-01", "2021-01-01"};
  for (size_t i = 0; i < 3; i++) {
    cm_compose_options opt = {0};
    assert_int_equal(cm_date_parse(dates[i], &opt.date, NULL, NULL), 0);
    cm_scene *plain, *cached;
    assert_int_equal(cm_compose(&plain, m, &opt, &err), 0);
    opt.cache = cache;
    assert_int_equal(cm_compose(&cached, m, &opt, &err), 0);
    assert_int_equal(cm_scene_count(plain), cm_scene_count(cached));
    for (size_t k = 0; k < cm_scene_count(plain); k++) {
      const cm_item *a = cm_scene_item(plain, k), *b = cm_scene_item(cached, k);
      assert_int_equal(a->kind, b->kind);
      if (a->kind == CM_ITEM_PATH) {
        assert_int_equal(a->geom.npoints, b->geom.npoints);
        assert_memory_equal(a->geom.points, b->geom.points,
                            a->geom.npoints * sizeof *a->geom.points);
        assert_memory_equal(&a->paint, &b->paint, sizeof a->paint);
      } else if (a->kind == CM_ITEM_TEXT) {
        assert_string_equal(a->text, b->text);
        assert_true(a->x == b->x && a->y == b->y);
      }
    }
    cm_scene_free(plain);
    cm_scene_free(cached);
  }
  cm_compose_cache_free(cache);
  cm_map_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(layers_in_order),
      cmocka_unit_test(legend_follows_date),
      cmocka_unit_test(labels_never_overlap),
      cmocka_unit_test(scale_bar_is_true),
      cmocka_unit_test(north_arrow_true_north),
      cmocka_unit_test(arabic_edition),
      cmocka_unit_test(every_script_has_glyphs),
      cmocka_unit_test(changes_are_exact),
      cmocka_unit_test(cache_changes_nothing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
