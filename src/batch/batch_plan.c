/* Planning a batch: the dates become frames, each with the file it goes
 * to; frames that would overwrite each other or go to a folder that is not
 * there are refused before anything is drawn. */

#include "batch_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATH_CAP 4096

/* Output that counts what it would need when buf is too small. */
typedef struct output {
  char *buf;
  size_t size, len;
} text_out;

static void put(text_out *o, const char *s, size_t n) {
  if (o->len < o->size) {
    size_t room = o->size - o->len;
    memcpy(o->buf + o->len, s, n < room ? n : room);
  }
  o->len += n;
}

static int bad_placeholder(const char *tmpl, const char *what, size_t n,
                           cm_error *err) {
  cm_error_set(err, CM_EUSAGE, NULL, 0, 0, "'%.*s' in the output name '%s' is not a placeholder",
               (int)n, what, tmpl);
  cm_error_hint(err, "use {date} (YYYY-MM-DD) or {date:FORMAT} with %%Y %%m "
                     "%%d %%B %%b %%e; write {{ and }} for braces");
  return CM_EUSAGE;
}

/* The date for a file name: always English and Western digits, so names
 * stay ASCII whatever the map's language. */
static int put_date(text_out *o, const char *fmt, size_t n, cm_day date) {
  char text[256], format[128];
  if (!fmt) {
    cm_date_iso(date, text);
    put(o, text, strlen(text));
    return CM_OK;
  }
  if (n == 0 || n >= sizeof format)
    return CM_EUSAGE;
  memcpy(format, fmt, n);
  format[n] = '\0';
  size_t len = cm_date_format(text, sizeof text, date, format, "en",
                              CM_DIGITS_WESTERN);
  put(o, text, len < sizeof text ? len : sizeof text - 1);
  return CM_OK;
}

static int put_field(text_out *o, const char *tmpl, const char *open,
                     const char *close, cm_day date, cm_error *err) {
  size_t n = (size_t)(close - open - 1);
  const char *in = open + 1;
  int rc = CM_EUSAGE;
  if (n == 4 && !memcmp(in, "date", 4))
    rc = put_date(o, NULL, 0, date);
  else if (n > 5 && !memcmp(in, "date:", 5))
    rc = put_date(o, in + 5, n - 5, date);
  return rc == CM_OK ? rc : bad_placeholder(tmpl, open, n + 2, err);
}

int cm_batch_expand(char *buf, size_t size, const char *tmpl, cm_day date,
                    cm_error *err) {
  text_out o = {buf, size ? size - 1 : 0, 0};
  for (const char *s = tmpl; *s;) {
    size_t plain = strcspn(s, "{}");
    put(&o, s, plain);
    s += plain;
    if (!*s)
      break;
    if (s[1] == s[0]) { /* {{ or }} */
      put(&o, s, 1);
      s += 2;
      continue;
    }
    const char *close = s[0] == '{' ? strchr(s, '}') : NULL;
    if (!close)
      return bad_placeholder(tmpl, s, 1, err);
    int rc = put_field(&o, tmpl, s, close, date, err);
    if (rc != CM_OK)
      return rc;
    s = close + 1;
  }
  if (size)
    buf[o.len < o.size ? o.len : o.size] = '\0';
  return o.len < INT_MAX ? (int)o.len : INT_MAX;
}

/* The folder part of path ("." when none) into buf. */
static void folder_of(const char *path, char *buf, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    snprintf(buf, size, ".");
  else if (slash == path)
    snprintf(buf, size, "/");
  else
    snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

static int expand_path(char *buf, const char *tmpl, cm_day date, cm_error *err) {
  int n = cm_batch_expand(buf, PATH_CAP, tmpl, date, err);
  if (n >= PATH_CAP)
    return cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                        "the output name '%s' is too long", tmpl);
  return n < 0 ? n : CM_OK;
}

