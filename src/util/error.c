#include "controlmap/error.h"
#include "util_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cm_error_clear(cm_error *err) {
  if (err)
    memset(err, 0, sizeof *err);
}

int cm_error_set(cm_error *err, int code, const char *file, int line, int col,
                 const char *fmt, ...) {
  if (!err)
    return code;
  cm_error_clear(err);
  err->code = code;
  if (file)
    snprintf(err->file, sizeof err->file, "%s", file);
  err->line = line;
  err->col = col;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
  va_end(ap);
  return code;
}

void cm_error_hint(cm_error *err, const char *fmt, ...) {
  if (!err)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->hint, sizeof err->hint, fmt, ap);
  va_end(ap);
}

const char *cm_error_format(const cm_error *err, char *buf, size_t size) {
  if (!size)
    return buf;
  size_t n = 0;
  buf[0] = '\0';
  if (err->file[0]) {
    if (err->line && err->col)
      n = snprintf(buf, size, "%s:%d:%d: ", err->file, err->line, err->col);
    else if (err->line)
      n = snprintf(buf, size, "%s:%d: ", err->file, err->line);
    else
      n = snprintf(buf, size, "%s: ", err->file);
  }
  if (n < size)
    n += snprintf(buf + n, size - n, "%s", err->message);
  if (err->hint[0] && n < size)
    snprintf(buf + n, size - n, " (%s)", err->hint);
  return buf;
}

int cm_errors_add(cm_errors *list, const cm_error *err) {
  if (cm__grow((void **)&list->items, &list->cap, list->count + 1, sizeof *list->items) != CM_OK)
    return CM_ENOMEM;
  list->items[list->count++] = *err;
  return CM_OK;
}

void cm_errors_free(cm_errors *list) {
  free(list->items);
  list->items = NULL;
  list->count = list->cap = 0;
}
