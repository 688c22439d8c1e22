/* What changed: the overlay covers exactly the ground whose holder differs
 * between two days, on a fixture where several holders gain and lose
 * ground on the same day (tests/support/fixtures.c, "holders"), and on the
 * shipped map of 10 November 2020. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support/files.h"
#include "support/fixtures.h"
#include "support/scene.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];

static const char style[] =
    "Map {\n"
    "  srs: \"+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84\";\n"
    "  extent: 45 39 49 40.5; page: 120mm 60mm; dpi: 100; legend: bottom-left;\n"
    "}\n"
    "Layer#control { file: \"holders.shp\"; time: start end; }\n"
    "#control[holder = \"ARM\"] { polygon-fill: #e6a49c; legend: \"Armenian\"; }\n"
    "#control[holder = \"AZE\"] { polygon-fill: #9fc4e4; legend: \"Azerbaijani\"; }\n"
    "#control[holder = \"RUS\"] { polygon-fill: #c8d8a8; legend: \"Russian\"; }\n";

static int setup(void **state) {
  if (fixture_make_dir(dir, sizeof dir) != 0)
    return -1;
  return fixture_write(dir, "holders");
}

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

/* The overlay path of the "changes" group, or NULL when it is empty. */
static const cm_geom *overlay(const cm_scene *s) {
  long g = scene_group(s, "changes");
  assert_true(g >= 0);
  const cm_item *it = cm_scene_item(s, (size_t)g + 1);
  if (it->kind != CM_ITEM_PATH)
    return NULL;
  assert_true(it->paint.hatch && it->paint.stroke);
  assert_int_equal(cm_scene_item(s, (size_t)g + 2)->kind, CM_ITEM_GROUP_END);
  return &it->geom;
}

