/* Layer loading: every fixture read back, every broken one refused with
 * the right code and file, and a sweep of damaged copies that must never
 * crash. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "controlmap/layer.h"
#include "data_internal.h"
#include "support/files.h"
#include "support/fixtures.h"
#include "support/table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];

static int setup(void **state) { return fixture_dir_all(dir, sizeof dir); }

static int teardown(void **state) {
  (void)state;
  fixture_remove_dir(dir);
  return 0;
}

static cm_layer *open_fixture(const char *name) {
  char path[4096];
  cm_layer *layer = NULL;
  cm_error err;
  int rc = cm_layer_open(&layer, fixture_path(path, sizeof path, dir, name, ""),
                         &err);
  if (rc != 0)
    fail_msg("%s: %s", name, err.message);
  return layer;
}

static int ends_with(const char *s, const char *end) {
  size_t n = strlen(s), m = strlen(end);
  return n >= m && strcmp(s + n - m, end) == 0;
}

/* --- good fixtures -------------------------------------------------------- */

static cm_geom_type geom_type_named(const char *s) {
  return strcmp(s, "polygon") == 0 ? CM_GEOM_POLYGON
         : strcmp(s, "line") == 0  ? CM_GEOM_LINE
         : strcmp(s, "point") == 0 ? CM_GEOM_POINT
                                   : CM_GEOM_NONE;
}

static int field_type_named(const char *s) {
  static const char *names[] = {"string", "integer", "double", "logical",
                                "date"};
  for (int i = 0; i < 5; i++)
    if (strcmp(s, names[i]) == 0)
      return i;
  fail_msg("unknown field type %s", s);
  return -1;
}

static void check_crs(const cm_layer *layer, const char *expected) {
  const char *crs = cm_layer_crs(layer);
  if (strcmp(expected, "none") == 0)
    assert_null(crs);
  else if (strcmp(expected, "wgs84") == 0)
    assert_string_equal(crs, fixture_wgs84_wkt);
  else if (strcmp(expected, "lcc") == 0)
    assert_string_equal(crs, fixture_lcc_wkt);
  else
    assert_string_equal(crs, "this is not a CRS");
}

static void check_fields(const cm_layer *layer, char *list) {
  size_t n = 0;
  for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " "), n++) {
    char *colon = strchr(tok, ':');
    assert_non_null(colon);
    *colon = '\0';
    assert_true(n < cm_layer_field_count(layer));
    assert_string_equal(cm_layer_field_name(layer, n), tok);
    assert_int_equal(cm_layer_field_type(layer, n),
                     field_type_named(colon + 1));
    assert_int_equal(cm_layer_field_index(layer, tok), (int)n);
  }
  assert_int_equal(cm_layer_field_count(layer), n);
}

static void check_fixture(char **c, int n, int line) {
  assert_int_equal(n, 9);
  print_message("layer_fixtures.txt:%d: %s\n", line, c[0]);
  cm_layer *layer = open_fixture(c[0]);
  assert_int_equal(cm_layer_geom_type(layer), geom_type_named(c[1]));
  assert_string_equal(cm_layer_shape_type_name(layer), c[2]);
  assert_int_equal(cm_layer_count(layer), strtoul(c[3], NULL, 10));
  assert_int_equal(cm_layer_null_count(layer), strtoul(c[4], NULL, 10));
  cm_bbox want, got = cm_layer_extent(layer);
  assert_int_equal(sscanf(c[5], "%lf %lf %lf %lf", &want.minx, &want.miny,
                          &want.maxx, &want.maxy),
                   4);
  assert_float_equal(got.minx, want.minx, 1e-9);
  assert_float_equal(got.miny, want.miny, 1e-9);
  assert_float_equal(got.maxx, want.maxx, 1e-9);
  assert_float_equal(got.maxy, want.maxy, 1e-9);
  assert_string_equal(cm_layer_encoding(layer), c[6]);
  check_crs(layer, c[7]);
  check_fields(layer, c[8]);
  assert_true(ends_with(cm_layer_path(layer), ".shp") ||
              ends_with(cm_layer_path(layer), ".SHP"));
  cm_layer_free(layer);
}

static void test_fixtures_table(void **state) {
  (void)state;
  assert_true(table_each("layer_fixtures.txt", 0, check_fixture) >= 14);
}

static void check_value(char **c, int n, int line) {
  assert_int_equal(n, 4);
  cm_layer *layer = open_fixture(c[0]);
  int field = cm_layer_field_index(layer, c[2]);
  if (field < 0)
    fail_msg("layer_values.txt:%d: no field %s", line, c[2]);
  const char *value =
      cm_layer_value(layer, strtoul(c[1], NULL, 10), (size_t)field);
  if (!value || strcmp(value, c[3]) != 0)
    fail_msg("layer_values.txt:%d: got '%s', want '%s'", line,
             value ? value : "(null)", c[3]);
  cm_layer_free(layer);
}

