/* Animations: names and durations; GIF and WebP encoders on small drawn
 * scenes, decoded back with giflib and libwebp's own decoders (frame
 * count, durations, looping, every pixel against a direct render); the GIF
 * palette; failures that leave no file; and batches written as one
 * animation.
 *
 * Run as `test_anim --describe FILE` it prints what an animation holds,
 * for tests/cli_anim.sh: "gif WxH frames N loop L delays D,D,..." (GIF
 * delays in hundredths of a second, WebP durations in milliseconds). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "anim_internal.h"
#include "controlmap/batch.h"
#include "controlmap/render.h"
#include "support/fixtures.h"
#include "support/table.h"

#include <dirent.h>
#include <gif_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <webp/demux.h>

static char dir[4096];

static char *in_dir(char *buf, size_t size, const char *name) {
  return fixture_path(buf, size, dir, name, "");
}

/* want is "ok", "gif", "webp"... or "! part of the message". */
static void check_outcome(const char *what, int rc, const cm_error *err,
                          const char *got, const char *want) {
  if (want[0] == '!') {
    const char *part = table_trim((char *)want + 1);
    char text[2048];
    snprintf(text, sizeof text, "%s %s", err->message, err->hint);
    if (rc != CM_EUSAGE || !strstr(text, part))
      fail_msg("%s: got %s (%s), wanted an error with '%s'", what,
               rc ? "an error" : got, text, part);
  } else if (rc != CM_OK || strcmp(got, want)) {
    fail_msg("%s: got %s (%s), wanted %s", what, rc ? "an error" : got,
             err->message, want);
  }
}

static void check_path_row(char **c, int n, int line) {
  assert_int_equal(n, 3);
  if (cm_anim_is_path(c[0]) != atoi(c[1]))
    fail_msg("'%s': cm_anim_is_path gave %d", c[0], cm_anim_is_path(c[0]));
  cm_anim_format format = 0;
  cm_error err;
  cm_error_clear(&err);
  int rc = cm_anim_format_from_path(&format, c[0], &err);
  check_outcome(c[0], rc, &err, format == CM_ANIM_GIF ? "gif" : format == CM_ANIM_HTML ? "html" : "webp", c[2]);
  if (rc != CM_OK)
    assert_string_equal(err.file, c[0]);
}

static void test_paths(void **state) {
  (void)state;
  assert_true(table_each("anim_paths.txt", 0, check_path_row) >= 14);
}

static void check_options_row(char **c, int n, int line) {
  assert_int_equal(n, 3);
  cm_anim_options opt = {atoi(c[0]), atoi(c[1])};
  cm_error err;
  cm_error_clear(&err);
  int rc = cm_anim_check_options(&opt, &err);
  char what[64];
  snprintf(what, sizeof what, "delay %s hold %s", c[0], c[1]);
  check_outcome(what, rc, &err, "ok", c[2]);
}

static void test_options(void **state) {
  (void)state;
  assert_true(table_each("anim_options.txt", 0, check_options_row) >= 9);
  assert_int_equal(cm_anim_check_options(NULL, NULL), CM_OK);
}

/* --- scenes ------------------------------------------------------------------- */

static cm_color rgb(int r, int g, int b) {
  return (cm_color){r / 255.0, g / 255.0, b / 255.0, 1};
}

static void fill_polygon(cm_scene *s, const double *xy, int n, cm_color c) {
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  for (int i = 0; i < n; i++)
    assert_int_equal(cm_geom_add_point(&g, xy[2 * i], xy[2 * i + 1]), CM_OK);
  cm_paint p = {.fill = 1, .fill_color = c};
  assert_int_equal(cm_scene_path_take(s, &g, &p), CM_OK);
  cm_geom_free(&g);
}

static void fill_rect(cm_scene *s, double x, double y, double w, double h,
                      cm_color c) {
  double xy[] = {x, y, x + w, y, x + w, y + h, x, y + h};
  fill_polygon(s, xy, 4, c);
}

#define BLUE_R 40
#define BLUE_G 90
#define BLUE_B 200

/* 120 x 90 pixels: white, a blue square of 20 px that moves 30 px a
 * frame, and a red triangle whose slanted edges are antialiased. */
static cm_scene *moving_square(int frame) {
  cm_scene *s = cm_scene_new(120, 90, 72);
  assert_non_null(s);
  fill_rect(s, 0, 0, 120, 90, rgb(255, 255, 255));
  fill_rect(s, 10 + 30 * frame, 10, 20, 20, rgb(BLUE_R, BLUE_G, BLUE_B));
  double tri[] = {60.3, 40.2, 110.7, 85.1, 35.2, 84.6};
  fill_polygon(s, tri, 3, rgb(220, 60, 50));
  return s;
}

