/* Running a batch: workers take the next pending frame, compose it from the
 * shared read-only map and write it. The only shared state is the frame
 * counter and the frames' results, both under the runner's lock.
 *
 * What does not change from frame to frame is done once: the undated
 * layers are composed once (the compose cache), and the items every frame
 * begins with (paper, background, undated layers below the first dated
 * one) are drawn once into a base raster that each frame starts from. Each
 * worker keeps its last PNG's compressed bands of rows, so rows that did
 * not change since its previous frame are not compressed again. */

#include "render_internal.h"
#include "batch_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

size_t cm_batch_count(const cm_batch *b) { return b->count; }
size_t cm_batch_planned(const cm_batch *b) { return b->planned; }
size_t cm_batch_unchanged(const cm_batch *b) { return b->unchanged; }
int cm_batch_is_animation(const cm_batch *b) { return b->animation; }
const cm_error *cm_batch_error(const cm_batch *b) { return b->anim_error; }

const cm_frame *cm_batch_frame(const cm_batch *b, size_t i) {
  return i < b->count ? &b->frames[i] : NULL;
}

void cm_batch_free(cm_batch *b) {
  if (!b)
    return;
  for (size_t i = 0; i < b->count; i++) {
    free((char *)b->frames[i].output);
    free((cm_error *)b->frames[i].error);
  }
  free(b->frames);
  free(b->series);
  free(b->anim_path);
  free(b->anim_error);
  cm__batch_warnings_free(b);
  free(b);
}

/* Outputs are renamed into place whole, so one that exists is complete. */
static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

cm_compose_options cm__batch_frame_options(const cm_batch *b, const cm_frame *f) {
  cm_compose_options opt = b->compose;
  opt.date = f->date;
  if (b->changes_previous) {
    opt.changes = f->previous != CM_DAY_MIN;
    opt.changes_since = f->previous;
  }
  return opt;
}

/* One frame to its file. The worker's state is its last PNG's bands. */
static void draw_frame(batch_pool *p, cm_frame *f, void *bands) {
  const cm_batch *b = p->batch;
  if (b->skip_existing && exists(f->output)) {
    cm__batch_pool_finish(p, f, CM_FRAME_SKIPPED, NULL);
    return;
  }
  cm__batch_pool_tell(p, f, CM_BATCH_STARTED);
  cm_error err;
  cm_error_clear(&err);
  cm_compose_options opt = cm__batch_frame_options(b, f);
  cm_scene *scene = NULL;
  int rc = cm_compose(&scene, p->map, &opt, &err);
  if (rc == CM_OK) {
    cm__batch_note_warnings(p->batch, f, scene);
    cm__batch_pool_tell(p, f, CM_BATCH_COMPOSED);
    cm_frame_reuse reuse = {b->base, bands};
    rc = cm__render_file_reusing(scene, f->output, &b->render, &reuse, &err);
  }
  cm_scene_free(scene);
  cm__batch_pool_finish(p, f, rc == CM_OK ? CM_FRAME_WRITTEN : CM_FRAME_FAILED, &err);
}

/* Without memory for the bands, frames are compressed whole. */
static void *bands_new(batch_pool *p) { return cm__png_bands_new(); }
static void bands_free(void *bands) { cm__png_bands_free(bands); }

static const batch_work to_files = {bands_new, draw_frame, bands_free};

static size_t pending(const cm_batch *b) {
  size_t n = 0;
  for (size_t i = 0; i < b->count; i++)
    n += b->frames[i].status == CM_FRAME_PENDING;
  return n;
}

int cm__batch_failed(const cm_batch *b) {
  int n = 0;
  for (size_t i = 0; i < b->count; i++)
    n += b->frames[i].status == CM_FRAME_FAILED;
  return n;
}

/* The scene of frame f, or NULL. */
static cm_scene *frame_scene(const cm_batch *b, const cm_map *map,
                             const cm_frame *f) {
  cm_compose_options opt = cm__batch_frame_options(b, f);
  cm_scene *scene = NULL;
  cm_error err;
  return cm_compose(&scene, map, &opt, &err) == CM_OK ? scene : NULL;
}

/* The base raster: the items the first and the last frame begin with
 * (for a dated series, those below the first dated layer), when frames
 * are rasters. Each frame is checked against it item by item before it
 * is used, so a frame that differs is simply drawn whole. NULL when there
 * is nothing to share or no memory for it. */
static cm_base_raster *base_raster(const cm_batch *b, const cm_map *map) {
  cm_format format;
  if (b->count < 2 || (!b->animation &&
                       (cm_format_from_path(&format, b->frames[0].output, NULL) != CM_OK ||
                        format != CM_FORMAT_PNG)))
    return NULL;
  cm_scene *first = frame_scene(b, map, &b->frames[0]);
  cm_scene *last = first ? frame_scene(b, map, &b->frames[b->count - 1]) : NULL;
  cm_base_raster *base = NULL;
  cm_error err;
  if (last)
    cm__base_raster_new(&base, first, last, &err); /* takes first */
  else
    cm_scene_free(first);
  cm_scene_free(last);
  return base;
}

int cm_batch_run(cm_batch *b, const cm_map *map, int jobs,
                 cm_batch_progress_fn progress, void *ud) {
  /* The untimed layers are composed once for every frame. Without memory
   * for that, each frame composes them itself: slower, same pictures. */
  cm_compose_cache *cache = NULL;
  cm_error err;
  if (cm_compose_cache_new(&cache, map, &err) == CM_OK)
    b->compose.cache = cache;
  cm__batch_warnings_free(b); /* those of this run only */
  pthread_mutex_init(&b->warn_lock, NULL);
  /* With same_scale, one layout for every frame: the map keeps its scale
   * through the series. */
  if (b->series && b->count &&
      (!cache || cm_compose_cache_set_series(cache, &b->compose, b->series, b->nseries,
                                             &err) != CM_OK)) {
    char text[1200];
    snprintf(text, sizeof text, "the frames could not be given one scale (%s): each is "
             "laid out for its own date", cache ? err.message : "out of memory");
    cm__batch_note_warning(b, &b->frames[0], text);
  }
  cm_base_raster *base = base_raster(b, map);
  b->base = base;
  int rc;
  if (b->animation) {
    rc = cm__batch_run_animation(b, map, jobs, progress, ud);
  } else {
    batch_pool pool = {.batch = b, .map = map, .progress = progress,
                       .ud = ud, .work = &to_files};
    cm__batch_pool_run(&pool, jobs, pending(b));
    rc = cm__batch_failed(b);
  }
  b->compose.cache = NULL;
  cm_compose_cache_free(cache);
  b->base = NULL;
  cm__base_raster_free(base);
  pthread_mutex_destroy(&b->warn_lock);
  return rc;
}
