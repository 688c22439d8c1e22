/* Time on the map: layers of instants with a window (both ends of the
 * window on the map, no window meaning the day alone, months and years
 * on the calendar), age_days in filters and templates, and windows on
 * intervals. Cases live in tests/data/time_*.txt. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/compose.h"
#include "support/fixtures.h"
#include "support/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[512];

static int setup(void **state) {
  (void)state;
  if (fixture_make_dir(dir, sizeof dir) != 0)
    return -1;
  return fixture_write(dir, "events") || fixture_write(dir, "moves");
}

static int teardown(void **state) {
  (void)state;
  fixture_remove_dir(dir);
  return 0;
}

static cm_day day(const char *s) {
  cm_day d;
  if (cm_date_parse(s, &d, NULL, NULL) != 0)
    fail_msg("bad date '%s' in a table", s);
  return d;
}

/* text written to name in the fixture folder; its path in path. */
static void write_style(const char *name, const char *text, char *path,
                        size_t size) {
  snprintf(path, size, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* A map of the events fixture with the given Layer properties and rules. */
static cm_map *open_events(const char *layer, const char *rules) {
  char text[4096], path[600];
  snprintf(text, sizeof text,
           "Map { extent: 44.8 38.4 48.2 41.2; page: 120mm 90mm; dpi: 72; }\n"
           "Layer#events { file: \"events.shp\"; %s }\n"
           "Layer#moves { file: \"moves.shp\"; time: start end; }\n"
           "#events { marker-width: 2mm; }\n%s",
           layer, rules);
  write_style("style.mss", text, path, sizeof path);
  cm_map *m = NULL;
  cm_error err;
  int rc = cm_map_open(&m, path, &err);
  if (rc) {
    char buf[2000];
    fail_msg("%s", cm_error_format(&err, buf, sizeof buf));
  }
  return m;
}

/* The records of the events layer (layer 0) shown at d, as "2 3". */
static void shown(const cm_map *m, cm_day d, char *buf, size_t size) {
  buf[0] = 0;
  const cm_layer *l = cm_map_layer_data(m, 0);
  for (size_t f = 0; f < cm_layer_count(l); f++)
    if (cm_map_feature_visible(m, 0, f, d)) {
      size_t len = strlen(buf);
      snprintf(buf + len, size - len, "%s%zu", len ? " " : "",
               cm_layer_record(l, f) + 1);
    }
  if (!buf[0])
    snprintf(buf, size, "-");
}

static void check_window_row(const table *row) {
  char layer[128], got[64];
  if (strcmp(row->field[0], "none") == 0)
    snprintf(layer, sizeof layer, "time: date;");
  else
    snprintf(layer, sizeof layer, "time: date; time-window: %s;", row->field[0]);
  cm_map *m = open_events(layer, "");
  shown(m, day(row->field[1]), got, sizeof got);
  if (strcmp(got, row->field[2]))
    fail_msg("time_windows.txt:%d: window %s at %s shows '%s', not '%s'",
             row->number, row->field[0], row->field[1], got, row->field[2]);
  cm_map_free(m);
}

static void windows_on_instants(void **state) {
  (void)state;
  assert_true(table_each_row("time_windows.txt", 0, check_window_row) > 10);
}

static void check_shift_row(const table *row) {
  int count;
  char unit;
  assert_int_equal(sscanf(row->field[1], "%d %c", &count, &unit), 2);
  cm_day d = day(row->field[0]);
  char a[16], b[16];
  cm_date_iso(cm_date_shift(d, count, unit), a);
  cm_date_iso(cm_date_window_end(d, count < 0 ? -count : count, unit), b);
  if (strcmp(a, row->field[2]) || strcmp(b, row->field[3]))
    fail_msg("time_shifts.txt:%d: %s %s gives %s and %s", row->number,
             row->field[0], row->field[1], a, b);
}

static void shifts_on_the_calendar(void **state) {
  (void)state;
  assert_true(table_each_row("time_shifts.txt", 0, check_shift_row) > 5);
}

/* The texts of the scene that are labels of the events layer. */
static int label_count(const cm_scene *s, const char *text) {
  int n = 0;
  for (size_t i = 0; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    n += it->kind == CM_ITEM_TEXT && strcmp(it->text, text) == 0;
  }
  return n;
}

/* Filled paths of a colour, i.e. markers drawn by a rule. */
static int fills_of(const cm_scene *s, cm_color c) {
  int n = 0;
  for (size_t i = 0; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    n += it->kind == CM_ITEM_PATH && it->paint.fill &&
         it->paint.fill_color.r == c.r && it->paint.fill_color.g == c.g &&
         it->paint.fill_color.b == c.b;
  }
  return n;
}

static cm_scene *compose_at(const cm_map *m, const char *date) {
  cm_compose_options opt = {0};
  opt.date = day(date);
  cm_scene *s;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  return s;
}

static void age_days_in_filters_and_templates(void **state) {
  (void)state;
  cm_map *m = open_events("time: date; time-window: 30d;",
                          "#events { text-name: \"{title_en}: {age_days}\"; "
                          "text-size: 6pt; marker-fill: #0000ff; }\n"
                          "#events[age_days <= 1] { marker-fill: #ff0000; }\n");
  cm_scene *s = compose_at(m, "2022-09-14");
  /* Ceasefire is 0 days old, the shelling 1, Lachin 19: two red, one blue. */
  assert_int_equal(fills_of(s, (cm_color){1, 0, 0, 1}), 2);
  assert_int_equal(fills_of(s, (cm_color){0, 0, 1, 1}), 1);
  assert_int_equal(label_count(s, "Ceasefire: 0"), 1);
  assert_int_equal(label_count(s, "Shelling of Jermuk: 1"), 1);
  assert_int_equal(label_count(s, "Lachin handed over: 19"), 1);
  cm_scene_free(s);
  s = compose_at(m, "2022-09-16");
  assert_int_equal(fills_of(s, (cm_color){1, 0, 0, 1}), 0);
  assert_int_equal(label_count(s, "Ceasefire: 2"), 1);
  cm_scene_free(s);
  cm_map_free(m);
}

/* A window on intervals keeps a feature that long after its end. */
static void window_on_intervals(void **state) {
  (void)state;
  char path[600];
  write_style("w.mss",
              "Layer#moves { file: \"moves.shp\"; time: start end; time-window: 7d; }\n"
              "#moves { line-width: 1pt; }\n", path, sizeof path);
  cm_map *m;
  cm_error err;
  assert_int_equal(cm_map_open(&m, path, &err), 0);
  /* The exodus runs 2023-09-24 .. 2023-10-01 (its last day 30 September),
   * so it stays until 7 October and is gone on the 8th. */
  assert_true(cm_map_feature_visible(m, 0, 1, day("2023-09-24")));
  assert_true(cm_map_feature_visible(m, 0, 1, day("2023-10-07")));
  assert_false(cm_map_feature_visible(m, 0, 1, day("2023-10-08")));
  assert_false(cm_map_feature_visible(m, 0, 1, day("2023-09-23")));
  cm_map_free(m);
}

/* age_days exists only where there are dates. */
static void age_days_needs_time(void **state) {
  (void)state;
  char path[600];
  write_style("u.mss",
              "Layer#events { file: \"events.shp\"; }\n"
              "#events[age_days < 3] { marker-width: 1mm; }\n", path, sizeof path);
  cm_map *m;
  cm_error err;
  assert_int_not_equal(cm_map_open(&m, path, &err), 0);
  char buf[2000];
  cm_error_format(&err, buf, sizeof buf);
  assert_non_null(strstr(buf, "u.mss:2:9: layer 'events'"));
  assert_non_null(strstr(buf, "no field 'age_days'"));
  assert_non_null(strstr(buf, "give Layer#events a `time`"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(windows_on_instants),
      cmocka_unit_test(shifts_on_the_calendar),
      cmocka_unit_test(age_days_in_filters_and_templates),
      cmocka_unit_test(window_on_intervals),
      cmocka_unit_test(age_days_needs_time),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
