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

#include <math.h>
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

/* The n-th text (from 0) of the scene's group id, or NULL. */
static const cm_item *group_text(const cm_scene *s, const char *id, size_t n) {
  int in = 0;
  for (size_t i = 0; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_BEGIN)
      in = it->id && strcmp(it->id, id) == 0;
    else if (it->kind == CM_ITEM_GROUP_END)
      in = 0;
    else if (in && it->kind == CM_ITEM_TEXT && n-- == 0)
      return it;
  }
  return NULL;
}

/* The texts of a group, in order, joined by " | "; the top of the
 * highest in *min_y. */
static void group_texts(const cm_scene *s, const char *id, char *buf, size_t size,
                        double *min_y) {
  buf[0] = 0;
  *min_y = 1e9;
  const cm_item *it;
  for (size_t n = 0; (it = group_text(s, id, n)); n++) {
    size_t len = strlen(buf);
    snprintf(buf + len, size - len, "%s%s", len ? " | " : "", it->text);
    *min_y = it->y < *min_y ? it->y : *min_y;
  }
}

/* Page point of the first text of a group that reads text. */
static cm_point text_at(const cm_scene *s, const char *id, const char *text) {
  const cm_item *it;
  for (size_t n = 0; (it = group_text(s, id, n)); n++)
    if (strcmp(it->text, text) == 0)
      return (cm_point){it->x, it->y};
  fail_msg("no text '%s' in group %s", text, id);
  return (cm_point){0, 0};
}

static cm_map *open_keyed(const char *lang, const char *title) {
  char text[2048], path[600];
  snprintf(text, sizeof text,
           "Map { extent: 44.8 38.4 48.2 41.2; page: 160mm 120mm; dpi: 72; lang: %s;\n"
           "  key: below; key-size: 20mm; legend: none; }\n"
           "Layer#events { file: \"events.shp\"; time: date; time-window: 30d; }\n"
           "#events { marker-width: 4mm; marker-fill: #7a1f1f; key: [%s]; }\n",
           lang, title);
  write_style("key.mss", text, path, sizeof path);
  cm_map *m;
  cm_error err;
  assert_int_equal(cm_map_open(&m, path, &err), 0);
  return m;
}

/* Numbers follow the dates, not the file; each number sits on its own
 * event; the key lists number, date and title below the map. */
static void key_numbers_by_date(void **state) {
  (void)state;
  cm_map *m = open_keyed("en", "title_en");
  cm_scene *s = compose_at(m, "2022-09-14");
  char texts[2048];
  double top;
  group_texts(s, "key", texts, sizeof texts, &top);
  assert_string_equal(texts, "1 | 26 August 2022 — Lachin handed over | "
                             "2 | 13 September 2022 — Shelling of Jermuk | "
                             "3 | 14 September 2022 — Ceasefire");
  /* The key is below the frame: it covers nothing of the map. */
  assert_true(top > cm_map_frame(m).maxy);
  group_texts(s, "key-markers", texts, sizeof texts, &top);
  assert_string_equal(texts, "1 | 2 | 3");
  static const double where[][2] = {{46.547, 39.641}, {45.670, 39.841}, {46.339, 39.511}};
  static const char *const numbers[] = {"1", "2", "3"};
  for (int i = 0; i < 3; i++) {
    cm_point want, got = text_at(s, "key-markers", numbers[i]);
    assert_int_equal(cm_map_lonlat_to_page(m, where[i][0], where[i][1], &want), 0);
    assert_true(hypot(got.x - want.x, got.y - want.y) < 0.5);
  }
  cm_scene_free(s);
  /* On 13 October the shelling is 30 days old, the last day of its
   * window, and the ceasefire 29; Lachin has left. Numbers start again. */
  s = compose_at(m, "2022-10-13");
  group_texts(s, "key", texts, sizeof texts, &top);
  assert_string_equal(texts, "1 | 13 September 2022 — Shelling of Jermuk | "
                             "2 | 14 September 2022 — Ceasefire");
  cm_scene_free(s);
  s = compose_at(m, "2023-01-01");
  group_texts(s, "key", texts, sizeof texts, &top);
  assert_string_equal(texts, "");
  cm_scene_free(s);
  cm_map_free(m);
}

/* A band with room for two rows of one column, and three events: the
 * second row says how many it leaves out. */
