#ifndef CONTROLMAP_COMPOSE_H
#define CONTROLMAP_COMPOSE_H

/* Composition: a loaded map at one date becomes a scene — fills, hatches,
 * strokes, markers, labels placed without overlap, and the furniture. */

#include "controlmap/common.h"
#include "controlmap/map.h"
#include "controlmap/scene.h"

CM_BEGIN_DECLS

/* The parts of a map that do not depend on the date — the layers without
 * `time`, their labels' candidates and legend classes — composed once, for
 * a batch to reuse in every frame. Read-only once made, so frames on
 * several threads share it. */
typedef struct cm_compose_cache cm_compose_cache;

/* Compose the untimed layers of map once. *out is the caller's, freed with
 * cm_compose_cache_free, and must not outlive map. */
CM_EXTERN int cm_compose_cache_new(cm_compose_cache **out, const cm_map *map,
                                   cm_error *err);

CM_EXTERN void cm_compose_cache_free(cm_compose_cache *cache);

typedef struct cm_compose_options {
  cm_day date;         /* the day shown (and {date} in the title) */
  int legend_all;      /* 1: every legend class, not only those shown */
  /* Small multiples: several days side by side on one page, each panel a
   * smaller copy of the map (same projection, same symbol sizes), one
   * shared legend holding every class of any panel, a date caption per
   * panel and one scale bar. NULL: one map at date. */
  const cm_day *panels;
  size_t npanels;
  int cols, rows;      /* the grid; 0 and 0: about square */
  /* What changed: with `changes` set, the ground whose holder differs
   * between changes_since and the day shown is drawn as an outlined,
   * hatched overlay with its own legend entry. The holders are read from
   * the Map block's changes-layer and changes-field ("control" and
   * "holder" by default). */
  int changes;
  cm_day changes_since;
  /* Reuse these date-free parts instead of composing them again (single
   * maps only; small multiples compose everything). NULL: none. */
  const cm_compose_cache *cache;
  /* The cartographic check: when not NULL, what a reader would miss is
   * appended here, one CM_EDATA entry per finding: furniture over places,
   * labels or lines; labels left out with their marker; legend entries that
   * look alike (naming both rules' file:line); text under 5 pt at print
   * size; furniture cut by the frame or the page. The caller frees it with
   * cm_errors_free. */
  cm_errors *findings;
  int findings_grey;   /* 1: legend entries must differ in grey too */
} cm_compose_options;

/* Make the frames of a series, the n days, share one layout: the bands
 * beside the map (legend, event key) are sized for the most demanding
 * day, so that the map keeps its scale and place from frame to frame
 * (alone, a day whose legend or key needs more room draws its map
 * smaller). opt is how each frame will be composed; its date and cache
 * are not read. A batch does this for its frames. 0, or CM_ENOMEM. */
CM_EXTERN int cm_compose_cache_set_series(cm_compose_cache *cache,
                                          const cm_compose_options *opt,
                                          const cm_day *days, size_t n, cm_error *err);

/* Compose map at opt->date. *out is the caller's, freed with
 * cm_scene_free. Fails only for lack of memory or fonts (CM_ERENDER). */
CM_EXTERN int cm_compose(cm_scene **out, const cm_map *map, const cm_compose_options *opt,
                         cm_error *err);

/* Whether the font family is installed: 1 when fontconfig has it, else 0,
 * with the family text will be drawn in instead written to used (UTF-8,
 * truncated to size; "" when there is none at all). */
CM_EXTERN int cm_font_installed(const char *family, char *used, size_t size);

CM_END_DECLS

#endif
