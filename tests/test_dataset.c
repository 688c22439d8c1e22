/* The shipped dataset: every layer loads with its fields, the districts and
 * Nakhchivan are there with plausible areas, every date parses, every dated
 * feature names its source, and no two control polygons share ground on
 * any date on which control changes. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/date.h"
#include "controlmap/layer.h"
#include "controlmap/proj.h"
#include "support/files.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A layer of the shipped dataset in shapes/. */
static cm_layer *open_layer(const char *name) {
  char rel[256], path[4096];
  snprintf(rel, sizeof rel, "shapes/%s.shp", name);
  test_source_path(path, sizeof path, rel);
  cm_layer *l = NULL;
  cm_error err;
  int rc = cm_layer_open(&l, path, &err);
  if (rc != CM_OK) {
    char buf[2000];
    fprintf(stderr, "%s\n", cm_error_format(&err, buf, sizeof buf));
  }
  assert_int_equal(rc, CM_OK);
  return l;
}

static const char *value(const cm_layer *l, size_t f, const char *field) {
  int i = cm_layer_field_index(l, field);
  assert_true(i >= 0);
  return cm_layer_value(l, f, (size_t)i);
}

static void layers_have_their_fields(void **state) {
  static const char *const spec[][12] = {
      {"countries", "iso_a3", "name_en", "name_az", "name_hy", "name_ru", "name_ar"},
      {"regions", "kind", "name_en", "name_az", "name_hy", "name_ru", "name_ar", "area_km2"},
      {"control", "holder", "start", "end", "label", "source", "accuracy_m"},
      {"lines", "kind", "start", "end", "source", "accuracy_m"},
      {"corridors", "name", "start", "end", "width_m", "source"},
      {"zones", "kind", "name_en", "name_ar", "start", "end", "source"},
      {"places", "name_en", "alt_en", "name_az", "name_hy", "name_ru", "name_ar", "rank", "kind"},
      {"events", "date", "title_en", "title_ar", "source"}};
  static const cm_geom_type types[] = {CM_GEOM_POLYGON, CM_GEOM_POLYGON,
                                       CM_GEOM_POLYGON, CM_GEOM_LINE,
                                       CM_GEOM_POLYGON, CM_GEOM_POLYGON,
                                       CM_GEOM_POINT, CM_GEOM_POINT};
  for (size_t k = 0; k < sizeof spec / sizeof *spec; k++) {
    cm_layer *l = open_layer(spec[k][0]);
    assert_int_equal(cm_layer_geom_type(l), types[k]);
    assert_true(cm_layer_count(l) > 0);
    assert_non_null(cm_layer_crs(l));
    assert_string_equal(cm_layer_encoding(l), "UTF-8");
    for (size_t i = 1; i < 12 && spec[k][i]; i++)
      if (cm_layer_field_index(l, spec[k][i]) < 0)
        fail_msg("%s has no field %s", spec[k][0], spec[k][i]);
    cm_layer_free(l);
  }
}

static int find(const cm_layer *l, const char *name) {
  for (size_t f = 0; f < cm_layer_count(l); f++)
    if (!strcmp(value(l, f, "name_en"), name))
      return (int)f;
  return -1;
}

/* Area in km2 on an equal-area projection centred on the region. */
static double area_km2(const cm_geom *g) {
  cm_proj *p;
  cm_error err;
  assert_int_equal(cm_proj_create(&p, NULL, "+proj=laea +lat_0=40 +lon_0=46.5 +datum=WGS84", &err), 0);
  cm_geom out;
  cm_geom_init(&out, g->type);
  assert_int_equal(cm_proj_geom(p, g, 0.01, &out), 0);
  double a = cm_geom_area(&out) / 1e6;
  cm_geom_free(&out);
  cm_proj_free(p);
  return a;
}

static void districts_and_their_areas(void **state) {
  static const struct {
    const char *name;
    double official;
  } districts[] = {{"Kalbajar", 3054}, {"Lachin", 1835}, {"Qubadli", 802},
                   {"Zangilan", 707},  {"Jabrayil", 1050}, {"Fuzuli", 1386},
                   {"Aghdam", 1094}};
  cm_layer *l = open_layer("regions");
  double sum = 0, official = 0;
  for (size_t i = 0; i < 7; i++) {
    int f = find(l, districts[i].name);
    if (f < 0)
      fail_msg("no district %s", districts[i].name);
    assert_string_equal(value(l, (size_t)f, "kind"), "district");
    double a = area_km2(cm_layer_geom(l, (size_t)f));
    double off = a / districts[i].official - 1;
    printf("  %-9s %7.1f km2 (official %.0f, %+.1f %%)\n", districts[i].name, a,
           districts[i].official, off * 100);
    if (fabs(off) > 0.10)
      fail_msg("%s is %.0f km2, %+.1f %% off its official %.0f", districts[i].name,
               a, off * 100, districts[i].official);
    sum += a;
    official += districts[i].official;
  }
  printf("  together  %7.1f km2 (official %.0f, %+.1f %%)\n", sum, official,
         (sum / official - 1) * 100);
  assert_true(fabs(sum / official - 1) <= 0.03);
  int n = find(l, "Nakhchivan Autonomous Republic");
  assert_true(n >= 0);
  assert_string_equal(value(l, (size_t)n, "kind"), "republic");
  int o = find(l, "Nagorno-Karabakh Autonomous Oblast");
  assert_true(o >= 0);
  double nkao = area_km2(cm_layer_geom(l, (size_t)o));
  assert_true(fabs(nkao / 4400 - 1) <= 0.10);
  cm_layer_free(l);
}

