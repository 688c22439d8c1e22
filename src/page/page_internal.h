#ifndef CONTROLMAP_LAYOUT_H
#define CONTROLMAP_LAYOUT_H

/* Where the parts of a page go: the map frame, the title band above it and
 * the source line below. Decided once from the Map block so that the map
 * (which projects into the frame) and composition (which writes the title)
 * agree. Internal. */

#include "controlmap/geom.h"
#include "controlmap/style.h"

typedef struct cm_page_layout {
  double width, height;     /* page, points */
  cm_bbox frame;            /* map frame, points */
  double title_size;        /* points; the other sizes follow from it */
  double subtitle_size;
  double note_size;         /* attribution, scale bar, legend text */
  double title_y, subtitle_y; /* top of each line */
  double attribution_y;     /* top of the source line */
  double margin;
  cm_bbox key;              /* the event key's band; empty without one */
  cm_bbox region;           /* the frame before bands were taken from it */
  cm_bbox band[3];          /* furniture beside the frame: outside-right,
                               outside-left, below (empty when unused) */
} cm_page_layout;

/* Which band a slot is in (0 right, 1 left, 2 below), or -1. */
int cm__page_band_of(cm_corner slot);

/* Lay out a page for the Map block. */
void cm__page_layout_make(const cm_map_settings *map, cm_page_layout *out);

/* Give the key's band back to the frame (a page without a key). */
void cm__page_layout_drop_key(cm_page_layout *lay);

#endif
