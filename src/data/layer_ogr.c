/* Layers from every vector format GDAL/OGR reads but shapefiles (which
 * layer.c reads itself): GeoJSON, GeoPackage, CSV with coordinate or WKT
 * columns, FlatGeobuf... The result is the same cm_layer a shapefile
 * gives: one kind of geometry, attributes as UTF-8 text, dates as
 * YYYY-MM-DD, so the time rules and styles apply unchanged. */

#define CM_GDAL_CALLS
#include "data_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One reading of one layer. */
typedef struct reader {
  cm_layer *l;
  const cm_layer_source *src;
  OGRLayerH layer;
  int xf, yf, wktf;     /* field indices, -1 when not given */
  int swap_xy;          /* the data gives northing first */
  cm_recoder *recoder;  /* NULL: the text must be UTF-8 already */
  size_t cap;           /* features the arrays have room for */
  cm_error *err;
} reader;


static int no_memory(const reader *r) {
  return cm_error_set(r->err, CM_ENOMEM, r->src->path, 0, 0,
                      "out of memory while reading the layer");
}

/* "feature N[, field 'F']: what", numbered from 1 as `controlmap info`. */
static int feature_error(const reader *r, size_t i, int field, const char *fmt,
                         ...) CM_PRINTF(4, 5);
static int feature_error(const reader *r, size_t i, int field, const char *fmt,
                         ...) {
  char what[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->layer);
  if (field >= 0)
    cm_error_set(r->err, CM_EDATA, r->src->path, 0, 0,
                 "feature %zu, field '%s': %s", i + 1,
                 OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, field)), what);
  else
    cm_error_set(r->err, CM_EDATA, r->src->path, 0, 0, "feature %zu: %s",
                 i + 1, what);
  return CM_EDATA;
}

/* The field names of the layer, "a, b, c", for hints. */
static void field_list(OGRLayerH layer, char *buf, size_t size) {
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
  size_t len = 0;
  buf[0] = '\0';
  for (int k = 0; k < OGR_FD_GetFieldCount(defn) && len + 8 < size; k++) {
    int n = snprintf(buf + len, size - len, "%s%s", k ? ", " : "",
                     OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, k)));
    len = n < 0 ? len : len + (size_t)n;
  }
  if (!buf[0])
    snprintf(buf, size, "none");
}

/* --- the dataset and the layer ------------------------------------------- */

static int open_dataset(const char *path, GDALDatasetH *ds, cm_error *err) {
  struct stat st;
  if (stat(path, &st) != 0) {
    cm_error_set(err, CM_EIO, path, 0, 0, "no such file");
    cm_error_hint(err, "check the path; it is read relative to the style");
    return CM_EIO;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    cm_error_set(err, CM_EIO, path, 0, 0, "is not a regular file");
    return CM_EIO;
  }
  CPLErrorReset();
  *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
  if (*ds)
    return CM_OK;
  const char *why = CPLGetLastErrorMsg();
  cm_error_set(err, CM_EDATA, path, 0, 0,
               "GDAL/OGR reads no vector data from it%s%.300s",
               why && *why ? ": " : "", why ? why : "");
  cm_error_hint(err, "give a shapefile, GeoJSON, GeoPackage, CSV, "
                     "FlatGeobuf or another format GDAL reads; "
                     "`ogrinfo FILE` shows what GDAL sees");
  return CM_EDATA;
}

static void layer_list(GDALDatasetH ds, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (int k = 0; k < GDALDatasetGetLayerCount(ds) && len + 8 < size; k++) {
    int n = snprintf(buf + len, size - len, "%s%s", k ? ", " : "",
                     OGR_L_GetName(GDALDatasetGetLayer(ds, k)));
    len = n < 0 ? len : len + (size_t)n;
  }
}

/* The layer the source names, or the file's only layer. */
static int choose_layer(GDALDatasetH ds, const char *path, const char *name,
                        OGRLayerH *out, cm_error *err) {
  int n = GDALDatasetGetLayerCount(ds);
  char names[400];
  layer_list(ds, names, sizeof names);
  *out = name ? GDALDatasetGetLayerByName(ds, name)
              : n == 1 ? GDALDatasetGetLayer(ds, 0) : NULL;
  if (*out)
    return CM_OK;
  if (n == 0)
    cm_error_set(err, CM_EDATA, path, 0, 0, "holds no vector layer");
  else if (name) {
    cm_error_set(err, CM_EDATA, path, 0, 0, "has no layer '%s'", name);
    cm_error_hint(err, "its layers: %s", names);
  } else {
    cm_error_set(err, CM_EUSAGE, path, 0, 0,
                 "holds %d layers; say which one to draw", n);
    cm_error_hint(err, "add layer: \"%s\"; to the Layer block (its layers: %s)",
                  OGR_L_GetName(GDALDatasetGetLayer(ds, 0)), names);
  }
  return n == 0 || name ? CM_EDATA : CM_EUSAGE;
}

