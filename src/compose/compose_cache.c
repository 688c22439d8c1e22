/* Composing once what does not change with the date. A layer without
 * `time` looks the same in every frame of a batch: its paths, its labels'
 * candidates (placement still happens per frame, among the dated labels),
 * its legend classes and the boxes its markers keep labels out of are made
 * once here and replayed into each frame's scene. So is the graticule.
 *
 * A dated layer's features change from frame to frame, but the legend
 * class of each (its text and paint) does not, unless the style makes it
 * depend on the date (`age_days`, `{date}`): those classes are worked out
 * here too, so a frame only marks the ones it shows (legend.c). */

#include "compose_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct cached_layer {
  cm_scene *paths;          /* the layer's paths, in page points */
  cm_label *labels;         /* candidates, texts owned here */
  size_t nlabels;
  cm_legend_entry *legend;  /* texts owned here */
  size_t nlegend;
  cm_bbox *taken;           /* marker boxes */
  size_t ntaken;
} cached_layer;

struct cm_compose_cache {
  const cm_map *map;
  cached_layer *layers;     /* one per map layer; paths NULL: not cached */
  size_t nlayers;
  cached_layer graticule;   /* its lines and edge labels */
  uint32_t **classes_of;    /* per layer: a dated layer's class of each
                               feature (index + 1, 0: none); NULL: none */
  cm_legend_entry *classes; /* texts owned here */
  size_t nclasses;
  size_t *class_slots;      /* hash of the classes' texts */
  size_t nclass_slots;
  int series;               /* the frames share one layout: */
  double series_key;        /* the key band's height, */
  double series_legend;     /* the legend band's width or height */
};

static void cached_free(cached_layer *cl) {
  cm_scene_free(cl->paths);
  for (size_t i = 0; i < cl->nlabels; i++)
    free(cl->labels[i].text);
  for (size_t i = 0; i < cl->nlegend; i++)
    free(cl->legend[i].text);
  free(cl->labels);
  free(cl->legend);
  free(cl->taken);
}

void cm_compose_cache_free(cm_compose_cache *cache) {
  if (!cache)
    return;
  for (size_t i = 0; i < cache->nlayers; i++)
    cached_free(&cache->layers[i]);
  cached_free(&cache->graticule);
  free(cache->layers);
  for (size_t i = 0; cache->classes_of && i < cache->nlayers; i++)
    free(cache->classes_of[i]);
  free(cache->classes_of);
  for (size_t i = 0; i < cache->nclasses; i++)
    free(cache->classes[i].text);
  free(cache->classes);
  free(cache->class_slots);
  free(cache);
}

/* Compose layer l alone (or, for l past the last layer, the graticule)
 * and keep what the composer collected. */
static int cache_layer(const cm_map *map, size_t l, cached_layer *cl,
                       cm_error *err) {
  cm_compose_options opt = {0};
  composer c;
  int rc = cm__composer_init(&c, map, &opt, err);
  if (rc == CM_OK && !(c.scene = cm_scene_new(c.page.width, c.page.height, c.dpi)))
    rc = CM_ENOMEM;
  if (rc == CM_OK)
    rc = l < cm_map_layer_count(map) ? cm__compose_layer(&c, l)
                                     : cm__graticule_lines(&c);
  /* Numbered features are numbered per frame: not cached. */
  if (rc == CM_OK && c.nkey == 0) {
    cl->paths = c.scene;
    c.scene = NULL;
    cl->labels = c.labels, cl->nlabels = c.nlabels;
    cl->legend = c.legend, cl->nlegend = c.nlegend;
    cl->taken = c.taken, cl->ntaken = c.ntaken;
    c.labels = NULL, c.nlabels = 0;
    c.legend = NULL, c.nlegend = 0;
    c.taken = NULL;
  }
  cm_scene_free(c.scene);
  cm__composer_free(&c);
  return rc;
}

/* Whether a rule for layer name (or for every layer) reads age_days,
 * which makes a feature's class change with the date. */
