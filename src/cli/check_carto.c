/* `controlmap check --dates all | --date D`: compose the map at each date
 * and report what a reader would miss (see cm_compose_options.findings). */

#include "check_carto.h"
#include "controlmap/compose.h"
#include "controlmap/map.h"

#include <stdio.h>
#include <stdlib.h>

/* Findings at one day, printed as "style: DATE: message"; their count, or
 * -1 when the map could not be composed. */
static int check_day(const cm_map *m, cm_day day, int grey) {
  cm_errors found = {0};
  cm_compose_options opt = {0};
  opt.date = day;
  opt.findings = &found;
  opt.findings_grey = grey;
  cm_scene *s;
  cm_error err;
  if (cm_compose(&s, m, &opt, &err) != CM_OK) {
    cm_errors_free(&found);
    cli_fail(&err);
    return -1;
  }
  cm_scene_free(s);
  char iso[16];
  cm_date_iso(day, iso);
  for (size_t i = 0; i < found.count; i++)
    fprintf(stderr, "controlmap: %s: %s: %s\n", found.items[i].file, iso,
            found.items[i].message);
  int n = (int)found.count;
  cm_errors_free(&found);
  return n;
}

int check_carto(const char *style, const cm_day *date, int grey) {
  cm_map *m;
  cm_error err;
  if (cm_map_open(&m, style, &err) != CM_OK)
    return cli_fail(&err);
  cm_day *days = NULL;
  int n = 1;
  if (date) {
    days = malloc(sizeof *days);
    if (days)
      days[0] = *date;
  } else {
    n = cm_map_change_dates(m, &days);
  }
  if (n < 0 || !days) {
    cm_map_free(m);
    free(days);
    return cli_usage("cannot list the dates of %s", style);
  }
  int findings = 0, failed = 0;
  for (int i = 0; i < n; i++) {
    int k = check_day(m, days[i], grey);
    failed |= k < 0;
    findings += k > 0 ? k : 0;
  }
  free(days);
  cm_map_free(m);
  if (failed)
    return EXIT_FAIL;
  if (findings) {
    fprintf(stderr, "controlmap: %s: %d cartographic finding%s at %d date%s\n", style,
            findings, findings == 1 ? "" : "s", n, n == 1 ? "" : "s");
    return EXIT_FAIL;
  }
  printf("%s: the map reads well at %d date%s\n", style, n, n == 1 ? "" : "s");
  return EXIT_OK;
}
