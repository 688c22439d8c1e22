#ifndef CONTROLMAP_BATCH_INTERNAL_H
#define CONTROLMAP_BATCH_INTERNAL_H

/* The inside of a batch, shared by batch.c (running), batch_plan.c
 * (frames and their files) and cm__batch_dates.c (which dates). */

#include "controlmap/batch.h"

#include <pthread.h>

/* A date wanted in the plan, with the output name a dates file gave it
 * (NULL: from the template) and the file line it came from (0: none). */
typedef struct wanted {
  cm_day date;
  char *name;
  int line;
} wanted;

typedef struct wanted_list {
  wanted *items;
  size_t count, cap;
} wanted_list;

struct cm_batch {
  cm_frame *frames; /* output and error strings owned here */
  size_t count;
  size_t planned;   /* frames before sharding */
  size_t unchanged; /* change dates left out as identical */
  int skip_existing;
  cm_day *series;   /* same_scale: the dates of every frame planned (over
                       all shards, so that they agree); NULL: none */
  size_t nseries;
  cm_compose_options compose;
  int changes_previous;  /* see cm_batch_spec */
  cm_render_options render;
  int animation;         /* every frame goes into the file anim_path */
  char *anim_path;
  cm_anim_options anim;
  cm_error *anim_error;  /* why the animation was not written, or NULL */
  const struct cm_base_raster *base; /* while running: what every frame
                                        begins with, drawn once, or NULL */
  struct batch_warning *warnings;    /* see cm_batch_warning; owned here */
  size_t nwarnings, cap_warnings;
  pthread_mutex_t warn_lock;         /* guards warnings while running */
};

/* Keep the warnings of frame f's scene (any thread; takes warn_lock). */
void cm__batch_note_warnings(cm_batch *b, const cm_frame *f, const cm_scene *scene);

/* Keep one warning, as of frame f (any thread; takes warn_lock). */
void cm__batch_note_warning(cm_batch *b, const cm_frame *f, const char *text);

void cm__batch_warnings_free(cm_batch *b);

/* The compose options of frame f: its date, and with changes_previous
 * what changed since the frame before (nothing for the first). */
cm_compose_options cm__batch_frame_options(const cm_batch *b, const cm_frame *f);

/* The worker pool (pool.c), for files and animations alike. */
typedef struct batch_pool batch_pool;

/* What each worker does: begin once (its own state, or NULL; begin may
 * be NULL), frame for every frame it takes, which must end the frame
 * with cm__batch_pool_finish, then end with the state (end may be NULL). */
typedef struct batch_work {
  void *(*begin)(batch_pool *p);
  void (*frame)(batch_pool *p, cm_frame *f, void *local);
  void (*end)(void *local);
} batch_work;

struct batch_pool {
  cm_batch *batch;
  const cm_map *map;
  cm_batch_progress_fn progress;
  void *ud;
  const batch_work *work;
  void *owner;          /* the caller's own state (an animation's runner) */
  size_t window;        /* start no frame this many past `added`; 0: any */
  int stop_on_failure;  /* a failed frame stops every worker */
  /* guarded by lock: */
  pthread_mutex_t lock;
  pthread_cond_t moved; /* a frame was added, or the run stopped */
  size_t next;          /* the next frame to take */
  size_t added;         /* for a window: frames done in order so far */
  size_t finished;
  int stopped;
};

/* Run the pool's work on the calling thread and up to jobs - 1 more (no
 * more than frames - 1), and wait for all. */
void cm__batch_pool_run(batch_pool *p, int jobs, size_t frames);

/* Tell the progress function of an event (takes the lock). */
void cm__batch_pool_tell(batch_pool *p, cm_frame *f, cm_batch_event event);

/* Record how a frame ended (err is copied for a failure) and tell the
 * progress function: cm__batch_pool_finish takes the lock, the _locked form
 * is for a caller that holds it. */
void cm__batch_pool_finish(batch_pool *p, cm_frame *f, cm_frame_status status,
                           const cm_error *err);
void cm__batch_pool_finish_locked(batch_pool *p, cm_frame *f,
                                  cm_frame_status status, const cm_error *err);

/* How many frames failed. */
int cm__batch_failed(const cm_batch *b);

/* cm_batch_run for a batch whose frames go into one animation. */
int cm__batch_run_animation(cm_batch *b, const cm_map *map, int jobs,
                            cm_batch_progress_fn progress, void *ud);

void cm__wanted_free(wanted_list *list);

/* The dates spec asks for, between its from and to, in frame order;
 * *unchanged counts change dates left out. */
int cm__batch_dates(wanted_list *out, const cm_map *map, const cm_batch_spec *spec,
                    size_t *unchanged, cm_error *err);

#endif
