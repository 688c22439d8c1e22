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

/* Register GDAL's drivers, once per process, from any thread. */
void cm__ogr_register(void);

/* Fill l (zeroed but for its extent) from src through GDAL/OGR. */
int cm__layer_open_ogr(cm_layer *l, const cm_layer_source *src, cm_error *err);

/* --- attribute encodings (encoding.c) --- */

/* The iconv name ("UTF-8", "CP1251", "ISO-8859-5"...) for what a .cpg file
 * says ("utf8", "1251", "ANSI 1251", "8859-5"...), written to out. Returns 0,
 * or -1 when the name is not one we know. */
int cm_encoding_from_cpg(const char *cpg, char *out, size_t size);

/* The iconv name for a DBF language driver byte, or NULL when the byte is 0
 * or unknown (the caller then guesses from the bytes). Static storage. */
const char *cm_encoding_from_ldid(int ldid);

/* 1 when the n bytes at s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
int cm_utf8_valid(const char *s, size_t n);

/* 1 when the encoding name means UTF-8. */
int cm_encoding_is_utf8(const char *name);

/* A converter from one encoding to UTF-8. */
typedef struct cm_recoder cm_recoder;

/* Open a converter from encoding to UTF-8; NULL when iconv does not know it
 * or memory ran out. Free with cm_recoder_free. */
cm_recoder *cm_recoder_open(const char *encoding);

void cm_recoder_free(cm_recoder *r);

/* Convert the n bytes at in to UTF-8 in a new NUL-terminated string, which
 * the caller frees. Returns NULL when the bytes are not valid in the source
 * encoding or memory ran out (*bad is then 1 or 0). */
char *cm_recoder_convert(cm_recoder *r, const char *in, size_t n, int *bad);

#endif
