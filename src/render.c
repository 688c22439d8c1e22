#include "controlmap/render.h"
#include "backend.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Default zlib level: 6 is within a few percent of 9 in size on flat-colour
 * maps at a fraction of the time (see tools/bench). */
#define PNG_DEFAULT_LEVEL 6

int cm_format_from_path(cm_format *out, const char *path, cm_error *err) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (dot && (!slash || dot > slash)) {
    if (strcasecmp(dot, ".png") == 0)
      return *out = CM_FORMAT_PNG, CM_OK;
    if (strcasecmp(dot, ".pdf") == 0)
      return *out = CM_FORMAT_PDF, CM_OK;
    if (strcasecmp(dot, ".svg") == 0)
      return *out = CM_FORMAT_SVG, CM_OK;
  }
  cm_error_set(err, CM_EUSAGE, path, 0, 0,
               "cannot tell the output format from the file name");
  cm_error_hint(err, "end the name in .png, .pdf or .svg");
  return CM_EUSAGE;
}

/* A temporary file beside path, so the final rename stays on one file
 * system and is atomic. */
typedef struct tmpfile_t {
  char tmp[4096];
  FILE *f;
} tmpfile_t;

static int folder_error(const char *path, cm_error *err) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash)
    *slash = '\0';
  else
    snprintf(dir, sizeof dir, ".");
  struct stat st;
  if (stat(dir, &st) != 0) {
    cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: folder '%s' does not exist", dir);
    cm_error_hint(err, "create it first (mkdir -p %s)", dir);
  } else if (!S_ISDIR(st.st_mode)) {
    cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: '%s' is not a folder", dir);
  } else {
    cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
    cm_error_hint(err, "check the permissions of '%s'", dir);
  }
  return CM_EIO;
}

static int tmp_open(tmpfile_t *t, const char *path, cm_error *err) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return cm_error_set(err, CM_EIO, path, 0, 0,
                        "cannot write: it is a folder");
  const char *slash = strrchr(path, '/');
  int dirlen = slash ? (int)(slash - path + 1) : 0;
  if (snprintf(t->tmp, sizeof t->tmp, "%.*s.%s.tmpXXXXXX", dirlen, path,
               slash ? slash + 1 : path) >= (int)sizeof t->tmp)
    return cm_error_set(err, CM_EIO, path, 0, 0, "output path too long");
  int fd = mkstemp(t->tmp);
  if (fd < 0)
    return folder_error(path, err);
  /* mkstemp makes the file private; give it the usual mode. */
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  t->f = fdopen(fd, "wb");
  if (!t->f) {
    close(fd);
    unlink(t->tmp);
    return cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
  }
  return CM_OK;
}

/* Flush and rename into place, or remove the temporary file on failure. */
static int tmp_close(tmpfile_t *t, const char *path, int rc, cm_error *err) {
  int werr = ferror(t->f);
  if (fflush(t->f) != 0 || fsync(fileno(t->f)) != 0)
    werr = 1;
  int saved = errno;
  if (fclose(t->f) != 0)
    werr = 1;
  if (rc == CM_OK && werr)
    rc = cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s",
                      strerror(saved ? saved : EIO));
  if (rc == CM_OK && rename(t->tmp, path) != 0)
    rc = cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
  if (rc != CM_OK)
    unlink(t->tmp);
  return rc;
}

static cairo_status_t write_to_file(void *closure, const unsigned char *data,
                                    unsigned int length) {
  return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                    : CAIRO_STATUS_WRITE_ERROR;
}

static int surface_status(cairo_surface_t *s, const char *path, cm_error *err) {
  cairo_status_t st = cairo_surface_status(s);
  if (st == CAIRO_STATUS_SUCCESS)
    return CM_OK;
  if (st == CAIRO_STATUS_WRITE_ERROR)
    return cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s",
                        strerror(errno ? errno : EIO));
  return cm_error_set(err, CM_ERENDER, path, 0, 0, "cairo: %s",
                      cairo_status_to_string(st));
}

