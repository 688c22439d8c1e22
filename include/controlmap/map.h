#ifndef CONTROLMAP_MAP_H
#define CONTROLMAP_MAP_H

/* A map: a style with its layers loaded, their dates read and their
 * geometry projected into map units and clipped to the view, once. Any
 * number of dates are then composed from it (see compose.h); a cm_map is
 * read-only after cm_map_open, so several threads may compose from it. */

#include "controlmap/common.h"
#include "controlmap/date.h"
#include "controlmap/error.h"
#include "controlmap/layer.h"
#include "controlmap/style.h"

CM_BEGIN_DECLS

typedef struct cm_map cm_map;

/* Load the style at path, then every layer it names, then project.
 * *out is the caller's, freed with cm_map_free. On failure err names the
 * file (the style, a shapefile or its .prj) and what to do. */
CM_EXTERN int cm_map_open(cm_map **out, const char *style_path, cm_error *err);

/* The value that filters and templates of a dated layer may read besides
 * the data's fields: the map's date minus the feature's date (or start),
 * in days. */
#define CM_AGE_DAYS "age_days"

/* Open the data of one Layer block: its file, with its `layer`, `x`, `y`,
 * `wkt` and `encoding` (see cm_layer_open_source). *out is the caller's,
 * freed with cm_layer_free. */
CM_EXTERN int cm_map_layer_open(cm_layer **out, const cm_style_layer *layer,
                                cm_error *err);

/* Check that every field the style's selectors and templates name for
 * layer exists in data ([name] is name_<lang>, name_en or name). The first
 * missing one goes to err, every one is appended to all (may be NULL).
 * Returns 0 or CM_EDATA. cm_map_open does this for every layer. */
CM_EXTERN int cm_map_check_fields(const cm_style *style, const char *layer,
                                  const cm_layer *data, cm_error *err, cm_errors *all);

/* Check that the file a Layer block names exists. CM_EIO when it does not,
 * with err at the block's line and a "did you mean" among the files of its
 * folder. cm_map_open does this for every layer. */
CM_EXTERN int cm_map_check_file(const cm_style *style, const cm_style_layer *layer,
                                cm_error *err);

/* The interval [from[f], to[f]) during which each feature of data is on
 * the map, as the Layer block sl of style says: `time: start end;` or
 * `time: date;` (an instant: its day), lengthened by `time-window`. from
 * and to hold cm_layer_count(data) days each. A missing field, or dates
 * that are not dates, fail with CM_EDATA naming the records. */
CM_EXTERN int cm_map_layer_times(const cm_style *style, const cm_style_layer *sl,
                                 const cm_layer *data, cm_day *from, cm_day *to,
                                 cm_error *err);

/* Check that every point of data lies within longitude -180..180 and
 * latitude -90..90 when its CRS is geographic (no .prj: WGS 84). The first
 * point out of range goes to err, one per feature to all (may be NULL),
 * each naming the record. Returns 0 or CM_EDATA (CM_ENOMEM when all cannot
 * grow). cm_map_open does this for every layer. */
CM_EXTERN int cm_map_check_coordinates(const cm_layer *data, cm_error *err,
                                       cm_errors *all);

/* 1 when one scale bar can be true on the map: the ground per page point
 * at the frame's centre, edges and corners differs by less than a factor
 * of two (a whole hemisphere in most projections does not, and a bar
 * would be wrong nearly everywhere); 0 also when the frame's centre is
 * off the Earth. The composer leaves the scale bar out when it is 0. */
CM_EXTERN int cm_map_scale_is_uniform(const cm_map *map);

/* The same from a parsed style; the map takes ownership of style, even on
 * failure. */
CM_EXTERN int cm_map_open_style(cm_map **out, cm_style *style, cm_error *err);

CM_EXTERN void cm_map_free(cm_map *map);

/* The style. Owned by the map. */
CM_EXTERN const cm_style *cm_map_style(const cm_map *map);

/* The page size in points and the map frame on it (page points). */
CM_EXTERN double cm_map_page_width(const cm_map *map);
CM_EXTERN double cm_map_page_height(const cm_map *map);

/* The map frame on the page (page points): the page less its margins and
 * the bands kept for the title and the source line. */
CM_EXTERN cm_bbox cm_map_frame(const cm_map *map);

/* Page points of a point in map units (the map CRS), and the number of
 * map units per page point at the centre of the frame. */
CM_EXTERN cm_point cm_map_to_page(const cm_map *map, cm_point p);
/* Between lon/lat (WGS 84) and page points; safe from several threads.
 * Return 0, or CM_EPROJ where the projection has no answer. */
CM_EXTERN int cm_map_lonlat_to_page(const cm_map *map, double lon, double lat,
                                    cm_point *page);
CM_EXTERN int cm_map_page_to_lonlat(const cm_map *map, cm_point page, double *lon,
                                    double *lat);

/* Geometry of feature f of layer i projected to page points and clipped to
 * the frame with a margin; empty when it lies outside. Owned by the map. */
CM_EXTERN const cm_geom *cm_map_feature_geom(const cm_map *map, size_t layer, size_t f);

/* Layers, in style order. */
CM_EXTERN size_t cm_map_layer_count(const cm_map *map);
CM_EXTERN const cm_style_layer *cm_map_layer_style(const cm_map *map, size_t i);
CM_EXTERN const cm_layer *cm_map_layer_data(const cm_map *map, size_t i);

/* Every date on which a feature of a timed layer starts or ends, sorted,
 * without duplicates and without the open ends. *dates is the caller's,
 * freed with free(). Returns the count, or a negative CM_E* code. */
CM_EXTERN int cm_map_change_dates(const cm_map *map, cm_day **dates);

/* Whether feature f of layer i is shown at day d (untimed layers: always). */
CM_EXTERN int cm_map_feature_visible(const cm_map *map, size_t layer, size_t f,
                                     cm_day d);

/* The time interval of feature f of layer i. */
CM_EXTERN void cm_map_feature_interval(const cm_map *map, size_t layer, size_t f,
                                       cm_day *from, cm_day *to);

CM_END_DECLS

#endif
