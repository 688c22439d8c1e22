#include "controlmap/proj.h"

#include <ctype.h>
#include <geodesic.h>
#include <math.h>
#include <proj.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each cm_proj has its own PROJ context, so transforms made on different
 * threads share nothing. Questions answered within one call (is this CRS
 * valid, is it geographic) use a context kept by the calling thread. */
enum { LOG_CAP = 512 };

struct cm_proj {
  PJ_CONTEXT *ctx;
  char log[LOG_CAP]; /* PROJ's last error message on this context */
  PJ *op;            /* normalised: x = longitude/easting in and out */
  int dst_geographic;
  double dst_metres; /* metres per destination unit (0: unknown) */
};

enum { BATCH = 4096 };

#define WGS84_A 6378137.0
#define WGS84_F (1 / 298.257223563)

/* PROJ logs to stderr by default; the library never prints, so errors go
 * into the buffer given with the context, for messages. */
static void keep_log(void *data, int level, const char *message) {
  (void)level;
  if (!data)
    return; /* a kept context between two questions */
  if (strncmp(message, "proj_create: ", 13) == 0)
    message += 13;
  snprintf(data, LOG_CAP, "%s", message);
}

static PJ_CONTEXT *new_context(char *log) {
  PJ_CONTEXT *ctx = proj_context_create();
  log[0] = '\0';
  if (ctx) {
    proj_log_func(ctx, log, keep_log);
    proj_log_level(ctx, PJ_LOG_ERROR);
  }
  return ctx;
}

/* What a thread keeps between calls: a context, and the last answer of
 * cm_proj_is_geographic (the layers of a dataset share one .prj, and
 * parsing an ESRI .prj looks its names up in PROJ's database). */
typedef struct per_thread {
  PJ_CONTEXT *ctx;
  char *crs; /* the CRS text of the last answer, or NULL */
  int geographic;
} per_thread;

static pthread_key_t kept_key;
static pthread_once_t kept_once = PTHREAD_ONCE_INIT;

static void drop_kept(void *data) {
  per_thread *k = data;
  proj_context_destroy(k->ctx);
  free(k->crs);
  free(k);
}

static void make_kept_key(void) { pthread_key_create(&kept_key, drop_kept); }

/* The calling thread's kept things, or NULL without memory. */
static per_thread *thread_kept(void) {
  pthread_once(&kept_once, make_kept_key);
  per_thread *k = pthread_getspecific(kept_key);
  if (k)
    return k;
  if (!(k = calloc(1, sizeof *k)) || !(k->ctx = proj_context_create()) ||
      pthread_setspecific(kept_key, k) != 0) {
    if (k)
      proj_context_destroy(k->ctx);
    free(k);
    return NULL;
  }
  return k;
}

/* The calling thread's kept context, logging into log until
 * release_context: a new context opens PROJ's database (about 8 ms), and
 * opening a map asks such questions once per layer. Everything made on it
 * is destroyed before the call that asked returns. NULL without memory. */
static PJ_CONTEXT *thread_context(char *log) {
  per_thread *k = thread_kept();
  log[0] = '\0';
  if (!k)
    return NULL;
  proj_log_func(k->ctx, log, keep_log);
  proj_log_level(k->ctx, PJ_LOG_ERROR);
  return k->ctx;
}

/* The caller's log buffer is about to go. */
static void release_context(PJ_CONTEXT *ctx) {
  if (ctx)
    proj_log_func(ctx, NULL, keep_log);
}

/* --- naming a CRS in messages --------------------------------------------- */

/* The CRS on one line, cut to a readable length. */
static void shorten(const char *crs, char *out, size_t size) {
  size_t n = 0, limit = size - 4;
  const char *s = crs;
  for (; *s && n < limit; s++) {
    int space = isspace((unsigned char)*s);
    if (!space)
      out[n++] = *s;
    else if (n > 0 && out[n - 1] != ' ')
      out[n++] = ' ';
  }
  while (isspace((unsigned char)*s))
    s++;
  out[n] = '\0';
  if (*s)
    snprintf(out + n, size - n, "...");
}