static void key_counts_what_does_not_fit(void **state) {
  (void)state;
  char path[600];
  /* Too small a page for a row even with the map at half its size: the
   * rows that do not fit are counted, and their markers left off the map,
   * so every number on the map is in the key. */
  write_style("small.mss",
              "Map { extent: 44.8 38.4 48.2 41.2; page: 50mm 24mm; dpi: 72;\n"
              "  key: below; key-size: 7mm; legend: none; }\n"
              "Layer#events { file: \"events.shp\"; time: date; time-window: 30d; }\n"
              "#events { marker-width: 4mm; key: [title_en]; }\n",
              path, sizeof path);
  cm_map *m;
  cm_error err;
  assert_int_equal(cm_map_open(&m, path, &err), 0);
  cm_scene *s = compose_at(m, "2022-09-14");
  char texts[2048];
  double top;
  group_texts(s, "key", texts, sizeof texts, &top);
  assert_string_equal(texts, "+ 3 more");
  group_texts(s, "key-markers", texts, sizeof texts, &top);
  assert_string_equal(texts, "");
  assert_int_equal(cm_scene_warning_count(s), 1);
  assert_non_null(strstr(cm_scene_warning(s, 0), "room for 0 of the 3 events"));
  cm_scene_free(s);
  cm_map_free(m);
  /* A taller page: the key's band grows past key-size to list all three,
   * and the map is drawn smaller to give it room. */
  write_style("small.mss",
              "Map { extent: 44.8 38.4 48.2 41.2; page: 60mm 120mm; dpi: 72;\n"
              "  key: below; key-size: 7mm; legend: none; }\n"
              "Layer#events { file: \"events.shp\"; time: date; time-window: 30d; }\n"
              "#events { marker-width: 4mm; key: [title_en]; }\n",
              path, sizeof path);
  assert_int_equal(cm_map_open(&m, path, &err), 0);
  s = compose_at(m, "2022-09-14");
  group_texts(s, "key-markers", texts, sizeof texts, &top);
  assert_string_equal(texts, "1 | 2 | 3");
  group_texts(s, "key", texts, sizeof texts, &top);
  assert_non_null(strstr(texts, "3 | 14 September 2022 — Ceasefire"));
  assert_int_equal(cm_scene_warning_count(s), 0);
  cm_scene_free(s);
  cm_map_free(m);
}

/* The Arabic edition: Arabic-Indic numbers, Levantine months, Arabic
 * titles. */
static void key_in_arabic(void **state) {
  (void)state;
  cm_map *m = open_keyed("ar", "title_ar");
  cm_scene *s = compose_at(m, "2022-09-14");
  char texts[2048];
  double top;
  group_texts(s, "key", texts, sizeof texts, &top);
  assert_string_equal(texts, "١ | ٢٦ آب ٢٠٢٢ — تسليم لاتشين | "
                             "٢ | ١٣ أيلول ٢٠٢٢ — قصف جرموك | "
                             "٣ | ١٤ أيلول ٢٠٢٢ — وقف إطلاق النار");
  cm_scene_free(s);
  cm_map_free(m);
}

/* Small multiples of 14 September 2022, 13 October 2022 and 25 September
 * 2023 under one key, numbered over the figure. */
static cm_scene *compose_panels(const cm_map *m) {
  static cm_day days[3];
  days[0] = day("2022-09-14");
  days[1] = day("2022-10-13");
  days[2] = day("2023-09-25");
  cm_compose_options opt = {0};
  opt.date = days[2];
  opt.panels = days;
  opt.npanels = 3;
  opt.cols = 3;
  cm_scene *s;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  return s;
}

/* Where the n-th text (from 0) reading text lies in the groups id. */
static cm_point nth_text_at(const cm_scene *s, const char *id, const char *text,
                            int n) {
  const cm_item *it;
  for (size_t k = 0; (it = group_text(s, id, k)); k++)
    if (strcmp(it->text, text) == 0 && n-- == 0)
      return (cm_point){it->x, it->y};
  fail_msg("no text '%s' in group %s", text, id);
  return (cm_point){0, 0};
}

/* The bottom of the lowest frame: layers are clipped to their panel's. */
static double lowest_frame(const cm_scene *s) {
  double y = 0;
  for (size_t i = 0; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_BEGIN && it->clip && strncmp(it->id, "layer-", 6) == 0)
      y = fmax(y, it->clip_box.maxy);
  }
  return y;
}

/* Small multiples have one key, under the panels, listing each event of
 * any panel once; an event keeps its number in every panel. */
static void key_over_small_multiples(void **state) {
  (void)state;
  cm_map *m = open_keyed("en", "title_en");
  cm_scene *s = compose_panels(m);
  char texts[2048];
  double top, markers_top;
  group_texts(s, "key", texts, sizeof texts, &top);
  assert_string_equal(texts, "1 | 26 August 2022 — Lachin handed over | "
                             "2 | 13 September 2022 — Shelling of Jermuk | "
                             "3 | 14 September 2022 — Ceasefire | "
                             "4 | 19 September 2023 — Offensive");
  /* Lachin has left the second panel's window: it numbers from 2. */
  group_texts(s, "key-markers", texts, sizeof texts, &markers_top);
  assert_string_equal(texts, "1 | 2 | 3 | 2 | 3 | 4");
  /* The same event in two panels: one panel's width apart, nothing else. */
  for (int i = 0; i < 2; i++) {
    const char *n = i ? "3" : "2";
    cm_point a = nth_text_at(s, "key-markers", n, 0), b = nth_text_at(s, "key-markers", n, 1);
    assert_true(b.x - a.x > 100);
    assert_true(fabs(b.y - a.y) < 0.01);
    cm_point two0 = nth_text_at(s, "key-markers", "2", 0);
    cm_point two1 = nth_text_at(s, "key-markers", "2", 1);
    assert_true(fabs((b.x - a.x) - (two1.x - two0.x)) < 0.01);
  }
  /* The key lies under every panel and inside the page. */
  const cm_item *last = group_text(s, "key", 7);
  assert_non_null(last);
  assert_true(lowest_frame(s) > markers_top);
  assert_true(top > lowest_frame(s));
  assert_true(last->y < cm_scene_height(s));
  cm_scene_free(s);
  cm_map_free(m);
  m = open_keyed("ar", "title_ar");
  s = compose_panels(m);
  group_texts(s, "key", texts, sizeof texts, &top);
  assert_non_null(strstr(texts, "١ | ٢٦ آب ٢٠٢٢ — تسليم لاتشين | "));
  assert_non_null(strstr(texts, "٤ | ١٩ أيلول ٢٠٢٣ — "));
  group_texts(s, "key-markers", texts, sizeof texts, &markers_top);
  assert_string_equal(texts, "١ | ٢ | ٣ | ٢ | ٣ | ٤");
  cm_scene_free(s);
  cm_map_free(m);
}