/* A name from the dates file: alone it goes beside the template's file. */
static int named_path(char *buf, const char *from_tmpl, const wanted *w,
                      const char *dates_file, cm_error *err) {
  char name[PATH_CAP], folder[PATH_CAP];
  int rc = expand_path(name, w->name, w->date, err);
  if (rc == CM_OK && !strchr(w->name, '/')) {
    folder_of(from_tmpl, folder, sizeof folder);
    if (snprintf(buf, PATH_CAP, "%s/%s", folder, name) >= PATH_CAP)
      rc = cm_error_set(err, CM_EUSAGE, NULL, 0, 0, "output name too long");
  } else if (rc == CM_OK) {
    memcpy(buf, name, strlen(name) + 1);
  }
  if (rc != CM_OK && err) {
    snprintf(err->file, sizeof err->file, "%s", dates_file);
    err->line = w->line;
    err->code = rc = CM_EDATA;
  }
  return rc;
}

static int check_format(const char *path, const wanted *w,
                        const cm_batch_spec *spec, cm_error *err) {
  cm_format format;
  int rc = cm_format_from_path(&format, path, err);
  if (rc != CM_OK && !w->name && err)
    cm_error_hint(err, "end the name in .png, .pdf or .svg, or in .gif, "
                       ".webp or .html for one animation of every frame");
  if (rc != CM_OK && w->name && err) {
    cm_error_set(err, CM_EDATA, spec->dates_file, w->line, 0,
                 "cannot tell the output format of '%s'", w->name);
    cm_error_hint(err, "end the name in .png, .pdf or .svg");
    rc = CM_EDATA;
  }
  return rc;
}

static int name_frame(cm_frame *f, const wanted *w, const cm_batch_spec *spec,
                      cm_error *err) {
  char from_tmpl[PATH_CAP], path[PATH_CAP];
  int rc = expand_path(from_tmpl, spec->output, w->date, err);
  if (rc == CM_OK && w->name)
    rc = named_path(path, from_tmpl, w, spec->dates_file, err);
  else if (rc == CM_OK)
    memcpy(path, from_tmpl, strlen(from_tmpl) + 1);
  if (rc == CM_OK)
    rc = check_format(path, w, spec, err);
  if (rc == CM_OK && !(f->output = strdup(path)))
    rc = cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  f->date = w->date;
  return rc;
}

static int name_frames(cm_batch *b, const wanted_list *want,
                       const cm_batch_spec *spec, cm_error *err) {
  char probe[PATH_CAP];
  int rc = expand_path(probe, spec->output, want->items[0].date, err);
  if (rc != CM_OK)
    return rc; /* a mistake in the template, before counting on it */
  size_t from_template = 0;
  for (size_t i = 0; i < want->count; i++)
    from_template += want->items[i].name == NULL;
  /* A wrong extension first: it may be why there is no {date}. */
  wanted unnamed = {want->items[0].date, NULL, 0};
  if (from_template && (rc = check_format(probe, &unnamed, spec, err)) != CM_OK)
    return rc;
  if (from_template > 1 && !strstr(spec->output, "{date")) {
    cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                 "the output name '%s' has no {date}, so %zu frames would "
                 "overwrite each other", spec->output, from_template);
    cm_error_hint(err, "put the date in the name, e.g. out/{date}.png");
    return CM_EUSAGE;
  }
  for (size_t i = 0; i < want->count; i++) {
    b->frames[i].index = i;
    b->frames[i].previous = i ? want->items[i - 1].date : CM_DAY_MIN;
    rc = name_frame(&b->frames[i], &want->items[i], spec, err);
    b->count = i + 1;
    if (rc != CM_OK)
      return rc;
  }
  return CM_OK;
}

static int by_output(const void *a, const void *b) {
  const cm_frame *x = *(const cm_frame *const *)a, *y = *(const cm_frame *const *)b;
  int c = strcmp(x->output, y->output);
  return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Two frames to one file would leave only the later one: refuse the plan
 * (over every shard, so all shards of a batch agree). */
static int check_unique(const cm_batch *b, cm_error *err) {
  const cm_frame **sorted = malloc(b->count * sizeof *sorted);
  if (!sorted)
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < b->count; i++)
    sorted[i] = &b->frames[i];
  qsort(sorted, b->count, sizeof *sorted, by_output);
  int rc = CM_OK;
  for (size_t i = 1; i < b->count && rc == CM_OK; i++)
    if (!strcmp(sorted[i - 1]->output, sorted[i]->output)) {
      char a[16], c[16];
      cm_date_iso(sorted[i - 1]->date, a);
      cm_date_iso(sorted[i]->date, c);
      rc = cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                        "the frames of %s and %s would both be written to '%s'",
                        a, c, sorted[i]->output);
      cm_error_hint(err, "give each frame its own name, e.g. with {date}");
    }
  free(sorted);
  return rc;
}

