/* Which dates a batch draws: a regular step between two dates, or every
 * date on which what the map shows changes. */

#include "batch_internal.h"
#include "util_internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append a date; name is copied. Returns 0 or CM_ENOMEM (also past
 * CM_BATCH_MAX_FRAMES, with err saying so). */
static int wanted_add(wanted_list *list, cm_day date, const char *name, int line,
                      cm_error *err) {
  if (list->count >= CM_BATCH_MAX_FRAMES) {
    cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "more than %d frames",
                 CM_BATCH_MAX_FRAMES);
    cm_error_hint(err, "take a longer step or a shorter period");
    return CM_ENOMEM;
  }
  if (cm__grow((void **)&list->items, &list->cap, list->count + 1, sizeof *list->items) != CM_OK)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  char *copy = name ? strdup(name) : NULL;
  if (name && !copy)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  list->items[list->count++] = (wanted){date, copy, line};
  return CM_OK;
}

void cm__wanted_free(wanted_list *list) {
  for (size_t i = 0; i < list->count; i++)
    free(list->items[i].name);
  free(list->items);
  *list = (wanted_list){0};
}

int cm_batch_parse_step(cm_batch_step *out, const char *text, cm_error *err) {
  if (!strcmp(text, "year") || !strcmp(text, "month")) {
    *out = (cm_batch_step){text[0] == 'y' ? CM_STEP_YEAR : CM_STEP_MONTH, 0};
    return CM_OK;
  }
  char *end;
  errno = 0;
  long n = strtol(text, &end, 10);
  if (end != text && !strcmp(end, "d") && errno == 0 && n >= 1 && n <= 100000) {
    *out = (cm_batch_step){CM_STEP_DAYS, (int)n};
    return CM_OK;
  }
  cm_error_set(err, CM_EUSAGE, NULL, 0, 0, "'%s' is not a step", text);
  cm_error_hint(err, "write year, month or a number of days such as 7d");
  return CM_EUSAGE;
}

int cm_batch_parse_shard(int *shard, int *shards, const char *text,
                         cm_error *err) {
  char *slash, *end = NULL;
  errno = 0;
  long i = strtol(text, &slash, 10);
  long n = *slash == '/' ? strtol(slash + 1, &end, 10) : 0;
  if (slash != text && *slash == '/' && end != slash + 1 && !*end &&
      errno == 0 && i >= 1 && n >= i && n <= 1000000) {
    *shard = (int)i;
    *shards = (int)n;
    return CM_OK;
  }
  cm_error_set(err, CM_EUSAGE, NULL, 0, 0, "'%s' is not a shard", text);
  cm_error_hint(err, "write I/N with 1 <= I <= N, e.g. 3/8 for the third of eight");
  return CM_EUSAGE;
}

/* The k-th date after start: whole months keep the day of the month where
 * the month has it (31 January, then 28 or 29 February, then 31 March). */
static int64_t nth_step(cm_day start, cm_batch_step step, int64_t k) {
  if (step.unit == CM_STEP_DAYS)
    return (int64_t)start + k * step.days;
  int y, m, d;
  cm_date_to_ymd(start, &y, &m, &d);
  int64_t months = (int64_t)y * 12 + (m - 1) + k * (step.unit == CM_STEP_YEAR ? 12 : 1);
  int64_t year = months / 12;
  if (year > 9999)
    return INT64_MAX;
  int month = (int)(months % 12) + 1;
  while (d > 28 && !cm_date_valid((int)year, month, d))
    d--;
  return cm_date_from_ymd((int)year, month, d);
}

static int every_step(wanted_list *out, cm_day from, cm_day to,
                      cm_batch_step step, cm_error *err) {
  for (int64_t k = 0;; k++) {
    int64_t day = nth_step(from, step, k);
    if (day > to)
      return CM_OK;
    int rc = wanted_add(out, (cm_day)day, NULL, 0, err);
    if (rc != CM_OK)
      return rc;
  }
}

/* The change dates of the data; the caller frees *days. */
static int change_dates(const cm_map *map, cm_day **days, cm_error *err) {
  int n = cm_map_change_dates(map, days);
  if (n < 0)
    return cm_error_set(err, n, NULL, 0, 0, "out of memory");
  return n;
}

/* Fill the ends the spec leaves to the data with its first and last
 * change dates. */
static int resolve_range(const cm_map *map, const cm_batch_spec *spec,
                         cm_day *from, cm_day *to, cm_error *err) {
  *from = spec->from;
  *to = spec->to;
  if (!spec->has_from || !spec->has_to) {
    cm_day *days;
    int n = change_dates(map, &days, err);
    if (n < 0)
      return n;
    if (n > 0) {
      *from = spec->has_from ? spec->from : days[0];
      *to = spec->has_to ? spec->to : days[n - 1];
    }
    free(days);
    if (n == 0) {
      cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                   "the data has no dates to start or end the batch at");
      cm_error_hint(err, "give the first and the last date (--from, --to)");
      return CM_EUSAGE;
    }
  }
  if (*from > *to) {
    char a[16], b[16];
    cm_date_iso(*from, a);
    cm_date_iso(*to, b);
    cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                 "the first date (%s) is after the last (%s)", a, b);
    return CM_EUSAGE;
  }
  return CM_OK;
}

static int in_range(const cm_batch_spec *spec, cm_day d) {
  return (!spec->has_from || d >= spec->from) && (!spec->has_to || d <= spec->to);
}

