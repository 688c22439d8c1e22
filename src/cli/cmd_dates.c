#include "cli.h"
#include "controlmap/map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: controlmap dates [-s STYLE]\n"
    "\n"
    "List every date on which a feature of a timed layer starts or ends,\n"
    "with what changes: '+' a feature appears, '-' it goes.\n";

/* A short name for a feature: its label, name or holder, else its number. */
static void describe(const cm_layer *l, size_t f, char *buf, size_t size) {
  static const char *fields[] = {"label", "name_en", "name", "title_en", "holder", "kind"};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    int k = cm_layer_field_index(l, fields[i]);
    if (k >= 0 && *cm_layer_value(l, f, (size_t)k)) {
      snprintf(buf, size, "%s", cm_layer_value(l, f, (size_t)k));
      return;
    }
  }
  snprintf(buf, size, "#%zu", cm_layer_record(l, f) + 1);
}

static void print_day(const cm_map *m, cm_day d) {
  char iso[16];
  cm_date_iso(d, iso);
  printf("%s\n", iso);
  for (size_t l = 0; l < cm_map_layer_count(m); l++) {
    const cm_layer *data = cm_map_layer_data(m, l);
    for (size_t f = 0; f < cm_layer_count(data); f++) {
      cm_day from, to;
      cm_map_feature_interval(m, l, f, &from, &to);
      if (from != d && to != d)
        continue;
      char what[256];
      describe(data, f, what, sizeof what);
      printf("  %c %s: %s\n", from == d ? '+' : '-',
             cm_map_layer_style(m, l)->name, what);
    }
  }
}

int cmd_dates(int argc, char **argv) {
  const char *path;
  int rc = cli_style_only(argc, argv, "dates", help, &path);
  if (rc)
    return rc < 0 ? EXIT_OK : rc;
  cm_map *m;
  cm_error err;
  if (cm_map_open(&m, path, &err) != CM_OK)
    return cli_fail(&err);
  cm_day *days;
  int n = cm_map_change_dates(m, &days);
  if (n < 0) {
    cm_map_free(m);
    cm_error_set(&err, n, NULL, 0, 0, "out of memory");
    return cli_fail(&err);
  }
  for (int i = 0; i < n; i++)
    print_day(m, days[i]);
  free(days);
  cm_map_free(m);
  return EXIT_OK;
}
