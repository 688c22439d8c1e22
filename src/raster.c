/* A scene drawn into plain memory, for encoders that are not cairo's
 * (animated GIF and WebP): the same size and drawing as a PNG render. */

#include "controlmap/render.h"
#include "backend.h"

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

static int draw_into(uint32_t *pixels, int w, int h, const cm_scene *scene,
                     cm_error *err) {
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
    rc = cm_draw_cairo(cr, scene, err);
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

/* Hatch lines closer than a pixel are a grey blur and cost time in
 * proportion to their number: refused before drawing. */
static int hatches_fit_pixels(const cm_scene *scene, cm_error *err) {
  double px = 72.0 / cm_scene_dpi(scene);
  for (size_t i = 0; i < cm_scene_count(scene); i++) {
    const cm_item *it = cm_scene_item(scene, i);
    if (it->kind != CM_ITEM_PATH || !it->paint.hatch ||
        !(it->paint.hatch_spacing < px))
      continue;
    cm_error_set(err, CM_ESTYLE, NULL, 0, 0,
                 "a hatch spacing of %.3g mm is finer than one pixel at "
                 "%g dpi (%.3g mm)", it->paint.hatch_spacing * 25.4 / 72,
                 cm_scene_dpi(scene), px * 25.4 / 72);
    cm_error_hint(err, "widen the spacing in polygon-pattern, raise dpi, "
                       "or write SVG or PDF");
    return CM_ESTYLE;
  }
  return CM_OK;
}

int cm_render_pixels(const cm_scene *scene, uint32_t **pixels, int *width,
                     int *height, cm_error *err) {
  *pixels = NULL;
  int w, h;
  int rc = hatches_fit_pixels(scene, err);
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
  rc = draw_into(px, w, h, scene, err);
  if (rc != CM_OK) {
    cm_render_pixels_free(px);
    return rc;
  }
  *pixels = px;
  *width = w;
  *height = h;
  return CM_OK;
}