/* The dates of every frame planned, which a batch of one scale is laid
 * out for. */
static int keep_series(cm_batch *b, cm_error *err) {
  if (!(b->series = malloc((b->count ? b->count : 1) * sizeof *b->series)))
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  for (size_t k = 0; k < b->count; k++)
    b->series[k] = b->frames[k].date;
  b->nseries = b->count;
  return CM_OK;
}

/* Frame k of the plan belongs to shard k % shards + 1: a deterministic
 * slice every process can work out alone. */
static void take_shard(cm_batch *b, const cm_batch_spec *spec) {
  if (spec->shards <= 1)
    return;
  size_t kept = 0;
  for (size_t k = 0; k < b->count; k++) {
    if (k % (size_t)spec->shards == (size_t)(spec->shard - 1)) {
      b->frames[kept] = b->frames[k];
      b->frames[kept].index = kept;
      kept++;
    } else {
      free((char *)b->frames[k].output);
    }
  }
  b->count = kept;
}

static int check_folder(const char *folder, const char *output, cm_error *err) {
  struct stat st;
  if (stat(folder, &st) == 0 && S_ISDIR(st.st_mode))
    return CM_OK;
  if (stat(folder, &st) == 0)
    return cm_error_set(err, CM_EIO, output, 0, 0, "'%s' is not a folder", folder);
  cm_error_set(err, CM_EIO, output, 0, 0, "the folder '%s' does not exist", folder);
  cm_error_hint(err, "create it first (mkdir -p %s)", folder);
  return CM_EIO;
}

static int check_folders(const cm_batch *b, cm_error *err) {
  char folder[PATH_CAP], last[PATH_CAP] = "";
  for (size_t i = 0; i < b->count; i++) {
    folder_of(b->frames[i].output, folder, sizeof folder);
    if (!strcmp(folder, last))
      continue;
    int rc = check_folder(folder, b->frames[i].output, err);
    if (rc != CM_OK)
      return rc;
    memcpy(last, folder, strlen(folder) + 1);
  }
  return CM_OK;
}

/* --- one animation ------------------------------------------------------- */

static int not_for_animation(const char *what, const char *output, cm_error *err) {
  cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
               "%s makes no sense for an animation: every frame goes into "
               "'%s'", what, output);
  cm_error_hint(err, "draw the whole series in one run, or write a file a "
                     "frame (out/{date}.png)");
  return CM_EUSAGE;
}

static int check_animation(const cm_batch_spec *spec, cm_error *err) {
  cm_anim_format format;
  int rc = cm_anim_format_from_path(&format, spec->output, err);
  if (rc == CM_OK)
    rc = cm_anim_check_options(&spec->anim, err);
  if (rc == CM_OK && (spec->shard || spec->shards))
    rc = not_for_animation("a shard", spec->output, err);
  if (rc == CM_OK && spec->skip_existing)
    rc = not_for_animation("skipping existing outputs", spec->output, err);
  if (rc == CM_OK && strstr(spec->output, "{date")) {
    cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                 "the animation '%s' holds every frame, so its name takes no "
                 "{date}", spec->output);
    cm_error_hint(err, "name it once, e.g. out/timeline.gif");
    rc = CM_EUSAGE;
  }
  return rc;
}

/* Every frame names the animation; a name from the dates file would be
 * silently lost, so it is refused. */
