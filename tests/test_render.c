/* Backends: a hand-made scene written as PNG, PDF and SVG (both engines):
 * sizes, dpi, metadata, reproducible bytes, atomic writes, bad paths. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/render.h"
#include "support/files.h"
#include "support/fixtures.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>

static char dir[4096];

static int setup(void **state) { return fixture_make_dir(dir, sizeof dir); }

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

static void square(cm_geom *g, double x, double y, double s) {
  cm_geom_init(g, CM_GEOM_POLYGON);
  cm_geom_add_point(g, x, y);
  cm_geom_add_point(g, x + s, y);
  cm_geom_add_point(g, x + s, y + s);
  cm_geom_add_point(g, x, y + s);
}

/* A 144 x 72 pt page: a red square, a hatched square, a dashed line, and
 * Latin, Arabic and Armenian text with a halo. */
static cm_scene *sample(void) {
  cm_scene *s = cm_scene_new(144, 72, 144);
  cm_scene_set_meta(s, "Title", "Control on 10 November 2020");
  cm_scene_set_meta(s, "Source", "test");
  cm_bbox clip = {0, 0, 144, 72};
  assert_int_equal(cm_scene_group_begin(s, "layer-a", "a", &clip), 0);
  cm_geom g;
  square(&g, 10, 10, 40);
  cm_paint p = {0};
  p.fill = 1;
  p.fill_color = (cm_color){1, 0, 0, 1};
  assert_int_equal(cm_scene_path_take(s, &g, &p), 0);
  cm_geom_free(&g);
  square(&g, 60, 10, 40);
  memset(&p, 0, sizeof p);
  p.hatch = 1;
  p.hatch_angle = 45;
  p.hatch_color = (cm_color){0, 0, 0, 1};
  p.hatch_width = 1;
  p.hatch_spacing = 4;
  p.stroke = 1;
  p.stroke_width = 1;
  p.stroke_color = (cm_color){0, 0, 1, 1};
  assert_int_equal(cm_scene_path_take(s, &g, &p), 0);
  cm_geom_free(&g);
  assert_int_equal(cm_scene_group_end(s), 0);
  cm_text_style st = {0};
  st.font = "Noto Sans";
  st.size = 9;
  st.fill = (cm_color){0, 0, 0, 1};
  st.halo = (cm_color){1, 1, 1, 1};
  st.halo_radius = 1;
  assert_int_equal(cm_scene_text(s, "Shusha & <Lachin>", 10, 55, &st), 0);
  assert_int_equal(cm_scene_text(s, "شوشا", 100, 55, &st), 0);
  assert_int_equal(cm_scene_text(s, "Շուշի", 110, 20, &st), 0);
  return s;
}

static const char *path(const char *name) { return path_in(dir, name); }

static char *slurp(const char *p, size_t *n) {
  char *bytes = file_read(p, n);
  assert_non_null(bytes);
  return bytes;
}

static const char *memfind(const char *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0)
      return hay + i;
  return NULL;
}

static void png_size_dpi_meta(void **state) {
  cm_scene *s = sample();
  cm_error err;
  assert_int_equal(cm_render_file(s, path("a.png"), NULL, &err), 0);
  cairo_surface_t *img = cairo_image_surface_create_from_png(path("a.png"));
  assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
  assert_int_equal(cairo_image_surface_get_width(img), 288); /* 144pt at 144dpi */
  assert_int_equal(cairo_image_surface_get_height(img), 144);
  /* The red square's middle is red. */
  cairo_surface_flush(img);
  const uint32_t *px = (const uint32_t *)cairo_image_surface_get_data(img);
  int stride = cairo_image_surface_get_stride(img) / 4;
  assert_int_equal(px[60 * stride + 60] & 0xffffff, 0xff0000);
  cairo_surface_destroy(img);
  size_t n;
  char *bytes = slurp(path("a.png"), &n);
  const char *phys = memfind(bytes, n, "pHYs");
  assert_non_null(phys);
  const unsigned char *u = (const unsigned char *)phys + 4;
  uint32_t ppm = (uint32_t)u[0] << 24 | u[1] << 16 | u[2] << 8 | u[3];
  assert_int_equal(ppm, 5669); /* 144 dpi = 5669 px per metre */
  assert_non_null(memfind(bytes, n, "Control on 10 November 2020"));
  free(bytes);
  cm_scene_free(s);
}