static int crs_error(cm_error *err, const char *crs, const char *reason) {
  char shown[80];
  shorten(crs && *crs ? crs : "EPSG:4326", shown, sizeof shown);
  cm_error_set(err, CM_EPROJ, NULL, 0, 0, "unknown CRS '%s': %s", shown,
               reason && *reason ? reason : "PROJ cannot read it");
  cm_error_hint(err, "give EPSG:n, a PROJ string such as '+proj=lcc "
                     "+lat_1=39 +lat_2=41 +lon_0=46.5', or the WKT of a "
                     ".prj file");
  return CM_EPROJ;
}

/* --- making a CRS --------------------------------------------------------- */

/* PROJ reads "+proj=..." as an operation unless told it is a CRS. */
static char *crs_text(const char *crs) {
  if (!crs || !*crs)
    crs = "EPSG:4326";
  while (isspace((unsigned char)*crs))
    crs++;
  int proj_string = *crs == '+' || strncmp(crs, "proj=", 5) == 0;
  if (!proj_string || strstr(crs, "type=crs"))
    return strdup(crs);
  size_t n = strlen(crs) + sizeof " +type=crs";
  char *text = malloc(n);
  if (text)
    snprintf(text, n, "%s +type=crs", crs);
  return text;
}

/* WKT starts with a keyword and a bracket: GEOGCS[, PROJCRS[... */
static int looks_like_wkt(const char *s) {
  while (isalnum((unsigned char)*s) || *s == '_')
    s++;
  return *s == '[' || *s == '(';
}

/* WKT through the WKT parser, whose grammar errors say more than the
 * generic message. reason receives the first of them. */
static PJ *create_from_wkt(PJ_CONTEXT *ctx, const char *text, char *reason,
                           size_t size) {
  PROJ_STRING_LIST warnings = NULL, errors = NULL;
  PJ *crs = proj_create_from_wkt(ctx, text, NULL, &warnings, &errors);
  if (errors && errors[0])
    snprintf(reason, size, "%s", errors[0]);
  proj_string_list_destroy(warnings);
  proj_string_list_destroy(errors);
  return crs;
}

static int create_crs(PJ_CONTEXT *ctx, const char *log, const char *crs,
                      PJ **out, cm_error *err) {
  char reason[512] = "";
  char *text = crs_text(crs);
  *out = NULL;
  if (!text)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  PJ *pj = looks_like_wkt(text)
               ? create_from_wkt(ctx, text, reason, sizeof reason)
               : proj_create(ctx, text);
  free(text);
  if (pj && !proj_is_crs(pj)) {
    proj_destroy(pj);
    pj = NULL;
    snprintf(reason, sizeof reason, "not a coordinate reference system");
  }
  if (!pj && !reason[0])
    snprintf(reason, sizeof reason, "%s",
             log[0] ? log
                    : proj_context_errno_string(ctx, proj_context_errno(ctx)));
  if (!pj)
    return crs_error(err, crs, reason);
  *out = pj;
  return 0;
}

static int is_geographic(PJ_CONTEXT *ctx, const PJ *crs) {
  PJ_TYPE type = proj_get_type(crs);
  PJ *inner = NULL;
  if (type == PJ_TYPE_BOUND_CRS)
    inner = proj_get_source_crs(ctx, crs);
  else if (type == PJ_TYPE_COMPOUND_CRS)
    inner = proj_crs_get_sub_crs(ctx, crs, 0);
  if (inner) {
    int geographic = is_geographic(ctx, inner);
    proj_destroy(inner);
    return geographic;
  }
  return type == PJ_TYPE_GEOGRAPHIC_2D_CRS ||
         type == PJ_TYPE_GEOGRAPHIC_3D_CRS || type == PJ_TYPE_GEOGRAPHIC_CRS;
}

/* --- transforms ----------------------------------------------------------- */

/* Metres per unit of crs's first axis: its linear unit, or for degrees
 * the length of one at the equator. 0 when PROJ does not say. */
