/* Fuzzing the whole compose path: the input is a style's text; the data
 * are the small fixture layers poly, lines and points (written once into a
 * temporary folder, where the style's Layer paths are resolved). A style
 * that parses must open as a map or be refused with a message, and a map
 * must compose into a scene whose every point and text position is finite
 * and whose texts are UTF-8, or fail with a message.
 *
 * Built with libFuzzer by tools/fuzz.sh (with tests/support/fixtures.c). */

#include "controlmap/compose.h"
#include "data_internal.h"
#include "support/fixtures.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(...)                                                         \
  (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), abort())
#endif

static char compose_dir[512];

static void compose_check_scene(const cm_scene *scene) {
  for (size_t i = 0; i < cm_scene_count(scene); i++) {
    const cm_item *it = cm_scene_item(scene, i);
    if (it->kind == CM_ITEM_PATH) {
      for (size_t k = 0; k < it->geom.npoints; k++)
        if (!isfinite(it->geom.points[k].x) || !isfinite(it->geom.points[k].y))
          FUZZ_FAIL("item %zu: point %zu is not finite", i, k);
    } else if (it->kind == CM_ITEM_TEXT) {
      if (!isfinite(it->x) || !isfinite(it->y))
        FUZZ_FAIL("item %zu: text '%s' has no finite place", i, it->text);
      if (!cm__utf8_valid(it->text, strlen(it->text)))
        FUZZ_FAIL("item %zu: text is not UTF-8", i);
    }
  }
}

static void compose_check_error(int rc, const cm_error *err, const char *what) {
  if (rc >= 0 || !err->message[0])
    FUZZ_FAIL("%s failed (%d) without a message", what, rc);
}

int fuzz_compose(const uint8_t *data, size_t size) {
  if (!compose_dir[0] && (fixture_dir_map(compose_dir, sizeof compose_dir) != 0))
    FUZZ_FAIL("cannot write the fixtures");
  char name[600];
  snprintf(name, sizeof name, "%s/style.mss", compose_dir);
  cm_style *s = NULL;
  cm_error err;
  int rc = cm_style_parse(&s, (const char *)data, size, name, &err, NULL);
  if (rc != CM_OK)
    return rc;
  /* A page that would take long to lay out is not what this harness is
   * for; the pixel cap is tested elsewhere. */
  cm_map *m = NULL;
  rc = cm_map_open_style(&m, s, &err);
  if (rc != CM_OK) {
    compose_check_error(rc, &err, "opening the map");
    return rc;
  }
  cm_compose_options opt = {0};
  opt.date = 18576; /* 2020-11-10 */
  opt.changes = size > 0 && data[0] == '/';
  opt.changes_since = 18000;
  cm_scene *scene = NULL;
  rc = cm_compose(&scene, m, &opt, &err);
  if (rc == CM_OK)
    compose_check_scene(scene);
  else
    compose_check_error(rc, &err, "composing");
  cm_scene_free(scene);
  cm_map_free(m);
  return rc;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_compose(data, size);
  return 0;
}
#endif