/* Index of the field a coordinate option names; an error when absent. */
static int option_field(reader *r, const char *option, const char *name,
                        int *out) {
  *out = -1;
  if (!name)
    return CM_OK;
  *out = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(r->layer), name);
  if (*out >= 0)
    return CM_OK;
  char fields[400];
  field_list(r->layer, fields, sizeof fields);
  cm_error_set(r->err, CM_EDATA, r->src->path, 0, 0,
               "has no field '%s' for `%s`", name, option);
  cm_error_hint(r->err, "its fields: %s", fields);
  return CM_EDATA;
}

/* Where the geometry comes from: x and y fields, a WKT field, or the
 * layer's own geometry. */
static int geometry_source(reader *r) {
  const cm_layer_source *s = r->src;
  if (!s->x != !s->y || (s->x && s->wkt)) {
    cm_error_set(r->err, CM_EUSAGE, s->path, 0, 0, "%s",
                 s->wkt ? "give either x and y, or wkt, not both"
                        : "x and y go together");
    cm_error_hint(r->err, "e.g. x: lon; y: lat;  or  wkt: geometry;");
    return CM_EUSAGE;
  }
  int rc = option_field(r, "x", s->x, &r->xf);
  if (rc == CM_OK)
    rc = option_field(r, "y", s->y, &r->yf);
  if (rc == CM_OK)
    rc = option_field(r, "wkt", s->wkt, &r->wktf);
  if (rc != CM_OK || s->x || s->wkt ||
      OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(r->layer)) > 0)
    return rc;
  char fields[400];
  field_list(r->layer, fields, sizeof fields);
  cm_error_set(r->err, CM_EDATA, s->path, 0, 0, "has no geometry");
  cm_error_hint(r->err,
                "name its coordinate fields, e.g. x: lon; y: lat; or its WKT "
                "field with wkt: in the Layer block (its fields: %s)",
                fields);
  return CM_EDATA;
}

/* The CRS as WKT, and whether the data gives northing before easting (a
 * driver that keeps the CRS's own axis order for lat/lon). Coordinates
 * from fields are WGS 84 lon/lat, like a shapefile without .prj. */
static int read_crs(reader *r) {
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(r->layer);
  if (!srs || r->xf >= 0 || r->wktf >= 0)
    return CM_OK;
  int n = 0;
  const int *map = OSRGetDataAxisToSRSAxisMapping(srs, &n);
  OGRAxisOrientation first = OAO_Other;
  if (map && n >= 2 && map[0] >= 1)
    OSRGetAxis(srs, OSRIsGeographic(srs) ? "GEOGCS" : "PROJCS", map[0] - 1,
               &first);
  r->swap_xy = first == OAO_North || first == OAO_South;
  /* WKT 1 like a .prj where it can say the CRS, else WKT 2. */
  char *wkt = NULL;
  const char *wkt1[] = {"FORMAT=WKT1_GDAL", NULL}, *wkt2[] = {"FORMAT=WKT2_2019", NULL};
  if (OSRExportToWktEx(srs, &wkt, wkt1) != OGRERR_NONE || !wkt) {
    CPLFree(wkt);
    wkt = NULL;
    OSRExportToWktEx(srs, &wkt, wkt2);
  }
  if (!wkt) {
    CPLFree(wkt);
    cm_error_set(r->err, CM_EPROJ, r->src->path, 0, 0,
                 "its CRS cannot be written as WKT");
    return CM_EPROJ;
  }
  r->l->crs = strdup(wkt);
  CPLFree(wkt);
  return r->l->crs ? CM_OK : no_memory(r);
}

/* --- text ---------------------------------------------------------------- */

