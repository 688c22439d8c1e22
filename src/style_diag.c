/* Mistakes found in a style: collected (not stopped at) so that one run of
 * `controlmap check` lists them all, and spelling suggestions for them. */

#include "style_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A file of garbage (a shapefile passed as the style) would otherwise give
 * one mistake per byte; nobody reads past the first hundred. */
enum { MAX_MISTAKES = 100 };

cm_error *style_error(style_diag *d, int line, int col, const char *fmt, ...) {
  cm_error e;
  cm_error_clear(&e);
  e.code = CM_ESTYLE;
  snprintf(e.file, sizeof e.file, "%s", d->file ? d->file : "");
  e.line = line;
  e.col = col;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e.message, sizeof e.message, fmt, ap);
  va_end(ap);
  if (d->list.count >= MAX_MISTAKES) {
    d->dropped++;
    d->scratch = e;
    return &d->scratch;
  }
  if (cm_errors_add(&d->list, &e) != CM_OK) {
    d->nomem = 1;
    d->scratch = e;
    return &d->scratch;
  }
  return &d->list.items[d->list.count - 1];
}

static int before(const cm_error *a, const cm_error *b) {
  return a->line < b->line || (a->line == b->line && a->col < b->col);
}

void style_diag_finish(style_diag *d) {
  cm_error *e = d->list.items;
  /* Insertion sort: stable, and the list is short (capped). */
  for (size_t i = 1; i < d->list.count; i++) {
    cm_error moving = e[i];
    size_t j = i;
    while (j > 0 && before(&moving, &e[j - 1])) {
      e[j] = e[j - 1];
      j--;
    }
    e[j] = moving;
  }
  if (d->dropped) {
    size_t dropped = d->dropped;
    d->dropped = 0;
    d->list.count--; /* make room: the note goes last */
    style_error(d, 0, 0, "%zu more mistakes not listed", dropped + 1);
  }
}

/* --- did you mean ---------------------------------------------------------- */

enum { SPELL_MAX = 64 };

/* Optimal string alignment distance (Levenshtein plus swapped neighbours),
 * ignoring ASCII case so that "map" finds "Map". */
static size_t distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > SPELL_MAX || m > SPELL_MAX)
    return SIZE_MAX;
  size_t rows[3][SPELL_MAX + 1];
  size_t *older = rows[0], *prev = rows[1], *cur = rows[2];
  for (size_t j = 0; j <= m; j++)
    prev[j] = j;
  for (size_t i = 1; i <= n; i++) {
    cur[0] = i;
    int ca = tolower((unsigned char)a[i - 1]);
    for (size_t j = 1; j <= m; j++) {
      int cb = tolower((unsigned char)b[j - 1]);
      size_t best = prev[j - 1] + (ca != cb);
      if (prev[j] + 1 < best)
        best = prev[j] + 1;
      if (cur[j - 1] + 1 < best)
        best = cur[j - 1] + 1;
      if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
          cb == tolower((unsigned char)a[i - 2]) && older[j - 2] + 1 < best)
        best = older[j - 2] + 1;
      cur[j] = best;
    }
    size_t *t = older;
    older = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

/* How many edits still look like a typo rather than another word: none
 * but case for two letters ("fr" is not a misspelt "ar"). */
static size_t allowed(const char *word) {
  size_t n = strlen(word);
  return n <= 2 ? 0 : n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

void style_spell_init(style_spell *s, const char *word) {
  s->word = word;
  s->best = NULL;
  s->distance = SIZE_MAX;
}

/* A word the candidate starts with is taken as one edit away: "text-halo"
 * means one of the text-halo-* properties more likely than text-name. */
static int starts(const char *candidate, const char *word) {
  size_t n = strlen(word);
  return n >= 4 && strncasecmp(candidate, word, n) == 0;
}

void style_spell_try(style_spell *s, const char *candidate) {
  if (strcmp(s->word, candidate) == 0)
    return;
  size_t d = starts(candidate, s->word) ? 1 : distance(s->word, candidate);
  if (d <= allowed(s->word) && d < s->distance) {
    s->best = candidate;
    s->distance = d;
  }
}

int style_spell_hint(const style_spell *s, cm_error *e, const char *prefix) {
  if (!s->best)
    return 0;
  cm_error_hint(e, "did you mean '%s%s'?", prefix ? prefix : "", s->best);
  return 1;
}
