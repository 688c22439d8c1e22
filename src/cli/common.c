#include "cli.h"

#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#ifndef CM_DATADIR
#define CM_DATADIR "/usr/local/share/controlmap"
#endif

int cli_fail(const cm_error *err) {
  char buf[2600];
  fprintf(stderr, "controlmap: %s\n", cm_error_format(err, buf, sizeof buf));
  return err->code == CM_ESTYLE || err->code == CM_EUSAGE ? EXIT_USAGE
                                                          : EXIT_FAIL;
}

void cli_map_warnings(const cm_map *map) {
  const cm_style *s = cm_map_style(map);
  if (cm_style_map(s)->scale_bar != CM_CORNER_NONE && !cm_map_scale_is_uniform(map))
    fprintf(stderr, "controlmap: warning: %s: the scale bar is left out: the "
                    "map's scale varies more than twofold across it, so no "
                    "bar could be true (give a smaller extent, or "
                    "`scale-bar: none`)\n", cm_style_name(s));
}

int cli_needs_control(const cm_style *s, cm_error *err) {
  const cm_map_settings *m = cm_style_map(s);
  for (size_t i = 0; i < cm_style_layer_count(s); i++)
    if (!strcmp(cm_style_layer_at(s, i)->name, m->changes_layer))
      return CM_OK;
  cm_error_set(err, CM_EUSAGE, cm_style_name(s), 0, 0,
               "showing changes needs a layer named '%s' with a field '%s', "
               "and the style has no Layer#%s", m->changes_layer,
               m->changes_field, m->changes_layer);
  cm_error_hint(err, "add Layer#%s { file: \"...\"; } for the "
                     "territorial-control polygons, or name the layer of "
                     "holders in the Map block (changes-layer: NAME;)",
                m->changes_layer);
  return CM_EUSAGE;
}

