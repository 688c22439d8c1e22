#ifndef CONTROLMAP_DATA_INTERNAL_H
#define CONTROLMAP_DATA_INTERNAL_H

/* The data module's inside: cm_layer, shared by layer.c (shapefiles
 * through shapelib, and the public accessors), layer_ogr.c (every other
 * vector format, through GDAL/OGR) and export.c; and the attribute
 * encodings of DBF files (encoding.c): names from .cpg files and language
 * driver bytes, UTF-8 checking, conversion to UTF-8 with iconv. Internal
 * to the library. */

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

/* --- GDAL/OGR (layer_ogr.c, export.c) ---
 * GDAL and the hundred libraries it needs take longer to link at start-up
 * than a whole render of a shapefile map, which needs none of them; so
 * libgdal is opened when a layer or an export first needs it, and its
 * functions are called through cm__gdal. A file that calls them defines
 * CM_GDAL_CALLS before including this header. */
#ifdef CM_GDAL_CALLS
#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#define CM_GDAL_FUNCTIONS(X) \
    X(CPLErrorReset) X(CPLGetLastErrorMsg) X(CPLGetLastErrorType) \
    X(CPLPopErrorHandler) X(CPLPushErrorHandler) X(CPLQuietErrorHandler) \
    X(VSIFree) X(GDALAllRegister) X(GDALClose) X(GDALCreate) \
    X(GDALDatasetCreateLayer) X(GDALDatasetGetLayer) \
    X(GDALDatasetGetLayerByName) X(GDALDatasetGetLayerCount) \
    X(GDALGetDatasetDriver) X(GDALGetDriverByName) X(GDALGetDriverShortName) \
    X(GDALOpenEx) X(OGRGeometryTypeToName) X(OGR_FD_GetFieldCount) \
    X(OGR_FD_GetFieldDefn) X(OGR_FD_GetFieldIndex) X(OGR_FD_GetGeomFieldCount) \
    X(OGR_F_Create) X(OGR_F_Destroy) X(OGR_F_GetFieldAsDateTimeEx) \
    X(OGR_F_GetFieldAsInteger) X(OGR_F_GetFieldAsString) \
    X(OGR_F_GetGeometryRef) X(OGR_F_IsFieldSetAndNotNull) \
    X(OGR_F_SetFieldInteger) X(OGR_F_SetFieldNull) X(OGR_F_SetFieldString) \
    X(OGR_F_SetGeometryDirectly) X(OGR_Fld_Create) X(OGR_Fld_Destroy) \
    X(OGR_Fld_GetNameRef) X(OGR_Fld_GetSubType) X(OGR_Fld_GetType) \
    X(OGR_Fld_SetSubType) X(OGR_GT_Flatten) X(OGR_GT_IsNonLinear) \
    X(OGR_G_AddPoint_2D) X(OGR_G_SetPoint_2D) X(OGR_G_AddGeometryDirectly) \
    X(OGR_G_CloseRings) X(OGR_G_CreateFromWkt) X(OGR_G_CreateGeometry) \
    X(OGR_G_DestroyGeometry) X(OGR_G_GetGeometryCount) X(OGR_G_GetGeometryRef) \
    X(OGR_G_GetGeometryType) X(OGR_G_GetLinearGeometry) X(OGR_G_GetPointCount) \
    X(OGR_G_GetX) X(OGR_G_GetY) X(OGR_G_IsEmpty) X(OGR_L_CreateFeature) \
    X(OGR_L_CreateField) X(OGR_L_GetGeomType) X(OGR_L_GetLayerDefn) \
    X(OGR_L_GetName) X(OGR_L_GetNextFeature) X(OGR_L_GetSpatialRef) \
    X(OGR_L_ResetReading) X(OSRDestroySpatialReference) X(OSRExportToWktEx) \
    X(OSRGetAxis) X(OSRGetDataAxisToSRSAxisMapping) X(OSRIsGeographic) \
    X(OSRNewSpatialReference) X(OSRSetAxisMappingStrategy) \
    X(OSRSetWellKnownGeogCS)

typedef struct cm_gdal_api {
#define CM_GDAL_MEMBER(name) __typeof__(&name) name;
  CM_GDAL_FUNCTIONS(CM_GDAL_MEMBER)
#undef CM_GDAL_MEMBER
} cm_gdal_api;

