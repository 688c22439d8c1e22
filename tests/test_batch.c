/* Batches: plans from steps, dates files and change dates; output names;
 * shards; and runs in which one failing frame leaves the others alone and
 * any number of threads writes the same bytes. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "controlmap/batch.h"
#include "support/files.h"
#include "support/fixtures.h"
#include "support/table.h"

#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];
static cm_map *map; /* the fixture style: poly, lines, points */

/* The fixture style of tests/cli.sh; rules for the lines layer and extra
 * blocks are spliced in by the tests about change dates. */
static const char style_head[] =
    "@arm: #e6a49c;\n"
    "Map {\n"
    "  srs: \"+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84\";\n"
    "  extent: 44.8 38.4 48.2 41.2;\n"
    "  page: 60mm 45mm;\n"
    "  dpi: 72;\n"
    "  title: \"Fixture on {date}\";\n"
    "  legend: bottom-left; scale-bar: bottom-right; north-arrow: top-right;\n"
    "}\n"
    "Layer#poly   { file: \"poly.shp\"; time: start end; }\n"
    "Layer#lines  { file: \"lines.shp\"; time: start end; }\n"
    "Layer#points { file: \"points.shp\"; }\n"
    "#poly { line-color: #444; line-width: 0.5pt; }\n"
    "#poly[holder = \"ARM\"] { polygon-fill: @arm; legend: \"Armenian forces\"; }\n"
    "#poly[holder = \"AZE\"] { polygon-fill: #9fc4e4; legend: \"Azerbaijani forces\"; }\n"
    "#poly[holder = \"RUS\"] { polygon-pattern: hatch(45, #555, 0.3pt, 2mm); }\n"
    "#points { marker-width: 2mm; text-name: [name]; text-size: 8pt; }\n";

static const char line_rules[] =
    "#lines[kind = \"contact\"] { line-color: #600; line-width: 1pt; }\n"
    "#lines[kind = \"ceasefire\"] { line-color: #600; line-dasharray: 3, 2; }\n";

static char *in_dir(char *buf, size_t size, const char *name) {
  return fixture_path(buf, size, dir, name, "");
}

static void write_text(const char *name, const char *text) {
  char path[4200];
  assert_int_equal(file_write(in_dir(path, sizeof path, name), text, strlen(text)), 0);
}

/* A style of the head, the line rules when asked, and extra text. */
static cm_map *open_style(const char *name, int lines, const char *extra) {
  char text[8192], path[4200];
  snprintf(text, sizeof text, "%s%s%s", style_head, lines ? line_rules : "",
           extra ? extra : "");
  write_text(name, text);
  cm_map *m = NULL;
  cm_error err;
  if (cm_map_open(&m, in_dir(path, sizeof path, name), &err) != CM_OK)
    fail_msg("%s: %s", name, err.message);
  return m;
}

/* far: one polygon far east of the view, appearing on 2005-06-01. */
static int write_far(void) {
  char path[4200];
  SHPHandle shp = SHPCreate(in_dir(path, sizeof path, "far.shp"), SHPT_POLYGON);
  DBFHandle dbf = DBFCreate(in_dir(path, sizeof path, "far.dbf"));
  if (!shp || !dbf)
    return -1;
  double x[] = {60, 60, 61, 61, 60}, y[] = {50, 51, 51, 50, 50};
  SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, 5, x, y, NULL);
  int ok = SHPWriteObject(shp, -1, o) >= 0;
  SHPDestroyObject(o);
  ok = ok && DBFAddField(dbf, "start", FTString, 10, 0) >= 0 &&
       DBFAddField(dbf, "end", FTString, 10, 0) >= 0 &&
       DBFWriteStringAttribute(dbf, 0, 0, "2005-06-01") &&
       DBFWriteStringAttribute(dbf, 0, 1, "");
  SHPClose(shp);
  DBFClose(dbf);
  FILE *prj = fopen(in_dir(path, sizeof path, "far.prj"), "w");
  ok = ok && prj && fputs(fixture_wgs84_wkt, prj) >= 0;
  return prj && fclose(prj) == 0 && ok ? 0 : -1;
}

