/* Animated WebP through libwebp's animation encoder, which itself keeps
 * only the changed rectangle of each frame. Frames are lossless: flat
 * fills and thin lines are what lossy WebP blurs most, and lossless is
 * small on them. The encoder holds the compressed frames, not the pixels,
 * until the file is assembled at the end. */

#include "anim_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <webp/encode.h>
#include <webp/mux.h>

/* Lossless effort 0 (fast) to 9 (small): 5 is within a few percent of 9
 * on maps in a fraction of the time. */
#define WEBP_EFFORT 5

struct webp_writer {
  WebPAnimEncoder *enc;
  WebPConfig config;
  WebPPicture picture;
  FILE *f;
  const char *path;
  int delay_ms, hold_ms;
  int timestamp; /* when the next frame starts, ms */
};

static int webp_failed(webp_writer *w, const char *what, cm_error *err) {
  const char *why = w->enc ? WebPAnimEncoderGetError(w->enc) : NULL;
  cm_error_set(err, CM_ERENDER, w->path, 0, 0, "cannot encode the WebP (%s)%s%s",
               what, why && *why ? ": " : "", why ? why : "");
  return CM_ERENDER;
}

static int setup(webp_writer *w, int width, int height) {
  WebPAnimEncoderOptions opt;
  if (!WebPAnimEncoderOptionsInit(&opt) || !WebPConfigInit(&w->config) ||
      !WebPConfigLosslessPreset(&w->config, WEBP_EFFORT) ||
      !WebPPictureInit(&w->picture))
    return 0;
  opt.anim_params.loop_count = 0; /* forever */
  opt.anim_params.bgcolor = 0xffffffff;
  w->picture.use_argb = 1;
  w->picture.width = width;
  w->picture.height = height;
  return WebPPictureAlloc(&w->picture) &&
         (w->enc = WebPAnimEncoderNew(width, height, &opt)) != NULL;
}

int cm__webp_start(webp_writer **out, FILE *f, int width, int height,
                   int delay_ms, int hold_ms, const char *path, cm_error *err) {
  *out = NULL;
  if (width > WEBP_MAX_DIMENSION || height > WEBP_MAX_DIMENSION)
    return cm_error_set(err, CM_EUSAGE, path, 0, 0,
                        "a WebP is at most %d pixels a side, not %d x %d",
                        WEBP_MAX_DIMENSION, width, height);
  webp_writer *w = calloc(1, sizeof *w);
  if (!w || !setup(w, width, height)) {
    cm__webp_free(w);
    return cm_error_set(err, CM_ENOMEM, path, 0, 0, "cannot start libwebp");
  }
  w->f = f;
  w->path = path;
  w->delay_ms = delay_ms;
  w->hold_ms = hold_ms;
  *out = w;
  return CM_OK;
}

/* WebP wants straight (not premultiplied) ARGB. */
static uint32_t unpremultiply(uint32_t p) {
  uint32_t a = p >> 24;
  if (a == 0 || a == 255)
    return p;
  uint32_t r = (((p >> 16) & 0xff) * 255 + a / 2) / a;
  uint32_t g = (((p >> 8) & 0xff) * 255 + a / 2) / a;
  uint32_t b = ((p & 0xff) * 255 + a / 2) / a;
  return a << 24 | r << 16 | g << 8 | b;
}

int cm__webp_add(webp_writer *w, const uint32_t *px, cm_error *err) {
  WebPPicture *pic = &w->picture;
  for (int y = 0; y < pic->height; y++) {
    uint32_t *row = pic->argb + (size_t)y * pic->argb_stride;
    const uint32_t *src = px + (size_t)y * pic->width;
    for (int x = 0; x < pic->width; x++)
      row[x] = unpremultiply(src[x]);
  }
  if (!WebPAnimEncoderAdd(w->enc, pic, w->timestamp, &w->config))
    return webp_failed(w, "frame", err);
  w->timestamp += w->delay_ms;
  return CM_OK;
}

int cm__webp_finish(webp_writer *w, cm_error *err) {
  WebPData data;
  WebPDataInit(&data);
  /* The end of the last frame sets its duration. */
  int end = w->timestamp - w->delay_ms + w->hold_ms;
  int rc = CM_OK;
  if (!WebPAnimEncoderAdd(w->enc, NULL, end, NULL))
    rc = webp_failed(w, "last frame", err);
  else if (!WebPAnimEncoderAssemble(w->enc, &data))
    rc = webp_failed(w, "assembling", err);
  else if (fwrite(data.bytes, 1, data.size, w->f) != data.size)
    rc = cm_error_set(err, CM_EIO, w->path, 0, 0, "cannot write: %s",
                      strerror(errno ? errno : EIO));
  WebPDataClear(&data);
  cm__webp_free(w);
  return rc;
}

void cm__webp_free(webp_writer *w) {
  if (!w)
    return;
  if (w->enc)
    WebPAnimEncoderDelete(w->enc);
  WebPPictureFree(&w->picture);
  free(w);
}
