#ifndef CONTROLMAP_BATCH_H
#define CONTROLMAP_BATCH_H

/* Batches: many dates drawn from one loaded map. A plan lists the frames (a
 * date and the file it goes to) from a step (every year, month or N days),
 * a dates file or the dates on which the data changes; a run composes and
 * writes them on several threads. One frame's failure is recorded with its
 * message and the other frames go on.
 *
 * When the output names an animation (.gif or .webp, see anim.h), every
 * frame goes into that one file instead, added in date order as the
 * threads finish drawing them; then a failed frame stops the run and no
 * file is written. */

#include "controlmap/common.h"
#include "controlmap/anim.h"
#include "controlmap/compose.h"
#include "controlmap/map.h"
#include "controlmap/render.h"

CM_BEGIN_DECLS

/* Most frames one plan may hold, so a typo in a step is refused instead of
 * exhausting memory. */
#define CM_BATCH_MAX_FRAMES 1000000

typedef enum {
  CM_BATCH_EVERY = 1, /* from, from + step, ... up to to */
  CM_BATCH_DATES,     /* the dates listed in a file */
  CM_BATCH_CHANGES    /* every change date of the data, less those on which
                         nothing drawn changes (only features outside the
                         view, or that no rule styles, start or end) */
} cm_batch_mode;

typedef enum { CM_STEP_YEAR = 1, CM_STEP_MONTH, CM_STEP_DAYS } cm_step_unit;

/* How far apart frames of CM_BATCH_EVERY are: one year, one month or
 * `days` days. */
typedef struct cm_batch_step {
  cm_step_unit unit;
  int days;
} cm_batch_step;

/* What to draw. Strings are the caller's and need only live through
 * cm_batch_plan. */
typedef struct cm_batch_spec {
  cm_batch_mode mode;
  cm_batch_step every;     /* CM_BATCH_EVERY */
  const char *dates_file;  /* CM_BATCH_DATES: "DATE [NAME]" lines; a NAME
                              without a folder goes into output's folder */
  int has_from, has_to;    /* 1: from / to is given; a dates file or the
                              change dates are only kept between them */
  cm_day from;             /* first day, inclusive; by default the earliest
                              change date in the data */
  cm_day to;               /* last day, inclusive; by default the last
                              change date in the data */
  const char *output;      /* template: "out/{date}.png", "{date:%Y}.svg";
                              or one animation, "out/timeline.gif", which
                              takes no {date}, shard, skip_existing or names
                              in the dates file */
  int shard, shards;       /* draw only shard (1-based) of shards; 0 0: all */
  int skip_existing;       /* 1: leave frames whose output already exists */
  int same_scale;          /* 1: every frame laid out as the date whose
                              legend and event key need the most room
                              (cm_compose_cache_set_series), so the map
                              keeps one scale; 0: each for its own date */
  cm_compose_options compose; /* its date is ignored: each frame has its own */
  int changes_previous;    /* 1: show what changed since the frame before
                              (compose.changes_since is then ignored) */
  cm_render_options render;
  cm_anim_options anim;    /* frame durations of an animation */
} cm_batch_spec;

typedef enum {
  CM_FRAME_PENDING = 0,
  CM_FRAME_WRITTEN,  /* or, in an animation, added to it */
  CM_FRAME_SKIPPED, /* its output existed and skip_existing was asked */
  CM_FRAME_FAILED
} cm_frame_status;

/* One frame. Owned by its batch; valid until cm_batch_free. */
typedef struct cm_frame {
  size_t index;          /* position in the batch, 0-based */
  cm_day date;
  cm_day previous;       /* the date of the frame before it in the whole
                            plan (over every shard); CM_DAY_MIN for the
                            first */
  const char *output;    /* the file it goes to (ASCII, Western digits) */
  cm_frame_status status;
  const cm_error *error; /* why it failed; NULL unless CM_FRAME_FAILED (or
                            memory ran out recording it) */
} cm_frame;

typedef struct cm_batch cm_batch;

/* What a progress callback is told about a frame. */
typedef enum {
  CM_BATCH_STARTED = 1, /* about to be composed */
  CM_BATCH_COMPOSED,    /* composed, about to be drawn and written */
  CM_BATCH_FINISHED     /* written, skipped or failed: see frame->status */
} cm_batch_event;

/* Told of every event of every frame, one at a time under the batch's
 * lock, from whichever thread drew the frame; finished counts the frames
 * finished so far, this one included. It must not call cm_batch_run. */
