/* `controlmap check --dates all | --date D`: compose the map at each date
 * and report what a reader would miss (see cm_compose_options.findings). */

#include "check_carto.h"
#include "controlmap/compose.h"
#include "controlmap/map.h"

#include <stdio.h>
#include <stdlib.h>

/* Findings at one day, printed as "style: DATE: message"; their count, or
 * -1 when the map could not be composed. With series, the day is laid out
 * as a frame of that series. */
static int check_day(const cm_map *m, cm_day day, int grey, const cm_compose_cache *series) {
  cm_errors found = {0};
  cm_compose_options opt = {0};
  opt.date = day;
  opt.cache = series;
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

/* One layout for the n days, as batch --same-scale makes it; NULL when
 * that fails (said on stderr). */
static cm_compose_cache *series_of(const cm_map *m, const cm_day *days, int n) {
  cm_compose_cache *cache = NULL;
  cm_compose_options opt = {0};
  cm_error err;
  if (cm_compose_cache_new(&cache, m, &err) != CM_OK ||
      cm_compose_cache_set_series(cache, &opt, days, (size_t)n, &err) != CM_OK) {
    cm_compose_cache_free(cache);
    cli_fail(&err);
    return NULL;
  }
  return cache;
}

/* Keep the days in range; returns how many are left. */
static int in_range(cm_day *days, int n, const check_range *r) {
  int kept = 0;
  for (int i = 0; i < n; i++)
    if ((!r->has_from || days[i] >= r->from) && (!r->has_to || days[i] <= r->to))
      days[kept++] = days[i];
  return kept;
}

int check_carto(const char *style, const cm_day *date, const check_range *range, int grey,
                int same_scale) {
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
    if (n > 0 && days)
      n = in_range(days, n, range);
  }
  if (n < 0 || !days) {
    cm_map_free(m);
    free(days);
    return cli_usage("cannot list the dates of %s", style);
  }
  if (n == 0) {
    cm_map_free(m);
    free(days);
    return cli_usage("%s: no change dates between --from and --to", style);
  }
  int findings = 0, failed = 0;
  cm_compose_cache *series = same_scale ? series_of(m, days, n) : NULL;
  failed = same_scale && !series;
  for (int i = 0; !failed && i < n; i++) {
    int k = check_day(m, days[i], grey, series);
    failed |= k < 0;
    findings += k > 0 ? k : 0;
  }
  cm_compose_cache_free(series);
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
