/* Animated GIF through giflib. Each frame after the first holds only the
 * rectangle that changed since the one before, with the pixels that did
 * not change transparent: consecutive maps of a series differ in a front
 * line, a few areas and the date, so most of a frame is one long run of
 * the transparent index, which LZW shrinks to almost nothing. A frame is
 * written when the next one arrives (or at the end), because only then is
 * it known whether it is the last, which is held longer. */

#include "anim_internal.h"

#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>

/* GIF image sizes are 16-bit. */
#define GIF_MAX_SIDE 65535

/* No flattened colour has these bits, so a fresh canvas differs from any
 * first frame everywhere. */
#define NOTHING_SHOWN 0xff000000u

typedef struct gif_frame {
  int left, top, width, height;
  int transparent; /* the palette entry of unchanged pixels; -1: none */
  palette pal;
  unsigned char *indices; /* width x height, rows width apart */
} gif_frame;

struct gif_writer {
  GifFileType *gif;
  int width, height, delay_cs, hold_cs;
  const char *path;
  uint32_t *previous; /* the last frame added, flattened: 0xRRGGBB */
  gif_frame frame;    /* the frame waiting to be written */
  int waiting;
};

static int write_bytes(GifFileType *gif, const GifByteType *data, int n) {
  return (int)fwrite(data, 1, (size_t)n, gif->UserData);
}

static int gif_failed(gif_writer *g, const char *what, cm_error *err) {
  cm_error_set(err, CM_EIO, g->path, 0, 0, "cannot write the GIF (%s): %s",
               what, GifErrorString(g->gif->Error));
  return CM_EIO;
}

/* GIF has one transparent colour and no partial transparency, so frames
 * are shown over white, like the page they stand for. */
static uint32_t flatten(uint32_t argb) {
  uint32_t lift = 255 - (argb >> 24);
  uint32_t r = ((argb >> 16) & 0xff) + lift, g = ((argb >> 8) & 0xff) + lift,
           b = (argb & 0xff) + lift;
  return r << 16 | g << 8 | b;
}

