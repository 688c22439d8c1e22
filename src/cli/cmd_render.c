#include "cli.h"
#include "controlmap/compose.h"
#include "controlmap/map.h"
#include "controlmap/render.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static const char help[] =
    "usage: controlmap render [-s STYLE] -d DATE [-o FILE] [options]\n"
    "\n"
    "Draw the map as it stood on DATE. The format follows FILE's extension:\n"
    ".png (raster at the style's dpi), .pdf (vector), .svg (layers, text).\n"
    "\n"
    "  -s, --style STYLE      a style file, or a name: NAME.mss in ./styles,\n"
    "                         ~/.local/share/controlmap/styles or the installed\n"
    "                         styles (default: default)\n"
    "  -d, --date DATE[,DATE...]  YYYY, YYYY-MM or YYYY-MM-DD (coarse dates\n"
    "                         mean their first day); several dates give small\n"
    "                         multiples: one panel per date on one page\n"
    "      --grid CxR         panels in C columns and R rows (default: about\n"
    "                         square)\n"
    "  -o, --output FILE      where to write (default: out/DATE.png)\n"
    "      --changes-since D  outline and hatch the ground that changed hands\n"
    "                         between D and the map's date\n"
    "      --legend all       list every class in the legend, not only those\n"
    "                         on the map at DATE\n"
    "      --svg-engine NAME  own (default: layers, editable text) or cairo\n"
    "                         (looks exactly like the PNG; text as outlines)\n"
    "      --svg-text HOW     text (default: editable <text>) or paths (glyph\n"
    "                         outlines, for slides shown without the fonts)\n"
    "      --dpi N            override the style's dpi (10 to 4800)\n"
    CLI_STYLE_HELP
    "      --png-level N      deflate level 1-9 for PNG (default 1)\n"
    "      --timings          print time spent loading, composing and drawing,\n"
    "                         and the peak memory\n"
    "      --no-clobber       fail rather than replace an existing OUT (by\n"
    "                         default it is replaced by a new file)\n"
    "  -q, --quiet            say nothing on success\n"
    "  -h, --help             this help\n";

typedef struct render_args {
  const char *style, *date, *output;
  cm_day panels[64];
  cm_compose_options compose;
  cm_render_options render;
  cli_overrides style_opts;
  double dpi;
  int quiet, timings;
} render_args;

/* One date, or a comma-separated list of panel dates. */
static int parse_dates(render_args *a) {
  if (!strchr(a->date, ','))
    return a->compose.cols ? cli_usage("--grid needs several dates: -d D1,D2,...")
                           : cli_parse_date(a->date, &a->compose.date);
  /* Walked in place: a list of any length is read whole, never cut. */
  size_t n = 0;
  for (const char *s = a->date;; s++) {
    size_t len = strcspn(s, ",");
    char tok[32];
    if (len == 0)
      return cli_usage("-d '%.80s%s': a date is missing between commas "
                       "(write -d D1,D2,...)", a->date,
                       strlen(a->date) > 80 ? "..." : "");
    if (n == sizeof a->panels / sizeof *a->panels)
      return cli_usage("at most 64 panels (-d lists more dates)");
    if (len >= sizeof tok)
      return cli_usage("'%.40s...' is not a date: write YYYY, YYYY-MM or "
                       "YYYY-MM-DD (e.g. 2020-11-10)", s);
    memcpy(tok, s, len);
    tok[len] = '\0';
    int rc = cli_parse_date(tok, &a->panels[n++]);
    if (rc)
      return rc;
    s += len;
    if (!*s)
      break;
  }
  a->compose.panels = a->panels;
  a->compose.npanels = n;
  a->compose.date = a->panels[n - 1];
  if (a->compose.cols && (size_t)a->compose.cols * (size_t)a->compose.rows < n)
    return cli_usage("a %dx%d grid cannot hold %zu panels", a->compose.cols,
                     a->compose.rows, n);
  return EXIT_OK;
}