static int open_encoding(reader *r) {
  const char *name = r->src->encoding;
  snprintf(r->l->encoding, sizeof r->l->encoding, "UTF-8");
  if (!name)
    return CM_OK;
  if (cm__encoding_from_cpg(name, r->l->encoding, sizeof r->l->encoding) < 0)
    snprintf(r->l->encoding, sizeof r->l->encoding, "%.31s", name);
  if (cm__encoding_is_utf8(r->l->encoding))
    return CM_OK;
  r->recoder = cm__recoder_open(r->l->encoding);
  if (r->recoder)
    return CM_OK;
  cm_error_set(r->err, CM_EUSAGE, r->src->path, 0, 0, "unknown encoding '%s'",
               name);
  cm_error_hint(r->err, "e.g. UTF-8, CP1251, CP1252 or ISO-8859-1");
  return CM_EUSAGE;
}

/* s as UTF-8 in a new string (the caller frees), or NULL with *bad set
 * when s is not valid in the layer's encoding. */
static char *to_utf8(const reader *r, const char *s, int *bad) {
  size_t n = strlen(s);
  *bad = 0;
  if (r->recoder)
    return cm__recoder_convert(r->recoder, s, n, bad);
  if (!cm__utf8_valid(s, n)) {
    *bad = 1;
    return NULL;
  }
  return strdup(s);
}

static int bad_text(const reader *r, size_t i, int field) {
  feature_error(r, i, field, "the text is not valid %s", r->l->encoding);
  cm_error_hint(r->err, "%s", r->recoder
                                  ? "check the encoding: given in the Layer block"
                                  : "save the file as UTF-8, or name its "
                                    "encoding with encoding: \"CP1251\"; "
                                    "in the Layer block");
  return CM_EDATA;
}

/* Store text (trimmed) as the value of field k of feature row. */
static int store_text(reader *r, size_t row, int k, const char *text,
                      size_t i) {
  int bad;
  char *utf8 = to_utf8(r, text, &bad);
  if (!utf8)
    return bad ? bad_text(r, i, k) : no_memory(r);
  size_t n;
  char *s = cm__layer_trim(utf8, &n);
  size_t at = n ? cm__layer_text(r->l, s, n) : 0;
  free(utf8);
  if (at == SIZE_MAX)
    return no_memory(r);
  r->l->values[row * r->l->nfields + (size_t)k] = at;
  return CM_OK;
}

/* --- fields and values --------------------------------------------------- */

static cm_field_type field_kind(OGRFieldDefnH fd) {
  switch (OGR_Fld_GetType(fd)) {
  case OFTInteger:
    return OGR_Fld_GetSubType(fd) == OFSTBoolean ? CM_FIELD_LOGICAL
                                                 : CM_FIELD_INTEGER;
  case OFTInteger64: return CM_FIELD_INTEGER;
  case OFTReal: return CM_FIELD_DOUBLE;
  case OFTDate:
  case OFTDateTime: return CM_FIELD_DATE;
  default: return CM_FIELD_STRING;
  }
}

static int read_fields(reader *r) {
  cm_layer *l = r->l;
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(r->layer);
  l->nfields = (size_t)OGR_FD_GetFieldCount(defn);
  l->fields = calloc(l->nfields + 1, sizeof *l->fields);
  if (!l->fields)
    return no_memory(r);
  for (size_t k = 0; k < l->nfields; k++) {
    OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, (int)k);
    int bad;
    char *name = to_utf8(r, OGR_Fld_GetNameRef(fd), &bad);
    size_t at = name ? cm__layer_text(l, name, strlen(name)) : SIZE_MAX;
    free(name);
    if (at == SIZE_MAX && bad) {
      cm_error_set(r->err, CM_EDATA, r->src->path, 0, 0,
                   "the name of field %zu is not valid %s", k + 1, l->encoding);
      return CM_EDATA;
    }
    if (at == SIZE_MAX)
      return no_memory(r);
    l->fields[k] = (field_info){at, field_kind(fd), 0};
  }
  return CM_OK;
}

/* A date or date-time value as YYYY-MM-DD (the time of day is dropped:
 * maps are drawn by the day). */
