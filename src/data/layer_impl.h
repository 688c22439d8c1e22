#ifndef CONTROLMAP_LAYER_IMPL_H
#define CONTROLMAP_LAYER_IMPL_H

/* The inside of cm_layer, shared by layer.c (shapefiles through shapelib,
 * and the public accessors) and layer_ogr.c (every other vector format,
 * through GDAL/OGR). Internal to the library. */

#include "controlmap/layer.h"

#include <stddef.h>

typedef struct field_info {
  size_t name; /* offset into the layer's text */
  cm_field_type type;
  char dbf_type; /* the DBF type letter; 0 for other formats */
} field_info;

struct cm_layer {
  char *path;
  char *crs;
  char encoding[32];
  char format[32];       /* "ESRI Shapefile", or the GDAL driver's name */
  const char *type_name; /* static: "Polygon", "MultiLineString"... */
  int shape_type;        /* shapefiles only */
  cm_geom_type geom_type;
  cm_geom *features;
  size_t *records;
  size_t count, nulls;
  cm_bbox extent;
  field_info *fields;
  size_t nfields;
  size_t *values; /* count x nfields offsets into text */
  char *text;     /* every name and value, NUL-terminated; text[0] is "" */
  size_t text_len, text_cap;
};

/* Append n bytes to the layer's text as a NUL-terminated string; returns
 * its offset, or SIZE_MAX when memory ran out. */
size_t cm__layer_text(cm_layer *l, const char *s, size_t n);

/* Trim ASCII blanks of s in place; returns the new start, *n its length. */
char *cm__layer_trim(char *s, size_t *n);

/* Register GDAL's drivers, once per process, from any thread. */
void cm__ogr_register(void);

/* Fill l (zeroed but for its extent) from src through GDAL/OGR. */
int cm__layer_open_ogr(cm_layer *l, const cm_layer_source *src, cm_error *err);

#endif
