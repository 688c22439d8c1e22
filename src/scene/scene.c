#include "controlmap/scene.h"
#include "util_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct meta {
  char *key, *value;
} meta;

struct cm_scene {
  double width, height, dpi;
  cm_item *items;
  size_t count, cap;
  int depth; /* open groups, so group_end cannot underflow */
  meta *meta;
  size_t nmeta;
  cm_day date;
  int has_date;
  char **warnings;
  size_t nwarnings;
};

cm_scene *cm_scene_new(double width_pt, double height_pt, double dpi) {
  cm_scene *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->width = width_pt;
  s->height = height_pt;
  s->dpi = dpi;
  return s;
}

static void item_free(cm_item *it) {
  free((char *)it->id);
  free((char *)it->label);
  free((char *)it->text);
  free((char *)it->style.font);
  cm_geom_free(&it->geom);
}

void cm_scene_free(cm_scene *s) {
  if (!s)
    return;
  for (size_t i = 0; i < s->count; i++)
    item_free(&s->items[i]);
  for (size_t i = 0; i < s->nmeta; i++) {
    free(s->meta[i].key);
    free(s->meta[i].value);
  }
  free(s->meta);
  for (size_t i = 0; i < s->nwarnings; i++)
    free(s->warnings[i]);
  free(s->warnings);
  free(s->items);
  free(s);
}

void cm_scene_truncate(cm_scene *s, size_t count) {
  while (s->count > count) {
    cm_item *it = &s->items[--s->count];
    s->depth += it->kind == CM_ITEM_GROUP_END;
    s->depth -= it->kind == CM_ITEM_GROUP_BEGIN;
    item_free(it);
  }
}

int cm_scene_add_warning(cm_scene *s, const char *text) {
  char **grown = realloc(s->warnings, (s->nwarnings + 1) * sizeof *grown);
  if (!grown)
    return CM_ENOMEM;
  s->warnings = grown;
  if (!(grown[s->nwarnings] = strdup(text)))
    return CM_ENOMEM;
  s->nwarnings++;
  return CM_OK;
}

size_t cm_scene_warning_count(const cm_scene *s) { return s->nwarnings; }

const char *cm_scene_warning(const cm_scene *s, size_t i) {
  return i < s->nwarnings ? s->warnings[i] : NULL;
}

double cm_scene_width(const cm_scene *s) { return s->width; }
double cm_scene_height(const cm_scene *s) { return s->height; }
double cm_scene_dpi(const cm_scene *s) { return s->dpi; }

/* A zeroed item at the end of the list, or NULL when out of memory. */
static cm_item *push(cm_scene *s, cm_item_kind kind) {
  if (cm__grow((void **)&s->items, &s->cap, s->count + 1, sizeof *s->items) != CM_OK)
    return NULL;
  cm_item *it = &s->items[s->count++];
  memset(it, 0, sizeof *it);
  it->kind = kind;
  return it;
}

/* strdup that treats NULL as NULL; *ok drops to 0 on failure. */
static char *dup(const char *src, int *ok) {
  if (!src)
    return NULL;
  char *d = strdup(src);
  if (!d)
    *ok = 0;
  return d;
}

int cm_scene_group_begin(cm_scene *s, const char *id, const char *label,
                         const cm_bbox *clip) {
  cm_item *it = push(s, CM_ITEM_GROUP_BEGIN);
  if (!it)
    return CM_ENOMEM;
  int ok = 1;
  it->id = dup(id, &ok);
  it->label = dup(label ? label : id, &ok);
  if (clip) {
    it->clip = 1;
    it->clip_box = *clip;
  }
  s->depth++;
  return ok ? CM_OK : CM_ENOMEM;
}

int cm_scene_group_end(cm_scene *s) {
  if (s->depth <= 0)
    return CM_EUSAGE;
  if (!push(s, CM_ITEM_GROUP_END))
    return CM_ENOMEM;
  s->depth--;
  return CM_OK;
}

