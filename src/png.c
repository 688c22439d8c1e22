#include "backend.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 1 when every pixel is opaque, so the file can be RGB (a quarter smaller
 * and what most journals' checks expect). */
static int opaque(const unsigned char *data, int w, int h, int stride) {
  for (int y = 0; y < h; y++) {
    const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
    for (int x = 0; x < w; x++)
      if ((row[x] >> 24) != 0xff)
        return 0;
  }
  return 1;
}

/* One cairo ARGB32 row (native-endian, premultiplied) to RGB or RGBA bytes. */
static void unpremultiply(const uint32_t *src, unsigned char *dst, int w,
                          int alpha) {
  for (int x = 0; x < w; x++) {
    uint32_t p = src[x];
    unsigned a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
    if (a && a != 0xff) {
      r = (r * 255 + a / 2) / a;
      g = (g * 255 + a / 2) / a;
      b = (b * 255 + a / 2) / a;
    }
    *dst++ = (unsigned char)r;
    *dst++ = (unsigned char)g;
    *dst++ = (unsigned char)b;
    if (alpha)
      *dst++ = (unsigned char)a;
  }
}

static void add_text(png_text *t, int *n, const char *key, const char *value) {
  if (!value)
    return;
  memset(&t[*n], 0, sizeof t[*n]);
  /* iTXt keeps UTF-8 titles (Arabic, Armenian) intact; tEXt is Latin-1. */
  int ascii = 1;
  for (const char *p = value; *p; p++)
    if ((unsigned char)*p >= 0x80)
      ascii = 0;
  t[*n].compression = ascii ? PNG_TEXT_COMPRESSION_NONE : PNG_ITXT_COMPRESSION_NONE;
  t[*n].key = (png_charp)key;
  t[*n].text = (png_charp)value;
  (*n)++;
}

typedef struct png_job {
  const uint32_t *pixels; /* width x height, rows width apart */
  int width, height;
  const cm_scene *scene;
  int level;
  FILE *f;
  unsigned char *row;
} png_job;

static void encode(png_structp png, png_infop info, png_job *job) {
  int w = job->width, h = job->height, stride = w * 4;
  const unsigned char *data = (const unsigned char *)job->pixels;
  int alpha = !opaque(data, w, h, stride);
  png_init_io(png, job->f);
  png_set_compression_level(png, job->level);
  /* Flat map colours compress best unfiltered, and trying every filter on
   * every row was most of the encoding time (see docs/bench.md). */
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_IHDR(png, info, w, h, 8,
               alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_uint_32 ppm = (png_uint_32)lround(cm_scene_dpi(job->scene) / 0.0254);
  png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
  png_text text[5];
  int n = 0;
  add_text(text, &n, "Title", cm_scene_meta(job->scene, "Title"));
  add_text(text, &n, "Source", cm_scene_meta(job->scene, "Source"));
  add_text(text, &n, "Date", cm_scene_meta(job->scene, "Date"));
  add_text(text, &n, "Style", cm_scene_meta(job->scene, "Style"));
  add_text(text, &n, "Software", "controlmap " CM_VERSION);
  png_set_text(png, info, text, n);
  png_write_info(png, info);
  for (int y = 0; y < h; y++) {
    unpremultiply((const uint32_t *)(data + (size_t)y * stride), job->row, w, alpha);
    png_write_row(png, job->row);
  }
  png_write_end(png, info);
}

/* libpng's writer says only "Write Error" when fwrite fails (a full disk,
 * a file size limit): that is the file's fault, not the encoder's. */
static void png_fail(png_structp png, png_const_charp msg) {
  cm_error *err = png_get_error_ptr(png);
  int why = errno;
  if (!strcmp(msg, "Write Error"))
    cm_error_set(err, CM_EIO, NULL, 0, 0, "cannot write: %s",
                 strerror(why ? why : EIO));
  else
    cm_error_set(err, CM_ERENDER, NULL, 0, 0, "PNG encoding failed: %s", msg);
  png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg) {}

int cm_png_write(const uint32_t *pixels, int width, int height,
                 const cm_scene *scene, int level, FILE *f, const char *path,
                 cm_error *err) {
  png_job job = {pixels, width, height, scene, level, f, NULL};
  job.row = malloc((size_t)width * 4);
  if (!job.row)
    return cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory for PNG rows");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, err,
                                            png_fail, png_warn);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  int rc = CM_OK;
  if (!info) {
    rc = cm_error_set(err, CM_ENOMEM, path, 0, 0, "cannot start libpng");
  } else if (setjmp(png_jmpbuf(png))) {
    rc = err && err->code ? err->code : CM_ERENDER;
    if (err)
      snprintf(err->file, sizeof err->file, "%s", path);
  } else {
    encode(png, info, &job);
  }
  png_destroy_write_struct(&png, info ? &info : NULL);
  free(job.row);
  return rc;
}
