/* Hostile but valid input: shapefiles whose every byte is right but whose
 * shapes are built to make a naive loader slow or greedy. Each must load
 * within 2 s per 100,000 vertices (scaled up under the sanitizers), or be
 * refused with a message naming the layer, never exhaust memory. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/batch.h"
#include "controlmap/compose.h"
#include "controlmap/map.h"
#include "support/files.h"
#include "support/fixtures.h"
#include "support/scene.h"

#include <math.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char dir[512];

/* Sanitizers and valgrind slow the library several times over. */
static double slowdown(void) {
  const char *s = getenv("CM_TEST_SLOWDOWN");
  double k = s ? atof(s) : 0;
#if defined(__SANITIZE_ADDRESS__)
  if (k < 6)
    k = 6;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  if (k < 6)
    k = 6;
#endif
#endif
  return k > 1 ? k : 1;
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int setup(void **state) { return fixture_make_dir(dir, sizeof dir); }

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

/* NAME.shp of nparts zig-zags of n vertices each across the box lon
 * 45..48, lat 38.5..41, in lon/lat: every edge spans the box, the shape a
 * uniform densifier turns into millions of points and on which plain
 * Douglas-Peucker is quadratic. A polygon's ring is closed. */
static void write_zigzag_in(const char *name, int type, int nparts, int n,
                            const double *b) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  SHPHandle shp = SHPCreate(path, type);
  DBFHandle dbf = DBFCreate(path);
  assert_non_null(shp);
  assert_non_null(dbf);
  assert_int_equal(DBFAddField(dbf, "id", FTInteger, 8, 0), 0);
  int closed = type == SHPT_POLYGON;
  double *x = malloc((size_t)(n + 1) * sizeof *x);
  double *y = malloc((size_t)(n + 1) * sizeof *y);
  for (int p = 0; p < nparts; p++) {
    for (int i = 0; i < n; i++) {
      x[i] = i % 2 ? b[2] : b[0];
      y[i] = b[1] + (b[3] - b[1]) * i / n + 0.01 * p;
    }
    if (closed)
      x[n] = x[0], y[n] = y[0];
    SHPObject *o = SHPCreateSimpleObject(type, n + closed, x, y, NULL);
    assert_true(SHPWriteObject(shp, -1, o) >= 0);
    SHPDestroyObject(o);
    DBFWriteIntegerAttribute(dbf, p, 0, p);
  }
  free(x);
  free(y);
  SHPClose(shp);
  DBFClose(dbf);
}

static void write_zigzag(const char *name, int type, int nparts, int n) {
  write_zigzag_in(name, type, nparts, n, (const double[]){45, 38.5, 48, 41});
}

/* Opens a map of one layer NAME.shp drawn in srs; its time in seconds. */
static int open_map_at(const char *name, const char *srs, const char *extent,
                       int dpi, cm_map **m, cm_error *err, double *took) {
  char text[2048], style_name[600];
  snprintf(text, sizeof text,
           "Map { srs: \"%s\"; %s page: 120mm 90mm; dpi: %d; }\n"
           "Layer#z { file: \"%s.shp\"; }\n"
           "#z { polygon-fill: #e6a49c; line-color: #600; line-width: 1pt; }\n",
           srs, extent, dpi, name);
  snprintf(style_name, sizeof style_name, "%s/style.mss", dir);
  cm_style *style = NULL;
  int rc = cm_style_parse(&style, text, strlen(text), style_name, err, NULL);
  assert_int_equal(rc, CM_OK);
  double t0 = seconds();
  rc = cm_map_open_style(m, style, err);
  *took = seconds() - t0;
  return rc;
}

static int open_map(const char *name, const char *srs, const char *extent,
                    cm_map **m, cm_error *err, double *took) {
  return open_map_at(name, srs, extent, 150, m, err, took);
}

static const char lcc[] =
    "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84";
static const char box[] = "extent: 44.8 38.4 48.2 41.2;";

static size_t page_points(const cm_map *m) {
  size_t n = 0;
  for (size_t f = 0; f < cm_layer_count(cm_map_layer_data(m, 0)); f++)
    n += cm_map_feature_geom(m, 0, f)->npoints;
  return n;
}

/* 50,000 zig-zag vertices in one ring: within 2 s per 100,000 vertices,
 * projected to a conic map and drawn as the lon/lat it is. */