static void test_values_table(void **state) {
  (void)state;
  assert_true(table_each("layer_values.txt", 0, check_value) >= 40);
}

/* The same bytes as the table, spelled out so no editor can change them. */
static void test_values_byte_exact(void **state) {
  (void)state;
  cm_layer *points = open_fixture("points");
  assert_string_equal(
      cm_layer_value(points, 0, 1),
      "\xd8\xae\xd8\xa7\xd9\x86\xd9\x83\xd9\x86\xd8\xaf\xd9\x8a");
  assert_string_equal(cm_layer_value(points, 0, 2),
                      "\xd5\x8d\xd5\xbf\xd5\xa5\xd6\x83\xd5\xa1\xd5\xb6\xd5"
                      "\xa1\xd5\xaf\xd5\xa5\xd6\x80\xd5\xbf");
  cm_layer_free(points);
  const char *stepanakert = "\xd0\xa1\xd1\x82\xd0\xb5\xd0\xbf\xd0\xb0\xd0\xbd"
                            "\xd0\xb0\xd0\xba\xd0\xb5\xd1\x80\xd1\x82";
  cm_layer *ru = open_fixture("cp1251");
  assert_string_equal(cm_layer_value(ru, 0, 1), stepanakert);
  cm_layer_free(ru);
  ru = open_fixture("cp1251_ldid");
  assert_string_equal(cm_layer_value(ru, 0, 1), stepanakert);
  cm_layer_free(ru);
  cm_layer *latin = open_fixture("latin_ldid0");
  assert_string_equal(cm_layer_value(latin, 0, 0), "F\xc3\xbczuli");
  cm_layer_free(latin);
}

/* --- geometry ------------------------------------------------------------- */

static double ring_area(const cm_geom *g, size_t part) {
  size_t start = g->parts[part];
  size_t end = part + 1 < g->nparts ? g->parts[part + 1] : g->npoints;
  double sum = 0;
  for (size_t i = start; i < end; i++) {
    const cm_point *a = &g->points[i];
    const cm_point *b = &g->points[i + 1 < end ? i + 1 : start];
    sum += a->x * b->y - b->x * a->y;
  }
  return sum / 2;
}

static size_t part_size(const cm_geom *g, size_t part) {
  size_t end = part + 1 < g->nparts ? g->parts[part + 1] : g->npoints;
  return end - g->parts[part];
}

static void test_polygon_rings_kept_as_written(void **state) {
  (void)state;
  cm_layer *layer = open_fixture("poly");
  const cm_geom *a = cm_layer_geom(layer, 0), *b = cm_layer_geom(layer, 1),
                *c = cm_layer_geom(layer, 2);
  assert_int_equal(a->type, CM_GEOM_POLYGON);
  assert_int_equal(a->nparts, 2);
  assert_int_equal(part_size(a, 0), 5);
  assert_int_equal(part_size(a, 1), 5);
  assert_true(ring_area(a, 0) < 0); /* clockwise outer ring */
  assert_true(ring_area(a, 1) > 0); /* counter-clockwise hole */
  assert_float_equal(fabs(ring_area(a, 0)), 1.0, 1e-12);
  assert_float_equal(fabs(ring_area(a, 1)), 0.04, 1e-12);
  assert_int_equal(b->nparts, 2);
  assert_float_equal(b->points[5].x, 45.8, 1e-12);
  assert_float_equal(b->points[5].y, 38.6, 1e-12);
  assert_int_equal(c->nparts, 1);
  assert_true(ring_area(c, 0) > 0);
  assert_null(cm_layer_geom(layer, 3));
  cm_layer_free(layer);
}

static void test_line_parts(void **state) {
  (void)state;
  cm_layer *layer = open_fixture("lines");
  const cm_geom *g = cm_layer_geom(layer, 1);
  assert_int_equal(g->type, CM_GEOM_LINE);
  assert_int_equal(g->nparts, 2);
  assert_int_equal(part_size(g, 0), 2);
  assert_int_equal(part_size(g, 1), 3);
  assert_float_equal(g->points[4].x, 47.0, 1e-12);
  assert_float_equal(g->points[4].y, 39.2, 1e-12);
  cm_layer_free(layer);
}

