#ifndef CONTROLMAP_ERROR_H
#define CONTROLMAP_ERROR_H

/* Errors: every library function that can fail returns 0 or a negative
 * CM_E* code and fills a caller-owned cm_error with a message a user can act
 * on. The library never prints and never exits. */

#include "controlmap/common.h"
#include <stddef.h>

CM_BEGIN_DECLS

#ifdef __GNUC__
#define CM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CM_PRINTF(a, b)
#endif

enum {
  CM_OK = 0,
  CM_EIO = -1,     /* a file could not be read or written */
  CM_EDATA = -2,   /* a data file is malformed or holds bad values */
  CM_ESTYLE = -3,  /* the style has a mistake */
  CM_EPROJ = -4,   /* a CRS or a transformation failed */
  CM_ERENDER = -5, /* drawing or encoding failed */
  CM_ENOMEM = -6,  /* out of memory, or a size above a documented cap */
  CM_EUSAGE = -7   /* a caller passed a bad argument (bad date, bad option) */
};

typedef struct cm_error {
  int code;          /* one of CM_E*, CM_OK when clear */
  char file[512];    /* file the problem is in, "" when none */
  int line, col;     /* 1-based position in file, 0 when unknown */
  char message[1024];
  char hint[512];    /* what to do about it, "" when nothing useful */
} cm_error;

/* A growable list of errors, for checks that report every problem. */
typedef struct cm_errors {
  cm_error *items;
  size_t count, cap;
} cm_errors;

/* Reset err to "no error". err may be NULL. */
CM_EXTERN void cm_error_clear(cm_error *err);

/* Fill err (may be NULL) and return code, so callers can `return cm_error_set(...)`. */
CM_EXTERN int cm_error_set(cm_error *err, int code, const char *file, int line, int col,
                           const char *fmt, ...) CM_PRINTF(6, 7);

/* Attach a hint ("did you mean line-width?") to an error already set. */
CM_EXTERN void cm_error_hint(cm_error *err, const char *fmt, ...) CM_PRINTF(2, 3);

/* Write "file:line:col: message (hint)" into buf; returns buf. */
CM_EXTERN const char *cm_error_format(const cm_error *err, char *buf, size_t size);

/* Append a copy of err to list; returns 0 or CM_ENOMEM. */
CM_EXTERN int cm_errors_add(cm_errors *list, const cm_error *err);

/* Free the list's storage (not the struct itself). */
CM_EXTERN void cm_errors_free(cm_errors *list);

/* "Did you mean": the candidate closest to a misspelt word, compared
 * ignoring ASCII case, when it is close enough to be a typo rather than
 * another word. Init with the word, try every candidate, then read best
 * (NULL when none was close) or let cm_suggest_hint attach it. The word
 * and candidates are the caller's and must outlive the cm_suggest. */
typedef struct cm_suggest {
  const char *word;
  const char *best;
  size_t distance;
} cm_suggest;

CM_EXTERN void cm_suggest_init(cm_suggest *s, const char *word);
CM_EXTERN void cm_suggest_try(cm_suggest *s, const char *candidate);
/* Attach "did you mean 'PREFIXbest'?" to err when a candidate was close
 * enough; returns 1 when it did, 0 otherwise. prefix may be NULL. */
CM_EXTERN int cm_suggest_hint(const cm_suggest *s, cm_error *err, const char *prefix);

CM_END_DECLS

#endif