static double unit_metres(PJ_CONTEXT *ctx, const PJ *crs, int geographic) {
  PJ_TYPE type = proj_get_type(crs);
  PJ *inner = type == PJ_TYPE_BOUND_CRS      ? proj_get_source_crs(ctx, crs)
              : type == PJ_TYPE_COMPOUND_CRS ? proj_crs_get_sub_crs(ctx, crs, 0)
                                             : NULL;
  if (inner) {
    double m = unit_metres(ctx, inner, geographic);
    proj_destroy(inner);
    return m;
  }
  PJ *cs = proj_crs_get_coordinate_system(ctx, crs);
  double factor = 0;
  if (!cs || !proj_cs_get_axis_info(ctx, cs, 0, NULL, NULL, NULL, &factor,
                                    NULL, NULL, NULL))
    factor = 0;
  proj_destroy(cs);
  return geographic ? factor * WGS84_A : factor;
}

double cm_proj_dst_metres(const cm_proj *p) { return p->dst_metres; }

static int make_operation(cm_proj *p, PJ *src, PJ *dst, cm_error *err) {
  PJ *op = proj_create_crs_to_crs_from_pj(p->ctx, src, dst, NULL, NULL);
  if (op) {
    p->op = proj_normalize_for_visualization(p->ctx, op);
    proj_destroy(op);
  }
  if (p->op)
    return 0;
  cm_error_set(err, CM_EPROJ, NULL, 0, 0,
               "no transformation between the layer's CRS and the map's: %s",
               p->log[0] ? p->log
                         : proj_context_errno_string(
                               p->ctx, proj_context_errno(p->ctx)));
  cm_error_hint(err, "check that both CRSs are on Earth and PROJ knows "
                     "their datums");
  return CM_EPROJ;
}

int cm_proj_create(cm_proj **out, const char *src, const char *dst,
                   cm_error *err) {
  *out = NULL;
  cm_proj *p = calloc(1, sizeof *p);
  if (!p || !(p->ctx = new_context(p->log))) {
    free(p);
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0,
                        "out of memory creating a PROJ context");
  }
  PJ *from = NULL, *to = NULL;
  int rc = create_crs(p->ctx, p->log, src, &from, err);
  if (rc == 0)
    rc = create_crs(p->ctx, p->log, dst, &to, err);
  if (rc == 0) {
    p->dst_geographic = is_geographic(p->ctx, to);
    p->dst_metres = unit_metres(p->ctx, to, p->dst_geographic);
    rc = make_operation(p, from, to, err);
  }
  proj_destroy(from);
  proj_destroy(to);
  if (rc < 0) {
    cm_proj_free(p);
    return rc;
  }
  *out = p;
  return 0;
}

void cm_proj_free(cm_proj *p) {
  if (!p)
    return;
  proj_destroy(p->op);
  proj_context_destroy(p->ctx);
  free(p);
}

int cm_proj_dst_is_geographic(const cm_proj *p) { return p->dst_geographic; }

static size_t transform(const cm_proj *p, PJ_DIRECTION dir, cm_point *pts,
                        size_t n) {
  for (size_t at = 0; at < n; at += BATCH) {
    size_t count = n - at < BATCH ? n - at : BATCH;
    proj_trans_generic(p->op, dir, &pts[at].x, sizeof *pts, count, &pts[at].y,
                       sizeof *pts, count, NULL, 0, 0, NULL, 0, 0);
  }
  proj_errno_reset(p->op);
  size_t ok = 0;
  for (size_t i = 0; i < n; i++) {
    if (isfinite(pts[i].x) && isfinite(pts[i].y))
      ok++;
    else
      pts[i].x = pts[i].y = HUGE_VAL;
  }
  return ok;
}

size_t cm_proj_forward(const cm_proj *p, cm_point *pts, size_t n) {
  return transform(p, PJ_FWD, pts, n);
}

size_t cm_proj_inverse(const cm_proj *p, cm_point *pts, size_t n) {
  return transform(p, PJ_INV, pts, n);
}

/* --- geometry ------------------------------------------------------------- */

static size_t part_end(const cm_geom *g, size_t i) {
  return i + 1 < g->nparts ? g->parts[i + 1] : g->npoints;
}

static int part_is_finite(const cm_geom *g, size_t start, size_t end) {
  for (size_t j = start; j < end; j++)
    if (!isfinite(g->points[j].x) || !isfinite(g->points[j].y))
      return 0;
  return 1;
}