static cm_point middle(const cm_geom *g) {
  cm_bbox b = cm_geom_bbox(g);
  return (cm_point){(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2};
}

/* Features (records of holders.shp) held before the change that lost the
 * ground: squares 0, 1, 3, 4 and 6 whole (6 by a holder gone after it),
 * and the east half of square 5 (the record of its new holder); kept:
 * square 2 and the west half of 5. */
static const int lost[] = {0, 2, 5, 7, 10, 11};
static const int kept[] = {4, 9};

/* The overlay of day against since is the ground of the records in lost
 * (less the record none, -1 for all) and holds none of kept. Adjacent
 * squares merge where the polygon operations snap their shared edges, a
 * few parts in 100000; the smallest piece that could be missed is a tenth
 * of the whole. */
static cm_scene *check_overlay(const cm_map *m, const char *day,
                               const char *since, int none) {
  cm_scene *s = scene_at(m, day, since);
  assert_non_null(s);
  const cm_geom *g = overlay(s);
  assert_non_null(g);
  double want = 0;
  for (size_t i = 0; i < sizeof lost / sizeof *lost; i++) {
    const cm_geom *f = cm_map_feature_geom(m, 0, (size_t)lost[i]);
    int in = cm_geom_contains(g, middle(f));
    if (lost[i] != none)
      want += cm_geom_area(f);
    if (in != (lost[i] != none))
      fail_msg("record %d: changed hands %s, in the overlay %s", lost[i],
               lost[i] != none ? "yes" : "no", in ? "yes" : "no");
  }
  for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
    if (cm_geom_contains(g, middle(cm_map_feature_geom(m, 0, (size_t)kept[i]))))
      fail_msg("record %d kept its holder but is in the overlay", kept[i]);
  double got = cm_geom_area(g);
  if (fabs(got / want - 1) > 1e-3)
    fail_msg("overlay area %g, the ground that changed hands %g", got, want);
  return s;
}

static void every_holder_counts(void **state) {
  cm_map *m = scene_map(dir, "holders.mss", style);
  assert_non_null(m);
  cm_scene *s = check_overlay(m, "2021-01-01", "2020-01-01", -1);
  assert_true(scene_text(s, "legend", "Changed hands since 1 January 2020") >= 0);
  cm_scene_free(s);
  cm_map_free(m);
}

/* Seen the other way round (the later day first) the same ground changed,
 * less square 4 (record 7), which has no holder on the later day. */
static void backwards_too(void **state) {
  cm_map *m = scene_map(dir, "holders.mss", style);
  assert_non_null(m);
  cm_scene *s = check_overlay(m, "2020-01-01", "2021-01-01", 7);
  cm_scene_free(s);
  /* Within one period nothing changed: no overlay. */
  s = scene_at(m, "2021-01-01", "2020-12-01");
  assert_non_null(s);
  assert_null(overlay(s));
  cm_scene_free(s);
  cm_map_free(m);
}

/* The layer and field of holders are the style's to name: the same
 * fixture as Layer#ground gives the same overlay, and a field the layer
 * lacks is an error that names it. */
/* The fixture's style with its text before `at` kept, `add` put in the Map
 * block, and from `at` on replaced by `tail` (or kept when NULL). */
static void restyled(char *out, size_t size, const char *add, const char *at,
                     const char *tail) {
  const char *map_end = strstr(style, "}\n");
  const char *cut = at ? strstr(style, at) : style + strlen(style);
  snprintf(out, size, "%.*s%s%.*s%s", (int)(map_end - style), style, add,
           (int)(cut - map_end), map_end, tail ? tail : cut);
}

static void layer_and_field_from_the_style(void **state) {
  char text[sizeof style + 256];
  restyled(text, sizeof text, "  changes-layer: \"ground\";\n", "Layer#control",
           "Layer#ground { file: \"holders.shp\"; time: start end; }\n"
           "#ground[holder = \"ARM\"] { polygon-fill: #e6a49c; }\n");
  cm_map *m = scene_map(dir, "ground.mss", text);
  assert_non_null(m);
  cm_scene *s = check_overlay(m, "2021-01-01", "2020-01-01", -1);
  cm_scene_free(s);
  cm_map_free(m);

  restyled(text, sizeof text, "  changes-field: \"owner\";\n", NULL, NULL);
  m = scene_map(dir, "owner.mss", text);
  assert_non_null(m);
  cm_compose_options opt = {0};
  cm_error err = {0};
  assert_int_equal(cm_date_parse("2021-01-01", &opt.date, NULL, NULL), 0);
  assert_int_equal(cm_date_parse("2020-01-01", &opt.changes_since, NULL, NULL), 0);
  opt.changes = 1;
  s = NULL;
  assert_int_not_equal(cm_compose(&s, m, &opt, &err), 0);
  assert_null(s);
  assert_non_null(strstr(err.message, "'owner'"));
  assert_non_null(strstr(err.message, "'control'"));
  cm_map_free(m);
}

/* Small multiples show what changed in each panel: nothing in a panel
 * before the change, the overlay in one after it. */
static void every_panel_shows_its_changes(void **state) {
  cm_map *m = scene_map(dir, "holders.mss", style);
  assert_non_null(m);
  cm_compose_options opt = {0};
  cm_day days[2];
  assert_int_equal(cm_date_parse("2020-06-01", &days[0], NULL, NULL), 0);
  assert_int_equal(cm_date_parse("2021-01-01", &days[1], NULL, NULL), 0);
  assert_int_equal(cm_date_parse("2020-01-01", &opt.changes_since, NULL, NULL), 0);
  opt.date = days[1];
  opt.panels = days;
  opt.npanels = 2;
  opt.changes = 1;
  cm_scene *s;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), CM_OK);
  int groups = 0, shown[2] = {0, 0};
  for (size_t i = 0; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind != CM_ITEM_GROUP_BEGIN || strcmp(it->id, "changes"))
      continue;
    const cm_item *next = cm_scene_item(s, i + 1);
    if (groups < 2)
      shown[groups] = next->kind == CM_ITEM_PATH && cm_geom_area(&next->geom) > 0;
    groups++;
  }
  assert_int_equal(groups, 2);
  assert_false(shown[0]);
  assert_true(shown[1]);
  cm_scene_free(s);
  cm_map_free(m);
}

/* The shipped dataset with its default style. */
static cm_map *shipped_map(void) {
  char path[4096];
  cm_map *m = NULL;
  cm_error err;
  assert_int_equal(cm_map_open(&m, test_source_path(path, sizeof path,
                                                    "styles/default.mss"),
                               &err),
                   CM_OK);
  return m;
}

/* The shipped map of 10 November 2020, changes since 27 September 2020:
 * the overlay is there, inside the frame, and covers a real share of it. */
static void shipped_map_shows_its_changes(void **state) {
  cm_map *m = shipped_map();
  cm_scene *s = scene_at(m, "2020-11-10", "2020-09-27");
  assert_non_null(s);
  const cm_geom *g = overlay(s);
  assert_non_null(g);
  cm_bbox f = cm_map_frame(m);
  double share = cm_geom_area(g) / ((f.maxx - f.minx) * (f.maxy - f.miny));
  print_message("changed ground: %.2f %% of the frame\n", share * 100);
  assert_true(share > 0.01);
  assert_true(scene_text(s, "legend", "Changed hands since 27 September 2020") >= 0);
  cm_scene_free(s);
  cm_map_free(m);
}