static int setup(void **state) {
  (void)state;
  if (fixture_dir_map(dir, sizeof dir) != 0 || write_far() != 0)
    return -1;
  map = open_style("fix.mss", 1, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  /* Tests leave files in sub-folders; remove those first. */
  const char *subs[] = {"o", "sub", "r", "gone", "j1", "j4", "k", "s1", "s4"};
  char path[4200];
  for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
    char inner[4300];
    snprintf(inner, sizeof inner, "%s/blocked.png", in_dir(path, sizeof path, subs[i]));
    rmdir(inner);
    fixture_remove_dir(path);
  }
  fixture_remove_dir(dir);
  cm_map_free(map);
  return 0;
}

static void make_sub(const char *name) {
  char path[4200];
  mkdir(in_dir(path, sizeof path, name), 0777);
}

static cm_day day(const char *iso) {
  cm_day d;
  if (cm_date_parse(iso, &d, NULL, NULL) != CM_OK)
    fail_msg("bad date in a test table: '%s'", iso);
  return d;
}

/* --- steps, shards, templates -------------------------------------------- */

static void check_step(const char *text, const char *want) {
  cm_batch_step st;
  cm_error err;
  int rc = cm_batch_parse_step(&st, text, &err);
  char got[64] = "error";
  if (rc == CM_OK && st.unit == CM_STEP_DAYS)
    snprintf(got, sizeof got, "%d days", st.days);
  else if (rc == CM_OK)
    snprintf(got, sizeof got, "%s", st.unit == CM_STEP_YEAR ? "year" : "month");
  else
    assert_int_equal(rc, CM_EUSAGE);
  if (strcmp(got, want))
    fail_msg("step '%s': got %s, wanted %s", text, got, want);
}

static void check_shard(const char *text, const char *want) {
  int i = -1, n = -1;
  cm_error err;
  int rc = cm_batch_parse_shard(&i, &n, text, &err);
  char got[64] = "error";
  if (rc == CM_OK)
    snprintf(got, sizeof got, "%d/%d", i, n);
  else
    assert_non_null(strstr(err.message, "is not a shard"));
  if (strcmp(got, want))
    fail_msg("shard '%s': got %s, wanted %s", text, got, want);
}

static void check_step_row(char **c, int n, int line) {
  assert_int_equal(n, 3);
  if (!strcmp(c[0], "step"))
    check_step(c[1], c[2]);
  else
    check_shard(c[1], c[2]);
}

static void test_steps_and_shards(void **state) {
  (void)state;
  assert_true(table_each("batch_steps.txt", 0, check_step_row) >= 20);
}

static void check_template_row(char **c, int n, int line) {
  char buf[256];
  assert_int_equal(n, 3);
  cm_error err;
  int len = cm_batch_expand(buf, sizeof buf, c[0], day(c[1]), &err);
  if (!strcmp(c[2], "error")) {
    if (len != CM_EUSAGE)
      fail_msg("'%s' gave '%s', wanted an error", c[0], buf);
    assert_non_null(strstr(err.message, "is not a placeholder"));
  } else {
    if (len < 0 || strcmp(buf, c[2]))
      fail_msg("'%s': got '%s', wanted '%s'", c[0], len < 0 ? err.message : buf, c[2]);
    assert_int_equal(len, (int)strlen(c[2]));
  }
}

static void test_templates(void **state) {
  (void)state;
  assert_true(table_each("batch_templates.txt", 0, check_template_row) >= 10);
}

static void test_template_small_buffer(void **state) {
  (void)state;
  char buf[8];
  memset(buf, 'x', sizeof buf);
  int need = cm_batch_expand(buf, sizeof buf, "out/{date}.png", day("2020-11-10"), NULL);
  assert_int_equal(need, (int)strlen("out/2020-11-10.png"));
  assert_string_equal(buf, "out/202");
}

/* --- plans ---------------------------------------------------------------- */

static cm_batch_spec every(const char *step, const char *output) {
  cm_batch_spec s = {.mode = CM_BATCH_EVERY, .output = output};
  assert_int_equal(cm_batch_parse_step(&s.every, step, NULL), CM_OK);
  return s;
}

static void set_range(cm_batch_spec *s, const char *from, const char *to) {
  if ((s->has_from = from && strcmp(from, "-")))
    s->from = day(from);
  if ((s->has_to = to && strcmp(to, "-")))
    s->to = day(to);
}

