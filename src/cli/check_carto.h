#ifndef CONTROLMAP_CLI_CHECK_CARTO_H
#define CONTROLMAP_CLI_CHECK_CARTO_H

#include "cli.h"

/* Compose style at *date (or, date NULL, at every change date) and print
 * each cartographic finding; grey: legend entries must differ in grey
 * too. Returns the exit code: EXIT_FAIL when anything was found. */
int check_carto(const char *style, const cm_day *date, int grey);

#endif
