/* The shipped dataset: every layer loads with its fields, the districts and
 * Nakhchivan are there with plausible areas, every date parses, every dated
 * feature names its source, no two control polygons share ground on any
 * date on which control changes, every place lies on ground of the holder
 * its history gives and inside its own country, and the peacekeeping zone
 * lies on ground of the Karabakh Armenian side or the Lachin corridor and
 * ends when the peacekeepers had left. */

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
      {"control", "holder", "start", "end", "label", "source", "accuracy_m", "country"},
      {"lines", "kind", "start", "end", "source", "accuracy_m"},
      {"corridors", "name", "start", "end", "width_m", "source"},
      {"zones", "kind", "name_en", "name_ar", "start", "end", "source"},
      {"places", "name_en", "alt_en", "name_az", "name_hy", "name_ru", "name_ar", "rank", "kind"},
      {"events", "date", "title_en", "title_ar", "source"},
      {"movements", "kind", "name_en", "name_ar", "start", "end", "size", "source", "accuracy_m"}};
  static const cm_geom_type types[] = {CM_GEOM_POLYGON, CM_GEOM_POLYGON,
                                       CM_GEOM_POLYGON, CM_GEOM_LINE,
                                       CM_GEOM_POLYGON, CM_GEOM_POLYGON,
                                       CM_GEOM_POINT, CM_GEOM_POINT, CM_GEOM_LINE};
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
  static const char *const timed[] = {"control", "lines", "corridors", "zones", "movements"};
  for (size_t k = 0; k < 5; k++) {
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

/* The movement on the map at day whose name starts with name, or -1. */
static long movement_on(const cm_layer *l, const char *day, const char *name) {
  cm_day d;
  assert_int_equal(cm_date_parse(day, &d, NULL, NULL), 0);
  for (size_t f = 0; f < cm_layer_count(l); f++) {
    cm_day from, to;
    cm_date_interval(value(l, f, "start"), value(l, f, "end"), &from, &to);
    if (cm_date_in(d, from, to) && !strncmp(value(l, f, "name_en"), name, strlen(name)))
      return (long)f;
  }
  return -1;
}

/* The major operations are there on their days, each with a known kind,
 * and the exodus runs from Stepanakert to Goris with its size. */
static void movements_of_each_war(void **state) {
  cm_layer *l = open_layer("movements");
  static const char *const kinds = " offensive counter-offensive withdrawal handover displacement ";
  for (size_t f = 0; f < cm_layer_count(l); f++) {
    char k[40];
    snprintf(k, sizeof k, " %s ", value(l, f, "kind"));
    if (!strstr(kinds, k))
      fail_msg("movement %zu has kind '%s'", f, value(l, f, "kind"));
  }
  static const char *const cases[][2] = {
      {"1992-05-09", "Armenian forces take Shusha"}, {"1993-04-01", "Kalbajar taken"},
      {"1993-07-23", "Aghdam taken"}, {"2016-04-03", "Four-day war"},
      {"2020-10-10", "2020: southern advance along the Araks"},
      {"2020-11-07", "2020: the approach to Shusha"},
      {"2020-11-25", "Kalbajar district handed"}, {"2022-09-13", "2022: attack towards Jermuk"},
      {"2023-09-19", "2023: offensive"}, {"2023-09-26", "Exodus along the Lachin road"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    if (movement_on(l, cases[i][0], cases[i][1]) < 0)
      fail_msg("no movement '%s' on %s", cases[i][1], cases[i][0]);
  long x = movement_on(l, "2023-09-26", "Exodus");
  const cm_geom *g = cm_layer_geom(l, (size_t)x);
  cm_point first = g->points[0], last = g->points[g->npoints - 1];
  assert_true(fabs(first.x - 46.752) < 0.01 && fabs(first.y - 39.815) < 0.01);
  assert_true(fabs(last.x - 46.339) < 0.01 && fabs(last.y - 39.511) < 0.01);
  assert_true(atoi(value(l, (size_t)x, "size")) >= 100000);
  cm_layer_free(l);
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

/* The days of a timed layer's starts, appended to days (capacity cap). */
static size_t add_start_days(const cm_layer *l, cm_day *days, size_t n, size_t cap) {
  for (size_t f = 0; f < cm_layer_count(l) && n < cap; f++) {
    cm_day from, to;
    assert_int_equal(cm_date_interval(value(l, f, "start"), value(l, f, "end"), &from, &to), 0);
    if (from != CM_DAY_MIN)
      days[n++] = from;
  }
  return n;
}

/* How many features of a timed layer shown on day contain p and have
 * field = want (want NULL: any); sets *last to the field of the last one. */
static int holders_at(const cm_layer *l, const char *field, const char *want,
                      cm_day day, cm_point p, const char **last) {
  int n = 0;
  for (size_t f = 0; f < cm_layer_count(l); f++) {
    cm_day from, to;
    cm_date_interval(value(l, f, "start"), value(l, f, "end"), &from, &to);
    if (!cm_date_in(day, from, to) || (want && strcmp(value(l, f, field), want)))
      continue;
    cm_bbox b = cm_geom_bbox(cm_layer_geom(l, f));
    if (p.x < b.minx || p.x > b.maxx || p.y < b.miny || p.y > b.maxy ||
        !cm_geom_contains(cm_layer_geom(l, f), p))
      continue;
    n++;
    if (last)
      *last = value(l, f, field);
  }
  return n;
}

static cm_point first_point(const cm_geom *g) {
  assert_true(g->nparts > 0 && cm_geom_part_size(g, 0) > 0);
  return cm_geom_part(g, 0)[0];
}

/* At every day on which control or a place changes hands, each place lies
 * in exactly one control polygon, and its holder is the one the place's
 * history (place_holders) gives; each place lies inside its country. */
static void places_lie_on_their_holders_ground(void **state) {
  cm_layer *control = open_layer("control"), *history = open_layer("place_holders");
  cm_layer *places = open_layer("places"), *countries = open_layer("countries");
  size_t cap = cm_layer_count(control) + cm_layer_count(history), nd = 0;
  cm_day *days = calloc(cap, sizeof *days);
  nd = add_start_days(control, days, nd, cap);
  nd = add_start_days(history, days, nd, cap);
  qsort(days, nd, sizeof *days, compare_days);
  size_t checked = 0;
  for (size_t k = 0; k < nd; k++) {
    if (k && days[k] == days[k - 1])
      continue;
    for (size_t f = 0; f < cm_layer_count(history); f++) {
      cm_day from, to;
      cm_date_interval(value(history, f, "start"), value(history, f, "end"), &from, &to);
      if (!cm_date_in(days[k], from, to))
        continue;
      cm_point p = first_point(cm_layer_geom(history, f));
      const char *held = "nobody";
      int n = holders_at(control, "holder", NULL, days[k], p, &held);
      if (n != 1 || strcmp(held, value(history, f, "holder"))) {
        char iso[16];
        cm_date_iso(days[k], iso);
        fail_msg("%s: %s is held by %s, but the control layer gives %s (%d polygons)", iso,
                 value(history, f, "name_en"), value(history, f, "holder"), held, n);
      }
      checked++;
    }
  }
  assert_true(checked >= 1000);
  assert_true(cm_layer_count(places) >= 60);
  for (size_t f = 0; f < cm_layer_count(places); f++) {
    cm_point p = first_point(cm_layer_geom(places, f));
    int inside = 0;
    for (size_t c = 0; c < cm_layer_count(countries); c++)
      if (!strcmp(value(countries, c, "iso_a3"), value(places, f, "country")))
        inside += cm_geom_contains(cm_layer_geom(countries, c), p);
    if (inside != 1)
      fail_msg("%s (%.4f %.4f) is not inside %s", value(places, f, "name_en"), p.x, p.y,
               value(places, f, "country"));
  }
  free(days);
  cm_layer_free(control);
  cm_layer_free(history);
  cm_layer_free(places);
  cm_layer_free(countries);
}

/* Whether any control feature shown on day has holder. */
static int any_held_by(const cm_layer *control, const char *holder, cm_day day) {
  for (size_t f = 0; f < cm_layer_count(control); f++) {
    cm_day from, to;
    cm_date_interval(value(control, f, "start"), value(control, f, "end"), &from, &to);
    if (cm_date_in(day, from, to) && !strcmp(value(control, f, "holder"), holder))
      return 1;
  }
  return 0;
}

/* Whether p lies on a Lachin corridor shown on day. */
static int on_lachin_corridor(const cm_layer *corridors, cm_day day, cm_point p) {
  for (size_t f = 0; f < cm_layer_count(corridors); f++) {
    cm_day from, to;
    cm_date_interval(value(corridors, f, "start"), value(corridors, f, "end"), &from, &to);
    if (cm_date_in(day, from, to) && !strncmp(value(corridors, f, "name"), "Lachin", 6) &&
        cm_geom_contains(cm_layer_geom(corridors, f), p))
      return 1;
  }
  return 0;
}

/* While the Karabakh forces hold ground, every point of the peacekeeping
 * zone (a grid every 0.01 degree, about 1 km) lies on their ground or on a
 * Lachin corridor; the zone's last day is the day before the withdrawal
 * was completed (the last event of kind withdrawal). */
static void peacekeeping_zone_on_armenian_ground(void **state) {
  cm_layer *zones = open_layer("zones"), *control = open_layer("control");
  cm_layer *corridors = open_layer("corridors"), *events = open_layer("events");
  size_t cap = cm_layer_count(control) + cm_layer_count(zones) + cm_layer_count(corridors);
  cm_day *days = calloc(cap, sizeof *days), last_end = CM_DAY_MIN;
  size_t nd = add_start_days(control, days, 0, cap);
  nd = add_start_days(zones, days, nd, cap);
  nd = add_start_days(corridors, days, nd, cap);
  qsort(days, nd, sizeof *days, compare_days);
  size_t probed = 0;
  for (size_t z = 0; z < cm_layer_count(zones); z++) {
    if (strcmp(value(zones, z, "kind"), "peacekeeping"))
      continue;
    cm_day from, to;
    assert_int_equal(cm_date_interval(value(zones, z, "start"), value(zones, z, "end"), &from, &to), 0);
    if (to > last_end)
      last_end = to;
    const cm_geom *g = cm_layer_geom(zones, z);
    cm_bbox b = cm_geom_bbox(g);
    for (size_t k = 0; k < nd; k++) {
      if ((k && days[k] == days[k - 1]) || !cm_date_in(days[k], from, to))
        continue;
      for (double x = b.minx; x <= b.maxx; x += 0.01)
        for (double y = b.miny; y <= b.maxy; y += 0.01) {
          cm_point p = {x, y};
          if (!cm_geom_contains(g, p))
            continue;
          const char *held = "nobody";
          int karabakh = holders_at(control, "holder", "NKR", days[k], p, NULL);
          if (!karabakh && !on_lachin_corridor(corridors, days[k], p)) {
            holders_at(control, "holder", NULL, days[k], p, &held);
            /* After 20 Sep 2023 the Karabakh forces held nothing; the zone is
             * then where the peacekeepers stayed until they left. */
            if (!strcmp(held, "AZE") && !any_held_by(control, "NKR", days[k]))
              continue;
            char iso[16];
            cm_date_iso(days[k], iso);
            fail_msg("%s: the peacekeeping zone at %.3f %.3f lies on ground of %s", iso, x,
                     y, held);
          }
          probed++;
        }
    }
  }
  assert_true(probed >= 10000);
  cm_day withdrawn = CM_DAY_MIN;
  for (size_t f = 0; f < cm_layer_count(events); f++) {
    cm_day d;
    if (!strcmp(value(events, f, "kind"), "withdrawal") &&
        cm_date_parse(value(events, f, "date"), &d, NULL, NULL) == 0 && d > withdrawn)
      withdrawn = d;
  }
  assert_true(withdrawn != CM_DAY_MIN);
  if (last_end != withdrawn) {
    char a[16], b[16];
    cm_date_iso(last_end, a);
    cm_date_iso(withdrawn, b);
    fail_msg("the peacekeeping zone is shown until the day before %s, the withdrawal was "
             "completed on %s", a, b);
  }
  free(days);
  cm_layer_free(zones);
  cm_layer_free(control);
  cm_layer_free(corridors);
  cm_layer_free(events);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(layers_have_their_fields),
      cmocka_unit_test(districts_and_their_areas),
      cmocka_unit_test(dates_and_sources),
      cmocka_unit_test(places_in_five_languages),
      cmocka_unit_test(movements_of_each_war),
      cmocka_unit_test(control_never_overlaps),
      cmocka_unit_test(places_lie_on_their_holders_ground),
      cmocka_unit_test(peacekeeping_zone_on_armenian_ground),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