/* Every timed layer's start/end make a valid interval, every event date
 * parses, and every dated feature says where it comes from. */
static void dates_and_sources(void **state) {
  static const char *const timed[] = {"control", "lines", "corridors", "zones"};
  for (size_t k = 0; k < 4; k++) {
    cm_layer *l = open_layer(timed[k]);
    for (size_t f = 0; f < cm_layer_count(l); f++) {
      cm_day from, to;
      if (cm_date_interval(value(l, f, "start"), value(l, f, "end"), &from, &to))
        fail_msg("%s feature %zu: bad dates '%s' '%s'", timed[k], f,
                 value(l, f, "start"), value(l, f, "end"));
      if (!*value(l, f, "source"))
        fail_msg("%s feature %zu has no source", timed[k], f);
      if (cm_layer_field_index(l, "accuracy_m") >= 0 && atof(value(l, f, "accuracy_m")) <= 0)
        fail_msg("%s feature %zu has no accuracy", timed[k], f);
    }
    cm_layer_free(l);
  }
  cm_layer *e = open_layer("events");
  assert_true(cm_layer_count(e) >= 30);
  for (size_t f = 0; f < cm_layer_count(e); f++) {
    assert_int_equal(cm_date_parse(value(e, f, "date"), NULL, NULL, NULL), 0);
    assert_true(*value(e, f, "title_en") && *value(e, f, "title_ar") &&
                *value(e, f, "source"));
  }
  cm_layer_free(e);
}

static void places_in_five_languages(void **state) {
  cm_layer *l = open_layer("places");
  assert_true(cm_layer_count(l) >= 40);
  static const char *const names[] = {"name_en", "name_az", "name_hy", "name_ru", "name_ar"};
  for (size_t f = 0; f < cm_layer_count(l); f++) {
    for (size_t k = 0; k < 5; k++)
      if (!*value(l, f, names[k]))
        fail_msg("place %s has no %s", value(l, f, "name_en"), names[k]);
    assert_true(atoi(value(l, f, "rank")) >= 1);
  }
  int s = find(l, "Stepanakert");
  assert_true(s >= 0);
  assert_string_equal(value(l, (size_t)s, "alt_en"), "Khankendi");
  cm_layer_free(l);
}

static int compare_days(const void *a, const void *b) {
  cm_day x = *(const cm_day *)a, y = *(const cm_day *)b;
  return (x > y) - (x < y);
}

/* At every change date, no sample point lies in two control polygons: a
 * grid every 0.04 degrees (about 4 km) plus a point deep inside each part
 * of each polygon (its pole of inaccessibility). The build checks the same
 * exactly with shapely; this guards the committed files. */
static void control_never_overlaps(void **state) {
  cm_layer *l = open_layer("control");
  size_t n = cm_layer_count(l);
  cm_day *from = calloc(n, sizeof *from), *to = calloc(n, sizeof *to);
  cm_day *days = calloc(2 * n, sizeof *days);
  cm_bbox *box = calloc(n, sizeof *box);
  size_t nd = 0;
  for (size_t f = 0; f < n; f++) {
    assert_int_equal(cm_date_interval(value(l, f, "start"), value(l, f, "end"), &from[f], &to[f]), 0);
    box[f] = cm_geom_bbox(cm_layer_geom(l, f));
    if (from[f] != CM_DAY_MIN)
      days[nd++] = from[f];
  }
  qsort(days, nd, sizeof *days, compare_days);
  /* Points to probe: the grid and one inner point per polygon part. */
  size_t cap = 40000, np = 0;
  cm_point *probe = malloc(cap * sizeof *probe);
  for (double x = 43.5; x <= 50.5; x += 0.04)
    for (double y = 38.3; y <= 41.9; y += 0.04)
      if (np < cap)
        probe[np++] = (cm_point){x, y};
  for (size_t f = 0; f < n; f++) {
    const cm_geom *g = cm_layer_geom(l, f);
    cm_point p;
    double d;
    if (np < cap && cm_geom_label_point(g, 1e-4, &p, &d) == CM_OK)
      probe[np++] = p;
  }
  size_t checked = 0;
  for (size_t k = 0; k < nd; k++) {
    if (k && days[k] == days[k - 1])
      continue;
    for (size_t i = 0; i < np; i++) {
      int holders = 0;
      for (size_t f = 0; f < n; f++) {
        cm_bbox b = box[f];
        if (!cm_date_in(days[k], from[f], to[f]) || probe[i].x < b.minx ||
            probe[i].x > b.maxx || probe[i].y < b.miny || probe[i].y > b.maxy)
          continue;
        holders += cm_geom_contains(cm_layer_geom(l, f), probe[i]);
      }
      if (holders > 1) {
        char iso[16];
        cm_date_iso(days[k], iso);
        fail_msg("%s: %.4f %.4f is held by %d features", iso, probe[i].x,
                 probe[i].y, holders);
      }
    }
    checked++;
  }
  assert_true(checked >= 20);
  free(probe);
  free(from);
  free(to);
  free(days);
  free(box);
  cm_layer_free(l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(layers_have_their_fields),
      cmocka_unit_test(districts_and_their_areas),
      cmocka_unit_test(dates_and_sources),
      cmocka_unit_test(places_in_five_languages),
      cmocka_unit_test(control_never_overlaps),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
