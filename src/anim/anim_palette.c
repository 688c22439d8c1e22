/* A GIF frame's palette. Maps are a few flat colours (fills, lines, text)
 * plus the blends antialiasing makes along their edges: the flat colours
 * are kept exactly, because a shifted fill is visible across a whole
 * region and breaks the legend's match, while the blends are shared out by
 * median cut, where a small error only softens an edge. Nothing is
 * dithered, so flat areas stay flat and compress well. */

#include "anim_internal.h"

#include <stdlib.h>
#include <string.h>

/* --- counting colours: open addressing on the 24-bit colour ------------ */

typedef struct tally_entry {
  uint32_t rgb;
  uint32_t count; /* 0: an empty slot */
  int index;      /* palette entry, after cm__palette_build */
} tally_entry;

struct colour_tally {
  tally_entry *slots;
  size_t cap, used; /* cap a power of two */
};

colour_tally *cm__tally_new(void) {
  colour_tally *t = calloc(1, sizeof *t);
  if (t && !(t->slots = calloc(t->cap = 1024, sizeof *t->slots))) {
    free(t);
    t = NULL;
  }
  return t;
}

void cm__tally_free(colour_tally *t) {
  if (t)
    free(t->slots);
  free(t);
}

static size_t slot_of(const colour_tally *t, uint32_t rgb) {
  size_t i = (size_t)((rgb * 2654435761u) & (uint32_t)(t->cap - 1));
  while (t->slots[i].count && t->slots[i].rgb != rgb)
    i = (i + 1) & (t->cap - 1);
  return i;
}

static int grow(colour_tally *t) {
  colour_tally bigger = {calloc(t->cap * 2, sizeof *t->slots), t->cap * 2, t->used};
  if (!bigger.slots)
    return CM_ENOMEM;
  for (size_t i = 0; i < t->cap; i++)
    if (t->slots[i].count)
      bigger.slots[slot_of(&bigger, t->slots[i].rgb)] = t->slots[i];
  free(t->slots);
  *t = bigger;
  return CM_OK;
}

int cm__tally_add(colour_tally *t, uint32_t rgb) {
  if (t->used * 2 >= t->cap && grow(t) != CM_OK)
    return CM_ENOMEM;
  tally_entry *e = &t->slots[slot_of(t, rgb)];
  if (!e->count) {
    e->rgb = rgb;
    t->used++;
  }
  e->count++;
  return CM_OK;
}

int cm__palette_index(const colour_tally *t, uint32_t rgb) {
  const tally_entry *e = &t->slots[slot_of(t, rgb)];
  return e->count ? e->index : -1;
}

/* --- choosing the colours ---------------------------------------------- */

typedef struct shade {
  uint32_t rgb, count;
} shade;

static int channel(uint32_t rgb, int axis) { return (int)(rgb >> (16 - 8 * axis)) & 0xff; }

/* Most common first; equal counts by colour, so the order (and the file)
 * never depends on the hash table's layout. */
static int by_count(const void *a, const void *b) {
  const shade *x = a, *y = b;
  if (x->count != y->count)
    return x->count < y->count ? 1 : -1;
  return (x->rgb > y->rgb) - (x->rgb < y->rgb);
}

static int along(const shade *x, const shade *y, int axis) {
  int d = channel(x->rgb, axis) - channel(y->rgb, axis);
  return d ? d : (x->rgb > y->rgb) - (x->rgb < y->rgb);
}
static int along_red(const void *a, const void *b) { return along(a, b, 0); }
static int along_green(const void *a, const void *b) { return along(a, b, 1); }
static int along_blue(const void *a, const void *b) { return along(a, b, 2); }

/* A run of shades to become one palette colour. */
typedef struct box {
  shade *first;
  size_t n;
  uint64_t weight;
  int axis, length; /* the longest side and its length */
} box;

static void measure(box *b) {
  int lo[3] = {255, 255, 255}, hi[3] = {0, 0, 0};
  b->weight = 0;
  for (size_t i = 0; i < b->n; i++) {
    for (int c = 0; c < 3; c++) {
      int v = channel(b->first[i].rgb, c);
      lo[c] = v < lo[c] ? v : lo[c];
      hi[c] = v > hi[c] ? v : hi[c];
    }
    b->weight += b->first[i].count;
  }
  b->axis = 0;
  for (int c = 1; c < 3; c++)
    if (hi[c] - lo[c] > hi[b->axis] - lo[b->axis])
      b->axis = c;
  b->length = hi[b->axis] - lo[b->axis];
}

