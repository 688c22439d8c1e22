#include "util_internal.h"

#include "controlmap/render.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- the temporary files open now, for a signal handler ------------------ */

/* Each open temporary file has a slot holding a copy of its name, so a
 * handler can remove it without reading memory a writer may be freeing.
 * A slot is FREE, FILLING (a writer is copying the name in) or LIVE. One
 * per thread that writes at a time: batches run at most 1024 jobs. */
enum { SLOTS = 1088, FREE = 0, FILLING, LIVE };

static struct {
  atomic_int state;
  char path[sizeof ((cm_atomic_file *)0)->tmp];
} slots[SLOTS];
static atomic_int leaving; /* set once the handler has begun */

/* Claims a slot for t's temporary file; -1 when there is none (the file is
 * then written but a signal cannot remove it), -2 when the process is
 * leaving. */
static int remember(const cm_atomic_file *t) {
  if (atomic_load(&leaving))
    return -2;
  for (int i = 0; i < SLOTS; i++) {
    int expect = FREE;
    if (atomic_compare_exchange_strong(&slots[i].state, &expect, FILLING)) {
      memcpy(slots[i].path, t->tmp, sizeof slots[i].path);
      atomic_store(&slots[i].state, LIVE);
      /* A handler that began meanwhile may have passed this slot: the
       * writer then removes the file itself (one of the two sees the
       * other's store). */
      return atomic_load(&leaving) ? -2 : i;
    }
  }
  return -1;
}

static void forget(int slot) {
  if (slot >= 0)
    atomic_store(&slots[slot].state, FREE);
}

void cm_render_remove_temporary(void) {
  atomic_store(&leaving, 1);
  for (int i = 0; i < SLOTS; i++)
    if (atomic_load(&slots[i].state) == LIVE)
      unlink(slots[i].path);
}

/* Why the folder of path takes no file. */
static int folder_error(const char *path, int why, cm_error *err) {
  char dir[4096];
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == path)
    snprintf(dir, sizeof dir, "/");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  struct stat st;
  if (stat(dir, &st) != 0) {
    cm_error_set(err, CM_EIO, path, 0, 0,
                 "cannot write: folder '%s' does not exist", dir);
    cm_error_hint(err, "create it first (mkdir -p %s)", dir);
  } else if (!S_ISDIR(st.st_mode)) {
    cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: '%s' is not a folder", dir);
  } else if (why == ENAMETOOLONG) {
    cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: the name is too long");
    cm_error_hint(err, "a file name may have at most 255 bytes (with the "
                       "hidden temporary name made from it, about 230)");
  } else {
    cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s", strerror(why));
    cm_error_hint(err, "check the permissions of '%s'", dir);
  }
  return CM_EIO;
}

int cm__atomic_open(cm_atomic_file *t, const char *path, cm_error *err) {
  t->path = path;
  t->f = NULL;
  t->slot = -1;
  t->no_clobber = 0;
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: it is a folder");
  const char *slash = strrchr(path, '/');
  int dirlen = slash ? (int)(slash - path + 1) : 0;
  /* A name unique to this process and thread (the stack address differs
   * per thread); O_EXCL settles any clash. Mode 0666 less the umask, as for
   * any new file: mkstemp's 0600 would need umask(), which is per process
   * and so unsafe while other threads write. */
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  unsigned long salt = (unsigned long)(uintptr_t)&st ^ (unsigned long)now.tv_nsec;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
    if (snprintf(t->tmp, sizeof t->tmp, "%.*s.%s.tmp%ld-%lx-%d", dirlen, path,
                 path + dirlen, (long)getpid(), salt, attempt) >= (int)sizeof t->tmp)
      return cm_error_set(err, CM_EIO, path, 0, 0, "output path too long");
    fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      return folder_error(path, errno, err);
  }
  if (fd < 0)
    return folder_error(path, EEXIST, err);
  if (!(t->f = fdopen(fd, "wb"))) {
    int why = errno;
    close(fd);
    unlink(t->tmp);
    return cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s", strerror(why));
  }
  if ((t->slot = remember(t)) == -2) {
    fclose(t->f);
    t->f = NULL;
    unlink(t->tmp);
    return cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: interrupted");
  }
  return CM_OK;
}

int cm__atomic_exists_error(const char *path, cm_error *err) {
  cm_error_set(err, CM_EIO, path, 0, 0, "exists, and is not to be replaced");
  cm_error_hint(err, "remove it, or write to another name");
  return CM_EIO;
}

/* A hard link fails when the name is taken, so no file that appeared
 * meanwhile is replaced; the temporary name then goes. */
