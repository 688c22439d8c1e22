/* Golden images: small renders of the fixture map compared with committed
 * references that were looked at and reasoned about (tests/golden/README.md
 * says what each shows and how it was checked).
 *
 * The comparison is made region by region (title, map, legend, scale bar,
 * the whole page), each region from the scene itself. A pixel counts as
 * different when no pixel of the reference within one pixel of it is
 * within LEVELS of it in every channel, and the reference's pixel is
 * likewise unmatched in the render: an edge moved by anti-aliasing by
 * less than a pixel passes, a colour off by more than a few levels, a
 * missing dash, a swapped swatch or a lost opacity does not. A region
 * fails with more than BUDGET of its pixels different.
 *
 * Probes check the references themselves, so a reference rewritten from a
 * broken program fails too: pixels inside the fixture's polygons and the
 * legend's swatches must have the colour the style gives, blended by hand
 * here where the fill is translucent.
 *
 * Fonts are pinned to the Noto fonts of fonts-noto-core by
 * tests/golden/fonts.conf. `make goldens` rewrites the references after a
 * deliberate change (CM_UPDATE_GOLDEN=1); the probes still run on them. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/render.h"
#include "support/files.h"
#include "support/fixtures.h"
#include "support/scene.h"

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

#define LEVELS 6      /* of 255, per channel */
#define BUDGET 0.0005 /* share of a region's pixels */

static char dir[512];

static const char style[] =
    "@arm: #e6a49c;\n"
    "@aze: #3f7fbf;\n"
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
    "#poly[holder = \"AZE\"] { polygon-fill: @aze; polygon-opacity: 0.5; legend: \"Azerbaijani\"; }\n"
    "#poly[holder = \"RUS\"] { polygon-pattern: cross-hatch(30, #555, 0.3pt, 1.5mm); legend: \"Zone\"; }\n"
    "#lines { line-color: #600; line-width: 1.5pt; line-dasharray: 6, 4; legend: \"Front\"; }\n"
    "#points[rank <= 2] { marker-type: star; marker-width: 2.5mm; marker-fill: #222;\n"
    "  text-name: [name]; text-size: 7pt; text-halo-radius: 1pt; }\n";

/* The colours of the style, and the backgrounds they are seen on. */
static const unsigned arm = 0xe6a49c, aze = 0x3f7fbf, sea = 0xdbe7f0,
                      paper = 0xffffff;

static int setup(void **state) {
  if (fixture_dir_map(dir, sizeof dir) != 0)
    return -1;
  return file_write(path_in(dir, "golden.mss"), style, strlen(style));
}

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

/* --- pixels ----------------------------------------------------------------- */

typedef struct image {
  cairo_surface_t *s;
  const unsigned char *data;
  int w, h, stride;
} image;

static image load(const char *path) {
  image im = {cairo_image_surface_create_from_png(path), NULL, 0, 0, 0};
  if (cairo_surface_status(im.s) != CAIRO_STATUS_SUCCESS)
    fail_msg("cannot read %s", path);
  cairo_surface_flush(im.s);
  im.data = cairo_image_surface_get_data(im.s);
  im.w = cairo_image_surface_get_width(im.s);
  im.h = cairo_image_surface_get_height(im.s);
  im.stride = cairo_image_surface_get_stride(im.s);
  return im;
}

/* The pixel as 0xRRGGBB (the images are opaque). */
static unsigned pixel(const image *im, int x, int y) {
  const unsigned char *p = im->data + y * im->stride + x * 4;
  uint32_t v;
  memcpy(&v, p, 4);
  return v & 0xffffff;
}

static int channel(unsigned c, int k) { return (int)(c >> (8 * k)) & 0xff; }

static int near(unsigned a, unsigned b, int levels) {
  for (int k = 0; k < 3; k++)
    if (abs(channel(a, k) - channel(b, k)) > levels)
      return 0;
  return 1;
}

/* 1 when some pixel of b within one pixel of (x, y) is near a's. */
static int matched(const image *a, const image *b, int x, int y) {
  unsigned c = pixel(a, x, y);
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++) {
      int u = x + dx, v = y + dy;
      if (u >= 0 && v >= 0 && u < b->w && v < b->h && near(c, pixel(b, u, v), LEVELS))
        return 1;
    }
  return 0;
}