static void check_frame_date(const cm_batch *b, size_t i, const char *want,
                             const char *row) {
  char got[16];
  cm_date_iso(cm_batch_frame(b, i)->date, got);
  if (strcmp(got, want))
    fail_msg("%s: frame %zu is %s, wanted %s", row, i, got, want);
}

static void check_every_row(char **c, int n, int line) {
  assert_true(n >= 4);
  char row[256], out[4200];
  snprintf(row, sizeof row, "%s %s..%s", c[0], c[1], c[2]);
  cm_batch_spec s = every(c[0], in_dir(out, sizeof out, "{date}.png"));
  set_range(&s, c[1], c[2]);
  cm_batch *b = NULL;
  cm_error err;
  int rc = cm_batch_plan(&b, map, &s, &err);
  if (!strcmp(c[3], "error")) {
    assert_int_equal(rc, CM_EUSAGE);
    assert_null(b);
    return;
  }
  if (rc != CM_OK)
    fail_msg("%s: %s", row, err.message);
  if (cm_batch_count(b) != (size_t)atoi(c[3]))
    fail_msg("%s: %zu frames, wanted %s", row, cm_batch_count(b), c[3]);
  check_frame_date(b, cm_batch_count(b) - 1, c[4], row);
  for (int k = 5; k < n; k++)
    check_frame_date(b, (size_t)(k - 5), c[k], row);
  cm_batch_free(b);
}

static void test_every_table(void **state) {
  (void)state;
  assert_true(table_each("batch_every.txt", 0, check_every_row) >= 10);
}

static void test_every_names_frames(void **state) {
  (void)state;
  char out[4200], want[4200];
  make_sub("o");
  cm_batch_spec s = every("year", in_dir(out, sizeof out, "o/{date:%Y}.png"));
  set_range(&s, "1988-01-01", "2024-12-31");
  cm_batch *b;
  assert_int_equal(cm_batch_plan(&b, map, &s, NULL), CM_OK);
  assert_int_equal(cm_batch_count(b), 37);
  assert_int_equal(cm_batch_planned(b), 37);
  for (size_t i = 0; i < 37; i++) {
    const cm_frame *fr = cm_batch_frame(b, i);
    snprintf(want, sizeof want, "%s/o/%zu.png", dir, 1988 + i);
    assert_string_equal(fr->output, want);
    assert_int_equal(fr->index, i);
    assert_int_equal(fr->status, CM_FRAME_PENDING);
    assert_null(fr->error);
  }
  assert_null(cm_batch_frame(b, 37));
  cm_batch_free(b);
}

static cm_batch_spec dates_spec(const char *file, const char *output) {
  return (cm_batch_spec){.mode = CM_BATCH_DATES, .dates_file = file, .output = output};
}

static const char good_dates[] =
    "# the second war, and before\n"
    "\n"
    "2020-09-27   start.png\n"
    "2020-11-10\n"
    "1994-05-12 %s/sub/{date:%%Y}.svg\n"
    "2021-01-01 last.pdf\r\n"
    "   2000  # a comment after a date\n";

static void test_dates_file(void **state) {
  (void)state;
  char text[4600], file[4200], out[4200], want[4200];
  snprintf(text, sizeof text, good_dates, dir);
  write_text("good.txt", text);
  make_sub("o");
  make_sub("sub");
  cm_batch_spec s = dates_spec(in_dir(file, sizeof file, "good.txt"),
                               in_dir(out, sizeof out, "o/{date}.png"));
  cm_batch *b;
  cm_error err;
  if (cm_batch_plan(&b, map, &s, &err) != CM_OK)
    fail_msg("%s", err.message);
  const char *dates[] = {"2020-09-27", "2020-11-10", "1994-05-12", "2021-01-01", "2000-01-01"};
  const char *names[] = {"o/start.png", "o/2020-11-10.png", "sub/1994.svg",
                         "o/last.pdf", "o/2000-01-01.png"};
  assert_int_equal(cm_batch_count(b), 5);
  for (size_t i = 0; i < 5; i++) {
    check_frame_date(b, i, dates[i], "good.txt");
    assert_string_equal(cm_batch_frame(b, i)->output, in_dir(want, sizeof want, names[i]));
  }
  cm_batch_free(b);
  set_range(&s, "2000-06-01", "2020-12-31");
  assert_int_equal(cm_batch_plan(&b, map, &s, NULL), CM_OK);
  assert_int_equal(cm_batch_count(b), 2);
  check_frame_date(b, 0, "2020-09-27", "good.txt in range");
  check_frame_date(b, 1, "2020-11-10", "good.txt in range");
  cm_batch_free(b);
}

