#ifndef CONTROLMAP_ANIM_INTERNAL_H
#define CONTROLMAP_ANIM_INTERNAL_H

/* The inside of animations, shared by anim.c (files and formats), the two
 * encoders (anim_gif.c, anim_webp.c) and the GIF palette (anim_palette.c).
 * Encoders take frames as premultiplied ARGB32, as cairo draws them, and
 * write to an open file; path only names it in errors. */

#include "controlmap/anim.h"

#include <stdint.h>
#include <stdio.h>

/* --- palettes for GIF --------------------------------------------------- */

/* How often each colour (0xRRGGBB) occurs among the pixels of a frame that
 * changed, and after cm__palette_build, the palette entry each one takes. */
typedef struct colour_tally colour_tally;

typedef struct palette {
  uint32_t colours[256]; /* 0xRRGGBB */
  int count;
} palette;

/* A new empty tally; NULL when out of memory. Caller frees with
 * cm__tally_free. */
colour_tally *cm__tally_new(void);
void cm__tally_free(colour_tally *t);

/* Count one pixel of colour rgb. Returns 0 or CM_ENOMEM. */
int cm__tally_add(colour_tally *t, uint32_t rgb);

/* Choose at most max (2..256) colours for the tallied ones: every colour
 * when they fit, else the most common exactly (flat fills, text) and the
 * rest by median cut, weighted by how often each occurs. Each tallied
 * colour is then given its nearest entry. Returns 0 or CM_ENOMEM. */
int cm__palette_build(palette *out, colour_tally *t, int max, cm_error *err);

/* The palette entry of a tallied colour after cm__palette_build; -1 for one
 * never tallied. */
int cm__palette_index(const colour_tally *t, uint32_t rgb);

/* --- encoders ----------------------------------------------------------- */

typedef struct gif_writer gif_writer;
typedef struct webp_writer webp_writer;

/* Start a GIF of width x height that loops forever: delay_cs is each
 * frame's duration and hold_cs the last one's, in hundredths of a second.
 * *out is the caller's, ended by cm__gif_finish or cm__gif_free. */
int cm__gif_start(gif_writer **out, FILE *f, int width, int height, int delay_cs,
                  int hold_cs, const char *path, cm_error *err);
int cm__gif_add(gif_writer *g, const uint32_t *pixels, cm_error *err);
/* Write the last frame and the trailer; frees g. */
int cm__gif_finish(gif_writer *g, cm_error *err);
void cm__gif_free(gif_writer *g);

/* The same for a lossless WebP; durations in milliseconds. */
int cm__webp_start(webp_writer **out, FILE *f, int width, int height,
                   int delay_ms, int hold_ms, const char *path, cm_error *err);
int cm__webp_add(webp_writer *w, const uint32_t *pixels, cm_error *err);
int cm__webp_finish(webp_writer *w, cm_error *err);
void cm__webp_free(webp_writer *w);

/* The HTML timeline (anim_html.c): frames are scenes, kept as SVG until
 * cm__html_finish writes the page; delay_ms is the pace of its play button. */
typedef struct html_writer html_writer;
int cm__html_start(html_writer **out, FILE *f, int delay_ms, const char *path,
                   cm_error *err);
int cm__html_add(html_writer *h, const cm_scene *scene, cm_error *err);
/* Write the page; frees h. */
int cm__html_finish(html_writer *h, cm_error *err);
void cm__html_free(html_writer *h);

#endif
