#ifndef CONTROLMAP_AREAS_H
#define CONTROLMAP_AREAS_H

/* Areas: how much ground each holder held on a day, in km2, and how much
 * of reference areas (a country, a former oblast, a group of districts)
 * that is, from the same data and the same time rules as the maps.
 * Areas are geodesic on the WGS 84 ellipsoid (cm_geodesic_ring_area: the
 * polygon's edges are geodesics between its points), computed on the
 * union of a holder's features and on their intersection with each
 * reference, in lon/lat. */

#include "controlmap/common.h"
#include "controlmap/date.h"
#include "controlmap/error.h"
#include "controlmap/map.h"

CM_BEGIN_DECLS

/* What the areas are computed on, for output that must say it. */
#define CM_AREAS_METHOD "geodesic area on the WGS 84 ellipsoid (PROJ geod_polygonarea)"

/* A reference area: the features of a layer whose field takes one of the
 * values, united. Strings are the caller's and need only live through
 * cm_areas_new. */
typedef struct cm_area_reference {
  const char *name;   /* the name output shows: "Azerbaijan" */
  const char *layer;  /* a Layer block's name: "countries" */
  const char *field;  /* NULL: every feature of the layer */
  const char *values; /* one or more values, separated by commas */
} cm_area_reference;

typedef struct cm_areas_options {
  const char *layer;  /* the layer of holders; NULL: "control" */
  const char *by;     /* the field naming the holder; NULL: "holder" */
  const cm_area_reference *refs;
  size_t nrefs;
} cm_areas_options;

typedef struct cm_areas cm_areas;

/* Read the holders and build the reference areas. Fails with CM_EUSAGE
 * for a layer or field the map lacks, or a reference that selects no
 * polygon. *out is the caller's, freed with cm_areas_free; it keeps
 * pointers into map, which must outlive it. */
CM_EXTERN int cm_areas_new(cm_areas **out, const cm_map *map, const cm_areas_options *opt,
                           cm_error *err);
CM_EXTERN void cm_areas_free(cm_areas *areas);

/* The references that fit map's layers among those of the shipped dataset
 * (Azerbaijan, the former NKAO, the seven districts around it), into out
 * (room for max); returns how many. Static strings. */
CM_EXTERN size_t cm_areas_default_references(const cm_map *map, cm_area_reference *out,
                                             size_t max);

/* Holders (every non-empty value of the field, sorted) and references.
 * Names are owned by the areas. */
CM_EXTERN size_t cm_areas_holder_count(const cm_areas *areas);
CM_EXTERN const char *cm_areas_holder(const cm_areas *areas, size_t i);
CM_EXTERN size_t cm_areas_reference_count(const cm_areas *areas);
CM_EXTERN const char *cm_areas_reference_name(const cm_areas *areas, size_t r);
CM_EXTERN double cm_areas_reference_km2(const cm_areas *areas, size_t r);

/* On day: km2[h] held by holder h, and inside[h * nrefs + r] the km2 of
 * reference r it held (arrays of the caller's, of holder_count and
 * holder_count * reference_count). The last answer is kept and given
 * again while the same features are valid, so a series of many dates
 * costs about one computation per change; hence areas is not const, and
 * one cm_areas serves one thread. Returns 0, or CM_ENOMEM. */
CM_EXTERN int cm_areas_at(cm_areas *areas, cm_day day, double *km2, double *inside,
                          cm_error *err);

CM_END_DECLS

#endif
