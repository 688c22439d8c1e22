#ifndef CONTROLMAP_MAP_IMPL_H
#define CONTROLMAP_MAP_IMPL_H

/* The inside of cm_map, shared by map.c and map_load.c only. */

#include "controlmap/map.h"
#include "controlmap/proj.h"

#include <pthread.h>

/* One layer of the map: its data, the validity interval of each feature
 * and each feature's geometry in page points. */
typedef struct map_layer {
  const cm_style_layer *style;
  cm_layer *data;
  cm_day *from, *to; /* NULL for an untimed layer */
  cm_geom *page;     /* one per feature */
} map_layer;

struct cm_map {
  cm_style *style;
  map_layer *layers;
  size_t nlayers;
  double page_w, page_h, dpi;
  cm_bbox frame;
  cm_point centre;       /* map units at the frame centre */
  double scale;          /* page points per map unit (0 until fitted) */
  cm_bbox view;          /* the map units fitted into the frame */
  cm_proj *lonlat;       /* WGS 84 -> map CRS, for furniture */
  pthread_mutex_t lock;  /* guards lonlat: PROJ objects are single-thread */
};

#endif
