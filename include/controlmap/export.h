#ifndef CONTROLMAP_EXPORT_H
#define CONTROLMAP_EXPORT_H

/* Export: the features a map shows on a day, with their attributes, as
 * data for QGIS, R or Python: GeoJSON, GeoPackage or CSV (geometry as
 * WKT), always in WGS 84 longitude/latitude, written through GDAL/OGR. */

#include "controlmap/common.h"
#include "controlmap/date.h"
#include "controlmap/error.h"
#include "controlmap/map.h"

CM_BEGIN_DECLS

/* Write the features of layer (a Layer block's name) valid on day to path,
 * whose extension names the format: .geojson or .json, .gpkg, .csv. With
 * layer NULL: every layer of the style into a GeoPackage, or the style's
 * only layer into GeoJSON or CSV (which hold one layer each). The file is
 * written under a temporary name and renamed when whole. Fails with
 * CM_EUSAGE for an unknown extension or layer (listing the style's
 * layers), CM_EIO when the file cannot be written. Returns the number of
 * features written, or a negative code. */
CM_EXTERN int cm_export(const cm_map *map, const char *layer, cm_day day,
                        const char *path, cm_error *err);

CM_END_DECLS

#endif