static void zigzag_ring_loads_fast(void **state) {
  write_zigzag("ring", SHPT_POLYGON, 1, 50000);
  const char *srs[] = {lcc, "EPSG:4326"};
  const char *extent[] = {box, box, ""};
  for (int k = 0; k < 3; k++) {
    cm_map *m = NULL;
    cm_error err;
    double took;
    assert_int_equal(open_map("ring", srs[k % 2], extent[k], &m, &err, &took), CM_OK);
    printf("zig-zag ring of 50,000 vertices, %s%s: %.3f s, %zu points drawn\n",
           srs[k % 2], extent[k][0] ? "" : ", no extent", took, page_points(m));
    assert_true(took < 1.0 * slowdown());
    /* teeth closer than a pixel merge; the drawing keeps its shape */
    assert_true(page_points(m) >= 1000);
    cm_map_free(m);
  }
}

/* 10 lines of 20,000 zig-zag vertices (a 3.2 MB .shp): loads fast within
 * its memory bound or is refused naming the layer, never runs away. */
static void zigzag_lines_bounded(void **state) {
  write_zigzag("lines", SHPT_ARC, 10, 20000);
  cm_map *m = NULL;
  cm_error err;
  double took;
  int rc = open_map("lines", lcc, box, &m, &err, &took);
  printf("10 zig-zag lines of 20,000 vertices: %.3f s, rc %d %s\n", took, rc,
         rc ? err.message : "");
  assert_true(took < 4.0 * slowdown());
  if (rc == CM_OK) {
    assert_true(page_points(m) <= 200000 * 9 + (1 << 18));
    cm_map_free(m);
  } else {
    assert_int_equal(rc, CM_ENOMEM);
    assert_non_null(strstr(err.message, "layer 'z'"));
    assert_non_null(strstr(err.message, "8 points per point"));
    assert_non_null(strstr(err.file, "lines.shp"));
  }
}

static double segment_distance(cm_point p, cm_point a, cm_point b) {
  double dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy;
  double t = l2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return hypot(a.x + t * dx - p.x, a.y + t * dy - p.y);
}

/* Edges longer than a few pixels in a conic projection still curve: a
 * parallel drawn from one edge of the map to the other bows as it should,
 * within a quarter of a pixel, though the layer has only its two ends. */
static void long_edges_still_curve(void **state) {
  char path[600];
  snprintf(path, sizeof path, "%s/par", dir);
  SHPHandle shp = SHPCreate(path, SHPT_ARC);
  DBFHandle dbf = DBFCreate(path);
  DBFAddField(dbf, "id", FTInteger, 8, 0);
  double x[2] = {45, 48}, y[2] = {41, 41};
  SHPObject *o = SHPCreateSimpleObject(SHPT_ARC, 2, x, y, NULL);
  SHPWriteObject(shp, -1, o);
  SHPDestroyObject(o);
  DBFWriteIntegerAttribute(dbf, 0, 0, 1);
  SHPClose(shp);
  DBFClose(dbf);
  cm_map *m = NULL;
  cm_error err;
  double took;
  assert_int_equal(open_map("par", lcc, box, &m, &err, &took), CM_OK);
  const cm_geom *g = cm_map_feature_geom(m, 0, 0);
  assert_true(g->npoints >= 4);
  /* every drawn point lies on the parallel: where 41 N projects */
  for (double lon = 45; lon <= 48; lon += 0.125) {
    cm_point p;
    assert_int_equal(cm_map_lonlat_to_page(m, lon, 41, &p), 0);
    double best = HUGE_VAL;
    for (size_t i = 0; i + 1 < g->npoints; i++) {
      cm_point a = g->points[i], b = g->points[i + 1];
      best = fmin(best, segment_distance(p, a, b));
    }
    assert_true(best < 0.5 * 72.0 / 150);
  }
  cm_map_free(m);
}

/* Zig-zags round the pole in a polar projection: every edge becomes a
 * long arc, so following the curves would add about a hundred points per
 * point. That is past the layer's bound: refused, naming the layer, at
 * once. */
static void past_the_bound_refused(void **state) {
  write_zigzag_in("polar", SHPT_ARC, 1, 5000, (const double[]){-170, 60, 170, 80});
  cm_map *m = NULL;
  cm_error err;
  double took;
  int rc = open_map_at("polar", "+proj=stere +lat_0=90 +lon_0=0 +datum=WGS84",
                       "", 600, &m, &err, &took);
  printf("5,000 polar arcs: %.3f s: %s (%s)\n", took, err.message, err.hint);
  assert_int_equal(rc, CM_ENOMEM);
  assert_non_null(strstr(err.message, "layer 'z': following the map's "
                                      "projection would add more than 8 "
                                      "points per point of its 5000"));
  assert_non_null(strstr(err.file, "polar.shp"));
  assert_true(took < 0.5 * slowdown());
}

