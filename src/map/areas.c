/* Areas held, from the map's own layers: each holder's features valid on a
 * day are united in lon/lat (so overlaps count once), cut by each
 * reference area, and measured on the ellipsoid. */

#include "controlmap/areas.h"
#include "controlmap/proj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cm_areas {
  const cm_map *map;
  size_t layer;        /* the map layer of holders */
  char **holders;      /* sorted, distinct */
  size_t nholders;
  size_t *holder_of;   /* per feature: index into holders, or SIZE_MAX */
  cm_geom *lonlat;     /* per feature: its polygon in lon/lat */
  size_t nfeatures;
  char **ref_names;
  cm_geom *refs;       /* per reference: its united polygon in lon/lat */
  double *ref_km2;
  size_t nrefs;
  /* The last day's answer, by which features it showed: a long series of
   * dates (every day) mostly repeats it between change dates, and a
   * holder whose features stayed the same keeps its answer. */
  unsigned char *shown, *was_shown;
  double *last_km2, *last_inside;
  int has_last;
};

static int no_memory(cm_error *err) {
  return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
}

/* --- geometry ------------------------------------------------------------ */

/* Area of a polygon of rings that do not cross: outer rings count, holes
 * take away, islands in holes count again. */
static int geodesic_km2(const cm_geom *g, double *km2) {
  size_t n = g->nparts;
  size_t *depth = malloc((n ? n : 1) * sizeof *depth);
  size_t *parent = malloc((n ? n : 1) * sizeof *parent);
  int rc = depth && parent ? cm_geom_ring_nesting(g, depth, parent) : CM_ENOMEM;
  double m2 = 0;
  for (size_t i = 0; rc == CM_OK && i < n; i++) {
    double a = cm_geodesic_ring_area(cm_geom_part(g, i), cm_geom_part_size(g, i));
    m2 += depth[i] % 2 ? -a : a;
  }
  free(depth);
  free(parent);
  *km2 = m2 / 1e6;
  return rc;
}

/* acc becomes acc united with g (acc empty: a copy of g). */
static int unite(cm_geom *acc, const cm_geom *g) {
  if (!acc->nparts) {
    cm_geom_free(acc);
    return cm_geom_copy(acc, g);
  }
  cm_geom out;
  cm_geom_init(&out, CM_GEOM_POLYGON);
  int rc = cm_geom_boolean(acc, g, CM_BOOL_UNION, &out);
  cm_geom_free(acc);
  *acc = out;
  return rc;
}

/* Feature f of data in lon/lat into out (overwritten). */
static int lonlat_geom(const cm_layer *data, size_t f, const cm_proj *to_lonlat,
                       cm_geom *out) {
  cm_geom_init(out, CM_GEOM_POLYGON);
  const cm_geom *g = cm_layer_geom(data, f);
  return to_lonlat ? cm_proj_geom(to_lonlat, g, 0, out) : cm_geom_copy(out, g);
}

/* --- finding layers and fields ------------------------------------------- */

static int find_layer(const cm_map *map, const char *name, size_t *out,
                      cm_error *err) {
  char names[400] = "";
  size_t len = 0;
  for (size_t i = 0; i < cm_map_layer_count(map); i++) {
    const char *n = cm_map_layer_style(map, i)->name;
    if (!strcmp(n, name)) {
      *out = i;
      if (cm_layer_geom_type(cm_map_layer_data(map, i)) == CM_GEOM_POLYGON)
        return CM_OK;
      cm_error_set(err, CM_EUSAGE, cm_style_name(cm_map_style(map)), 0, 0,
                   "layer '%s' holds no polygons, so it has no area", name);
      return CM_EUSAGE;
    }
    if (len + 8 < sizeof names)
      len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "", n);
  }
  cm_error_set(err, CM_EUSAGE, cm_style_name(cm_map_style(map)), 0, 0,
               "the style has no layer '%s'", name);
  cm_error_hint(err, "its layers: %s", names);
  return CM_EUSAGE;
}

