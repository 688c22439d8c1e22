/* "Did you mean": the closest of a set of names to a misspelt word, for
 * the hints of style mistakes, unknown fields, missing files and unknown
 * commands. */

#include "controlmap/error.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

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

void cm_suggest_init(cm_suggest *s, const char *word) {
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

void cm_suggest_try(cm_suggest *s, const char *candidate) {
  if (strcmp(s->word, candidate) == 0)
    return;
  size_t d = starts(candidate, s->word) ? 1 : distance(s->word, candidate);
  if (d <= allowed(s->word) && d < s->distance) {
    s->best = candidate;
    s->distance = d;
  }
}

int cm_suggest_hint(const cm_suggest *s, cm_error *err, const char *prefix) {
  if (!s->best)
    return 0;
  cm_error_hint(err, "did you mean '%s%s'?", prefix ? prefix : "", s->best);
  return 1;
}
