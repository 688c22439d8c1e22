#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
  } else {
    cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s", strerror(why));
    cm_error_hint(err, "check the permissions of '%s'", dir);
  }
  return CM_EIO;
}

int cm_atomic_open(cm_atomic_file *t, const char *path, cm_error *err) {
  t->path = path;
  t->f = NULL;
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
  return CM_OK;
}

int cm_atomic_close(cm_atomic_file *t, int rc, cm_error *err) {
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
  if (rc == CM_OK && rename(t->tmp, t->path) != 0)
    rc = cm_error_set(err, CM_EIO, t->path, 0, 0, "cannot write: %s", strerror(errno));
  if (rc != CM_OK)
    unlink(t->tmp);
  return rc;
}