static int find_field(const cm_map *map, size_t layer, const char *field,
                      int *out, cm_error *err) {
  const cm_layer *data = cm_map_layer_data(map, layer);
  *out = cm_layer_field_index(data, field);
  if (*out >= 0)
    return CM_OK;
  cm_error_set(err, CM_EUSAGE, cm_layer_path(data), 0, 0, "has no field '%s'", field);
  cm_error_hint(err, "run `controlmap info %s` to list its fields", cm_layer_path(data));
  return CM_EUSAGE;
}

/* The transformation from the layer's CRS to lon/lat; NULL when it is. */
static int to_lonlat_of(const cm_layer *data, cm_proj **out, cm_error *err) {
  *out = NULL;
  return cm_layer_crs(data) ? cm_proj_create(out, cm_layer_crs(data), NULL, err) : CM_OK;
}

/* --- holders ------------------------------------------------------------- */

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_holders(cm_areas *a, int field) {
  const cm_layer *data = cm_map_layer_data(a->map, a->layer);
  a->holders = calloc(a->nfeatures + 1, sizeof *a->holders);
  if (!a->holders)
    return CM_ENOMEM;
  for (size_t f = 0; f < a->nfeatures; f++) {
    const char *v = cm_layer_value(data, f, (size_t)field);
    if (!*v || bsearch(&v, a->holders, a->nholders, sizeof *a->holders, by_name))
      continue;
    if (!(a->holders[a->nholders++] = strdup(v)))
      return CM_ENOMEM;
    qsort(a->holders, a->nholders, sizeof *a->holders, by_name);
  }
  for (size_t f = 0; f < a->nfeatures; f++) {
    const char *v = cm_layer_value(data, f, (size_t)field);
    char **at = bsearch(&v, a->holders, a->nholders, sizeof *a->holders, by_name);
    a->holder_of[f] = at ? (size_t)(at - a->holders) : SIZE_MAX;
  }
  return CM_OK;
}

static int read_features(cm_areas *a, cm_error *err) {
  const cm_layer *data = cm_map_layer_data(a->map, a->layer);
  cm_proj *p;
  int rc = to_lonlat_of(data, &p, err);
  if (rc != CM_OK)
    return rc;
  for (size_t f = 0; rc == CM_OK && f < a->nfeatures; f++)
    rc = lonlat_geom(data, f, p, &a->lonlat[f]);
  cm_proj_free(p);
  return rc == CM_OK ? CM_OK : no_memory(err);
}

/* --- references ---------------------------------------------------------- */

/* Whether text is one of the comma-separated values. */
static int one_of(const char *text, const char *values) {
  size_t n = strlen(text);
  for (const char *v = values; v; v = strchr(v, ',') ? strchr(v, ',') + 1 : NULL) {
    size_t len = strchr(v, ',') ? (size_t)(strchr(v, ',') - v) : strlen(v);
    if (len == n && !strncmp(v, text, n))
      return 1;
  }
  return 0;
}

static int build_reference(cm_areas *a, const cm_area_reference *ref, size_t r,
                           cm_error *err) {
  size_t layer;
  int field = -1;
  int rc = find_layer(a->map, ref->layer, &layer, err);
  if (rc == CM_OK && ref->field)
    rc = find_field(a->map, layer, ref->field, &field, err);
  if (rc != CM_OK)
    return rc;
  const cm_layer *data = cm_map_layer_data(a->map, layer);
  cm_proj *p = NULL;
  if ((rc = to_lonlat_of(data, &p, err)) != CM_OK)
    return rc;
  cm_geom_init(&a->refs[r], CM_GEOM_POLYGON);
  for (size_t f = 0; rc == CM_OK && f < cm_layer_count(data); f++) {
    if (field >= 0 && !one_of(cm_layer_value(data, f, (size_t)field), ref->values))
      continue;
    cm_geom g;
    rc = lonlat_geom(data, f, p, &g);
    if (rc == CM_OK)
      rc = unite(&a->refs[r], &g);
    cm_geom_free(&g);
  }
  cm_proj_free(p);
  if (rc != CM_OK)
    return no_memory(err);
  if ((rc = geodesic_km2(&a->refs[r], &a->ref_km2[r])) != CM_OK)
    return no_memory(err);
  if (a->ref_km2[r] > 0)
    return CM_OK;
  cm_error_set(err, CM_EUSAGE, cm_layer_path(data), 0, 0,
               "reference '%s': no polygon where %s is %s", ref->name,
               ref->field ? ref->field : "anything", ref->values ? ref->values : "");
  cm_error_hint(err, "run `controlmap info %s` to see its fields", cm_layer_path(data));
  return CM_EUSAGE;
}

