/* What the scene asks for reaches the drawing: the cairo walker that PNG,
 * PDF and cairo SVG share is run on a cairo script surface, which writes
 * down every colour, line width, dash and fill it is given, and each path
 * of a composed map must appear there in order with its own paint: fills
 * with their opacity, hatches, strokes with their width, opacity and
 * dashes. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "render_internal.h"
#include "support/files.h"
#include "support/fixtures.h"
#include "support/scene.h"

#include <cairo-script.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];

static int setup(void **state) { return fixture_dir_map(dir, sizeof dir); }

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

/* --- the drawing, as cairo writes it down ---------------------------------- */

enum { OP_FILL, OP_STROKE };

typedef struct op {
  int kind;
  cm_color color;
  double width;
  double dash[CM_MAX_DASHES];
  int ndash;
} op;

typedef struct drawing {
  op *ops;
  size_t n, cap;
} drawing;

static void add_op(drawing *d, const op *o) {
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 64;
    d->ops = realloc(d->ops, d->cap * sizeof *d->ops);
    assert_non_null(d->ops);
  }
  d->ops[d->n++] = *o;
}

/* Read a CairoScript text: numbers pile up until an operator takes them;
 * the state that matters (source colour, line width, dashes) is followed
 * and each fill and stroke is kept with it. */
static drawing read_script(char *text) {
  drawing d = {0};
  op now = {.color = {0, 0, 0, 1}, .width = 2};
  double num[64];
  int nnum = 0, mark = -1;
  cm_color color = now.color;
  for (char *p = text; *p;) {
    if (isspace((unsigned char)*p)) {
      p++;
      continue;
    }
    if (*p == '[' || *p == ']') {
      if (*p++ == '[')
        mark = nnum;
      continue;
    }
    char *end;
    double v = strtod(p, &end);
    if (end != p && (isspace((unsigned char)*end) || *end == ']' || !*end)) {
      if (nnum < 64)
        num[nnum++] = v;
      p = end;
      continue;
    }
    size_t len = strcspn(p, " \t\n[]");
    char word[32] = "";
    if (len < sizeof word)
      memcpy(word, p, len), word[len] = '\0';
    p += len;
    if (!strcmp(word, "g") && nnum >= 1)
      color = (cm_color){num[nnum - 1], num[nnum - 1], num[nnum - 1], 1};
    else if (!strcmp(word, "ga") && nnum >= 2)
      color = (cm_color){num[nnum - 2], num[nnum - 2], num[nnum - 2], num[nnum - 1]};
    else if (!strcmp(word, "rgb") && nnum >= 3)
      color = (cm_color){num[nnum - 3], num[nnum - 2], num[nnum - 1], 1};
    else if (!strcmp(word, "rgba") && nnum >= 4)
      color = (cm_color){num[nnum - 4], num[nnum - 3], num[nnum - 2], num[nnum - 1]};
    else if (!strcmp(word, "set-source"))
      now.color = color;
    else if (!strcmp(word, "set-line-width") && nnum >= 1)
      now.width = num[nnum - 1];
    else if (!strcmp(word, "set-dash") && mark >= 0) {
      now.ndash = 0;
      for (int i = mark; i < nnum - 1 && now.ndash < CM_MAX_DASHES; i++)
        now.dash[now.ndash++] = num[i];
    } else if (!strcmp(word, "paint") || /* a fill of the whole page */
               !strcmp(word, "fill") || !strcmp(word, "fill+") ||
               !strcmp(word, "stroke") || !strcmp(word, "stroke+")) {
      now.kind = word[0] == 's' ? OP_STROKE : OP_FILL;
      add_op(&d, &now);
    }
    if (strcmp(word, "rgb") && strcmp(word, "rgba") && strcmp(word, "g") &&
        strcmp(word, "ga")) {
      nnum = 0;
      mark = -1;
    }
  }
  return d;
}