static int store_date(reader *r, OGRFeatureH f, size_t row, int k, size_t i) {
  int y, m, d, hh, mm, tz;
  float ss;
  if (!OGR_F_GetFieldAsDateTimeEx(f, k, &y, &m, &d, &hh, &mm, &ss, &tz) ||
      y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
    return feature_error(r, i, k, "'%.40s' is not a date",
                         OGR_F_GetFieldAsString(f, k));
  char iso[16];
  snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
  return store_text(r, row, k, iso, i);
}

static int read_values(reader *r, OGRFeatureH f, size_t row, size_t i) {
  int rc = CM_OK;
  for (size_t k = 0; k < r->l->nfields && rc == CM_OK; k++) {
    int fk = (int)k;
    r->l->values[row * r->l->nfields + k] = 0;
    if (!OGR_F_IsFieldSetAndNotNull(f, fk))
      continue;
    switch (r->l->fields[k].type) {
    case CM_FIELD_DATE: rc = store_date(r, f, row, fk, i); break;
    case CM_FIELD_LOGICAL:
      rc = store_text(r, row, fk, OGR_F_GetFieldAsInteger(f, fk) ? "T" : "F", i);
      break;
    default: rc = store_text(r, row, fk, OGR_F_GetFieldAsString(f, fk), i);
    }
  }
  return rc;
}

/* --- geometry ------------------------------------------------------------ */

static cm_geom_type kind_of(OGRwkbGeometryType t) {
  switch (t) {
  case wkbPoint:
  case wkbMultiPoint: return CM_GEOM_POINT;
  case wkbLineString:
  case wkbMultiLineString: return CM_GEOM_LINE;
  case wkbPolygon:
  case wkbMultiPolygon: return CM_GEOM_POLYGON;
  default: return CM_GEOM_NONE;
  }
}

static const char *kind_name(cm_geom_type t) {
  return t == CM_GEOM_POINT ? "points" : t == CM_GEOM_LINE ? "lines" : "polygons";
}

static int add_point(const reader *r, cm_geom *g, double x, double y) {
  if (r->swap_xy) {
    double t = x;
    x = y;
    y = t;
  }
  if (!isfinite(x) || !isfinite(y))
    return CM_EDATA;
  return cm_geom_add_point(g, x, y);
}

/* The points of a point, line string or ring as one part of g. */
static int add_simple(const reader *r, OGRGeometryH h, cm_geom *g) {
  int n = OGR_G_GetPointCount(h);
  if (n <= 0)
    return CM_OK;
  int rc = cm_geom_begin_part(g);
  for (int k = 0; k < n && rc == CM_OK; k++)
    rc = add_point(r, g, OGR_G_GetX(h, k), OGR_G_GetY(h, k));
  return rc;
}

/* Every point, line string and ring of h, each a part of g. */
static int add_parts(const reader *r, OGRGeometryH h, cm_geom *g) {
  OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(h));
  if (t == wkbPoint || t == wkbLineString || t == wkbLinearRing)
    return add_simple(r, h, g);
  int rc = CM_OK;
  for (int k = 0; k < OGR_G_GetGeometryCount(h) && rc == CM_OK; k++)
    rc = add_parts(r, OGR_G_GetGeometryRef(h, k), g);
  return rc;
}

/* h into g; curves are cut into straight segments first. An empty or
 * missing geometry leaves g empty. */
static int convert_geom(reader *r, OGRGeometryH h, cm_geom *g, size_t i) {
  if (!h || OGR_G_IsEmpty(h))
    return CM_OK;
  OGRGeometryH linear = NULL;
  if (OGR_GT_IsNonLinear(OGR_G_GetGeometryType(h))) {
    linear = OGR_G_GetLinearGeometry(h, 0, NULL);
    if (!linear)
      return feature_error(r, i, -1, "its curves cannot be made straight");
    h = linear;
  }
  OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(h));
  g->type = kind_of(t);
  int rc = g->type == CM_GEOM_NONE ? CM_EUSAGE : add_parts(r, h, g);
  if (rc == CM_EUSAGE) {
    feature_error(r, i, -1, "a %s, which cannot be drawn", OGRGeometryTypeToName(t));
    cm_error_hint(r->err, "split it into points, lines and polygons, e.g. "
                          "with ogr2ogr -explodecollections");
  } else if (rc == CM_EDATA)
    feature_error(r, i, -1, "a coordinate is not a number (NaN or infinite)");
  else if (rc != CM_OK)
    no_memory(r);
  if (linear)
    OGR_G_DestroyGeometry(linear);
  return rc == CM_EUSAGE ? CM_EDATA : rc;
}

