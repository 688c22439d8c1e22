/* Export through GDAL/OGR: the features a map shows on a day, as GeoJSON,
 * GeoPackage or CSV in WGS 84 lon/lat. Polygons are written with outer
 * rings counter-clockwise and holes clockwise inside them (as GeoJSON's
 * RFC 7946 asks), which the even-odd rings controlmap keeps do not say. */

#include "controlmap/export.h"
#include "controlmap/proj.h"

#include "util_internal.h"
#define CM_GDAL_CALLS
#include "data_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Formats by extension: the GDAL driver and layer creation options. */
typedef struct export_format {
  const char *ext, *driver;
  const char *options[3];
} export_format;

static const export_format formats[] = {
    {".geojson", "GeoJSON", {NULL}},
    {".json", "GeoJSON", {NULL}},
    {".gpkg", "GPKG", {NULL}},
    {".csv", "CSV", {"GEOMETRY=AS_WKT", "CREATE_CSVT=NO", NULL}},
};

static const export_format *format_of(const char *path, cm_error *err) {
  size_t n = strlen(path);
  for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
    size_t m = strlen(formats[i].ext);
    if (n > m && !strcasecmp(path + n - m, formats[i].ext))
      return &formats[i];
  }
  cm_error_set(err, CM_EUSAGE, path, 0, 0, "cannot tell the export format");
  cm_error_hint(err, "end the name in .geojson, .gpkg or .csv");
  return NULL;
}

/* --- which layers -------------------------------------------------------- */

static void layer_names(const cm_map *map, char *buf, size_t size) {
  size_t len = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < cm_map_layer_count(map) && len + 8 < size; i++) {
    int n = snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
                     cm_map_layer_style(map, i)->name);
    len = n < 0 ? len : len + (size_t)n;
  }
}

/* The map layers to write: *first and *count. */
static int choose_layers(const cm_map *map, const char *layer,
                         const export_format *f, const char *path,
                         size_t *first, size_t *count, cm_error *err) {
  size_t n = cm_map_layer_count(map);
  char names[400];
  layer_names(map, names, sizeof names);
  *first = 0;
  *count = n;
  for (size_t i = 0; layer && i < n; i++)
    if (!strcmp(cm_map_layer_style(map, i)->name, layer)) {
      *first = i;
      *count = 1;
      return CM_OK;
    }
  if (layer) {
    cm_error_set(err, CM_EUSAGE, path, 0, 0, "the style has no layer '%s'", layer);
    cm_error_hint(err, "its layers: %s", names);
    return CM_EUSAGE;
  }
  if (n == 1 || !strcmp(f->driver, "GPKG"))
    return CM_OK;
  cm_error_set(err, CM_EUSAGE, path, 0, 0,
               "a %s file holds one layer, and the style has %zu", f->driver, n);
  cm_error_hint(err, "choose one with -l (its layers: %s), or write a .gpkg", names);
  return CM_EUSAGE;
}

/* --- geometry ------------------------------------------------------------ */

static OGRGeometryH ring_of(const cm_point *p, size_t n, int clockwise) {
  OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
  int cw = cm_ring_area(p, n) < 0;
  for (size_t k = 0; k < n; k++) {
    const cm_point *q = cw == clockwise ? &p[k] : &p[n - 1 - k];
    OGR_G_AddPoint_2D(ring, q->x, q->y);
  }
  OGR_G_CloseRings(ring);
  return ring;
}

/* Polygons: each outer ring (even depth) with the holes right inside it. */
static OGRGeometryH polygons_of(const cm_geom *g) {
  size_t n = g->nparts;
  size_t *depth = malloc((n ? n : 1) * sizeof *depth);
  size_t *parent = malloc((n ? n : 1) * sizeof *parent);
  OGRGeometryH multi = NULL;
  if (depth && parent && cm_geom_ring_nesting(g, depth, parent) == CM_OK) {
    multi = OGR_G_CreateGeometry(wkbMultiPolygon);
    for (size_t i = 0; i < n; i++) {
      if (depth[i] % 2 || cm_geom_part_size(g, i) < 3)
        continue;
      OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
      OGR_G_AddGeometryDirectly(poly, ring_of(cm_geom_part(g, i), cm_geom_part_size(g, i), 0));
      for (size_t h = 0; h < n; h++)
        if (parent[h] == i && depth[h] % 2 && cm_geom_part_size(g, h) >= 3)
          OGR_G_AddGeometryDirectly(poly, ring_of(cm_geom_part(g, h), cm_geom_part_size(g, h), 1));
      OGR_G_AddGeometryDirectly(multi, poly);
    }
  }
  free(depth);
  free(parent);
  return multi;
}

