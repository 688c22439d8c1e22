#ifndef CONTROLMAP_CLI_CHECK_CARTO_H
#define CONTROLMAP_CLI_CHECK_CARTO_H

#include "cli.h"

/* The change dates a check keeps: those from `from` to `to`, inclusive,
 * when given. */
typedef struct check_range {
  int has_from, has_to;
  cm_day from, to;
} check_range;

/* Compose style at *date (or, date NULL, at every change date in range)
 * and print each cartographic finding; grey: legend entries must differ
 * in grey too; same_scale: every date laid out as a batch --same-scale
 * over them lays it out. Returns the exit code: EXIT_FAIL when anything
 * was found. */
int check_carto(const char *style, const cm_day *date, const check_range *range, int grey,
                int same_scale);

#endif