static void same_bytes_twice(void **state) {
  const char *names[][2] = {{"r1.png", "r2.png"}, {"r1.pdf", "r2.pdf"},
                            {"r1.svg", "r2.svg"}};
  for (int i = 0; i < 3; i++) {
    cm_scene *s = sample();
    cm_error err;
    assert_int_equal(cm_render_file(s, path(names[i][0]), NULL, &err), 0);
    assert_int_equal(cm_render_file(s, path(names[i][1]), NULL, &err), 0);
    size_t n1, n2;
    char *a = slurp(path(names[i][0]), &n1), *b = slurp(path(names[i][1]), &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
    cm_scene_free(s);
  }
}

static void svg_layers_and_text(void **state) {
  cm_scene *s = sample();
  cm_error err;
  assert_int_equal(cm_render_file(s, path("a.svg"), NULL, &err), 0);
  size_t n;
  char *svg = slurp(path("a.svg"), &n);
  assert_non_null(strstr(svg, "<g id=\"layer-a\" inkscape:groupmode=\"layer\" inkscape:label=\"a\""));
  assert_non_null(strstr(svg, "Shusha &amp; &lt;Lachin&gt;</text>"));
  assert_non_null(strstr(svg, "شوشا</text>"));
  assert_non_null(strstr(svg, "<title>Control on 10 November 2020</title>"));
  assert_non_null(strstr(svg, "<pattern id=\"hatch-1\""));
  assert_non_null(strstr(svg, "fill-rule=\"evenodd\""));
  free(svg);
  cm_render_options opt = {.svg_cairo = 1};
  assert_int_equal(cm_render_file(s, path("c.svg"), &opt, &err), 0);
  svg = slurp(path("c.svg"), &n);
  assert_non_null(strstr(svg, "<svg"));
  assert_null(strstr(svg, "inkscape:groupmode"));
  free(svg);
  cm_scene_free(s);
}

static void pdf_is_vector_with_title(void **state) {
  cm_scene *s = sample();
  cm_error err;
  assert_int_equal(cm_render_file(s, path("a.pdf"), NULL, &err), 0);
  size_t n;
  char *pdf = slurp(path("a.pdf"), &n);
  assert_memory_equal(pdf, "%PDF-", 5);
  assert_non_null(memfind(pdf, n, "/Title"));
  assert_non_null(memfind(pdf, n, "/FontFile"));
  free(pdf);
  cm_scene_free(s);
}

/* The scene's date is a day, not text to parse back: set as a day it
 * is also the ISO "Date" metadata, set as an ISO day it is a day, and a
 * coarse or broken "Date" is no day. The PDF's creation date follows it
 * when SOURCE_DATE_EPOCH is unset. */
static void typed_date(void **state) {
  cm_scene *s = sample();
  cm_day d, got = 0;
  assert_int_equal(cm_date_parse("2020-11-10", &d, NULL, NULL), 0);
  assert_int_equal(cm_scene_set_date(s, d), 0);
  assert_string_equal(cm_scene_meta(s, "Date"), "2020-11-10");
  assert_true(cm_scene_date(s, &got));
  assert_int_equal(got, d);
  unsetenv("SOURCE_DATE_EPOCH");
  cm_error err;
  assert_int_equal(cm_render_file(s, path("dated.pdf"), NULL, &err), 0);
  size_t n;
  char *pdf = slurp(path("dated.pdf"), &n);
  assert_non_null(memfind(pdf, n, "20201110"));
  free(pdf);
  cm_scene_set_meta(s, "Date", "1994-05-12");
  assert_true(cm_scene_date(s, &got));
  assert_int_equal(got, cm_date_from_ymd(1994, 5, 12));
  cm_scene_set_meta(s, "Date", "2020");
  assert_false(cm_scene_date(s, &got));
  cm_scene_set_meta(s, "Date", "yesterday");
  assert_false(cm_scene_date(s, &got));
  cm_scene_free(s);
}

/* No temporary file is left behind, after success or failure. */
static int leftovers(void) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strstr(e->d_name, ".tmp"))
      n++;
  closedir(d);
  return n;
}

static void bad_outputs(void **state) {
  cm_scene *s = sample();
  cm_error err;
  assert_int_equal(cm_render_file(s, path("a.gif"), NULL, &err), CM_EUSAGE);
  assert_non_null(strstr(err.hint, ".png, .pdf or .svg"));
  assert_int_equal(cm_render_file(s, path("missing/a.png"), NULL, &err), CM_EIO);
  assert_non_null(strstr(err.message, "does not exist"));
  assert_int_equal(cm_render_file(s, dir, NULL, &err), CM_EUSAGE);
  mkdir(path("adir.png"), 0755);
  assert_int_equal(cm_render_file(s, path("adir.png"), NULL, &err), CM_EIO);
  assert_non_null(strstr(err.message, "folder"));
  assert_int_equal(leftovers(), 0);
  cm_scene_free(s);
}

static void huge_page_refused(void **state) {
  cm_scene *s = cm_scene_new(72 * 200, 72 * 200, 600); /* 200 in at 600 dpi */
  cm_error err;
  assert_int_equal(cm_render_file(s, path("huge.png"), NULL, &err), CM_ENOMEM);
  assert_non_null(strstr(err.message, "outside the limits"));
  assert_int_equal(access(path("huge.png"), F_OK), -1);
  assert_int_equal(leftovers(), 0);
  cm_scene_free(s);
}

/* A disk that fills up mid-write (a file size limit: writes past it fail
 * with EFBIG) gives an error and leaves neither the file nor a temporary. */
static void full_disk(void **state) {
  cm_scene *s = sample();
  cm_error err;
  struct rlimit old, small = {2000, 2000};
  getrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, SIG_IGN);
  small.rlim_max = old.rlim_max;
  setrlimit(RLIMIT_FSIZE, &small);
  int rc = cm_render_file(s, path("full.pdf"), NULL, &err);
  setrlimit(RLIMIT_FSIZE, &old);
  assert_int_equal(rc, CM_EIO);
  assert_non_null(strstr(err.message, "cannot write"));
  assert_int_equal(access(path("full.pdf"), F_OK), -1);
  assert_int_equal(leftovers(), 0);
  cm_scene_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(png_size_dpi_meta),
      cmocka_unit_test(same_bytes_twice),
      cmocka_unit_test(svg_layers_and_text),
      cmocka_unit_test(pdf_is_vector_with_title),
      cmocka_unit_test(typed_date),
      cmocka_unit_test(bad_outputs),
      cmocka_unit_test(huge_page_refused),
      cmocka_unit_test(full_disk),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