static int reads_age(const cm_style *style, const char *name) {
  for (size_t i = 0; i < cm_style_field_ref_count(style); i++) {
    const cm_field_ref *r = cm_style_field_ref_at(style, i);
    if (!strcmp(r->field, "age_days") && (!r->layer || !strcmp(r->layer, name)))
      return 1;
  }
  return 0;
}

/* The legend classes of every dated layer whose classes stay the same
 * from day to day, found once for the batch. */
static int cache_classes(cm_compose_cache *cache, cm_error *err) {
  const cm_map *map = cache->map;
  if (!(cache->classes_of = calloc(cache->nlayers ? cache->nlayers : 1,
                                   sizeof *cache->classes_of)))
    return CM_ENOMEM;
  cm_compose_options opt = {0};
  composer c;
  int rc = cm__composer_init(&c, map, &opt, err);
  for (size_t l = 0; l < cache->nlayers && rc == CM_OK; l++) {
    const cm_style_layer *sl = cm_map_layer_style(map, l);
    size_t n = cm_layer_count(cm_map_layer_data(map, l));
    if (!sl->time_start || reads_age(cm_map_style(map), sl->name))
      continue;
    uint32_t *of = calloc(n ? n : 1, sizeof *of);
    int fixed = 0;
    rc = of ? cm__legend_classes_of_layer(&c, l, of, &fixed) : CM_ENOMEM;
    if (rc == CM_OK && fixed)
      cache->classes_of[l] = of;
    else
      free(of);
  }
  if (rc == CM_OK) {
    cache->classes = c.legend, cache->nclasses = c.nlegend;
    cache->class_slots = c.legend_slots, cache->nclass_slots = c.nslots;
    c.legend = NULL, c.nlegend = 0;
    c.legend_slots = NULL;
  }
  cm__composer_free(&c);
  return rc;
}

int cm_compose_cache_new(cm_compose_cache **out, const cm_map *map,
                         cm_error *err) {
  *out = NULL;
  cm_compose_cache *cache = calloc(1, sizeof *cache);
  size_t n = cm_map_layer_count(map);
  if (cache)
    cache->layers = calloc(n ? n : 1, sizeof *cache->layers);
  if (!cache || !cache->layers) {
    free(cache);
    return cm_error_set(err, CM_ENOMEM, NULL, 0, 0, "out of memory");
  }
  cache->map = map;
  cache->nlayers = n;
  int rc = CM_OK;
  for (size_t l = 0; l < n && rc == CM_OK; l++)
    if (!cm_map_layer_style(map, l)->time_start)
      rc = cache_layer(map, l, &cache->layers[l], err);
  if (rc == CM_OK && cm_style_map(cm_map_style(map))->graticule > 0)
    rc = cache_layer(map, n, &cache->graticule, err);
  if (rc == CM_OK)
    rc = cache_classes(cache, err);
  if (rc != CM_OK) {
    cm_compose_cache_free(cache);
    return rc;
  }
  *out = cache;
  return CM_OK;
}

/* The legend classes of a cached layer, into the frame. */
static int copy_legend(composer *c, const cached_layer *cl) {
  int rc = CM_OK;
  for (size_t i = 0; i < cl->nlegend && rc == CM_OK; i++)
    rc = cm__compose_copy_legend(c, &cl->legend[i]);
  return rc;
}

/* Replay what was cached into the frame. */
static int replay(composer *c, const cached_layer *cl) {
  int rc = CM_OK;
  /* The cached scene holds paths only, so its item i lands at base + i. */
  long base = (long)cm_scene_count(c->scene);
  for (size_t i = 0; i < cm_scene_count(cl->paths) && rc == CM_OK; i++) {
    const cm_item *it = cm_scene_item(cl->paths, i);
    if (it->kind == CM_ITEM_PATH)
      rc = cm_scene_path(c->scene, &it->geom, &it->paint);
  }
  for (size_t i = 0; i < cl->ntaken && rc == CM_OK; i++)
    rc = cm__compose_take(c, cl->taken[i]);
  for (size_t i = 0; i < cl->nlabels && rc == CM_OK; i++) {
    cm_label l = cl->labels[i];
    if (l.marker >= 0)
      l.marker += base;
    rc = cm__compose_add_label(c, &l, l.text);
  }
  return rc == CM_OK ? copy_legend(c, cl) : rc;
}