static void unescape(char *s) {
  char *w = s;
  for (const char *r = s; *r; r++)
    if (r[0] == '\\' && r[1] == 'n')
      *w++ = '\n', r++;
    else
      *w++ = *r;
  *w = '\0';
}

static void check_bad_dates(char **c, int n, int line) {
  assert_int_equal(n, 4);
  char file[4200], out[4200], msg[3000];
  unescape(c[0]);
  write_text("bad.txt", c[0]);
  cm_batch_spec s = dates_spec(in_dir(file, sizeof file, "bad.txt"),
                               in_dir(out, sizeof out, "frame.png"));
  cm_batch *b = NULL;
  cm_error err;
  int rc = cm_batch_plan(&b, map, &s, &err);
  int want = !strcmp(c[1], "EDATA") ? CM_EDATA : CM_EUSAGE;
  cm_error_format(&err, msg, sizeof msg);
  if (rc != want || !strstr(msg, c[3]))
    fail_msg("'%s': got %d '%s', wanted %s '%s'", c[0], rc, msg, c[1], c[3]);
  assert_null(b);
  assert_int_equal(err.line, atoi(c[2]));
  if (want == CM_EDATA)
    assert_string_equal(err.file, file);
}

static void test_bad_dates_files(void **state) {
  (void)state;
  assert_true(table_each("batch_dates_bad.txt", 0, check_bad_dates) >= 8);
}

static void test_dates_file_missing(void **state) {
  (void)state;
  char file[4200], out[4200];
  cm_batch_spec s = dates_spec(in_dir(file, sizeof file, "nothere.txt"),
                               in_dir(out, sizeof out, "{date}.png"));
  cm_batch *b;
  cm_error err;
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_EIO);
  assert_string_equal(err.file, file);
  assert_non_null(strstr(err.message, "cannot read dates"));
}

/* Change dates as ISO text joined by spaces. */
static void plan_changes(const cm_map *m, const char *from, const char *to,
                         char *got, size_t size, size_t *unchanged) {
  char out[4200];
  cm_batch_spec s = {.mode = CM_BATCH_CHANGES,
                     .output = in_dir(out, sizeof out, "{date}.png")};
  set_range(&s, from, to);
  cm_batch *b;
  cm_error err;
  if (cm_batch_plan(&b, m, &s, &err) != CM_OK)
    fail_msg("changes: %s", err.message);
  got[0] = '\0';
  for (size_t i = 0; i < cm_batch_count(b); i++) {
    char iso[16];
    cm_date_iso(cm_batch_frame(b, i)->date, iso);
    snprintf(got + strlen(got), size - strlen(got), "%s%s", i ? " " : "", iso);
  }
  *unchanged = cm_batch_unchanged(b);
  cm_batch_free(b);
}

static void test_changes(void **state) {
  (void)state;
  char got[512];
  size_t unchanged;
  plan_changes(map, NULL, NULL, got, sizeof got, &unchanged);
  assert_string_equal(got, "1993-01-01 1994-05-12 2020-11-10 2020-12-01");
  assert_int_equal(unchanged, 0);
  plan_changes(map, "1994-01-01", "2020-11-30", got, sizeof got, &unchanged);
  assert_string_equal(got, "1994-05-12 2020-11-10");
  char out[4200];
  cm_batch_spec s = {.mode = CM_BATCH_CHANGES, .output = in_dir(out, sizeof out, "{date}.png")};
  set_range(&s, "2021-01-01", NULL);
  cm_batch *b;
  cm_error err;
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "no change dates between 2021-01-01"));
}

/* Without rules for the lines, their changes (1994-05-12, 2020-11-10)
 * leave the map as it was: those frames would repeat the one before. */
