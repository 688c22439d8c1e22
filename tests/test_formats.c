/* Layers from other formats than shapefiles, read through GDAL/OGR. The
 * fixture shapefiles are copied to GeoJSON, GeoPackage and FlatGeobuf with
 * GDAL's own ogr2ogr code (GDALVectorTranslate), so the copies are written
 * by a program independent of the reader under test; a map drawn from a
 * copy must be the same picture as from the shapefiles, and every feature
 * must carry the same attributes. Small files written by hand (CSV with
 * coordinate or WKT fields, GeoJSON) cover what a copy cannot: the cases of
 * tests/data/layer_ogr.txt. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/compose.h"
#include "controlmap/render.h"
#include "support/files.h"
#include "support/fixtures.h"
#include "support/table.h"

#include <gdal.h>
#include <gdal_utils.h>
#include <cpl_error.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[512];

/* The fixture map of the golden test; FILE_<layer> is filled per format. */
static const char style_head[] =
    "Map {\n"
    "  srs: \"+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84\";\n"
    "  extent: 44.8 38.4 48.2 41.2; page: 80mm 60mm; dpi: 100;\n"
    "  background-color: #dbe7f0; title: \"Formats {date}\";\n"
    "  legend: bottom-left; scale-bar: bottom-right; graticule: 1;\n"
    "}\n";
static const char style_rules[] =
    "#poly { line-color: #444; line-width: 0.5pt; }\n"
    "#poly[holder = \"ARM\"] { polygon-fill: #e6a49c; legend: \"Armenian\"; }\n"
    "#poly[holder = \"AZE\"] { polygon-fill: #9fc4e4; legend: \"Azerbaijani\"; }\n"
    "#poly[holder = \"RUS\"] { polygon-pattern: hatch(30, #555, 0.3pt, 1.5mm); }\n"
    "#poly[day >= 2000-01-01] { line-width: 1.5pt; }\n"
    "#lines { line-color: #600; line-width: 1pt; line-dasharray: 3, 1.5; }\n"
    "#points[rank <= 2] { marker-width: 2.5mm; marker-fill: #222;\n"
    "  text-name: [name]; text-size: 7pt; text-halo-radius: 1pt; }\n";

static const char *const layers[] = {"poly", "lines", "points"};

/* Copy dir/NAME.shp into dst with ogr2ogr's options (argv style). */
static void translate(const char *dst, const char *name, char **options) {
  char src[600];
  fixture_path(src, sizeof src, dir, name, ".shp");
  GDALDatasetH in = GDALOpenEx(src, GDAL_OF_VECTOR, NULL, NULL, NULL);
  assert_non_null(in);
  GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(options, NULL);
  assert_non_null(o);
  int usage = 0;
  GDALDatasetH out = GDALVectorTranslate(dst, NULL, 1, &in, o, &usage);
  if (!out)
    fail_msg("ogr2ogr %s -> %s: %s", src, dst, CPLGetLastErrorMsg());
  GDALClose(out);
  GDALVectorTranslateOptionsFree(o);
  GDALClose(in);
}

static int setup(void **state) {
  GDALAllRegister();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  if (fixture_dir_map(dir, sizeof dir) != 0)
    return -1;
  return 0;
}

static int teardown(void **state) {
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* Write a style whose layers are read from files named by fmt ("%s.shp",
 * "%s.geojson", "all.gpkg\"; layer: \"%s"...). */
static void write_style(const char *name, const char *fmt) {
  char text[4096], file[200];
  size_t n = (size_t)snprintf(text, sizeof text, "%s", style_head);
  for (size_t i = 0; i < 3; i++) {
    snprintf(file, sizeof file, fmt, layers[i]);
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "Layer#%s { file: \"%s\";%s }\n", layers[i], file,
                          i < 2 ? " time: start end;" : "");
  }
  n += (size_t)snprintf(text + n, sizeof text - n, "%s", style_rules);
  assert_int_equal(file_write(path_in(dir, name), text, n), 0);
}