static int parse(int argc, char **argv, render_args *a) {
  static const struct option longs[] = {
      {"style", required_argument, 0, 's'}, {"date", required_argument, 0, 'd'},
      {"grid", required_argument, 0, 'G'},
      {"changes-since", required_argument, 0, 'C'},
      {"output", required_argument, 0, 'o'}, {"legend", required_argument, 0, 'L'},
      {"svg-engine", required_argument, 0, 'E'},
      {"svg-text", required_argument, 0, 'T'},
      {"png-level", required_argument, 0, 'Z'}, {"dpi", required_argument, 0, 'D'}, {"quiet", no_argument, 0, 'q'},
      {"timings", no_argument, 0, 'M'}, {"no-clobber", no_argument, 0, 'N'},
      CLI_STYLE_LONGS,
      {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  int ch;
  optind = 1;
  while ((ch = getopt_long(argc, argv, ":s:d:o:qh", longs, NULL)) != -1) {
    int rc = cli_override_option(ch, optarg, &a->style_opts);
    if (rc != 1) {
      if (rc)
        return rc;
      continue;
    }
    switch (ch) {
    case 's': a->style = optarg; break;
    case 'd': a->date = optarg; break;
    case 'C':
      if (cli_parse_date(optarg, &a->compose.changes_since))
        return EXIT_USAGE;
      a->compose.changes = 1;
      break;
    case 'G':
      if (sscanf(optarg, "%dx%d", &a->compose.cols, &a->compose.rows) != 2 ||
          a->compose.cols < 1 || a->compose.rows < 1 || a->compose.cols > 8 ||
          a->compose.rows > 8)
        return cli_usage("--grid takes CxR with 1 to 8 columns and rows, e.g. 2x2, not '%s'",
                         optarg);
      break;
    case 'o': a->output = optarg; break;
    case 'q': a->quiet = 1; break;
    case 'M': a->timings = 1; break;
    case 'N': a->render.no_clobber = 1; break;
    case 'h': fputs(help, stdout); return -1;
    case 'L':
      if (strcmp(optarg, "all") && strcmp(optarg, "present"))
        return cli_usage("--legend takes 'all' or 'present', not '%s'", optarg);
      a->compose.legend_all = !strcmp(optarg, "all");
      break;
    case 'T':
      if (strcmp(optarg, "text") && strcmp(optarg, "paths"))
        return cli_usage("--svg-text takes 'text' or 'paths', not '%s'", optarg);
      a->render.svg_text_paths = !strcmp(optarg, "paths");
      break;
    case 'E':
      if (strcmp(optarg, "own") && strcmp(optarg, "cairo"))
        return cli_usage("--svg-engine takes 'own' or 'cairo', not '%s'", optarg);
      a->render.svg_cairo = !strcmp(optarg, "cairo");
      break;
    case 'D':
      a->dpi = atof(optarg);
      if (!(a->dpi >= 10 && a->dpi <= 4800))
        return cli_usage("--dpi takes 10 to 4800, not '%s'", optarg);
      break;
    case 'Z':
      a->render.png_level = atoi(optarg);
      if (a->render.png_level < 1 || a->render.png_level > 9)
        return cli_usage("--png-level takes 1 to 9, not '%s'", optarg);
      break;
    default: return cli_bad_option(ch, argv, longs, "render");
    }
  }
  if (optind < argc)
    return cli_usage("unexpected argument '%s' (see `controlmap render --help`)",
                     argv[optind]);
  if (!a->date)
    return cli_usage("render needs a date: -d YYYY-MM-DD");
  return parse_dates(a);
}

/* --timings: t holds the clock at start, after loading, after composing
 * and at the end. */
static void print_timings(const double t[4]) {
  fprintf(stderr, "controlmap: load+project %8.3f s\n", t[1] - t[0]);
  fprintf(stderr, "controlmap: compose      %8.3f s\n", t[2] - t[1]);
  fprintf(stderr, "controlmap: draw+encode  %8.3f s\n", t[3] - t[2]);
  fprintf(stderr, "controlmap: total        %8.3f s\n", t[3] - t[0]);
  fprintf(stderr, "controlmap: peak memory  %8.1f MB\n", cli_peak_mb());
}

int cmd_render(int argc, char **argv) {
  double t[4] = {cli_now(), 0, 0, 0};
  render_args a = {0};
  int rc = parse(argc, argv, &a);
  if (rc)
    return rc < 0 ? EXIT_OK : rc;
  const char *style = cli_style_path(a.style);
  if (!style)
    return EXIT_USAGE; /* said by cli_style_path */
  char defout[64];
  if (!a.output) {
    char iso[16];
    cm_date_iso(a.compose.date, iso);
    snprintf(defout, sizeof defout, "out/%s.png", iso);
    mkdir("out", 0777); /* the default folder; an existing one is fine */
    a.output = defout;
  }
  cm_error err;
  cm_error_clear(&err);
  cm_format fmt;
  if (cm_format_from_path(&fmt, a.output, &err) != CM_OK)
    return cli_fail(&err);
  cm_style *parsed;
  cm_style_options opt = cli_overrides_options(&a.style_opts);
  if (cm_style_load_with(&parsed, style, &opt, &err, NULL) != CM_OK)
    return cli_fail(&err);
  if (a.dpi > 0)
    cm_style_set_dpi(parsed, a.dpi);
  if (a.compose.changes && cli_needs_control(parsed, &err) != CM_OK) {
    cm_style_free(parsed);
    return cli_fail(&err);
  }
  cm_map *map;
  if (cm_map_open_style(&map, parsed, &err) != CM_OK)
    return cli_fail(&err);
  if (!a.quiet)
    cli_map_warnings(map);
  t[1] = cli_now();
  cm_scene *scene = NULL;
  rc = cm_compose(&scene, map, &a.compose, &err);
  t[2] = cli_now();
  for (size_t i = 0; rc == CM_OK && !a.quiet && i < cm_scene_warning_count(scene); i++)
    fprintf(stderr, "controlmap: warning: %s\n", cm_scene_warning(scene, i));
  if (rc == CM_OK)
    rc = cm_render_file(scene, a.output, &a.render, &err);
  t[3] = cli_now();
  cm_scene_free(scene);
  cm_map_free(map);
  if (rc != CM_OK)
    return cli_fail(&err);
  if (!a.quiet)
    fprintf(stderr, "controlmap: wrote %s\n", a.output);
  if (a.timings)
    print_timings(t);
  return EXIT_OK;
}