static void test_changes_unstyled_left_out(void **state) {
  (void)state;
  cm_map *m = open_style("nolines.mss", 0, NULL);
  char got[512];
  size_t unchanged;
  plan_changes(m, NULL, NULL, got, sizeof got, &unchanged);
  assert_string_equal(got, "1993-01-01 2020-12-01");
  assert_int_equal(unchanged, 2);
  cm_map_free(m);
}

/* A feature appearing far outside the view changes nothing on the map,
 * unless it names a legend class the legend would then list. */
static void test_changes_outside_view(void **state) {
  (void)state;
  const char *far = "Layer#far { file: \"far.shp\"; time: start end; }\n"
                    "#far { polygon-fill: #ccc; }\n";
  cm_map *m = open_style("far.mss", 1, far);
  char got[512];
  size_t unchanged;
  plan_changes(m, NULL, NULL, got, sizeof got, &unchanged);
  assert_string_equal(got, "1993-01-01 1994-05-12 2020-11-10 2020-12-01");
  assert_int_equal(unchanged, 1);
  cm_map_free(m);
  const char *far_legend = "Layer#far { file: \"far.shp\"; time: start end; }\n"
                           "#far { polygon-fill: #ccc; legend: \"Far\"; }\n";
  m = open_style("farlegend.mss", 1, far_legend);
  plan_changes(m, NULL, NULL, got, sizeof got, &unchanged);
  assert_string_equal(got, "1993-01-01 1994-05-12 2005-06-01 2020-11-10 2020-12-01");
  assert_int_equal(unchanged, 0);
  cm_map_free(m);
}

/* Position of a frame of a shard in the whole plan, by its file. */
static size_t position(const cm_batch *all, const char *output) {
  for (size_t i = 0; i < cm_batch_count(all); i++)
    if (!strcmp(cm_batch_frame(all, i)->output, output))
      return i;
  fail_msg("%s is in no frame of the whole plan", output);
  return 0;
}

static void check_partition(const cm_batch *all, cm_batch_spec s, int shards) {
  size_t total = cm_batch_count(all);
  unsigned char *seen = calloc(total, 1);
  s.shards = shards;
  for (s.shard = 1; s.shard <= shards; s.shard++) {
    cm_batch *b;
    assert_int_equal(cm_batch_plan(&b, map, &s, NULL), CM_OK);
    assert_int_equal(cm_batch_planned(b), total);
    for (size_t i = 0; i < cm_batch_count(b); i++) {
      size_t k = position(all, cm_batch_frame(b, i)->output);
      assert_int_equal(k % (size_t)shards, (size_t)(s.shard - 1));
      assert_int_equal(seen[k], 0);
      seen[k] = 1;
    }
    cm_batch_free(b);
  }
  for (size_t k = 0; k < total; k++)
    assert_int_equal(seen[k], 1);
  free(seen);
}

static void test_shards_partition(void **state) {
  (void)state;
  char out[4200];
  cm_batch_spec s = every("month", in_dir(out, sizeof out, "{date}.png"));
  cm_batch *all;
  assert_int_equal(cm_batch_plan(&all, map, &s, NULL), CM_OK);
  assert_int_equal(cm_batch_count(all), 28 * 12);
  const int counts[] = {1, 2, 3, 7, 400};
  for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
    check_partition(all, s, counts[i]);
  cm_batch_free(all);
  s.shard = 3;
  s.shards = 2;
  cm_error err;
  assert_int_equal(cm_batch_plan(&all, map, &s, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "shard 3 of 2"));
}

static void test_outputs_refused(void **state) {
  (void)state;
  char out[4200];
  cm_batch *b;
  cm_error err;
  cm_batch_spec s = every("year", in_dir(out, sizeof out, "same.png"));
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "has no {date}, so 28 frames"));
  set_range(&s, "2000-01-01", "2000-12-31");
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_OK); /* one frame */
  cm_batch_free(b);
  s = every("month", in_dir(out, sizeof out, "{date:%Y}.png"));
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "1993-01-01 and 1993-02-01 would both be written"));
  s = every("year", in_dir(out, sizeof out, "{date}.bmp"));
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_EUSAGE);
  assert_non_null(strstr(err.hint, ".png, .pdf or .svg"));
  s = every("year", NULL);
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_EUSAGE);
  s = (cm_batch_spec){.output = "{date}.png"};
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_EUSAGE);
  assert_null(b);
}

