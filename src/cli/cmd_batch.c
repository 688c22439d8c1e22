#include "cli.h"
#include "controlmap/batch.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char help[] =
    "usage: controlmap batch [-s STYLE] (--every STEP | --dates FILE | --changes)\n"
    "                        [--from DATE] [--to DATE] [-o TEMPLATE] [options]\n"
    "\n"
    "Draw the map at many dates, loading and projecting the data once.\n"
    "\n"
    "  -s, --style STYLE      a style file, or a name: NAME.mss in ./styles,\n"
    "                         ~/.local/share/controlmap/styles or the installed\n"
    "                         styles (default: default)\n"
    "      --every STEP       year, month or Nd (every N days) from --from to --to\n"
    "      --dates FILE       the dates in FILE, one a line, each optionally\n"
    "                         followed by its output name (# starts a comment;\n"
    "                         a name without a folder goes beside TEMPLATE)\n"
    "      --changes          every date on which what the map shows changes\n"
    "      --from DATE        first date (default: the first change in the data)\n"
    "      --to DATE          last date, inclusive: 2024 means up to 2024-12-31\n"
    "                         (default: the last change in the data)\n"
    "  -o, --output TEMPLATE  where frames go (default: out/{date}.png); {date}\n"
    "                         is YYYY-MM-DD, {date:%Y} the year, also %m %d %B %b;\n"
    "                         a name ending in .gif or .webp (no {date}) makes\n"
    "                         one looping animation of all frames in date order;\n"
    "                         .html one self-contained page of every frame as\n"
    "                         SVG, with a slider over the dates and play/pause\n"
    "      --delay MS         how long each frame of an animation shows\n"
    "                         (default 800; GIF rounds to 10 ms)\n"
    "      --hold-last MS     how long the last frame shows before the loop\n"
    "                         starts again (default 2500)\n"
    "      --dpi N            override the style's dpi (10 to 4800)\n"
    CLI_STYLE_HELP
    "  -j, --jobs N           frames drawn at once (default: number of CPUs;\n"
    "                         fewer when PNG frames would not fit in half of\n"
    "                         the memory available)\n"
    "      --shard I/N        draw only the I-th of N interleaved slices, to split\n"
    "                         a batch across processes or machines (not for\n"
    "                         an animation)\n"
    "      --skip-existing    leave frames whose file already exists (not for\n"
    "                         an animation)\n"
    "      --no-clobber       a frame whose file exists fails instead of\n"
    "                         replacing it (not for an animation)\n"
    "      --same-scale       one layout for every frame, sized for the date\n"
    "                         whose legend and event key need the most room, so\n"
    "                         the map keeps its scale (by default each frame is\n"
    "                         laid out for its own date; check --same-scale\n"
    "                         judges this layout)\n"
    "      --timings          print time spent loading, composing and drawing,\n"
    "                         and the peak memory\n"
    "      --changes-since D  outline and hatch the ground that changed hands\n"
    "                         since D, or since the frame before with\n"
    "                         'previous'\n"
    "      --legend all       list every class in the legend\n"
    "      --svg-engine NAME  own (default) or cairo, for .svg outputs\n"
    "      --png-level N      deflate level 1-9 for PNG (default 1)\n"
    "  -q, --quiet            say nothing unless a frame fails\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 when every frame was written or skipped (or the animation\n"
    "was written), 1 when any failed, 2 for a usage or style error.\n";

typedef struct batch_args {
  const char *style;
  cm_batch_spec spec;
  int modes, jobs, quiet, timings;
  int timed;  /* --delay or --hold-last given */
  double dpi; /* 0: the style's */
  cli_overrides style_opts; /* --page, --title, --lang, --set */
} batch_args;

/* A library result as an exit code, printing the error if any. */
static int lib_result(int rc, cm_error *err) {
  return rc == CM_OK ? EXIT_OK : cli_fail(err);
}

