#ifndef CONTROLMAP_UTIL_INTERNAL_H
#define CONTROLMAP_UTIL_INTERNAL_H

/* What every module of the library may use (internal): the growable
 * array, and atomic output files. */

#include "controlmap/error.h"

#include <stddef.h>
#include <stdio.h>

/* Make room for need items of item_size bytes in *items, doubling *cap
 * (from 16). Returns CM_OK, or CM_ENOMEM when memory ran out or the byte
 * count would not fit in size_t (*items and *cap are then unchanged). */
int cm__grow(void **items, size_t *cap, size_t need, size_t item_size);

/* Atomic output files: written under a temporary name beside the target
 * and renamed into place only when complete, so other programs (and a
 * re-run after a kill) see the whole file or none. Shared by every writer
 * of the library. */

typedef struct cm_atomic_file {
  const char *path; /* the target, not owned */
  char tmp[4200];   /* ".NAME.tmpPID-SALT-N" beside it */
  FILE *f;          /* write here */
  int slot;         /* where a signal handler finds tmp; -1 for none */
  int no_clobber;   /* 1: fail rather than replace an existing target */
} cm_atomic_file;

/* Create the temporary file for path; 0 or CM_EIO with a message that
 * names a missing or unwritable folder. */
int cm__atomic_open(cm_atomic_file *t, const char *path, cm_error *err);

/* Close; when rc is 0 and every write succeeded, rename into place (with
 * no_clobber set, link it there only if nothing is), else remove the
 * temporary file. Returns rc, or CM_EIO for a failed write. */
int cm__atomic_close(cm_atomic_file *t, int rc, cm_error *err);

/* The error for a target that exists and must not be replaced. */
int cm__atomic_exists_error(const char *path, cm_error *err);

/* Remove the temporary files that runs killed before they could clean up
 * left beside any of the n targets: ".NAME.tmpPID-..." for a target NAME
 * whose process PID is gone. Returns how many were removed. */
size_t cm__atomic_sweep(const char *const *paths, size_t n);

#endif
