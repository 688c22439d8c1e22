/* A scene drawn into plain memory, for the PNG writer and the animation
 * encoders (GIF, WebP); and a batch's base raster: the items every frame
 * begins with (the paper, the background, the undated layers below the
 * first dated one), drawn once, each frame starting from a copy. */

#include "controlmap/render.h"
#include "render_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The raster size of a PNG of the scene: the page at its dpi, rounded up
 * so nothing of the page is cut. */
static int raster_size(const cm_scene *scene, int *width, int *height,
                       cm_error *err) {
  double k = cm_scene_dpi(scene) / 72.0;
  double w = ceil(cm_scene_width(scene) * k - 1e-6);
  double h = ceil(cm_scene_height(scene) * k - 1e-6);
  /* cairo's images have sides of at most 32767 pixels */
  if (!(w >= 1 && h >= 1 && w * h <= CM_MAX_PIXELS && w <= 32767 && h <= 32767)) {
    cm_error_set(err, CM_ENOMEM, NULL, 0, 0,
                 "a %.0f x %.0f pixel image is outside the limits (1 to %.0f "
                 "pixels, each side at most 32767)", w, h, CM_MAX_PIXELS);
    cm_error_hint(err, "check the page size and dpi in the style");
    return CM_ENOMEM;
  }
  *width = (int)w;
  *height = (int)h;
  return CM_OK;
}

/* Draw the scene's items from first on, onto what pixels already hold. */
static int draw_into(uint32_t *pixels, int w, int h, const cm_scene *scene,
                     size_t first, size_t end, cm_error *err) {
  cairo_surface_t *img = cairo_image_surface_create_for_data(
      (unsigned char *)pixels, CAIRO_FORMAT_ARGB32, w, h, w * 4);
  int rc = CM_OK;
  if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    rc = cm_error_set(err, CM_ERENDER, NULL, 0, 0, "cairo: %s",
                      cairo_status_to_string(cairo_surface_status(img)));
  } else {
    cairo_t *cr = cairo_create(img);
    double k = cm_scene_dpi(scene) / 72.0;
    cairo_scale(cr, k, k);
    rc = cm__draw_cairo_items(cr, scene, first, end, err);
    cairo_destroy(cr);
    cairo_surface_flush(img);
  }
  cairo_surface_destroy(img);
  return rc;
}

/* Frames come straight from the system (mmap): freed, they go back to it at
 * once, where malloc would keep every thread's freed frames in its arena
 * and a two-thread batch would hold several frames' worth for nothing. The
 * mapping's length is kept in a header before the pixels. */
#define HEADER 64

static uint32_t *map_pixels(size_t count) {
  size_t len = HEADER + count * sizeof(uint32_t);
  unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
  memcpy(p, &len, sizeof len);
  return (uint32_t *)(p + HEADER); /* zeroed: a transparent page */
}

void cm_render_pixels_free(uint32_t *pixels) {
  if (!pixels)
    return;
  unsigned char *p = (unsigned char *)pixels - HEADER;
  size_t len;
  memcpy(&len, p, sizeof len);
  munmap(p, len);
}

/* The finest hatch any output draws, CM_HATCH_MIN_MM in points (the style
 * refuses finer ones; this also catches symbols scaled down in small
 * multiples). */
#define HATCH_MIN_PT (CM_HATCH_MIN_MM * 72 / 25.4)

/* Hatch lines closer than they are wide, than 0.05 mm, or (raster) than a
 * pixel are a grey blur and cost time in proportion to their number (1e-7
 * mm would ask for billions): refused before drawing. */
int cm__hatches_fit(const cm_scene *scene, int raster, cm_error *err) {
  double px = 72.0 / cm_scene_dpi(scene);
  double floor = raster && px > HATCH_MIN_PT ? px : HATCH_MIN_PT;
  for (size_t i = 0; i < cm_scene_count(scene); i++) {
    const cm_item *it = cm_scene_item(scene, i);
    const cm_paint *p = &it->paint;
    /* no spacing or width: no lines drawn (draw_cairo.c, svg.c) */
    if (it->kind != CM_ITEM_PATH || !p->hatch || !(p->hatch_spacing > 0) ||
        !(p->hatch_width > 0) ||
        (p->hatch_spacing >= floor && p->hatch_spacing >= p->hatch_width))
      continue;
    if (!(p->hatch_spacing >= p->hatch_width)) {
      cm_error_set(err, CM_ESTYLE, NULL, 0, 0,
                   "a hatch spacing of %.3g mm is less than its line width "
                   "(%.3g mm): the lines would fill the polygon solid",
                   p->hatch_spacing * 25.4 / 72, p->hatch_width * 25.4 / 72);
      cm_error_hint(err, "make the spacing in polygon-pattern at least its width");
    } else if (floor > HATCH_MIN_PT) {
      cm_error_set(err, CM_ESTYLE, NULL, 0, 0,
                   "a hatch spacing of %.3g mm is finer than one pixel at "
                   "%g dpi (%.3g mm)", p->hatch_spacing * 25.4 / 72,
                   cm_scene_dpi(scene), px * 25.4 / 72);
      cm_error_hint(err, "widen the spacing in polygon-pattern, raise dpi, "
                         "or write SVG or PDF");
    } else {
      cm_error_set(err, CM_ESTYLE, NULL, 0, 0,
                   "a hatch spacing of %.3g mm is finer than 0.05 mm, which "
                   "no screen or printer shows as lines",
                   p->hatch_spacing * 25.4 / 72);
      cm_error_hint(err, "widen the spacing in polygon-pattern; hatches are "
                         "usually 1mm to 3mm apart");
    }
    return CM_ESTYLE;
  }
  return CM_OK;
}