/* Move the parts whose every point was transformed to the front. */
static void drop_failed_parts(cm_geom *g) {
  size_t kept_points = 0, kept_parts = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    size_t start = g->parts[i], end = part_end(g, i);
    if (!part_is_finite(g, start, end))
      continue;
    memmove(g->points + kept_points, g->points + start,
            (end - start) * sizeof *g->points);
    g->parts[kept_parts++] = kept_points;
    kept_points += end - start;
  }
  g->npoints = kept_points;
  g->nparts = kept_parts;
}

/* Edges are densified in source units (degrees for lon/lat) before
 * projecting, so they follow the curve they really are on the map. */
int cm_proj_geom(const cm_proj *p, const cm_geom *g, double max_seg,
                 cm_geom *out) {
  cm_geom result;
  int rc = max_seg > 0 && isfinite(max_seg)
               ? cm_geom_densify(g, max_seg, &result)
               : cm_geom_copy(&result, g);
  if (rc < 0) {
    cm_geom_init(out, g->type);
    return CM_ENOMEM;
  }
  transform(p, PJ_FWD, result.points, result.npoints);
  drop_failed_parts(&result);
  *out = result;
  return 0;
}

static int is_geographic_crs(const char *crs) {
  char log[LOG_CAP];
  PJ_CONTEXT *ctx = thread_context(log);
  per_thread *k = ctx ? thread_kept() : NULL;
  const char *text = crs ? crs : "";
  if (k && k->crs && !strcmp(k->crs, text))
    return k->geographic;
  PJ *pj = NULL;
  int geographic = ctx && create_crs(ctx, log, crs, &pj, NULL) == 0 &&
                   is_geographic(ctx, pj);
  proj_destroy(pj);
  release_context(ctx);
  if (k) {
    free(k->crs);
    k->crs = strdup(text); /* no memory: simply not kept */
    k->geographic = geographic;
  }
  return geographic;
}

int cm_proj_is_geographic(const char *crs) { return is_geographic_crs(crs); }

/* The CRS a map is drawn in once a bound or compound CRS is unwrapped. */
static PJ_TYPE flat_type(PJ_CONTEXT *ctx, const PJ *crs) {
  PJ_TYPE type = proj_get_type(crs);
  PJ *inner = type == PJ_TYPE_BOUND_CRS      ? proj_get_source_crs(ctx, crs)
              : type == PJ_TYPE_COMPOUND_CRS ? proj_crs_get_sub_crs(ctx, crs, 0)
                                             : NULL;
  if (!inner)
    return type;
  type = flat_type(ctx, inner);
  proj_destroy(inner);
  return type;
}

/* A map is drawn on a plane: projected, or longitude and latitude. */
static int map_crs_error(PJ_CONTEXT *ctx, const PJ *pj, const char *crs,
                         cm_error *err) {
  PJ_TYPE type = flat_type(ctx, pj);
  if (type == PJ_TYPE_PROJECTED_CRS || is_geographic(ctx, pj))
    return 0;
  char shown[80];
  shorten(crs ? crs : "", shown, sizeof shown);
  cm_error_set(err, CM_EPROJ, NULL, 0, 0,
               "'%s' is not a map projection (it is a %s CRS)", shown,
               type == PJ_TYPE_GEOCENTRIC_CRS    ? "geocentric"
               : type == PJ_TYPE_VERTICAL_CRS    ? "vertical"
               : type == PJ_TYPE_ENGINEERING_CRS ? "engineering"
                                                 : "non-map");
  cm_error_hint(err, "give `srs` a projected CRS such as '+proj=lcc "
                     "+lat_1=39 +lat_2=41 +lon_0=46.5', or EPSG:4326 for "
                     "plain longitude and latitude");
  return CM_EPROJ;
}

static int check_crs(const char *crs, int for_map, cm_error *err) {
  char log[LOG_CAP];
  PJ_CONTEXT *ctx = thread_context(log);
  if (!ctx)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0,
                        "out of memory creating a PROJ context");
  PJ *pj;
  int rc = create_crs(ctx, log, crs, &pj, err);
  if (rc == 0 && for_map)
    rc = map_crs_error(ctx, pj, crs, err);
  proj_destroy(pj);
  release_context(ctx);
  return rc;
}

