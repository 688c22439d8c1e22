#include "cli.h"
#include "controlmap/layer.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: controlmap info FILE.shp...\n"
    "\n"
    "Describe shapefiles: geometry type, feature count, extent, CRS,\n"
    "attribute encoding, fields and their types, and the range of every\n"
    "field that holds dates.\n";

static const char *type_name(cm_field_type t) {
  static const char *names[] = {"text", "integer", "decimal", "logical", "date"};
  return t <= CM_FIELD_DATE ? names[t] : "?";
}

/* The name inside the first [...] of a WKT, e.g. GEOGCS["GCS_WGS_1984". */
static void crs_name(const char *wkt, char *buf, size_t size) {
  const char *q = strchr(wkt, '"');
  const char *e = q ? strchr(q + 1, '"') : NULL;
  if (!q || !e) {
    snprintf(buf, size, "%.60s", wkt);
    return;
  }
  snprintf(buf, size, "%.*s", (int)(e - q - 1), q + 1);
}

/* Print the date range of a field when every non-empty value is a date. */
static void date_range(const cm_layer *l, size_t field) {
  cm_day lo = CM_DAY_MAX, hi = CM_DAY_MIN;
  size_t dated = 0, empty = 0;
  for (size_t f = 0; f < cm_layer_count(l); f++) {
    const char *v = cm_layer_value(l, f, field);
    cm_day first;
    if (!*v) {
      empty++;
      continue;
    }
    if (cm_date_parse(v, &first, NULL, NULL) != CM_OK)
      return;
    lo = first < lo ? first : lo;
    hi = first > hi ? first : hi;
    dated++;
  }
  if (!dated)
    return;
  char a[16], b[16];
  cm_date_iso(lo, a);
  cm_date_iso(hi, b);
  printf("    dates %s .. %s", a, b);
  if (empty)
    printf(" (%zu empty)", empty);
  putchar('\n');
}

static int describe(const char *path) {
  cm_layer *l;
  cm_error err;
  if (cm_layer_open(&l, path, &err) != CM_OK)
    return cli_fail(&err);
  cm_bbox e = cm_layer_extent(l);
  printf("%s\n", cm_layer_path(l));
  printf("  type      %s\n", cm_layer_shape_type_name(l));
  printf("  features  %zu", cm_layer_count(l));
  if (cm_layer_null_count(l))
    printf(" (+%zu null shapes skipped)", cm_layer_null_count(l));
  putchar('\n');
  if (cm_layer_count(l))
    printf("  extent    %.6g %.6g %.6g %.6g (west south east north)\n",
           e.minx, e.miny, e.maxx, e.maxy);
  char name[128];
  if (cm_layer_crs(l)) {
    crs_name(cm_layer_crs(l), name, sizeof name);
    printf("  crs       %s (from .prj)\n", name);
  } else {
    printf("  crs       WGS 84 lon/lat assumed (no .prj)\n");
  }
  printf("  encoding  %s\n", cm_layer_encoding(l));
  printf("  fields    %zu\n", cm_layer_field_count(l));
  for (size_t i = 0; i < cm_layer_field_count(l); i++) {
    printf("    %-12s %s\n", cm_layer_field_name(l, i),
           type_name(cm_layer_field_type(l, i)));
    cm_field_type t = cm_layer_field_type(l, i);
    if (t == CM_FIELD_STRING || t == CM_FIELD_DATE)
      date_range(l, i);
  }
  cm_layer_free(l);
  return EXIT_OK;
}

int cmd_info(int argc, char **argv) {
  if (argc < 2)
    return cli_usage("info needs a shapefile (see `controlmap info --help`)");
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    fputs(help, stdout);
    return EXIT_OK;
  }
  int worst = EXIT_OK;
  for (int i = 1; i < argc; i++) {
    int rc = describe(argv[i]);
    worst = rc > worst ? rc : worst;
  }
  return worst;
}