static void test_missing_folder(void **state) {
  (void)state;
  char out[4200], folder[4200];
  cm_batch *b;
  cm_error err;
  cm_batch_spec s = every("year", in_dir(out, sizeof out, "nowhere/{date}.png"));
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_EIO);
  in_dir(folder, sizeof folder, "nowhere");
  assert_non_null(strstr(err.message, folder));
  assert_non_null(strstr(err.message, "does not exist"));
  s.output = in_dir(out, sizeof out, "poly.shp/{date}.png");
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_EIO);
  assert_non_null(strstr(err.message, "is not a folder"));
  s.output = "{date}.png"; /* no folder part: the current folder */
  assert_int_equal(cm_batch_plan(&b, map, &s, &err), CM_OK);
  cm_batch_free(b);
}

/* --- runs ----------------------------------------------------------------- */

typedef struct events {
  int started, composed, finished;
  unsigned seen_counts; /* bit k: a FINISHED event with finished == k */
  const char *remove_after_first; /* a folder to remove once a frame is done */
} events;

static void count_events(void *ud, const cm_frame *f, cm_batch_event ev, size_t finished) {
  events *e = ud;
  if (ev == CM_BATCH_STARTED)
    e->started++;
  else if (ev == CM_BATCH_COMPOSED)
    e->composed++;
  else {
    e->finished++;
    e->seen_counts |= 1u << finished;
    assert_int_not_equal(f->status, CM_FRAME_PENDING);
  }
  if (ev == CM_BATCH_FINISHED && e->remove_after_first && finished == 1)
    fixture_remove_dir(e->remove_after_first);
}

static void test_failed_frame_others_go_on(void **state) {
  (void)state;
  char text[256], file[4200], out[4200], blocked[4200];
  make_sub("r");
  mkdir(in_dir(blocked, sizeof blocked, "r/blocked.png"), 0777);
  snprintf(text, sizeof text, "2000 a.png\n2010 blocked.png\n2021 c.png\n");
  write_text("run.txt", text);
  cm_batch_spec s = dates_spec(in_dir(file, sizeof file, "run.txt"),
                               in_dir(out, sizeof out, "r/{date}.png"));
  cm_batch *b;
  assert_int_equal(cm_batch_plan(&b, map, &s, NULL), CM_OK);
  events e = {0};
  assert_int_equal(cm_batch_run(b, map, 2, count_events, &e), 1);
  assert_int_equal(cm_batch_frame(b, 0)->status, CM_FRAME_WRITTEN);
  assert_int_equal(cm_batch_frame(b, 1)->status, CM_FRAME_FAILED);
  assert_int_equal(cm_batch_frame(b, 2)->status, CM_FRAME_WRITTEN);
  const cm_error *err = cm_batch_frame(b, 1)->error;
  assert_non_null(err);
  assert_string_equal(err->file, blocked);
  assert_non_null(strstr(err->message, "folder"));
  assert_int_equal(e.started, 3);
  assert_int_equal(e.composed, 3);
  assert_int_equal(e.finished, 3);
  assert_int_equal(e.seen_counts, 0xEu); /* 1, 2 and 3 */
  assert_int_equal(access(cm_batch_frame(b, 0)->output, F_OK), 0);
  assert_int_equal(access(cm_batch_frame(b, 2)->output, F_OK), 0);
  /* A second run has nothing pending left. */
  e = (events){0};
  assert_int_equal(cm_batch_run(b, map, 2, count_events, &e), 1);
  assert_int_equal(e.finished, 0);
  cm_batch_free(b);
}

static void test_folder_removed_midway(void **state) {
  (void)state;
  char out[4200], gone[4200];
  make_sub("gone");
  cm_batch_spec s = every("year", in_dir(out, sizeof out, "gone/{date}.png"));
  set_range(&s, "2000-01-01", "2004-12-31");
  cm_batch *b;
  assert_int_equal(cm_batch_plan(&b, map, &s, NULL), CM_OK);
  events e = {.remove_after_first = in_dir(gone, sizeof gone, "gone")};
  assert_int_equal(cm_batch_run(b, map, 1, count_events, &e), 4);
  assert_int_equal(cm_batch_frame(b, 0)->status, CM_FRAME_WRITTEN);
  for (size_t i = 1; i < 5; i++) {
    const cm_frame *f = cm_batch_frame(b, i);
    assert_int_equal(f->status, CM_FRAME_FAILED);
    assert_non_null(strstr(f->error->message, "does not exist"));
  }
  assert_int_equal(e.finished, 5);
  cm_batch_free(b);
}