int cm_proj_check(const char *crs, cm_error *err) { return check_crs(crs, 0, err); }

int cm_proj_check_map(const char *crs, cm_error *err) {
  return check_crs(crs, 1, err);
}

/* --- geodesics on WGS 84 -------------------------------------------------- */

double cm_geodesic_distance(double lon1, double lat1, double lon2,
                            double lat2) {
  struct geod_geodesic g;
  double s12 = 0;
  geod_init(&g, WGS84_A, WGS84_F);
  geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, NULL, NULL);
  return s12;
}

double cm_geodesic_ring_area(const cm_point *lonlat, size_t n) {
  struct geod_geodesic g;
  struct geod_polygon poly;
  double area = 0;
  geod_init(&g, WGS84_A, WGS84_F);
  geod_polygon_init(&poly, 0);
  /* A repeated closing point adds an edge of length zero: harmless. */
  for (size_t i = 0; i < n; i++)
    geod_polygon_addpoint(&g, &poly, lonlat[i].y, lonlat[i].x);
  geod_polygon_compute(&g, &poly, 0, 1, &area, NULL);
  return fabs(area);
}

void cm_geodesic_direct(double lon, double lat, double azimuth, double metres,
                        double *lon2, double *lat2) {
  struct geod_geodesic g;
  double la = 0, lo = 0;
  geod_init(&g, WGS84_A, WGS84_F);
  geod_direct(&g, lat, lon, azimuth, metres, &la, &lo, NULL);
  *lon2 = lo;
  *lat2 = la;
}

/* --- following the curves of projected edges ------------------------------ */

/* No edge is cut into more pieces than this. */
enum { MAX_PIECES = 1 << 16 };

static int point_is_finite(cm_point p) { return isfinite(p.x) && isfinite(p.y); }

/* The point after j on its edge, or j itself when j ends an open line. A
 * ring left open has a closing edge back to its first point. */
static size_t edge_end(const cm_geom *g, size_t j, size_t start, size_t end) {
  if (j + 1 < end)
    return j + 1;
  int open_ring = g->type == CM_GEOM_POLYGON && end - start > 2 &&
                  (g->points[start].x != g->points[end - 1].x ||
                   g->points[start].y != g->points[end - 1].y);
  return open_ring ? start : j;
}

/* Pieces for an edge whose ends project to a and b and whose middle
 * projects to m. The stray of a smooth curve from its chord falls with the
 * square of the chord's length, so cutting it into sqrt(stray / tol)
 * pieces brings each within tol; twice that leaves a margin for curves
 * that bend unevenly. */
static size_t edge_pieces(cm_point a, cm_point b, cm_point m,
                          const cm_proj_fit *fit) {
  if (!(fit->tol > 0) || !point_is_finite(m))
    return 1;
  double stray = hypot(m.x - (a.x + b.x) / 2, m.y - (a.y + b.y) / 2);
  if (!(stray > fit->tol))
    return 1;
  if (!cm_bbox_is_empty(fit->view)) {
    cm_bbox box = cm_bbox_empty();
    cm_bbox_extend(&box, a.x, a.y);
    cm_bbox_extend(&box, b.x, b.y);
    cm_bbox_extend(&box, m.x, m.y);
    box = (cm_bbox){box.minx - stray, box.miny - stray, box.maxx + stray,
                    box.maxy + stray};
    if (!cm_bbox_intersects(box, fit->view))
      return 1;
  }
  double k = ceil(sqrt(2 * stray / fit->tol));
  return k < MAX_PIECES ? (size_t)k : MAX_PIECES;
}

/* How many pieces each edge needs (pieces[j] for the edge starting at
 * point j), from the projected points at and the projected middles of the
 * edges; the points added in all. */
