/* How many frames of a batch may be drawn at once: no more than fit, as
 * pixels, in half of the memory the system has available. */

#include "cli.h"
#include "controlmap/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The share of available memory a batch's frames may take. */
#define FRAME_MEMORY_SHARE 0.5

/* MemAvailable from /proc/meminfo in bytes; 0 when unknown. */
static double available_bytes(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  char line[256];
  double kb = 0;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1)
      break;
  if (f)
    fclose(f);
  return kb * 1024;
}

int cli_fit_jobs(const cm_map *map, const char *output, int jobs, int quiet) {
  cm_format fmt;
  if (jobs <= 1 || cm_format_from_path(&fmt, output, NULL) != CM_OK ||
      fmt != CM_FORMAT_PNG)
    return jobs; /* vector frames are small; animations hold their own */
  double k = cm_style_map(cm_map_style(map))->dpi / 72.0;
  double w = ceil(cm_map_page_width(map) * k), h = ceil(cm_map_page_height(map) * k);
  double frame = w * h * 4, avail = available_bytes();
  if (!(frame > 0) || !(avail > 0))
    return jobs;
  double fit = floor(avail * FRAME_MEMORY_SHARE / frame);
  int allowed = fit < 1 ? 1 : fit < jobs ? (int)fit : jobs;
  if (allowed < jobs && !quiet)
    fprintf(stderr, "controlmap: -j %d lowered to %d: each %.0f x %.0f frame "
                    "takes %.0f MB, and %d fit%s in half of the %.0f MB of "
                    "memory available\n", jobs, allowed, w, h, frame / 1048576,
            allowed, allowed == 1 ? "s" : "", avail / 1048576);
  return allowed;
}
