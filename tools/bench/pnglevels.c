/* pnglevels: deflate levels of zlib and libdeflate on one image, for the
 * benchmark's choice of the default PNG level.
 *
 *   pnglevels MAP.png
 *
 * Reads the PNG with cairo, makes the rows controlmap writes (RGB,
 * unfiltered) and compresses them whole at each level with zlib (as
 * libpng would) and with libdeflate, best of three runs each, in CPU time
 * of the thread (less disturbed by other work on the machine than wall
 * time). Prints one line a level: "zlib|libdeflate LEVEL MS BYTES". */

#include <cairo.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

#define RUNS 3

static double cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static size_t with_zlib(int level, const unsigned char *raw, size_t n,
                        unsigned char *out, size_t cap) {
  z_stream zs = {0};
  if (deflateInit(&zs, level) != Z_OK)
    return 0;
  zs.next_in = (unsigned char *)raw;
  zs.avail_in = (uInt)n;
  zs.next_out = out;
  zs.avail_out = (uInt)cap;
  int rc = deflate(&zs, Z_FINISH);
  size_t len = zs.total_out;
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? len : 0;
}

static size_t with_libdeflate(int level, const unsigned char *raw, size_t n,
                              unsigned char *out, size_t cap) {
  struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
  size_t len = c ? libdeflate_zlib_compress(c, raw, n, out, cap) : 0;
  libdeflate_free_compressor(c);
  return len;
}

static void measure(const char *name, int level,
                    size_t (*fn)(int, const unsigned char *, size_t,
                                 unsigned char *, size_t),
                    const unsigned char *raw, size_t n, unsigned char *out,
                    size_t cap) {
  double best = 1e30;
  size_t len = 0;
  for (int k = 0; k < RUNS; k++) {
    double t = cpu_seconds();
    len = fn(level, raw, n, out, cap);
    t = cpu_seconds() - t;
    if (t < best)
      best = t;
  }
  printf("%s %d %.1f %zu\n", name, level, best * 1e3, len);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: pnglevels MAP.png\n");
    return 2;
  }
  cairo_surface_t *s = cairo_image_surface_create_from_png(argv[1]);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    fprintf(stderr, "pnglevels: cannot read %s\n", argv[1]);
    return 1;
  }
  int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
  int stride = cairo_image_surface_get_stride(s);
  const unsigned char *data = cairo_image_surface_get_data(s);
  size_t row = 1 + 3 * (size_t)w, n = row * (size_t)h, cap = n + n / 8 + 4096;
  unsigned char *raw = malloc(n), *out = malloc(cap);
  if (!raw || !out)
    return 1;
  for (int y = 0; y < h; y++) {
    const uint32_t *src = (const uint32_t *)(data + (size_t)y * stride);
    unsigned char *dst = raw + (size_t)y * row;
    *dst++ = 0;
    for (int x = 0; x < w; x++, dst += 3) {
      dst[0] = (unsigned char)(src[x] >> 16);
      dst[1] = (unsigned char)(src[x] >> 8);
      dst[2] = (unsigned char)src[x];
    }
  }
  static const int levels[] = {1, 3, 6, 9};
  for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
    measure("zlib", levels[i], with_zlib, raw, n, out, cap);
    measure("libdeflate", levels[i], with_libdeflate, raw, n, out, cap);
  }
  free(raw);
  free(out);
  cairo_surface_destroy(s);
  return 0;
}