/* The union of the features of the shipped map's control layer (layer 1)
 * held by holder on day, on ov. */
static cm_geom ground_on(cm_overlay *ov, const cm_map *m, const char *holder,
                         cm_day day) {
  const cm_layer *layer = cm_map_layer_data(m, 1);
  int field = cm_layer_field_index(layer, "holder");
  size_t n = 0;
  const cm_geom **parts = calloc(cm_layer_count(layer), sizeof *parts);
  assert_true(field >= 0 && parts);
  for (size_t f = 0; f < cm_layer_count(layer); f++)
    if (cm_map_feature_visible(m, 1, f, day) &&
        !strcmp(cm_layer_value(layer, f, (size_t)field), holder) &&
        cm_map_feature_geom(m, 1, f)->npoints)
      parts[n++] = cm_map_feature_geom(m, 1, f);
  cm_geom g;
  assert_int_equal(cm_overlay_union(ov, parts, n, &g), 0);
  free(parts);
  return g;
}

/* The shipped map of 1 October 2023 against 26 September 2020: the
 * overlay is the ground each holder held before less what it holds now,
 * united, ring for ring, with no sliver more: the lost features share
 * edges with features kept, which a grid changing from one operation to
 * the next pulls apart. */
static void shipped_changes_as_defined(void **state) {
  cm_map *m = shipped_map();
  assert_string_equal(cm_map_layer_style(m, 1)->name, "control");
  cm_scene *s = scene_at(m, "2023-10-01", "2020-09-26");
  assert_non_null(s);
  const cm_geom *got = overlay(s);
  assert_non_null(got);
  cm_bbox f = cm_map_frame(m);
  cm_overlay *ov = cm_overlay_new(2 * fmax(f.maxx, f.maxy));
  assert_non_null(ov);
  cm_geom want;
  cm_geom_init(&want, CM_GEOM_POLYGON);
  const cm_layer *layer = cm_map_layer_data(m, 1);
  int field = cm_layer_field_index(layer, "holder");
  for (size_t h = 0; h < cm_layer_count(layer); h++) {
    const char *holder = cm_layer_value(layer, h, (size_t)field);
    size_t first = 0; /* each holder once: at its first feature */
    while (strcmp(cm_layer_value(layer, first, (size_t)field), holder))
      first++;
    if (first < h)
      continue;
    cm_geom before = ground_on(ov, m, holder, cm_date_from_ymd(2020, 9, 26));
    cm_geom now = ground_on(ov, m, holder, cm_date_from_ymd(2023, 10, 1));
    cm_geom gone, all;
    assert_int_equal(cm_overlay_boolean(ov, &before, &now, CM_BOOL_DIFFERENCE, &gone), 0);
    assert_int_equal(cm_overlay_boolean(ov, &want, &gone, CM_BOOL_UNION, &all), 0);
    cm_geom_free(&want);
    want = all;
    cm_geom_free(&before);
    cm_geom_free(&now);
    cm_geom_free(&gone);
  }
  /* The scene draws the map into its frame, scaled to the room the
   * bands leave: the changes group clips to that frame. */
  const cm_item *group = cm_scene_item(s, (size_t)scene_group(s, "changes"));
  assert_true(group->clip);
  cm_bbox drawn = group->clip_box;
  double k2 = (drawn.maxx - drawn.minx) / (f.maxx - f.minx) *
              ((drawn.maxy - drawn.miny) / (f.maxy - f.miny));
  print_message("changed ground: %zu rings, %zu wanted\n", got->nparts, want.nparts);
  assert_true(want.nparts > 0);
  assert_int_equal(got->nparts, want.nparts);
  assert_true(fabs(cm_geom_area(got) / (k2 * cm_geom_area(&want)) - 1) < 1e-9);
  cm_geom_free(&want);
  cm_overlay_free(ov);
  cm_scene_free(s);
  cm_map_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_holder_counts),
      cmocka_unit_test(backwards_too),
      cmocka_unit_test(every_panel_shows_its_changes),
      cmocka_unit_test(layer_and_field_from_the_style),
      cmocka_unit_test(shipped_map_shows_its_changes),
      cmocka_unit_test(shipped_changes_as_defined),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