/* 300 x 200 pixels: blue above, 600 one-pixel stripes of different
 * colours below, white at the bottom; more colours than a GIF frame has. */
static cm_scene *stripes(void) {
  cm_scene *s = cm_scene_new(300, 200, 72);
  assert_non_null(s);
  fill_rect(s, 0, 0, 300, 200, rgb(255, 255, 255));
  fill_rect(s, 0, 0, 300, 100, rgb(BLUE_R, BLUE_G, BLUE_B));
  for (int i = 0; i < 600; i++)
    fill_rect(s, i % 300, 100 + 20 * (i / 300), 1, 20,
              rgb(i * 7 % 256, i * 13 % 256, (i * 29 + 11) % 256));
  return s;
}

typedef struct raster {
  uint32_t *px;
  int w, h;
} raster;

static raster draw(const cm_scene *s) {
  raster r;
  cm_error err;
  if (cm_render_pixels(s, &r.px, &r.w, &r.h, &err) != CM_OK)
    fail_msg("render: %s", err.message);
  return r;
}

/* What a GIF shows for a pixel: over white, 0xRRGGBB. */
static uint32_t on_white(uint32_t argb) {
  uint32_t lift = 255 - (argb >> 24);
  return (((argb >> 16) & 0xff) + lift) << 16 | (((argb >> 8) & 0xff) + lift) << 8 |
         ((argb & 0xff) + lift);
}

/* --- writing animations -------------------------------------------------------- */

typedef cm_scene *(*scene_fn)(int frame);

static cm_scene *same_square(int frame) { return moving_square(frame * 0); }
static cm_scene *stripes_frame(int frame) { return stripes(); }

static void write_anim(const char *name, scene_fn scene, int frames, int delay,
                       int hold) {
  char path[4200];
  cm_anim_options opt = {delay, hold};
  cm_anim *a;
  cm_error err;
  if (cm_anim_open(&a, in_dir(path, sizeof path, name), &opt, &err) != CM_OK)
    fail_msg("open %s: %s", name, err.message);
  for (int i = 0; i < frames; i++) {
    cm_scene *s = scene(i);
    if (cm_anim_add_scene(a, s, &err) != CM_OK)
      fail_msg("frame %d of %s: %s", i, name, err.message);
    cm_scene_free(s);
    assert_int_equal(cm_anim_frames(a), (size_t)i + 1);
  }
  if (cm_anim_finish(a, &err) != CM_OK)
    fail_msg("finish %s: %s", name, err.message);
}

/* --- reading a GIF back ----------------------------------------------------- */

typedef struct decoded {
  int w, h, frames, loop; /* loop -1: no NETSCAPE2.0 block */
  int delays[64];         /* hundredths (GIF) or milliseconds (WebP) */
  int part_w[64], part_h[64], transparent[64];
  uint32_t *canvas[64];   /* 0xRRGGBB (GIF) or 0xAARRGGBB (WebP) after
                             each frame */
} decoded;

static void decoded_free(decoded *d) {
  for (int i = 0; i < d->frames && i < 64; i++)
    free(d->canvas[i]);
}

static int netscape_loop(const SavedImage *img) {
  for (int i = 0; i + 1 < img->ExtensionBlockCount; i++) {
    const ExtensionBlock *e = &img->ExtensionBlocks[i], *next = e + 1;
    if (e->Function == APPLICATION_EXT_FUNC_CODE && e->ByteCount == 11 &&
        !memcmp(e->Bytes, "NETSCAPE2.0", 11) && next->ByteCount == 3 &&
        next->Bytes[0] == 1)
      return next->Bytes[1] | next->Bytes[2] << 8;
  }
  return -1;
}

