/* The outline of the ground a boolean operation keeps, from edges that
 * meet only at their ends (see geom_bool_node.c).
 *
 * The edges make a planar map: around every point its edges are sorted by
 * angle, and walking each edge with the ground on its left, turning as
 * sharply right as possible at every point, goes round one face. Each face
 * is labelled with whether it lies in a and in b: crossing an edge switches
 * the insides its owner bits name, so one face per connected piece of the
 * map is enough. That face is the one left of the piece's lowest leftmost
 * point, labelled by counting the edges a ray from there to the left
 * crosses (other pieces only, and exactly, on the grid).
 *
 * The result's outline is every edge with kept ground on one side only,
 * walked with the kept ground on its left, turning sharply at every point
 * so rings that touch at a point stay apart; a ring that still comes back
 * to a point it passed is split there. */

#include "geom_bool.h"
#include "controlmap/error.h"

#include <stdlib.h>
#include <string.h>

#define UNLABELLED 0xffu
#define NONE SIZE_MAX

/* Half-edge h runs along edge h / 2, from p to q when h is even and back
 * when odd; h ^ 1 is the other way along the same edge. */
typedef struct planar_map {
  const overlay_edge *edges;
  size_t nedges, nhalves;
  overlay_point *points; /* every end, sorted, once */
  size_t npoints;
  size_t *from;          /* per half-edge: the point it leaves */
  size_t *first;         /* per point: its first half-edge in around */
  size_t *around;        /* half-edges leaving each point, anticlockwise */
  size_t *slot;          /* per half-edge: its place in around */
  size_t *face;          /* per half-edge: the face on its left */
  size_t nfaces;
  unsigned char *label;  /* per face: OVERLAY_IN_A | OVERLAY_IN_B bits */
} planar_map;

static overlay_point half_start(const planar_map *m, size_t h) {
  const overlay_edge *e = &m->edges[h / 2];
  return h % 2 ? e->q : e->p;
}

static overlay_point half_end(const planar_map *m, size_t h) {
  return half_start(m, h ^ 1);
}

/* ---- points and the order of edges around them ------------------------------------- */

static int by_position(const void *pa, const void *pb) {
  return overlay_compare(*(const overlay_point *)pa, *(const overlay_point *)pb);
}