static int put_in_place(cm_atomic_file *t, cm_error *err) {
  if (!t->no_clobber)
    return rename(t->tmp, t->path) == 0
               ? CM_OK
               : cm_error_set(err, CM_EIO, t->path, 0, 0, "cannot write: %s",
                              strerror(errno));
  if (link(t->tmp, t->path) != 0)
    return errno == EEXIST ? cm__atomic_exists_error(t->path, err)
                           : cm_error_set(err, CM_EIO, t->path, 0, 0,
                                          "cannot write: %s", strerror(errno));
  unlink(t->tmp);
  return CM_OK;
}

int cm__atomic_close(cm_atomic_file *t, int rc, cm_error *err) {
  if (!t->f)
    return rc;
  /* No fsync: the rename makes the file appear whole or not at all to
   * other programs and after a kill; only a power cut could lose it, and
   * fsync would cost a quarter of a batch's time. */
  int failed = ferror(t->f) || fflush(t->f) != 0;
  int why = errno;
  failed |= fclose(t->f) != 0;
  t->f = NULL;
  if (rc == CM_OK && failed)
    rc = cm_error_set(err, CM_EIO, t->path, 0, 0, "cannot write: %s",
                      strerror(why ? why : EIO));
  if (rc == CM_OK)
    rc = put_in_place(t, err);
  if (rc != CM_OK)
    unlink(t->tmp);
  forget(t->slot);
  return rc;
}

/* --- leftovers of a killed run ------------------------------------------- */

static int folder_len(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? (int)(slash - path + 1) : 0;
}

/* Paths ordered by folder, then by name: one folder's are together. */
static int by_folder(const void *a, const void *b) {
  const char *x = *(const char *const *)a, *y = *(const char *const *)b;
  int lx = folder_len(x), ly = folder_len(y);
  int c = strncmp(x, y, (size_t)(lx < ly ? lx : ly));
  if (c || lx != ly)
    return c ? c : lx - ly;
  return strcmp(x + lx, y + ly);
}

/* The process id in a temporary name ".NAME.tmpPID-SALT-N" for one of the
 * targets (sorted), or 0 when the entry is no such name. */
static long owner(const char *dir, int dirlen, const char *entry,
                  const char **sorted, size_t n) {
  const char *tmp = strstr(entry, ".tmp");
  char target[4200];
  while (tmp && strstr(tmp + 1, ".tmp"))
    tmp = strstr(tmp + 1, ".tmp");
  if (entry[0] != '.' || !tmp || tmp == entry + 1)
    return 0;
  char *end;
  long pid = strtol(tmp + 4, &end, 10);
  if (pid <= 0 || *end != '-' ||
      snprintf(target, sizeof target, "%.*s%.*s", dirlen, dir,
               (int)(tmp - entry - 1), entry + 1) >= (int)sizeof target)
    return 0;
  const char *key = target;
  return bsearch(&key, sorted, n, sizeof *sorted, by_folder) ? pid : 0;
}

/* Sweeps the folder of paths[0] (the first dirlen bytes of it) for the
 * leftovers of any of the n targets (sorted by_folder). */
static size_t sweep_folder(const char *const *paths, const char **sorted,
                           size_t n, int dirlen) {
  char dir[4200];
  snprintf(dir, sizeof dir, "%.*s", dirlen ? dirlen : 1, dirlen ? paths[0] : ".");
  DIR *d = opendir(dir);
  size_t removed = 0;
  struct dirent *e;
  char path[4400];
  while (d && (e = readdir(d))) {
    long pid = owner(paths[0], dirlen, e->d_name, sorted, n);
    /* A process that is gone cannot finish the file; a living one (this
     * one, or another run writing the same map) might. */
    if (pid && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 &&
        errno == ESRCH) {
      snprintf(path, sizeof path, "%.*s%s", dirlen, paths[0], e->d_name);
      removed += unlink(path) == 0;
    }
  }
  if (d)
    closedir(d);
  return removed;
}

size_t cm__atomic_sweep(const char *const *paths, size_t n) {
  const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
  if (!sorted)
    return 0;
  if (n)
    memcpy(sorted, paths, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, by_folder);
  size_t removed = 0;
  for (size_t i = 0; i < n; i++) {
    int len = folder_len(sorted[i]);
    if (i == 0 || len != folder_len(sorted[i - 1]) ||
        strncmp(sorted[i], sorted[i - 1], (size_t)len))
      removed += sweep_folder(sorted + i, sorted, n, len);
  }
  free(sorted);
  return removed;
}