/* The map of style at date, as pixels. */
static uint32_t *draw(const char *style, const char *date, int *w, int *h) {
  cm_map *m;
  cm_error err;
  if (cm_map_open(&m, path_in(dir, style), &err) != 0)
    fail_msg("%s: %s", style, err.message);
  cm_compose_options opt = {0};
  assert_int_equal(cm_date_parse(date, &opt.date, NULL, NULL), 0);
  cm_scene *s;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  uint32_t *px;
  assert_int_equal(cm_render_pixels(s, &px, w, h, &err), 0);
  cm_scene_free(s);
  cm_map_free(m);
  return px;
}

/* Pixels where some channel differs by more than 48 of 255. */
static long differing(const uint32_t *a, const uint32_t *b, size_t n) {
  long bad = 0;
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < 32; k += 8) {
      int ca = (int)(a[i] >> k & 255), cb = (int)(b[i] >> k & 255);
      if (abs(ca - cb) > 48) {
        bad++;
        break;
      }
    }
  return bad;
}

/* The picture from the copies is the one from the shapefiles, at two
 * dates (different features shown). */
static void same_picture(const char *style) {
  static const char *const dates[] = {"2000-01-01", "2021-01-01"};
  for (size_t d = 0; d < 2; d++) {
    int w1, h1, w2, h2;
    uint32_t *a = draw("shp.mss", dates[d], &w1, &h1);
    uint32_t *b = draw(style, dates[d], &w2, &h2);
    assert_int_equal(w1, w2);
    assert_int_equal(h1, h2);
    long bad = differing(a, b, (size_t)w1 * (size_t)h1);
    if (bad)
      fprintf(stderr, "%s at %s: %ld of %d pixels differ\n", style, dates[d],
              bad, w1 * h1);
    /* Antialiasing may differ where coordinates were rounded in the copy;
     * a missing feature or a wrong colour would cost thousands. */
    assert_true(bad <= (long)w1 * h1 / 2000);
    cm_render_pixels_free(a);
    cm_render_pixels_free(b);
  }
}

/* Copy each fixture layer to dir/LAYER.ext. */
static void copy_layers(const char *ext, char **opts) {
  char dst[600];
  for (size_t i = 0; i < 3; i++) {
    snprintf(dst, sizeof dst, "%s/%s.%s", dir, layers[i], ext);
    translate(dst, layers[i], opts);
  }
}

static void geojson_same_picture(void **state) {
  char *opts[] = {"-f", "GeoJSON", NULL};
  copy_layers("geojson", opts);
  write_style("shp.mss", "%s.shp");
  write_style("geojson.mss", "%s.geojson");
  same_picture("geojson.mss");
}

static void gpkg_same_picture(void **state) {
  char dst[600];
  snprintf(dst, sizeof dst, "%s/all.gpkg", dir);
  for (size_t i = 0; i < 3; i++) {
    char *opts[] = {"-f", "GPKG", "-nln", (char *)layers[i], i ? "-update" : NULL,
                    NULL};
    translate(dst, layers[i], opts);
  }
  write_style("shp.mss", "%s.shp");
  write_style("gpkg.mss", "all.gpkg\"; layer: \"%s");
  same_picture("gpkg.mss");
}

static void flatgeobuf_same_picture(void **state) {
  char *opts[] = {"-f", "FlatGeobuf", "-nlt", "PROMOTE_TO_MULTI",
                  /* a spatial index would reorder the features, and with
                     them what is drawn on top */
                  "-lco", "SPATIAL_INDEX=NO", NULL};
  copy_layers("fgb", opts);
  write_style("shp.mss", "%s.shp");
  write_style("fgb.mss", "%s.fgb");
  same_picture("fgb.mss");
}