/* out keeps a subsequence of in's points, and every point of in lies
 * within tol of the kept segment that spans it. */
static void assert_within_tolerance(const cm_geom *in, const cm_geom *out,
                                    double tol) {
  size_t k = 0;
  for (size_t i = 0; i < in->npoints; i++) {
    cm_point p = in->points[i];
    if (k < out->npoints && p.x == out->points[k].x && p.y == out->points[k].y) {
      k++;
      continue;
    }
    assert_true(k > 0 && k < out->npoints);
    assert_true(segment_distance(p, out->points[k - 1], out->points[k]) <= tol);
  }
  assert_int_equal(k, out->npoints);
}

/* Douglas-Peucker on a zig-zag whose teeth are all as tall: plain, it
 * splits next to an end every time, O(n^2); here 200,000 points take well
 * under a second, and every dropped point lies within the tolerance. */
static void simplify_zigzag_fast(void **state) {
  enum { N = 200000 };
  cm_geom g, out;
  cm_geom_init(&g, CM_GEOM_LINE);
  for (int i = 0; i < N; i++)
    assert_int_equal(cm_geom_add_point(&g, i * 0.001, i % 2 ? 1 : 0), 0);
  double t0 = seconds();
  assert_int_equal(cm_geom_simplify(&g, 0.25, &out), 0);
  double took = seconds() - t0;
  printf("simplifying a 200,000-point zig-zag: %.3f s, %zu points kept\n",
         took, out.npoints);
  assert_true(took < 0.5 * slowdown());
  assert_within_tolerance(&g, &out, 0.25);
  cm_geom_free(&out);
  /* teeth lower than the tolerance: a straight line is left */
  for (int i = 0; i < N; i++)
    g.points[i].y = i % 2 ? 0.1 : 0;
  t0 = seconds();
  assert_int_equal(cm_geom_simplify(&g, 0.25, &out), 0);
  assert_true(seconds() - t0 < 0.5 * slowdown());
  assert_true(out.npoints <= 64);
  cm_geom_free(&out);
  cm_geom_free(&g);
}

/* NAME.shp of n small squares on a grid, field id "class N", start the
 * first of January of 2000 + N % 20 and no end. */
static void write_squares(const char *name, int n) {
  char path[600];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  SHPHandle shp = SHPCreate(path, SHPT_POLYGON);
  DBFHandle dbf = DBFCreate(path);
  assert_int_equal(DBFAddField(dbf, "id", FTString, 16, 0), 0);
  assert_int_equal(DBFAddField(dbf, "start", FTString, 10, 0), 1);
  assert_int_equal(DBFAddField(dbf, "end", FTString, 10, 0), 2); /* open */
  int side = (int)ceil(sqrt(n));
  double d = 3.0 / side;
  for (int i = 0; i < n; i++) {
    double x0 = 45 + d * (i % side), y0 = 38.5 + d * (i / side) * 0.8;
    double x[5] = {x0, x0 + d / 2, x0 + d / 2, x0, x0};
    double y[5] = {y0, y0, y0 + d / 2, y0 + d / 2, y0};
    SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, 5, x, y, NULL);
    SHPWriteObject(shp, -1, o);
    SHPDestroyObject(o);
    char id[24];
    snprintf(id, sizeof id, "class %d", i);
    DBFWriteStringAttribute(dbf, i, 0, id);
    snprintf(id, sizeof id, "%d-01-01", 2000 + i % 20);
    DBFWriteStringAttribute(dbf, i, 1, id);
  }
  SHPClose(shp);
  DBFClose(dbf);
}

/* A map of the style text (its layers beside it in dir). */
static cm_map *map_of(const char *text) {
  char style_name[600];
  snprintf(style_name, sizeof style_name, "%s/style.mss", dir);
  cm_style *style = NULL;
  cm_error err;
  if (cm_style_parse(&style, text, strlen(text), style_name, &err, NULL) != 0)
    fail_msg("%s", err.message);
  cm_map *m = NULL;
  if (cm_map_open_style(&m, style, &err) != 0)
    fail_msg("%s", err.message);
  return m;
}

