#ifndef CONTROLMAP_TEST_FILES_H
#define CONTROLMAP_TEST_FILES_H

/* Files for the tests: where the source tree and its tests/data are, whole
 * files read and written, and shell commands. The source tree is found
 * from the path the compiler was given for tests/support/files.c, so the
 * tests run from the top folder as the Makefile builds them; CM_TEST_DATA,
 * when set, names tests/data instead (and its ../.. the top folder). */

#include "controlmap/error.h"

#include <stddef.h>

/* "<tests/data>/<name>" into buf; returns buf. */
char *test_data_path(char *buf, size_t size, const char *name);

/* "<top folder>/<rel>" into buf, e.g. rel "docs/style.md"; returns buf. */
char *test_source_path(char *buf, size_t size, const char *rel);

/* "<dir>/<name>" in one of eight buffers used in turn, so that several can
 * stand in one call; valid until eight more are made; not thread-safe. */
const char *path_in(const char *dir, const char *name);

/* The whole file with a '\0' after it, its length in *n unless n is NULL;
 * NULL when it cannot be read. Caller frees. */
char *file_read(const char *path, size_t *n);

/* Writes n bytes as the whole file; 0, or -1 when it cannot be written. */
int file_write(const char *path, const void *bytes, size_t n);

/* Runs a command made like printf with sh; its exit status, or -1 when it
 * did not exit (a signal). */
int shell(const char *fmt, ...) CM_PRINTF(1, 2);

#endif