/* Paint frame k of g over canvas, as a viewer does (disposal: leave). */
static void paint_gif_frame(const GifFileType *g, int k, uint32_t *canvas,
                            decoded *d) {
  const SavedImage *img = &g->SavedImages[k];
  const GifImageDesc *desc = &img->ImageDesc;
  const ColorMapObject *map = desc->ColorMap ? desc->ColorMap : g->SColorMap;
  GraphicsControlBlock gcb = {0, 0, 0, NO_TRANSPARENT_COLOR};
  DGifSavedExtensionToGCB((GifFileType *)g, k, &gcb);
  assert_non_null(map);
  assert_int_equal(gcb.DisposalMode, DISPOSE_DO_NOT);
  d->delays[k] = gcb.DelayTime;
  d->part_w[k] = desc->Width;
  d->part_h[k] = desc->Height;
  d->transparent[k] = gcb.TransparentColor;
  for (int y = 0; y < desc->Height; y++)
    for (int x = 0; x < desc->Width; x++) {
      int i = img->RasterBits[y * desc->Width + x];
      if (i == gcb.TransparentColor)
        continue;
      assert_true(i < map->ColorCount);
      GifColorType c = map->Colors[i];
      canvas[(size_t)(y + desc->Top) * d->w + x + desc->Left] =
          (uint32_t)c.Red << 16 | (uint32_t)c.Green << 8 | c.Blue;
    }
}

static int read_gif(const char *path, decoded *d) {
  memset(d, 0, sizeof *d);
  int code = 0;
  GifFileType *g = DGifOpenFileName(path, &code);
  if (!g || DGifSlurp(g) != GIF_OK) {
    if (g)
      DGifCloseFile(g, &code);
    return -1;
  }
  d->w = g->SWidth;
  d->h = g->SHeight;
  d->frames = g->ImageCount;
  d->loop = g->ImageCount ? netscape_loop(&g->SavedImages[0]) : -1;
  uint32_t *canvas = calloc((size_t)d->w * d->h, sizeof *canvas);
  assert_non_null(canvas);
  for (int k = 0; k < d->frames && k < 64; k++) {
    paint_gif_frame(g, k, canvas, d);
    d->canvas[k] = malloc((size_t)d->w * d->h * sizeof *canvas);
    assert_non_null(d->canvas[k]);
    memcpy(d->canvas[k], canvas, (size_t)d->w * d->h * sizeof *canvas);
  }
  free(canvas);
  DGifCloseFile(g, &code);
  return 0;
}

/* --- reading a WebP back ---------------------------------------------------- */

