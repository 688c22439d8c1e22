/* A dates file: one date per line, optionally followed by the name of the
 * file that frame goes to; blank lines and # comments are ignored.
 *
 *   # the second war
 *   2020-09-27  start.png
 *   2020-11-10
 */

#include "controlmap/date.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cut a comment (a # at the start or after a blank) and trailing blanks. */
static void strip(char *line) {
  for (char *p = line; *p; p++)
    if (*p == '#' && (p == line || *(p - 1) == ' ' || *(p - 1) == '\t')) {
      *p = '\0';
      break;
    }
  size_t n = strlen(line);
  while (n && strchr(" \t\r\n", line[n - 1]))
    line[--n] = '\0';
}

static int bad_date(const char *path, int lineno, int col, const char *text,
                    int len, cm_error *err) {
  cm_error_set(err, CM_EDATA, path, lineno, col, "'%.*s' is not a date", len,
               text);
  cm_error_hint(err, "write YYYY, YYYY-MM or YYYY-MM-DD, then optionally the "
                     "output file name");
  return CM_EDATA;
}

static int read_line(const char *path, int lineno, char *line,
                     cm_dates_file_fn fn, void *ctx, size_t *count,
                     cm_error *err) {
  strip(line);
  char *p = line + strspn(line, " \t");
  if (!*p)
    return CM_OK;
  size_t n = strcspn(p, " \t");
  char date[32];
  cm_day day;
  int col = (int)(p - line) + 1;
  if (n >= sizeof date)
    return bad_date(path, lineno, col, p, (int)n, err);
  memcpy(date, p, n);
  date[n] = '\0';
  if (cm_date_parse(date, &day, NULL, NULL) != CM_OK)
    return bad_date(path, lineno, col, p, (int)n, err);
  char *name = p + n;
  name += strspn(name, " \t");
  ++*count;
  int rc = fn(ctx, day, *name ? name : NULL, lineno, err);
  if (rc != CM_OK && err)
    snprintf(err->file, sizeof err->file, "%s", path);
  return rc;
}

int cm_dates_file_read(const char *path, cm_dates_file_fn fn, void *ctx,
                       cm_error *err) {
  if (!path)
    return cm_error_set(err, CM_EUSAGE, NULL, 0, 0, "no dates file given");
  FILE *f = fopen(path, "r");
  if (!f)
    return cm_error_set(err, CM_EIO, path, 0, 0, "cannot read dates: %s",
                        strerror(errno));
  char *line = NULL;
  size_t cap = 0, count = 0;
  int lineno = 0, rc = CM_OK;
  ssize_t got;
  while (rc == CM_OK && (got = getline(&line, &cap, f)) >= 0) {
    /* a NUL would end the line there without a word */
    if (memchr(line, '\0', (size_t)got)) {
      rc = cm_error_set(err, CM_EDATA, path, ++lineno, 0,
                        "holds a NUL byte: the file is not text");
      cm_error_hint(err, "write one date per line (YYYY-MM-DD) in a text file");
    } else {
      rc = read_line(path, ++lineno, line, fn, ctx, &count, err);
    }
  }
  if (rc == CM_OK && ferror(f))
    rc = cm_error_set(err, CM_EIO, path, 0, 0, "cannot read dates: %s",
                      strerror(errno));
  free(line);
  fclose(f);
  if (rc == CM_OK && count == 0) {
    cm_error_set(err, CM_EDATA, path, 0, 0, "no dates in the file");
    cm_error_hint(err, "write one date per line (YYYY-MM-DD); # starts a comment");
    rc = CM_EDATA;
  }
  return rc;
}
