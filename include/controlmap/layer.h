#ifndef CONTROLMAP_LAYER_H
#define CONTROLMAP_LAYER_H

/* Layers: one ESRI shapefile (.shp .shx .dbf, optional .prj .cpg) read
 * whole into memory through shapelib. Geometry stays in the file's own
 * CRS; attribute text is converted to UTF-8. */

#include "controlmap/error.h"
#include "controlmap/geom.h"

typedef struct cm_layer cm_layer;

typedef enum {
  CM_FIELD_STRING = 0,  /* DBF C */
  CM_FIELD_INTEGER = 1, /* DBF N without decimals */
  CM_FIELD_DOUBLE = 2,  /* DBF N with decimals, F */
  CM_FIELD_LOGICAL = 3, /* DBF L: values "T", "F" or "" */
  CM_FIELD_DATE = 4     /* DBF D: values "YYYY-MM-DD" or "" */
} cm_field_type;

/* Open path (the .shp, or the name without extension) and read every
 * feature. Null shapes are skipped and counted. Fails with CM_EIO for a
 * missing .shp/.shx/.dbf and CM_EDATA for a malformed one, naming the file.
 * On success *out is the caller's, freed with cm_layer_free. */
int cm_layer_open(cm_layer **out, const char *path, cm_error *err);

/* Free a layer and everything it returned. NULL is fine. */
void cm_layer_free(cm_layer *layer);

/* The .shp path the layer was read from. Owned by the layer. */
const char *cm_layer_path(const cm_layer *layer);

/* Geometry kind of every feature (points, lines or polygons). */
cm_geom_type cm_layer_geom_type(const cm_layer *layer);

/* The shapefile's own type name: "Polygon", "PolyLineZ", "MultiPointM"... */
const char *cm_layer_shape_type_name(const cm_layer *layer);

/* Number of features read, and of null shapes skipped. */
size_t cm_layer_count(const cm_layer *layer);
size_t cm_layer_null_count(const cm_layer *layer);

/* Extent of all features in the file's CRS. */
cm_bbox cm_layer_extent(const cm_layer *layer);

/* The CRS as the .prj text (ESRI WKT), or NULL when there was no .prj and
 * WGS 84 lon/lat is assumed. Owned by the layer. */
const char *cm_layer_crs(const cm_layer *layer);

/* The attribute encoding used ("UTF-8", "CP1251"...). Owned by the layer. */
const char *cm_layer_encoding(const cm_layer *layer);

/* Fields: count, name, type, and index of a name (-1 when absent; the
 * match ignores ASCII case, as DBF names are often upper case). */
size_t cm_layer_field_count(const cm_layer *layer);
const char *cm_layer_field_name(const cm_layer *layer, size_t field);
cm_field_type cm_layer_field_type(const cm_layer *layer, size_t field);
int cm_layer_field_index(const cm_layer *layer, const char *name);

/* Geometry of feature i (0-based, nulls skipped). Owned by the layer. */
const cm_geom *cm_layer_geom(const cm_layer *layer, size_t i);

/* The record number of feature i in the file (0-based), for messages. */
size_t cm_layer_record(const cm_layer *layer, size_t i);

/* Attribute of feature i as UTF-8 text, blanks trimmed; "" for empty or
 * null values, never NULL for a valid field. Owned by the layer. */
const char *cm_layer_value(const cm_layer *layer, size_t i, size_t field);

/* One feature of a layer, for reading its attributes through a
 * cm_attr_fn-style callback (style.h) without copying them. */
typedef struct cm_feature_ref {
  const cm_layer *layer;
  size_t feature;
} cm_feature_ref;

/* The value of field for the cm_feature_ref at ud, or NULL when the layer
 * has no such field. Owned by the layer. */
const char *cm_feature_attr(void *ud, const char *field);

#endif
