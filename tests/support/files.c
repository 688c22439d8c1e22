#include "support/files.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* How much of this file's path names the top folder: "" for the
 * "tests/support/files.c" the Makefile passes, "/src/cm/" for
 * "/src/cm/tests/support/files.c"; 0 when the path is some other shape,
 * which leaves the current folder. */
static int top_length(void) {
  static const char path[] = __FILE__, here[] = "tests/support/files.c";
  size_t n = strlen(path), k = strlen(here);
  return n >= k && strcmp(path + n - k, here) == 0 ? (int)(n - k) : 0;
}

char *test_data_path(char *buf, size_t size, const char *name) {
  const char *data = getenv("CM_TEST_DATA");
  char rel[4096];
  if (data) {
    snprintf(buf, size, "%s/%s", data, name);
    return buf;
  }
  snprintf(rel, sizeof rel, "tests/data/%s", name);
  return test_source_path(buf, size, rel);
}

char *test_source_path(char *buf, size_t size, const char *rel) {
  const char *data = getenv("CM_TEST_DATA");
  if (data)
    snprintf(buf, size, "%s/../../%s", data, rel);
  else
    snprintf(buf, size, "%.*s%s", top_length(), __FILE__, rel);
  return buf;
}

const char *path_in(const char *dir, const char *name) {
  static char buf[8][4096];
  static int turn;
  turn = (turn + 1) % 8;
  snprintf(buf[turn], sizeof buf[turn], "%s/%s", dir, name);
  return buf[turn];
}

/* Read in growing steps rather than by the size stat gives, so that pipes
 * and files still being written read whole too. */
char *file_read(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t len = 0, cap = 1 << 16, got;
  char *text = malloc(cap + 1);
  while (text && (got = fread(text + len, 1, cap - len, f)) > 0)
    if ((len += got) == cap) {
      char *more = realloc(text, (cap *= 2) + 1);
      if (!more)
        free(text);
      text = more;
    }
  int failed = ferror(f);
  fclose(f);
  if (!text || failed) {
    free(text);
    return NULL;
  }
  text[len] = '\0';
  if (n)
    *n = len;
  return text;
}

int file_write(const char *path, const void *bytes, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  int ok = fwrite(bytes, 1, n, f) == n;
  return fclose(f) == 0 && ok ? 0 : -1;
}

int shell(const char *fmt, ...) {
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