/* The scene drawn by cm__draw_cairo, as the operations cairo received. */
static drawing draw(const cm_scene *s) {
  const char *path = path_in(dir, "drawing.cs");
  cairo_device_t *dev = cairo_script_create(path);
  cairo_surface_t *surf = cairo_script_surface_create(
      dev, CAIRO_CONTENT_COLOR_ALPHA, cm_scene_width(s), cm_scene_height(s));
  cairo_t *cr = cairo_create(surf);
  cm_error err;
  assert_int_equal(cm__draw_cairo(cr, s, &err), CM_OK);
  cairo_destroy(cr);
  cairo_surface_destroy(surf);
  cairo_device_finish(dev);
  cairo_device_destroy(dev);
  char *text = file_read(path, NULL);
  assert_non_null(text);
  drawing d = read_script(text);
  free(text);
  return d;
}

/* --- the scene's paths against it ------------------------------------------ */

static int same_color(cm_color a, cm_color b) {
  return fabs(a.r - b.r) < 1e-5 && fabs(a.g - b.g) < 1e-5 &&
         fabs(a.b - b.b) < 1e-5 && fabs(a.a - b.a) < 1e-5;
}

/* The operation o is a fill in color, or a stroke in color of width with
 * the dashes dash (ndash of them; 0 solid). */
static int is(const op *o, int kind, cm_color color, double width,
              const double *dash, int ndash) {
  if (o->kind != kind || !same_color(o->color, color))
    return 0;
  if (kind == OP_FILL)
    return 1;
  if (fabs(o->width - width) > 1e-5 || o->ndash != ndash)
    return 0;
  for (int i = 0; i < ndash; i++)
    if (fabs(o->dash[i] - dash[i]) > 1e-5)
      return 0;
  return 1;
}

/* The first operation from *at that is what is asked; fails the test
 * naming what it looked for. */
static void expect(const drawing *d, size_t *at, size_t item, const char *what,
                   int kind, cm_color color, double width, const double *dash,
                   int ndash) {
  for (size_t i = *at; i < d->n; i++)
    if (is(&d->ops[i], kind, color, width, dash, ndash)) {
      *at = i + 1;
      return;
    }
  fail_msg("scene item %zu: no %s in %.3f %.3f %.3f %.3f, width %g, %d dashes "
           "(first %g) in the drawing",
           item, what, color.r, color.g, color.b, color.a, width, ndash,
           ndash ? dash[0] : 0.0);
}

/* Every path of s, in order: fill, hatch (one stroke per direction), then
 * stroke, each with its own paint. Returns how many dashed and how many
 * translucent paths there were. */
static void check_drawing(const cm_scene *s, int *dashed, int *translucent) {
  drawing d = draw(s);
  size_t at = 0;
  *dashed = *translucent = 0;
  for (size_t i = 0; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind != CM_ITEM_PATH)
      continue;
    const cm_paint *p = &it->paint;
    int polygon = it->geom.type == CM_GEOM_POLYGON;
    if (polygon && p->fill) {
      expect(&d, &at, i, "fill", OP_FILL, p->fill_color, 0, NULL, 0);
      *translucent += p->fill_color.a < 1;
    }
    if (polygon && p->hatch)
      for (int k = 0; k <= p->cross; k++)
        expect(&d, &at, i, "hatch", OP_STROKE, p->hatch_color, p->hatch_width,
               NULL, 0);
    if (p->stroke && p->stroke_width > 0) {
      expect(&d, &at, i, "stroke", OP_STROKE, p->stroke_color, p->stroke_width,
             p->dash, p->dash_count);
      *dashed += p->dash_count > 0;
      *translucent += p->stroke_color.a < 1;
    }
  }
  free(d.ops);
}

static void paint_reaches_the_drawing(void **state) {
  cm_map *m = scene_map(dir, "draw.mss", scene_paint_style);
  assert_non_null(m);
  const char *dates[] = {"2000-01-01", "2021-01-01"};
  for (int k = 0; k < 2; k++) {
    cm_scene *s = scene_at(m, dates[k], NULL);
    assert_non_null(s);
    int dashed, translucent;
    check_drawing(s, &dashed, &translucent);
    /* A line on the map and in the legend at least; B's outline too. */
    assert_true(dashed >= 2);
    assert_true(translucent >= 2);
    cm_scene_free(s);
  }
  cm_map_free(m);
}

/* The scene's own numbers are the style's: dashes and widths in points at
 * the map's dpi, opacity multiplied into the colour. */