static void *slurp(const char *path, size_t *size) {
  void *bytes = file_read(path, size);
  assert_non_null(bytes);
  return bytes;
}

/* Run the same plan into folder with jobs workers; returns the batch. */
static cm_batch *run_into(const char *folder, const char *ext, int jobs) {
  char out[4200];
  make_sub(folder);
  snprintf(out, sizeof out, "%s/%s/{date}.%s", dir, folder, ext);
  cm_batch_spec s = every("1000d", out);
  set_range(&s, "1993-01-01", "2021-12-31");
  cm_batch *b;
  assert_int_equal(cm_batch_plan(&b, map, &s, NULL), CM_OK);
  assert_int_equal(cm_batch_run(b, map, jobs, NULL, NULL), 0);
  return b;
}

static void check_same_bytes(const char *ext) {
  cm_batch *one = run_into("j1", ext, 1), *four = run_into("j4", ext, 4);
  assert_int_equal(cm_batch_count(one), 11);
  assert_int_equal(cm_batch_count(four), 11);
  for (size_t i = 0; i < cm_batch_count(one); i++) {
    size_t n1, n4;
    void *a = slurp(cm_batch_frame(one, i)->output, &n1);
    void *b = slurp(cm_batch_frame(four, i)->output, &n4);
    if (n1 != n4 || memcmp(a, b, n1))
      fail_msg("%s differs between 1 and 4 jobs", cm_batch_frame(one, i)->output);
    free(a);
    free(b);
  }
  /* Frames of different dates do differ, so the comparison means something. */
  size_t n0, n10;
  void *first = slurp(cm_batch_frame(one, 0)->output, &n0);
  void *last = slurp(cm_batch_frame(one, 10)->output, &n10);
  assert_true(n0 != n10 || memcmp(first, last, n0));
  free(first);
  free(last);
  cm_batch_free(one);
  cm_batch_free(four);
}

static void test_jobs_same_bytes(void **state) {
  (void)state;
  check_same_bytes("png");
  check_same_bytes("svg");
}

static cm_batch *plan_skipping(void) {
  char out[4200];
  cm_batch_spec s = every("year", in_dir(out, sizeof out, "k/{date}.png"));
  set_range(&s, "2018-01-01", "2020-12-31");
  s.skip_existing = 1;
  cm_batch *b;
  assert_int_equal(cm_batch_plan(&b, map, &s, NULL), CM_OK);
  return b;
}

static void test_skip_existing(void **state) {
  (void)state;
  make_sub("k");
  cm_batch *b = plan_skipping();
  events e = {0};
  assert_int_equal(cm_batch_run(b, map, 2, count_events, &e), 0);
  assert_int_equal(e.started, 3);
  cm_batch_free(b);
  b = plan_skipping();
  e = (events){0};
  assert_int_equal(cm_batch_run(b, map, 2, count_events, &e), 0);
  assert_int_equal(e.started, 0);
  assert_int_equal(e.finished, 3);
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(cm_batch_frame(b, i)->status, CM_FRAME_SKIPPED);
  assert_int_equal(unlink(cm_batch_frame(b, 1)->output), 0);
  cm_batch_free(b);
  b = plan_skipping();
  e = (events){0};
  assert_int_equal(cm_batch_run(b, map, 2, count_events, &e), 0);
  assert_int_equal(e.started, 1);
  assert_int_equal(cm_batch_frame(b, 0)->status, CM_FRAME_SKIPPED);
  assert_int_equal(cm_batch_frame(b, 1)->status, CM_FRAME_WRITTEN);
  assert_int_equal(cm_batch_frame(b, 2)->status, CM_FRAME_SKIPPED);
  cm_batch_free(b);
}