/* Draw on a vector surface (PDF or cairo SVG) and finish it. */
static int draw_vector(cairo_surface_t *s, const cm_scene *scene,
                       const char *path, cm_error *err) {
  int rc = surface_status(s, path, err);
  if (rc == CM_OK) {
    cairo_t *cr = cairo_create(s);
    rc = cm_draw_cairo(cr, scene, err);
    cairo_destroy(cr);
  }
  cairo_surface_finish(s);
  if (rc == CM_OK)
    rc = surface_status(s, path, err);
  cairo_surface_destroy(s);
  return rc;
}

static void pdf_meta(cairo_surface_t *s, const cm_scene *scene) {
  const char *v;
  if ((v = cm_scene_meta(scene, "Title")))
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, v);
  if ((v = cm_scene_meta(scene, "Source")))
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, v);
  if ((v = cm_scene_meta(scene, "Style")))
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, v);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
                                 "controlmap " CM_VERSION);
  /* A fixed creation date keeps the bytes reproducible. */
  if ((v = cm_scene_meta(scene, "CreationDate")))
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, v);
}

static int write_pdf(const cm_scene *scene, FILE *f, const char *path,
                     cm_error *err) {
  cairo_surface_t *s = cairo_pdf_surface_create_for_stream(
      write_to_file, f, cm_scene_width(scene), cm_scene_height(scene));
  pdf_meta(s, scene);
  return draw_vector(s, scene, path, err);
}

static int write_cairo_svg(const cm_scene *scene, FILE *f, const char *path,
                           cm_error *err) {
  cairo_surface_t *s = cairo_svg_surface_create_for_stream(
      write_to_file, f, cm_scene_width(scene), cm_scene_height(scene));
  cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
  return draw_vector(s, scene, path, err);
}

static int write_png(const cm_scene *scene, FILE *f, const char *path,
                     int level, cm_error *err) {
  double k = cm_scene_dpi(scene) / 72.0;
  double w = ceil(cm_scene_width(scene) * k - 1e-6);
  double h = ceil(cm_scene_height(scene) * k - 1e-6);
  if (w < 1 || h < 1 || w * h > CM_MAX_PIXELS) {
    cm_error_set(err, CM_ENOMEM, path, 0, 0,
                 "a %.0f x %.0f pixel image is outside the limits (1 to %.0f "
                 "pixels)", w, h, CM_MAX_PIXELS);
    cm_error_hint(err, "check the page size and dpi in the style");
    return CM_ENOMEM;
  }
  cairo_surface_t *img =
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w, (int)h);
  int rc = surface_status(img, path, err);
  if (rc == CM_OK) {
    cairo_t *cr = cairo_create(img);
    cairo_scale(cr, k, k);
    rc = cm_draw_cairo(cr, scene, err);
    cairo_destroy(cr);
    cairo_surface_flush(img);
  }
  if (rc == CM_OK)
    rc = cm_png_write(img, scene, level, f, path, err);
  cairo_surface_destroy(img);
  return rc;
}

int cm_render_file(const cm_scene *scene, const char *path,
                   const cm_render_options *opt, cm_error *err) {
  cm_format fmt;
  int rc = cm_format_from_path(&fmt, path, err);
  if (rc != CM_OK)
    return rc;
  tmpfile_t t;
  if ((rc = tmp_open(&t, path, err)) != CM_OK)
    return rc;
  int level = opt && opt->png_level >= 1 && opt->png_level <= 9
                  ? opt->png_level
                  : PNG_DEFAULT_LEVEL;
  if (fmt == CM_FORMAT_PNG)
    rc = write_png(scene, t.f, path, level, err);
  else if (fmt == CM_FORMAT_PDF)
    rc = write_pdf(scene, t.f, path, err);
  else if (opt && opt->svg_cairo)
    rc = write_cairo_svg(scene, t.f, path, err);
  else
    rc = cm_svg_write(scene, t.f, path, err);
  return tmp_close(&t, path, rc, err);
}