/* The NETSCAPE2.0 block every browser reads as "loop": 0 times = forever. */
static int put_loop(gif_writer *g) {
  static const GifByteType forever[3] = {1, 0, 0};
  return EGifPutExtensionLeader(g->gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
         EGifPutExtensionBlock(g->gif, 11, "NETSCAPE2.0") == GIF_OK &&
         EGifPutExtensionBlock(g->gif, 3, forever) == GIF_OK &&
         EGifPutExtensionTrailer(g->gif) == GIF_OK;
}

int cm__gif_start(gif_writer **out, FILE *f, int width, int height, int delay_cs,
                  int hold_cs, const char *path, cm_error *err) {
  *out = NULL;
  if (width > GIF_MAX_SIDE || height > GIF_MAX_SIDE)
    return cm_error_set(err, CM_EUSAGE, path, 0, 0,
                        "a GIF is at most %d pixels a side, not %d x %d",
                        GIF_MAX_SIDE, width, height);
  gif_writer *g = calloc(1, sizeof *g);
  size_t n = (size_t)width * (size_t)height;
  if (!g || !(g->previous = malloc(n * sizeof *g->previous)) ||
      !(g->frame.indices = malloc(n))) {
    cm__gif_free(g);
    return cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory for a GIF");
  }
  g->width = width;
  g->height = height;
  g->delay_cs = delay_cs;
  g->hold_cs = hold_cs;
  g->path = path;
  for (size_t i = 0; i < n; i++)
    g->previous[i] = NOTHING_SHOWN;
  int code = 0;
  if (!(g->gif = EGifOpen(f, write_bytes, &code))) {
    cm__gif_free(g);
    return cm_error_set(err, CM_ENOMEM, path, 0, 0, "cannot start giflib: %s",
                        GifErrorString(code));
  }
  EGifSetGifVersion(g->gif, true);
  if (EGifPutScreenDesc(g->gif, width, height, 8, 0, NULL) != GIF_OK ||
      !put_loop(g)) {
    int rc = gif_failed(g, "header", err);
    cm__gif_free(g);
    return rc;
  }
  *out = g;
  return CM_OK;
}

/* --- which pixels changed ------------------------------------------------ */

typedef struct rect {
  int left, top, right, bottom; /* right and bottom exclusive; empty when
                                   right <= left */
} rect;

static rect changed_rect(const gif_writer *g, const uint32_t *px) {
  rect r = {g->width, g->height, 0, 0};
  for (int y = 0; y < g->height; y++) {
    const uint32_t *row = px + (size_t)y * g->width;
    const uint32_t *was = g->previous + (size_t)y * g->width;
    for (int x = 0; x < g->width; x++) {
      if (flatten(row[x]) == was[x])
        continue;
      r.left = x < r.left ? x : r.left;
      r.right = x + 1 > r.right ? x + 1 : r.right;
      r.top = y < r.top ? y : r.top;
      r.bottom = y + 1;
    }
  }
  return r;
}

/* Count the changed pixels' colours; *kept counts the unchanged ones. */
static int tally_rect(colour_tally *t, const gif_writer *g, const uint32_t *px,
                      rect r, size_t *kept) {
  *kept = 0;
  for (int y = r.top; y < r.bottom; y++)
    for (int x = r.left; x < r.right; x++) {
      size_t i = (size_t)y * g->width + x;
      uint32_t rgb = flatten(px[i]);
      if (rgb == g->previous[i])
        ++*kept;
      else if (cm__tally_add(t, rgb) != CM_OK)
        return CM_ENOMEM;
    }
  return CM_OK;
}

/* Index the rectangle and remember what is now shown. */
static void index_rect(gif_writer *g, const colour_tally *t, const uint32_t *px,
                       rect r) {
  gif_frame *f = &g->frame;
  unsigned char *out = f->indices;
  for (int y = r.top; y < r.bottom; y++)
    for (int x = r.left; x < r.right; x++) {
      size_t i = (size_t)y * g->width + x;
      uint32_t rgb = flatten(px[i]);
      if (rgb == g->previous[i]) {
        *out++ = (unsigned char)f->transparent;
      } else {
        *out++ = (unsigned char)cm__palette_index(t, rgb);
        g->previous[i] = rgb;
      }
    }
}

/* A frame identical to the one before: one transparent pixel, so the
 * frame still counts and keeps its time. */
static void empty_frame(gif_frame *f) {
  f->left = f->top = 0;
  f->width = f->height = 1;
  f->pal.count = 1;
  f->pal.colours[0] = 0;
  f->transparent = 0;
  f->indices[0] = 0;
}

static int make_frame(gif_writer *g, const uint32_t *px, rect r, cm_error *err) {
  gif_frame *f = &g->frame;
  colour_tally *t = cm__tally_new();
  size_t kept = 0;
  int rc = t ? tally_rect(t, g, px, r, &kept) : CM_ENOMEM;
  /* Unchanged pixels take one entry: the transparent one after the
   * colours. */
  if (rc == CM_OK)
    rc = cm__palette_build(&f->pal, t, kept ? 255 : 256, err);
  if (rc == CM_OK) {
    f->left = r.left;
    f->top = r.top;
    f->width = r.right - r.left;
    f->height = r.bottom - r.top;
    f->transparent = kept ? f->pal.count : -1;
    index_rect(g, t, px, r);
  } else if (rc == CM_ENOMEM) {
    cm_error_set(err, CM_ENOMEM, g->path, 0, 0, "out of memory for a GIF frame");
  }
  cm__tally_free(t);
  return rc;
}

/* --- writing ------------------------------------------------------------- */

static ColorMapObject *colour_map(const gif_frame *f) {
  int entries = f->pal.count + (f->transparent >= 0);
  ColorMapObject *map = GifMakeMapObject(1 << GifBitSize(entries < 2 ? 2 : entries), NULL);
  if (!map)
    return NULL;
  memset(map->Colors, 0, (size_t)map->ColorCount * sizeof *map->Colors);
  for (int i = 0; i < f->pal.count; i++) {
    uint32_t c = f->pal.colours[i];
    map->Colors[i] = (GifColorType){(GifByteType)(c >> 16),
                                    (GifByteType)(c >> 8), (GifByteType)c};
  }
  return map;
}

static int put_frame(gif_writer *g, int delay_cs, cm_error *err) {
  const gif_frame *f = &g->frame;
  GraphicsControlBlock gcb = {.DisposalMode = DISPOSE_DO_NOT,
                              .UserInputFlag = false,
                              .DelayTime = delay_cs,
                              .TransparentColor = f->transparent};
  GifByteType ext[4];
  size_t n = EGifGCBToExtension(&gcb, ext);
  ColorMapObject *map = colour_map(f);
  if (!map)
    return cm_error_set(err, CM_ENOMEM, g->path, 0, 0, "out of memory for a GIF palette");
  int ok = EGifPutExtension(g->gif, GRAPHICS_EXT_FUNC_CODE, (int)n, ext) == GIF_OK &&
           EGifPutImageDesc(g->gif, f->left, f->top, f->width, f->height,
                            false, map) == GIF_OK;
  for (int y = 0; ok && y < f->height; y++)
    ok = EGifPutLine(g->gif, f->indices + (size_t)y * f->width, f->width) == GIF_OK;
  GifFreeMapObject(map);
  g->waiting = 0;
  return ok ? CM_OK : gif_failed(g, "frame", err);
}

int cm__gif_add(gif_writer *g, const uint32_t *px, cm_error *err) {
  rect r = changed_rect(g, px);
  int rc = g->waiting ? put_frame(g, g->delay_cs, err) : CM_OK;
  if (rc != CM_OK)
    return rc;
  if (r.right <= r.left)
    empty_frame(&g->frame);
  else if ((rc = make_frame(g, px, r, err)) != CM_OK)
    return rc;
  g->waiting = 1;
  return CM_OK;
}

int cm__gif_finish(gif_writer *g, cm_error *err) {
  int rc = g->waiting ? put_frame(g, g->hold_cs, err) : CM_OK;
  int code = 0;
  if (EGifCloseFile(g->gif, &code) != GIF_OK && rc == CM_OK)
    rc = cm_error_set(err, CM_EIO, g->path, 0, 0, "cannot write the GIF: %s",
                      GifErrorString(code));
  g->gif = NULL;
  cm__gif_free(g);
  return rc;
}

void cm__gif_free(gif_writer *g) {
  if (!g)
    return;
  if (g->gif)
    EGifCloseFile(g->gif, NULL);
  free(g->previous);
  free(g->frame.indices);
  free(g);
}