static void paint_is_the_styles(void **state) {
  cm_map *m = scene_map(dir, "draw.mss", scene_paint_style);
  assert_non_null(m);
  cm_scene *s = scene_at(m, "2021-01-01", NULL);
  assert_non_null(s);
  long g = scene_group(s, "layer-lines");
  assert_true(g >= 0);
  const cm_item *line = cm_scene_item(s, (size_t)g + 1);
  assert_int_equal(line->kind, CM_ITEM_PATH);
  const double dash[] = {6, 2, 1, 2};
  assert_int_equal(line->paint.dash_count, 4);
  for (int i = 0; i < 4; i++)
    assert_float_equal(line->paint.dash[i], dash[i], 1e-9);
  assert_float_equal(line->paint.stroke_width, 1.2, 1e-9);
  assert_float_equal(line->paint.stroke_color.r, 0x66 / 255.0, 1e-9);
  assert_int_equal(line->paint.join, CM_JOIN_ROUND);
  assert_int_equal(line->paint.cap, CM_CAP_ROUND);
  g = scene_group(s, "layer-poly");
  const cm_item *b = cm_scene_item(s, (size_t)g + 1); /* B, then C */
  assert_true(b->paint.fill);
  assert_float_equal(b->paint.fill_color.a, 0.8 * 0.6, 1e-9);
  assert_float_equal(b->paint.fill_color.b, 0xe4 / 255.0, 1e-9);
  assert_int_equal(b->paint.dash_count, 2);
  const cm_item *c = cm_scene_item(s, (size_t)g + 2);
  assert_true(c->paint.hatch && c->paint.cross && !c->paint.fill);
  assert_float_equal(c->paint.stroke_color.a, 0.5, 1e-9);
  assert_float_equal(c->paint.hatch_spacing, 1.5 * 72 / 25.4, 1e-9);
  cm_scene_free(s);
  cm_map_free(m);
}

/* A group's clip keeps what it holds inside its box: the map's layers
 * never spill over the frame into the margins and the title; outside it
 * the page stays transparent, in the PNG too. */
static void groups_clip(void **state) {
  cm_scene *s = cm_scene_new(72, 72, 72); /* one pixel a point */
  cm_bbox box = {10, 10, 50, 50};
  assert_int_equal(cm_scene_group_begin(s, "layer-a", "a", &box), 0);
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  cm_geom_add_point(&g, 0, 0);
  cm_geom_add_point(&g, 72, 0);
  cm_geom_add_point(&g, 72, 72);
  cm_geom_add_point(&g, 0, 72);
  cm_paint p = {0};
  p.fill = 1;
  p.fill_color = (cm_color){1, 0, 0, 1};
  assert_int_equal(cm_scene_path_take(s, &g, &p), 0);
  cm_geom_free(&g);
  assert_int_equal(cm_scene_group_end(s), 0);
  uint32_t *px;
  int w, h;
  cm_error err;
  assert_int_equal(cm_render_pixels(s, &px, &w, &h, &err), CM_OK);
  assert_int_equal(px[30 * w + 30], 0xffff0000); /* inside: opaque red */
  assert_int_equal(px[5 * w + 5] >> 24, 0);      /* outside: nothing */
  assert_int_equal(px[60 * w + 30] >> 24, 0);
  cm_render_pixels_free(px);
  /* Written as PNG, what is not drawn stays transparent, not black. */
  const char *path = path_in(dir, "clip.png");
  assert_int_equal(cm_render_file(s, path, NULL, &err), CM_OK);
  cairo_surface_t *png = cairo_image_surface_create_from_png(path);
  assert_int_equal(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
  assert_int_equal(cairo_image_surface_get_format(png), CAIRO_FORMAT_ARGB32);
  const unsigned char *data = cairo_image_surface_get_data(png);
  int stride = cairo_image_surface_get_stride(png);
  uint32_t in, out;
  memcpy(&in, data + 30 * stride + 30 * 4, 4);
  memcpy(&out, data + 5 * stride + 5 * 4, 4);
  assert_int_equal(in, 0xffff0000);
  assert_int_equal(out >> 24, 0);
  cairo_surface_destroy(png);
  cm_scene_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(paint_reaches_the_drawing),
      cmocka_unit_test(paint_is_the_styles),
      cmocka_unit_test(groups_clip),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