/* The frame of the map in an SVG: the second path of its background. */
static cm_bbox svg_frame(const char *path) {
  char *svg = file_read(path, NULL);
  assert_non_null(svg);
  const char *at = strstr(svg, "<g id=\"background\"");
  assert_non_null(at);
  at = strstr(at, "<path d=\"M");
  assert_non_null(at);
  at = strstr(at + 1, "<path d=\"M");
  assert_non_null(at);
  cm_bbox b;
  assert_int_equal(sscanf(at, "<path d=\"M%lf %lfL%lf %*fL%*f %lf", &b.minx, &b.miny,
                          &b.maxx, &b.maxy),
                   4);
  free(svg);
  return b;
}

/* The frames of dates file `file` (in dir), drawn as SVG into folder; the
 * frame of the map in each into frames. */
static void series_frames(cm_map *m, const char *file, const char *folder, int same_scale,
                          int shards, cm_bbox *frames, size_t n) {
  char path[4200], out[4200], tmpl[300];
  snprintf(tmpl, sizeof tmpl, "%s/{date}.svg", folder);
  make_sub(folder);
  cm_batch_spec s = dates_spec(in_dir(path, sizeof path, file), in_dir(out, sizeof out, tmpl));
  s.same_scale = same_scale;
  cm_error err;
  for (int shard = 1; shard <= shards; shard++) {
    if (shards > 1)
      s.shard = shard, s.shards = shards;
    cm_batch *b;
    assert_int_equal(cm_batch_plan(&b, m, &s, &err), CM_OK);
    assert_int_equal(cm_batch_run(b, m, 2, NULL, NULL), 0);
    for (size_t i = 0; i < cm_batch_count(b); i++) {
      size_t k = shards > 1 ? i * (size_t)shards + (size_t)shard - 1 : i;
      assert_true(k < n);
      frames[k] = svg_frame(cm_batch_frame(b, i)->output);
    }
    cm_batch_free(b);
  }
}

static double width(cm_bbox b) { return b.maxx - b.minx; }

/* With --same-scale a series keeps its scale: the day whose event key
 * needs more room draws its map smaller, and the other frames of the
 * batch take the same frame, on every shard. Without, 1 January 2019
 * draws its map larger, as alone. */
static void test_series_keeps_scale(void **state) {
  (void)state;
  char style[4200];
  cm_map *m = NULL;
  cm_error err;
  assert_int_equal(cm_map_open(&m, test_source_path(style, sizeof style, "styles/default.mss"),
                               &err),
                   CM_OK);
  write_text("series.txt", "2019-01-01\n2020-10-25\n2021-06-01\n");
  cm_bbox own[3], one[3], sharded[3];
  series_frames(m, "series.txt", "own", 0, 1, own, 3);
  series_frames(m, "series.txt", "one", 1, 1, one, 3);
  series_frames(m, "series.txt", "sharded", 1, 3, sharded, 3);
  print_message("frame of 1 January 2019 alone %.1f pt wide, in the series %.1f pt\n",
                width(own[0]), width(one[0]));
  assert_true(width(own[0]) > width(own[1]) * 1.05);
  assert_memory_equal(&own[1], &one[1], sizeof own[1]); /* the most demanding */
  for (int i = 0; i < 3; i++) {
    assert_memory_equal(&one[i], &one[1], sizeof one[i]);
    assert_memory_equal(&sharded[i], &one[1], sizeof sharded[i]);
  }
  cm_map_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_steps_and_shards),
      cmocka_unit_test(test_series_keeps_scale),
      cmocka_unit_test(test_templates),
      cmocka_unit_test(test_template_small_buffer),
      cmocka_unit_test(test_every_table),
      cmocka_unit_test(test_every_names_frames),
      cmocka_unit_test(test_dates_file),
      cmocka_unit_test(test_bad_dates_files),
      cmocka_unit_test(test_dates_file_missing),
      cmocka_unit_test(test_changes),
      cmocka_unit_test(test_changes_unstyled_left_out),
      cmocka_unit_test(test_changes_outside_view),
      cmocka_unit_test(test_shards_partition),
      cmocka_unit_test(test_outputs_refused),
      cmocka_unit_test(test_missing_folder),
      cmocka_unit_test(test_failed_frame_others_go_on),
      cmocka_unit_test(test_folder_removed_midway),
      cmocka_unit_test(test_jobs_same_bytes),
      cmocka_unit_test(test_skip_existing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
