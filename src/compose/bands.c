/* Bands beside the frame sized by what they hold. The page layout gives
 * the legend's band (outside-right, outside-left, below) and the event
 * key's band their share of the page before anything is known of the map;
 * here, once the date's legend classes and events are known, a band that
 * needs more room grows: the key's band to list every event, then the
 * legend's, in more columns beside the frame or a taller band below it.
 * The map is then drawn smaller, as small multiples are, into the frame
 * that is left. A legend that would leave the map under half its size
 * keeps its share, and the check says it does not fit. */

#include "compose_internal.h"

#include <math.h>

/* The least the map may shrink to, as a share of its frame's size. */
#define SMALLEST 0.5

/* The room each band needs, worked out on a probe that has the date's
 * classes and events; the composer's own lists fill as the map is drawn. */
typedef struct needs {
  double key;           /* height of the key's band below the map */
  double legend;        /* width of a side band, or height of the one below */
  int legend_band;      /* 0 right, 1 left, 2 below, -1 in the frame */
  int cols;
  double room;
} needs;

/* With min_key, the key's band is at least that high (a series: the
 * height the most demanding day needs). */
static int measure(composer *c, needs *n, double min_key) {
  composer probe = *c; /* nothing collected yet: no list is shared */
  g_object_ref(probe.ctx);
  int rc = cm__collect_legend(&probe, c->day);
  if (rc == CM_OK)
    rc = cm__collect_key(&probe, c->day);
  cm_page_layout *pg = &probe.page;
  n->key = cm_bbox_is_empty(pg->key) || c->ms->key != CM_KEY_BELOW
               ? 0 : fmax(cm__key_height(&probe, pg->key), min_key);
  if (n->key > 0) { /* the bands beside the frame lose what the key takes */
    double more = n->key - (pg->key.maxy - pg->key.miny);
    for (int b = 0; b < 2; b++)
      pg->band[b].maxy -= more;
    pg->band[2].miny -= more, pg->band[2].maxy -= more;
  }
  n->legend_band = cm__page_band_of(c->ms->legend);
  n->legend = 0;
  if (rc == CM_OK && n->legend_band >= 0 && n->legend_band < 2) {
    cm_bbox b = pg->band[n->legend_band];
    n->legend = cm__legend_fit_side(&probe, b.maxx - b.minx, b.maxy - b.miny);
  } else if (rc == CM_OK && n->legend_band == 2) {
    cm_bbox b = pg->band[2];
    n->legend = cm__legend_height(&probe, b.maxx - b.minx);
  }
  n->cols = probe.legend_cols;
  n->room = probe.legend_room;
  cm__composer_free(&probe);
  return rc;
}

/* The frame left when the key's band grows to height key and the
 * legend's band to its need; the bands move with it. */
static cm_bbox grow(cm_page_layout *pg, const needs *n) {
  cm_bbox f = pg->frame;
  double more = n->key > 0 ? n->key - (pg->key.maxy - pg->key.miny) : 0;
  if (more > 0) {
    pg->key.miny -= more;
    f.maxy -= more;
    for (int b = 0; b < 2; b++)
      pg->band[b].maxy -= more;
    pg->band[2].miny -= more, pg->band[2].maxy -= more;
  }
  int lb = n->legend_band;
  if (lb < 0)
    return f;
  cm_bbox *b = &pg->band[lb];
  if (lb == 0 && n->legend > b->maxx - b->minx)
    f.maxx -= n->legend - (b->maxx - b->minx), b->minx = b->maxx - n->legend;
  else if (lb == 1 && n->legend > b->maxx - b->minx)
    f.minx += n->legend - (b->maxx - b->minx), b->maxx = b->minx + n->legend;
  else if (lb == 2 && n->legend > b->maxy - b->miny)
    f.maxy -= n->legend - (b->maxy - b->miny), b->miny = b->maxy - n->legend;
  return f;
}

/* Draw the map's frame f0 scaled into room: beside a side band, against
 * it, so the legend stands next to the map. */
static void shrink_into(composer *c, cm_bbox f0, cm_bbox room, double k) {
  double w = (f0.maxx - f0.minx) * k, h = (f0.maxy - f0.miny) * k;
  double x = c->ms->legend == CM_CORNER_OUTSIDE_LEFT ? room.maxx - w : room.minx;
  cm_bbox d = {x, room.miny, x + w, room.miny + h};
  double gap = c->page.note_size * 0.8;
  cm_bbox *right = &c->page.band[0], *left = &c->page.band[1];
  if (!cm_bbox_is_empty(*right)) {
    double bw = right->maxx - right->minx;
    right->minx = d.maxx + gap, right->maxx = right->minx + bw;
  }
  if (!cm_bbox_is_empty(*left)) {
    double bw = left->maxx - left->minx;
    left->maxx = d.minx - gap, left->minx = left->maxx - bw;
  }
  c->page.frame = c->frame = c->furniture = d;
  c->k = k;
  c->src0 = (cm_point){f0.minx, f0.miny};
  c->dst0 = (cm_point){d.minx, d.miny};
}

/* The scale of the map in the frame grow leaves, the layout in *pg. */
static double scale_left(const composer *c, const needs *n, cm_page_layout *pg,
                         cm_bbox *f) {
  *pg = c->page;
  cm_bbox f0 = pg->frame;
  *f = grow(pg, n);
  return fmin((f->maxx - f->minx) / (f0.maxx - f0.minx),
              (f->maxy - f->miny) / (f0.maxy - f0.miny));
}

/* The needs at c's day, after giving up a legend too big to stand beside
 * the map: it keeps its share, which the check reports. */
static int effective_needs(composer *c, needs *n, double min_key) {
  int rc = measure(c, n, min_key);
  cm_page_layout pg;
  cm_bbox f;
  if (rc == CM_OK && scale_left(c, n, &pg, &f) < SMALLEST) {
    n->cols = 1;
    n->room = 0;
    n->legend = 0;
  }
  return rc;
}

int cm__bands_need(composer *c, double min_key, double *key, double *legend) {
  needs n;
  int rc = effective_needs(c, &n, min_key);
  *key = rc == CM_OK ? n.key : 0;
  *legend = rc == CM_OK ? n.legend : 0;
  return rc;
}

int cm__fit_bands(composer *c) {
  /* A frame of a series takes the room its most demanding day needs. */
  double key = 0, legend = 0;
  int series = cm__cache_series(c, &key, &legend);
  needs n;
  int rc = effective_needs(c, &n, key);
  if (rc != CM_OK)
    return rc;
  int side = n.legend_band == 0 || n.legend_band == 1;
  c->legend_cols = n.cols;
  c->legend_room = side ? n.room : 0;
  if (series)
    n.legend = fmax(n.legend, legend);
  cm_page_layout pg;
  cm_bbox f0 = c->page.frame, f;
  double k = scale_left(c, &n, &pg, &f);
  if (k < SMALLEST) { /* the key still gets its room if it can */
    c->legend_cols = 1;
    c->legend_room = 0;
    n.legend = 0;
    k = scale_left(c, &n, &pg, &f);
  }
  if (k >= SMALLEST && k < 0.999) {
    c->page = pg;
    shrink_into(c, f0, f, k);
  }
  return CM_OK;
}