static int name_animation(cm_batch *b, const wanted_list *want,
                          const cm_batch_spec *spec, cm_error *err) {
  char path[PATH_CAP];
  int rc = expand_path(path, spec->output, want->items[0].date, err);
  if (rc == CM_OK && !(b->anim_path = strdup(path)))
    rc = cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; rc == CM_OK && i < want->count; i++) {
    const wanted *w = &want->items[i];
    if (w->name) {
      cm_error_set(err, CM_EUSAGE, spec->dates_file, w->line, 0,
                   "'%s': frames of an animation have no names of their own",
                   w->name);
      cm_error_hint(err, "leave only the dates in the file");
      return CM_EUSAGE;
    }
    b->frames[i].index = i;
    b->frames[i].date = w->date;
    b->frames[i].previous = i ? want->items[i - 1].date : CM_DAY_MIN;
    if (!(b->frames[i].output = strdup(path)))
      rc = cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
    b->count = i + 1;
  }
  b->animation = 1;
  b->anim = spec->anim;
  return rc == CM_OK ? check_folders(b, err) : rc;
}

/* --- the plan -------------------------------------------------------------- */

static int check_spec(const cm_batch_spec *spec, cm_error *err) {
  if (!spec->output || !*spec->output) {
    cm_error_set(err, CM_EUSAGE, NULL, 0, 0, "no output name given");
    cm_error_hint(err, "give one with the date in it, e.g. out/{date}.png");
    return CM_EUSAGE;
  }
  if (cm_anim_is_path(spec->output))
    return check_animation(spec, err);
  if (!(spec->shard == 0 && spec->shards == 0) &&
      !(spec->shard >= 1 && spec->shard <= spec->shards))
    return cm_error_set(err, CM_EUSAGE, NULL, 0, 0,
                        "shard %d of %d does not exist", spec->shard, spec->shards);
  return CM_OK;
}

static int name_files(cm_batch *b, const wanted_list *want,
                      const cm_batch_spec *spec, cm_error *err) {
  int rc = name_frames(b, want, spec, err);
  if (rc == CM_OK)
    rc = check_unique(b, err);
  if (rc == CM_OK && spec->same_scale) /* before the shard is taken */
    rc = keep_series(b, err);
  if (rc == CM_OK) {
    take_shard(b, spec);
    rc = check_folders(b, err);
  }
  return rc;
}

static int no_frames(const cm_batch_spec *spec, cm_error *err) {
  char a[16] = "the start", b[16] = "the end";
  if (spec->has_from)
    cm_date_iso(spec->from, a);
  if (spec->has_to)
    cm_date_iso(spec->to, b);
  cm_error_set(err, CM_EUSAGE, spec->mode == CM_BATCH_DATES ? spec->dates_file : NULL,
               0, 0, "no %s between %s and %s",
               spec->mode == CM_BATCH_CHANGES ? "change dates" : "dates", a, b);
  cm_error_hint(err, "widen the period");
  return CM_EUSAGE;
}

static cm_batch *batch_new(const cm_batch_spec *spec, size_t frames) {
  cm_batch *b = calloc(1, sizeof *b);
  if (!b || !(b->frames = calloc(frames, sizeof *b->frames))) {
    free(b);
    return NULL;
  }
  b->planned = frames;
  b->skip_existing = spec->skip_existing;
  b->compose = spec->compose;
  b->changes_previous = spec->changes_previous;
  b->render = spec->render;
  return b;
}

int cm_batch_plan(cm_batch **out, const cm_map *map, const cm_batch_spec *spec,
                  cm_error *err) {
  *out = NULL;
  wanted_list want = {0};
  size_t unchanged = 0;
  cm_batch *b = NULL;
  int rc = check_spec(spec, err);
  if (rc == CM_OK)
    rc = cm__batch_dates(&want, map, spec, &unchanged, err);
  if (rc == CM_OK && want.count == 0)
    rc = no_frames(spec, err);
  if (rc == CM_OK && !(b = batch_new(spec, want.count)))
    rc = cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  if (rc == CM_OK && cm_anim_is_path(spec->output))
    rc = name_animation(b, &want, spec, err);
  else if (rc == CM_OK)
    rc = name_files(b, &want, spec, err);
  cm__wanted_free(&want);
  if (rc != CM_OK) {
    cm_batch_free(b);
    return rc;
  }
  b->unchanged = unchanged;
  *out = b;
  return CM_OK;
}
