#ifndef CONTROLMAP_LAYER_H
#define CONTROLMAP_LAYER_H

/* Layers: the features of one file read whole into memory. An ESRI
 * shapefile (.shp .shx .dbf, optional .prj .cpg) is read through shapelib
 * after checks of its own; every other vector format (GeoJSON, GeoPackage,
 * CSV, FlatGeobuf...) through GDAL/OGR. Geometry stays in the file's own
 * CRS; attribute text is converted to UTF-8. */

#include "controlmap/common.h"
#include "controlmap/error.h"
#include "controlmap/geom.h"

CM_BEGIN_DECLS

typedef struct cm_layer cm_layer;

typedef enum {
  CM_FIELD_STRING = 0,  /* DBF C; OGR String and whatever has no better kind */
  CM_FIELD_INTEGER = 1, /* DBF N without decimals; OGR Integer, Integer64 */
  CM_FIELD_DOUBLE = 2,  /* DBF N with decimals, F; OGR Real */
  CM_FIELD_LOGICAL = 3, /* DBF L, OGR Boolean: values "T", "F" or "" */
  CM_FIELD_DATE = 4     /* DBF D, OGR Date and DateTime (the day only):
                           values "YYYY-MM-DD" or "" */
} cm_field_type;

/* Where a layer's features come from. Only path is required. */
typedef struct cm_layer_source {
  const char *path;     /* a .shp (or its name without extension), or any
                           file GDAL/OGR reads as vector data */
  const char *layer;    /* the layer inside a file that holds several
                           (GeoPackage); NULL: the file's only layer */
  const char *x, *y;    /* fields holding each point's longitude (easting)
                           and latitude (northing), e.g. of a CSV; or */
  const char *wkt;      /* a field holding each geometry as WKT */
  const char *encoding; /* the text encoding of a non-shapefile source
                           ("CP1251"...); NULL: UTF-8 */
} cm_layer_source;

/* Open src and read every feature. Null and empty geometries are skipped
 * and counted. A layer holds one kind of geometry (points, lines or
 * polygons; multi-geometries are split into parts). Fails with CM_EIO for
 * a missing or unreadable file, CM_EUSAGE for options that do not fit the
 * file (a missing layer, x without y), CM_EDATA for what is wrong inside
 * (a feature of another kind, a coordinate that is not a number, text
 * that is not in the encoding), naming the file, feature and field.
 * On success *out is the caller's, freed with cm_layer_free. */
CM_EXTERN int cm_layer_open_source(cm_layer **out, const cm_layer_source *src,
                                   cm_error *err);

/* Open path (the .shp, or the name without extension) and read every
 * feature. Null shapes are skipped and counted. Fails with CM_EIO for a
 * missing .shp/.shx/.dbf and CM_EDATA for a malformed one, naming the file.
 * On success *out is the caller's, freed with cm_layer_free. */
CM_EXTERN int cm_layer_open(cm_layer **out, const char *path, cm_error *err);

/* Free a layer and everything it returned. NULL is fine. */
CM_EXTERN void cm_layer_free(cm_layer *layer);

/* The path the layer was read from (the .shp of a shapefile). Owned by
 * the layer. */
CM_EXTERN const char *cm_layer_path(const cm_layer *layer);

/* The format: "ESRI Shapefile", or the GDAL driver's short name
 * ("GeoJSON", "GPKG", "CSV", "FlatGeobuf"...). Owned by the layer. */
CM_EXTERN const char *cm_layer_format(const cm_layer *layer);

/* Geometry kind of every feature (points, lines or polygons). */
CM_EXTERN cm_geom_type cm_layer_geom_type(const cm_layer *layer);

/* The file's own type name: "Polygon", "PolyLineZ", "MultiPointM" for a
 * shapefile; "MultiPolygon", "LineString", "Point"... for other formats. */
CM_EXTERN const char *cm_layer_shape_type_name(const cm_layer *layer);

/* Number of features read, and of null shapes skipped. */
CM_EXTERN size_t cm_layer_count(const cm_layer *layer);
CM_EXTERN size_t cm_layer_null_count(const cm_layer *layer);

/* Extent of all features in the file's CRS. */
CM_EXTERN cm_bbox cm_layer_extent(const cm_layer *layer);

/* The CRS as WKT (a shapefile's .prj text as it is), or NULL when the
 * file names none and WGS 84 lon/lat is assumed. Owned by the layer. */
CM_EXTERN const char *cm_layer_crs(const cm_layer *layer);

/* The attribute encoding used ("UTF-8", "CP1251"...). Owned by the layer. */
CM_EXTERN const char *cm_layer_encoding(const cm_layer *layer);

/* Fields: count, name, type, and index of a name (-1 when absent; the
 * match ignores ASCII case, as DBF names are often upper case). */
CM_EXTERN size_t cm_layer_field_count(const cm_layer *layer);
CM_EXTERN const char *cm_layer_field_name(const cm_layer *layer, size_t field);
CM_EXTERN cm_field_type cm_layer_field_type(const cm_layer *layer, size_t field);
CM_EXTERN int cm_layer_field_index(const cm_layer *layer, const char *name);

/* Geometry of feature i (0-based, nulls skipped). Owned by the layer. */
CM_EXTERN const cm_geom *cm_layer_geom(const cm_layer *layer, size_t i);

/* The record number of feature i in the file (0-based; for other formats
 * than shapefiles, the feature's place in the layer), for messages. */
CM_EXTERN size_t cm_layer_record(const cm_layer *layer, size_t i);

/* Attribute of feature i as UTF-8 text, blanks trimmed; "" for empty or
 * null values, never NULL for a valid field. Owned by the layer. */
CM_EXTERN const char *cm_layer_value(const cm_layer *layer, size_t i, size_t field);

/* One feature of a layer, for reading its attributes through a
 * cm_attr_fn-style callback (style.h) without copying them. */
typedef struct cm_feature_ref {
  const cm_layer *layer;
  size_t feature;
} cm_feature_ref;

/* The value of field for the cm_feature_ref at ud, or NULL when the layer
 * has no such field. Owned by the layer. */
CM_EXTERN const char *cm_feature_attr(void *ud, const char *field);

CM_END_DECLS

#endif
