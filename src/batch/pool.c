/* The one worker pool of a batch, for frames written to files and for
 * frames going into an animation alike. Workers take the next pending
 * frame in date order and do the batch_work's frame function with it;
 * how a frame ended, the progress calls and the count of finished frames
 * are kept here under one lock. An animation also limits how far ahead
 * of the frames already added a worker may start (the window), and stops
 * every worker at the first failure. */

#include "batch_internal.h"

#include <stdlib.h>

/* The next pending frame, or NULL when none is left or the run stopped;
 * waits while the frame is beyond the window. */
static cm_frame *take(batch_pool *p) {
  cm_frame *f = NULL;
  size_t count = p->batch->count;
  pthread_mutex_lock(&p->lock);
  while (!p->stopped && p->window && p->next < count &&
         p->next >= p->added + p->window)
    pthread_cond_wait(&p->moved, &p->lock);
  while (!f && !p->stopped && p->next < count) {
    cm_frame *candidate = &p->batch->frames[p->next++];
    if (candidate->status == CM_FRAME_PENDING)
      f = candidate;
  }
  pthread_mutex_unlock(&p->lock);
  return f;
}

void cm__batch_pool_tell(batch_pool *p, cm_frame *f, cm_batch_event event) {
  if (!p->progress)
    return;
  pthread_mutex_lock(&p->lock);
  p->progress(p->ud, f, event, p->finished);
  pthread_mutex_unlock(&p->lock);
}

void cm__batch_pool_finish_locked(batch_pool *p, cm_frame *f,
                                  cm_frame_status status, const cm_error *err) {
  cm_error *kept = NULL;
  if (status == CM_FRAME_FAILED && (kept = malloc(sizeof *kept)))
    *kept = *err;
  f->status = status;
  f->error = kept;
  p->finished++;
  if (p->progress)
    p->progress(p->ud, f, CM_BATCH_FINISHED, p->finished);
  if (status == CM_FRAME_FAILED && p->stop_on_failure) {
    p->stopped = 1;
    pthread_cond_broadcast(&p->moved);
  }
}

void cm__batch_pool_finish(batch_pool *p, cm_frame *f, cm_frame_status status,
                           const cm_error *err) {
  pthread_mutex_lock(&p->lock);
  cm__batch_pool_finish_locked(p, f, status, err);
  pthread_mutex_unlock(&p->lock);
}

static void *worker(void *arg) {
  batch_pool *p = arg;
  void *local = p->work->begin ? p->work->begin(p) : NULL;
  cm_frame *f;
  while ((f = take(p)))
    p->work->frame(p, f, local);
  if (p->work->end)
    p->work->end(local);
  return NULL;
}

/* Workers beyond the first are threads; the calling thread is the first,
 * so jobs = 1 starts no thread, and a thread that cannot be started only
 * leaves more frames to the others. */
void cm__batch_pool_run(batch_pool *p, int jobs, size_t frames) {
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->moved, NULL);
  size_t extra = jobs > 1 ? (size_t)jobs - 1 : 0;
  if (frames && extra > frames - 1)
    extra = frames - 1;
  pthread_t *threads = extra ? malloc(extra * sizeof *threads) : NULL;
  size_t started = 0;
  while (threads && started < extra &&
         pthread_create(&threads[started], NULL, worker, p) == 0)
    started++;
  worker(p);
  for (size_t i = 0; i < started; i++)
    pthread_join(threads[i], NULL);
  free(threads);
  pthread_cond_destroy(&p->moved);
  pthread_mutex_destroy(&p->lock);
}