typedef void (*cm_batch_progress_fn)(void *ud, const cm_frame *frame,
                                     cm_batch_event event, size_t finished);

/* Parse a step: "year", "month" or "Nd" (N days, 1..100000). Returns 0 or
 * CM_EUSAGE. */
CM_EXTERN int cm_batch_parse_step(cm_batch_step *out, const char *text, cm_error *err);

/* Parse a shard "I/N" (1 <= I <= N). Returns 0 or CM_EUSAGE. */
CM_EXTERN int cm_batch_parse_shard(int *shard, int *shards, const char *text,
                                   cm_error *err);

/* Expand an output template for a date into buf: {date} is YYYY-MM-DD,
 * {date:FMT} a cm_date_format format in English with Western digits, {{
 * and }} are braces. Returns the length needed, or CM_EUSAGE for anything
 * else in braces. */
CM_EXTERN int cm_batch_expand(char *buf, size_t size, const char *tmpl, cm_day date,
                              cm_error *err);

/* The dates spec asks for (its mode, every, dates_file, from and to; the
 * rest is ignored), in order, for other uses than drawing them (such as
 * areas.h). *dates is the caller's, freed with free(). Returns how many,
 * or a negative CM_E* code with err set. */
CM_EXTERN int cm_batch_dates(cm_day **dates, const cm_map *map, const cm_batch_spec *spec,
                             cm_error *err);

/* Plan the frames spec asks for from map. Fails with CM_EUSAGE for a bad
 * spec (no frames, a template that would write two frames to one file),
 * CM_EDATA for a bad dates file (err names FILE:line), CM_EIO when the
 * dates file cannot be read or an output folder does not exist. *out is
 * the caller's, freed with cm_batch_free. */
CM_EXTERN int cm_batch_plan(cm_batch **out, const cm_map *map, const cm_batch_spec *spec,
                            cm_error *err);

CM_EXTERN void cm_batch_free(cm_batch *batch);

/* 1 when the batch's frames go into one animation. */
CM_EXTERN int cm_batch_is_animation(const cm_batch *batch);

/* Why the animation was not written although no frame failed (it could not
 * be started or finished), after cm_batch_run; NULL otherwise. Owned by the
 * batch. */
CM_EXTERN const cm_error *cm_batch_error(const cm_batch *batch);

/* Frames in this batch (this shard only), and frame i of them. */
CM_EXTERN size_t cm_batch_count(const cm_batch *batch);
CM_EXTERN const cm_frame *cm_batch_frame(const cm_batch *batch, size_t i);

/* Frames of the whole plan before sharding, and change dates left out
 * because nothing visible changed on them (CM_BATCH_CHANGES). */
CM_EXTERN size_t cm_batch_planned(const cm_batch *batch);
CM_EXTERN size_t cm_batch_unchanged(const cm_batch *batch);

/* Remove the temporary files (".NAME.tmpPID-...") that runs killed before
 * they could clean up left beside this batch's outputs, when their
 * process is gone; returns how many. A batch resumed after a kill calls
 * this first. */
CM_EXTERN size_t cm_batch_sweep(const cm_batch *batch);

/* Compose and write every pending frame on jobs threads (1 or less: the
 * calling thread only), calling progress (may be NULL). The map is only
 * read. Returns the number of frames that failed; 0 when all were written
 * or skipped. An animation holds at most about jobs + 1 frames' pixels at
 * once; after a failed frame the frames not yet added stay pending, and
 * when the file itself fails the result is 1 with the reason in
 * cm_batch_error. */
CM_EXTERN int cm_batch_run(cm_batch *batch, const cm_map *map, int jobs,
                           cm_batch_progress_fn progress, void *ud);

CM_END_DECLS

/* Warnings of the frames drawn by cm_batch_run (such as a legend cut
 * short), each said once: a warning that differs from one already kept
 * only in its numbers ("... 30 of its 1200 classes", "... of its 1500")
 * counts as the same. Warning i is the text of the earliest frame that
 * gave it; *frames (may be NULL) is told how many frames gave it and
 * *first (may be NULL) the date of the earliest. Owned by the batch; NULL
 * past the count. */
CM_EXTERN size_t cm_batch_warning_count(const cm_batch *batch);
CM_EXTERN const char *cm_batch_warning(const cm_batch *batch, size_t i,
                                       size_t *frames, cm_day *first);

#endif
