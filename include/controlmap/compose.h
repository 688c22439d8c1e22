#ifndef CONTROLMAP_COMPOSE_H
#define CONTROLMAP_COMPOSE_H

/* Composition: a loaded map at one date becomes a scene — fills, hatches,
 * strokes, markers, labels placed without overlap, and the furniture. */

#include "controlmap/map.h"
#include "controlmap/scene.h"

typedef struct cm_compose_options {
  cm_day date;         /* the day shown */
  int legend_all;      /* 1: every legend class, not only those shown */
} cm_compose_options;

/* Compose map at opt->date. *out is the caller's, freed with
 * cm_scene_free. Fails only for lack of memory or fonts (CM_ERENDER). */
int cm_compose(cm_scene **out, const cm_map *map, const cm_compose_options *opt,
               cm_error *err);

#endif