/* Lines as a multi-line string, points as a point or a multi-point. */
static OGRGeometryH lines_or_points_of(const cm_geom *g) {
  int points = g->type == CM_GEOM_POINT;
  if (points && g->nparts == 1) {
    OGRGeometryH point = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(point, 0, g->points[0].x, g->points[0].y);
    return point;
  }
  OGRGeometryH multi = OGR_G_CreateGeometry(points ? wkbMultiPoint : wkbMultiLineString);
  for (size_t i = 0; i < g->nparts; i++) {
    const cm_point *p = cm_geom_part(g, i);
    size_t n = cm_geom_part_size(g, i);
    if (!points && n < 2)
      continue;
    OGRGeometryH part = OGR_G_CreateGeometry(points ? wkbPoint : wkbLineString);
    for (size_t k = 0; k < n; k++)
      OGR_G_AddPoint_2D(part, p[k].x, p[k].y);
    OGR_G_AddGeometryDirectly(multi, part);
  }
  return multi;
}

static OGRGeometryH ogr_geom_of(const cm_geom *g) {
  return g->type == CM_GEOM_POLYGON ? polygons_of(g) : lines_or_points_of(g);
}

/* --- layers and features ------------------------------------------------- */

static OGRFieldType field_type(cm_field_type t, OGRFieldSubType *sub) {
  *sub = OFSTNone;
  switch (t) {
  case CM_FIELD_INTEGER: return OFTInteger64;
  case CM_FIELD_DOUBLE: return OFTReal;
  case CM_FIELD_LOGICAL: *sub = OFSTBoolean; return OFTInteger;
  case CM_FIELD_DATE: return OFTDate;
  default: return OFTString;
  }
}

static OGRwkbGeometryType layer_type(cm_geom_type t) {
  return t == CM_GEOM_POLYGON ? wkbMultiPolygon
         : t == CM_GEOM_LINE  ? wkbMultiLineString
                              : wkbUnknown; /* points and multi-points */
}

static int write_error(cm_error *err, const char *path, const char *what) {
  const char *why = CPLGetLastErrorMsg();
  cm_error_set(err, CM_EIO, path, 0, 0, "cannot write %s%s%.300s", what,
               why && *why ? ": " : "", why ? why : "");
  return CM_EIO;
}

static OGRLayerH create_layer(GDALDatasetH ds, const char *name,
                              const cm_layer *data, const export_format *f,
                              OGRSpatialReferenceH wgs84) {
  OGRLayerH out = GDALDatasetCreateLayer(ds, name, wgs84,
                                         layer_type(cm_layer_geom_type(data)),
                                         (char **)f->options);
  for (size_t k = 0; out && k < cm_layer_field_count(data); k++) {
    OGRFieldSubType sub;
    OGRFieldDefnH fd = OGR_Fld_Create(cm_layer_field_name(data, k),
                                      field_type(cm_layer_field_type(data, k), &sub));
    OGR_Fld_SetSubType(fd, sub);
    if (OGR_L_CreateField(out, fd, 1) != OGRERR_NONE)
      out = NULL;
    OGR_Fld_Destroy(fd);
  }
  return out;
}

static void set_fields(OGRFeatureH feat, const cm_layer *data, size_t f) {
  for (size_t k = 0; k < cm_layer_field_count(data); k++) {
    const char *v = cm_layer_value(data, f, k);
    if (!*v)
      OGR_F_SetFieldNull(feat, (int)k);
    else if (cm_layer_field_type(data, k) == CM_FIELD_LOGICAL)
      OGR_F_SetFieldInteger(feat, (int)k, *v == 'T');
    else
      OGR_F_SetFieldString(feat, (int)k, v);
  }
}