static size_t count_pieces(const cm_proj *p, const cm_geom *g,
                           const cm_point *at, cm_point *mid, size_t *pieces,
                           const cm_proj_fit *fit) {
  for (size_t i = 0; i < g->nparts; i++)
    for (size_t j = g->parts[i], end = part_end(g, i); j < end; j++) {
      size_t k = edge_end(g, j, g->parts[i], end);
      mid[j] = (cm_point){(g->points[j].x + g->points[k].x) / 2,
                          (g->points[j].y + g->points[k].y) / 2};
    }
  transform(p, PJ_FWD, mid, g->npoints);
  size_t added = 0;
  for (size_t i = 0; i < g->nparts; i++)
    for (size_t j = g->parts[i], end = part_end(g, i); j < end; j++) {
      size_t k = edge_end(g, j, g->parts[i], end);
      pieces[j] = k == j ? 1 : edge_pieces(at[j], at[k], mid[j], fit);
      added += pieces[j] - 1;
    }
  return added;
}

/* g with pieces[j] - 1 points added after point j, in source units. */
static int cut_edges(const cm_geom *g, const size_t *pieces, size_t added,
                     cm_geom *work) {
  work->points = malloc((g->npoints + added) * sizeof *work->points);
  work->parts = malloc(g->nparts * sizeof *work->parts);
  if (!work->points || !work->parts)
    return CM_ENOMEM;
  work->cap_points = g->npoints + added;
  work->cap_parts = g->nparts;
  for (size_t i = 0; i < g->nparts; i++) {
    work->parts[work->nparts++] = work->npoints;
    for (size_t j = g->parts[i], end = part_end(g, i); j < end; j++) {
      cm_point a = g->points[j], b = g->points[edge_end(g, j, g->parts[i], end)];
      work->points[work->npoints++] = a;
      for (size_t s = 1; s < pieces[j]; s++) {
        double t = (double)s / (double)pieces[j];
        work->points[work->npoints++] =
            (cm_point){a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
      }
    }
  }
  return 0;
}

/* Drop the added points that could not be transformed (the ends of their
 * edges could: the edge leaves the projection's domain on the way). */
static void drop_failed_points(cm_geom *g) {
  size_t kept = 0;
  for (size_t i = 0; i < g->nparts; i++) {
    size_t start = g->parts[i], end = part_end(g, i);
    g->parts[i] = kept;
    for (size_t j = start; j < end; j++)
      if (point_is_finite(g->points[j]))
        g->points[kept++] = g->points[j];
  }
  g->npoints = kept;
}

int cm_proj_geom_fit(const cm_proj *p, const cm_geom *g, cm_proj_fit *fit,
                     cm_geom *out) {
  cm_geom work;
  cm_geom_init(&work, g->type);
  cm_geom_init(out, g->type);
  size_t n = g->npoints ? g->npoints : 1;
  cm_point *at = malloc(n * sizeof *at), *mid = malloc(n * sizeof *mid);
  size_t *pieces = malloc(n * sizeof *pieces), added = 0;
  int rc = at && mid && pieces ? 0 : CM_ENOMEM;
  if (rc == 0 && g->npoints) {
    memcpy(at, g->points, g->npoints * sizeof *at);
    transform(p, PJ_FWD, at, g->npoints);
    for (size_t i = 0; i < g->npoints && rc == 0; i++)
      if (!point_is_finite(at[i])) {
        fit->failed = i;
        rc = CM_EPROJ;
      }
  }
  if (rc == 0 && g->type != CM_GEOM_POINT)
    added = count_pieces(p, g, at, mid, pieces, fit);
  fit->wanted = 0;
  if (rc == 0 && added > fit->budget) {
    fit->wanted = added;
    rc = CM_ENOMEM;
  }
  if (rc == 0 && added == 0) {
    rc = cm_geom_copy(&work, g);
    if (rc == 0 && g->npoints)
      memcpy(work.points, at, g->npoints * sizeof *at);
  } else if (rc == 0) {
    rc = cut_edges(g, pieces, added, &work);
    if (rc == 0) {
      transform(p, PJ_FWD, work.points, work.npoints);
      drop_failed_points(&work);
      fit->budget -= added;
    }
  }
  free(at);
  free(mid);
  free(pieces);
  if (rc != 0)
    cm_geom_free(&work);
  else
    *out = work;
  return rc;
}
