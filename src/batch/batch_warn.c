/* The warnings of a batch's frames, each said once. A batch of a hundred
 * frames whose legend is cut short in every one should say so once, not a
 * hundred times with a different count each time. */

#include "batch_internal.h"
#include "util_internal.h"

#include <stdlib.h>
#include <string.h>

struct batch_warning {
  char *text;    /* of the earliest frame that gave it */
  size_t first;  /* that frame's index */
  size_t frames; /* how many gave it */
};

static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* Whether a and b are the same words, whatever numbers they hold. */
static int same_but_numbers(const char *a, const char *b) {
  while (*a && *b) {
    if (is_digit(*a) && is_digit(*b)) {
      while (is_digit(*a) || *a == '.')
        a++;
      while (is_digit(*b) || *b == '.')
        b++;
    } else if (*a++ != *b++) {
      return 0;
    }
  }
  return *a == *b;
}

/* Keep text of frame f; the lock is held. Out of memory, it is dropped. */
static void note(cm_batch *b, const cm_frame *f, const char *text) {
  for (size_t i = 0; i < b->nwarnings; i++) {
    struct batch_warning *w = &b->warnings[i];
    if (!same_but_numbers(w->text, text))
      continue;
    w->frames++;
    char *copy;
    if (f->index < w->first && (copy = strdup(text))) {
      free(w->text); /* threads finish out of order: keep the earliest */
      w->text = copy;
      w->first = f->index;
    }
    return;
  }
  if (cm__grow((void **)&b->warnings, &b->cap_warnings, b->nwarnings + 1,
                sizeof *b->warnings) != CM_OK)
    return;
  struct batch_warning *w = &b->warnings[b->nwarnings];
  if (!(w->text = strdup(text)))
    return;
  w->first = f->index;
  w->frames = 1;
  b->nwarnings++;
}

void cm__batch_note_warnings(cm_batch *b, const cm_frame *f, const cm_scene *scene) {
  size_t n = cm_scene_warning_count(scene);
  if (n == 0)
    return;
  pthread_mutex_lock(&b->warn_lock);
  for (size_t i = 0; i < n; i++)
    note(b, f, cm_scene_warning(scene, i));
  pthread_mutex_unlock(&b->warn_lock);
}

void cm__batch_note_warning(cm_batch *b, const cm_frame *f, const char *text) {
  pthread_mutex_lock(&b->warn_lock);
  note(b, f, text);
  pthread_mutex_unlock(&b->warn_lock);
}

void cm__batch_warnings_free(cm_batch *b) {
  for (size_t i = 0; i < b->nwarnings; i++)
    free(b->warnings[i].text);
  free(b->warnings);
  b->warnings = NULL;
  b->nwarnings = b->cap_warnings = 0;
}

size_t cm_batch_warning_count(const cm_batch *b) { return b->nwarnings; }

const char *cm_batch_warning(const cm_batch *b, size_t i, size_t *frames,
                             cm_day *first) {
  if (i >= b->nwarnings)
    return NULL;
  if (frames)
    *frames = b->warnings[i].frames;
  if (first)
    *first = b->frames[b->warnings[i].first].date;
  return b->warnings[i].text;
}
