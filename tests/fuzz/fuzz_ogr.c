/* Fuzzing the reader of other formats than shapefiles (GDAL/OGR). One
 * input is one file: its first byte chooses the format and the options,
 * the rest is the file.
 *
 *   byte 0 & 127, modulo 5: 0 GeoJSON; 1 CSV with x: lon; y: lat; 2 CSV with
 *                wkt: geom;  3 CSV as GDAL sees it;  4 FlatGeobuf
 *   byte 0 & 128 encoding: CP1251 (else UTF-8)
 *
 * Whatever the bytes, cm_layer_open_source must either fail with an error
 * that names the file, or give a layer that keeps the promises the
 * shapefile harness checks (fuzz_layer.c): parts in order, finite points
 * inside the extent, values that are UTF-8 and of their field's kind.
 *
 * Built with libFuzzer by tools/fuzz.sh; tests/test_badinput.c includes
 * this file with FUZZ_NO_ENTRY defined. */

#ifndef FUZZ_NO_ENTRY
#define FUZZ_OGR_ENTRY
#define FUZZ_NO_ENTRY
#endif
#include "fuzz/fuzz_layer.c"

static const char *const ogr_ext[] = {".geojson", ".csv", ".csv", ".csv", ".fgb"};

/* Every promise fuzz_layer.c checks of a shapefile layer, but for its
 * records (numbered in reading order here). */
static void ogr_check(const cm_layer *l, const char *ext) {
  if (!layer_ends_with(cm_layer_path(l), ext) || !cm_layer_shape_type_name(l) ||
      !cm_layer_encoding(l)[0] || !cm_layer_format(l)[0])
    FUZZ_FAIL("path, format, type name or encoding missing");
  const char *crs = cm_layer_crs(l);
  if (crs && !crs[0])
    FUZZ_FAIL("an empty CRS instead of none");
  layer_check_fields(l);
  for (size_t i = 0; i < cm_layer_count(l); i++) {
    if (i && cm_layer_record(l, i) <= cm_layer_record(l, i - 1))
      FUZZ_FAIL("feature %zu: record %zu out of order", i, cm_layer_record(l, i));
    layer_check_geom(l, i);
    for (size_t f = 0; f < cm_layer_field_count(l); f++)
      layer_check_value(l, i, f);
  }
  if (cm_layer_geom(l, cm_layer_count(l)))
    FUZZ_FAIL("a feature past the end answers");
}

/* A refusal names the file and says what is wrong. */
static void ogr_check_error(int rc, const cm_error *err, const cm_layer *l,
                            const char *ext) {
  if (l)
    FUZZ_FAIL("a failed open left a layer");
  if (rc != CM_EDATA && rc != CM_EIO && rc != CM_ENOMEM && rc != CM_EUSAGE &&
      rc != CM_EPROJ)
    FUZZ_FAIL("unexpected code %d: %s", rc, err->message);
  if (err->code != rc || !err->message[0])
    FUZZ_FAIL("code %d with error %d '%s'", rc, err->code, err->message);
  if (!layer_ends_with(err->file, ext))
    FUZZ_FAIL("the error names '%s', not the file", err->file);
}

/* Write the file, open it, check; returns what cm_layer_open_source did. */
int fuzz_ogr(const uint8_t *data, size_t size) {
  unsigned head = size ? data[0] : 0;
  unsigned kind = (head & 127) % 5;
  const char *ext = ogr_ext[kind];
  char path[300];
  snprintf(path, sizeof path, "%s/g%s", layer_folder(), ext);
  FILE *f = fopen(path, "wb");
  if (!f || (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1) || fclose(f))
    FUZZ_FAIL("cannot write %s", path);
  cm_layer_source src = {.path = path};
  if (kind == 1) {
    src.x = "lon";
    src.y = "lat";
  } else if (kind == 2)
    src.wkt = "geom";
  if (head & 128)
    src.encoding = "CP1251";
  cm_layer *l = NULL;
  cm_error err;
  cm_error_clear(&err);
  int rc = cm_layer_open_source(&l, &src, &err);
  if (rc == CM_OK)
    ogr_check(l, ext);
  else
    ogr_check_error(rc, &err, l, ext);
  cm_layer_free(l);
  unlink(path);
  return rc;
}

#ifdef FUZZ_OGR_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_ogr(data, size);
  return 0;
}
#endif
