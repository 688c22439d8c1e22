/* Hostile input never crashes controlmap: the inputs kept because they
 * crash or hang a build without the check that refuses them, or once made
 * a fuzz harness fail (tests/crashes/HARNESS/), replayed through the same harness
 * code without libFuzzer, the harnesses' own checks run on every fixture
 * and shipped style, damaged layers (tests/data/badinput_layers.txt), and
 * styles with nothing in them. The command-line cases are in
 * tests/cli_badinput.sh. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* The harnesses report a broken promise through FUZZ_FAIL: here it fails
 * the test instead of aborting. */
#define FUZZ_NO_ENTRY
#define FUZZ_FAIL(...) fail_msg(__VA_ARGS__)
#include "fuzz/fuzz_date.c"
#include "fuzz/fuzz_layer.c"
#include "fuzz/fuzz_ogr.c"
#include "fuzz/fuzz_proj.c"
#include "fuzz/fuzz_style.c"

#include "controlmap/layer.h"
#include "controlmap/style.h"
#include "support/files.h"
#include "support/fixtures.h"
#include "support/table.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];

static int setup(void **state) { return fixture_dir_all(dir, sizeof dir); }

static int teardown(void **state) {
  (void)state;
  fixture_remove_dir(dir);
  return 0;
}

/* --- files and tables ----------------------------------------------------- */

/* The whole file; the test fails when it cannot be read. */
static uint8_t *read_file(const char *path, size_t *n) {
  uint8_t *data = (uint8_t *)file_read(path, n);
  if (!data)
    fail_msg("cannot read %s", path);
  return data;
}

static int code_named(const char *s) {
  static const struct {
    const char *name;
    int code;
  } codes[] = {{"ok", CM_OK},         {"CM_EIO", CM_EIO},
               {"CM_EDATA", CM_EDATA}, {"CM_ESTYLE", CM_ESTYLE},
               {"CM_EPROJ", CM_EPROJ}, {"CM_ENOMEM", CM_ENOMEM},
               {"CM_EUSAGE", CM_EUSAGE}};
  for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
    if (strcmp(s, codes[i].name) == 0)
      return codes[i].code;
  fail_msg("unknown code %s", s);
  return 1;
}

/* --- inputs that once made a harness fail ---------------------------------- */

typedef int (*harness)(const uint8_t *, size_t);

static harness harness_named(const char *name) {
  if (strcmp(name, "layer") == 0)
    return fuzz_layer;
  if (strcmp(name, "style") == 0)
    return fuzz_style;
  if (strcmp(name, "date") == 0)
    return fuzz_date;
  if (strcmp(name, "proj") == 0)
    return fuzz_proj;
  if (strcmp(name, "ogr") == 0)
    return fuzz_ogr;
  fail_msg("unknown harness %s", name);
  return NULL;
}

/* Each row: harness | file in tests/crashes/HARNESS | the code it gives. */
static int crash_rows;

static void check_crash(char **c, int n, int line) {
  char rest[512], path[4096];
  size_t size;
  assert_int_equal(n, 3);
  print_message("badinput_crashes.txt:%d: %s/%s\n", line, c[0], c[1]);
  snprintf(rest, sizeof rest, "tests/crashes/%s/%s", c[0], c[1]);
  uint8_t *data = read_file(test_source_path(path, sizeof path, rest), &size);
  int rc = harness_named(c[0])(data, size);
  free(data);
  if (rc != code_named(c[2]))
    fail_msg("badinput_crashes.txt:%d: %s/%s gives %d, not %s", line, c[0],
             c[1], rc, c[2]);
  crash_rows++;
}

/* Every file in tests/crashes has its row, so none is forgotten. */
static int crash_files(void) {
  static const char *const names[] = {"layer", "style", "date", "proj", "ogr"};
  char path[4096], rest[64];
  int files = 0;
  for (int h = 0; h < 5; h++) {
    snprintf(rest, sizeof rest, "tests/crashes/%s", names[h]);
    DIR *d = opendir(test_source_path(path, sizeof path, rest));
    struct dirent *e;
    while (d && (e = readdir(d)))
      files += e->d_name[0] != '.';
    if (d)
      closedir(d);
  }
  return files;
}

/* An empty corpus would pass by replaying nothing: it fails instead. */
static void test_crashes_replayed(void **state) {
  (void)state;
  crash_rows = 0;
  table_each("badinput_crashes.txt", 0, check_crash);
  assert_int_equal(crash_rows, crash_files());
  if (crash_rows == 0)
    fail_msg("tests/crashes holds no input to replay");
}

/* --- the harnesses' checks on known inputs --------------------------------- */