/* The texts and swatches of the legend group, in order, as one string. */
static void legend_of(const cm_scene *s, char *out, size_t size) {
  size_t n = 0;
  out[0] = '\0';
  long g = scene_group(s, "legend");
  size_t end = g >= 0 ? scene_group_end(s, (size_t)g) : 0;
  for (size_t i = (size_t)g + 1; i < end; i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_TEXT)
      n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s|", it->text);
    else if (it->kind == CM_ITEM_PATH)
      n += (size_t)snprintf(out + n, n < size ? size - n : 0, "[%d %.3f %.3f %.3f %d %.3f]",
                            it->paint.fill, it->paint.fill_color.r, it->paint.fill_color.g,
                            it->paint.stroke_width, it->paint.stroke,
                            it->geom.npoints ? it->geom.points[0].x : 0);
  }
  assert_true(n < size);
}

/* 100,000 features each with a legend text of its own: de-duplicated
 * through a hash (a list search made this quadratic, about a minute), the
 * legend cut to 30 classes and a line counting the rest, and a warning. */
static void legend_of_many_classes(void **state) {
  enum { N = 100000 };
  write_squares("many", N);
  char text[1024];
  snprintf(text, sizeof text,
           "Map { srs: \"%s\"; %s page: 120mm 90mm; dpi: 100; legend: bottom-left; }\n"
           "Layer#z { file: \"many.shp\"; }\n"
           "#z { polygon-fill: #e6a49c; legend: \"{id}\"; }\n", lcc, box);
  cm_map *m = map_of(text);
  cm_error err;
  cm_compose_options opt = {0};
  assert_int_equal(cm_date_parse("2020", &opt.date, NULL, NULL), 0);
  cm_scene *scene = NULL;
  double t0 = seconds();
  assert_int_equal(cm_compose(&scene, m, &opt, &err), 0);
  double took = seconds() - t0;
  printf("composing 100,000 features with distinct legend texts: %.3f s\n", took);
  assert_true(took < 4.0 * slowdown());
  /* the legend's texts: 30 classes and the count of the rest */
  static char legend[16384];
  legend_of(scene, legend, sizeof legend);
  size_t texts = 0;
  for (const char *p = legend; (p = strchr(p, '|')); p++)
    texts++;
  assert_int_equal(texts, 31);
  assert_non_null(strstr(legend, "\u2026 and 99970 more|"));
  /* Said on the render too: the classes left out, and (31 rows in the
   * frame of a small page) that the frame cuts the legend. */
  assert_int_equal(cm_scene_warning_count(scene), 2);
  assert_non_null(strstr(cm_scene_warning(scene, 0), "lists 30 of its 100000 classes"));
  assert_non_null(strstr(cm_scene_warning(scene, 1), "the legend does not fit"));
  cm_scene_free(scene);
  cm_map_free(m);
}

/* A batch says the legend's cap once, not once a frame: the frames of a
 * dated layer count 200, 300, ... 2000 classes, one warning in all. */
static void batch_warns_once(void **state) {
  write_squares("dated", 2000);
  char text[1024], out[600];
  snprintf(text, sizeof text,
           "Map { srs: \"%s\"; %s page: 120mm 90mm; dpi: 100; legend: bottom-left; }\n"
           "Layer#z { file: \"dated.shp\"; time: start end; }\n"
           "#z { polygon-fill: #e6a49c; legend: \"{id}\"; }\n", lcc, box);
  snprintf(out, sizeof out, "%s/{date}.svg", dir);
  cm_map *m = map_of(text);
  cm_error err;
  cm_batch_spec spec = {0};
  spec.mode = CM_BATCH_EVERY;
  spec.every.unit = CM_STEP_YEAR;
  spec.has_from = spec.has_to = 1;
  assert_int_equal(cm_date_parse("2001", &spec.from, NULL, NULL), 0);
  assert_int_equal(cm_date_parse("2020", &spec.to, NULL, NULL), 0);
  spec.output = out;
  cm_batch *b = NULL;
  assert_int_equal(cm_batch_plan(&b, m, &spec, &err), 0);
  assert_int_equal(cm_batch_count(b), 20);
  assert_int_equal(cm_batch_run(b, m, 2, NULL, NULL), 0);
  /* the cap, and (a small page) the legend cut by the frame: each once */
  assert_int_equal(cm_batch_warning_count(b), 2);
  size_t frames = 0;
  cm_day first = 0;
  const char *w = cm_batch_warning(b, 0, &frames, &first);
  assert_int_equal(frames, 20);
  assert_int_equal(first, spec.from);
  /* the text of the first frame, whichever thread finished first */
  assert_non_null(strstr(w, "lists 30 of its 200 classes (the rest are counted as '170 more')"));
  w = cm_batch_warning(b, 1, &frames, NULL);
  assert_non_null(strstr(w, "the legend does not fit"));
  assert_int_equal(frames, 20);
  assert_null(cm_batch_warning(b, 2, NULL, NULL));
  cm_batch_free(b);
  cm_map_free(m);
}