/* --- the public calls ---------------------------------------------------- */

static int setup(cm_areas *a, const cm_areas_options *opt, cm_error *err) {
  int field;
  int rc = find_layer(a->map, opt->layer ? opt->layer : "control", &a->layer, err);
  if (rc == CM_OK)
    rc = find_field(a->map, a->layer, opt->by ? opt->by : "holder", &field, err);
  if (rc != CM_OK)
    return rc;
  a->nfeatures = cm_layer_count(cm_map_layer_data(a->map, a->layer));
  a->holder_of = calloc(a->nfeatures + 1, sizeof *a->holder_of);
  a->lonlat = calloc(a->nfeatures + 1, sizeof *a->lonlat);
  a->ref_names = calloc(opt->nrefs + 1, sizeof *a->ref_names);
  a->refs = calloc(opt->nrefs + 1, sizeof *a->refs);
  a->ref_km2 = calloc(opt->nrefs + 1, sizeof *a->ref_km2);
  a->shown = calloc(a->nfeatures + 1, 1);
  a->was_shown = calloc(a->nfeatures + 1, 1);
  if (!a->holder_of || !a->lonlat || !a->ref_names || !a->refs || !a->ref_km2 ||
      !a->shown || !a->was_shown ||
      read_holders(a, field) != CM_OK)
    return no_memory(err);
  rc = read_features(a, err);
  for (size_t r = 0; rc == CM_OK && r < opt->nrefs; r++, a->nrefs++) {
    if (!(a->ref_names[r] = strdup(opt->refs[r].name)))
      return no_memory(err);
    rc = build_reference(a, &opt->refs[r], r, err);
  }
  return rc;
}

int cm_areas_new(cm_areas **out, const cm_map *map, const cm_areas_options *opt,
                 cm_error *err) {
  *out = NULL;
  cm_areas *a = calloc(1, sizeof *a);
  if (!a)
    return no_memory(err);
  a->map = map;
  int rc = setup(a, opt, err);
  if (rc != CM_OK) {
    cm_areas_free(a);
    return rc;
  }
  *out = a;
  return CM_OK;
}

void cm_areas_free(cm_areas *a) {
  if (!a)
    return;
  for (size_t i = 0; i < a->nholders; i++)
    free(a->holders[i]);
  for (size_t f = 0; a->lonlat && f < a->nfeatures; f++)
    cm_geom_free(&a->lonlat[f]);
  for (size_t r = 0; r < a->nrefs; r++) {
    free(a->ref_names[r]);
    cm_geom_free(&a->refs[r]);
  }
  free(a->holders);
  free(a->holder_of);
  free(a->lonlat);
  free(a->ref_names);
  free(a->refs);
  free(a->ref_km2);
  free(a->shown);
  free(a->was_shown);
  free(a->last_km2);
  free(a->last_inside);
  free(a);
}

size_t cm_areas_default_references(const cm_map *map, cm_area_reference *out,
                                   size_t max) {
  static const cm_area_reference dataset[] = {
      {"azerbaijan", "countries", "iso_a3", "AZE"},
      {"nkao", "regions", "kind", "oblast"},
      {"seven_districts", "regions", "name_en",
       "Aghdam,Fuzuli,Jabrayil,Zangilan,Qubadli,Lachin,Kalbajar"},
  };
  size_t n = 0;
  for (size_t d = 0; d < sizeof dataset / sizeof *dataset && n < max; d++)
    for (size_t i = 0; i < cm_map_layer_count(map); i++)
      if (!strcmp(cm_map_layer_style(map, i)->name, dataset[d].layer) &&
          cm_layer_field_index(cm_map_layer_data(map, i), dataset[d].field) >= 0) {
        out[n++] = dataset[d];
        break;
      }
  return n;
}