static int read_webp(const char *path, decoded *d) {
  memset(d, 0, sizeof *d);
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *bytes = malloc((size_t)n);
  assert_non_null(bytes);
  assert_int_equal(fread(bytes, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  WebPData data = {bytes, (size_t)n};
  WebPAnimDecoderOptions opt;
  WebPAnimDecoderOptionsInit(&opt);
  opt.color_mode = MODE_RGBA;
  WebPAnimDecoder *dec = WebPAnimDecoderNew(&data, &opt);
  WebPAnimInfo info;
  if (!dec || !WebPAnimDecoderGetInfo(dec, &info)) {
    WebPAnimDecoderDelete(dec);
    free(bytes);
    return -1;
  }
  d->w = (int)info.canvas_width;
  d->h = (int)info.canvas_height;
  d->loop = (int)info.loop_count;
  int before = 0;
  while (WebPAnimDecoderHasMoreFrames(dec) && d->frames < 64) {
    uint8_t *rgba;
    int end;
    assert_true(WebPAnimDecoderGetNext(dec, &rgba, &end));
    uint32_t *c = malloc((size_t)d->w * d->h * sizeof *c);
    assert_non_null(c);
    for (size_t i = 0; i < (size_t)d->w * d->h; i++)
      c[i] = (uint32_t)rgba[4 * i + 3] << 24 | (uint32_t)rgba[4 * i] << 16 |
             (uint32_t)rgba[4 * i + 1] << 8 | rgba[4 * i + 2];
    d->canvas[d->frames] = c;
    d->delays[d->frames++] = end - before;
    before = end;
  }
  WebPAnimDecoderDelete(dec);
  free(bytes);
  return 0;
}

/* --- GIF ------------------------------------------------------------------- */

static void test_gif_frames(void **state) {
  (void)state;
  char path[4200];
  write_anim("square.gif", moving_square, 4, 120, 1000);
  decoded d;
  assert_int_equal(read_gif(in_dir(path, sizeof path, "square.gif"), &d), 0);
  assert_int_equal(d.w, 120);
  assert_int_equal(d.h, 90);
  assert_int_equal(d.frames, 4);
  assert_int_equal(d.loop, 0);
  int want_delays[] = {12, 12, 12, 100};
  for (int k = 0; k < 4; k++) {
    assert_int_equal(d.delays[k], want_delays[k]);
    /* Every pixel as drawn: the scene has fewer than 256 colours. */
    cm_scene *s = moving_square(k);
    raster r = draw(s);
    for (int i = 0; i < r.w * r.h; i++)
      if (d.canvas[k][i] != on_white(r.px[i]))
        fail_msg("frame %d pixel %d,%d: %06x, drawn %06x", k, i % r.w, i / r.w,
                 d.canvas[k][i], on_white(r.px[i]));
    cm_render_pixels_free(r.px);
    cm_scene_free(s);
  }
  /* The square's colour, exactly, where it stands in the last frame. */
  assert_int_equal(d.canvas[3][20 * 120 + 105], BLUE_R << 16 | BLUE_G << 8 | BLUE_B);
  assert_int_equal(d.canvas[3][20 * 120 + 15], 0xffffff);
  /* The first frame is whole; the others only span the square's old and
   * new places (50 x 20 pixels), with the gap between them transparent. */
  assert_int_equal(d.part_w[0] * d.part_h[0], 120 * 90);
  assert_int_equal(d.transparent[0], NO_TRANSPARENT_COLOR);
  for (int k = 1; k < 4; k++) {
    assert_int_equal(d.part_w[k], 50);
    assert_int_equal(d.part_h[k], 20);
    assert_true(d.transparent[k] >= 0);
  }
  decoded_free(&d);
}

static void test_gif_many_colours(void **state) {
  (void)state;
  char path[4200];
  write_anim("stripes.gif", stripes_frame, 1, 0, 0);
  decoded d;
  assert_int_equal(read_gif(in_dir(path, sizeof path, "stripes.gif"), &d), 0);
  assert_int_equal(d.frames, 1);
  assert_int_equal(d.delays[0], CM_ANIM_HOLD_LAST_DEFAULT / 10);
  cm_scene *s = stripes();
  raster r = draw(s);
  long error = 0;
  int worst = 0, exact = 0;
  for (int i = 0; i < r.w * r.h; i++) {
    uint32_t want = on_white(r.px[i]), got = d.canvas[0][i];
    int y = i / r.w;
    if (y < 100 || y >= 140) { /* the flat blue and white: exact */
      if (got != want)
        fail_msg("flat pixel %d,%d: %06x, drawn %06x", i % r.w, y, got, want);
      continue;
    }
    exact += got == want;
    for (int c = 0; c < 3; c++) {
      int e = abs((int)((got >> (8 * c)) & 0xff) - (int)((want >> (8 * c)) & 0xff));
      error += e;
      worst = e > worst ? e : worst;
    }
  }
  /* 600 colours in 254 entries: close, never far, and not all exact. */
  double mean = (double)error / (300.0 * 40 * 3);
  if (mean > 6 || worst > 60)
    fail_msg("stripes off by %.2f on average, %d at worst", mean, worst);
  assert_true(exact < 300 * 40);
  cm_render_pixels_free(r.px);
  cm_scene_free(s);
  decoded_free(&d);
}

static void test_gif_still_frames_count(void **state) {
  (void)state;
  char path[4200];
  write_anim("still.gif", same_square, 3, 200, 300);
  decoded d;
  assert_int_equal(read_gif(in_dir(path, sizeof path, "still.gif"), &d), 0);
  assert_int_equal(d.frames, 3);
  assert_int_equal(d.delays[1], 20);
  assert_int_equal(d.delays[2], 30);
  /* Nothing changed: one transparent pixel each. */
  for (int k = 1; k < 3; k++) {
    assert_int_equal(d.part_w[k] * d.part_h[k], 1);
    assert_int_equal(memcmp(d.canvas[k], d.canvas[0], 120 * 90 * 4), 0);
  }
  decoded_free(&d);
}

/* --- the palette ------------------------------------------------------------- */

static uint32_t weighted(uint32_t a, uint32_t b) {
  int d[3];
  for (int c = 0; c < 3; c++)
    d[c] = (int)((a >> (16 - 8 * c)) & 0xff) - (int)((b >> (16 - 8 * c)) & 0xff);
  return (uint32_t)(3 * d[0] * d[0] + 4 * d[1] * d[1] + 2 * d[2] * d[2]);
}

static void check_nearest(const palette *p, const colour_tally *t, uint32_t c) {
  int i = cm__palette_index(t, c);
  assert_true(i >= 0 && i < p->count);
  for (int k = 0; k < p->count; k++)
    if (weighted(p->colours[k], c) < weighted(p->colours[i], c))
      fail_msg("%06x took %06x, but %06x is nearer", c, p->colours[i], p->colours[k]);
}

static void test_palette(void **state) {
  (void)state;
  colour_tally *t = cm__tally_new();
  assert_non_null(t);
  /* Three flat colours over many pixels, and 3000 rare blends. */
  const uint32_t flats[] = {0xffffff, 0x285ac8, 0xdc3c32};
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 5000; k++)
      assert_int_equal(cm__tally_add(t, flats[i]), CM_OK);
  for (uint32_t i = 0; i < 3000; i++)
    assert_int_equal(cm__tally_add(t, (i * 2654435761u) & 0xffffff), CM_OK);
  palette p;
  assert_int_equal(cm__palette_build(&p, t, 255, NULL), CM_OK);
  assert_int_equal(p.count, 255);
  for (int i = 0; i < 3; i++)
    assert_int_equal(p.colours[cm__palette_index(t, flats[i])], flats[i]);
  for (uint32_t i = 0; i < 3000; i += 7)
    check_nearest(&p, t, (i * 2654435761u) & 0xffffff);
  assert_int_equal(cm__palette_index(t, 0x123456 + 1), -1);
  cm__tally_free(t);

  /* A small palette: the flat colours amid the blends still exact, where
   * median cut alone would average them with their neighbours. */
  t = cm__tally_new();
  const uint32_t grey = 0x808080, green = 0x408040;
  for (int k = 0; k < 4000; k++) {
    assert_int_equal(cm__tally_add(t, grey), CM_OK);
    assert_int_equal(cm__tally_add(t, green), CM_OK);
  }
  for (uint32_t i = 0; i < 3000; i++)
    assert_int_equal(cm__tally_add(t, (i * 2654435761u) & 0xffffff), CM_OK);
  assert_int_equal(cm__palette_build(&p, t, 6, NULL), CM_OK);
  assert_int_equal(p.count, 6);
  assert_int_equal(p.colours[cm__palette_index(t, grey)], grey);
  assert_int_equal(p.colours[cm__palette_index(t, green)], green);
  cm__tally_free(t);

  /* Few colours: every one exact, most common first. */
  t = cm__tally_new();
  for (int k = 0; k < 3; k++)
    assert_int_equal(cm__tally_add(t, 0x000010), CM_OK);
  assert_int_equal(cm__tally_add(t, 0x000020), CM_OK);
  assert_int_equal(cm__palette_build(&p, t, 256, NULL), CM_OK);
  assert_int_equal(p.count, 2);
  assert_int_equal(p.colours[0], 0x000010);
  assert_int_equal(cm__palette_index(t, 0x000020), 1);
  cm__tally_free(t);
}

/* --- WebP ---------------------------------------------------------------- */

static uint32_t straight(uint32_t p) {
  uint32_t a = p >> 24;
  if (a == 0 || a == 255)
    return p;
  uint32_t c[3];
  for (int i = 0; i < 3; i++)
    c[i] = (((p >> (16 - 8 * i)) & 0xff) * 255 + a / 2) / a;
  return a << 24 | c[0] << 16 | c[1] << 8 | c[2];
}

static void test_webp_frames(void **state) {
  (void)state;
  char path[4200];
  write_anim("square.webp", moving_square, 4, 120, 1000);
  decoded d;
  assert_int_equal(read_webp(in_dir(path, sizeof path, "square.webp"), &d), 0);
  assert_int_equal(d.w, 120);
  assert_int_equal(d.h, 90);
  assert_int_equal(d.frames, 4);
  assert_int_equal(d.loop, 0);
  int want[] = {120, 120, 120, 1000};
  for (int k = 0; k < 4; k++) {
    assert_int_equal(d.delays[k], want[k]);
    cm_scene *s = moving_square(k);
    raster r = draw(s);
    for (int i = 0; i < r.w * r.h; i++) /* lossless */
      if (d.canvas[k][i] != straight(r.px[i]))
        fail_msg("frame %d pixel %d,%d: %08x, drawn %08x", k, i % r.w, i / r.w,
                 d.canvas[k][i], straight(r.px[i]));
    cm_render_pixels_free(r.px);
    cm_scene_free(s);
  }
  assert_int_equal(d.canvas[2][20 * 120 + 75], 0xff000000u | BLUE_R << 16 | BLUE_G << 8 | BLUE_B);
  decoded_free(&d);
}

static void test_default_durations(void **state) {
  (void)state;
  char path[4200];
  write_anim("default.webp", moving_square, 2, 0, 0);
  decoded d;
  assert_int_equal(read_webp(in_dir(path, sizeof path, "default.webp"), &d), 0);
  assert_int_equal(d.frames, 2);
  assert_int_equal(d.delays[0], CM_ANIM_DELAY_DEFAULT);
  assert_int_equal(d.delays[1], CM_ANIM_HOLD_LAST_DEFAULT);
  decoded_free(&d);
  write_anim("default.gif", moving_square, 2, 0, 0);
  assert_int_equal(read_gif(in_dir(path, sizeof path, "default.gif"), &d), 0);
  assert_int_equal(d.delays[0], CM_ANIM_DELAY_DEFAULT / 10);
  assert_int_equal(d.delays[1], CM_ANIM_HOLD_LAST_DEFAULT / 10);
  decoded_free(&d);
}

/* --- files -------------------------------------------------------------------- */

static int same_file(const char *a, const char *b) {
  char pa[4200], pb[4200];
  FILE *fa = fopen(in_dir(pa, sizeof pa, a), "rb");
  FILE *fb = fopen(in_dir(pb, sizeof pb, b), "rb");
  int same = fa && fb;
  while (same) {
    int ca = fgetc(fa), cb = fgetc(fb);
    same = ca == cb;
    if (ca == EOF)
      break;
  }
  if (fa)
    fclose(fa);
  if (fb)
    fclose(fb);
  return same;
}

static void test_same_bytes(void **state) {
  (void)state;
  write_anim("again1.gif", moving_square, 3, 100, 200);
  write_anim("again2.gif", moving_square, 3, 100, 200);
  assert_true(same_file("again1.gif", "again2.gif"));
  write_anim("again1.webp", moving_square, 3, 100, 200);
  write_anim("again2.webp", moving_square, 3, 100, 200);
  assert_true(same_file("again1.webp", "again2.webp"));
  write_anim("other.gif", moving_square, 3, 100, 300);
  assert_false(same_file("again1.gif", "other.gif"));
}

/* No file of dir's but those named holds ".tmp": failures clean up. */
static void assert_no_temp(void) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)))
    if (strstr(e->d_name, ".tmp"))
      fail_msg("temporary file left: %s", e->d_name);
  closedir(d);
}