/* A batch works a dated layer's legend classes out once and lists, frame
 * by frame, those its features show: the legend of every frame must be
 * the one composing the date alone gives. Classes shared with an undated
 * layer, over the cap (30), every class of the layer (legend-classes:
 * all), classes that change with the date (age_days, {date}), which
 * are not cached, and a first rule whose classes come last. */
static void batch_classes_as_composed(void **state) {
  write_squares("classes", 300);
  static const char *rules[] = {
      "#u[id = \"class 7\"] { line-color: #000; legend: \"class 7\"; }\n"
      "#z { polygon-fill: #e6a49c; legend: \"{id}\"; }\n"
      "#z[id = \"class 9\"] { polygon-fill: #123456; legend: \"nine\"; }\n",
      "#z { polygon-fill: #e6a49c; legend: \"{id}\"; }\n",
      "#z { polygon-fill: #e6a49c; legend: \"{id}\"; }\n"
      "#z[age_days < 1500] { polygon-fill: #222; legend: \"recent\"; }\n",
      "#z[id = \"class 3\"] { polygon-fill: #e6a49c; legend: \"{id} on {date}\"; }\n"
      "#z[id = \"class 4\"] { polygon-fill: #e6a49c; legend: \"four\"; }\n",
      /* the first rule's classes are seen last: listed first */
      "#z[start = \"2019-01-01\"] { polygon-fill: #123; legend: \"late {id}\"; }\n"
      "#z[start != \"2019-01-01\"] { polygon-fill: #e6a49c; legend: \"{id}\"; }\n",
  };
  static const char *maps[] = {"", "legend-classes: all;", "", "", ""};
  static const char *slots[] = {"bottom-left", "outside-right", "below", "bottom-left",
                                "outside-left"};
  for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
    char text[2048];
    snprintf(text, sizeof text,
             "Map { srs: \"%s\"; %s page: 160mm 120mm; dpi: 100; legend: %s; %s }\n"
             "Layer#u { file: \"classes.shp\"; }\n"
             "Layer#z { file: \"classes.shp\"; time: start end; }\n%s",
             lcc, box, slots[r], maps[r], rules[r]);
    cm_map *m = map_of(text);
    cm_compose_cache *cache = NULL;
    cm_error err;
    assert_int_equal(cm_compose_cache_new(&cache, m, &err), 0);
    for (int year = 1999; year <= 2020; year += 3) {
      char day[32];
      snprintf(day, sizeof day, "%d-06-01", year);
      cm_compose_options opt = {0};
      assert_int_equal(cm_date_parse(day, &opt.date, NULL, NULL), 0);
      cm_scene *plain = NULL, *cached = NULL;
      assert_int_equal(cm_compose(&plain, m, &opt, &err), 0);
      opt.cache = cache;
      assert_int_equal(cm_compose(&cached, m, &opt, &err), 0);
      static char a[16384], b[16384];
      legend_of(plain, a, sizeof a);
      legend_of(cached, b, sizeof b);
      if (strcmp(a, b))
        fail_msg("style %zu, %s: the batch's legend\n%s\nis not the date's own\n%s", r,
                 day, b, a);
      assert_int_equal(cm_scene_warning_count(plain), cm_scene_warning_count(cached));
      cm_scene_free(plain);
      cm_scene_free(cached);
    }
    cm_compose_cache_free(cache);
    cm_map_free(m);
  }
}

/* The map's frame in a scene: the second path of its background. */
static cm_bbox scene_frame(const cm_scene *s) {
  long g = scene_group(s, "background");
  assert_true(g >= 0);
  const cm_item *frame = cm_scene_item(s, (size_t)g + 2);
  assert_int_equal(frame->kind, CM_ITEM_PATH);
  return cm_geom_bbox(&frame->geom);
}

static cm_bbox frame_at(cm_map *m, const cm_compose_cache *cache, const char *day) {
  cm_compose_options opt = {0};
  opt.cache = cache;
  assert_int_equal(cm_date_parse(day, &opt.date, NULL, NULL), 0);
  cm_scene *s = NULL;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  cm_bbox b = scene_frame(s);
  cm_scene_free(s);
  return b;
}