static void test_points_one_per_part(void **state) {
  (void)state;
  cm_layer *multi = open_fixture("multipoint");
  const cm_geom *g = cm_layer_geom(multi, 0);
  assert_int_equal(g->type, CM_GEOM_POINT);
  assert_int_equal(g->npoints, 3);
  assert_int_equal(g->nparts, 3);
  assert_int_equal(g->parts[2], 2);
  cm_layer_free(multi);
  cm_layer *z = open_fixture("pointz");
  g = cm_layer_geom(z, 1);
  assert_int_equal(g->npoints, 1);
  assert_int_equal(g->nparts, 1);
  assert_float_equal(g->points[0].x, 46.5, 1e-12);
  assert_float_equal(g->points[0].y, 39.5, 1e-12);
  cm_layer_free(z);
}

static void test_nulls_skipped_records_kept(void **state) {
  (void)state;
  cm_layer *layer = open_fixture("nulls");
  assert_int_equal(cm_layer_record(layer, 0), 0);
  assert_int_equal(cm_layer_record(layer, 1), 2);
  assert_int_equal(cm_layer_record(layer, 2), 4);
  assert_float_equal(cm_layer_geom(layer, 1)->points[0].x, 46.5, 1e-12);
  cm_layer_free(layer);
}

/* --- paths ---------------------------------------------------------------- */

static void test_paths(void **state) {
  (void)state;
  const char *names[] = {"poly", "poly.shp", "upper", "upper.SHP"};
  for (int i = 0; i < 4; i++) {
    cm_layer *layer = open_fixture(names[i]);
    assert_int_equal(cm_layer_count(layer), i < 2 ? 3 : 2);
    assert_true(
        ends_with(cm_layer_path(layer), i < 2 ? "/poly.shp" : "/upper.SHP"));
    cm_layer_free(layer);
  }
}

static void expect_error(const char *path, int code, const char *file,
                         const char *text) {
  cm_layer *layer = (cm_layer *)&layer; /* must be reset to NULL */
  cm_error err;
  cm_error_clear(&err);
  assert_int_equal(cm_layer_open(&layer, path, &err), code);
  assert_null(layer);
  assert_int_equal(err.code, code);
  if (!ends_with(err.file, file))
    fail_msg("%s: error names '%s', not '%s'", path, err.file, file);
  if (!strstr(err.message, text))
    fail_msg("%s: message '%s' lacks '%s'", path, err.message, text);
}

static void test_folders_refused(void **state) {
  (void)state;
  char path[4096];
  expect_error(dir, CM_EIO, dir, "is a folder");
  fixture_path(path, sizeof path, dir, "folder", ".shp");
  assert_int_equal(mkdir(path, 0777), 0);
  expect_error(path, CM_EIO, "folder.shp", "is a folder");
  rmdir(path);
  cm_layer *layer = NULL;
  assert_int_equal(cm_layer_open(&layer, "", NULL), CM_EUSAGE);
  assert_null(layer);
}

static int code_named(const char *s) {
  return strcmp(s, "CM_EIO") == 0     ? CM_EIO
         : strcmp(s, "CM_EDATA") == 0 ? CM_EDATA
                                      : CM_OK;
}

static void check_bad(char **c, int n, int line) {
  char path[4096];
  assert_int_equal(n, 4);
  print_message("layer_bad.txt:%d: %s\n", line, c[0]);
  expect_error(fixture_path(path, sizeof path, dir, c[0], ""), code_named(c[1]),
               c[2], c[3]);
}

static void test_bad_table(void **state) {
  (void)state;
  assert_true(table_each("layer_bad.txt", 0, check_bad) >= 14);
}

/* --- encodings ------------------------------------------------------------ */

static void check_encoding(char **c, int n, int line) {
  char name[32] = "";
  assert_int_equal(n, 3);
  const char *got;
  if (strcmp(c[0], "cpg") == 0)
    got = cm__encoding_from_cpg(c[1], name, sizeof name) == 0 ? name : "unknown";
  else {
    const char *ldid = cm__encoding_from_ldid((int)strtol(c[1], NULL, 16));
    got = ldid ? ldid : "unknown";
  }
  if (strcmp(got, c[2]) != 0)
    fail_msg("layer_encodings.txt:%d: '%s' gives %s, not %s", line, c[1], got,
             c[2]);
}

static void test_encodings_table(void **state) {
  (void)state;
  assert_true(table_each("layer_encodings.txt", 0, check_encoding) >= 30);
}

