/* Animations: the format from the file name, the durations, and the
 * temporary file beside the target that becomes it only when the last
 * frame is in (as for single maps, see render.c), so a failed series never
 * leaves half an animation behind. */

#include "anim_internal.h"
#include "util_internal.h"
#include "controlmap/render.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cm_anim {
  cm_anim_format format;
  char *path;
  cm_atomic_file out;
  int delay_ms, hold_ms;
  int width, height; /* of the first frame; 0 before it */
  size_t frames;
  int broken; /* an encoder failed: the file cannot be finished */
  gif_writer *gif;
  webp_writer *webp;
  html_writer *html;
};

static const char *extension(const char *path) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  return dot && (!slash || dot > slash) ? dot : "";
}

int cm_anim_is_path(const char *path) {
  const char *ext = extension(path);
  return !strcasecmp(ext, ".gif") || !strcasecmp(ext, ".webp") ||
         !strcasecmp(ext, ".html") || !strcasecmp(ext, ".htm") ||
         !strcasecmp(ext, ".apng");
}

int cm_anim_format_from_path(cm_anim_format *out, const char *path,
                             cm_error *err) {
  const char *ext = extension(path);
  if (!strcasecmp(ext, ".gif"))
    return *out = CM_ANIM_GIF, CM_OK;
  if (!strcasecmp(ext, ".webp"))
    return *out = CM_ANIM_WEBP, CM_OK;
  if (!strcasecmp(ext, ".html") || !strcasecmp(ext, ".htm"))
    return *out = CM_ANIM_HTML, CM_OK;
  if (!strcasecmp(ext, ".apng")) {
    cm_error_set(err, CM_EUSAGE, path, 0, 0,
                 "APNG cannot be written: Debian's libpng is built without "
                 "animated PNG support");
    cm_error_hint(err, "write a .gif or a .webp animation instead");
    return CM_EUSAGE;
  }
  cm_error_set(err, CM_EUSAGE, path, 0, 0,
               "cannot tell the animation format from the file name");
  cm_error_hint(err, "end the name in .gif, .webp or .html");
  return CM_EUSAGE;
}

static int check_duration(const char *what, int ms, cm_error *err) {
  if (ms == 0 || (ms >= CM_ANIM_DELAY_MIN && ms <= CM_ANIM_DELAY_MAX))
    return CM_OK;
  return cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                      "%s of %d ms is outside %d to %d ms", what, ms,
                      CM_ANIM_DELAY_MIN, CM_ANIM_DELAY_MAX);
}

int cm_anim_check_options(const cm_anim_options *opt, cm_error *err) {
  if (!opt)
    return CM_OK;
  int rc = check_duration("a frame delay", opt->delay_ms, err);
  if (rc == CM_OK)
    rc = check_duration("the last frame's hold", opt->hold_last_ms, err);
  return rc;
}

/* --- frames -------------------------------------------------------------- */

int cm_anim_open(cm_anim **out, const char *path, const cm_anim_options *opt,
                 cm_error *err) {
  *out = NULL;
  cm_anim_format format;
  int rc = cm_anim_format_from_path(&format, path, err);
  if (rc == CM_OK)
    rc = cm_anim_check_options(opt, err);
  if (rc != CM_OK)
    return rc;
  cm_anim *a = calloc(1, sizeof *a);
  if (!a || !(a->path = strdup(path))) {
    free(a);
    return cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory");
  }
  a->format = format;
  a->delay_ms = opt && opt->delay_ms ? opt->delay_ms : CM_ANIM_DELAY_DEFAULT;
  a->hold_ms = opt && opt->hold_last_ms ? opt->hold_last_ms : CM_ANIM_HOLD_LAST_DEFAULT;
  if ((rc = cm__atomic_open(&a->out, a->path, err)) == CM_OK && format == CM_ANIM_HTML)
    rc = cm__html_start(&a->html, a->out.f, a->delay_ms, a->path, err);
  if (rc != CM_OK) {
    cm_anim_free(a);
    return rc;
  }
  *out = a;
  return CM_OK;
}

