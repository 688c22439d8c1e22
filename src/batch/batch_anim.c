/* Running a batch into one animation. Workers draw frames in any order,
 * but an animation is encoded in date order, each frame against the one
 * before: a drawn frame waits in a small ring until its turn, and
 * whichever worker finds the next frame ready adds it (one at a time). A
 * worker does not start a frame more than `window` ahead of the next one
 * to add, so however long the series only that many frames' pixels are
 * held at once. */

#include "render_internal.h"
#include "batch_internal.h"

#include <pthread.h>
#include <stdlib.h>

/* A frame drawn and waiting for its turn: pixels, or for an HTML timeline
 * the composed scene. */
typedef struct drawn {
  uint32_t *pixels; /* NULL: not drawn yet */
  int width, height;
  cm_scene *scene;  /* HTML: the frame's scene; NULL: not composed yet */
} drawn;

typedef struct anim_runner {
  cm_batch *batch;
  const cm_map *map;
  cm_anim *anim;
  cm_batch_progress_fn progress;
  void *ud;
  pthread_mutex_t lock;
  pthread_cond_t moved; /* a frame was added, or the run stopped */
  size_t next;          /* the next frame to draw */
  size_t added;         /* frames added so far: the next one to add */
  size_t finished;
  size_t window;
  drawn *ring;          /* frame i waits in ring[i % window] */
  int adding;           /* a worker is adding frames */
  int stopped;          /* a frame failed: draw and add no more */
} anim_runner;

static cm_frame *take(anim_runner *r) {
  cm_frame *f = NULL;
  pthread_mutex_lock(&r->lock);
  while (!r->stopped && r->next < r->batch->count &&
         r->next >= r->added + r->window)
    pthread_cond_wait(&r->moved, &r->lock);
  if (!r->stopped && r->next < r->batch->count)
    f = &r->batch->frames[r->next++];
  pthread_mutex_unlock(&r->lock);
  return f;
}

static void tell(anim_runner *r, cm_frame *f, cm_batch_event event) {
  if (!r->progress)
    return;
  pthread_mutex_lock(&r->lock);
  r->progress(r->ud, f, event, r->finished);
  pthread_mutex_unlock(&r->lock);
}

/* Record how the frame ended; the lock is held. A failure stops the run,
 * since an animation with a frame missing would be wrong. */
static void finish(anim_runner *r, cm_frame *f, int rc, const cm_error *err) {
  cm_error *kept = NULL;
  if (rc != CM_OK && (kept = malloc(sizeof *kept)))
    *kept = *err;
  f->status = rc == CM_OK ? CM_FRAME_WRITTEN : CM_FRAME_FAILED;
  f->error = kept;
  r->finished++;
  if (r->progress)
    r->progress(r->ud, f, CM_BATCH_FINISHED, r->finished);
  if (rc != CM_OK) {
    r->stopped = 1;
    pthread_cond_broadcast(&r->moved);
  }
}

/* Add every frame whose turn has come; the lock is held, and let go while
 * a frame is encoded so the others can go on drawing. */
static void add_ready(anim_runner *r) {
  r->adding = 1;
  drawn *slot;
  while (!r->stopped && r->added < r->batch->count &&
         ((slot = &r->ring[r->added % r->window])->pixels || slot->scene)) {
    drawn d = *slot;
    slot->pixels = NULL;
    slot->scene = NULL;
    cm_frame *f = &r->batch->frames[r->added];
    pthread_mutex_unlock(&r->lock);
    cm_error err;
    cm_error_clear(&err);
    int rc = d.scene ? cm_anim_add_scene(r->anim, d.scene, &err)
                     : cm_anim_add(r->anim, d.pixels, d.width, d.height, &err);
    cm_render_pixels_free(d.pixels);
    cm_scene_free(d.scene);
    pthread_mutex_lock(&r->lock);
    finish(r, f, rc, &err);
    r->added++;
    pthread_cond_broadcast(&r->moved);
  }
  r->adding = 0;
}

static int draw(anim_runner *r, cm_frame *f, drawn *d, cm_error *err) {
  tell(r, f, CM_BATCH_STARTED);
  cm_compose_options opt = batch_frame_options(r->batch, f);
  cm_scene *scene = NULL;
  int rc = cm_compose(&scene, r->map, &opt, err);
  if (rc == CM_OK)
    tell(r, f, CM_BATCH_COMPOSED);
  if (rc == CM_OK && cm_anim_takes_scenes(r->anim)) {
    d->scene = scene; /* written in turn, by whoever adds it */
    return CM_OK;
  }
  if (rc == CM_OK)
    rc = cm_render_pixels_base(scene, r->batch->base, &d->pixels, &d->width,
                               &d->height, err);
  cm_scene_free(scene);
  return rc;
}

static void *work(void *arg) {
  anim_runner *r = arg;
  cm_frame *f;
  while ((f = take(r))) {
    cm_error err;
    cm_error_clear(&err);
    drawn d = {NULL, 0, 0, NULL};
    int rc = draw(r, f, &d, &err);
    pthread_mutex_lock(&r->lock);
    if (rc != CM_OK)
      finish(r, f, rc, &err);
    else
      r->ring[f->index % r->window] = d;
    if (rc == CM_OK && !r->adding)
      add_ready(r);
    pthread_mutex_unlock(&r->lock);
  }
  return NULL;
}

static int failed_frames(const cm_batch *b) {
  int n = 0;
  for (size_t i = 0; i < b->count; i++)
    n += b->frames[i].status == CM_FRAME_FAILED;
  return n;
}

/* Keep why the file was not written; 1 failure. */
static int keep_error(cm_batch *b, const cm_error *err) {
  if ((b->anim_error = malloc(sizeof *b->anim_error)))
    *b->anim_error = *err;
  return 1;
}

int batch_run_animation(cm_batch *b, const cm_map *map, int jobs,
                        cm_batch_progress_fn progress, void *ud) {
  cm_error err;
  cm_error_clear(&err);
  free(b->anim_error);
  b->anim_error = NULL;
  anim_runner r = {.batch = b, .map = map, .progress = progress, .ud = ud};
  r.window = (size_t)(jobs > 1 ? jobs : 1) + 1;
  if (!(r.ring = calloc(r.window, sizeof *r.ring))) {
    cm_error_set(&err, CM_ENOMEM, b->anim_path, 0, 0, "out of memory");
    return keep_error(b, &err);
  }
  if (cm_anim_open(&r.anim, b->anim_path, &b->anim, &err) != CM_OK) {
    free(r.ring);
    return keep_error(b, &err);
  }
  pthread_mutex_init(&r.lock, NULL);
  pthread_cond_init(&r.moved, NULL);
  batch_workers(work, &r, jobs, b->count);
  pthread_cond_destroy(&r.moved);
  pthread_mutex_destroy(&r.lock);
  for (size_t i = 0; i < r.window; i++) { /* drawn after a failure */
    cm_render_pixels_free(r.ring[i].pixels);
    cm_scene_free(r.ring[i].scene);
  }
  free(r.ring);
  int failed = failed_frames(b);
  if (failed) {
    cm_anim_free(r.anim);
    return failed;
  }
  return cm_anim_finish(r.anim, &err) == CM_OK ? 0 : keep_error(b, &err);
}
