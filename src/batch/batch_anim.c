/* Running a batch into one animation. Workers draw frames in any order,
 * but an animation is encoded in date order, each frame against the one
 * before: a drawn frame waits in a small ring until its turn, and
 * whichever worker finds the next frame ready adds it (one at a time). A
 * worker does not start a frame more than `window` ahead of the next one
 * to add, so however long the series only that many frames' pixels are
 * held at once. */

#include "render_internal.h"
#include "batch_internal.h"

#include <stdlib.h>

/* A frame drawn and waiting for its turn: pixels, or for an HTML timeline
 * the composed scene. */
typedef struct drawn {
  uint32_t *pixels; /* NULL: not drawn yet */
  int width, height;
  cm_scene *scene;  /* HTML: the frame's scene; NULL: not composed yet */
} drawn;

typedef struct anim_runner {
  batch_pool pool;      /* its lock guards what follows */
  cm_anim *anim;
  drawn *ring;          /* frame i waits in ring[i % pool.window] */
  int adding;           /* a worker is adding frames */
} anim_runner;

/* Add every frame whose turn has come; the lock is held, and let go while
 * a frame is encoded so the others can go on drawing. */
static void add_ready(anim_runner *r) {
  batch_pool *p = &r->pool;
  r->adding = 1;
  drawn *slot;
  while (!p->stopped && p->added < p->batch->count &&
         ((slot = &r->ring[p->added % p->window])->pixels || slot->scene)) {
    drawn d = *slot;
    slot->pixels = NULL;
    slot->scene = NULL;
    cm_frame *f = &p->batch->frames[p->added];
    pthread_mutex_unlock(&p->lock);
    cm_error err;
    cm_error_clear(&err);
    int rc = d.scene ? cm_anim_add_scene(r->anim, d.scene, &err)
                     : cm_anim_add(r->anim, d.pixels, d.width, d.height, &err);
    cm_render_pixels_free(d.pixels);
    cm_scene_free(d.scene);
    pthread_mutex_lock(&p->lock);
    cm__batch_pool_finish_locked(p, f, rc == CM_OK ? CM_FRAME_WRITTEN : CM_FRAME_FAILED,
                                 &err);
    p->added++;
    pthread_cond_broadcast(&p->moved);
  }
  r->adding = 0;
}

static int draw(anim_runner *r, cm_frame *f, drawn *d, cm_error *err) {
  batch_pool *p = &r->pool;
  cm__batch_pool_tell(p, f, CM_BATCH_STARTED);
  cm_compose_options opt = cm__batch_frame_options(p->batch, f);
  cm_scene *scene = NULL;
  int rc = cm_compose(&scene, p->map, &opt, err);
  if (rc == CM_OK) {
    cm__batch_note_warnings(p->batch, f, scene);
    cm__batch_pool_tell(p, f, CM_BATCH_COMPOSED);
  }
  if (rc == CM_OK && cm_anim_takes_scenes(r->anim)) {
    d->scene = scene; /* written in turn, by whoever adds it */
    return CM_OK;
  }
  if (rc == CM_OK)
    rc = cm__render_pixels_base(scene, p->batch->base, &d->pixels, &d->width,
                                &d->height, err);
  cm_scene_free(scene);
  return rc;
}

/* One frame: drawn, it waits in the ring for its turn. */
static void draw_frame(batch_pool *p, cm_frame *f, void *local) {
  anim_runner *r = p->owner;
  cm_error err;
  cm_error_clear(&err);
  drawn d = {NULL, 0, 0, NULL};
  int rc = draw(r, f, &d, &err);
  pthread_mutex_lock(&p->lock);
  if (rc != CM_OK)
    cm__batch_pool_finish_locked(p, f, CM_FRAME_FAILED, &err);
  else
    r->ring[f->index % p->window] = d;
  if (rc == CM_OK && !r->adding)
    add_ready(r);
  pthread_mutex_unlock(&p->lock);
}

static const batch_work to_animation = {NULL, draw_frame, NULL};

/* Keep why the file was not written; 1 failure. */
static int keep_error(cm_batch *b, const cm_error *err) {
  if ((b->anim_error = malloc(sizeof *b->anim_error)))
    *b->anim_error = *err;
  return 1;
}

int cm__batch_run_animation(cm_batch *b, const cm_map *map, int jobs,
                            cm_batch_progress_fn progress, void *ud) {
  cm_error err;
  cm_error_clear(&err);
  free(b->anim_error);
  b->anim_error = NULL;
  anim_runner r = {.pool = {.batch = b, .map = map, .progress = progress,
                            .ud = ud, .work = &to_animation,
                            .stop_on_failure = 1}};
  r.pool.owner = &r;
  r.pool.window = (size_t)(jobs > 1 ? jobs : 1) + 1;
  if (!(r.ring = calloc(r.pool.window, sizeof *r.ring))) {
    cm_error_set(&err, CM_ENOMEM, b->anim_path, 0, 0, "out of memory");
    return keep_error(b, &err);
  }
  if (cm_anim_open(&r.anim, b->anim_path, &b->anim, &err) != CM_OK) {
    free(r.ring);
    return keep_error(b, &err);
  }
  cm__batch_pool_run(&r.pool, jobs, b->count);
  for (size_t i = 0; i < r.pool.window; i++) { /* drawn after a failure */
    cm_render_pixels_free(r.ring[i].pixels);
    cm_scene_free(r.ring[i].scene);
  }
  free(r.ring);
  int failed = cm__batch_failed(b);
  if (failed) {
    cm_anim_free(r.anim);
    return failed;
  }
  return cm_anim_finish(r.anim, &err) == CM_OK ? 0 : keep_error(b, &err);
}