/* --delay and --hold-last: whole milliseconds in the range anim.h takes. */
static int parse_ms(const char *name, const char *arg, int *ms) {
  char *end;
  long n = strtol(arg, &end, 10);
  if (end == arg || *end || n < CM_ANIM_DELAY_MIN || n > CM_ANIM_DELAY_MAX)
    return cli_usage("%s takes milliseconds from %d to %d, not '%s'", name,
                     CM_ANIM_DELAY_MIN, CM_ANIM_DELAY_MAX, arg);
  *ms = (int)n;
  return EXIT_OK;
}

static int parse_dpi(const char *arg, double *dpi) {
  char *end;
  *dpi = strtod(arg, &end);
  if (end == arg || *end || !(*dpi >= 10 && *dpi <= 4800))
    return cli_usage("--dpi takes 10 to 4800, not '%s'", arg);
  return EXIT_OK;
}

static int parse_jobs(const char *arg, int *jobs) {
  char *end;
  long n = strtol(arg, &end, 10);
  if (end == arg || *end || n < 1 || n > 1024)
    return cli_usage("--jobs takes a number from 1 to 1024, not '%s'", arg);
  *jobs = (int)n;
  return EXIT_OK;
}

/* One option that is not a mode; 0 when handled, an exit code otherwise. */
static int parse_option(int ch, batch_args *a) {
  cm_batch_spec *s = &a->spec;
  cm_error err;
  switch (ch) {
  case 's': a->style = optarg; return EXIT_OK;
  case 'o': s->output = optarg; return EXIT_OK;
  case 'q': a->quiet = 1; return EXIT_OK;
  case 'M': a->timings = 1; return EXIT_OK;
  case 'K': s->skip_existing = 1; return EXIT_OK;
  case 'A': s->same_scale = 1; return EXIT_OK;
  case 'N': s->render.no_clobber = 1; return EXIT_OK;
  case 'j': return parse_jobs(optarg, &a->jobs);
  case 'Y': a->timed = 1; return parse_ms("--delay", optarg, &s->anim.delay_ms);
  case 'H': a->timed = 1; return parse_ms("--hold-last", optarg, &s->anim.hold_last_ms);
  case 'I': return parse_dpi(optarg, &a->dpi);
  case 'F': s->has_from = 1; return cli_parse_date(optarg, &s->from);
  case 'T': s->has_to = 1; return cli_parse_last_day(optarg, &s->to);
  case 'S': return lib_result(cm_batch_parse_shard(&s->shard, &s->shards, optarg, &err), &err);
  case 'W':
    s->compose.changes = 1;
    if (!strcmp(optarg, "previous")) {
      s->changes_previous = 1;
      return EXIT_OK;
    }
    return cli_parse_date(optarg, &s->compose.changes_since);
  case 'L':
    if (strcmp(optarg, "all") && strcmp(optarg, "present"))
      return cli_usage("--legend takes 'all' or 'present', not '%s'", optarg);
    s->compose.legend_all = !strcmp(optarg, "all");
    return EXIT_OK;
  case 'G':
    if (strcmp(optarg, "own") && strcmp(optarg, "cairo"))
      return cli_usage("--svg-engine takes 'own' or 'cairo', not '%s'", optarg);
    s->render.svg_cairo = !strcmp(optarg, "cairo");
    return EXIT_OK;
  case 'Z':
    s->render.png_level = atoi(optarg);
    if (s->render.png_level < 1 || s->render.png_level > 9)
      return cli_usage("--png-level takes 1 to 9, not '%s'", optarg);
    return EXIT_OK;
  default: {
    int rc = cli_override_option(ch, optarg, &a->style_opts);
    return rc == 1 ? cli_usage("see `controlmap batch --help`") : rc;
  }
  }
}

/* --every, --dates and --changes: which dates to draw, one of them. */
static int parse_mode(int ch, batch_args *a) {
  cm_batch_spec *s = &a->spec;
  cm_error err;
  a->modes++;
  if (ch == 'C') {
    s->mode = CM_BATCH_CHANGES;
    return EXIT_OK;
  }
  if (ch == 'D') {
    s->mode = CM_BATCH_DATES;
    s->dates_file = optarg;
    return EXIT_OK;
  }
  s->mode = CM_BATCH_EVERY;
  return lib_result(cm_batch_parse_step(&s->every, optarg, &err), &err);
}

