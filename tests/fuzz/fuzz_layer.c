/* Fuzzing the layer loader. One input holds a whole shapefile (see
 * layer_input.h); it is written to a private folder and opened with
 * cm_layer_open. Whatever the bytes, the loader must either fail with an
 * error that names one of the files, or give a layer in which everything
 * the rest of controlmap relies on holds: parts in order, finite points
 * inside the extent, one value per field that is UTF-8 and of the field's
 * kind.
 *
 * Built with libFuzzer by tools/fuzz.sh; tests/test_badinput.c includes
 * this file with FUZZ_NO_ENTRY defined to replay tests/crashes/layer/. */

#ifndef CONTROLMAP_FUZZ_LAYER_C
#define CONTROLMAP_FUZZ_LAYER_C /* fuzz_ogr.c shares its checks */

#include "controlmap/layer.h"
#include "data_internal.h"
#include "fuzz/layer_input.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(...)                                                         \
  (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), abort())
#endif

/* A folder of our own for the files, in memory where /dev/shm exists. */
static char layer_dir[256];

static void layer_remove_files(void) {
  char path[300];
  for (int k = 0; k < LAYER_PARTS; k++) {
    snprintf(path, sizeof path, "%s/f%s", layer_dir, layer_input_ext[k]);
    unlink(path);
  }
  rmdir(layer_dir);
}

static const char *layer_folder(void) {
  if (layer_dir[0])
    return layer_dir;
  const char *tmp = getenv("TMPDIR");
  if (access("/dev/shm", W_OK) == 0)
    tmp = "/dev/shm";
  snprintf(layer_dir, sizeof layer_dir, "%s/controlmap-fuzz-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(layer_dir))
    FUZZ_FAIL("cannot make a folder for the fuzz files");
  atexit(layer_remove_files);
  return layer_dir;
}

static void layer_write(const layer_input *in, int k) {
  char path[300];
  snprintf(path, sizeof path, "%s/f%s", layer_folder(), layer_input_ext[k]);
  if (!in->present[k]) {
    unlink(path);
    return;
  }
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(in->part[k], 1, in->len[k], f) != in->len[k] || fclose(f))
    FUZZ_FAIL("cannot write %s", path);
}

/* --- what a loaded layer promises ------------------------------------------ */

static int layer_ends_with(const char *s, const char *end) {
  size_t n = strlen(s), m = strlen(end);
  return n >= m && strcmp(s + n - m, end) == 0;
}

static void layer_check_geom(const cm_layer *l, size_t i) {
  const cm_geom *g = cm_layer_geom(l, i);
  cm_bbox e = cm_layer_extent(l);
  if (!g || g->type != cm_layer_geom_type(l))
    FUZZ_FAIL("feature %zu: missing or of the wrong kind", i);
  if (!g->npoints || !g->nparts || g->parts[0] != 0 || g->nparts > g->npoints)
    FUZZ_FAIL("feature %zu: %zu parts over %zu points", i, g->nparts,
              g->npoints);
  for (size_t p = 1; p < g->nparts; p++)
    if (g->parts[p] <= g->parts[p - 1] || g->parts[p] >= g->npoints)
      FUZZ_FAIL("feature %zu: part %zu starts at %zu", i, p, g->parts[p]);
  for (size_t v = 0; v < g->npoints; v++) {
    cm_point pt = g->points[v];
    if (!isfinite(pt.x) || !isfinite(pt.y) || pt.x < e.minx || pt.x > e.maxx ||
        pt.y < e.miny || pt.y > e.maxy)
      FUZZ_FAIL("feature %zu: point %zu is not finite or outside the extent",
                i, v);
  }
}

static int layer_is_number(const char *v) {
  char *end;
  strtod(v, &end);
  return end != v && *end == '\0';
}

static int layer_is_iso_date(const char *v) {
  return strlen(v) == 10 && v[4] == '-' && v[7] == '-' &&
         strspn(v, "0123456789-") == 10;
}