/* --- the base raster of a batch ---------------------------------------- */

/* The pixels are kept as runs of one value (a count, then the value):
 * the paper, the sea and the land are large flat areas, so the base takes
 * a small part of a frame's memory, and filling runs into a frame is as
 * fast as copying it. */
struct cm_base_raster {
  cm_scene *scene; /* its first `items` items are drawn in the runs */
  size_t items;
  uint32_t *runs;  /* count, value, count, value... */
  size_t nruns;
  int width, height;
};

static size_t count_runs(const uint32_t *px, size_t n) {
  size_t runs = 0;
  for (size_t i = 0; i < n; i++)
    runs += i == 0 || px[i] != px[i - 1];
  return runs;
}

static void make_runs(uint32_t *runs, const uint32_t *px, size_t n) {
  uint32_t *r = runs - 2;
  for (size_t i = 0; i < n; i++) {
    if (i == 0 || px[i] != px[i - 1]) {
      r += 2;
      r[0] = 0;
      r[1] = px[i];
    }
    r[0]++;
  }
}

static void fill_runs(uint32_t *px, const uint32_t *runs, size_t nruns) {
  for (size_t k = 0; k < nruns; k++) {
    uint32_t n = runs[2 * k], v = runs[2 * k + 1];
    for (uint32_t i = 0; i < n; i++)
      px[i] = v;
    px += n;
  }
}

