/* Mistakes found in a style: collected (not stopped at) so that one run of
 * `controlmap check` lists them all, and spelling suggestions for them. */

#include "style_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A file of garbage (a shapefile passed as the style) would otherwise give
 * one mistake per byte; nobody reads past the first hundred. */
enum { MAX_MISTAKES = 100 };

cm_error *cm__style_error(style_diag *d, int line, int col, const char *fmt, ...) {
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

void cm__style_diag_finish(style_diag *d) {
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
    cm__style_error(d, 0, 0, "%zu more mistakes not listed", dropped + 1);
  }
}