static void layer_check_value(const cm_layer *l, size_t i, size_t f) {
  const char *v = cm_layer_value(l, i, f);
  if (!v)
    FUZZ_FAIL("feature %zu, field %zu: no value", i, f);
  size_t n = strlen(v);
  if (!cm__utf8_valid(v, n))
    FUZZ_FAIL("feature %zu, field %zu: not UTF-8", i, f);
  if (n && (v[0] == ' ' || v[n - 1] == ' '))
    FUZZ_FAIL("feature %zu, field %zu: blanks kept", i, f);
  if (!n)
    return;
  switch (cm_layer_field_type(l, f)) {
  case CM_FIELD_INTEGER:
  case CM_FIELD_DOUBLE:
    if (!layer_is_number(v))
      FUZZ_FAIL("feature %zu, field %zu: '%s' is not a number", i, f, v);
    break;
  case CM_FIELD_LOGICAL:
    if (strcmp(v, "T") != 0 && strcmp(v, "F") != 0)
      FUZZ_FAIL("feature %zu, field %zu: '%s' is not T or F", i, f, v);
    break;
  case CM_FIELD_DATE:
    if (!layer_is_iso_date(v))
      FUZZ_FAIL("feature %zu, field %zu: '%s' is not a date", i, f, v);
    break;
  case CM_FIELD_STRING: break;
  }
}

static void layer_check_fields(const cm_layer *l) {
  for (size_t f = 0; f < cm_layer_field_count(l); f++) {
    const char *name = cm_layer_field_name(l, f);
    if (!name || !cm__utf8_valid(name, strlen(name)))
      FUZZ_FAIL("field %zu: no name, or not UTF-8", f);
    int at = cm_layer_field_index(l, name);
    if (at < 0 || (size_t)at > f)
      FUZZ_FAIL("field %zu: '%s' not found by its name", f, name);
  }
  if (cm_layer_field_name(l, cm_layer_field_count(l)) ||
      cm_layer_value(l, 0, cm_layer_field_count(l)))
    FUZZ_FAIL("a field past the end answers");
}

static void layer_check(const cm_layer *l, size_t records) {
  if (!layer_ends_with(cm_layer_path(l), "/f.shp") ||
      !cm_layer_shape_type_name(l) || !cm_layer_encoding(l)[0])
    FUZZ_FAIL("path, type name or encoding missing");
  if (cm_layer_count(l) + cm_layer_null_count(l) != records)
    FUZZ_FAIL("%zu features and %zu nulls from %zu records",
              cm_layer_count(l), cm_layer_null_count(l), records);
  const char *crs = cm_layer_crs(l);
  if (crs && !crs[0])
    FUZZ_FAIL("an empty CRS instead of none");
  layer_check_fields(l);
  for (size_t i = 0; i < cm_layer_count(l); i++) {
    if (cm_layer_record(l, i) >= records ||
        (i && cm_layer_record(l, i) <= cm_layer_record(l, i - 1)))
      FUZZ_FAIL("feature %zu: record %zu out of order", i,
                cm_layer_record(l, i));
    layer_check_geom(l, i);
    for (size_t f = 0; f < cm_layer_field_count(l); f++)
      layer_check_value(l, i, f);
  }
  if (cm_layer_geom(l, cm_layer_count(l)))
    FUZZ_FAIL("a feature past the end answers");
}

/* A refusal names one of the layer's files and says what is wrong. */
static void layer_check_error(int rc, const cm_error *err,
                              const cm_layer *l) {
  static const char *const ends[] = {"/f.shp", "/f.shx", "/f.dbf", "/f.cpg",
                                     "/f.prj"};
  if (l)
    FUZZ_FAIL("a failed open left a layer");
  if (rc != CM_EDATA && rc != CM_EIO && rc != CM_ENOMEM)
    FUZZ_FAIL("unexpected code %d: %s", rc, err->message);
  if (err->code != rc || !err->message[0])
    FUZZ_FAIL("code %d with error %d '%s'", rc, err->code, err->message);
  for (int k = 0; k < LAYER_PARTS; k++)
    if (layer_ends_with(err->file, ends[k]))
      return;
  FUZZ_FAIL("the error names '%s', not a file of the layer", err->file);
}

/* Write the files, open them, check; returns what cm_layer_open did. */
int fuzz_layer(const uint8_t *data, size_t size) {
  layer_input in;
  layer_input_split(&in, data, size);
  for (int k = 0; k < LAYER_PARTS; k++)
    layer_write(&in, k);
  char path[300];
  snprintf(path, sizeof path, "%s/f.shp", layer_folder());
  cm_layer *l = NULL;
  cm_error err;
  cm_error_clear(&err);
  int rc = cm_layer_open(&l, path, &err);
  if (rc == CM_OK)
    layer_check(l, in.len[LAYER_SHX] >= 100 ? (in.len[LAYER_SHX] - 100) / 8
                                            : 0);
  else
    layer_check_error(rc, &err, l);
  cm_layer_free(l);
  return rc;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_layer(data, size);
  return 0;
}
#endif

#endif /* CONTROLMAP_FUZZ_LAYER_C */
