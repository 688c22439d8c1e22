#ifndef CONTROLMAP_BACKEND_H
#define CONTROLMAP_BACKEND_H

/* Internal backend pieces: the cairo walker shared by PNG, PDF and cairo
 * SVG, and the project's own SVG writer. */

#include "controlmap/render.h"

#include <cairo.h>
#include <stdint.h>
#include <stdio.h>

/* Draw every item of scene on cr, whose user space is page points. */
int cm_draw_cairo(cairo_t *cr, const cm_scene *scene, cm_error *err);

/* Write scene as SVG to f (the project's writer: layers, ids, text; text
 * as glyph outlines when opt->svg_text_paths). created: the document date
 * (ISO 8601) written as dc:date, or NULL. */
int cm_svg_write(const cm_scene *scene, FILE *f, const char *path,
                 const cm_render_options *opt, const char *created,
                 cm_error *err);

/* The scene's metadata as SVG <title>, <desc> and RDF/Dublin Core
 * <metadata>, to go right after the opening <svg> tag of any SVG. */
void cm_svg_write_meta(FILE *f, const cm_scene *scene, const char *created);

/* Encode a cairo image surface as PNG to f with pHYs for dpi and tEXt for
 * the scene's metadata; level is the zlib level. */
int cm_png_write(const uint32_t *pixels, int width, int height,
                 const cm_scene *scene, int level, FILE *f, const char *path,
                 cm_error *err);

#endif
