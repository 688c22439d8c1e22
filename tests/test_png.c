/* The PNG writer: chunks and their CRCs, the zlib stream read back strictly
 * (libdeflate checks the Adler-32), text chunks, alpha; and the bands a
 * batch keeps from frame to frame: unchanged rows keep their compressed
 * bytes, changed ones are compressed again, and every file still holds
 * exactly the pixels it was given. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "render_internal.h"
#include "support/files.h"
#include "support/fixtures.h"

#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define W 301
#define H 203 /* not a whole number of bands */

static char dir[4096];

static int setup(void **state) { return fixture_make_dir(dir, sizeof dir); }

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A map-like opaque picture: flat areas, a diagonal edge, some noise. */
static uint32_t *picture(void) {
  uint32_t *px = malloc(sizeof *px * W * H);
  unsigned seed = 7;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++) {
      uint32_t c = x + y < 250 ? 0xffd4e3ee : 0xfff4f1ea;
      if ((x / 40 + y / 30) % 5 == 0) {
        seed = seed * 1103515245u + 12345u;
        c = 0xff000000 | (seed >> 8 & 0xffffff);
      }
      px[y * W + x] = c;
    }
  return px;
}

typedef struct png {
  unsigned char *bytes;
  size_t n;
  unsigned char *raw; /* the inflated image data */
  size_t raw_n;
  int color_type;
} png;

static cm_scene *scene_titled(const char *title) {
  cm_scene *s = cm_scene_new(W * 72.0 / 150, H * 72.0 / 150, 150);
  cm_scene_set_meta(s, "Title", title);
  return s;
}

/* Write pixels, read the file back: every chunk's CRC right, IHDR first,
 * IEND last, and the IDAT data one zlib stream that inflates to exactly
 * the image's rows. */
static png write_read(const uint32_t *px, cm_png_bands *bands,
                      const char *title) {
  const char *file = path_in(dir, "t.png");
  FILE *f = fopen(file, "wb");
  assert_non_null(f);
  cm_scene *s = scene_titled(title);
  cm_error err;
  cm_error_clear(&err);
  assert_int_equal(cm__png_write(px, W, H, s, 1, bands, f, file, &err), CM_OK);
  fclose(f);
  cm_scene_free(s);
  png p = {0};
  p.bytes = (unsigned char *)file_read(file, &p.n);
  assert_non_null(p.bytes);
  assert_memory_equal(p.bytes, "\x89PNG\r\n\x1a\n", 8);
  unsigned char *z = malloc(p.n);
  size_t zn = 0, at = 8;
  const char *last = NULL;
  while (at + 12 <= p.n) {
    uint32_t len = get32(p.bytes + at);
    const unsigned char *type = p.bytes + at + 4;
    assert_true(at + 12 + len <= p.n);
    uint32_t crc = libdeflate_crc32(0, type, 4 + len);
    assert_int_equal(crc, get32(p.bytes + at + 8 + len));
    if (at == 8) {
      assert_memory_equal(type, "IHDR", 4);
      assert_int_equal(get32(type + 4), W);
      assert_int_equal(get32(type + 8), H);
      p.color_type = type[13];
    }
    if (!memcmp(type, "IDAT", 4)) {
      memcpy(z + zn, type + 4, len);
      zn += len;
    }
    last = (const char *)type;
    at += 12 + len;
  }
  assert_int_equal(at, p.n);
  assert_memory_equal(last, "IEND", 4);
  size_t row = 1 + (size_t)W * (p.color_type == 6 ? 4 : 3);
  p.raw = malloc(row * H + 1);
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  size_t got = 0;
  /* Fails on a wrong Adler-32, a block after the final one, or a stream
   * that ends early. */
  assert_int_equal(libdeflate_zlib_decompress(d, z, zn, p.raw, row * H + 1, &got),
                   LIBDEFLATE_SUCCESS);
  assert_int_equal(got, row * H);
  p.raw_n = got;
  libdeflate_free_decompressor(d);
  free(z);
  return p;
}

static void png_free(png *p) {
  free(p->bytes);
  free(p->raw);
}

/* The inflated rows are the opaque pixels as RGB, each after filter 0. */
static void assert_rgb_rows(const png *p, const uint32_t *px) {
  assert_int_equal(p->color_type, 2);
  const unsigned char *r = p->raw;
  for (int y = 0; y < H; y++) {
    assert_int_equal(*r++, 0);
    for (int x = 0; x < W; x++, r += 3) {
      uint32_t c = px[y * W + x];
      unsigned got = (unsigned)r[0] << 16 | (unsigned)r[1] << 8 | r[2];
      if (got != (c & 0xffffff))
        fail_msg("pixel %d,%d: %06x, wanted %06x", x, y, got, c & 0xffffff);
    }
  }
}

