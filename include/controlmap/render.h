#ifndef CONTROLMAP_RENDER_H
#define CONTROLMAP_RENDER_H

/* Backends: a scene becomes a file. PNG and PDF are drawn with cairo (PNG
 * deflated by libdeflate, with the dpi and metadata); SVG with the project's
 * own writer (layers, ids, editable text) or, on request, cairo's. Files are
 * written to a temporary name beside the target and renamed, so a failure
 * never leaves a partial file; the same scene gives the same bytes.
 *
 * Every format carries the scene's Title, Source, Date and Style metadata
 * (PNG text chunks, PDF document info, SVG <title>, <desc> and Dublin Core
 * <metadata>). The only creation date written (PDF CreationDate and
 * ModDate, SVG dc:date) is $SOURCE_DATE_EPOCH when set, else midnight UTC
 * of the scene's Date (1970-01-01 without one), so two runs give the same
 * bytes. A malformed $SOURCE_DATE_EPOCH fails the render with CM_EUSAGE. */

#include "controlmap/common.h"
#include "controlmap/error.h"
#include "controlmap/scene.h"

#include <stdint.h>

CM_BEGIN_DECLS

typedef enum { CM_FORMAT_PNG = 1, CM_FORMAT_PDF, CM_FORMAT_SVG } cm_format;

typedef struct cm_render_options {
  int svg_cairo;       /* 1: write SVG through cairo's SVG surface */
  int png_level;       /* deflate level 1-9; 0: the default (see render.c) */
  int svg_text_paths;  /* 1: own SVG writes text as glyph outlines, for
                          viewers without the fonts (not editable) */
  int no_clobber;      /* 1: never replace an existing file: fail with
                          CM_EIO instead (checked before drawing, and again,
                          atomically, when the file is put in place) */
} cm_render_options;

/* Largest raster accepted, in pixels (width * height), so a typo in a page
 * size is refused instead of exhausting memory. */
#define CM_MAX_PIXELS (16384.0 * 16384.0)

/* The format named by path's extension (.png .pdf .svg, any case). */
CM_EXTERN int cm_format_from_path(cm_format *out, const char *path, cm_error *err);

/* Write scene to path in the format of its extension. opt may be NULL.
 * The file is written beside path under a temporary name and renamed over
 * it: an existing path is replaced by a new file (one that was read-only,
 * or a symbolic link, included; the link's target is left as it was). */
CM_EXTERN int cm_render_file(const cm_scene *scene, const char *path,
                             const cm_render_options *opt, cm_error *err);

/* Draw scene at its dpi into *pixels: width x height premultiplied ARGB32
 * values (cairo's layout: one native-endian 0xAARRGGBB per pixel, rows
 * width apart), for encoders of other formats. *pixels is the caller's,
 * freed with cm_render_pixels_free. CM_ENOMEM past CM_MAX_PIXELS. */
CM_EXTERN int cm_render_pixels(const cm_scene *scene, uint32_t **pixels, int *width,
                               int *height, cm_error *err);

/* Remove every temporary file this process is writing an output into, and
 * let no more be made. Async-signal-safe: for a handler of SIGINT, SIGTERM
 * or SIGHUP that then ends the process, so an interrupted render or batch
 * leaves no ".NAME.tmp..." file behind. */
CM_EXTERN void cm_render_remove_temporary(void);

/* Free what cm_render_pixels gave (NULL is fine). The memory goes back to
 * the system at once, so a long batch on many threads stays small. */
CM_EXTERN void cm_render_pixels_free(uint32_t *pixels);

CM_END_DECLS

#endif
