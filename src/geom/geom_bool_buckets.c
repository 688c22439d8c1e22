/* Buckets over the plane, so that an edge only looks at what lies along
 * it: the edges it may cross, the hot pixels it may pass.
 *
 * The buckets follow the points filed: columns holding about the same
 * number of points, each cut into rows of about PER_BUCKET points. They
 * are small where outlines are dense and large where they are sparse, so
 * a detailed coast beside a far-off island does not crowd one bucket. An
 * edge is walked column by column through the rows its run of y reaches
 * there; those rows are worked out in floating point and widened by far
 * more than its error (and the half step a pixel reaches), so nothing is
 * missed. Whether two edges really cross, or an edge really passes a
 * pixel, is then decided exactly. */

#include "geom_bool.h"
#include "controlmap/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PER_BUCKET 2

/* Grid steps added each side of a floating-point run of y: rounding is a
 * few steps at most, the pixels' reach half a step. */
#define ROW_MARGIN 64.0

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

int overlay_ids_push(overlay_ids *ids, size_t id) {
  if (cm__grow((void **)&ids->items, &ids->cap, ids->n + 1, sizeof *ids->items))
    return CM_ENOMEM;
  ids->items[ids->n++] = id;
  return 0;
}

/* ---- laying out ------------------------------------------------------------------- */

static overlay_key y_key(size_t column, int64_t y) {
  return (overlay_key)column << 64 | (uint64_t)(y + OVERLAY_GRID_MAX);
}

/* Column starts, every per_column points of pts (sorted by x), at the
 * first point of a new x so that equal x share a column; each point's
 * column goes into its key with its y. */
static int lay_out_columns(overlay_buckets *b, const overlay_point *pts,
                           overlay_sort_item *order, size_t n) {
  size_t columns = (size_t)ceil(sqrt((double)n / PER_BUCKET));
  size_t per_column = (n + columns - 1) / columns;
  b->col_x = malloc(columns * sizeof *b->col_x);
  if (!b->col_x)
    return CM_ENOMEM;
  b->ncols = 1;
  b->col_x[0] = INT64_MIN;
  for (size_t i = 0; i < n; i++) {
    int64_t x = pts[order[i].index].x;
    if (i >= b->ncols * per_column && x > pts[order[i - 1].index].x)
      b->col_x[b->ncols++] = x;
    order[i].key = y_key(b->ncols - 1, pts[order[i].index].y);
  }
  return 0;
}

/* Row starts within each column, every PER_BUCKET points where y goes up;
 * order is sorted by column, then y. */
static int lay_out_rows(overlay_buckets *b, const overlay_sort_item *order, size_t n) {
  b->col_row = malloc((b->ncols + 1) * sizeof *b->col_row);
  b->row_y = malloc(n * sizeof *b->row_y);
  if (!b->col_row || !b->row_y)
    return CM_ENOMEM;
  size_t column = SIZE_MAX, in_column = 0;
  b->nbuckets = 0;
  for (size_t i = 0; i < n; i++) {
    size_t c = (size_t)(order[i].key >> 64);
    int64_t y = (int64_t)(uint64_t)order[i].key - OVERLAY_GRID_MAX;
    if (c != column) {
      for (column = column == SIZE_MAX ? 0 : column + 1; column <= c; column++)
        b->col_row[column] = b->nbuckets;
      column = c;
      in_column = 0;
      b->row_y[b->nbuckets++] = INT64_MIN;
    } else if (in_column % PER_BUCKET == 0 && y > b->row_y[b->nbuckets - 1]) {
      b->row_y[b->nbuckets++] = y;
    }
    in_column++;
  }
  b->col_row[b->ncols] = b->nbuckets;
  return 0;
}

int overlay_lay_out(overlay_buckets *b, const overlay_points *points) {
  memset(b, 0, sizeof *b);
  size_t n = points->n;
  if (n == 0)
    return 0;
  overlay_sort_item *order = malloc(n * sizeof *order);
  int rc = order ? 0 : CM_ENOMEM;
  for (size_t i = 0; rc == 0 && i < n; i++)
    order[i].index = i;
  if (rc == 0)
    rc = lay_out_columns(b, points->items, order, n);
  if (rc == 0)
    rc = overlay_sort(order, n);
  if (rc == 0)
    rc = lay_out_rows(b, order, n);
  free(order);
  if (rc < 0)
    overlay_buckets_free(b);
  return rc;
}

/* The last of the starts in [lo, hi] at or below v; starts[lo] counts as
 * reaching down without end. */
