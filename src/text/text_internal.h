#ifndef CONTROLMAP_TEXT_H
#define CONTROLMAP_TEXT_H

/* Text setting shared by composition (to measure and place labels) and
 * the cairo backend (to draw them), so both see the same metrics: one
 * pango context per thread, unhinted metrics, sizes in points. Internal. */

#include "controlmap/scene.h"

#include <pango/pangocairo.h>

/* A new context on the calling thread's font map (made on first use,
 * kept until the thread ends; not to be used on another thread), which
 * holds the faces of the fonts wanted so far (cm__text_want_font). Caller
 * frees with g_object_unref. NULL when pango cannot start. */
PangoContext *cm__text_context_new(void);

/* A new context on map, set up for the maps' text (unhinted metrics,
 * grey antialiasing); NULL when map is NULL. Caller frees. */
PangoContext *cm__text_context_on(PangoFontMap *map);

/* Sets ctx for drawing on cr (pango_cairo_update_context), and the
 * context ctx falls back on for a text its fonts cannot set. */
void cm__text_context_update(PangoContext *ctx, cairo_t *cr);

/* Makes the fonts of font (a pango font description's families) part of
 * the font maps made from now on, which hold only the faces of the
 * families named this way (any other text is set with all installed
 * fonts, more slowly). */
void cm__text_want_font(const char *font);

/* A layout of text set in style; caller frees with g_object_unref. */
PangoLayout *cm__text_layout(PangoContext *ctx, const char *text,
                             const cm_text_style *style);

/* 1 when the text's base direction is right-to-left. */
int cm__text_is_rtl(const char *text);

/* The box (unrotated, page points) a layout of text occupies when anchored
 * at (x, y) with style's alignment. */
cm_bbox cm__text_box(PangoLayout *layout, const char *text,
                     const cm_text_style *style, double x, double y);

/* Width and height of a text set in style, in points. */
void cm__text_size(PangoContext *ctx, const char *text,
                   const cm_text_style *style, double *w, double *h);

#endif