/* A fixture's files as one layer input; *n is its size. */
static uint8_t *pack_fixture(const char *name, size_t *n) {
  uint8_t *part[LAYER_PARTS], head[LAYER_INPUT_HEADER];
  size_t len[LAYER_PARTS], total = LAYER_INPUT_HEADER;
  int present[LAYER_PARTS];
  char path[4096];
  for (int k = 0; k < LAYER_PARTS; k++) {
    fixture_path(path, sizeof path, dir, name, layer_input_ext[k]);
    FILE *f = fopen(path, "rb");
    present[k] = f != NULL;
    len[k] = 0;
    part[k] = NULL;
    if (f) {
      fclose(f);
      part[k] = read_file(path, &len[k]);
    }
    total += len[k];
  }
  assert_int_equal(layer_input_header(head, len, present), 0);
  uint8_t *data = malloc(total);
  assert_non_null(data);
  memcpy(data, head, sizeof head);
  *n = sizeof head;
  for (int k = 0; k < LAYER_PARTS; k++) {
    if (len[k])
      memcpy(data + *n, part[k], len[k]);
    *n += len[k];
    free(part[k]);
  }
  return data;
}

/* Good fixtures load and keep every promise; broken ones are refused. The
 * upper-case fixture is left out: its files end in .SHP. */
static void test_fixtures_through_the_layer_harness(void **state) {
  (void)state;
  for (size_t i = 0; i < fixture_count; i++) {
    const char *name = fixtures[i].name;
    if (strcmp(name, "upper") == 0)
      continue;
    size_t n;
    uint8_t *data = pack_fixture(name, &n);
    int rc = fuzz_layer(data, n);
    free(data);
    int broken = strncmp(name, "bad_", 4) == 0 && strcmp(name, "bad_prj") != 0;
    if (broken ? rc == CM_OK : rc != CM_OK)
      fail_msg("%s: cm_layer_open gives %d", name, rc);
  }
}

static void test_styles_through_the_style_harness(void **state) {
  (void)state;
  const char *names[] = {"styles/default.mss",
                         "tests/fixtures/styles/example.mss"};
  char path[4096];
  for (int i = 0; i < 2; i++) {
    size_t n;
    uint8_t *text = read_file(test_source_path(path, sizeof path, names[i]), &n);
    assert_int_equal(fuzz_style(text, n), CM_OK);
    free(text);
  }
  const char *mistakes = "Map { dpi: 0; }\n#x { line-widht: 1; }";
  assert_int_equal(fuzz_style((const uint8_t *)mistakes, strlen(mistakes)),
                   CM_ESTYLE);
}

static void test_dates_through_the_date_harness(void **state) {
  (void)state;
  const char *inputs[] = {"2020-11-10|2021|%e %B %Y|ru|1", "2020-02|2020-02",
                          "1994|1993|NULL|ar|0", "0000-00-00", "9999-12-31|",
                          "\xff\xff\xff\xff|x|%B%b%d%e%m%Y%%%|hy|2"};
  const int codes[] = {CM_OK, CM_OK, CM_OK, CM_EUSAGE, CM_OK, CM_EUSAGE};
  for (int i = 0; i < 6; i++)
    assert_int_equal(fuzz_date((const uint8_t *)inputs[i], strlen(inputs[i])),
                     codes[i]);
}

/* GeoJSON and CSV, good and bad, keep the promises of the OGR harness. */
static void test_files_through_the_ogr_harness(void **state) {
  (void)state;
  static const struct {
    const char *input;
    int code;
  } cases[] = {
      {"\000{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
       "\"properties\":{\"d\":\"2020-11-10\",\"n\":1.5,\"b\":true},\"geometry\":"
       "{\"type\":\"Polygon\",\"coordinates\":[[[46,39],[47,39],[47,40],[46,39]]]}}]}",
       CM_OK},
      {"\001id,lon,lat,name\n1,46.75,39.76,Shusha\n2,,,\n", CM_OK},
      {"\002id,geom\n1,\"LINESTRING (46 39,47 40)\"\n", CM_OK},
      {"\001id,lon,lat\n1,east,39\n", CM_EDATA},
      {"\003id,lon,lat\n1,46,39\n", CM_EDATA},
      {"\000{\"type\":", CM_EDATA},
      {"\004not a flatgeobuf", CM_EDATA},
      {"\201id,lon,lat,name\n1,46.75,39.76,\xcd\xe0\n", CM_OK},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *in = cases[i].input;
    size_t n = 1 + strlen(in + 1); /* the first byte may be 0 */
    int rc = fuzz_ogr((const uint8_t *)in, n);
    if (rc != cases[i].code)
      fail_msg("case %zu gives %d, not %d", i, rc, cases[i].code);
  }
}

static void test_crs_through_the_proj_harness(void **state) {
  (void)state;
  const char *good = "EPSG:32638", *bad = "GEOGCS[\"broken\"";
  assert_int_equal(fuzz_proj((const uint8_t *)good, strlen(good)), CM_OK);
  assert_int_equal(fuzz_proj((const uint8_t *)bad, strlen(bad)), CM_EPROJ);
}

