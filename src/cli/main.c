#include "cli.h"

#include "controlmap/render.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#ifndef CM_DATASET_VERSION
#define CM_DATASET_VERSION "unknown"
#endif

static const char usage[] =
    "usage: controlmap <command> [options]\n"
    "\n"
    "Draws dated territorial-control maps from shapefiles and a style.\n"
    "\n"
    "commands:\n"
    "  render   draw the map at a date to PNG, SVG or PDF\n"
    "  info     describe a shapefile: type, extent, CRS, fields, dates\n"
    "  check    validate a style and the data it names\n"
    "  dates    list the dates on which anything in the data changes\n"
    "  batch    draw the map at many dates: every year, listed, or each change\n"
    "  export   write the features shown at a date as GeoJSON, GeoPackage or CSV\n"
    "  areas    km2 each holder held at dates, and its share of reference areas\n"
    "\n"
    "Run `controlmap <command> --help` for a command's options.\n"
    "Exit codes: 0 success, 1 data or render failure, 2 usage or style error.\n";

/* Interrupted (Ctrl-C, kill, a closed terminal): remove the temporary
 * files of outputs being written, then die of the same signal, so the
 * shell sees 128 + its number and no ".NAME.tmp..." file stays. */
static void on_signal(int sig) {
  cm_render_remove_temporary();
  signal(sig, SIG_DFL);
  raise(sig);
}

static void catch_signals(void) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
    struct sigaction old;
    /* a signal ignored by whoever started us (nohup) stays ignored */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
      sigaction(sigs[i], &sa, NULL);
  }
}

int main(int argc, char **argv) {
  catch_signals();
  if (argc < 2) {
    fputs(usage, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    fputs(usage, stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    printf("controlmap %s\n"
           "dataset %s: control of the ground in the Nagorno-Karabakh "
           "conflict since 1923 (shapes/SOURCES.md)\n"
           "cite both: CITATION.cff\n",
           CM_VERSION, CM_DATASET_VERSION);
    return EXIT_OK;
  }
  static const struct {
    const char *name;
    int (*run)(int, char **);
  } commands[] = {{"render", cmd_render},
                  {"info", cmd_info},
                  {"check", cmd_check},
                  {"dates", cmd_dates},
                  {"batch", cmd_batch},
                  {"export", cmd_export},
                  {"areas", cmd_areas}};
  opterr = 0; /* option mistakes are said by cli_bad_option */
  cm_suggest near;
  cm_suggest_init(&near, cmd);
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
    if (!strcmp(cmd, commands[i].name))
      return commands[i].run(argc - 1, argv + 1);
    cm_suggest_try(&near, commands[i].name);
  }
  if (near.best)
    return cli_usage("unknown command '%s' (did you mean '%s'?)", cmd, near.best);
  fprintf(stderr, "controlmap: unknown command '%s'\n\n%s", cmd, usage);
  return EXIT_USAGE;
}
