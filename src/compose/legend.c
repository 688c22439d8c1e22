/* The legend's classes. A class is found by its text through a hash:
 * 100,000 features with texts of their own would make a list search
 * quadratic. In a batch, the compose cache works out once which class each
 * feature of a dated layer belongs to; a frame then only marks the classes
 * its features show, and lists no more of them than the legend has rows
 * for (LEGEND_MAX), counting the rest. */

#include "compose_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a: texts of features differ in their last characters as often as
 * their first. */
static size_t text_hash(const char *s) {
  uint64_t h = 14695981039346656037u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return (size_t)h;
}

size_t cm__legend_slot(const cm_legend_entry *list, const size_t *slots, size_t nslots,
                       const char *text) {
  size_t mask = nslots - 1, i = text_hash(text) & mask;
  while (slots[i] && strcmp(list[slots[i] - 1].text, text))
    i = (i + 1) & mask;
  return i;
}

static size_t *slot(composer *c, const char *text) {
  return &c->legend_slots[cm__legend_slot(c->legend, c->legend_slots, c->nslots, text)];
}

/* Rebuilt, twice as large, when over half full (or dropped by a cap). */
static int rehash(composer *c) {
  size_t n = 64;
  while (n < 2 * (c->nlegend + 1))
    n *= 2;
  free(c->legend_slots);
  if (!(c->legend_slots = calloc(n, sizeof *c->legend_slots))) {
    c->nslots = 0;
    return CM_ENOMEM;
  }
  c->nslots = n;
  for (size_t i = 0; i < c->nlegend; i++)
    *slot(c, c->legend[i].text) = i + 1;
  return CM_OK;
}

/* Append an entry for text, which is not listed yet. */
static int append(composer *c, const char *text, size_t seen, cm_legend_entry **out) {
  if (2 * (c->nlegend + 1) > c->nslots && rehash(c) != CM_OK)
    return CM_ENOMEM;
  size_t *at = slot(c, text);
  if (cm__grow((void **)&c->legend, &c->cap_legend, c->nlegend + 1, sizeof *c->legend) != CM_OK)
    return CM_ENOMEM;
  cm_legend_entry *e = &c->legend[c->nlegend];
  memset(e, 0, sizeof *e);
  e->arrow.taper = 1;
  if (!(e->text = strdup(text)))
    return CM_ENOMEM;
  e->seen = seen;
  *at = ++c->nlegend;
  *out = e;
  return CM_OK;
}

/* The state of the cache's class k in this frame, allocated on first use;
 * NULL when out of memory. */
static unsigned char *class_state(composer *c, size_t k) {
  if (!c->class_state) {
    size_t n = 0;
    cm__cache_classes(c, &n);
    if (!(c->class_state = calloc(n ? n : 1, 1)))
      return NULL;
  }
  return &c->class_state[k];
}

enum { ABSENT = 0, PENDING, LISTED };

int cm__legend_new(composer *c, const char *text, cm_legend_entry **out, size_t *index) {
  *out = NULL;
  if (c->nslots) {
    size_t at = *slot(c, text);
    if (at) {
      if (index)
        *index = at - 1;
      return CM_OK;
    }
  }
  /* A class of the cache shown by a dated layer may be present without
   * being listed yet. */
  long k = cm__cache_class_find(c, text);
  if (k >= 0) {
    unsigned char *st = class_state(c, (size_t)k);
    if (!st)
      return CM_ENOMEM;
    if (*st != ABSENT)
      return CM_OK;
    *st = LISTED;
  }
  int rc = append(c, text, c->seen_next++, out);
  if (rc == CM_OK && index)
    *index = c->nlegend - 1;
  return rc;
}

/* Entry e takes from's class, keeping its own copy of the text and its
 * place in the order of appearance. */
static void take_class(cm_legend_entry *e, const cm_legend_entry *from) {
  char *text = e->text;
  size_t seen = e->seen;
  *e = *from;
  e->text = text;
  e->seen = seen;
}

