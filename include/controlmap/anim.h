#ifndef CONTROLMAP_ANIM_H
#define CONTROLMAP_ANIM_H

/* Animations: frames in date order become one looping image, an animated
 * GIF (giflib) or WebP (libwebp). Frames are encoded as they are added, so
 * only the previous frame is held however long the series. GIF frames carry
 * only the rectangle that changed, with unchanged pixels transparent, and a
 * palette of their own whose most common colours (the map's flat fills) are
 * exact; nothing is dithered. WebP frames are lossless. The file is written
 * to a temporary name beside the target and renamed by cm_anim_finish, so a
 * failure never leaves a partial file; the same frames give the same bytes.
 *
 * APNG is not offered: Debian's libpng is built without the APNG patch, so
 * a .apng name is refused with a message saying so. An animation is not to
 * be used by two threads at once. */

#include "controlmap/common.h"
#include "controlmap/error.h"
#include "controlmap/scene.h"

#include <stddef.h>
#include <stdint.h>

CM_BEGIN_DECLS

/* CM_ANIM_HTML is a page, not an image: one self-contained HTML file
 * holding every frame as SVG (what frames share stored once), with a
 * slider over their dates, play/pause, the arrow keys, and each frame's
 * date and event key beside the map. Its frames are added as scenes. */
typedef enum { CM_ANIM_GIF = 1, CM_ANIM_WEBP, CM_ANIM_HTML } cm_anim_format;

/* Frame durations in milliseconds: the defaults and the range accepted.
 * GIF stores hundredths of a second, so its delays are rounded to 10 ms. */
#define CM_ANIM_DELAY_DEFAULT 800
#define CM_ANIM_HOLD_LAST_DEFAULT 2500
#define CM_ANIM_DELAY_MIN 10
#define CM_ANIM_DELAY_MAX 600000

typedef struct cm_anim_options {
  int delay_ms;     /* how long each frame shows; 0: the default */
  int hold_last_ms; /* how long the last frame shows before the loop starts
                       again; 0: the default */
} cm_anim_options;

typedef struct cm_anim cm_anim;

/* 1 when path ends in an animation's extension (.gif, .webp, .html, .htm
 * or .apng, any case; .apng only so that it can be refused with a clear
 * message). */
CM_EXTERN int cm_anim_is_path(const char *path);

/* The format named by path's extension. CM_EUSAGE for .apng and anything
 * that is not .gif, .webp, .html or .htm. */
CM_EXTERN int cm_anim_format_from_path(cm_anim_format *out, const char *path,
                                       cm_error *err);

/* CM_EUSAGE when a duration is outside CM_ANIM_DELAY_MIN..MAX (0 is the
 * default and fine). opt may be NULL. */
CM_EXTERN int cm_anim_check_options(const cm_anim_options *opt, cm_error *err);

/* Start an animation to path, in the format of its extension; nothing
 * appears at path before cm_anim_finish. opt may be NULL. *out is the
 * caller's, ended by cm_anim_finish or cm_anim_free. CM_EIO when the
 * temporary file cannot be made beside path. */
CM_EXTERN int cm_anim_open(cm_anim **out, const char *path, const cm_anim_options *opt,
                           cm_error *err);

/* Add the next frame: width x height premultiplied ARGB32 values, rows
 * width apart (what cm_render_pixels gives), read only during the call.
 * Every frame must have the first frame's size (CM_EUSAGE otherwise). An
 * HTML timeline takes scenes only (CM_EUSAGE). */
CM_EXTERN int cm_anim_add(cm_anim *anim, const uint32_t *pixels, int width, int height,
                          cm_error *err);

/* 1 when the animation's frames must be added as scenes (HTML), 0 when
 * pixels will do. */
CM_EXTERN int cm_anim_takes_scenes(const cm_anim *anim);

/* Draw scene at its dpi and add it as the next frame (for HTML: write it
 * as SVG). */
CM_EXTERN int cm_anim_add_scene(cm_anim *anim, const cm_scene *scene, cm_error *err);

/* Frames added so far. */
CM_EXTERN size_t cm_anim_frames(const cm_anim *anim);

/* Give the last frame its hold, end the file and rename it into place.
 * CM_EUSAGE when no frame was added. Frees anim whatever the outcome. */
CM_EXTERN int cm_anim_finish(cm_anim *anim, cm_error *err);

/* Give up: remove the temporary file and free. NULL is fine. */
CM_EXTERN void cm_anim_free(cm_anim *anim);

CM_END_DECLS

#endif