/* --- damaged layers ------------------------------------------------------- */

static void copy_fixture(const char *name, const char *as) {
  char from[4096], to[4096];
  for (int k = 0; k < LAYER_PARTS; k++) {
    fixture_path(from, sizeof from, dir, name, layer_input_ext[k]);
    fixture_path(to, sizeof to, dir, as, layer_input_ext[k]);
    FILE *f = fopen(from, "rb");
    if (!f) {
      remove(to);
      continue;
    }
    fclose(f);
    size_t n;
    uint8_t *data = read_file(from, &n);
    assert_int_equal(file_write(to, data, n), 0);
    free(data);
  }
}

/* "156=40; 108=00 00 00 32" */
static void apply_patches(const char *path, char *patches) {
  FILE *f = fopen(path, "r+b");
  assert_non_null(f);
  char *cells[8];
  int n = table_split(patches, ';', cells, 8);
  assert_true(n > 0);
  for (int i = 0; i < n; i++) {
    char *eq = strchr(cells[i], '=');
    assert_non_null(eq);
    assert_int_equal(fseek(f, strtol(cells[i], NULL, 10), SEEK_SET), 0);
    for (char *s = eq + 1, *end; *s; s = end) {
      long byte = strtol(s, &end, 16);
      if (end == s)
        break;
      fputc((int)byte, f);
    }
  }
  fclose(f);
}

static void check_damaged(char **c, int n, int line) {
  char path[4096];
  assert_int_equal(n, 5);
  print_message("badinput_layers.txt:%d: %s%s %s\n", line, c[0], c[1], c[2]);
  copy_fixture(c[0], "damaged");
  apply_patches(fixture_path(path, sizeof path, dir, "damaged", c[1]), c[2]);
  cm_layer *layer = NULL;
  cm_error err;
  cm_error_clear(&err);
  int rc = cm_layer_open(&layer, fixture_path(path, sizeof path, dir,
                                              "damaged", ".shp"),
                         &err);
  cm_layer_free(layer);
  if (rc != code_named(c[3]))
    fail_msg("badinput_layers.txt:%d: code %d (%s)", line, rc, err.message);
  if (strcmp(c[4], "-") != 0 && !strstr(err.message, c[4]))
    fail_msg("badinput_layers.txt:%d: message '%s'", line, err.message);
}

static void test_damaged_layers_table(void **state) {
  (void)state;
  assert_true(table_each("badinput_layers.txt", 0, check_damaged) >= 10);
}

/* Records stored out of order in the .shp are read in the index's order. */
static void test_records_out_of_order_kept(void **state) {
  (void)state;
  char path[4096], patch[] = "108=00 00 01 0E 00 00 00 40; "
                             "116=00 00 00 A0 00 00 00 6A";
  copy_fixture("poly", "swapped");
  apply_patches(fixture_path(path, sizeof path, dir, "swapped", ".shx"), patch);
  cm_layer *layer = NULL;
  cm_error err;
  assert_int_equal(cm_layer_open(&layer, fixture_path(path, sizeof path, dir,
                                                      "swapped", ".shp"),
                                 &err),
                   CM_OK);
  assert_int_equal(cm_layer_count(layer), 3);
  assert_int_equal(cm_layer_geom(layer, 1)->nparts, 1); /* C: one ring */
  assert_int_equal(cm_layer_geom(layer, 2)->nparts, 2); /* B: two islands */
  cm_layer_free(layer);
}

/* --- styles with nothing in them ------------------------------------------- */

static void expect_empty(const char *text) {
  cm_style *s = NULL;
  cm_error err;
  assert_int_equal(cm_style_parse(&s, text, strlen(text), "e.mss", &err, NULL),
                   CM_ESTYLE);
  assert_null(s);
  assert_int_equal(err.line, 1);
  assert_int_equal(err.col, 1);
  assert_non_null(strstr(err.message, "the style is empty"));
  assert_non_null(strstr(err.hint, "Layer#control"));
}

static void test_empty_styles_refused(void **state) {
  (void)state;
  expect_empty("");
  expect_empty("  \n\t\n");
  expect_empty("/* a comment */\n// and another\n");
  expect_empty("\xEF\xBB\xBF");
  /* A comment left open is that mistake alone, not also an empty style. */
  cm_style *s = NULL;
  cm_error err;
  cm_errors all = {0};
  const char *open = "/* never closed";
  assert_int_equal(cm_style_parse(&s, open, strlen(open), "e.mss", &err, &all),
                   CM_ESTYLE);
  assert_int_equal(all.count, 1);
  assert_non_null(strstr(err.message, "unterminated comment"));
  cm_errors_free(&all);
  /* A style of one Layer block is not empty. */
  const char *one = "Layer#a { file: \"a.shp\"; }";
  assert_int_equal(cm_style_parse(&s, one, strlen(one), "e.mss", &err, NULL),
                   CM_OK);
  cm_style_free(s);
}