int cm__compose_copy_legend(composer *c, const cm_legend_entry *from) {
  cm_legend_entry *e;
  int rc = cm__legend_new(c, from->text, &e, NULL);
  if (rc == CM_OK && e)
    take_class(e, from);
  return rc;
}

int cm__compose_legend_entry(composer *c, const char *text, cm_geom_type type,
                             const cm_paint *paint) {
  cm_legend_entry *e;
  int rc = cm__legend_new(c, text, &e, NULL);
  if (rc != CM_OK || !e)
    return rc;
  e->type = type;
  e->paint = *paint;
  e->rule = 1 << 30; /* after the style's own classes */
  return CM_OK;
}

int cm__legend_mark(composer *c, uint32_t klass) {
  if (!klass)
    return CM_OK;
  unsigned char *st = class_state(c, klass - 1);
  if (!st)
    return CM_ENOMEM;
  if (*st != ABSENT)
    return CM_OK;
  if (cm__grow((void **)&c->pending, &c->cap_pending, c->npending + 1, sizeof *c->pending) != CM_OK)
    return CM_ENOMEM;
  *st = PENDING;
  c->pending[c->npending++] = (cm_pending_class){klass - 1, c->seen_next++};
  return CM_OK;
}

/* Whether pending class a comes before b in the legend's order: by the
 * rule that names it, then by first appearance. */
static int before(const cm_legend_entry *classes, cm_pending_class a, cm_pending_class b) {
  int ra = classes[a.klass].rule, rb = classes[b.klass].rule;
  return ra != rb ? ra < rb : a.seen < b.seen;
}

static void swap(cm_pending_class *a, cm_pending_class *b) {
  cm_pending_class t = *a;
  *a = *b, *b = t;
}

/* A max-heap h[0..n) in the legend's order: the last class at the root. */
static void sift_up(const cm_legend_entry *classes, cm_pending_class *h, size_t k) {
  for (; k > 0 && before(classes, h[(k - 1) / 2], h[k]); k = (k - 1) / 2)
    swap(&h[k], &h[(k - 1) / 2]);
}

static void sift_down(const cm_legend_entry *classes, cm_pending_class *h, size_t n) {
  for (size_t k = 0;;) {
    size_t m = k, a = 2 * k + 1, b = a + 1;
    if (a < n && before(classes, h[m], h[a]))
      m = a;
    if (b < n && before(classes, h[m], h[b]))
      m = b;
    if (m == k)
      return;
    swap(&h[k], &h[m]);
    k = m;
  }
}

/* Move the first max pending classes in the legend's order to the front
 * of the list, through a heap of the best so far: O(n log max). */
static void select_first(composer *c, const cm_legend_entry *classes, size_t max) {
  cm_pending_class *p = c->pending;
  size_t n = 0;
  for (size_t i = 0; i < c->npending; i++)
    if (n < max) {
      swap(&p[n], &p[i]);
      sift_up(classes, p, n++);
    } else if (before(classes, p[i], p[0])) {
      swap(&p[0], &p[i]);
      sift_down(classes, p, n);
    }
}

int cm__legend_settle(composer *c, size_t max) {
  if (!c->npending)
    return CM_OK;
  size_t n = 0;
  const cm_legend_entry *classes = cm__cache_classes(c, &n);
  size_t list = c->npending;
  if (c->nlegend + c->npending > max + 1) {
    list = max < c->npending ? max : c->npending;
    select_first(c, classes, list);
  }
  for (size_t i = 0; i < list; i++) {
    const cm_legend_entry *from = &classes[c->pending[i].klass];
    cm_legend_entry *e;
    int rc = append(c, from->text, c->pending[i].seen, &e);
    if (rc != CM_OK)
      return rc;
    take_class(e, from);
    c->class_state[c->pending[i].klass] = LISTED;
  }
  c->legend_unlisted += c->npending - list;
  c->npending = 0;
  return CM_OK;
}
