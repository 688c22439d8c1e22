/* Checks of a style against the files and fields of its data, each
 * pointing at the style line that is wrong and suggesting what was meant:
 * shared by loading a map and by `controlmap check`. */

#include "controlmap/map.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The file exists as written, or with .shp added (layers may be named
 * without their extension). */
/* A name that is there but cannot be reached (a link that loops, a folder
 * that cannot be entered) counts as there: opening it says why. */
static int file_exists(const char *path) {
  char shp[4096];
  if (access(path, F_OK) == 0 || (errno != ENOENT && errno != ENOTDIR))
    return 1;
  snprintf(shp, sizeof shp, "%s.shp", path);
  return access(shp, F_OK) == 0;
}

/* The name in the folder closest to the missing file's, or NULL; the
 * name is kept in buf. */
static const char *nearest_file(const char *path, char *buf, size_t size) {
  const char *slash = strrchr(path, '/');
  char folder[4096];
  snprintf(folder, sizeof folder, "%.*s", slash ? (int)(slash - path) : 1,
           slash ? path : ".");
  if (slash == path)
    snprintf(folder, sizeof folder, "/");
  DIR *dir = opendir(folder);
  if (!dir)
    return NULL;
  cm_suggest near;
  cm_suggest_init(&near, slash ? slash + 1 : path);
  buf[0] = '\0';
  for (struct dirent *d; (d = readdir(dir));) {
    size_t before = near.distance;
    cm_suggest_try(&near, d->d_name);
    if (near.distance < before) /* readdir reuses its storage: keep a copy */
      snprintf(buf, size, "%s", d->d_name);
  }
  closedir(dir);
  return buf[0] ? buf : NULL;
}

int cm_map_check_file(const cm_style *style, const cm_style_layer *layer,
                      cm_error *err) {
  if (!layer->file || file_exists(layer->file))
    return CM_OK;
  char near[256];
  int no_folder = 0;
  const char *slash = strrchr(layer->file, '/');
  if (slash && slash != layer->file) {
    char folder[4096];
    snprintf(folder, sizeof folder, "%.*s", (int)(slash - layer->file), layer->file);
    no_folder = access(folder, F_OK) != 0 && errno == ENOENT;
  }
  cm_error_set(err, CM_EIO, cm_style_name(style), layer->line, layer->col,
               "layer '%s': %s '%s' does not exist", layer->name,
               no_folder ? "the folder of" : "the file", layer->file);
  if (!no_folder && nearest_file(layer->file, near, sizeof near))
    cm_error_hint(err, "did you mean '%s'?", near);
  else
    cm_error_hint(err, "file paths are relative to the style's folder");
  return CM_EIO;
}
