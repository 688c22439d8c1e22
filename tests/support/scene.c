#include "support/scene.h"

#include "support/files.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char scene_paint_style[] =
    "Map {\n"
    "  srs: \"+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84\";\n"
    "  extent: 44.8 38.4 48.2 41.2; page: 120mm 90mm; dpi: 150; legend: bottom-left;\n"
    "}\n"
    "Layer#poly { file: \"poly.shp\"; time: start end; }\n"
    "Layer#lines { file: \"lines.shp\"; time: start end; }\n"
    "Layer#points { file: \"points.shp\"; }\n"
    "#poly[holder = \"ARM\"] { polygon-fill: #e6a49c; legend: \"Armenian\"; }\n"
    "#poly[holder = \"AZE\"] { polygon-fill: #9fc4e4cc; polygon-opacity: 0.6;\n"
    "  line-color: #2050a0; line-width: 0.8pt; line-dasharray: 4, 2; legend: \"Azerbaijani\"; }\n"
    "#poly[holder = \"RUS\"] { polygon-pattern: cross-hatch(30, #753, 0.3pt, 1.5mm);\n"
    "  line-color: #333; line-opacity: 0.5; legend: \"Zone\"; }\n"
    "#lines { line-color: #600; line-width: 1.2pt; line-dasharray: 6, 2, 1, 2;\n"
    "  line-join: round; line-cap: round; legend: \"Line {kind}\"; }\n"
    "#lines[kind = \"border\"] { line-dasharray: none; line-width: 0.5pt; line-color: #444; }\n"
    "#points[rank <= 2] { marker-type: star; marker-width: 2.5mm; marker-fill: #222; legend: \"Town\"; }\n";

static void print_error(const cm_error *err) {
  char buf[2000];
  fprintf(stderr, "%s\n", cm_error_format(err, buf, sizeof buf));
}

cm_map *scene_map(const char *dir, const char *name, const char *text) {
  const char *path = path_in(dir, name);
  if (file_write(path, text, strlen(text)) != 0)
    return NULL;
  cm_map *m = NULL;
  cm_error err;
  if (cm_map_open(&m, path, &err) != CM_OK) {
    print_error(&err);
    return NULL;
  }
  return m;
}

cm_scene *scene_at(const cm_map *map, const char *date, const char *since) {
  cm_compose_options opt = {0};
  cm_error err;
  if (cm_date_parse(date, &opt.date, NULL, NULL) != CM_OK ||
      (since && cm_date_parse(since, &opt.changes_since, NULL, NULL) != CM_OK)) {
    fprintf(stderr, "bad date %s or %s\n", date, since ? since : "-");
    return NULL;
  }
  opt.changes = since != NULL;
  cm_scene *s = NULL;
  if (cm_compose(&s, map, &opt, &err) != CM_OK) {
    print_error(&err);
    return NULL;
  }
  return s;
}

long scene_group(const cm_scene *s, const char *id) {
  for (size_t i = 0; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_BEGIN && it->id && !strcmp(it->id, id))
      return (long)i;
  }
  return -1;
}

size_t scene_group_end(const cm_scene *s, size_t begin) {
  int depth = 0;
  size_t i = begin;
  for (; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    depth += it->kind == CM_ITEM_GROUP_BEGIN;
    depth -= it->kind == CM_ITEM_GROUP_END;
    if (depth == 0)
      break;
  }
  return i;
}

long scene_text(const cm_scene *s, const char *id, const char *text) {
  long g = scene_group(s, id);
  if (g < 0)
    return -1;
  size_t end = scene_group_end(s, (size_t)g);
  for (size_t i = (size_t)g; i < end; i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_TEXT && !strcmp(it->text, text))
      return (long)i;
  }
  return -1;
}

const cm_item *scene_swatch(const cm_scene *s, const cm_item *t) {
  long g = scene_group(s, "legend");
  if (g < 0)
    return NULL;
  size_t end = scene_group_end(s, (size_t)g);
  const cm_item *best = NULL;
  double best_d = INFINITY;
  int first = 1;
  for (size_t i = (size_t)g; i < end; i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind != CM_ITEM_PATH)
      continue;
    if (first) { /* the legend's background */
      first = 0;
      continue;
    }
    cm_bbox b = cm_geom_bbox(&it->geom);
    double d = 10 * fabs((b.miny + b.maxy) / 2 - t->y) +
               fabs((b.minx + b.maxx) / 2 - t->x);
    if (d < best_d)
      best_d = d, best = it;
  }
  return best;
}