/* One coordinate from field k: 1 found, 0 empty, or an error. */
static int coordinate(reader *r, OGRFeatureH f, int k, size_t i, double *out) {
  if (!OGR_F_IsFieldSetAndNotNull(f, k))
    return 0;
  char text[64];
  snprintf(text, sizeof text, "%s", OGR_F_GetFieldAsString(f, k));
  size_t n;
  char *s = cm__layer_trim(text, &n), *end;
  if (!n)
    return 0;
  *out = strtod(s, &end);
  if (end != s && !*end && isfinite(*out))
    return 1;
  feature_error(r, i, k, "'%.40s' is not a number", s);
  cm_error_hint(r->err, "coordinates are decimal degrees with a point, e.g. 46.75");
  return CM_EDATA;
}

/* A point from the x and y fields: WGS 84 lon/lat. Both empty: no point. */
static int point_from_fields(reader *r, OGRFeatureH f, cm_geom *g, size_t i) {
  double x = 0, y = 0;
  int hx = coordinate(r, f, r->xf, i, &x);
  int hy = hx < 0 ? hx : coordinate(r, f, r->yf, i, &y);
  if (hx < 0 || hy < 0)
    return CM_EDATA;
  if (hx != hy)
    return feature_error(r, i, hx ? r->yf : r->xf,
                         "is empty, but the other coordinate is not");
  if (!hx)
    return CM_OK;
  if (fabs(y) > 90 || x < -180 || x > 360) {
    feature_error(r, i, fabs(y) > 90 ? r->yf : r->xf,
                  "%g is not a %s", fabs(y) > 90 ? y : x,
                  fabs(y) > 90 ? "latitude (-90 to 90)" : "longitude (-180 to 360)");
    cm_error_hint(r->err, "x is the longitude (east), y the latitude (north), "
                          "in degrees on WGS 84");
    return CM_EDATA;
  }
  g->type = CM_GEOM_POINT;
  return cm_geom_add_point(g, x, y) == CM_OK ? CM_OK : no_memory(r);
}

static int geom_from_wkt(reader *r, OGRFeatureH f, cm_geom *g, size_t i) {
  if (!OGR_F_IsFieldSetAndNotNull(f, r->wktf))
    return CM_OK;
  const char *text = OGR_F_GetFieldAsString(f, r->wktf);
  char *p = (char *)text;
  OGRGeometryH h = NULL;
  if (strspn(text, " \t\r\n") == strlen(text))
    return CM_OK;
  if (OGR_G_CreateFromWkt(&p, NULL, &h) != OGRERR_NONE || !h) {
    feature_error(r, i, r->wktf, "'%.40s' is not WKT geometry", text);
    cm_error_hint(r->err, "write e.g. POINT (46.75 39.81) or "
                          "POLYGON ((46 39, 47 39, 47 40, 46 39))");
    return CM_EDATA;
  }
  int rc = convert_geom(r, h, g, i);
  OGR_G_DestroyGeometry(h);
  return rc;
}

static int feature_geom(reader *r, OGRFeatureH f, cm_geom *g, size_t i) {
  if (r->xf >= 0)
    return point_from_fields(r, f, g, i);
  if (r->wktf >= 0)
    return geom_from_wkt(r, f, g, i);
  return convert_geom(r, OGR_F_GetGeometryRef(f), g, i);
}

/* --- features ------------------------------------------------------------ */

/* Room for one more feature in every per-feature array. */
static int grow(reader *r) {
  cm_layer *l = r->l;
  if (l->count < r->cap)
    return CM_OK;
  size_t cap = r->cap ? 2 * r->cap : 64;
  size_t row = l->nfields ? l->nfields : 1;
  if (cap > SIZE_MAX / sizeof(cm_geom) / row)
    return no_memory(r);
  cm_geom *features = realloc(l->features, cap * sizeof *features);
  if (features)
    l->features = features;
  size_t *records = realloc(l->records, cap * sizeof *records);
  if (records)
    l->records = records;
  size_t *values = realloc(l->values, cap * row * sizeof *values);
  if (values)
    l->values = values;
  if (!features || !records || !values)
    return no_memory(r);
  r->cap = cap;
  return CM_OK;
}