extern cm_gdal_api cm__gdal;

#ifndef CM_GDAL_LOADER
#define CPLErrorReset cm__gdal.CPLErrorReset
#define CPLGetLastErrorMsg cm__gdal.CPLGetLastErrorMsg
#define CPLGetLastErrorType cm__gdal.CPLGetLastErrorType
#define CPLPopErrorHandler cm__gdal.CPLPopErrorHandler
#define CPLPushErrorHandler cm__gdal.CPLPushErrorHandler
#define CPLQuietErrorHandler cm__gdal.CPLQuietErrorHandler
#define VSIFree cm__gdal.VSIFree
#define GDALAllRegister cm__gdal.GDALAllRegister
#define GDALClose cm__gdal.GDALClose
#define GDALCreate cm__gdal.GDALCreate
#define GDALDatasetCreateLayer cm__gdal.GDALDatasetCreateLayer
#define GDALDatasetGetLayer cm__gdal.GDALDatasetGetLayer
#define GDALDatasetGetLayerByName cm__gdal.GDALDatasetGetLayerByName
#define GDALDatasetGetLayerCount cm__gdal.GDALDatasetGetLayerCount
#define GDALGetDatasetDriver cm__gdal.GDALGetDatasetDriver
#define GDALGetDriverByName cm__gdal.GDALGetDriverByName
#define GDALGetDriverShortName cm__gdal.GDALGetDriverShortName
#define GDALOpenEx cm__gdal.GDALOpenEx
#define OGRGeometryTypeToName cm__gdal.OGRGeometryTypeToName
#define OGR_FD_GetFieldCount cm__gdal.OGR_FD_GetFieldCount
#define OGR_FD_GetFieldDefn cm__gdal.OGR_FD_GetFieldDefn
#define OGR_FD_GetFieldIndex cm__gdal.OGR_FD_GetFieldIndex
#define OGR_FD_GetGeomFieldCount cm__gdal.OGR_FD_GetGeomFieldCount
#define OGR_F_Create cm__gdal.OGR_F_Create
#define OGR_F_Destroy cm__gdal.OGR_F_Destroy
#define OGR_F_GetFieldAsDateTimeEx cm__gdal.OGR_F_GetFieldAsDateTimeEx
#define OGR_F_GetFieldAsInteger cm__gdal.OGR_F_GetFieldAsInteger
#define OGR_F_GetFieldAsString cm__gdal.OGR_F_GetFieldAsString
#define OGR_F_GetGeometryRef cm__gdal.OGR_F_GetGeometryRef
#define OGR_F_IsFieldSetAndNotNull cm__gdal.OGR_F_IsFieldSetAndNotNull
#define OGR_F_SetFieldInteger cm__gdal.OGR_F_SetFieldInteger
#define OGR_F_SetFieldNull cm__gdal.OGR_F_SetFieldNull
#define OGR_F_SetFieldString cm__gdal.OGR_F_SetFieldString
#define OGR_F_SetGeometryDirectly cm__gdal.OGR_F_SetGeometryDirectly
#define OGR_Fld_Create cm__gdal.OGR_Fld_Create
#define OGR_Fld_Destroy cm__gdal.OGR_Fld_Destroy
#define OGR_Fld_GetNameRef cm__gdal.OGR_Fld_GetNameRef
#define OGR_Fld_GetSubType cm__gdal.OGR_Fld_GetSubType
#define OGR_Fld_GetType cm__gdal.OGR_Fld_GetType
#define OGR_Fld_SetSubType cm__gdal.OGR_Fld_SetSubType
#define OGR_GT_Flatten cm__gdal.OGR_GT_Flatten
#define OGR_GT_IsNonLinear cm__gdal.OGR_GT_IsNonLinear
#define OGR_G_AddPoint_2D cm__gdal.OGR_G_AddPoint_2D
#define OGR_G_SetPoint_2D cm__gdal.OGR_G_SetPoint_2D
#define OGR_G_AddGeometryDirectly cm__gdal.OGR_G_AddGeometryDirectly
#define OGR_G_CloseRings cm__gdal.OGR_G_CloseRings
#define OGR_G_CreateFromWkt cm__gdal.OGR_G_CreateFromWkt
#define OGR_G_CreateGeometry cm__gdal.OGR_G_CreateGeometry
#define OGR_G_DestroyGeometry cm__gdal.OGR_G_DestroyGeometry
#define OGR_G_GetGeometryCount cm__gdal.OGR_G_GetGeometryCount
#define OGR_G_GetGeometryRef cm__gdal.OGR_G_GetGeometryRef
#define OGR_G_GetGeometryType cm__gdal.OGR_G_GetGeometryType
#define OGR_G_GetLinearGeometry cm__gdal.OGR_G_GetLinearGeometry
#define OGR_G_GetPointCount cm__gdal.OGR_G_GetPointCount
#define OGR_G_GetX cm__gdal.OGR_G_GetX
#define OGR_G_GetY cm__gdal.OGR_G_GetY
#define OGR_G_IsEmpty cm__gdal.OGR_G_IsEmpty
#define OGR_L_CreateFeature cm__gdal.OGR_L_CreateFeature
#define OGR_L_CreateField cm__gdal.OGR_L_CreateField
#define OGR_L_GetGeomType cm__gdal.OGR_L_GetGeomType
#define OGR_L_GetLayerDefn cm__gdal.OGR_L_GetLayerDefn
#define OGR_L_GetName cm__gdal.OGR_L_GetName
#define OGR_L_GetNextFeature cm__gdal.OGR_L_GetNextFeature
#define OGR_L_GetSpatialRef cm__gdal.OGR_L_GetSpatialRef
#define OGR_L_ResetReading cm__gdal.OGR_L_ResetReading
#define OSRDestroySpatialReference cm__gdal.OSRDestroySpatialReference
#define OSRExportToWktEx cm__gdal.OSRExportToWktEx
#define OSRGetAxis cm__gdal.OSRGetAxis
#define OSRGetDataAxisToSRSAxisMapping cm__gdal.OSRGetDataAxisToSRSAxisMapping
#define OSRIsGeographic cm__gdal.OSRIsGeographic
#define OSRNewSpatialReference cm__gdal.OSRNewSpatialReference
#define OSRSetAxisMappingStrategy cm__gdal.OSRSetAxisMappingStrategy
#define OSRSetWellKnownGeogCS cm__gdal.OSRSetWellKnownGeogCS
#endif
#endif

