#ifndef CONTROLMAP_PAINT_H
#define CONTROLMAP_PAINT_H

/* The vocabulary of paint that the style language and the scene share:
 * colours, line joins and caps, dash lengths. Its own header so that a
 * backend, which reads only the scene, sees nothing of the style. */

#include "controlmap/common.h"

CM_BEGIN_DECLS

/* A colour with straight (not premultiplied) alpha, components 0..1. */
typedef struct cm_color {
  double r, g, b, a;
} cm_color;

typedef enum { CM_JOIN_MITER = 0, CM_JOIN_ROUND, CM_JOIN_BEVEL } cm_line_join;
typedef enum { CM_CAP_BUTT = 0, CM_CAP_ROUND, CM_CAP_SQUARE } cm_line_cap;

/* The most dash and gap lengths a line's pattern holds. */
#define CM_MAX_DASHES 8

/* The finest hatch drawn, mm: a pixel at 508 dpi. Finer lines are a grey
 * blur on any screen or printer, and their number (page size over
 * spacing) grows without bound. The style refuses finer spacings, and
 * every output checks them again as drawn. */
#define CM_HATCH_MIN_MM 0.05

CM_END_DECLS

#endif
