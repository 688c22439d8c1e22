#include "controlmap/render.h"
#include "util_internal.h"
#include "render_internal.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Default deflate level (libdeflate). On the benchmark map, rows
 * unfiltered (see png.c), level 1 writes a file 5 % smaller than zlib's
 * level 3 (the default before libdeflate) in about 80 % of its time, and
 * level 6 only 7 % smaller in twice the time (docs/bench.md), so the wait
 * wins. --png-level 9 gives the smallest files. */
#define PNG_DEFAULT_LEVEL 1

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
    rc = cm__draw_cairo(cr, scene, err);
    cairo_destroy(cr);
  }
  cairo_surface_finish(s);
  if (rc == CM_OK)
    rc = surface_status(s, path, err);
  cairo_surface_destroy(s);
  return rc;
}

/* The document's creation date, ISO 8601 in UTC: $SOURCE_DATE_EPOCH when
 * set (the reproducible-builds convention), else midnight of the map's
 * date, never the clock, so the same inputs give the same bytes. */
static int document_date(char out[32], const cm_scene *scene, cm_error *err) {
  const char *env = getenv("SOURCE_DATE_EPOCH");
  if (env && *env) {
    char *end;
    errno = 0;
    long long v = strtoll(env, &end, 10);
    struct tm tm;
    time_t t = (time_t)v;
    /* Up to the last second of 9999, the last year ISO 8601 writes plainly. */
    if (*end || errno || v < 0 || v > 253402300799LL || !gmtime_r(&t, &tm)) {
      cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                   "SOURCE_DATE_EPOCH is '%.40s', not a number of seconds "
                   "since 1970-01-01 UTC", env);
      cm_error_hint(err, "set it to a whole number, e.g. the last commit's "
                    "time (git log -1 --format=%%ct), or unset it");
      return CM_EUSAGE;
    }
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return CM_OK;
  }
  cm_day d;
  int y, m, day;
  if (cm_scene_date(scene, &d) && (cm_date_to_ymd(d, &y, &m, &day), y >= 1))
    snprintf(out, 32, "%04d-%02d-%02dT00:00:00Z", y, m, day);
  else
    snprintf(out, 32, "1970-01-01T00:00:00Z");
  return CM_OK;
}

static void pdf_meta(cairo_surface_t *s, const cm_scene *scene,
                     const char *created) {
  const char *v;
  if ((v = cm_scene_meta(scene, "Title")))
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, v);
  if ((v = cm_scene_meta(scene, "Source")))
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, v);
  const char *style = cm_scene_meta(scene, "Style");
  const char *date = cm_scene_meta(scene, "Date");
  if (style || date) {
    char kw[600];
    snprintf(kw, sizeof kw, "%s%.256s%s%s%.32s", style ? "style " : "",
             style ? style : "", style && date ? ", " : "",
             date ? "date " : "", date ? date : "");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_KEYWORDS, kw);
  }
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
                                 "controlmap " CM_VERSION);
  /* cairo would stamp the clock time; a fixed date keeps the bytes. */
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, created);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, created);
}

static int write_pdf(const cm_scene *scene, FILE *f, const char *path,
                     const char *created, cm_error *err) {
  cairo_surface_t *s = cairo_pdf_surface_create_for_stream(
      write_to_file, f, cm_scene_width(scene), cm_scene_height(scene));
  pdf_meta(s, scene, created);
  return draw_vector(s, scene, path, err);
}

/* Copy cairo's SVG, numbering its surface ids 1, 2... in order of first
 * appearance: cairo numbers them with a counter shared by the whole
 * process, so the tenth frame of a batch would not match a single render. */
static void copy_renumbered(FILE *f, const char *s, size_t len) {
  unsigned long seen[64];
  size_t nseen = 0;
  const char *end = s + len;
  while (s < end) {
    const char *hit = strstr(s, "surface");
    if (!hit || hit >= end) {
      fwrite(s, 1, (size_t)(end - s), f);
      return;
    }
    const char *digits = hit + strlen("surface");
    int is_id = hit > s && (hit[-1] == '"' || hit[-1] == '#') &&
                digits < end && *digits >= '0' && *digits <= '9';
    fwrite(s, 1, (size_t)(digits - s), f);
    s = digits;
    if (!is_id)
      continue;
    char *after;
    unsigned long n = strtoul(digits, &after, 10);
    size_t k = 0;
    while (k < nseen && seen[k] != n)
      k++;
    if (k == nseen && nseen < sizeof seen / sizeof *seen)
      seen[nseen++] = n;
    if (k < nseen)
      fprintf(f, "%zu", k + 1);
    else
      fwrite(digits, 1, (size_t)(after - digits), f);
    s = after;
  }
}