/* One feature in lon/lat; 1 written, 0 nothing left to write, or an error. */
static int write_feature(OGRLayerH out, const cm_layer *data, size_t f,
                         const cm_proj *to_lonlat, const char *path,
                         cm_error *err) {
  cm_geom g;
  cm_geom_init(&g, cm_layer_geom_type(data));
  const cm_geom *src = cm_layer_geom(data, f);
  if (to_lonlat && cm_proj_geom(to_lonlat, src, 0, &g) != CM_OK)
    return cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory");
  if (!to_lonlat && cm_geom_copy(&g, src) != CM_OK)
    return cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory");
  OGRGeometryH geom = g.npoints ? ogr_geom_of(&g) : NULL;
  cm_geom_free(&g);
  if (!geom)
    return 0;
  OGRFeatureH feat = OGR_F_Create(OGR_L_GetLayerDefn(out));
  OGR_F_SetGeometryDirectly(feat, geom);
  set_fields(feat, data, f);
  OGRErr e = OGR_L_CreateFeature(out, feat);
  OGR_F_Destroy(feat);
  return e == OGRERR_NONE ? 1 : write_error(err, path, "a feature");
}

/* Every feature of map layer i valid on day into a new layer of ds. */
static int write_layer(GDALDatasetH ds, const cm_map *map, size_t i, cm_day day,
                       const export_format *f, OGRSpatialReferenceH wgs84,
                       const char *path, cm_error *err) {
  const cm_layer *data = cm_map_layer_data(map, i);
  OGRLayerH out = create_layer(ds, cm_map_layer_style(map, i)->name, data, f, wgs84);
  if (!out)
    return write_error(err, path, "the layer");
  cm_proj *to_lonlat = NULL;
  int rc = cm_layer_crs(data) ? cm_proj_create(&to_lonlat, cm_layer_crs(data), NULL, err)
                              : CM_OK;
  int written = 0;
  for (size_t fi = 0; rc >= 0 && fi < cm_layer_count(data); fi++)
    if (cm_map_feature_visible(map, i, fi, day) &&
        (rc = write_feature(out, data, fi, to_lonlat, path, err)) > 0)
      written++;
  cm_proj_free(to_lonlat);
  return rc < 0 ? rc : written;
}

static int write_dataset(const char *tmp, const cm_map *map, size_t first,
                         size_t count, cm_day day, const export_format *f,
                         const char *path, cm_error *err) {
  GDALDriverH drv = GDALGetDriverByName(f->driver);
  GDALDatasetH ds = drv ? GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL) : NULL;
  if (!ds)
    return write_error(err, path, "the file");
  OGRSpatialReferenceH wgs84 = OSRNewSpatialReference(NULL);
  OSRSetWellKnownGeogCS(wgs84, "WGS84");
  OSRSetAxisMappingStrategy(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  int rc = 0, total = 0;
  for (size_t i = first; rc >= 0 && i < first + count; i++)
    if ((rc = write_layer(ds, map, i, day, f, wgs84, path, err)) > 0)
      total += rc;
  OSRDestroySpatialReference(wgs84);
  CPLErrorReset();
  GDALClose(ds);
  if (rc >= 0 && CPLGetLastErrorType() >= CE_Failure)
    rc = write_error(err, path, "the file");
  return rc < 0 ? rc : total;
}

int cm_export(const cm_map *map, const char *layer, cm_day day,
              const char *path, cm_error *err) {
  const export_format *f = format_of(path, err);
  size_t first, count;
  if (!f)
    return CM_EUSAGE;
  int rc = choose_layers(map, layer, f, path, &first, &count, err);
  if (rc == CM_OK)
    rc = cm__ogr_register(path, err);
  cm_atomic_file reserved;
  if (rc != CM_OK || (rc = cm__atomic_open(&reserved, path, err)) != CM_OK)
    return rc;
  /* GDAL writes beside the reserved name, keeping the extension, which the
   * CSV driver needs (without it, it makes a folder). */
  char tmp[sizeof reserved.tmp + 16];
  snprintf(tmp, sizeof tmp, "%s%s", reserved.tmp, f->ext);
  CPLPushErrorHandler(CPLQuietErrorHandler);
  rc = write_dataset(tmp, map, first, count, day, f, path, err);
  CPLPopErrorHandler();
  if (rc >= 0 && rename(tmp, path) != 0)
    rc = cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
  if (rc < 0)
    unlink(tmp);
  fclose(reserved.f);
  unlink(reserved.tmp);
  return rc;
}
