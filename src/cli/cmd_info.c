#include "cli.h"
#include "controlmap/layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: controlmap info [-l LAYER] [-x FIELD -y FIELD | --wkt FIELD]\n"
    "                       [--encoding NAME] FILE...\n"
    "\n"
    "Describe data files: format, geometry type, feature count, extent, CRS,\n"
    "attribute encoding, fields and their types, and the range of every\n"
    "field that holds dates. FILE is a shapefile (.shp) or anything GDAL/OGR\n"
    "reads (GeoJSON, GeoPackage, CSV, FlatGeobuf...). Options apply to the\n"
    "files after them:\n"
    "  -l, --layer NAME   the layer of a file that holds several (GeoPackage)\n"
    "  -x, -y FIELD       the fields of a point's longitude and latitude (CSV)\n"
    "  --wkt FIELD        the field holding each geometry as WKT\n"
    "  --encoding NAME    the text encoding when it is not UTF-8\n";

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
static int date_range(const cm_layer *l, size_t field) {
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
      return 0;
    lo = first < lo ? first : lo;
    hi = first > hi ? first : hi;
    dated++;
  }
  if (!dated)
    return 0;
  char a[16], b[16];
  cm_date_iso(lo, a);
  cm_date_iso(hi, b);
  printf("    dates %s .. %s", a, b);
  if (empty)
    printf(" (%zu empty)", empty);
  putchar('\n');
  return empty == 0 ? 2 : 1; /* 2: every feature has its date */
}

/* How a style could date the layer: intervals when it has start and end
 * fields of dates, instants when one field dates every feature. */
static void time_hint(const cm_layer *l, const int *dated) {
  int s = cm_layer_field_index(l, "start"), e = cm_layer_field_index(l, "end");
  if (s >= 0 && e >= 0 && dated[s] && dated[e]) {
    printf("  time      intervals: time: start end;\n");
    return;
  }
  int only = -1, n = 0;
  for (size_t i = 0; i < cm_layer_field_count(l); i++)
    if (dated[i] == 2)
      only = (int)i, n++;
  if (n == 1)
    printf("  time      instants: time: %s; (add time-window: 30d; to keep them a month)\n",
           cm_layer_field_name(l, (size_t)only));
}

static int describe(cm_layer_source *src) {
  cm_layer *l;
  cm_error err;
  if (cm_layer_open_source(&l, src, &err) != CM_OK)
    return cli_fail(&err);
  cm_bbox e = cm_layer_extent(l);
  int shp = !strcmp(cm_layer_format(l), "ESRI Shapefile");
  printf("%s%s%s\n", cm_layer_path(l), src->layer ? " layer " : "",
         src->layer ? src->layer : "");
  printf("  format    %s\n", cm_layer_format(l));
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
    printf("  crs       %s (from %s)\n", name, shp ? ".prj" : "the file");
  } else {
    printf("  crs       WGS 84 lon/lat assumed (%s)\n",
           shp ? "no .prj" : src->x || src->wkt ? "coordinates from fields"
                                                : "the file names none");
  }
  printf("  encoding  %s\n", cm_layer_encoding(l));
  printf("  fields    %zu\n", cm_layer_field_count(l));
  int *dated = calloc(cm_layer_field_count(l) + 1, sizeof *dated);
  for (size_t i = 0; i < cm_layer_field_count(l); i++) {
    printf("    %-12s %s\n", cm_layer_field_name(l, i),
           type_name(cm_layer_field_type(l, i)));
    cm_field_type t = cm_layer_field_type(l, i);
    if ((t == CM_FIELD_STRING || t == CM_FIELD_DATE) && dated)
      dated[i] = date_range(l, i);
  }
  if (dated)
    time_hint(l, dated);
  free(dated);
  cm_layer_free(l);
  return EXIT_OK;
}

/* The value of option argv[*i] (-l LAYER...) into *out; 0, or an exit code. */
static int option_value(int argc, char **argv, int *i, const char **out) {
  if (*i + 1 >= argc)
    return cli_usage("%s needs a value (see `controlmap info --help`)", argv[*i]);
  *out = argv[++*i];
  return 0;
}

int cmd_info(int argc, char **argv) {
  if (argc < 2)
    return cli_usage("info needs a data file (see `controlmap info --help`)");
  cm_layer_source src = {0};
  int worst = EXIT_OK, files = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **opt = !strcmp(a, "-l") || !strcmp(a, "--layer") ? &src.layer
                       : !strcmp(a, "-x") || !strcmp(a, "--x")  ? &src.x
                       : !strcmp(a, "-y") || !strcmp(a, "--y")  ? &src.y
                       : !strcmp(a, "--wkt")                     ? &src.wkt
                       : !strcmp(a, "--encoding")                ? &src.encoding
                                                                 : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(help, stdout);
      return EXIT_OK;
    }
    if (opt) {
      int rc = option_value(argc, argv, &i, opt);
      if (rc)
        return rc;
      continue;
    }
    if (a[0] == '-' && a[1])
      return cli_usage("info: unknown option '%s' (see `controlmap info --help`)", a);
    src.path = a;
    int rc = describe(&src);
    worst = rc > worst ? rc : worst;
    files++;
  }
  return files ? worst : cli_usage("info needs a data file (see `controlmap info --help`)");
}