int cli_usage(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("controlmap: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return EXIT_USAGE;
}

/* The option as written: "--bogus" of "--bogus=1", or "-x". */
static void option_word(char **argv, char *buf, size_t size) {
  const char *arg = optind > 0 ? argv[optind - 1] : "";
  if (optopt > 0 && optopt < 128 && strncmp(arg, "--", 2) != 0) {
    snprintf(buf, size, "-%c", optopt);
    return;
  }
  snprintf(buf, size, "%.*s", (int)strcspn(arg, "="), arg);
}

int cli_bad_option(int ch, char **argv, const struct option *longs,
                   const char *command) {
  char word[128];
  option_word(argv, word, sizeof word);
  if (ch == ':')
    return cli_usage("%s needs a value (see `controlmap %s --help`)", word, command);
  cm_suggest near;
  cm_suggest_init(&near, word + strspn(word, "-"));
  for (size_t i = 0; longs && longs[i].name; i++)
    cm_suggest_try(&near, longs[i].name);
  if (near.best)
    return cli_usage("unknown option '%s' (did you mean '--%s'?)", word, near.best);
  return cli_usage("unknown option '%s' (see `controlmap %s --help`)", word, command);
}

/* A plain decimal of n characters at s (no sign, exponent, hexadecimal or
 * infinity), above zero; 0 when it is not one. */
static double plain_size(const char *s, size_t n) {
  char buf[32];
  if (n == 0 || n >= sizeof buf || strspn(s, "0123456789.") < n)
    return 0;
  snprintf(buf, sizeof buf, "%.*s", (int)n, s);
  return atof(buf);
}

/* --page WxH[unit] as a Map page value: "120x90mm" -> "120mm 90mm". */
static int page_option(const char *arg, cli_overrides *o) {
  size_t wn = strspn(arg, "0123456789.");
  const char *hs = arg[wn] == 'x' ? arg + wn + 1 : arg + wn;
  size_t hn = strspn(hs, "0123456789.");
  const char *unit = hs + hn;
  double w = plain_size(arg, wn), h = hs > arg + wn ? plain_size(hs, hn) : 0;
  if (!(w > 0) || !(h > 0) || strlen(unit) > 2 || strspn(unit, "abcdefghijklmnopqrstuvwxyz") < strlen(unit))
    return cli_usage("--page takes WIDTHxHEIGHT and a unit (mm, the default, "
                     "in, pt or px), e.g. 120x90mm, not '%s'", arg);
  snprintf(o->page, sizeof o->page, "page=%.10g%s %.10g%s", w, *unit ? unit : "mm", h,
           *unit ? unit : "mm");
  return EXIT_OK;
}

/* --title TEXT as a quoted style string: {date} and other templates work. */
static int title_option(const char *arg, cli_overrides *o) {
  enum { MAX_TITLE = 1000 }; /* escaped, it still fits o->title */
  if (strlen(arg) > MAX_TITLE)
    return cli_usage("--title takes at most %d bytes", MAX_TITLE);
  size_t w = (size_t)snprintf(o->title, sizeof o->title, "title=\"");
  for (const char *r = arg; *r; r++) {
    if (*r == '"' || *r == '\\')
      o->title[w++] = '\\';
    o->title[w++] = *r == '\n' ? ' ' : *r;
  }
  snprintf(o->title + w, sizeof o->title - w, "\"");
  return EXIT_OK;
}

int cli_override_option(int ch, const char *arg, cli_overrides *o) {
  switch (ch) {
  case CLI_OPT_PAGE: return page_option(arg, o);
  case CLI_OPT_TITLE: return title_option(arg, o);
  case CLI_OPT_LANG:
    snprintf(o->lang, sizeof o->lang, "lang=%.20s", arg);
    return EXIT_OK;
  case CLI_OPT_SET:
    if (!strchr(arg, '='))
      return cli_usage("--set takes NAME=VALUE, e.g. --set aze=#9fc4e4, not '%s'", arg);
    if (o->nset == CLI_MAX_SETS)
      return cli_usage("at most %d --set options", CLI_MAX_SETS);
    o->set[o->nset++] = arg;
    return EXIT_OK;
  default: return 1;
  }
}

cm_style_options cli_overrides_options(cli_overrides *o) {
  o->nmap = 0;
  const char *given[] = {o->page, o->lang, o->title};
  for (size_t k = 0; k < 3; k++)
    if (given[k] && given[k][0])
      o->map[o->nmap++] = given[k];
  cm_style_options opt = {o->set, o->nset, o->map, o->nmap, 0};
  return opt;
}

static int readable(const char *path) { return access(path, R_OK) == 0; }

/* The folders where a style is looked for by name, in order: the current
 * folder's styles/, the user's ($XDG_DATA_HOME, default ~/.local/share),
 * beside the tool (a build tree), ../share of a relocated install, and
 * the installed styles. Returns how many were written to dirs. */
enum { STYLE_DIRS = 5 };
static int style_dirs(char dirs[STYLE_DIRS][PATH_MAX]) {
  int n = 0;
  snprintf(dirs[n++], PATH_MAX, "styles");
  const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
  if (xdg && *xdg == '/')
    snprintf(dirs[n++], PATH_MAX, "%.4000s/controlmap/styles", xdg);
  else if (home && *home)
    snprintf(dirs[n++], PATH_MAX, "%.4000s/.local/share/controlmap/styles", home);
  char exe[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  char *slash = len > 0 ? (exe[len] = '\0', strrchr(exe, '/')) : NULL;
  if (slash) {
    *slash = '\0';
    snprintf(dirs[n++], PATH_MAX, "%.4000s/styles", exe);
    snprintf(dirs[n++], PATH_MAX, "%.4000s/../share/controlmap/styles", exe);
  }
  snprintf(dirs[n++], PATH_MAX, "%s/styles", CM_DATADIR);
  return n;
}

/* "No style 'papr' in ..." with the nearest style name of those folders. */
static void no_style(const char *name, char dirs[STYLE_DIRS][PATH_MAX], int n) {
  char where[1024] = "", near[256] = "";
  cm_suggest s;
  cm_suggest_init(&s, name);
  for (int k = 0; k < n; k++) {
    size_t used = strlen(where);
    snprintf(where + used, sizeof where - used, "%s%s", k ? ", " : "", dirs[k]);
    DIR *dir = opendir(dirs[k]);
    for (struct dirent *d; dir && (d = readdir(dir));) {
      size_t len = strlen(d->d_name);
      if (len < 5 || len >= sizeof near || strcmp(d->d_name + len - 4, ".mss"))
        continue;
      d->d_name[len - 4] = '\0';
      size_t before = s.distance;
      cm_suggest_try(&s, d->d_name);
      if (s.distance < before) /* readdir reuses its storage: keep a copy */
        snprintf(near, sizeof near, "%s", d->d_name);
    }
    if (dir)
      closedir(dir);
  }
  if (near[0])
    cli_usage("no style '%s' in %s (did you mean '%s'?)", name, where, near);
  else
    cli_usage("no style '%s' in %s (give a path, or put %s.mss in one of them)",
              name, where, name);
}

/* NAME or NAME.mss in the style folders; NULL (said) when in none. */
static const char *find_style(const char *name) {
  static char path[PATH_MAX + 320];
  char dirs[STYLE_DIRS][PATH_MAX], bare[256];
  size_t len = strlen(name);
  snprintf(bare, sizeof bare, "%.*s", (int)(len > 4 && !strcmp(name + len - 4, ".mss") ? len - 4 : len), name);
  int n = style_dirs(dirs);
  for (int k = 0; k < n; k++) {
    snprintf(path, sizeof path, "%.4000s/%s.mss", dirs[k], bare);
    if (readable(path))
      return path;
  }
  no_style(bare, dirs, n);
  return NULL;
}

const char *cli_style_path(const char *given) {
  if (!given) {
    const char *env = getenv("CONTROLMAP_STYLE");
    given = env && *env ? env : "default";
  }
  /* A file that is there, or a path, is taken as given: a path that is
   * not there is said by the style loader, with the reason. */
  if (readable(given) || strchr(given, '/'))
    return given;
  return find_style(given);
}

int cli_parse_date(const char *arg, cm_day *out) {
  char why[128];
  if (cm_date_parse(arg, out, NULL, NULL) != CM_OK)
    return cm_date_explain(arg, why, sizeof why),
           cli_usage("'%s' is not a date: %s", arg, why);
  return EXIT_OK;
}

int cli_parse_last_day(const char *arg, cm_day *last) {
  cm_day first, after;
  if (cm_date_parse(arg, &first, &after, NULL) != CM_OK)
    return cli_parse_date(arg, &first);
  *last = after - 1;
  return EXIT_OK;
}

int cli_style_only(int argc, char **argv, const char *command,
                   const char *help, const char **style) {
  const char *given = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
      return fputs(help, stdout), -1;
    if ((!strcmp(argv[i], "-s") || !strcmp(argv[i], "--style")) && i + 1 < argc)
      given = argv[++i];
    else
      return cli_usage("unexpected argument '%s' (see `controlmap %s --help`)",
                       argv[i], command);
  }
  *style = cli_style_path(given);
  if (!*style)
    return EXIT_USAGE;
  return EXIT_OK;
}

int cli_open_map(cm_map **out, const char *given) {
  *out = NULL;
  const char *style = cli_style_path(given);
  if (!style)
    return EXIT_USAGE; /* said by cli_style_path */
  cm_error err;
  if (cm_map_open(out, style, &err) != CM_OK)
    return cli_fail(&err);
  return EXIT_OK;
}

double cli_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double cli_peak_mb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0; /* kilobytes on Linux */
}