/* The fixture's eastward arrow, y 30 from x 40 to 240 (1 pt is 0.01
 * degree), labelled with its kind in text of a size. */
static cm_map *open_labelled_arrows(const char *size) {
  char text[1024], path[600];
  snprintf(text, sizeof text,
           "Map { extent: 45 39 48 41; page: 300px 200px; dpi: 72; margin: 0;\n"
           "  legend: none; scale-bar: none; }\n"
           "Layer#moves { file: \"moves.shp\"; time: start end; }\n"
           "#moves { line-color: #ff0000; line-width: 2pt; line-end: arrow;\n"
           "  text-name: [kind]; text-placement: line; text-size: %s; }\n",
           size);
  write_style("arrowlabel.mss", text, path, sizeof path);
  cm_map *m;
  cm_error err;
  assert_int_equal(cm_map_open(&m, path, &err), 0);
  return m;
}

/* A label along an arrow lies beside its shaft, clear of the stroke and
 * of the head, within the arrow's length; one with no room is left out
 * and the check hears of it. */
static void arrow_label_beside_its_shaft(void **state) {
  (void)state;
  cm_map *m = open_labelled_arrows("10pt");
  cm_errors found = {0};
  cm_compose_options opt = {0};
  opt.date = day("2020-10-01");
  opt.findings = &found;
  cm_scene *s;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  assert_int_equal(found.count, 0);
  cm_point at = text_at(s, "labels", "offensive");
  /* The head reaches 4.4 pt each side of the 2 pt shaft: the label's
   * middle stands over half its height and that beyond. */
  assert_true(fabs(at.y - 30) > 4.4 + 4);
  assert_true(fabs(at.y - 30) < 16);
  assert_true(at.x > 40 && at.x < 240);
  assert_float_equal(group_text(s, "labels", 0)->style.angle, 0, 1e-9);
  cm_scene_free(s);
  /* The southward arrow (x 140, y 70 to 140) is shorter than its label
   * once its head is left free: the label stands level beside its
   * middle, clear of the head's width. */
  opt.date = day("1993-03-01");
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  assert_int_equal(found.count, 0);
  const cm_item *level = group_text(s, "labels", 0);
  assert_non_null(level);
  assert_string_equal(level->text, "counter-offensive");
  assert_float_equal(level->style.angle, 0, 1e-9);
  assert_true(fabs(level->y - 105) < 1);
  assert_true(fabs(level->x - 140) > 4.4 + 30);
  cm_scene_free(s);
  cm_map_free(m);
  /* Text wider than the frame has no room anywhere. */
  opt.date = day("2020-10-01");
  m = open_labelled_arrows("90pt");
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  assert_null(group_text(s, "labels", 0));
  assert_int_equal(found.count, 1);
  assert_non_null(strstr(found.items[0].message,
                         "label 'offensive' left out: no room near its line"));
  cm_errors_free(&found);
  cm_scene_free(s);
  cm_map_free(m);
  /* Unless the style lets it go (text-optional): left out, not reported;
   * the arrow stays. */
  m = open_labelled_arrows("90pt; text-optional: true");
  found = (cm_errors){0};
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  assert_null(group_text(s, "labels", 0));
  assert_int_equal(found.count, 0);
  int arrows = 0;
  for (size_t i = 0; i < cm_scene_count(s); i++)
    arrows += cm_scene_item(s, i)->kind == CM_ITEM_PATH && cm_scene_item(s, i)->paint.stroke;
  assert_true(arrows > 0);
  cm_errors_free(&found);
  cm_scene_free(s);
  cm_map_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(windows_on_instants),
      cmocka_unit_test(shifts_on_the_calendar),
      cmocka_unit_test(age_days_in_filters_and_templates),
      cmocka_unit_test(window_on_intervals),
      cmocka_unit_test(age_days_needs_time),
      cmocka_unit_test(key_numbers_by_date),
      cmocka_unit_test(key_in_arabic),
      cmocka_unit_test(key_counts_what_does_not_fit),
      cmocka_unit_test(key_over_small_multiples),
      cmocka_unit_test(arrow_label_beside_its_shaft),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
