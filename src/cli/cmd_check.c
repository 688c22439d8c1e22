#include "cli.h"
#include "controlmap/layer.h"
#include "controlmap/map.h"
#include "controlmap/proj.h"
#include "controlmap/style.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: controlmap check [-s STYLE]\n"
    "\n"
    "Validate a style and the data it names, and report every problem, not\n"
    "just the first: style syntax, layer files, CRS, time fields and their\n"
    "dates, and fields the rules use. Exit 0 when all is well, 2 for style\n"
    "mistakes, 1 for data problems.\n";

static int report(const cm_error *e, int *count) {
  (*count)++;
  return cli_fail(e);
}

/* Fields named by the style's rules and templates must exist in the data. */
static void check_fields(const cm_style *s, const char *layer_name,
                         const cm_layer *l, int *problems) {
  cm_errors all = {0};
  cm_map_check_fields(s, layer_name, l, NULL, &all);
  for (size_t i = 0; i < all.count; i++)
    report(&all.items[i], problems);
  cm_errors_free(&all);
}

static void check_dates(const cm_style *s, const cm_style_layer *sl,
                        const cm_layer *l, int *problems) {
  int a = cm_layer_field_index(l, sl->time_start);
  int b = cm_layer_field_index(l, sl->time_end);
  cm_error e;
  if (a < 0 || b < 0) {
    cm_error_set(&e, CM_EDATA, cm_style_name(s), sl->line, sl->col,
                 "layer '%s': %s has no field '%s' for `time`", sl->name,
                 cm_layer_path(l), a < 0 ? sl->time_start : sl->time_end);
    report(&e, problems);
    return;
  }
  for (size_t f = 0; f < cm_layer_count(l); f++) {
    cm_day from, to;
    const char *x = cm_layer_value(l, f, (size_t)a), *y = cm_layer_value(l, f, (size_t)b);
    if (cm_date_interval(x, y, &from, &to) == CM_OK)
      continue;
    cm_error_set(&e, CM_EDATA, cm_layer_path(l), 0, 0,
                 "feature %zu: '%s' .. '%s' is not a valid time interval",
                 cm_layer_record(l, f) + 1, x, y);
    cm_error_hint(&e, "dates are YYYY, YYYY-MM or YYYY-MM-DD; end after start");
    report(&e, problems);
  }
}

static void check_layer(const cm_style *s, const cm_style_layer *sl,
                        int *problems, size_t *features) {
  cm_layer *l;
  cm_error e;
  if (cm_layer_open(&l, sl->file, &e) != CM_OK) {
    report(&e, problems);
    return;
  }
  *features += cm_layer_count(l);
  if (cm_proj_check(cm_layer_crs(l), &e) != CM_OK) {
    snprintf(e.file, sizeof e.file, "%.480s (its .prj)", cm_layer_path(l));
    report(&e, problems);
  }
  if (sl->time_start)
    check_dates(s, sl, l, problems);
  check_fields(s, sl->name, l, problems);
  cm_layer_free(l);
}

int cmd_check(int argc, char **argv) {
  const char *path;
  int rc = cli_style_only(argc, argv, "check", help, &path);
  if (rc)
    return rc < 0 ? EXIT_OK : rc;
  cm_style *s;
  cm_error first;
  cm_errors all = {0};
  int problems = 0;
  if (cm_style_load(&s, path, &first, &all) != CM_OK) {
    if (!all.count)
      report(&first, &problems);
    for (size_t i = 0; i < all.count; i++)
      report(&all.items[i], &problems);
    cm_errors_free(&all);
    fprintf(stderr, "controlmap: %s: %d problem%s\n", path, problems, problems == 1 ? "" : "s");
    return first.code == CM_EIO ? EXIT_FAIL : EXIT_USAGE;
  }
  cm_errors_free(&all);
  cm_error e;
  if (cm_proj_check(cm_style_map(s)->srs, &e) != CM_OK) {
    snprintf(e.file, sizeof e.file, "%s", path);
    report(&e, &problems);
  }
  size_t features = 0;
  for (size_t i = 0; i < cm_style_layer_count(s); i++)
    check_layer(s, cm_style_layer_at(s, i), &problems, &features);
  size_t layers = cm_style_layer_count(s);
  cm_style_free(s);
  if (problems) {
    fprintf(stderr, "controlmap: %s: %d problem%s\n", path, problems, problems == 1 ? "" : "s");
    return EXIT_FAIL;
  }
  printf("%s: OK (%zu layers, %zu features)\n", path, layers, features);
  return EXIT_OK;
}
