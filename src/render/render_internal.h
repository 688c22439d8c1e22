#ifndef CONTROLMAP_BACKEND_H
#define CONTROLMAP_BACKEND_H

/* Internal backend pieces: the cairo walker shared by PNG, PDF and cairo
 * SVG, and the project's own SVG writer. */

#include "controlmap/render.h"

#include <cairo.h>
#include <stdint.h>
#include <stdio.h>

/* Draw every item of scene on cr, whose user space is page points. */
int cm__draw_cairo(cairo_t *cr, const cm_scene *scene, cm_error *err);

/* Draw items first..end-1 of scene only. Every item sets the state it
 * draws with and groups restore theirs, so drawing from an item outside
 * any group onto the pixels of those before it gives the same pixels as
 * drawing the whole scene. */
int cm__draw_cairo_items(cairo_t *cr, const cm_scene *scene, size_t first,
                         size_t end, cm_error *err);

/* Write scene as SVG to f (the project's writer: layers, ids, text; text
 * as glyph outlines when opt->svg_text_paths). created: the document date
 * (ISO 8601) written as dc:date, or NULL. */
int cm__svg_write(const cm_scene *scene, FILE *f, const char *path,
                  const cm_render_options *opt, const char *created,
                  cm_error *err);

/* The scene's metadata as SVG <title>, <desc> and RDF/Dublin Core
 * <metadata>, to go right after the opening <svg> tag of any SVG. */
void cm__svg_write_meta(FILE *f, const cm_scene *scene, const char *created);

/* What a batch worker keeps of the previous frame's PNG: its image data
 * compressed in bands of rows (png.c). Not shared between threads. */
typedef struct cm_png_bands cm_png_bands;

/* NULL when out of memory. */
cm_png_bands *cm__png_bands_new(void);
void cm__png_bands_free(cm_png_bands *bands);

/* Bands taken over from the frame before and bands compressed, so far. */
void cm__png_bands_counts(const cm_png_bands *bands, size_t *reused,
                          size_t *compressed);

/* Encode cairo ARGB32 pixels as PNG to f with pHYs for the scene's dpi and
 * tEXt (iTXt when not ASCII) for its metadata; level is libdeflate's, 1-12.
 * bands NULL: a single image, its bands compressed on every CPU (up to
 * four); else on the calling thread, reusing the bands of the previous
 * frame written with the same bands. The bytes are the same either way. */
int cm__png_write(const uint32_t *pixels, int width, int height,
                  const cm_scene *scene, int level, cm_png_bands *bands,
                  FILE *f, const char *path, cm_error *err);

/* The first items every frame of a batch shares, drawn once (raster.c). */
typedef struct cm_base_raster cm_base_raster;

/* The items first and last (a batch's first and last frames) begin with,
 * up to the end of the last whole group they share, drawn. first is taken
 * over (freed here, or with the base). *out is NULL when they share
 * nothing or the drawing is not mostly flat areas (kept as runs of one
 * value, it would take more than a quarter of a frame). */
int cm__base_raster_new(cm_base_raster **out, cm_scene *first,
                        const cm_scene *last, cm_error *err);
void cm__base_raster_free(cm_base_raster *base);

/* CM_ESTYLE with err set when a hatch of the scene is finer than its line
 * width or 0.05 mm, or, for a raster (1), than one of its pixels. */
int cm__hatches_fit(const cm_scene *scene, int raster, cm_error *err);

/* cm_render_pixels, starting from a copy of base's pixels when scene
 * begins with exactly base's items (else, or with base NULL, from a
 * transparent page). */
int cm__render_pixels_base(const cm_scene *scene, const cm_base_raster *base,
                           uint32_t **pixels, int *width, int *height,
                           cm_error *err);

/* What a batch worker reuses from frame to frame: the batch's base raster
 * (shared, read-only) and its own PNG bands. Either may be NULL. */
typedef struct cm_frame_reuse {
  const cm_base_raster *base;
  cm_png_bands *bands;
} cm_frame_reuse;

/* cm_render_file for a batch frame, reusing what reuse holds. */
int cm__render_file_reusing(const cm_scene *scene, const char *path,
                            const cm_render_options *opt, cm_frame_reuse *reuse,
                            cm_error *err);

#endif