static size_t point_index(const planar_map *m, overlay_point p) {
  size_t lo = 0, hi = m->npoints;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (overlay_compare(m->points[mid], p) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int collect_points(planar_map *m) {
  m->points = malloc((m->nhalves ? m->nhalves : 1) * sizeof *m->points);
  if (!m->points)
    return CM_ENOMEM;
  for (size_t h = 0; h < m->nhalves; h++)
    m->points[h] = half_start(m, h);
  qsort(m->points, m->nhalves, sizeof *m->points, by_position);
  size_t k = 0;
  for (size_t i = 0; i < m->nhalves; i++)
    if (k == 0 || !overlay_same(m->points[i], m->points[k - 1]))
      m->points[k++] = m->points[i];
  m->npoints = k;
  return 0;
}

/* A half-edge seen from the point it leaves. */
typedef struct spoke {
  int64_t dx, dy;
  size_t half;
} spoke;

/* 0 for directions from east (included) round to west (excluded). */
static int lower_half(const spoke *s) { return !(s->dy > 0 || (s->dy == 0 && s->dx > 0)); }

static int by_angle(const void *pa, const void *pb) {
  const spoke *a = pa, *b = pb;
  int ha = lower_half(a), hb = lower_half(b);
  if (ha != hb)
    return ha - hb;
  overlay_wide cross = (overlay_wide)a->dx * b->dy - (overlay_wide)a->dy * b->dx;
  return (cross < 0) - (cross > 0);
}

static int count_spokes(planar_map *m) {
  m->from = malloc((m->nhalves ? m->nhalves : 1) * sizeof *m->from);
  m->first = calloc(m->npoints + 1, sizeof *m->first);
  if (!m->from || !m->first)
    return CM_ENOMEM;
  for (size_t h = 0; h < m->nhalves; h++) {
    m->from[h] = point_index(m, half_start(m, h));
    m->first[m->from[h] + 1]++;
  }
  for (size_t v = 0; v < m->npoints; v++)
    m->first[v + 1] += m->first[v];
  return 0;
}

/* Fills around and slot: each point's half-edges sorted by angle. */
static int sort_spokes(planar_map *m) {
  size_t n = m->nhalves ? m->nhalves : 1;
  spoke *spokes = malloc(n * sizeof *spokes);
  size_t *fill = malloc((m->npoints ? m->npoints : 1) * sizeof *fill);
  m->around = malloc(n * sizeof *m->around);
  m->slot = malloc(n * sizeof *m->slot);
  int rc = spokes && fill && m->around && m->slot ? 0 : CM_ENOMEM;
  for (size_t v = 0; rc == 0 && v < m->npoints; v++)
    fill[v] = m->first[v];
  for (size_t h = 0; rc == 0 && h < m->nhalves; h++) {
    overlay_point a = half_start(m, h), b = half_end(m, h);
    spokes[fill[m->from[h]]++] = (spoke){b.x - a.x, b.y - a.y, h};
  }
  for (size_t v = 0; rc == 0 && v < m->npoints; v++)
    qsort(spokes + m->first[v], m->first[v + 1] - m->first[v], sizeof *spokes,
          by_angle);
  for (size_t i = 0; rc == 0 && i < m->nhalves; i++) {
    m->around[i] = spokes[i].half;
    m->slot[spokes[i].half] = i;
  }
  free(spokes);
  free(fill);
  return rc;
}

/* The half-edge after h round the face on h's left: the one leaving h's
 * end next clockwise from the way back. */
static size_t next_half(const planar_map *m, size_t h) {
  size_t back = h ^ 1, v = m->from[back];
  size_t first = m->first[v], count = m->first[v + 1] - first;
  return m->around[first + (m->slot[back] - first + count - 1) % count];
}

/* ---- faces and what lies in them -------------------------------------------------- */

static int find_faces(planar_map *m) {
  m->face = malloc((m->nhalves ? m->nhalves : 1) * sizeof *m->face);
  if (!m->face)
    return CM_ENOMEM;
  for (size_t h = 0; h < m->nhalves; h++)
    m->face[h] = NONE;
  m->nfaces = 0;
  for (size_t h = 0; h < m->nhalves; h++) {
    if (m->face[h] != NONE)
      continue;
    for (size_t g = h; m->face[g] == NONE; g = next_half(m, g))
      m->face[g] = m->nfaces;
    m->nfaces++;
  }
  return 0;
}

/* The insides just left of point v, from the edges a ray from v to the
 * left crosses. The ray runs a hair above v: an end exactly on it counts
 * as below, which makes each crossing count once. */
static unsigned insides_left_of(const planar_map *m, overlay_point v) {
  unsigned inside = 0;
  for (size_t i = 0; i < m->nedges; i++) {
    const overlay_edge *e = &m->edges[i];
    if ((e->p.y > v.y) == (e->q.y > v.y))
      continue;
    overlay_point low = e->p.y > v.y ? e->q : e->p;
    overlay_point high = e->p.y > v.y ? e->p : e->q;
    if (overlay_orient(low, high, v) < 0)
      inside ^= e->owner;
  }
  return inside;
}

/* Of the half-edges leaving the lowest leftmost point v of a piece of the
 * map (all heading right, or straight up), the one turned furthest
 * anticlockwise: the face on its left reaches round to the west of v. */
static size_t westmost_face_half(const planar_map *m, size_t v) {
  size_t best = m->around[m->first[v]];
  overlay_point at = m->points[v];
  for (size_t i = m->first[v] + 1; i < m->first[v + 1]; i++) {
    size_t h = m->around[i];
    overlay_point b = half_end(m, best), c = half_end(m, h);
    if (overlay_orient(at, b, c) > 0)
      best = h;
  }
  return best;
}

/* Labels every face reachable from face f across edges, f being labelled. */
static void spread_labels(planar_map *m, size_t f, size_t *queue,
                          const size_t *face_half) {
  size_t head = 0, tail = 0;
  queue[tail++] = f;
  while (head < tail) {
    size_t g = queue[head++], h = face_half[g];
    do {
      size_t other = m->face[h ^ 1];
      if (m->label[other] == UNLABELLED) {
        m->label[other] = (unsigned char)(m->label[g] ^ m->edges[h / 2].owner);
        queue[tail++] = other;
      }
      h = next_half(m, h);
    } while (h != face_half[g]);
  }
}

static int label_faces(planar_map *m) {
  size_t nf = m->nfaces ? m->nfaces : 1;
  m->label = malloc(nf);
  size_t *queue = malloc(nf * sizeof *queue);
  size_t *face_half = malloc(nf * sizeof *face_half);
  if (!m->label || !queue || !face_half) {
    free(queue);
    free(face_half);
    return CM_ENOMEM;
  }
  memset(m->label, UNLABELLED, nf);
  for (size_t h = m->nhalves; h-- > 0;)
    face_half[m->face[h]] = h;
  /* points in sweep order: the first of a piece is its lowest leftmost */
  for (size_t v = 0; v < m->npoints; v++) {
    size_t h = westmost_face_half(m, v);
    if (m->label[m->face[h]] != UNLABELLED)
      continue;
    m->label[m->face[h]] = (unsigned char)insides_left_of(m, m->points[v]);
    spread_labels(m, m->face[h], queue, face_half);
  }
  free(queue);
  free(face_half);
  return 0;
}

/* ---- the result's outline ---------------------------------------------------------- */

static int kept(unsigned label, cm_bool_op op) {
  int in_a = (label & OVERLAY_IN_A) != 0, in_b = (label & OVERLAY_IN_B) != 0;
  switch (op) {
  case CM_BOOL_INTERSECTION: return in_a && in_b;
  case CM_BOOL_UNION: return in_a || in_b;
  case CM_BOOL_DIFFERENCE: return in_a && !in_b;
  default: return in_a != in_b;
  }
}

/* Whether half-edge h has kept ground on its left and none on its right. */
static int on_outline(const planar_map *m, size_t h, cm_bool_op op) {
  return kept(m->label[m->face[h]], op) && !kept(m->label[m->face[h ^ 1]], op);
}

/* The outline half-edge after h: turning from the way back clockwise, past
 * edges with kept ground on both sides, to the first one on the outline. */
static size_t next_on_outline(const planar_map *m, size_t h, cm_bool_op op) {
  size_t g = next_half(m, h), v = m->from[g];
  size_t count = m->first[v + 1] - m->first[v];
  for (size_t k = 0; k < count && !on_outline(m, g, op); k++)
    g = next_half(m, g ^ 1);
  return g;
}

/* ---- rings ------------------------------------------------------------------------- */

/* A walk round the outline being split into rings. */
typedef struct walk {
  size_t *stack;    /* points of the ring being built */
  size_t n;
  size_t *place;    /* per point: its place on the stack, NONE when off */
  size_t *degree;   /* per point: outline half-edges leaving it */
} walk;

/* Whether point i of a ring can go: the outline runs straight through it
 * and no other ring touches it there. */
static int straight_through(const planar_map *m, const walk *w,
                            const size_t *ring, size_t n, size_t i) {
  size_t v = ring[i];
  if (w->degree[v] != 1)
    return 0;
  overlay_point a = m->points[ring[(i + n - 1) % n]];
  overlay_point c = m->points[ring[(i + 1) % n]];
  return overlay_orient(a, m->points[v], c) == 0;
}

static int emit_ring(const planar_map *m, const walk *w, const size_t *ring,
                     size_t n, overlay_rings *rings) {
  if (overlay_grow((void **)&rings->starts, &rings->cap_rings,
                   rings->nrings + 1, sizeof *rings->starts))
    return CM_ENOMEM;
  size_t start = rings->points.n;
  for (size_t i = 0; i < n; i++)
    if (!straight_through(m, w, ring, n, i) &&
        overlay_push_point(&rings->points, m->points[ring[i]]))
      return CM_ENOMEM;
  if (rings->points.n - start < 3) /* only a broken map leaves this */
    rings->points.n = start;
  else
    rings->starts[rings->nrings++] = start;
  return 0;
}

/* Adds point v to the walk; coming back to a point on the stack closes
 * the loop since then, which becomes a ring of its own. */
static int walk_to(const planar_map *m, walk *w, size_t v,
                   overlay_rings *rings) {
  size_t at = w->place[v];
  if (at == NONE) {
    w->place[v] = w->n;
    w->stack[w->n++] = v;
    return 0;
  }
  int rc = emit_ring(m, w, w->stack + at, w->n - at, rings);
  for (size_t i = at + 1; i < w->n; i++)
    w->place[w->stack[i]] = NONE;
  w->n = at + 1;
  return rc;
}

/* Walks the outline from half-edge h until it closes, emitting rings. */
static int walk_outline(const planar_map *m, walk *w, unsigned char *walked,
                        size_t h, cm_bool_op op, overlay_rings *rings) {
  int rc = 0;
  w->n = 0;
  for (size_t g = h; rc == 0 && !walked[g]; g = next_on_outline(m, g, op)) {
    walked[g] = 1;
    rc = walk_to(m, w, m->from[g], rings);
  }
  if (rc == 0 && w->n > 0)
    rc = emit_ring(m, w, w->stack, w->n, rings);
  for (size_t i = 0; i < w->n; i++)
    w->place[w->stack[i]] = NONE;
  return rc;
}

static int trace_outline(const planar_map *m, cm_bool_op op,
                         overlay_rings *rings) {
  size_t np = m->npoints ? m->npoints : 1, nh = m->nhalves ? m->nhalves : 1;
  walk w = {malloc((nh + 1) * sizeof(size_t)), 0, malloc(np * sizeof(size_t)),
            calloc(np, sizeof(size_t))};
  unsigned char *walked = calloc(nh, 1);
  int rc = w.stack && w.place && w.degree && walked ? 0 : CM_ENOMEM;
  for (size_t v = 0; rc == 0 && v < m->npoints; v++)
    w.place[v] = NONE;
  for (size_t h = 0; rc == 0 && h < m->nhalves; h++)
    if (on_outline(m, h, op))
      w.degree[m->from[h]]++;
  for (size_t h = 0; rc == 0 && h < m->nhalves; h++)
    if (!walked[h] && on_outline(m, h, op))
      rc = walk_outline(m, &w, walked, h, op, rings);
  free(w.stack);
  free(w.place);
  free(w.degree);
  free(walked);
  return rc;
}

/* ---- the whole tracing ------------------------------------------------------------- */

static void free_map(planar_map *m) {
  free(m->points);
  free(m->from);
  free(m->first);
  free(m->around);
  free(m->slot);
  free(m->face);
  free(m->label);
}

int overlay_trace(const overlay_edges *edges, cm_bool_op op,
                  overlay_rings *rings) {
  planar_map m;
  memset(&m, 0, sizeof m);
  m.edges = edges->items;
  m.nedges = edges->n;
  if (edges->n > SIZE_MAX / 4)
    return CM_ENOMEM;
  m.nhalves = 2 * edges->n;
  int rc = collect_points(&m);
  if (rc == 0)
    rc = count_spokes(&m);
  if (rc == 0)
    rc = sort_spokes(&m);
  if (rc == 0)
    rc = find_faces(&m);
  if (rc == 0)
    rc = label_faces(&m);
  if (rc == 0)
    rc = trace_outline(&m, op, rings);
  free_map(&m);
  return rc;
}
