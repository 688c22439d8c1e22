#ifndef CONTROLMAP_PROJ_H
#define CONTROLMAP_PROJ_H

/* Projection through PROJ: a transform from a source CRS (a layer's) to the
 * map's CRS, always in x = longitude/easting, y = latitude/northing order
 * whatever the CRS definition says. */

#include "controlmap/common.h"
#include "controlmap/error.h"
#include "controlmap/geom.h"

CM_BEGIN_DECLS

typedef struct cm_proj cm_proj;

/* A transform from src to dst. Each may be "EPSG:n", a PROJ string
 * ("+proj=lcc ..."), or WKT (including ESRI WKT from a .prj); NULL or ""
 * means WGS 84 lon/lat. An unknown CRS fails with CM_EPROJ naming it.
 * *out is the caller's, freed with cm_proj_free. A cm_proj is used by one
 * thread at a time. */
CM_EXTERN int cm_proj_create(cm_proj **out, const char *src, const char *dst,
                             cm_error *err);

CM_EXTERN void cm_proj_free(cm_proj *p);

/* 1 when the destination CRS is geographic (degrees). */
CM_EXTERN int cm_proj_dst_is_geographic(const cm_proj *p);

/* Metres per destination unit (for degrees, the length of one along the
 * equator); 0 when the CRS does not say. */
CM_EXTERN double cm_proj_dst_metres(const cm_proj *p);

/* Transform n points in place, source to destination. Points that cannot
 * be transformed become HUGE_VAL; returns how many did. */
CM_EXTERN size_t cm_proj_forward(const cm_proj *p, cm_point *pts, size_t n);

/* Destination back to source, in place; returns how many succeeded. */
CM_EXTERN size_t cm_proj_inverse(const cm_proj *p, cm_point *pts, size_t n);

/* Densify g so no segment is longer than max_seg source units (degrees for
 * lon/lat; 0 for none), transform it, and write the result to out (out is
 * overwritten, not freed). Parts with points that fail to transform are
 * dropped. Returns 0 or CM_ENOMEM. */
CM_EXTERN int cm_proj_geom(const cm_proj *p, const cm_geom *g, double max_seg,
                           cm_geom *out);

/* How closely cm_proj_geom_fit follows the curves that straight source
 * edges become. */
typedef struct cm_proj_fit {
  double tol;     /* in: the most, in destination units, a drawn edge may
                     stray from the projected curve (0: never densify) */
  cm_bbox view;   /* in: edges whose curve lies wholly outside it (in
                     destination units) are not densified; an empty box
                     means everywhere */
  size_t budget;  /* in/out: points densifying may still add */
  size_t failed;  /* out, on CM_EPROJ: index in g->points of the first
                     point that cannot be transformed */
  size_t wanted;  /* out, on CM_ENOMEM past the budget: the points g
                     needed (0 when memory itself ran out) */
} cm_proj_fit;

/* Transform g into out (overwritten, not freed), cutting an edge only
 * where the projection bends it by more than fit->tol, and then into as
 * many pieces as that bend needs: an identical or affine transformation
 * adds no point. Costs three transformations of the points. Returns 0;
 * CM_ENOMEM when more than fit->budget points would be added (out is then
 * empty, fit->wanted says how many); CM_EPROJ when a point cannot be transformed (fit->failed says
 * which; out is empty). */
CM_EXTERN int cm_proj_geom_fit(const cm_proj *p, const cm_geom *g, cm_proj_fit *fit,
                               cm_geom *out);

/* Check that crs is something PROJ understands; 0 or CM_EPROJ. */
CM_EXTERN int cm_proj_check(const char *crs, cm_error *err);

/* 1 when crs (as cm_proj_create takes it; NULL for WGS 84) is known and
 * geographic, in degrees of longitude and latitude; else 0. */
CM_EXTERN int cm_proj_is_geographic(const char *crs);

/* Check that crs can be a map's srs: something PROJ understands (as
 * cm_proj_check) that is a map projection or geographic, flat x and y,
 * not a geocentric, vertical or engineering CRS. 0 or CM_EPROJ. */
CM_EXTERN int cm_proj_check_map(const char *crs, cm_error *err);

/* Geodesic distance in metres between two lon/lat points on WGS 84. */
CM_EXTERN double cm_geodesic_distance(double lon1, double lat1, double lon2,
                                      double lat2);

/* Area in square metres enclosed by a ring of n lon/lat points on the WGS
 * 84 ellipsoid, whatever its orientation, the edges being geodesics
 * (Karney's algorithm, PROJ's geod_polygonarea); the ring need not repeat
 * its first point. */
CM_EXTERN double cm_geodesic_ring_area(const cm_point *lonlat, size_t n);

/* Point at distance metres from lon/lat along azimuth (degrees clockwise
 * from north) on WGS 84. */
CM_EXTERN void cm_geodesic_direct(double lon, double lat, double azimuth, double metres,
                                  double *lon2, double *lat2);

CM_END_DECLS

#endif