size_t cm_areas_holder_count(const cm_areas *a) { return a->nholders; }
const char *cm_areas_holder(const cm_areas *a, size_t i) {
  return i < a->nholders ? a->holders[i] : NULL;
}
size_t cm_areas_reference_count(const cm_areas *a) { return a->nrefs; }
const char *cm_areas_reference_name(const cm_areas *a, size_t r) {
  return r < a->nrefs ? a->ref_names[r] : NULL;
}
double cm_areas_reference_km2(const cm_areas *a, size_t r) {
  return r < a->nrefs ? a->ref_km2[r] : 0;
}

/* Holder h's ground (the features in a->shown), and the km2 of it in
 * each reference. */
static int holder_at(const cm_areas *a, size_t h, double *km2, double *inside) {
  cm_geom held;
  const cm_geom **parts = malloc((a->nfeatures + 1) * sizeof *parts);
  size_t n = 0;
  if (!parts)
    return CM_ENOMEM;
  for (size_t f = 0; f < a->nfeatures; f++)
    if (a->holder_of[f] == h && a->shown[f])
      parts[n++] = &a->lonlat[f];
  int rc = cm_geom_union_all(parts, n, &held); /* one overlay, not n */
  free(parts);
  if (rc == CM_OK)
    rc = geodesic_km2(&held, km2);
  for (size_t r = 0; rc == CM_OK && r < a->nrefs; r++) {
    cm_geom cut;
    cm_geom_init(&cut, CM_GEOM_POLYGON);
    rc = held.nparts ? cm_geom_boolean(&held, &a->refs[r], CM_BOOL_INTERSECTION, &cut)
                     : CM_OK;
    if (rc == CM_OK)
      rc = geodesic_km2(&cut, &inside[r]);
    cm_geom_free(&cut);
  }
  cm_geom_free(&held);
  return rc;
}

/* Keep this answer for the next day that shows the same features. */
static int remember(cm_areas *a, const double *km2, const double *inside) {
  size_t nh = a->nholders, ni = a->nholders * a->nrefs;
  if (!a->last_km2 && !(a->last_km2 = malloc((nh + 1) * sizeof *km2)))
    return CM_ENOMEM;
  if (!a->last_inside && !(a->last_inside = malloc((ni + 1) * sizeof *inside)))
    return CM_ENOMEM;
  memcpy(a->last_km2, km2, nh * sizeof *km2);
  memcpy(a->last_inside, inside, ni * sizeof *inside);
  memcpy(a->was_shown, a->shown, a->nfeatures);
  a->has_last = 1;
  return CM_OK;
}

/* Whether holder h shows the same features as on the last day. */
static int holder_unchanged(const cm_areas *a, size_t h) {
  if (!a->has_last)
    return 0;
  for (size_t f = 0; f < a->nfeatures; f++)
    if (a->holder_of[f] == h && a->shown[f] != a->was_shown[f])
      return 0;
  return 1;
}

int cm_areas_at(cm_areas *a, cm_day day, double *km2, double *inside,
                cm_error *err) {
  for (size_t f = 0; f < a->nfeatures; f++)
    a->shown[f] = cm_map_feature_visible(a->map, a->layer, f, day) != 0;
  size_t nr = a->nrefs;
  for (size_t h = 0; h < a->nholders; h++) {
    if (holder_unchanged(a, h)) {
      km2[h] = a->last_km2[h];
      memcpy(&inside[h * nr], &a->last_inside[h * nr], nr * sizeof *inside);
    } else if (holder_at(a, h, &km2[h], &inside[h * nr]) != CM_OK) {
      return no_memory(err);
    }
  }
  return remember(a, km2, inside) == CM_OK ? CM_OK : no_memory(err);
}