/* The cache applies where the frame is the map's own page: panels scale
 * the map and its symbols. */
static int usable(const composer *c) {
  const cm_compose_cache *cache = c->opt->cache;
  return cache && cache->map == c->map && c->k == 1 && c->sym == 1 &&
         !c->opt->findings; /* a check names each marker it finds */
}

int cm__compose_cached_layer(composer *c, size_t l, int *rc) {
  if (!usable(c) || l >= c->opt->cache->nlayers || !c->opt->cache->layers[l].paths)
    return 0;
  *rc = replay(c, &c->opt->cache->layers[l]);
  return 1;
}

int cm__compose_cached_graticule(composer *c, int *rc) {
  if (!usable(c) || !c->opt->cache->graticule.paths)
    return 0;
  *rc = replay(c, &c->opt->cache->graticule);
  return 1;
}

int cm__compose_cached_legend(composer *c, size_t l, int *rc) {
  if (!usable(c) || l >= c->opt->cache->nlayers || !c->opt->cache->layers[l].paths)
    return 0;
  *rc = copy_legend(c, &c->opt->cache->layers[l]);
  return 1;
}

/* A class's paint holds symbol sizes, which panels scale; the scale of
 * the map alone does not change them. */
const uint32_t *cm__cache_classes_of(const composer *c, size_t l) {
  const cm_compose_cache *cache = c->opt->cache;
  if (!cache || cache->map != c->map || c->sym != 1 || l >= cache->nlayers ||
      !cache->classes_of)
    return NULL;
  return cache->classes_of[l];
}

/* The classes are found and listed whatever the frame's scale: a frame
 * that marked some while usable may list others after (panels). */
static const cm_compose_cache *classes_cache(const composer *c) {
  const cm_compose_cache *cache = c->opt->cache;
  return cache && cache->map == c->map && cache->nclasses ? cache : NULL;
}

const cm_legend_entry *cm__cache_classes(const composer *c, size_t *n) {
  const cm_compose_cache *cache = classes_cache(c);
  *n = cache ? cache->nclasses : 0;
  return cache ? cache->classes : NULL;
}

long cm__cache_class_find(const composer *c, const char *text) {
  const cm_compose_cache *cache = classes_cache(c);
  if (!cache || !cache->nclass_slots)
    return -1;
  size_t at = cache->class_slots[cm__legend_slot(cache->classes, cache->class_slots,
                                                  cache->nclass_slots, text)];
  return at ? (long)at - 1 : -1;
}

/* The key's band is as high as the day with most events needs; then each
 * day's legend is measured in the room that leaves it. One composer
 * serves every day: measuring leaves it as it was. */
int cm_compose_cache_set_series(cm_compose_cache *cache, const cm_compose_options *opt,
                                const cm_day *days, size_t n, cm_error *err) {
  cache->series = 0;
  cm_compose_options o = *opt;
  o.cache = cache; /* the legend classes, found once */
  o.panels = NULL, o.npanels = 0;
  o.findings = NULL;
  composer c;
  int rc = cm__composer_init(&c, cache->map, &o, err);
  double key = 0, legend = 0, k, l;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n && rc == CM_OK; i++) {
      o.date = c.day = days[i];
      rc = cm__bands_need(&c, pass ? key : 0, &k, &l);
      if (rc == CM_OK && pass == 0)
        key = fmax(key, k);
      else if (rc == CM_OK)
        legend = fmax(legend, l);
    }
  cm__composer_free(&c);
  if (rc != CM_OK)
    return rc;
  cache->series_key = key;
  cache->series_legend = legend;
  cache->series = 1;
  return CM_OK;
}

int cm__cache_series(const composer *c, double *key, double *legend) {
  const cm_compose_cache *cache = c->opt->cache;
  if (!cache || cache->map != c->map || !cache->series || c->panels)
    return 0;
  *key = cache->series_key;
  *legend = cache->series_legend;
  return 1;
}