static size_t last_start(const int64_t *starts, size_t lo, size_t hi, int64_t v) {
  while (lo < hi) {
    size_t mid = lo + (hi - lo + 1) / 2;
    if (starts[mid] <= v)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

static size_t column_of(const overlay_buckets *b, int64_t x) {
  return last_start(b->col_x, 0, b->ncols - 1, x);
}

static size_t bucket_in(const overlay_buckets *b, size_t column, int64_t y) {
  return last_start(b->row_y, b->col_row[column], b->col_row[column + 1] - 1, y);
}

/* ---- walking ---------------------------------------------------------------------- */

/* The run of y (widened) that e reaches while x runs over [from, to],
 * within e's own run of x. */
static void y_reached(const overlay_edge *e, int64_t from, int64_t to,
                      int64_t *y0, int64_t *y1) {
  double lo = (double)min64(e->p.y, e->q.y), hi = (double)max64(e->p.y, e->q.y);
  int64_t dx = e->q.x - e->p.x;
  if (dx != 0) {
    double slope = (double)(e->q.y - e->p.y) / (double)dx;
    double ya = (double)e->p.y + (double)(from - e->p.x) * slope;
    double yb = (double)e->p.y + (double)(to - e->p.x) * slope;
    lo = fmax(lo, fmin(ya, yb) - ROW_MARGIN);
    hi = fmin(hi, fmax(ya, yb) + ROW_MARGIN);
  }
  *y0 = (int64_t)lo;
  *y1 = (int64_t)hi;
}

int overlay_buckets_along(const overlay_buckets *b, const overlay_edge *e,
                          overlay_ids *ids) {
  ids->n = 0;
  if (b->ncols == 0)
    return 0;
  int64_t x0 = min64(e->p.x, e->q.x), x1 = max64(e->p.x, e->q.x);
  for (size_t c = column_of(b, x0); c < b->ncols && (c == 0 || b->col_x[c] <= x1); c++) {
    /* this column's run of x, a step wider each side for the pixels' reach */
    int64_t left = c == 0 ? x0 : max64(x0, b->col_x[c]);
    int64_t right = c + 1 == b->ncols ? x1 : min64(x1, b->col_x[c + 1] - 1);
    int64_t y0, y1;
    y_reached(e, max64(x0, left - 1), min64(x1, right + 1), &y0, &y1);
    size_t last = bucket_in(b, c, y1);
    for (size_t k = bucket_in(b, c, y0); k <= last; k++)
      if (overlay_ids_push(ids, k))
        return CM_ENOMEM;
  }
  return 0;
}

/* ---- filing ----------------------------------------------------------------------- */

/* Files entries given as (bucket, number) pairs, in place of any filed
 * before: counting, then placing. */
static int file_pairs(overlay_buckets *b, const size_t *pairs, size_t npairs) {
  size_t nb = b->nbuckets;
  free(b->first);
  free(b->entries);
  b->first = calloc(nb + 1, sizeof *b->first);
  b->entries = malloc((npairs ? npairs : 1) * sizeof *b->entries);
  if (!b->first || !b->entries)
    return CM_ENOMEM;
  for (size_t i = 0; i < npairs; i++)
    b->first[pairs[2 * i] + 1]++;
  for (size_t k = 0; k < nb; k++)
    b->first[k + 1] += b->first[k];
  /* placing moves each start to the next bucket's; moved back after */
  for (size_t i = 0; i < npairs; i++)
    b->entries[b->first[pairs[2 * i]]++] = pairs[2 * i + 1];
  for (size_t k = nb; k > 0; k--)
    b->first[k] = b->first[k - 1];
  b->first[0] = 0;
  return 0;
}

int overlay_file_points(overlay_buckets *b, const overlay_points *points) {
  size_t *pairs = malloc((2 * points->n + 1) * sizeof *pairs);
  int rc = pairs ? 0 : CM_ENOMEM;
  size_t n = b->ncols ? points->n : 0; /* no buckets, nothing filed */
  for (size_t i = 0; rc == 0 && i < n; i++) {
    overlay_point p = points->items[i];
    pairs[2 * i] = bucket_in(b, column_of(b, p.x), p.y);
    pairs[2 * i + 1] = i;
  }
  if (rc == 0)
    rc = file_pairs(b, pairs, n);
  free(pairs);
  return rc;
}

int overlay_file_edges(overlay_buckets *b, const overlay_edges *edges) {
  overlay_ids along = {NULL, 0, 0}, pairs = {NULL, 0, 0};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < edges->n; i++) {
    rc = overlay_buckets_along(b, &edges->items[i], &along);
    for (size_t k = 0; rc == 0 && k < along.n; k++)
      if (overlay_ids_push(&pairs, along.items[k]) || overlay_ids_push(&pairs, i))
        rc = CM_ENOMEM;
  }
  if (rc == 0)
    rc = file_pairs(b, pairs.items, pairs.n / 2);
  free(along.items);
  free(pairs.items);
  return rc;
}

void overlay_buckets_free(overlay_buckets *b) {
  free(b->col_x);
  free(b->col_row);
  free(b->row_y);
  free(b->first);
  free(b->entries);
  memset(b, 0, sizeof *b);
}

/* ---- whether an edge passes a pixel ---------------------------------------------- */

/* A bound on the parameter t along an edge: num / den with den > 0, and
 * whether t itself is excluded. */
typedef struct bound {
  overlay_wide num, den;
  int open;
} bound;

static int bound_compare(bound a, bound b) {
  overlay_wide l = a.num * b.den, r = b.num * a.den;
  return (l > r) - (l < r);
}

static void raise_lower(bound *lower, bound b) {
  int c = bound_compare(b, *lower);
  if (c > 0 || (c == 0 && b.open))
    *lower = b;
}

static void cut_upper(bound *upper, bound b) {
  int c = bound_compare(b, *upper);
  if (c < 0 || (c == 0 && b.open))
    *upper = b;
}

/* Narrows [lower, upper] to where start + t d lies in [lo, hi); returns 0
 * when no t is left whatever the other axis says. */
static int clip_axis(int64_t start, int64_t d, int64_t lo, int64_t hi,
                     bound *lower, bound *upper) {
  if (d == 0)
    return start >= lo && start < hi;
  if (d > 0) {
    raise_lower(lower, (bound){lo - start, d, 0});
    cut_upper(upper, (bound){hi - start, d, 1});
  } else {
    cut_upper(upper, (bound){start - lo, -d, 0});
    raise_lower(lower, (bound){start - hi, -d, 1});
  }
  return 1;
}

/* Whether c lies clearly too far from the line through e for e to meet
 * its pixel: e meets it only if some point s of e is within half a step
 * of c in x and in y, so |d x (c - p)| = |d x (c - s)| <= (|dx| + |dy|) / 2.
 * The cross product is taken in floating point and the test allows for
 * far more than its rounding. */
static int clearly_off(const overlay_edge *e, overlay_point c) {
  double dx = (double)(e->q.x - e->p.x), dy = (double)(e->q.y - e->p.y);
  double cx = (double)(c.x - e->p.x), cy = (double)(c.y - e->p.y);
  double a = dx * cy, b = dy * cx;
  double slack = 0x1p-48 * (fabs(a) + fabs(b));
  return fabs(a - b) - slack > (fabs(dx) + fabs(dy)) / 2;
}

/* Whether edge e meets the half-open pixel centred on c. In doubled
 * coordinates the pixel is [2c-1, 2c+1) on both axes, all integers. */
static int passes_pixel(const overlay_edge *e, overlay_point c) {
  if (clearly_off(e, c))
    return 0;
  int64_t px = 2 * e->p.x, py = 2 * e->p.y;
  int64_t dx = 2 * e->q.x - px, dy = 2 * e->q.y - py;
  bound lower = {0, 1, 0}, upper = {1, 1, 0};
  if (!clip_axis(px, dx, 2 * c.x - 1, 2 * c.x + 1, &lower, &upper) ||
      !clip_axis(py, dy, 2 * c.y - 1, 2 * c.y + 1, &lower, &upper))
    return 0;
  int order = bound_compare(lower, upper);
  return order < 0 || (order == 0 && !lower.open && !upper.open);
}

/* ---- the pixels along an edge ------------------------------------------------------ */

static int by_along(const void *pa, const void *pb) {
  const overlay_stop *a = pa, *b = pb;
  return (a->along > b->along) - (a->along < b->along);
}

static int add_stop(const overlay_edge *e, overlay_point c, overlay_stops *found) {
  if (cm__grow((void **)&found->items, &found->cap, found->n + 1,
                sizeof *found->items))
    return CM_ENOMEM;
  found->items[found->n].along = (overlay_wide)(c.x - e->p.x) * (e->q.x - e->p.x) +
                                 (overlay_wide)(c.y - e->p.y) * (e->q.y - e->p.y);
  found->items[found->n++].at = c;
  return 0;
}

/* The pixels of one bucket that e passes. Only pixels centred within the
 * edge's box can be passed, its ends being grid points. */
static int search_bucket(const overlay_buckets *b, const overlay_point *pixels,
                         size_t bucket, const overlay_edge *e, overlay_stops *found) {
  int64_t x0 = min64(e->p.x, e->q.x), x1 = max64(e->p.x, e->q.x);
  int64_t y0 = min64(e->p.y, e->q.y), y1 = max64(e->p.y, e->q.y);
  for (size_t k = b->first[bucket]; k < b->first[bucket + 1]; k++) {
    overlay_point c = pixels[b->entries[k]];
    if (c.x < x0 || c.x > x1 || c.y < y0 || c.y > y1)
      continue;
    int own_end = overlay_same(c, e->p) || overlay_same(c, e->q);
    if ((own_end || passes_pixel(e, c)) && add_stop(e, c, found))
      return CM_ENOMEM;
  }
  return 0;
}

int overlay_find_stops(const overlay_buckets *b, const overlay_point *pixels,
                       const overlay_edge *e, overlay_ids *along,
                       overlay_stops *found) {
  found->n = 0;
  int rc = overlay_buckets_along(b, e, along);
  for (size_t k = 0; rc == 0 && k < along->n; k++)
    rc = search_bucket(b, pixels, along->items[k], e, found);
  if (rc == 0 && found->n > 2)
    qsort(found->items, found->n, sizeof *found->items, by_along);
  return rc;
}