/* A legend beside the map that needs more columns on a later date widens
 * its band on every frame of the series, so the map keeps one scale. */
static void series_shares_the_legend_room(void **state) {
  write_squares("classes", 300);
  char text[1024];
  snprintf(text, sizeof text,
           "Map { srs: \"%s\"; %s page: 160mm 100mm; dpi: 100; legend: outside-right; }\n"
           "Layer#z { file: \"classes.shp\"; time: start end; }\n"
           "#z { polygon-fill: #e6a49c; legend: \"{id}, held from {start}\"; }\n", lcc, box);
  cm_map *m = map_of(text);
  cm_compose_cache *cache = NULL;
  cm_error err;
  assert_int_equal(cm_compose_cache_new(&cache, m, &err), 0);
  cm_bbox alone = frame_at(m, cache, "2000-06-01"); /* 15 classes */
  cm_day days[2];
  assert_int_equal(cm_date_parse("2000-06-01", &days[0], NULL, NULL), 0);
  assert_int_equal(cm_date_parse("2019-06-01", &days[1], NULL, NULL), 0); /* 300 */
  cm_compose_options opt = {0};
  assert_int_equal(cm_compose_cache_set_series(cache, &opt, days, 2, &err), 0);
  cm_bbox first = frame_at(m, cache, "2000-06-01"), last = frame_at(m, cache, "2019-06-01");
  assert_memory_equal(&first, &last, sizeof first);
  print_message("frame alone %.1f x %.1f, in the series %.1f x %.1f\n", alone.maxx - alone.minx,
                alone.maxy - alone.miny, first.maxx - first.minx, first.maxy - first.miny);
  assert_true(alone.maxx - alone.minx > (first.maxx - first.minx) * 1.05);
  cm_compose_cache_free(cache);
  cm_map_free(m);
}

/* Seconds to compose the frames 2001..2000+n of m as a batch does. */
static double frames_time(cm_map *m, int n) {
  cm_compose_cache *cache = NULL;
  cm_error err;
  assert_int_equal(cm_compose_cache_new(&cache, m, &err), 0);
  double t0 = seconds();
  for (int i = 1; i <= n; i++) {
    char year[16];
    snprintf(year, sizeof year, "%d", 2000 + i);
    cm_compose_options opt = {0};
    opt.cache = cache;
    assert_int_equal(cm_date_parse(year, &opt.date, NULL, NULL), 0);
    cm_scene *s = NULL;
    assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
    cm_scene_free(s);
  }
  double took = seconds() - t0;
  cm_compose_cache_free(cache);
  return took;
}

/* The frames of a batch over a dated layer of 100,000 classes cost about
 * what they cost with a legend of 20: the classes are worked out once, a
 * frame marks those it shows and lists 30. (Each frame used to resolve,
 * expand and hash every feature's legend text again, 5 times the time of
 * the frame without legend; a legend in a band beside the map measured
 * all 100,000 texts, 5 s a frame.) */
static void batch_legend_classes_once(void **state) {
  write_squares("many", 100000);
  const char *slots[] = {"bottom-left", "outside-right"};
  for (int k = 0; k < 2; k++) {
    double took[2];
    for (int legend = 0; legend < 2; legend++) {
      char text[1024];
      snprintf(text, sizeof text,
               "Map { srs: \"%s\"; %s page: 120mm 90mm; dpi: 100; legend: %s; }\n"
               "Layer#z { file: \"many.shp\"; time: start end; }\n"
               "#z { polygon-fill: #e6a49c; %s }\n",
               lcc, box, slots[k], legend ? "legend: \"{id}\";" : "legend: \"{start}\";");
      cm_map *m = map_of(text);
      took[legend] = frames_time(m, 8);
      cm_map_free(m);
    }
    printf("8 frames of 100,000 dated features, legend %s: %.3f s (20 classes: %.3f s)\n",
           slots[k], took[1], took[0]);
    assert_true(took[1] < 1.6 * took[0] + 0.1 * slowdown());
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(zigzag_ring_loads_fast),
      cmocka_unit_test(zigzag_lines_bounded),
      cmocka_unit_test(long_edges_still_curve),
      cmocka_unit_test(past_the_bound_refused),
      cmocka_unit_test(simplify_zigzag_fast),
      cmocka_unit_test(legend_of_many_classes),
      cmocka_unit_test(batch_warns_once),
      cmocka_unit_test(batch_classes_as_composed),
      cmocka_unit_test(series_shares_the_legend_room),
      cmocka_unit_test(batch_legend_classes_once),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