static int exists(const char *name) {
  char path[4200];
  struct stat st;
  return stat(in_dir(path, sizeof path, name), &st) == 0;
}

static void test_failures_leave_nothing(void **state) {
  (void)state;
  char path[4200];
  cm_anim *a;
  cm_error err;
  uint32_t px[6] = {0xff000000u, 0xffffffffu, 0xff000000u,
                    0xffffffffu, 0xff000000u, 0xffffffffu};
  /* A frame of another size is refused, and the animation goes on. */
  assert_int_equal(cm_anim_open(&a, in_dir(path, sizeof path, "sizes.gif"), NULL, &err), CM_OK);
  assert_int_equal(cm_anim_add(a, px, 3, 2, &err), CM_OK);
  assert_int_equal(cm_anim_add(a, px, 2, 3, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "frame 2 is 2 x 3 pixels, the first 3 x 2"));
  assert_int_equal(cm_anim_add(a, px, 0, 0, &err), CM_EUSAGE);
  assert_false(exists("sizes.gif"));
  assert_int_equal(cm_anim_add(a, px, 3, 2, &err), CM_OK);
  assert_int_equal(cm_anim_frames(a), 2);
  assert_int_equal(cm_anim_finish(a, &err), CM_OK);
  decoded d;
  assert_int_equal(read_gif(path, &d), 0);
  assert_int_equal(d.frames, 2);
  assert_int_equal(d.canvas[1][1], 0xffffff);
  decoded_free(&d);
  /* No frame at all. */
  assert_int_equal(cm_anim_open(&a, in_dir(path, sizeof path, "empty.webp"), NULL, &err), CM_OK);
  assert_int_equal(cm_anim_finish(a, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "needs a frame"));
  assert_false(exists("empty.webp"));
  /* Given up half way. */
  assert_int_equal(cm_anim_open(&a, in_dir(path, sizeof path, "dropped.webp"), NULL, &err), CM_OK);
  assert_int_equal(cm_anim_add(a, px, 3, 2, &err), CM_OK);
  cm_anim_free(a);
  assert_false(exists("dropped.webp"));
  cm_anim_free(NULL);
  assert_no_temp();
}

