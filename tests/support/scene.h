#ifndef CONTROLMAP_TEST_SCENE_H
#define CONTROLMAP_TEST_SCENE_H

/* Scenes for the tests: a map opened from style text, composed on a date,
 * and its display list searched by group and text. */

#include "controlmap/compose.h"
#include "controlmap/map.h"
#include "controlmap/scene.h"

/* A style for the fixture map (poly, lines, points) with one class of each
 * kind of paint: a plain fill; a translucent fill (alpha 0.8 in the colour,
 * opacity 0.6) with a dashed outline; a cross-hatch with a translucent
 * outline; dashed lines with round joins, one class solid; star markers. */
extern const char scene_paint_style[];

/* Write text as "<dir>/<name>" and open it as a map; NULL (the error
 * printed) when it fails. Caller frees with cm_map_free. */
cm_map *scene_map(const char *dir, const char *name, const char *text);

/* The map composed on date (YYYY-MM-DD); with since not NULL, showing what
 * changed since that day. NULL (the error printed) when it fails. */
cm_scene *scene_at(const cm_map *map, const char *date, const char *since);

/* Index of the GROUP_BEGIN with this id, or -1. */
long scene_group(const cm_scene *s, const char *id);

/* Index of the GROUP_END closing the group that begins at begin. */
size_t scene_group_end(const cm_scene *s, size_t begin);

/* Index of the text item with exactly this text inside group id, or -1. */
long scene_text(const cm_scene *s, const char *id, const char *text);

/* The swatch of the legend's text item t: the path of the legend (other
 * than its background, the first) whose middle is nearest t's anchor, rows
 * counting before columns; NULL when there is none. */
const cm_item *scene_swatch(const cm_scene *s, const cm_item *t);

#endif