/* Options that only fit one kind of output, refused before anything loads. */
static int check_animation(const batch_args *a) {
  const cm_batch_spec *s = &a->spec;
  int anim = s->output && cm_anim_is_path(s->output);
  cm_anim_format format;
  cm_error err;
  if (anim && cm_anim_format_from_path(&format, s->output, &err) != CM_OK)
    return cli_fail(&err);
  if (anim && s->shards)
    return cli_usage("--shard makes no sense for an animation: every frame "
                     "goes into '%s'", s->output);
  if (anim && s->skip_existing)
    return cli_usage("--skip-existing makes no sense for an animation: every "
                     "frame goes into '%s'", s->output);
  if (anim && s->render.no_clobber)
    return cli_usage("--no-clobber is for frames, not an animation: remove "
                     "'%s' first to keep nothing from being replaced", s->output);
  if (!anim && a->timed)
    return cli_usage("--delay and --hold-last are for an animation: end -o "
                     "in .gif, .webp or .html");
  return EXIT_OK;
}

static int parse(int argc, char **argv, batch_args *a) {
  static const struct option longs[] = {
      {"style", required_argument, 0, 's'}, {"every", required_argument, 0, 'E'},
      {"dates", required_argument, 0, 'D'}, {"changes", no_argument, 0, 'C'},
      {"from", required_argument, 0, 'F'}, {"to", required_argument, 0, 'T'},
      {"output", required_argument, 0, 'o'}, {"jobs", required_argument, 0, 'j'},
      {"shard", required_argument, 0, 'S'}, {"skip-existing", no_argument, 0, 'K'},
      {"timings", no_argument, 0, 'M'}, {"legend", required_argument, 0, 'L'},
      {"svg-engine", required_argument, 0, 'G'},
      {"png-level", required_argument, 0, 'Z'}, {"quiet", no_argument, 0, 'q'},
      {"delay", required_argument, 0, 'Y'}, {"hold-last", required_argument, 0, 'H'},
      {"dpi", required_argument, 0, 'I'}, {"no-clobber", no_argument, 0, 'N'},
      {"same-scale", no_argument, 0, 'A'},
      {"changes-since", required_argument, 0, 'W'}, CLI_STYLE_LONGS,
      {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  int ch, rc = EXIT_OK;
  optind = 1;
  while (rc == EXIT_OK &&
         (ch = getopt_long(argc, argv, ":s:o:j:qh", longs, NULL)) != -1) {
    if (ch == 'h')
      return fputs(help, stdout), -1;
    if (ch == '?' || ch == ':')
      return cli_bad_option(ch, argv, longs, "batch");
    rc = strchr("EDC", ch) ? parse_mode(ch, a) : parse_option(ch, a);
  }
  if (rc != EXIT_OK)
    return rc;
  if (optind < argc)
    return cli_usage("unexpected argument '%s' (see `controlmap batch --help`)",
                     argv[optind]);
  if (a->modes > 1)
    return cli_usage("--every, --dates and --changes each choose the dates: "
                     "give only one of them");
  if (a->modes != 1)
    return cli_usage("batch needs one of --every STEP, --dates FILE or --changes");
  return check_animation(a);
}

/* --- progress ------------------------------------------------------------ */

typedef struct progress {
  int quiet, tty;
  int animation; /* frames named by their date, all going to one file */
  size_t total;
  double *started, *composed; /* per frame, for --timings; may be NULL */
  double compose_s, draw_s;
  size_t drawn;
} progress;

static void note_time(progress *p, const cm_frame *f, cm_batch_event ev) {
  if (!p->started)
    return;
  double t = cli_now();
  if (ev == CM_BATCH_STARTED) {
    p->started[f->index] = t;
    p->drawn++;
  } else if (ev == CM_BATCH_COMPOSED) {
    p->composed[f->index] = t;
    p->compose_s += t - p->started[f->index];
  } else if (f->status != CM_FRAME_SKIPPED) {
    double from = p->composed[f->index];
    if (from > 0)
      p->draw_s += t - from;
    else
      p->compose_s += t - p->started[f->index];
  }
}

static void bar(const progress *p, size_t done, const char *name) {
  char cells[21];
  size_t full = p->total ? done * 20 / p->total : 20;
  for (size_t i = 0; i < 20; i++)
    cells[i] = i < full ? '#' : '.';
  cells[20] = '\0';
  fprintf(stderr, "\rcontrolmap: [%s] %zu/%zu %s\033[K", cells, done, p->total, name);
  if (done == p->total)
    fputc('\n', stderr);
  fflush(stderr);
}

/* A frame's file, or in an animation, its date. */
static const char *frame_name(const progress *p, const cm_frame *f, char buf[16]) {
  if (!p->animation)
    return f->output;
  cm_date_iso(f->date, buf);
  return buf;
}

static void say_failed(const progress *p, const cm_frame *f, size_t done) {
  char buf[2600], date[16];
  if (p->tty)
    fputs("\r\033[K", stderr);
  fprintf(stderr, "controlmap: [%zu/%zu] %s failed: %s\n", done, p->total,
          frame_name(p, f, date),
          f->error ? cm_error_format(f->error, buf, sizeof buf) : "out of memory");
}

static void on_frame(void *ud, const cm_frame *f, cm_batch_event ev, size_t done) {
  progress *p = ud;
  char date[16];
  note_time(p, f, ev);
  if (ev != CM_BATCH_FINISHED)
    return;
  if (f->status == CM_FRAME_FAILED)
    say_failed(p, f, done);
  if (p->quiet)
    return;
  if (p->tty)
    bar(p, done, frame_name(p, f, date));
  else if (f->status != CM_FRAME_FAILED)
    fprintf(stderr, "controlmap: [%zu/%zu] %s%s\n", done, p->total,
            frame_name(p, f, date),
            f->status == CM_FRAME_SKIPPED ? " (exists, skipped)" : "");
}

/* --- the command ----------------------------------------------------------- */

/* How an animation ended; the exit code. */
static int anim_summary(const cm_batch *b, const char *path, double seconds,
                        int quiet) {
  size_t n = cm_batch_count(b), added = 0;
  for (size_t i = 0; i < n; i++)
    added += cm_batch_frame(b, i)->status == CM_FRAME_WRITTEN;
  if (cm_batch_error(b))
    return cli_fail(cm_batch_error(b));
  if (added < n) {
    fprintf(stderr, "controlmap: %s not written: %zu of %zu frames drawn "
                    "before one failed\n", path, added, n);
    return EXIT_FAIL;
  }
  struct stat st;
  if (!quiet && stat(path, &st) == 0)
    fprintf(stderr, "controlmap: wrote %s: %zu frames, %.1f kB in %.1f s\n",
            path, n, (double)st.st_size / 1000.0, seconds);
  return EXIT_OK;
}

/* Each warning of the frames once, with how many frames gave it. */
static void warnings(const cm_batch *b) {
  for (size_t i = 0; i < cm_batch_warning_count(b); i++) {
    size_t frames;
    cm_day first;
    const char *text = cm_batch_warning(b, i, &frames, &first);
    char iso[16];
    cm_date_iso(first, iso);
    if (frames == 1)
      fprintf(stderr, "controlmap: warning: %s: %s\n", iso, text);
    else
      fprintf(stderr, "controlmap: warning: %s and %zu more frames: %s\n", iso,
              frames - 1, text);
  }
}

static void summary(const cm_batch *b, double seconds) {
  size_t n[4] = {0};
  for (size_t i = 0; i < cm_batch_count(b); i++)
    n[cm_batch_frame(b, i)->status]++;
  fprintf(stderr, "controlmap: %zu frames: %zu written, %zu skipped, %zu failed in %.1f s\n",
          cm_batch_count(b), n[CM_FRAME_WRITTEN], n[CM_FRAME_SKIPPED],
          n[CM_FRAME_FAILED], seconds);
}


static void timings(const progress *p, double load, double total, int jobs) {
  double per = p->drawn ? 1.0 / (double)p->drawn : 0;
  fprintf(stderr, "controlmap: load+project %8.3f s\n", load);
  fprintf(stderr, "controlmap: compose      %8.3f s over %zu frames, %.3f s each\n",
          p->compose_s, p->drawn, p->compose_s * per);
  fprintf(stderr, "controlmap: draw+encode  %8.3f s over %zu frames, %.3f s each\n",
          p->draw_s, p->drawn, p->draw_s * per);
  fprintf(stderr, "controlmap: total        %8.3f s (wall, %d job%s)\n", total, jobs,
          jobs == 1 ? "" : "s");
  fprintf(stderr, "controlmap: peak memory  %8.1f MB\n", cli_peak_mb());
}

static void announce(const cm_batch *b, const cm_batch_spec *s) {
  if (cm_batch_unchanged(b))
    fprintf(stderr, "controlmap: %zu change dates left out: nothing shown "
                    "changes on them\n", cm_batch_unchanged(b));
  if (s->shards > 1)
    fprintf(stderr, "controlmap: shard %d/%d: %zu of %zu frames\n", s->shard,
            s->shards, cm_batch_count(b), cm_batch_planned(b));
}

static int default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Plan, draw and report; the map is open. */
static int draw_all(const cm_map *map, batch_args *a, double t0, double load) {
  cm_error err;
  cm_batch *b;
  if (cm_batch_plan(&b, map, &a->spec, &err) != CM_OK)
    return cli_fail(&err);
  size_t n = cm_batch_count(b);
  progress p = {.quiet = a->quiet, .tty = isatty(2), .total = n,
                .animation = cm_batch_is_animation(b)};
  if (a->timings) {
    p.started = calloc(n ? n : 1, sizeof *p.started);
    p.composed = calloc(n ? n : 1, sizeof *p.composed);
  }
  if (!a->quiet) {
    announce(b, &a->spec);
    cli_map_warnings(map);
  }
  if (n)
    a->jobs = cli_fit_jobs(map, cm_batch_frame(b, 0)->output, a->jobs, a->quiet);
  size_t swept = cm_batch_sweep(b);
  if (swept && !a->quiet)
    fprintf(stderr, "controlmap: removed %zu temporary file%s left by an "
                    "interrupted run\n", swept, swept == 1 ? "" : "s");
  int failed = cm_batch_run(b, map, a->jobs, on_frame, &p);
  double total = cli_now() - t0;
  if (!a->quiet)
    warnings(b);
  if (p.animation)
    failed = anim_summary(b, cm_batch_frame(b, 0)->output, total, a->quiet);
  else if (!a->quiet || failed)
    summary(b, total);
  if (a->timings)
    timings(&p, load, total, a->jobs);
  free(p.started);
  free(p.composed);
  cm_batch_free(b);
  return p.animation ? failed : failed ? EXIT_FAIL : EXIT_OK;
}

/* Load the style (with --dpi and the style options applied) and its
 * layers; --changes-since needs a control layer, said before loading. */
static int open_map(cm_map **map, const char *style, batch_args *a, cm_error *err) {
  cm_style *parsed;
  cm_style_options opt = cli_overrides_options(&a->style_opts);
  int rc = cm_style_load_with(&parsed, style, &opt, err, NULL);
  if (rc == CM_OK && a->dpi > 0)
    cm_style_set_dpi(parsed, a->dpi);
  if (rc == CM_OK && a->spec.compose.changes &&
      (rc = cli_needs_control(parsed, err)) != CM_OK)
    cm_style_free(parsed);
  return rc == CM_OK ? cm_map_open_style(map, parsed, err) : rc;
}

int cmd_batch(int argc, char **argv) {
  double t0 = cli_now();
  batch_args a = {.jobs = default_jobs()};
  int rc = parse(argc, argv, &a);
  if (rc)
    return rc < 0 ? EXIT_OK : rc;
  const char *style = cli_style_path(a.style);
  if (!style)
    return EXIT_USAGE; /* said by cli_style_path */
  if (!a.spec.output) {
    a.spec.output = "out/{date}.png";
    mkdir("out", 0777); /* the default folder; an existing one is fine */
  }
  cm_error err;
  cm_map *map;
  double t_open = cli_now();
  if (open_map(&map, style, &a, &err) != CM_OK)
    return cli_fail(&err);
  rc = draw_all(map, &a, t0, cli_now() - t_open);
  cm_map_free(map);
  return rc;
}