/* Values agree field by field: text and dates exactly, numbers by value. */
static void same_value(const cm_layer *a, const cm_layer *b, size_t f,
                       size_t k) {
  const char *name = cm_layer_field_name(a, k);
  int kb = cm_layer_field_index(b, name);
  assert_true(kb >= 0);
  const char *va = cm_layer_value(a, f, k), *vb = cm_layer_value(b, f, (size_t)kb);
  cm_field_type t = cm_layer_field_type(a, k);
  if (t == CM_FIELD_INTEGER || t == CM_FIELD_DOUBLE) {
    assert_true(*va && *vb ? fabs(strtod(va, NULL) - strtod(vb, NULL)) < 1e-9
                           : !*va && !*vb);
  } else if (strcmp(va, vb) && !(t == CM_FIELD_LOGICAL && !*va && !strcmp(vb, "?"))) {
    fail_msg("feature %zu, field %s: '%s' in the shapefile, '%s' in the copy",
             f, name, va, vb);
  }
  /* GeoJSON makes text that holds only full dates a date field, and
   * GDAL's shapefile reader gives logical fields as text "T", "F" or "?"
   * (unknown, which a shapefile layer reads as empty); the
   * values are the same text, which is what styles and time rules read. */
  cm_field_type tb = cm_layer_field_type(b, (size_t)kb);
  if (tb != t && !(t == CM_FIELD_STRING && tb == CM_FIELD_DATE) &&
      !(t == CM_FIELD_LOGICAL && tb == CM_FIELD_STRING))
    fail_msg("field %s: type %d in the shapefile, %d in the copy", name, t, tb);
}

static void geojson_same_features(void **state) {
  char shp[600], copy[600];
  char *opts[] = {"-f", "GeoJSON", NULL};
  copy_layers("geojson", opts);
  for (size_t i = 0; i < 3; i++) {
    snprintf(copy, sizeof copy, "%s/%s.geojson", dir, layers[i]);
    cm_layer *a, *b;
    cm_error err;
    assert_int_equal(cm_layer_open(&a, fixture_path(shp, sizeof shp, dir, layers[i], ".shp"), &err), 0);
    if (cm_layer_open(&b, copy, &err) != 0)
      fail_msg("%s", err.message);
    assert_string_equal(cm_layer_format(b), "GeoJSON");
    assert_int_equal(cm_layer_count(a), cm_layer_count(b));
    assert_int_equal(cm_layer_geom_type(a), cm_layer_geom_type(b));
    assert_int_equal(cm_layer_field_count(a), cm_layer_field_count(b));
    for (size_t f = 0; f < cm_layer_count(a); f++) {
      const cm_geom *ga = cm_layer_geom(a, f), *gb = cm_layer_geom(b, f);
      assert_int_equal(ga->npoints, gb->npoints);
      for (size_t p = 0; p < ga->npoints; p++) {
        assert_true(fabs(ga->points[p].x - gb->points[p].x) < 1e-9);
        assert_true(fabs(ga->points[p].y - gb->points[p].y) < 1e-9);
      }
      for (size_t k = 0; k < cm_layer_field_count(a); k++)
        same_value(a, b, f, k);
    }
    cm_layer_free(a);
    cm_layer_free(b);
  }
}

/* "\n", "\t" and "\NNN" (octal) in a table field. */
static size_t unescape(const char *s, char *out, size_t size) {
  size_t n = 0;
  while (*s && n + 1 < size) {
    if (s[0] == '\\' && s[1] == 'n') {
      out[n++] = '\n';
      s += 2;
    } else if (s[0] == '\\' && s[1] == 't') {
      out[n++] = '\t';
      s += 2;
    } else if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7') {
      out[n++] = (char)strtol((char[]){s[1], s[2], s[3], 0}, NULL, 8);
      s += 4;
    } else
      out[n++] = *s++;
  }
  out[n] = '\0';
  return n;
}