/* --- styles that grow when read ------------------------------------------- */

/* Each variable twice the one before: forty lines would expand to a
 * trillion tokens if nothing stopped them. */
static void test_doubling_variables_refused(void **state) {
  (void)state;
  char *text = malloc(4096);
  assert_non_null(text);
  int n = snprintf(text, 4096, "@v0: 1, 2;\n");
  for (int i = 1; i < 40; i++)
    n += snprintf(text + n, 4096 - (size_t)n, "@v%d: @v%d, @v%d;\n", i, i - 1,
                  i - 1);
  snprintf(text + n, 4096 - (size_t)n,
           "Layer#a { file: \"a.shp\"; }\n#a { line-dasharray: @v39; }\n");
  cm_style *s = NULL;
  cm_error err;
  cm_errors all = {0};
  assert_int_equal(
      cm_style_parse(&s, text, strlen(text), "v.mss", &err, &all), CM_ESTYLE);
  assert_non_null(strstr(err.message, "expand to more than a million tokens"));
  assert_int_equal(all.count, 1); /* said once, not at every use */
  cm_errors_free(&all);
  free(text);
}

/* Text grown by repeating a printf pattern with the index i. */
static char *repeated(char *text, size_t *len, size_t *cap, const char *fmt,
                      int times) {
  for (int i = 0; i < times; i++) {
    if (*cap - *len < 128) {
      *cap *= 2;
      text = realloc(text, *cap);
      assert_non_null(text);
    }
    *len += (size_t)snprintf(text + *len, *cap - *len, fmt, i, i);
  }
  return text;
}

/* Many variables and many layers, each looked up by name: found at once,
 * not by a search of the list per use (which took minutes on a few MB). */
static void test_many_names_parse(void **state) {
  (void)state;
  size_t len = 0, cap = 1 << 16;
  char *text = malloc(cap);
  assert_non_null(text);
  /* values of 1.N pt: lengths stay within the 500mm a symbol may have */
  text = repeated(text, &len, &cap, "@v%d: 1.%d;\n", 100000);
  text = repeated(text, &len, &cap, "Layer#a%d { file: \"a%d.shp\"; }\n", 20000);
  text = repeated(text, &len, &cap, "#a%d { line-width: @v%d; }\n", 20000);
  cm_style *s = NULL;
  cm_error err;
  assert_int_equal(cm_style_parse(&s, text, len, "n.mss", &err, NULL), CM_OK);
  assert_int_equal(cm_style_layer_count(s), 20000);
  assert_string_equal(cm_style_layer_at(s, 19999)->name, "a19999");
  cm_symbolizer sym;
  assert_int_equal(cm_style_resolve(s, "a12345", NULL, NULL, &sym), 1);
  assert_float_equal(sym.line_width.value, 1.12345, 1e-12);
  cm_style_free(s);
  /* Twins and unknown names are still found. */
  len = 0;
  text = repeated(text, &len, &cap, "@v%d: %d;\n", 3000);
  text = repeated(text, &len, &cap, "Layer#a%d { file: \"a%d.shp\"; }\n", 3000);
  const char *tail = "@v2999: 1;\nLayer#a7 { file: \"b.shp\"; }\n"
                     "#a3000 { line-width: @v3000; }\n";
  memcpy(text + len, tail, strlen(tail));
  len += strlen(tail);
  cm_errors all = {0};
  assert_int_equal(cm_style_parse(&s, text, len, "n.mss", &err, &all),
                   CM_ESTYLE);
  const char *want[] = {"variable @v2999 is defined twice",
                        "layer 'a7' is defined twice", "undefined variable @v3000",
                        "unknown layer 'a3000'"};
  for (int k = 0; k < 4; k++) {
    int found = 0;
    for (size_t i = 0; i < all.count; i++)
      found |= strstr(all.items[i].message, want[k]) != NULL;
    if (!found)
      fail_msg("no mistake '%s'", want[k]);
  }
  cm_errors_free(&all);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crashes_replayed),
      cmocka_unit_test(test_fixtures_through_the_layer_harness),
      cmocka_unit_test(test_styles_through_the_style_harness),
      cmocka_unit_test(test_dates_through_the_date_harness),
      cmocka_unit_test(test_files_through_the_ogr_harness),
      cmocka_unit_test(test_crs_through_the_proj_harness),
      cmocka_unit_test(test_damaged_layers_table),
      cmocka_unit_test(test_records_out_of_order_kept),
      cmocka_unit_test(test_empty_styles_refused),
      cmocka_unit_test(test_doubling_variables_refused),
      cmocka_unit_test(test_many_names_parse),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