static int keep_feature(reader *r, OGRFeatureH f, cm_geom *g, size_t i) {
  cm_layer *l = r->l;
  if (l->geom_type == CM_GEOM_NONE)
    l->geom_type = g->type;
  else if (g->type != l->geom_type) {
    feature_error(r, i, -1, "%s in a layer of %s", kind_name(g->type),
                  kind_name(l->geom_type));
    cm_error_hint(r->err, "a layer holds one kind of geometry; split the "
                          "file, e.g. with ogr2ogr -where");
    return CM_EDATA;
  }
  int rc = grow(r);
  if (rc == CM_OK)
    rc = read_values(r, f, l->count, i);
  if (rc != CM_OK)
    return rc;
  for (size_t k = 0; k < g->npoints; k++)
    cm_bbox_extend(&l->extent, g->points[k].x, g->points[k].y);
  l->features[l->count] = *g;
  l->records[l->count++] = i;
  *g = (cm_geom){0};
  return CM_OK;
}

static int read_features(reader *r) {
  OGR_L_ResetReading(r->layer);
  CPLErrorReset();
  OGRFeatureH f;
  size_t i = 0;
  int rc = CM_OK;
  while (rc == CM_OK && (f = OGR_L_GetNextFeature(r->layer))) {
    cm_geom g;
    cm_geom_init(&g, CM_GEOM_NONE);
    rc = feature_geom(r, f, &g, i);
    if (rc == CM_OK && g.npoints == 0)
      r->l->nulls++;
    else if (rc == CM_OK)
      rc = keep_feature(r, f, &g, i);
    cm_geom_free(&g);
    OGR_F_Destroy(f);
    i++;
  }
  if (rc == CM_OK && CPLGetLastErrorType() >= CE_Failure) {
    cm_error_set(r->err, CM_EDATA, r->src->path, 0, 0,
                 "cannot read feature %zu: %.300s", i + 1, CPLGetLastErrorMsg());
    cm_error_hint(r->err, "the file is damaged or cut short; export it again");
    rc = CM_EDATA;
  }
  return rc;
}

/* A name for the layer's geometry type as the file states it. */
static const char *type_name(OGRLayerH layer, cm_geom_type kind) {
  switch (wkbFlatten(OGR_L_GetGeomType(layer))) {
  case wkbPoint: return "Point";
  case wkbMultiPoint: return "MultiPoint";
  case wkbLineString: return "LineString";
  case wkbMultiLineString: return "MultiLineString";
  case wkbPolygon: return "Polygon";
  case wkbMultiPolygon: return "MultiPolygon";
  default: break;
  }
  return kind == CM_GEOM_POINT ? "Point" : kind == CM_GEOM_LINE ? "LineString"
       : kind == CM_GEOM_POLYGON ? "Polygon" : "None";
}

static int read_layer(reader *r, GDALDatasetH ds) {
  cm_layer *l = r->l;
  snprintf(l->format, sizeof l->format, "%s",
           GDALGetDriverShortName(GDALGetDatasetDriver(ds)));
  int rc = choose_layer(ds, r->src->path, r->src->layer, &r->layer, r->err);
  if (rc == CM_OK)
    rc = geometry_source(r);
  if (rc == CM_OK)
    rc = read_crs(r);
  if (rc == CM_OK)
    rc = open_encoding(r);
  if (rc == CM_OK)
    rc = read_fields(r);
  if (rc == CM_OK)
    rc = read_features(r);
  if (rc == CM_OK) {
    if (r->xf >= 0)
      l->geom_type = CM_GEOM_POINT;
    l->type_name = r->xf >= 0 ? "Point" : type_name(r->layer, l->geom_type);
  }
  return rc;
}

int cm__layer_open_ogr(cm_layer *l, const cm_layer_source *src, cm_error *err) {
  int loaded = cm__ogr_register(src->path, err);
  if (loaded != CM_OK)
    return loaded;
  l->path = strdup(src->path);
  l->features = calloc(1, sizeof *l->features);
  l->records = calloc(1, sizeof *l->records);
  l->values = calloc(1, sizeof *l->values);
  reader r = {.l = l, .src = src, .xf = -1, .yf = -1, .wktf = -1, .err = err};
  if (!l->path || !l->features || !l->records || !l->values ||
      cm__layer_text(l, "", 0) != 0)
    return no_memory(&r);
  CPLPushErrorHandler(CPLQuietErrorHandler);
  GDALDatasetH ds = NULL;
  int rc = open_dataset(src->path, &ds, err);
  if (rc == CM_OK)
    rc = read_layer(&r, ds);
  if (ds)
    GDALClose(ds);
  CPLPopErrorHandler();
  cm__recoder_free(r.recoder);
  return rc;
}