/* "layer=a,x=lon" into src (pointing into opts, which is cut up). */
static void parse_options(char *opts, cm_layer_source *src) {
  char *save = NULL;
  for (char *kv = strtok_r(opts, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(kv, '=');
    assert_non_null(eq);
    *eq = '\0';
    const char **slot = !strcmp(kv, "layer") ? &src->layer
                        : !strcmp(kv, "x")   ? &src->x
                        : !strcmp(kv, "y")   ? &src->y
                        : !strcmp(kv, "wkt") ? &src->wkt
                                             : &src->encoding;
    *slot = eq + 1;
  }
}

static int error_code(const char *name) {
  static const struct { const char *name; int code; } codes[] = {
      {"CM_EIO", CM_EIO}, {"CM_EDATA", CM_EDATA}, {"CM_EUSAGE", CM_EUSAGE}};
  for (size_t i = 0; i < 3; i++)
    if (!strcmp(codes[i].name, name))
      return codes[i].code;
  fail_msg("unknown error code %s", name);
  return 0;
}

static void one_case(const table *t) {
  char path[700], content[2048], opts[256];
  snprintf(path, sizeof path, "%s/%s", dir, t->field[0]);
  if (strcmp(t->field[1], "-")) {
    size_t n = unescape(t->field[1], content, sizeof content);
    assert_int_equal(file_write(path, content, n), 0);
  }
  snprintf(opts, sizeof opts, "%s", t->field[2]);
  cm_layer_source src = {.path = path};
  parse_options(opts, &src);
  cm_layer *l = NULL;
  cm_error err;
  int rc = cm_layer_open_source(&l, &src, &err);
  size_t count;
  char kind[16];
  if (sscanf(t->field[3], "ok %zu %15s", &count, kind) == 2) {
    if (rc != 0)
      fail_msg("line %d: %s: %s", t->number, t->field[0], err.message);
    static const char *const kinds[] = {"none", "point", "line", "polygon"};
    assert_string_equal(kinds[cm_layer_geom_type(l)], kind);
    assert_int_equal(cm_layer_count(l), count);
    cm_layer_free(l);
    return;
  }
  char shown[2600];
  cm_error_format(&err, shown, sizeof shown);
  if (rc != error_code(t->field[3]) || !strstr(shown, t->field[4]))
    fail_msg("line %d: %s gives %d '%s', wanted %s '%s'", t->number, t->field[0],
             rc, shown, t->field[3], t->field[4]);
  assert_null(l);
}

static void table_cases(void **state) {
  assert_true(table_each_row("layer_ogr.txt", TABLE_QUOTES, one_case) >= 25);
}

/* Text in another encoding than UTF-8 reaches the map as UTF-8. */
static void csv_encoding(void **state) {
  char path[700];
  static const char text[] = "id,lon,lat,name\n1,46.75,39.758,"
                             "\xcd\xe0\xe3\xee\xf0\xed\xfb\xe9\n";
  snprintf(path, sizeof path, "%s/ru.csv", dir);
  assert_int_equal(file_write(path, text, sizeof text - 1), 0);
  cm_layer_source src = {.path = path, .x = "lon", .y = "lat", .encoding = "1251"};
  cm_layer *l;
  cm_error err;
  assert_int_equal(cm_layer_open_source(&l, &src, &err), 0);
  assert_string_equal(cm_layer_encoding(l), "CP1251");
  assert_string_equal(cm_layer_value(l, 0, 3), "Нагорный");
  const cm_geom *g = cm_layer_geom(l, 0);
  assert_true(g->points[0].x == 46.75 && g->points[0].y == 39.758);
  cm_layer_free(l);
}

/* A GeoPackage of several layers needs `layer`, and says which it has. */
static void gpkg_needs_layer(void **state) {
  char dst[600];
  snprintf(dst, sizeof dst, "%s/two.gpkg", dir);
  char *first[] = {"-f", "GPKG", "-nln", "poly", NULL};
  char *second[] = {"-f", "GPKG", "-nln", "lines", "-update", NULL};
  translate(dst, "poly", first);
  translate(dst, "lines", second);
  cm_layer *l;
  cm_error err;
  assert_int_equal(cm_layer_open(&l, dst, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "holds 2 layers"));
  assert_non_null(strstr(err.hint, "poly, lines"));
  cm_layer_source src = {.path = dst, .layer = "lines"};
  assert_int_equal(cm_layer_open_source(&l, &src, &err), 0);
  assert_string_equal(cm_layer_format(l), "GPKG");
  assert_int_equal(cm_layer_geom_type(l), CM_GEOM_LINE);
  assert_int_equal(cm_layer_count(l), 3);
  cm_layer_free(l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(geojson_same_picture),
      cmocka_unit_test(gpkg_same_picture),
      cmocka_unit_test(flatgeobuf_same_picture),
      cmocka_unit_test(geojson_same_features),
      cmocka_unit_test(table_cases),
      cmocka_unit_test(csv_encoding),
      cmocka_unit_test(gpkg_needs_layer),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
