#ifndef CONTROLMAP_CLI_H
#define CONTROLMAP_CLI_H

/* The command-line tool: each command turns argv into library calls and
 * prints what comes back. Nothing here a library user would also need. */

#include "controlmap/date.h"
#include "controlmap/error.h"
#include "controlmap/map.h"
#include "controlmap/style.h"

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Print what the map opened will lack, to stderr ("controlmap: warning:
 * ..."): a scale bar the style asks for that could not be true. */
void cli_map_warnings(const cm_map *map);

/* Jobs lowered so that that many PNG frames of the map, going to output,
 * fit in half of the memory available (saying so unless quiet). */
int cli_fit_jobs(const cm_map *map, const char *output, int jobs, int quiet);

/* --changes-since reads the layer changes-layer names: CM_EUSAGE (err set) when the
 * style has none, found before any data is loaded. */
int cli_needs_control(const cm_style *style, cm_error *err);

int cmd_render(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_dates(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_areas(int argc, char **argv);

/* Print "controlmap: file:line:col: message (hint)" to stderr and return
 * the exit code that fits the error. */
int cli_fail(const cm_error *err);

/* Print "controlmap: <message>" to stderr and return EXIT_USAGE. */
int cli_usage(const char *fmt, ...) CM_PRINTF(1, 2);

struct option;

/* For getopt_long's answer ch of '?' or ':' (the option string starts with
 * ':'): print "controlmap: unknown option '--x' (did you mean '--y'?)" or
 * "controlmap: --x needs a value", pointing to `controlmap COMMAND
 * --help`, and return EXIT_USAGE. */
int cli_bad_option(int ch, char **argv, const struct option *longs,
                   const char *command);

/* Options that change the style as it is read, shared by render and
 * batch: --page WxH[unit], --title TEXT, --lang CODE, --set NAME=VALUE. */
enum { CLI_OPT_PAGE = 1001, CLI_OPT_TITLE, CLI_OPT_LANG, CLI_OPT_SET };
#define CLI_STYLE_LONGS                                                     \
  {"page", required_argument, 0, CLI_OPT_PAGE},                             \
      {"title", required_argument, 0, CLI_OPT_TITLE},                       \
      {"lang", required_argument, 0, CLI_OPT_LANG},                         \
      {"set", required_argument, 0, CLI_OPT_SET}

/* Their lines of --help. */
#define CLI_STYLE_HELP                                                      \
  "      --page WxH[UNIT]   page size, e.g. 120x90mm (mm, in, pt, px; mm\n" \
  "                         when none); the style's sizes in points stay\n" \
  "      --title TEXT       the title ({date} works); \"\" for none\n" \
  "      --lang CODE        en, ar, hy, az or ru: place names, dates, digits,\n" \
  "                         layout and the style's texts for that language\n" \
  "      --set NAME=VALUE   give the style's variable @NAME another value of\n" \
  "                         its kind, e.g. --set aze=#9fc4e4 (repeatable)\n"

enum { CLI_MAX_SETS = 64 };

typedef struct cli_overrides {
  const char *set[CLI_MAX_SETS];
  const char *map[3];
  size_t nset, nmap;
  /* "page=...", "lang=...", "title=\"...\"" or "" when not given */
  char page[96], lang[32], title[2048];
} cli_overrides;

/* Take option ch with its argument into o. Returns 1 when ch is not one
 * of these options, else 0 or an exit code for a usage mistake. */
int cli_override_option(int ch, const char *arg, cli_overrides *o);

/* o as options for cm_style_load_with (pointing into o). */
cm_style_options cli_overrides_options(cli_overrides *o);

/* The style to use: given (else $CONTROLMAP_STYLE, else "default") when
 * it is a file or a path; else a name looked up as NAME.mss in ./styles,
 * $XDG_DATA_HOME/controlmap/styles (~/.local/share by default), beside the
 * tool, and in the installed styles. NULL, after saying where it looked
 * and the nearest name, when it is in none. */
const char *cli_style_path(const char *given);

/* Open the map of the style given (as cli_style_path finds it) into *out,
 * the caller's, freed with cm_map_free. EXIT_OK, or the exit code after
 * the mistake was printed. */
int cli_open_map(cm_map **out, const char *given);

/* For commands whose only option is -s STYLE: print help for -h and
 * return -1, else set *style (the default style when not given) and
 * return 0, or an exit code for a usage mistake. */
int cli_style_only(int argc, char **argv, const char *command,
                   const char *help, const char **style);

/* Seconds on a monotonic clock, and the peak memory so far in MB, for
 * --timings. */
double cli_now(void);
double cli_peak_mb(void);

/* Parse a --date argument (YYYY, YYYY-MM, YYYY-MM-DD) to its first day. */
int cli_parse_date(const char *arg, cm_day *out);

/* The last day arg covers (--to 2024 means through 2024-12-31); like
 * cli_parse_date otherwise. */
int cli_parse_last_day(const char *arg, cm_day *last);

#endif