static int same_color(cm_color a, cm_color b) {
  return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

static int same_text(const char *a, const char *b) {
  return a == b || (a && b && !strcmp(a, b));
}

static int same_geom(const cm_geom *a, const cm_geom *b) {
  return a->type == b->type && a->npoints == b->npoints &&
         a->nparts == b->nparts &&
         (!a->nparts || !memcmp(a->parts, b->parts, a->nparts * sizeof *a->parts)) &&
         (!a->npoints || !memcmp(a->points, b->points, a->npoints * sizeof *a->points));
}

static int same_paint(const cm_paint *a, const cm_paint *b) {
  return a->fill == b->fill && same_color(a->fill_color, b->fill_color) &&
         a->hatch == b->hatch && a->cross == b->cross &&
         a->hatch_angle == b->hatch_angle &&
         same_color(a->hatch_color, b->hatch_color) &&
         a->hatch_width == b->hatch_width &&
         a->hatch_spacing == b->hatch_spacing && a->stroke == b->stroke &&
         same_color(a->stroke_color, b->stroke_color) &&
         a->stroke_width == b->stroke_width && a->dash_count == b->dash_count &&
         !memcmp(a->dash, b->dash, (size_t)a->dash_count * sizeof *a->dash) &&
         a->join == b->join && a->cap == b->cap;
}

static int same_style(const cm_text_style *a, const cm_text_style *b) {
  return same_text(a->font, b->font) && a->size == b->size &&
         a->bold == b->bold && a->italic == b->italic &&
         same_color(a->fill, b->fill) && same_color(a->halo, b->halo) &&
         a->halo_radius == b->halo_radius && a->halign == b->halign &&
         a->valign == b->valign && a->angle == b->angle && a->wrap == b->wrap;
}

/* 1 when two items draw the same pixels. */
static int same_item(const cm_item *a, const cm_item *b) {
  if (a->kind != b->kind)
    return 0;
  switch (a->kind) {
  case CM_ITEM_GROUP_BEGIN:
    return same_text(a->id, b->id) && a->clip == b->clip &&
           (!a->clip || !memcmp(&a->clip_box, &b->clip_box, sizeof a->clip_box));
  case CM_ITEM_GROUP_END:
    return 1;
  case CM_ITEM_PATH:
    return same_geom(&a->geom, &b->geom) && same_paint(&a->paint, &b->paint);
  case CM_ITEM_TEXT:
    return same_text(a->text, b->text) && a->x == b->x && a->y == b->y &&
           same_style(&a->style, &b->style);
  }
  return 0;
}

static int same_page(const cm_scene *a, const cm_scene *b) {
  return cm_scene_width(a) == cm_scene_width(b) &&
         cm_scene_height(a) == cm_scene_height(b) &&
         cm_scene_dpi(a) == cm_scene_dpi(b);
}

/* How many first items a and b share, cut after the last whole top-level
 * group (or item outside any group) they share. */
static size_t shared_items(const cm_scene *a, const cm_scene *b) {
  size_t n = cm_scene_count(a) < cm_scene_count(b) ? cm_scene_count(a)
                                                   : cm_scene_count(b);
  size_t cut = 0;
  int depth = 0;
  for (size_t i = 0; i < n; i++) {
    const cm_item *it = cm_scene_item(a, i);
    if (!same_item(it, cm_scene_item(b, i)))
      break;
    depth += it->kind == CM_ITEM_GROUP_BEGIN;
    depth -= it->kind == CM_ITEM_GROUP_END;
    if (depth == 0)
      cut = i + 1;
  }
  return cut;
}

/* 1 when scene begins with the base's items, on the same page. */
static int starts_with_base(const cm_scene *scene, const cm_base_raster *base,
                            int w, int h) {
  if (w != base->width || h != base->height ||
      !same_page(scene, base->scene) || cm_scene_count(scene) < base->items)
    return 0;
  for (size_t i = 0; i < base->items; i++)
    if (!same_item(cm_scene_item(scene, i), cm_scene_item(base->scene, i)))
      return 0;
  return 1;
}

void cm__base_raster_free(cm_base_raster *base) {
  if (!base)
    return;
  cm_scene_free(base->scene);
  free(base->runs);
  free(base);
}

/* Draw the base's items and keep them as runs; a base that would take
 * more than a quarter of a frame is not worth its memory (*kept 0). */
static int draw_base(cm_base_raster *base, int *kept, cm_error *err) {
  size_t n = (size_t)base->width * (size_t)base->height;
  uint32_t *px = map_pixels(n);
  if (!px)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory for a frame");
  int rc = draw_into(px, base->width, base->height, base->scene, 0,
                     base->items, err);
  *kept = 0;
  if (rc == CM_OK) {
    base->nruns = count_runs(px, n);
    if (base->nruns * 2 <= n / 4 && (base->runs = malloc(base->nruns * 8))) {
      make_runs(base->runs, px, n);
      *kept = 1;
    }
  }
  cm_render_pixels_free(px);
  return rc;
}

int cm__base_raster_new(cm_base_raster **out, cm_scene *first,
                        const cm_scene *last, cm_error *err) {
  *out = NULL;
  size_t items = same_page(first, last) ? shared_items(first, last) : 0;
  cm_base_raster *base = items ? calloc(1, sizeof *base) : NULL;
  if (!base) {
    cm_scene_free(first);
    return items ? cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory")
                 : CM_OK;
  }
  base->scene = first;
  base->items = items;
  int kept = 0;
  int rc = raster_size(first, &base->width, &base->height, err);
  if (rc == CM_OK)
    rc = draw_base(base, &kept, err);
  if (rc != CM_OK || !kept) {
    cm__base_raster_free(base);
    return rc;
  }
  *out = base;
  return CM_OK;
}

int cm__render_pixels_base(const cm_scene *scene, const cm_base_raster *base,
                           uint32_t **pixels, int *width, int *height,
                           cm_error *err) {
  *pixels = NULL;
  int w, h;
  int rc = cm__hatches_fit(scene, 1, err);
  if (rc == CM_OK)
    rc = raster_size(scene, &w, &h, err);
  if (rc != CM_OK)
    return rc;
  /* cairo's ARGB32 rows are exactly 4 bytes a pixel, so the buffer can be
   * handed over as plain values. */
  if (cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w) != w * 4)
    return cm_error_set(err, CM_ERENDER, NULL, 0, 0,
                        "cairo pads rows of %d pixels", w);
  uint32_t *px = map_pixels((size_t)w * (size_t)h);
  if (!px)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0,
                        "out of memory for a %d x %d pixel frame", w, h);
  size_t first = 0;
  if (base && starts_with_base(scene, base, w, h)) {
    fill_runs(px, base->runs, base->nruns);
    first = base->items;
  }
  rc = draw_into(px, w, h, scene, first, cm_scene_count(scene), err);
  if (rc != CM_OK) {
    cm_render_pixels_free(px);
    return rc;
  }
  *pixels = px;
  *width = w;
  *height = h;
  return CM_OK;
}

int cm_render_pixels(const cm_scene *scene, uint32_t **pixels, int *width,
                     int *height, cm_error *err) {
  return cm__render_pixels_base(scene, NULL, pixels, width, height, err);
}