static void whole_image(void **state) {
  uint32_t *px = picture();
  png p = write_read(px, NULL, "A map");
  assert_rgb_rows(&p, px);
  png_free(&p);
  free(px);
}

/* Frame after frame: the same pixels reuse every band and give the same
 * bytes; a change in one row compresses one band again; a change of
 * shape starts over. Each file holds its own pixels. */
static void bands_between_frames(void **state) {
  uint32_t *px = picture();
  cm_png_bands *b = cm__png_bands_new();
  assert_non_null(b);
  size_t reused, done, nbands = (H + 31) / 32;
  png first = write_read(px, b, "1990");
  assert_rgb_rows(&first, px);
  cm__png_bands_counts(b, &reused, &done);
  assert_int_equal(reused, 0);
  assert_int_equal(done, nbands);

  png same = write_read(px, b, "1990");
  assert_rgb_rows(&same, px);
  assert_int_equal(same.n, first.n);
  assert_memory_equal(same.bytes, first.bytes, first.n);
  cm__png_bands_counts(b, &reused, &done);
  assert_int_equal(reused, nbands);
  assert_int_equal(done, nbands);

  px[100 * W + 5] ^= 0x010000; /* one pixel of band 3 */
  px[(H - 1) * W] ^= 0x000100; /* and one of the last, short band */
  png changed = write_read(px, b, "1991");
  assert_rgb_rows(&changed, px);
  cm__png_bands_counts(b, &reused, &done);
  assert_int_equal(reused, 2 * nbands - 2);
  assert_int_equal(done, nbands + 2);

  /* The same pixels whole and banded read back the same. */
  png whole = write_read(px, NULL, "1991");
  assert_int_equal(whole.raw_n, changed.raw_n);
  assert_memory_equal(whole.raw, changed.raw, whole.raw_n);

  png_free(&first);
  png_free(&same);
  png_free(&changed);
  png_free(&whole);
  cm__png_bands_free(b);
  free(px);
}

/* Transparent pixels make an RGBA file with straight (not premultiplied)
 * colour; and a banded frame after an opaque one switches mode. */
static void alpha(void **state) {
  uint32_t *px = picture();
  cm_png_bands *b = cm__png_bands_new();
  png opaque = write_read(px, b, "x");
  px[0] = 0;          /* fully transparent */
  px[1] = 0x80400000; /* half-transparent red, premultiplied */
  png p = write_read(px, b, "x");
  assert_int_equal(p.color_type, 6);
  assert_memory_equal(p.raw, "\0\0\0\0\0\x80\0\0\x80", 9);
  const unsigned char *row5 = p.raw + 5 * (1 + 4 * (size_t)W);
  uint32_t c = px[5 * W + 3];
  assert_int_equal(row5[1 + 12], (c >> 16) & 0xff);
  assert_int_equal(row5[1 + 15], 0xff);
  png_free(&opaque);
  png_free(&p);
  cm__png_bands_free(b);
  free(px);
}

static const unsigned char *chunk_of(const png *p, const char *type) {
  for (size_t at = 8; at + 12 <= p->n; at += 12 + get32(p->bytes + at))
    if (!memcmp(p->bytes + at + 4, type, 4))
      return p->bytes + at;
  return NULL;
}

/* ASCII text in tEXt, UTF-8 in iTXt; the dpi in pHYs (150 dpi: 5906 px/m). */
static void text_and_dpi(void **state) {
  uint32_t *px = picture();
  png a = write_read(px, NULL, "Control on 1 January 1994");
  const unsigned char *t = chunk_of(&a, "tEXt");
  assert_non_null(t);
  assert_int_equal(get32(t), strlen("Title") + 1 + strlen("Control on 1 January 1994"));
  assert_memory_equal(t + 8, "Title\0Control on 1 January 1994", 31);
  assert_null(chunk_of(&a, "iTXt"));
  const unsigned char *phys = chunk_of(&a, "pHYs");
  assert_non_null(phys);
  assert_int_equal(get32(phys + 8), 5906);
  assert_int_equal(get32(phys + 12), 5906);
  assert_int_equal(phys[16], 1);
  const char *arabic = "ناغورنو كاراباخ";
  png b = write_read(px, NULL, arabic);
  const unsigned char *i = chunk_of(&b, "iTXt");
  assert_non_null(i);
  assert_memory_equal(i + 8, "Title\0\0\0\0\0", 10);
  assert_memory_equal(i + 18, arabic, strlen(arabic));
  png_free(&a);
  png_free(&b);
  free(px);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(whole_image, setup, teardown),
      cmocka_unit_test_setup_teardown(bands_between_frames, setup, teardown),
      cmocka_unit_test_setup_teardown(alpha, setup, teardown),
      cmocka_unit_test_setup_teardown(text_and_dpi, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