typedef struct region {
  const char *name;
  int x0, y0, x1, y1; /* pixels, x1 and y1 excluded */
} region;

static long differences(const image *a, const image *b, region r) {
  long bad = 0;
  for (int y = r.y0; y < r.y1; y++)
    for (int x = r.x0; x < r.x1; x++)
      bad += !matched(a, b, x, y) || !matched(b, a, x, y);
  return bad;
}

/* --- where things are -------------------------------------------------------- */

static region to_pixels(const char *name, cm_bbox b, double scale, int w, int h) {
  region r = {name, (int)floor(b.minx * scale), (int)floor(b.miny * scale),
              (int)ceil(b.maxx * scale), (int)ceil(b.maxy * scale)};
  r.x0 = r.x0 < 0 ? 0 : r.x0, r.y0 = r.y0 < 0 ? 0 : r.y0;
  r.x1 = r.x1 > w ? w : r.x1, r.y1 = r.y1 > h ? h : r.y1;
  return r;
}

/* The box of the paths of group id, grown by pad points. */
static cm_bbox group_box(const cm_scene *s, const char *id, double pad) {
  long g = scene_group(s, id);
  assert_true(g >= 0);
  cm_bbox b = cm_bbox_empty();
  for (size_t i = (size_t)g; i < scene_group_end(s, (size_t)g); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_PATH) {
      cm_bbox p = cm_geom_bbox(&it->geom);
      cm_bbox_extend(&b, p.minx - pad, p.miny - pad);
      cm_bbox_extend(&b, p.maxx + pad, p.maxy + pad);
    }
  }
  return b;
}

/* Title (all above the frame), map (the frame), legend, scale bar (with
 * its figures) and the whole page. */
static int regions(const cm_map *m, const cm_scene *s, int w, int h,
                   region *out) {
  double k = cm_scene_dpi(s) / 72.0;
  cm_bbox f = cm_map_frame(m);
  out[0] = to_pixels("title", (cm_bbox){0, 0, cm_scene_width(s), f.miny}, k, w, h);
  out[1] = to_pixels("map", f, k, w, h);
  out[2] = to_pixels("legend", group_box(s, "legend", 0), k, w, h);
  out[3] = to_pixels("scale bar", group_box(s, "scale-bar", 8), k, w, h);
  out[4] = (region){"page", 0, 0, w, h};
  return 5;
}

/* --- probes: colours the style dictates -------------------------------------- */

static unsigned blend(unsigned top, double alpha, unsigned under) {
  unsigned out = 0;
  for (int k = 0; k < 3; k++) {
    double v = alpha * channel(top, k) + (1 - alpha) * channel(under, k);
    out |= (unsigned)lround(v) << (8 * k);
  }
  return out;
}

static void probe(const image *im, const char *what, const char *file,
                  cm_point at, double k, unsigned want) {
  int x = (int)(at.x * k), y = (int)(at.y * k);
  unsigned got = pixel(im, x, y);
  if (!near(got, want, 2))
    fail_msg("%s: %s at pixel %d,%d is #%06x, the style says #%06x", file,
             what, x, y, got, want);
}