/* Whether feature f of layer l leaves a mark on the days it is valid: some
 * rule styles it, and it lies in the view or names a legend class. A change
 * to anything else (a feature far outside the view, or one no rule draws)
 * does not change the map. */
static int leaves_mark(const cm_map *map, size_t l, size_t f) {
  cm_feature_ref ref = {cm_map_layer_data(map, l), f};
  cm_symbolizer s;
  if (!cm_style_resolve(cm_map_style(map), cm_map_layer_style(map, l)->name,
                        cm_feature_attr, &ref, &s))
    return 0;
  return cm_map_feature_geom(map, l, f)->npoints > 0 ||
         ((s.set & CM_PROP_LEGEND) && s.legend);
}

/* Flags over the features of every layer in turn: which leave a mark. */
static unsigned char *marking_features(const cm_map *map, size_t *total) {
  *total = 0;
  for (size_t l = 0; l < cm_map_layer_count(map); l++)
    *total += cm_layer_count(cm_map_layer_data(map, l));
  unsigned char *marks = malloc(*total + 1);
  size_t k = 0;
  for (size_t l = 0; marks && l < cm_map_layer_count(map); l++)
    for (size_t f = 0; f < cm_layer_count(cm_map_layer_data(map, l)); f++)
      marks[k++] = (unsigned char)leaves_mark(map, l, f);
  return marks;
}

/* Which marking features are shown at d, in the same order. */
static void shown_at(const cm_map *map, const unsigned char *marks, cm_day d,
                     unsigned char *shown) {
  size_t k = 0;
  for (size_t l = 0; l < cm_map_layer_count(map); l++)
    for (size_t f = 0; f < cm_layer_count(cm_map_layer_data(map, l)); f++, k++)
      shown[k] = marks[k] && cm_map_feature_visible(map, l, f, d);
}

/* Keep the change dates in range on which the features shown differ from
 * those of the date before; the others would repeat the frame before. */
static int distinct_changes(wanted_list *out, const cm_map *map,
                            const cm_batch_spec *spec, const cm_day *days,
                            int n, size_t *unchanged, cm_error *err) {
  size_t total;
  unsigned char *marks = marking_features(map, &total);
  unsigned char *before = calloc(total + 1, 1), *now = calloc(total + 1, 1);
  int rc = marks && before && now
               ? CM_OK
               : cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  int first = 1;
  for (int i = 0; i < n && rc == CM_OK; i++) {
    if (!in_range(spec, days[i]))
      continue;
    shown_at(map, marks, days[i], now);
    if (!first && memcmp(before, now, total) == 0) {
      (*unchanged)++;
      continue;
    }
    first = 0;
    memcpy(before, now, total);
    rc = wanted_add(out, days[i], NULL, 0, err);
  }
  free(marks);
  free(before);
  free(now);
  return rc;
}

static int every_change(wanted_list *out, const cm_map *map,
                        const cm_batch_spec *spec, size_t *unchanged,
                        cm_error *err) {
  cm_day *days;
  int n = change_dates(map, &days, err);
  if (n < 0)
    return n;
  int rc = distinct_changes(out, map, spec, days, n, unchanged, err);
  free(days);
  return rc;
}

typedef struct listed {
  wanted_list *out;
  const cm_batch_spec *spec;
} listed;

static int take_listed(void *ctx, cm_day day, const char *name, int line,
                       cm_error *err) {
  const listed *l = ctx;
  return in_range(l->spec, day) ? wanted_add(l->out, day, name, line, err)
                                : CM_OK;
}

/* Dates of the file inside the spec's range, in file order. */
static int listed_dates(wanted_list *out, const cm_batch_spec *spec,
                        cm_error *err) {
  listed l = {out, spec};
  return cm_dates_file_read(spec->dates_file, take_listed, &l, err);
}

int cm_batch_dates(cm_day **dates, const cm_map *map, const cm_batch_spec *spec,
                   cm_error *err) {
  wanted_list list = {0};
  size_t unchanged;
  *dates = NULL;
  int rc = cm__batch_dates(&list, map, spec, &unchanged, err);
  if (rc == CM_OK && !(*dates = malloc((list.count ? list.count : 1) * sizeof **dates)))
    rc = cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; rc == CM_OK && i < list.count; i++)
    (*dates)[i] = list.items[i].date;
  size_t n = list.count;
  cm__wanted_free(&list);
  return rc == CM_OK ? (int)n : rc;
}

int cm__batch_dates(wanted_list *out, const cm_map *map, const cm_batch_spec *spec,
                    size_t *unchanged, cm_error *err) {
  *unchanged = 0;
  if (spec->mode == CM_BATCH_DATES)
    return listed_dates(out, spec, err);
  if (spec->mode == CM_BATCH_CHANGES)
    return every_change(out, map, spec, unchanged, err);
  if (spec->mode != CM_BATCH_EVERY)
    return cm_error_set(err, CM_EUSAGE, NULL, 0, 0, "no kind of batch given");
  cm_batch_step st = spec->every;
  if (st.unit != CM_STEP_YEAR && st.unit != CM_STEP_MONTH &&
      !(st.unit == CM_STEP_DAYS && st.days >= 1))
    return cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                        "the step between frames is not set");
  cm_day from, to;
  int rc = resolve_range(map, spec, &from, &to, err);
  return rc == CM_OK ? every_step(out, from, to, spec->every, err) : rc;
}
