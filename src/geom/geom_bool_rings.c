/* The outline of the ground a boolean operation keeps, from edges that
 * meet only at their ends (see geom_bool_node.c).
 *
 * The edges make a planar map: around every point its edges are sorted by
 * angle, and walking each edge with the face on its left, turning as
 * sharply left as possible at every point, goes round that face. Crossing
 * an edge switches the insides its owner bits name, so the faces of one
 * connected piece of the map are labelled from its outer face alone; that
 * face is the one west of the piece's lowest leftmost point, and what lies
 * there is found by counting the edges a ray from the point to the west
 * crosses. All of it is exact on the grid.
 *
 * The result's outline is every edge with kept ground on one side only,
 * walked with the kept ground on its left and turning sharply at every
 * point, so rings that touch at a point stay apart; a ring that still
 * comes back to a point it passed is split there. */

#include "geom_bool.h"
#include "controlmap/error.h"

#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX

/* Half-edge h runs along edge h / 2, from p to q when h is even and back
 * when odd; h ^ 1 is the other way along the same edge. */
typedef struct planar_map {
  const overlay_edge *edges;
  size_t nedges, nhalves;
  const overlay_point *points; /* every end (and more), sorted, once */
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

/* ---- what lies left of each piece ------------------------------------------------ */

/* Edges by the lower end of their run of y. */
static overlay_sort_item *by_low_y(const planar_map *m) {
  overlay_sort_item *order = malloc((m->nedges ? m->nedges : 1) * sizeof *order);
  for (size_t i = 0; order && i < m->nedges; i++) {
    const overlay_edge *e = &m->edges[i];
    int64_t low = e->p.y < e->q.y ? e->p.y : e->q.y;
    order[i].key = (overlay_key)(uint64_t)(low + OVERLAY_GRID_MAX);
    order[i].index = i;
  }
  if (order && overlay_sort(order, m->nedges)) {
    free(order);
    order = NULL;
  }
  return order;
}

/* The points where[0..n) by height. */
static overlay_sort_item *by_height(const planar_map *m, const size_t *where,
                                    size_t n) {
  overlay_sort_item *order = malloc((n ? n : 1) * sizeof *order);
  for (size_t i = 0; order && i < n; i++) {
    overlay_point v = m->points[where[i]], flipped = {v.y, v.x};
    order[i].key = overlay_point_key(flipped);
    order[i].index = i;
  }
  if (order && overlay_sort(order, n)) {
    free(order);
    order = NULL;
  }
  return order;
}

/* Whether edge e crosses the ray from v to the left. The ray runs a hair
 * above v: an end exactly level with v counts as below, which makes each
 * crossing count once. */
static int crosses_ray(const overlay_edge *e, overlay_point v) {
  if ((e->p.y > v.y) == (e->q.y > v.y))
    return 0;
  overlay_point low = e->p.y > v.y ? e->q : e->p;
  overlay_point high = e->p.y > v.y ? e->p : e->q;
  return overlay_orient(low, high, v) < 0;
}

/* The insides just left of v: the owners of the edges the ray crosses.
 * active holds the edges reached so far going up; those already passed
 * are dropped on the way. */
static unsigned insides_left_of(const planar_map *m, overlay_point v,
                                size_t *active, size_t *nactive) {
  unsigned inside = 0;
  for (size_t j = 0; j < *nactive;) {
    const overlay_edge *e = &m->edges[active[j]];
    if (e->p.y <= v.y && e->q.y <= v.y) {
      active[j] = active[--*nactive];
      continue;
    }
    if (crosses_ray(e, v))
      inside ^= e->owner;
    j++;
  }
  return inside;
}

/* For each piece k of the map, the insides left of its lowest leftmost
 * point where[k], into outer[k]. The rays are cast in order of height,
 * sweeping up through the edges, so each looks only at the edges level
 * with it (and those just passed), not at all of them. */
static int cast_rays(const planar_map *m, const size_t *where, size_t n,
                     unsigned char *outer) {
  overlay_sort_item *edges = by_low_y(m), *asks = by_height(m, where, n);
  size_t *active = malloc((m->nedges ? m->nedges : 1) * sizeof *active);
  int rc = edges && asks && active ? 0 : CM_ENOMEM;
  size_t nactive = 0, next = 0;
  for (size_t i = 0; rc == 0 && i < n; i++) {
    overlay_point v = m->points[where[asks[i].index]];
    for (; next < m->nedges; next++) {
      const overlay_edge *e = &m->edges[edges[next].index];
      if ((e->p.y < e->q.y ? e->p.y : e->q.y) > v.y)
        break;
      active[nactive++] = edges[next].index;
    }
    outer[asks[i].index] = (unsigned char)insides_left_of(m, v, active, &nactive);
  }
  free(edges);
  free(asks);
  free(active);
  return rc;
}

/* Gives every face reachable from face f across edges the piece k and
 * its insides relative to f's. */
static void spread_labels(planar_map *m, size_t f, size_t k, size_t *piece,
                          size_t *queue, const size_t *face_half) {
  size_t head = 0, tail = 0;
  m->label[f] = 0;
  piece[f] = k;
  queue[tail++] = f;
  while (head < tail) {
    size_t g = queue[head++], h = face_half[g];
    do {
      size_t other = m->face[h ^ 1];
      if (piece[other] == NONE) {
        m->label[other] = (unsigned char)(m->label[g] ^ m->edges[h / 2].owner);
        piece[other] = k;
        queue[tail++] = other;
      }
      h = next_half(m, h);
    } while (h != face_half[g]);
  }
}

/* Splits the map into its connected pieces, labelling faces relative to
 * each piece's outer face; where[k] is piece k's lowest leftmost point.
 * Points come in sweep order, so the first point of a piece is that one,
 * and its westmost face is the outer one. */
static int find_pieces(planar_map *m, size_t *piece, size_t *where,
                       size_t *npieces) {
  size_t nf = m->nfaces ? m->nfaces : 1;
  size_t *queue = malloc(nf * sizeof *queue);
  size_t *face_half = malloc(nf * sizeof *face_half);
  int rc = queue && face_half ? 0 : CM_ENOMEM;
  for (size_t h = m->nhalves; rc == 0 && h-- > 0;)
    face_half[m->face[h]] = h;
  *npieces = 0;
  for (size_t v = 0; rc == 0 && v < m->npoints; v++) {
    if (m->first[v] == m->first[v + 1])
      continue; /* a point no edge ends at any more */
    size_t f = m->face[westmost_face_half(m, v)];
    if (piece[f] != NONE)
      continue;
    where[*npieces] = v;
    spread_labels(m, f, (*npieces)++, piece, queue, face_half);
  }
  free(queue);
  free(face_half);
  return rc;
}

/* Every face's insides: relative within its piece, then made absolute by
 * what lies left of the piece. */
static int label_faces(planar_map *m) {
  size_t nf = m->nfaces ? m->nfaces : 1, np = m->npoints ? m->npoints : 1;
  m->label = malloc(nf);
  size_t *piece = malloc(nf * sizeof *piece), *where = malloc(np * sizeof *where);
  unsigned char *outer = malloc(np);
  size_t npieces = 0;
  int rc = m->label && piece && where && outer ? 0 : CM_ENOMEM;
  for (size_t f = 0; rc == 0 && f < m->nfaces; f++)
    piece[f] = NONE;
  if (rc == 0)
    rc = find_pieces(m, piece, where, &npieces);
  if (rc == 0)
    rc = cast_rays(m, where, npieces, outer);
  for (size_t f = 0; rc == 0 && f < m->nfaces; f++)
    m->label[f] ^= outer[piece[f]];
  free(piece);
  free(where);
  free(outer);
  return rc;
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
  if (cm__grow((void **)&rings->starts, &rings->cap_rings,
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
  free(m->from);
  free(m->first);
  free(m->around);
  free(m->slot);
  free(m->face);
  free(m->label);
}

int overlay_trace(const overlay_edges *edges, const overlay_points *pixels,
                  cm_bool_op op, overlay_rings *rings) {
  planar_map m;
  memset(&m, 0, sizeof m);
  m.edges = edges->items;
  m.nedges = edges->n;
  m.points = pixels->items;
  m.npoints = pixels->n;
  if (edges->n > SIZE_MAX / 4)
    return CM_ENOMEM;
  m.nhalves = 2 * edges->n;
  int rc = count_spokes(&m);
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