/* GIF counts time in hundredths of a second. */
static int centiseconds(int ms) { return (ms + 5) / 10; }

static int start_encoder(cm_anim *a, int width, int height, cm_error *err) {
  a->width = width;
  a->height = height;
  if (a->format == CM_ANIM_GIF)
    return cm__gif_start(&a->gif, a->out.f, width, height, centiseconds(a->delay_ms),
                         centiseconds(a->hold_ms), a->path, err);
  return cm__webp_start(&a->webp, a->out.f, width, height, a->delay_ms, a->hold_ms,
                        a->path, err);
}

int cm_anim_takes_scenes(const cm_anim *a) { return a->format == CM_ANIM_HTML; }

int cm_anim_add(cm_anim *a, const uint32_t *px, int width, int height,
                cm_error *err) {
  if (a->html)
    return cm_error_set(err, CM_EUSAGE, a->path, 0, 0,
                        "an HTML timeline is made of maps, not of pixels");
  if (a->broken)
    return cm_error_set(err, CM_EUSAGE, a->path, 0, 0,
                        "an earlier frame failed, so no more can be added");
  if (width < 1 || height < 1)
    return cm_error_set(err, CM_EUSAGE, a->path, 0, 0,
                        "a frame of %d x %d pixels is empty", width, height);
  if (a->frames && (width != a->width || height != a->height))
    return cm_error_set(err, CM_EUSAGE, a->path, 0, 0,
                        "frame %zu is %d x %d pixels, the first %d x %d",
                        a->frames + 1, width, height, a->width, a->height);
  int rc = a->frames ? CM_OK : start_encoder(a, width, height, err);
  if (rc == CM_OK)
    rc = a->gif ? cm__gif_add(a->gif, px, err) : cm__webp_add(a->webp, px, err);
  if (rc == CM_OK)
    a->frames++;
  else
    a->broken = 1;
  return rc;
}

int cm_anim_add_scene(cm_anim *a, const cm_scene *scene, cm_error *err) {
  if (a->html) {
    int rc = a->broken ? cm_error_set(err, CM_EUSAGE, a->path, 0, 0,
                                      "an earlier frame failed, so no more can be added")
                       : cm__html_add(a->html, scene, err);
    if (rc == CM_OK)
      a->frames++;
    else
      a->broken = 1;
    return rc;
  }
  uint32_t *px;
  int w, h;
  int rc = cm_render_pixels(scene, &px, &w, &h, err);
  if (rc != CM_OK)
    return rc;
  rc = cm_anim_add(a, px, w, h, err);
  cm_render_pixels_free(px);
  return rc;
}

size_t cm_anim_frames(const cm_anim *a) { return a->frames; }

int cm_anim_finish(cm_anim *a, cm_error *err) {
  int rc = CM_OK;
  if (a->broken)
    rc = cm_error_set(err, CM_EUSAGE, a->path, 0, 0,
                      "a frame failed, so the animation was not written");
  else if (!a->frames)
    rc = cm_error_set(err, CM_EUSAGE, a->path, 0, 0, "an animation needs a frame");
  else if (a->gif) {
    rc = cm__gif_finish(a->gif, err); /* which frees it */
    a->gif = NULL;
  } else if (a->html) {
    rc = cm__html_finish(a->html, err);
    a->html = NULL;
  } else {
    rc = cm__webp_finish(a->webp, err);
    a->webp = NULL;
  }
  rc = cm__atomic_close(&a->out, rc, err);
  cm_anim_free(a);
  return rc;
}

void cm_anim_free(cm_anim *a) {
  if (!a)
    return;
  cm__gif_free(a->gif);
  cm__webp_free(a->webp);
  cm__html_free(a->html);
  cm__atomic_close(&a->out, CM_EIO, NULL); /* unfinished: removed */
  free(a->path);
  free(a);
}