/* The middle of the swatch of legend entry text. */
static cm_point swatch_middle(const cm_scene *s, const char *text) {
  long t = scene_text(s, "legend", text);
  if (t < 0)
    fail_msg("no legend entry '%s'", text);
  const cm_item *sw = scene_swatch(s, cm_scene_item(s, (size_t)t));
  assert_non_null(sw);
  cm_bbox b = cm_geom_bbox(&sw->geom);
  return (cm_point){(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2};
}

static cm_point lonlat(const cm_map *m, double lon, double lat) {
  cm_point p;
  assert_int_equal(cm_map_lonlat_to_page(m, lon, lat, &p), 0);
  return p;
}

/* Inside polygon A (ARM, until 2020-12-01) and in B's first island (AZE,
 * half opaque over the sea colour, from 2020-12-01); the swatches of both,
 * on the legend's white. */
static void probes(const cm_map *m, const cm_scene *s, const image *im,
                   const char *file, int late) {
  double k = cm_scene_dpi(s) / 72.0;
  if (late) {
    probe(im, "polygon B", file, lonlat(m, 45.25, 38.75), k, blend(aze, 0.5, sea));
    probe(im, "Azerbaijani swatch", file, swatch_middle(s, "Azerbaijani"), k,
          blend(aze, 0.5, paper));
  } else {
    probe(im, "polygon A", file, lonlat(m, 46.2, 39.65), k, arm);
    probe(im, "Armenian swatch", file, swatch_middle(s, "Armenian"), k, arm);
  }
}

/* --- the test --------------------------------------------------------------- */

/* Where a failing render is kept for a look: $BUILD/golden/DATE.png. */
static void keep(const char *from, const char *date) {
  const char *build = getenv("BUILD");
  char to[600];
  snprintf(to, sizeof to, "%s/golden", build ? build : "build");
  mkdir(to, 0777);
  snprintf(to, sizeof to, "%s/golden/%s.png", build ? build : "build", date);
  size_t n;
  char *bytes = file_read(from, &n);
  if (bytes && file_write(to, bytes, n) == 0)
    fprintf(stderr, "the render is kept as %s\n", to);
  free(bytes);
}

static void golden(const char *date, int late) {
  char out[600], ref[600], name[64];
  snprintf(out, sizeof out, "%s/%s.png", dir, date);
  snprintf(name, sizeof name, "tests/golden/%s.png", date);
  test_source_path(ref, sizeof ref, name);
  cm_map *m = NULL;
  cm_error err;
  assert_int_equal(cm_map_open(&m, path_in(dir, "golden.mss"), &err), 0);
  cm_scene *s = scene_at(m, date, NULL);
  assert_non_null(s);
  const char *update = getenv("CM_UPDATE_GOLDEN");
  int rewrite = update && !strcmp(update, "1");
  assert_int_equal(cm_render_file(s, rewrite ? ref : out, NULL, &err), 0);
  image b = load(ref);
  probes(m, s, &b, name, late);
  if (!rewrite) {
    image a = load(out);
    probes(m, s, &a, "the render", late);
    assert_int_equal(a.w, b.w);
    assert_int_equal(a.h, b.h);
    region r[8];
    int n = regions(m, s, a.w, a.h, r), failed = 0;
    for (int i = 0; i < n; i++) {
      long bad = differences(&a, &b, r[i]);
      long area = (long)(r[i].x1 - r[i].x0) * (r[i].y1 - r[i].y0);
      print_message("%s %s: %ld of %ld pixels differ\n", date, r[i].name, bad, area);
      if (bad > BUDGET * area) {
        fprintf(stderr, "%s: the %s differs from %s in %ld pixels (allowed %.0f)\n",
                date, r[i].name, name, bad, BUDGET * area);
        failed = 1;
      }
    }
    if (failed)
      keep(out, date);
    assert_false(failed);
    cairo_surface_destroy(a.s);
  }
  cairo_surface_destroy(b.s);
  cm_scene_free(s);
  cm_map_free(m);
}

static void golden_2000(void **state) { golden("2000-01-01", 0); }
static void golden_2021(void **state) { golden("2021-01-01", 1); }

/* The pinned fonts are the ones found. */
static void fonts_pinned(void **state) {
  FcPattern *p = FcNameParse((const FcChar8 *)"Noto Sans");
  FcConfigSubstitute(NULL, p, FcMatchPattern);
  FcDefaultSubstitute(p);
  FcResult res;
  FcPattern *found = FcFontMatch(NULL, p, &res);
  assert_non_null(found);
  FcChar8 *file = NULL;
  assert_int_equal(FcPatternGetString(found, FC_FILE, 0, &file), FcResultMatch);
  if (!strstr((const char *)file, "/truetype/noto/NotoSans-"))
    fail_msg("Noto Sans is %s, not from fonts-noto-core", file);
  FcPatternDestroy(found);
  FcPatternDestroy(p);
}

int main(void) {
  /* fontconfig reads a relative name from its own folder: made absolute. */
  char conf[4096], full[PATH_MAX];
  test_source_path(conf, sizeof conf, "tests/golden/fonts.conf");
  if (!realpath(conf, full)) {
    fprintf(stderr, "no %s\n", conf);
    return 1;
  }
  setenv("FONTCONFIG_FILE", full, 1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fonts_pinned),
      cmocka_unit_test(golden_2000),
      cmocka_unit_test(golden_2021),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
