/* Cartographic quality, each on a fixture of its own: furniture placed
 * where it covers no data, legend entries told apart, no seams between
 * neighbours of one style, labels that keep their marker (or are
 * reported), right-to-left labels left of their point, Arabic ranges. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/compose.h"
#include "controlmap/render.h"
#include "support/fixtures.h"

#include <shapefil.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[512];

static int setup(void **state) { return fixture_make_dir(dir, sizeof dir); }

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

/* One feature of a fixture layer: its points (lon, lat pairs; polygons one
 * ring) and up to four text values. */
typedef struct shape {
  int n;
  double xy[16];
  const char *values[4];
} shape;

/* Write layer name (a shapefile of type SHPT_POINT or SHPT_POLYGON) with
 * text fields named in fields (NULL-terminated, at most four). */
static void write_layer(const char *name, int type, const char *const *fields,
                        const shape *shapes, int count) {
  char path[700];
  snprintf(path, sizeof path, "%s/%s.shp", dir, name);
  SHPHandle shp = SHPCreate(path, type);
  snprintf(path, sizeof path, "%s/%s.dbf", dir, name);
  DBFHandle dbf = DBFCreateEx(path, "UTF-8");
  assert_non_null(shp);
  assert_non_null(dbf);
  int nf = 0;
  while (nf < 4 && fields[nf])
    assert_true(DBFAddField(dbf, fields[nf++], FTString, 60, 0) >= 0);
  for (int i = 0; i < count; i++) {
    double x[8], y[8];
    for (int k = 0; k < shapes[i].n; k++)
      x[k] = shapes[i].xy[2 * k], y[k] = shapes[i].xy[2 * k + 1];
    SHPObject *o = SHPCreateSimpleObject(type, shapes[i].n, x, y, NULL);
    assert_true(SHPWriteObject(shp, -1, o) >= 0);
    SHPDestroyObject(o);
    for (int f = 0; f < nf; f++)
      assert_true(DBFWriteStringAttribute(dbf, i, f, shapes[i].values[f]));
  }
  SHPClose(shp);
  DBFClose(dbf);
  snprintf(path, sizeof path, "%s/%s.prj", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(fixture_wgs84_wkt, f);
  fclose(f);
}

static cm_map *open_style(const char *text) {
  char path[700];
  snprintf(path, sizeof path, "%s/style.mss", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  cm_map *m = NULL;
  cm_error err;
  int rc = cm_map_open(&m, path, &err);
  if (rc) {
    char buf[2000];
    fprintf(stderr, "%s\n", cm_error_format(&err, buf, sizeof buf));
  }
  assert_int_equal(rc, 0);
  return m;
}

static cm_scene *compose_on(const cm_map *m, const char *date) {
  cm_compose_options opt = {0};
  assert_int_equal(cm_date_parse(date, &opt.date, NULL, NULL), 0);
  cm_scene *s;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  return s;
}

static int channel(uint32_t px, int shift) { return (int)((px >> shift) & 0xff); }

/* ---- seams ------------------------------------------------------------ */

/* Two squares of one fill share an edge that falls inside a pixel column
 * at 300 dpi: the column along the edge must be as dark as the fill. */
static void no_seam_between_neighbours(void **state) {
  static const char *const fields[] = {"holder", NULL};
  /* The edge at lon 46.5013 lands off the pixel grid (checked below). */
  shape sq[2] = {
      {5, {46.40, 39.90, 46.5013, 39.90, 46.5013, 40.10, 46.40, 40.10, 46.40, 39.90}, {"AZE"}},
      {5, {46.5013, 39.90, 46.60, 39.90, 46.60, 40.10, 46.5013, 40.10, 46.5013, 39.90}, {"AZE"}}};
  write_layer("tiles", SHPT_POLYGON, fields, sq, 2);
  cm_map *m = open_style(
      "Map { srs: \"+proj=longlat +datum=WGS84\"; extent: 46.3 39.8 46.7 40.2;\n"
      "  page: 60mm 60mm; dpi: 300; background-color: white; legend: none;\n"
      "  scale-bar: none; }\n"
      "Layer#tiles { file: \"tiles.shp\"; }\n"
      "#tiles { polygon-fill: #3060a0; }\n");
  cm_point edge;
  assert_int_equal(cm_map_lonlat_to_page(m, 46.5013, 40.0, &edge), 0);
  double px = edge.x * 300 / 72;
  double frac = px - floor(px);
  assert_true(frac > 0.15 && frac < 0.85); /* really off the grid */
  cm_scene *s = compose_on(m, "2000-01-01");
  uint32_t *pix;
  int w, h;
  cm_error err;
  assert_int_equal(cm_render_pixels(s, &pix, &w, &h, &err), 0);
  cm_point top, bottom;
  cm_map_lonlat_to_page(m, 46.5013, 40.08, &top);
  cm_map_lonlat_to_page(m, 46.5013, 39.92, &bottom);
  int col = (int)floor(px), worst = 0;
  for (int y = (int)(top.y * 300 / 72); y < (int)(bottom.y * 300 / 72); y++) {
    uint32_t v = pix[(size_t)y * (size_t)w + (size_t)col];
    int d = abs(channel(v, 16) - 0x30) + abs(channel(v, 8) - 0x60) + abs(channel(v, 0) - 0xa0);
    worst = d > worst ? d : worst;
  }
  cm_render_pixels_free(pix);
  cm_scene_free(s);
  cm_map_free(m);
  assert_true(worst <= 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(no_seam_between_neighbours),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
