/* Golden images: small renders of the fixtures compared with committed
 * references, pixel by pixel within a tolerance (antialiasing and font
 * rasterisation may differ slightly between library versions; a wrong
 * colour, a missing layer or a moved label does not pass). Fonts come from
 * the Debian package fonts-noto-core. CM_UPDATE_GOLDEN=1 rewrites the
 * references after a deliberate change; look at them before committing. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/compose.h"
#include "controlmap/render.h"
#include "support/files.h"
#include "support/fixtures.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[512];

static const char style[] =
    "@arm: #e6a49c;\n"
    "Map {\n"
    "  srs: \"+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84\";\n"
    "  extent: 44.8 38.4 48.2 41.2; page: 80mm 60mm; dpi: 100;\n"
    "  background-color: #dbe7f0; title: \"Golden {date}\";\n"
    "  legend: bottom-left; scale-bar: bottom-right; north-arrow: top-right;\n"
    "  graticule: 1; attribution: \"fixtures\";\n"
    "}\n"
    "Layer#poly { file: \"poly.shp\"; time: start end; }\n"
    "Layer#lines { file: \"lines.shp\"; time: start end; }\n"
    "Layer#points { file: \"points.shp\"; }\n"
    "#poly { line-color: #444; line-width: 0.5pt; }\n"
    "#poly[holder = \"ARM\"] { polygon-fill: @arm; legend: \"Armenian\"; }\n"
    "#poly[holder = \"AZE\"] { polygon-fill: #9fc4e4; legend: \"Azerbaijani\"; }\n"
    "#poly[holder = \"RUS\"] { polygon-pattern: cross-hatch(30, #555, 0.3pt, 1.5mm); legend: \"Zone\"; }\n"
    "#lines { line-color: #600; line-width: 1pt; line-dasharray: 3, 1.5; }\n"
    "#points[rank <= 2] { marker-type: star; marker-width: 2.5mm; marker-fill: #222;\n"
    "  text-name: [name]; text-size: 7pt; text-halo-radius: 1pt; }\n";

static int setup(void **state) {
  if (fixture_dir_map(dir, sizeof dir) != 0)
    return -1;
  return file_write(path_in(dir, "golden.mss"), style, strlen(style));
}

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

/* Share of pixels where some channel differs by more than 48 of 255. */
static double difference(cairo_surface_t *a, cairo_surface_t *b) {
  int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
  if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b))
    return 1;
  cairo_surface_flush(a);
  cairo_surface_flush(b);
  const unsigned char *pa = cairo_image_surface_get_data(a);
  const unsigned char *pb = cairo_image_surface_get_data(b);
  int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
  long bad = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      const unsigned char *ca = pa + y * sa + x * 4, *cb = pb + y * sb + x * 4;
      for (int k = 0; k < 4; k++)
        if (abs(ca[k] - cb[k]) > 48) {
          bad++; /* a pixel counts once, whichever channels differ */
          break;
        }
    }
  return (double)bad / ((double)w * h);
}

static void golden(const char *date) {
  char style_path[600], out[600], ref[600];
  snprintf(style_path, sizeof style_path, "%s/golden.mss", dir);
  snprintf(out, sizeof out, "%s/%s.png", dir, date);
  char name[64];
  snprintf(name, sizeof name, "tests/golden/%s.png", date);
  test_source_path(ref, sizeof ref, name);
  cm_map *m;
  cm_error err;
  assert_int_equal(cm_map_open(&m, style_path, &err), 0);
  cm_compose_options opt = {0};
  assert_int_equal(cm_date_parse(date, &opt.date, NULL, NULL), 0);
  cm_scene *s;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  const char *update = getenv("CM_UPDATE_GOLDEN");
  int rewrite = update && !strcmp(update, "1");
  assert_int_equal(cm_render_file(s, rewrite ? ref : out, NULL, &err), 0);
  cm_scene_free(s);
  cm_map_free(m);
  if (rewrite)
    return;
  cairo_surface_t *a = cairo_image_surface_create_from_png(out);
  cairo_surface_t *b = cairo_image_surface_create_from_png(ref);
  assert_int_equal(cairo_surface_status(b), CAIRO_STATUS_SUCCESS);
  double d = difference(a, b);
  if (d > 0.005)
    fprintf(stderr, "%s differs from %s in %.2f%% of pixels\n", out, ref, d * 100);
  assert_true(d <= 0.005);
  cairo_surface_destroy(a);
  cairo_surface_destroy(b);
}

static void golden_2000(void **state) { golden("2000-01-01"); }
static void golden_2021(void **state) { golden("2021-01-01"); }

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(golden_2000),
      cmocka_unit_test(golden_2021),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
