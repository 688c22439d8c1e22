#ifndef CONTROLMAP_PROJ_H
#define CONTROLMAP_PROJ_H

/* Projection through PROJ: a transform from a source CRS (a layer's) to the
 * map's CRS, always in x = longitude/easting, y = latitude/northing order
 * whatever the CRS definition says. */

#include "controlmap/error.h"
#include "controlmap/geom.h"

typedef struct cm_proj cm_proj;

/* A transform from src to dst. Each may be "EPSG:n", a PROJ string
 * ("+proj=lcc ..."), or WKT (including ESRI WKT from a .prj); NULL or ""
 * means WGS 84 lon/lat. An unknown CRS fails with CM_EPROJ naming it.
 * *out is the caller's, freed with cm_proj_free. A cm_proj is used by one
 * thread at a time. */
int cm_proj_create(cm_proj **out, const char *src, const char *dst,
                   cm_error *err);

void cm_proj_free(cm_proj *p);

/* 1 when the destination CRS is geographic (degrees). */
int cm_proj_dst_is_geographic(const cm_proj *p);

/* Transform n points in place, source to destination. Points that cannot
 * be transformed become HUGE_VAL; returns how many did. */
size_t cm_proj_forward(const cm_proj *p, cm_point *pts, size_t n);

/* Destination back to source, in place; returns how many succeeded. */
size_t cm_proj_inverse(const cm_proj *p, cm_point *pts, size_t n);

/* Densify g so no segment is longer than max_seg source units (degrees for
 * lon/lat; 0 for none), transform it, and write the result to out (out is
 * overwritten, not freed). Parts with points that fail to transform are
 * dropped. Returns 0 or CM_ENOMEM. */
int cm_proj_geom(const cm_proj *p, const cm_geom *g, double max_seg,
                 cm_geom *out);

/* Check that crs is something PROJ understands; 0 or CM_EPROJ. */
int cm_proj_check(const char *crs, cm_error *err);

/* Geodesic distance in metres between two lon/lat points on WGS 84. */
double cm_geodesic_distance(double lon1, double lat1, double lon2,
                            double lat2);

/* Area in square metres enclosed by a ring of n lon/lat points on the WGS
 * 84 ellipsoid, whatever its orientation, the edges being geodesics
 * (Karney's algorithm, PROJ's geod_polygonarea); the ring need not repeat
 * its first point. */
double cm_geodesic_ring_area(const cm_point *lonlat, size_t n);

/* Point at distance metres from lon/lat along azimuth (degrees clockwise
 * from north) on WGS 84. */
void cm_geodesic_direct(double lon, double lat, double azimuth, double metres,
                        double *lon2, double *lat2);

#endif