/* Open libgdal and register its drivers, once per process, from any
 * thread: CM_OK, or an error (about path, the file to read or write)
 * saying GDAL could not be loaded. */
int cm__ogr_register(const char *path, cm_error *err);

/* Fill l (zeroed but for its extent) from src through GDAL/OGR. */
int cm__layer_open_ogr(cm_layer *l, const cm_layer_source *src, cm_error *err);

/* --- attribute encodings (encoding.c) --- */

/* The iconv name ("UTF-8", "CP1251", "ISO-8859-5"...) for what a .cpg file
 * says ("utf8", "1251", "ANSI 1251", "8859-5"...), written to out. Returns 0,
 * or -1 when the name is not one we know. */
int cm__encoding_from_cpg(const char *cpg, char *out, size_t size);

/* The iconv name for a DBF language driver byte, or NULL when the byte is 0
 * or unknown (the caller then guesses from the bytes). Static storage. */
const char *cm__encoding_from_ldid(int ldid);

/* 1 when the n bytes at s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
int cm__utf8_valid(const char *s, size_t n);

/* 1 when the encoding name means UTF-8. */
int cm__encoding_is_utf8(const char *name);

/* A converter from one encoding to UTF-8. */
typedef struct cm_recoder cm_recoder;

/* Open a converter from encoding to UTF-8; NULL when iconv does not know it
 * or memory ran out. Free with cm__recoder_free. */
cm_recoder *cm__recoder_open(const char *encoding);

void cm__recoder_free(cm_recoder *r);

/* Convert the n bytes at in to UTF-8 in a new NUL-terminated string, which
 * the caller frees. Returns NULL when the bytes are not valid in the source
 * encoding or memory ran out (*bad is then 1 or 0). */
char *cm__recoder_convert(cm_recoder *r, const char *in, size_t n, int *bad);

#endif