static void test_utf8_check(void **state) {
  (void)state;
  assert_true(cm__utf8_valid("plain", 5));
  assert_true(cm__utf8_valid("\xd5\x8d\xe2\x82\xac\xf0\x9f\x97\xba", 9));
  assert_false(cm__utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
  assert_false(cm__utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
  assert_false(cm__utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
  assert_false(cm__utf8_valid("\xd5", 1));             /* cut short */
  assert_false(cm__utf8_valid("Caf\xe9", 4));
}

static void test_recoder(void **state) {
  (void)state;
  int bad = 0;
  cm_recoder *r = cm__recoder_open("CP1251");
  assert_non_null(r);
  char *s = cm__recoder_convert(r, "\xd8\xf3\xf8\xe0", 4, &bad);
  assert_string_equal(s, "\xd0\xa8\xd1\x83\xd1\x88\xd0\xb0");
  free(s);
  cm__recoder_free(r);
  r = cm__recoder_open("CP1252");
  assert_null(cm__recoder_convert(r, "\x81", 1, &bad)); /* unassigned */
  assert_int_equal(bad, 1);
  cm__recoder_free(r);
  assert_null(cm__recoder_open("NO-SUCH-ENCODING"));
}

/* --- damaged copies ------------------------------------------------------- */

static long read_all(const char *path, unsigned char **bytes) {
  size_t size;
  *bytes = (unsigned char *)file_read(path, &size);
  assert_non_null(*bytes);
  return (long)size;
}

static void write_all(const char *path, const unsigned char *bytes, long n) {
  assert_int_equal(file_write(path, bytes, (size_t)n), 0);
}

/* Opening must succeed or fail with CM_EDATA, and never crash. */
static int open_code(const char *shp) {
  cm_layer *layer = NULL;
  cm_error err;
  int rc = cm_layer_open(&layer, shp, &err);
  cm_layer_free(layer);
  if (rc != 0 && rc != CM_EDATA)
    fail_msg("%s: unexpected code %d: %s", shp, rc, err.message);
  return rc;
}

static void sweep(const char *shp, const char *ext) {
  char path[4096];
  unsigned char *bytes;
  fixture_path(path, sizeof path, dir, "sweep", ext);
  long size = read_all(path, &bytes);
  for (long i = 0; i < size; i++) {
    unsigned char keep = bytes[i];
    bytes[i] = keep == 0xFF ? 0x00 : 0xFF;
    write_all(path, bytes, size);
    open_code(shp);
    bytes[i] = keep;
  }
  for (long n = 0; n < size; n++) {
    write_all(path, bytes, n);
    int rc = open_code(shp);
    /* Only the .dbf's end-of-file byte may go missing. */
    if (strcmp(ext, ".dbf") != 0 || n < size - 1)
      assert_int_equal(rc, CM_EDATA);
  }
  write_all(path, bytes, size);
  assert_int_equal(open_code(shp), 0);
  free(bytes);
}

static void copy_file(const char *from, const char *to) {
  unsigned char *bytes;
  long size = read_all(from, &bytes);
  write_all(to, bytes, size);
  free(bytes);
}

static void test_damaged_copies(void **state) {
  (void)state;
  char shp[4096], src[4096], dst[4096];
  const char *exts[] = {".shp", ".shx", ".dbf", ".cpg", ".prj"};
  for (int i = 0; i < 5; i++)
    copy_file(fixture_path(src, sizeof src, dir, "poly", exts[i]),
              fixture_path(dst, sizeof dst, dir, "sweep", exts[i]));
  fixture_path(shp, sizeof shp, dir, "sweep", ".shp");
  sweep(shp, ".shp");
  sweep(shp, ".shx");
  sweep(shp, ".dbf");
}

/* Without a .cpg and with a zero language driver byte, text that is valid
 * UTF-8 is taken as UTF-8 (latin_ldid0 covers the other way). */
static void test_guess_utf8_without_cpg(void **state) {
  (void)state;
  char src[4096], dst[4096];
  const char *exts[] = {".shp", ".shx", ".dbf"};
  for (int i = 0; i < 3; i++)
    copy_file(fixture_path(src, sizeof src, dir, "points", exts[i]),
              fixture_path(dst, sizeof dst, dir, "guess", exts[i]));
  cm_layer *layer = open_fixture("guess");
  assert_string_equal(cm_layer_encoding(layer), "UTF-8");
  assert_null(cm_layer_crs(layer));
  assert_string_equal(cm_layer_value(layer, 1, 1),
                      "\xd8\xb4\xd9\x88\xd8\xb4\xd8\xa7");
  cm_layer_free(layer);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixtures_table),
      cmocka_unit_test(test_values_table),
      cmocka_unit_test(test_values_byte_exact),
      cmocka_unit_test(test_polygon_rings_kept_as_written),
      cmocka_unit_test(test_line_parts),
      cmocka_unit_test(test_points_one_per_part),
      cmocka_unit_test(test_nulls_skipped_records_kept),
      cmocka_unit_test(test_paths),
      cmocka_unit_test(test_folders_refused),
      cmocka_unit_test(test_bad_table),
      cmocka_unit_test(test_encodings_table),
      cmocka_unit_test(test_utf8_check),
      cmocka_unit_test(test_recoder),
      cmocka_unit_test(test_damaged_copies),
      cmocka_unit_test(test_guess_utf8_without_cpg),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
