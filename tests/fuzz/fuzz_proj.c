/* Fuzzing CRS texts as a .prj or a style's srs brings them: the input is
 * the source CRS of cm_proj_create, towards the Lambert projection of the
 * shipped styles. An unknown CRS must be an error that says so; a known
 * one must transform points and a polygon without trouble, and
 * cm_proj_check must agree with cm_proj_create.
 *
 * Built with libFuzzer by tools/fuzz.sh; tests/test_badinput.c includes
 * this file with FUZZ_NO_ENTRY defined to replay tests/crashes/proj/. */

#include "controlmap/proj.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(...)                                                         \
  (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), abort())
#endif

#define PROJ_MAP_SRS                                                           \
  "+proj=lcc +lat_1=39 +lat_2=41 +lat_0=40 +lon_0=46.5 +datum=WGS84"

/* Points and a polygon in whatever units the CRS has: a transform may fail
 * for some, but must not go wrong. */
static void proj_use(const cm_proj *p) {
  cm_point pts[] = {{46.5, 40}, {0, 0}, {180, 90}, {-180, -90}, {1e7, -1e7},
                    {NAN, 1}, {INFINITY, 0}, {HUGE_VAL, HUGE_VAL}};
  size_t n = sizeof pts / sizeof pts[0];
  size_t ok = cm_proj_forward(p, pts, n);
  if (ok > n)
    FUZZ_FAIL("%zu of %zu points transformed", ok, n);
  cm_proj_inverse(p, pts, n);
  cm_geom g, out;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  const double ring[][2] = {{45, 39}, {48, 39}, {48, 41}, {45, 41}};
  for (size_t k = 0; k < 4; k++)
    if (cm_geom_add_point(&g, ring[k][0], ring[k][1]) != 0)
      FUZZ_FAIL("out of memory");
  if (cm_proj_geom(p, &g, 0.5, &out) == 0) {
    for (size_t k = 0; k < out.npoints; k++)
      if (!isfinite(out.points[k].x) || !isfinite(out.points[k].y))
        FUZZ_FAIL("a kept point is not finite");
    cm_geom_free(&out);
  }
  cm_geom_free(&g);
}

/* Create, use, check; returns what cm_proj_create did. */
int fuzz_proj(const uint8_t *data, size_t size) {
  char *crs = malloc(size + 1);
  if (!crs)
    return CM_ENOMEM;
  memcpy(crs, data, size);
  crs[size] = '\0';
  cm_proj *p = NULL;
  cm_error err;
  cm_error_clear(&err);
  int rc = cm_proj_create(&p, crs, PROJ_MAP_SRS, &err);
  if (rc == CM_OK) {
    proj_use(p);
    cm_proj_free(p);
    if (cm_proj_check(crs, &err) != CM_OK)
      FUZZ_FAIL("'%s' transforms, but the check refuses it: %s", crs,
                err.message);
  } else if (p || (rc != CM_EPROJ && rc != CM_ENOMEM) || err.code != rc ||
             !err.message[0]) {
    FUZZ_FAIL("code %d, error %d '%s'", rc, err.code, err.message);
  }
  free(crs);
  return rc;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_proj(data, size);
  return 0;
}
#endif