/* The box whose split gains most: many pixels spread far. -1: none can. */
static int widest(const box *boxes, int n) {
  int best = -1;
  uint64_t best_score = 0;
  for (int i = 0; i < n; i++) {
    uint64_t score = boxes[i].weight * (uint64_t)boxes[i].length;
    if (boxes[i].n > 1 && boxes[i].length > 0 && score > best_score) {
      best = i;
      best_score = score;
    }
  }
  return best;
}

/* Cut b at the weighted median of its longest side; the upper part goes
 * to *upper. */
static void split(box *b, box *upper) {
  static int (*const order[3])(const void *, const void *) = {
      along_red, along_green, along_blue};
  qsort(b->first, b->n, sizeof *b->first, order[b->axis]);
  uint64_t half = b->weight / 2, sum = b->first[0].count;
  size_t cut = 1;
  while (cut < b->n - 1 && sum < half)
    sum += b->first[cut++].count;
  *upper = (box){b->first + cut, b->n - cut, 0, 0, 0};
  b->n = cut;
  measure(b);
  measure(upper);
}

static uint32_t mean_colour(const box *b) {
  uint64_t sum[3] = {0, 0, 0};
  for (size_t i = 0; i < b->n; i++)
    for (int c = 0; c < 3; c++)
      sum[c] += (uint64_t)channel(b->first[i].rgb, c) * b->first[i].count;
  uint32_t rgb = 0;
  for (int c = 0; c < 3; c++)
    rgb = rgb << 8 | (uint32_t)((sum[c] + b->weight / 2) / b->weight);
  return rgb;
}

/* Up to k colours standing for the n shades. */
static int median_cut(shade *shades, size_t n, int k, uint32_t *out) {
  box boxes[256];
  int count = 1;
  boxes[0] = (box){shades, n, 0, 0, 0};
  measure(&boxes[0]);
  int pick;
  while (count < k && (pick = widest(boxes, count)) >= 0) {
    split(&boxes[pick], &boxes[count]);
    count++;
  }
  for (int i = 0; i < count; i++)
    out[i] = mean_colour(&boxes[i]);
  return count;
}

/* --- giving each colour its entry -------------------------------------- */

/* Green counts most to the eye, blue least. */
static uint32_t distance(uint32_t a, uint32_t b) {
  int d[3];
  for (int c = 0; c < 3; c++)
    d[c] = channel(a, c) - channel(b, c);
  return (uint32_t)(3 * d[0] * d[0] + 4 * d[1] * d[1] + 2 * d[2] * d[2]);
}

static int nearest(const palette *p, uint32_t rgb) {
  int best = 0;
  uint32_t best_d = UINT32_MAX;
  for (int i = 0; i < p->count && best_d; i++) {
    uint32_t d = distance(p->colours[i], rgb);
    if (d < best_d) {
      best = i;
      best_d = d;
    }
  }
  return best;
}

static void assign(const palette *p, colour_tally *t) {
  for (size_t i = 0; i < t->cap; i++)
    if (t->slots[i].count)
      t->slots[i].index = nearest(p, t->slots[i].rgb);
}

/* How many of the most common colours to keep exactly: those covering at
 * least 1/2048 of the frame's changed pixels, at most half the palette. */
static size_t exact_count(const shade *s, size_t n, int max) {
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += s[i].count;
  uint64_t enough = total / 2048 + 2;
  size_t k = 0;
  while (k < n && k < (size_t)max / 2 && s[k].count >= enough)
    k++;
  return k;
}

static shade *shades_of(const colour_tally *t) {
  shade *s = malloc((t->used ? t->used : 1) * sizeof *s);
  size_t k = 0;
  for (size_t i = 0; s && i < t->cap; i++)
    if (t->slots[i].count)
      s[k++] = (shade){t->slots[i].rgb, t->slots[i].count};
  if (s)
    qsort(s, k, sizeof *s, by_count);
  return s;
}

int cm__palette_build(palette *out, colour_tally *t, int max, cm_error *err) {
  memset(out, 0, sizeof *out);
  shade *s = shades_of(t);
  if (!s)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory for a palette");
  size_t n = t->used;
  if (n <= (size_t)max) {
    for (size_t i = 0; i < n; i++)
      out->colours[i] = s[i].rgb;
    out->count = (int)n;
  } else {
    size_t exact = exact_count(s, n, max);
    for (size_t i = 0; i < exact; i++)
      out->colours[i] = s[i].rgb;
    out->count = (int)exact +
                 median_cut(s + exact, n - exact, max - (int)exact,
                            out->colours + exact);
  }
  free(s);
  assign(out, t);
  return CM_OK;
}