static void test_bad_targets(void **state) {
  (void)state;
  char path[4200];
  cm_anim *a = (cm_anim *)&a;
  cm_error err;
  assert_int_equal(cm_anim_open(&a, in_dir(path, sizeof path, "nowhere/t.gif"), NULL, &err), CM_EIO);
  assert_null(a);
  assert_non_null(strstr(err.message, "does not exist"));
  assert_non_null(strstr(err.hint, "mkdir -p"));
  assert_string_equal(err.file, path);
  assert_int_equal(cm_anim_open(&a, in_dir(path, sizeof path, "t.apng"), NULL, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "APNG"));
  cm_anim_options slow = {700000, 0};
  assert_int_equal(cm_anim_open(&a, in_dir(path, sizeof path, "t.gif"), &slow, &err), CM_EUSAGE);
  mkdir(in_dir(path, sizeof path, "folder.gif"), 0777);
  assert_int_equal(cm_anim_open(&a, path, NULL, &err), CM_EIO);
  assert_non_null(strstr(err.message, "it is a folder"));
  rmdir(path);
  assert_no_temp();
}

/* --- batches -------------------------------------------------------------- */

static const char style[] =
    "Map {\n"
    "  srs: \"+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84\";\n"
    "  extent: 44.8 38.4 48.2 41.2;\n"
    "  page: 60mm 45mm;\n"
    "  dpi: 72;\n"
    "  title: \"Fixture on {date}\";\n"
    "}\n"
    "Layer#poly { file: \"poly.shp\"; time: start end; }\n"
    "#poly { line-color: #444; line-width: 0.5pt; }\n"
    "#poly[holder = \"ARM\"] { polygon-fill: #e6a49c; legend: \"Armenian forces\"; }\n"
    "#poly[holder = \"AZE\"] { polygon-fill: #9fc4e4; legend: \"Azerbaijani forces\"; }\n";

