#ifndef CONTROLMAP_TEXT_H
#define CONTROLMAP_TEXT_H

/* Text setting shared by composition (to measure and place labels) and
 * the cairo backend (to draw them), so both see the same metrics: one
 * pango context per thread, unhinted metrics, sizes in points. Internal. */

#include "controlmap/scene.h"

#include <pango/pangocairo.h>

/* A new context on the calling thread's font map (made on first use,
 * kept until the thread ends; not to be used on another thread). Caller
 * frees with g_object_unref. NULL when pango cannot start. */
PangoContext *cm_text_context_new(void);

/* A layout of text set in style; caller frees with g_object_unref. */
PangoLayout *cm_text_layout(PangoContext *ctx, const char *text,
                            const cm_text_style *style);

/* 1 when the text's base direction is right-to-left. */
int cm_text_is_rtl(const char *text);

/* The box (unrotated, page points) a layout of text occupies when anchored
 * at (x, y) with style's alignment. */
cm_bbox cm_text_box(PangoLayout *layout, const char *text,
                    const cm_text_style *style, double x, double y);

/* Width and height of a text set in style, in points. */
void cm_text_size(PangoContext *ctx, const char *text,
                  const cm_text_style *style, double *w, double *h);

#endif