int cm_scene_path_take(cm_scene *s, cm_geom *geom, const cm_paint *paint) {
  cm_item *it = push(s, CM_ITEM_PATH);
  if (!it)
    return CM_ENOMEM;
  it->geom = *geom;
  it->paint = *paint;
  cm_geom_init(geom, geom->type);
  return CM_OK;
}

int cm_scene_path(cm_scene *s, const cm_geom *geom, const cm_paint *paint) {
  cm_geom copy;
  if (cm_geom_copy(&copy, geom) != CM_OK)
    return CM_ENOMEM;
  int rc = cm_scene_path_take(s, &copy, paint);
  if (rc != CM_OK)
    cm_geom_free(&copy);
  return rc;
}

int cm_scene_path_append(cm_scene *s, const cm_geom *geom) {
  cm_item *it = s->count ? &s->items[s->count - 1] : NULL;
  if (!it || it->kind != CM_ITEM_PATH || it->geom.type != geom->type)
    return CM_EUSAGE;
  for (size_t i = 0; i < geom->nparts; i++) {
    const cm_point *p = cm_geom_part(geom, i);
    size_t k = cm_geom_part_size(geom, i);
    if (cm_geom_begin_part(&it->geom) != CM_OK)
      return CM_ENOMEM;
    for (size_t j = 0; j < k; j++)
      if (cm_geom_add_point(&it->geom, p[j].x, p[j].y) != CM_OK)
        return CM_ENOMEM;
  }
  return CM_OK;
}

void cm_scene_path_hide(cm_scene *s, size_t i) {
  if (i < s->count && s->items[i].kind == CM_ITEM_PATH) {
    cm_geom_type type = s->items[i].geom.type;
    cm_geom_free(&s->items[i].geom);
    cm_geom_init(&s->items[i].geom, type);
  }
}

int cm_scene_text(cm_scene *s, const char *text, double x, double y,
                  const cm_text_style *style) {
  cm_item *it = push(s, CM_ITEM_TEXT);
  if (!it)
    return CM_ENOMEM;
  int ok = 1;
  it->text = dup(text, &ok);
  it->x = x;
  it->y = y;
  it->style = *style;
  it->style.font = dup(style->font ? style->font : "Noto Sans", &ok);
  return ok ? CM_OK : CM_ENOMEM;
}

size_t cm_scene_count(const cm_scene *s) { return s->count; }

const cm_item *cm_scene_item(const cm_scene *s, size_t i) {
  return i < s->count ? &s->items[i] : NULL;
}

int cm_scene_set_meta(cm_scene *s, const char *key, const char *value) {
  if (strcmp(key, "Date") == 0) { /* the typed date follows the text */
    cm_day d, after;
    s->has_date = cm_date_parse(value, &d, &after, NULL) == CM_OK &&
                  after == d + 1;
    s->date = s->has_date ? d : 0;
  }
  for (size_t i = 0; i < s->nmeta; i++) {
    if (strcmp(s->meta[i].key, key) == 0) {
      char *v = strdup(value);
      if (!v)
        return CM_ENOMEM;
      free(s->meta[i].value);
      s->meta[i].value = v;
      return CM_OK;
    }
  }
  meta *m = realloc(s->meta, (s->nmeta + 1) * sizeof *m);
  if (!m)
    return CM_ENOMEM;
  s->meta = m;
  int ok = 1;
  m[s->nmeta].key = dup(key, &ok);
  m[s->nmeta].value = dup(value, &ok);
  s->nmeta++;
  return ok ? CM_OK : CM_ENOMEM;
}

const char *cm_scene_meta(const cm_scene *s, const char *key) {
  for (size_t i = 0; i < s->nmeta; i++)
    if (strcmp(s->meta[i].key, key) == 0)
      return s->meta[i].value;
  return NULL;
}

int cm_scene_set_date(cm_scene *s, cm_day day) {
  char iso[16];
  cm_date_iso(day, iso);
  return cm_scene_set_meta(s, "Date", iso);
}

int cm_scene_date(const cm_scene *s, cm_day *day) {
  if (s->has_date)
    *day = s->date;
  return s->has_date;
}