static cm_map *open_map(const char *name, const char *text) {
  char path[4200];
  FILE *f = fopen(in_dir(path, sizeof path, name), "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
  cm_map *m = NULL;
  cm_error err;
  if (cm_map_open(&m, path, &err) != CM_OK)
    fail_msg("%s: %s", name, err.message);
  return m;
}

static cm_batch_spec yearly(const char *output, char *buf) {
  cm_batch_spec s = {.mode = CM_BATCH_EVERY, .every = {CM_STEP_YEAR, 0}};
  s.has_from = s.has_to = 1;
  cm_date_parse("1993-01-01", &s.from, NULL, NULL);
  cm_date_parse("2021-01-01", &s.to, NULL, NULL);
  s.output = in_dir(buf, 4200, output);
  s.anim.delay_ms = 300;
  return s;
}

static int plan_error(const cm_batch_spec *s, cm_error *err) {
  cm_batch *b = NULL;
  cm_map *m = open_map("fix.mss", style);
  int rc = cm_batch_plan(&b, m, s, err);
  cm_batch_free(b);
  cm_map_free(m);
  return rc;
}

static void test_batch_animation(void **state) {
  (void)state;
  char buf[4200], path[4200];
  cm_map *m = open_map("fix.mss", style);
  cm_error err;
  int jobs[] = {1, 3};
  const char *names[] = {"batch1.gif", "batch3.gif"};
  for (int i = 0; i < 2; i++) {
    cm_batch_spec s = yearly(names[i], buf);
    cm_batch *b;
    if (cm_batch_plan(&b, m, &s, &err) != CM_OK)
      fail_msg("plan: %s", err.message);
    assert_true(cm_batch_is_animation(b));
    assert_int_equal(cm_batch_count(b), 29);
    assert_int_equal(cm_batch_run(b, m, jobs[i], NULL, NULL), 0);
    assert_null(cm_batch_error(b));
    for (size_t k = 0; k < cm_batch_count(b); k++)
      assert_int_equal(cm_batch_frame(b, k)->status, CM_FRAME_WRITTEN);
    cm_batch_free(b);
  }
  assert_true(same_file("batch1.gif", "batch3.gif"));
  decoded d;
  assert_int_equal(read_gif(in_dir(path, sizeof path, "batch1.gif"), &d), 0);
  assert_int_equal(d.frames, 29);
  assert_int_equal(d.delays[0], 30);
  assert_int_equal(d.delays[28], CM_ANIM_HOLD_LAST_DEFAULT / 10);
  /* The first frame and the last differ: the ground changed hands. */
  assert_true(memcmp(d.canvas[0], d.canvas[28], (size_t)d.w * d.h * 4) != 0);
  decoded_free(&d);
  cm_map_free(m);
}

static void test_batch_refusals(void **state) {
  (void)state;
  char buf[4200], dates[4200];
  cm_error err;
  cm_batch_spec s = yearly("t.gif", buf);
  s.shard = 1, s.shards = 2;
  assert_int_equal(plan_error(&s, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "makes no sense for an animation"));
  s = yearly("t.webp", buf);
  s.skip_existing = 1;
  assert_int_equal(plan_error(&s, &err), CM_EUSAGE);
  s = yearly("{date}.gif", buf);
  assert_int_equal(plan_error(&s, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "takes no {date}"));
  s = yearly("t.apng", buf);
  assert_int_equal(plan_error(&s, &err), CM_EUSAGE);
  assert_non_null(strstr(err.message, "APNG"));
  s = yearly("t.gif", buf);
  s.anim.hold_last_ms = 1;
  assert_int_equal(plan_error(&s, &err), CM_EUSAGE);
  s = yearly("missing/t.gif", buf);
  assert_int_equal(plan_error(&s, &err), CM_EIO);
  assert_non_null(strstr(err.message, "does not exist"));
  /* A dates file naming its frames. */
  FILE *f = fopen(in_dir(dates, sizeof dates, "named.txt"), "w");
  fputs("2000-01-01\n2001-01-01 first.png\n", f);
  fclose(f);
  s = yearly("t.gif", buf);
  s.mode = CM_BATCH_DATES;
  s.dates_file = dates;
  assert_int_equal(plan_error(&s, &err), CM_EUSAGE);
  assert_string_equal(err.file, dates);
  assert_int_equal(err.line, 2);
  assert_false(exists("t.gif"));
}

static void test_batch_failures(void **state) {
  (void)state;
  char buf[4200], sub[4200];
  cm_error err;
  /* The folder goes between plan and run: nothing written, the reason
   * kept. */
  mkdir(in_dir(sub, sizeof sub, "gone"), 0777);
  cm_map *m = open_map("fix.mss", style);
  cm_batch_spec s = yearly("gone/t.gif", buf);
  cm_batch *b;
  assert_int_equal(cm_batch_plan(&b, m, &s, &err), CM_OK);
  rmdir(sub);
  assert_int_equal(cm_batch_run(b, m, 2, NULL, NULL), 1);
  assert_non_null(cm_batch_error(b));
  assert_non_null(strstr(cm_batch_error(b)->message, "does not exist"));
  cm_batch_free(b);
  cm_map_free(m);
  /* Frames too large to draw: the first failure stops the run. */
  char huge[2048];
  const char *page = strstr(style, "page:");
  snprintf(huge, sizeof huge, "%.*spage: 300mm 300mm; dpi: 4800;%s",
           (int)(page - style), style, strstr(page, "title:") - 2);
  m = open_map("huge.mss", huge);
  s = yearly("huge.gif", buf);
  assert_int_equal(cm_batch_plan(&b, m, &s, &err), CM_OK);
  assert_int_equal(cm_batch_run(b, m, 1, NULL, NULL), 1);
  assert_null(cm_batch_error(b));
  assert_int_equal(cm_batch_frame(b, 0)->status, CM_FRAME_FAILED);
  assert_non_null(strstr(cm_batch_frame(b, 0)->error->message, "outside the limits"));
  assert_int_equal(cm_batch_frame(b, 1)->status, CM_FRAME_PENDING);
  cm_batch_free(b);
  cm_map_free(m);
  assert_false(exists("huge.gif"));
  assert_no_temp();
}

/* --- setup, and --describe for the command-line tests ---------------------- */

static int setup(void **state) { return fixture_dir_poly(dir, sizeof dir); }

static int teardown(void **state) {
  (void)state;
  fixture_remove_dir(dir);
  return 0;
}

static int describe(const char *path) {
  decoded d;
  const char *dot = strrchr(path, '.');
  int gif = dot && !strcasecmp(dot, ".gif");
  if ((gif ? read_gif(path, &d) : read_webp(path, &d)) != 0) {
    printf("unreadable\n");
    return 1;
  }
  printf("%s %dx%d frames %d loop %d delays ", gif ? "gif" : "webp", d.w, d.h,
         d.frames, d.loop);
  for (int i = 0; i < d.frames && i < 64; i++)
    printf("%s%d", i ? "," : "", d.delays[i]);
  printf("\n");
  decoded_free(&d);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "--describe"))
    return describe(argv[2]);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_paths),
      cmocka_unit_test(test_options),
      cmocka_unit_test(test_gif_frames),
      cmocka_unit_test(test_gif_many_colours),
      cmocka_unit_test(test_gif_still_frames_count),
      cmocka_unit_test(test_palette),
      cmocka_unit_test(test_webp_frames),
      cmocka_unit_test(test_default_durations),
      cmocka_unit_test(test_same_bytes),
      cmocka_unit_test(test_failures_leave_nothing),
      cmocka_unit_test(test_bad_targets),
      cmocka_unit_test(test_batch_animation),
      cmocka_unit_test(test_batch_refusals),
      cmocka_unit_test(test_batch_failures),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