/* cairo's SVG with the scene's metadata put after the opening <svg> tag,
 * which cairo has no way to add: drawn into memory, then copied. */
static int write_cairo_svg(const cm_scene *scene, FILE *f, const char *path,
                           const char *created, cm_error *err) {
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (!mem)
    return cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory for SVG");
  cairo_surface_t *s = cairo_svg_surface_create_for_stream(
      write_to_file, mem, cm_scene_width(scene), cm_scene_height(scene));
  cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
  int rc = draw_vector(s, scene, path, err);
  if (fclose(mem) != 0 && rc == CM_OK)
    rc = cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory for SVG");
  const char *root = rc == CM_OK && buf ? strstr(buf, "<svg") : NULL;
  const char *gt = root ? strchr(root, '>') : NULL;
  if (rc == CM_OK && !gt)
    rc = cm_error_set(err, CM_ERENDER, path, 0, 0, "cairo wrote no <svg> element");
  if (rc == CM_OK) {
    size_t head = (size_t)(gt + 1 - buf);
    fwrite(buf, 1, head, f);
    fputc('\n', f);
    cm__svg_write_meta(f, scene, created);
    copy_renumbered(f, buf + head, len - head);
  }
  free(buf);
  return rc;
}

static int write_png(const cm_scene *scene, FILE *f, const char *path,
                     int level, cm_frame_reuse *reuse, cm_error *err) {
  uint32_t *px;
  int w, h;
  int rc = cm__render_pixels_base(scene, reuse ? reuse->base : NULL, &px, &w,
                                  &h, err);
  if (rc != CM_OK) {
    if (err && !err->file[0])
      snprintf(err->file, sizeof err->file, "%s", path);
    return rc;
  }
  rc = cm__png_write(px, w, h, scene, level, reuse ? reuse->bands : NULL, f,
                     path, err);
  cm_render_pixels_free(px);
  return rc;
}

int cm_render_file(const cm_scene *scene, const char *path,
                   const cm_render_options *opt, cm_error *err) {
  return cm__render_file_reusing(scene, path, opt, NULL, err);
}

int cm__render_file_reusing(const cm_scene *scene, const char *path,
                            const cm_render_options *opt, cm_frame_reuse *reuse,
                            cm_error *err) {
  cm_format fmt;
  int rc = cm_format_from_path(&fmt, path, err);
  char created[32];
  if (rc == CM_OK)
    rc = document_date(created, scene, err);
  if (rc == CM_OK && (rc = cm__hatches_fit(scene, fmt == CM_FORMAT_PNG, err)) != CM_OK &&
      err)
    snprintf(err->file, sizeof err->file, "%s", path);
  struct stat st;
  if (rc == CM_OK && opt && opt->no_clobber && lstat(path, &st) == 0)
    rc = cm__atomic_exists_error(path, err);
  if (rc != CM_OK)
    return rc;
  cm_atomic_file t;
  if ((rc = cm__atomic_open(&t, path, err)) != CM_OK)
    return rc;
  t.no_clobber = opt && opt->no_clobber;
  int level = opt && opt->png_level >= 1 && opt->png_level <= 9
                  ? opt->png_level
                  : PNG_DEFAULT_LEVEL;
  if (fmt == CM_FORMAT_PNG)
    rc = write_png(scene, t.f, path, level, reuse, err);
  else if (fmt == CM_FORMAT_PDF)
    rc = write_pdf(scene, t.f, path, created, err);
  else if (opt && opt->svg_cairo)
    rc = write_cairo_svg(scene, t.f, path, created, err);
  else
    rc = cm__svg_write(scene, t.f, path, opt, created, err);
  return cm__atomic_close(&t, rc, err);
}
