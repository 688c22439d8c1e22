#include "check_carto.h"
#include "cli.h"
#include "controlmap/compose.h"
#include "controlmap/layer.h"
#include "controlmap/map.h"
#include "controlmap/proj.h"
#include "controlmap/style.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: controlmap check [-s STYLE] [--dpi N] [--dates all | --date DATE] [--grey]\n"
    "                        [--from DATE] [--to DATE] [--same-scale]\n"
    "\n"

    "Validate a style and the data it names, and report every problem in one\n"
    "run, not just the first: style syntax, missing files, CRS, time fields\n"
    "and their dates, fields the rules use (with the nearest field of the\n"
    "layer), and as warnings fonts that are not installed (naming the one\n"
    "used instead) and filter dates outside the data. Exit 0 when there is\n"
    "no problem (warnings allowed), 2 for style mistakes, 1 for data\n"
    "problems. STYLE is a file, or a name looked for as NAME.mss in ./styles,\n"
    "the user's and the installed styles.\n"
    "\n"
    "Lengths in px are judged at the style's dpi, or at --dpi N (the dpi you\n"
    "will render at): a hatch spacing in px must be at least its line width\n"
    "and 0.05 mm there.\n"
    "\n"
    "With --dates all (every date on which the data changes) or --date DATE,\n"
    "also compose the map at those dates and report, per date, what a\n"
    "reader would miss: places, labels or lines under the furniture, labels\n"
    "left out, legend entries that look alike (with both rules' file:line;\n"
    "--grey: also when printed in grey), text under 5 pt at print size, and\n"
    "furniture cut by the frame. Exit 1 when anything is found. --from and\n"
    "--to keep the change dates between them. With --same-scale, every\n"
    "date is laid out as `batch --same-scale` over those dates lays it out:\n"
    "for the most demanding of them.\n";

typedef struct check_args {
  const char *style;
  int carto, grey;
  int has_date;
  cm_day date;
  double dpi;       /* 0: the style's */
  int same_scale;   /* the dates laid out as one series */
  check_range range; /* --dates all: only the dates between from and to */
} check_args;

/* -s STYLE, --dpi N, --dates all, --date D, --grey; -1 after help, else
 * an exit code. */
static int parse_args(int argc, char **argv, check_args *a) {
  const char *given = NULL;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
      return fputs(help, stdout), -1;
    if ((!strcmp(arg, "-s") || !strcmp(arg, "--style")) && val)
      given = argv[++i];
    else if (!strcmp(arg, "--dates") && val && !strcmp(val, "all"))
      a->carto = 1, i++;
    else if (!strcmp(arg, "--date") && val) {
      if (cli_parse_date(val, &a->date))
        return cli_usage("--date '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", val);
      a->carto = a->has_date = 1, i++;
    } else if (!strcmp(arg, "--dpi") && val) {
      char *end;
      a->dpi = strtod(val, &end);
      if (end == val || *end || !(a->dpi >= 10 && a->dpi <= 4800))
        return cli_usage("--dpi takes 10 to 4800, not '%s'", val);
      i++;
    } else if (!strcmp(arg, "--grey"))
      a->grey = 1;
    else if (!strcmp(arg, "--same-scale"))
      a->same_scale = 1;
    else if (!strcmp(arg, "--from") && val) {
      if (cli_parse_date(val, &a->range.from))
        return EXIT_USAGE;
      a->range.has_from = 1, i++;
    } else if (!strcmp(arg, "--to") && val) {
      if (cli_parse_last_day(val, &a->range.to))
        return EXIT_USAGE;
      a->range.has_to = 1, i++;
    }
    else
      return cli_usage("unexpected argument '%s' (see `controlmap check --help`)", arg);
  }
  a->style = cli_style_path(given);
  return a->style ? EXIT_OK : EXIT_USAGE;
}

/* What one run found: style mistakes, data problems and warnings. */
typedef struct findings {
  int style, data, warnings;
} findings;

static void report(const cm_error *e, findings *f) {
  if (e->code == CM_ESTYLE)
    f->style++;
  else
    f->data++;
  cli_fail(e);
}

/* A warning (its message starts "warning: "): the map can be drawn, but
 * not quite as the style says. */
static void warn(const cm_error *e, findings *f) {
  f->warnings++;
  char buf[2600];
  fprintf(stderr, "controlmap: %s\n", cm_error_format(e, buf, sizeof buf));
}

/* Fields named by the style's rules and templates must exist in the data. */
static void check_fields(const cm_style *s, const char *layer_name,
                         const cm_layer *l, findings *f) {
  cm_errors all = {0};
  cm_map_check_fields(s, layer_name, l, NULL, &all);
  for (size_t i = 0; i < all.count; i++)
    report(&all.items[i], f);
  cm_errors_free(&all);
}

static void check_dates(const cm_style *s, const cm_style_layer *sl,
                        const cm_layer *l, findings *fd) {
  size_t n = cm_layer_count(l);
  cm_day *from = malloc((n ? n : 1) * sizeof *from);
  cm_day *to = malloc((n ? n : 1) * sizeof *to);
  cm_error e;
  if (!from || !to)
    cm_error_set(&e, CM_ENOMEM, NULL, 0, 0, "out of memory");
  if (!from || !to || cm_map_layer_times(s, sl, l, from, to, &e) != CM_OK)
    report(&e, fd);
  free(from);
  free(to);
}

/* The first and last date a field holds; 0 when it holds none. */
static int field_dates(const cm_layer *l, int field, cm_day *lo, cm_day *hi) {
  int any = 0;
  for (size_t f = 0; f < cm_layer_count(l); f++) {
    cm_day d;
    if (cm_date_parse(cm_layer_value(l, f, (size_t)field), &d, NULL, NULL) != CM_OK)
      continue;
    *lo = any && *lo < d ? *lo : d;
    *hi = any && *hi > d ? *hi : d;
    any = 1;
  }
  return any;
}

/* A filter date before or after every date of its field holds for every
 * feature or for none: almost always a slip of the year. */
static void check_filter_dates(const cm_style *s, const cm_style_layer *sl,
                               const cm_layer *l, findings *f) {
  for (size_t i = 0; i < cm_style_date_ref_count(s); i++) {
    const cm_date_ref *r = cm_style_date_ref_at(s, i);
    int field = strcmp(r->layer, sl->name) ? -1 : cm_layer_field_index(l, r->field);
    cm_day lo, hi;
    if (field < 0 || !field_dates(l, field, &lo, &hi) || (r->day >= lo && r->day <= hi))
      continue;
    char from[16], to[16];
    cm_date_iso(lo, from);
    cm_date_iso(hi, to);
    cm_error e;
    cm_error_set(&e, CM_EDATA, cm_style_name(s), r->line, r->col,
                 "warning: %s is %s every date of '%s' in %s (%s .. %s)", r->text,
                 r->day < lo ? "before" : "after", r->field, cm_layer_path(l), from, to);
    cm_error_hint(&e, "the filter holds for every feature or for none");
    warn(&e, f);
  }
}

static void check_layer(const cm_style *s, const cm_style_layer *sl,
                        findings *f, size_t *features) {
  cm_layer *l;
  cm_error e;
  if (!sl->file)
    return; /* said with the style's mistakes */
  if (cm_map_check_file(s, sl, &e) != CM_OK || cm_map_layer_open(&l, sl, &e) != CM_OK) {
    report(&e, f);
    return;
  }
  *features += cm_layer_count(l);
  if (cm_proj_check(cm_layer_crs(l), &e) != CM_OK) {
    snprintf(e.file, sizeof e.file, "%.480s (its .prj)", cm_layer_path(l));
    report(&e, f);
  }
  cm_errors out = {0};
  cm_map_check_coordinates(l, NULL, &out);
  for (size_t i = 0; i < out.count; i++)
    report(&out.items[i], f);
  cm_errors_free(&out);
  if (sl->time_start)
    check_dates(s, sl, l, f);
  check_fields(s, sl->name, l, f);
  check_filter_dates(s, sl, l, f);
  cm_layer_free(l);
}

/* Where the style names a family first; NULL when it only takes the
 * default. */
static const cm_font_ref *font_ref(const cm_style *s, const char *family, size_t before) {
  for (size_t i = 0; i < cm_style_font_ref_count(s) && i < before; i++)
    if (!strcmp(cm_style_font_ref_at(s, i)->family, family))
      return cm_style_font_ref_at(s, i);
  return NULL;
}

static void check_font(const cm_style *s, const char *family, const cm_font_ref *at,
                       findings *f) {
  char used[256];
  if (cm_font_installed(family, used, sizeof used))
    return;
  cm_error e;
  cm_error_set(&e, CM_EDATA, cm_style_name(s), at ? at->line : 0, at ? at->col : 0,
               "warning: font '%s' is not installed: text will be drawn in '%s'", family,
               used[0] ? used : "no font at all");
  cm_error_hint(&e, "install it or name an installed family; `fc-list : family` lists them");
  warn(&e, f);
}

/* Every family the style names, once each, and the Map's default. */
static void check_fonts(const cm_style *s, findings *f) {
  const char *map_font = cm_style_map(s)->font;
  if (map_font && !font_ref(s, map_font, SIZE_MAX))
    check_font(s, map_font, NULL, f);
  for (size_t i = 0; i < cm_style_font_ref_count(s); i++) {
    const cm_font_ref *r = cm_style_font_ref_at(s, i);
    if (font_ref(s, r->family, i) == NULL)
      check_font(s, r->family, r, f);
  }
}

static int summary(const char *path, const findings *f, size_t layers, size_t features) {
  int problems = f->style + f->data;
  if (problems || f->warnings)
    fprintf(stderr, "controlmap: %s: %d problem%s, %d warning%s\n", path, problems,
            problems == 1 ? "" : "s", f->warnings, f->warnings == 1 ? "" : "s");
  if (!problems)
    printf("%s: OK (%zu layers, %zu features)\n", path, layers, features);
  return f->style ? EXIT_USAGE : f->data ? EXIT_FAIL : EXIT_OK;
}

int cmd_check(int argc, char **argv) {
  check_args args = {0};
  int rc = parse_args(argc, argv, &args);
  if (rc)
    return rc < 0 ? EXIT_OK : rc;
  const char *path = args.style;
  cm_style *s = NULL;
  cm_error first;
  cm_errors all = {0};
  findings f = {0, 0, 0};
  /* A style with mistakes is still read as far as it goes, so that its
   * files, fields, fonts and dates are checked in the same run. */
  cm_style_options opt = {NULL, 0, NULL, 0, 1};
  rc = cm_style_load_with(&s, path, &opt, &first, &all);
  if (rc != CM_OK && !all.count)
    report(&first, &f);
  for (size_t i = 0; i < all.count; i++) {
    /* past its cap the list ends with a count of the rest, which the
     * total includes */
    size_t more;
    if (all.items[i].line == 0 &&
        sscanf(all.items[i].message, "%zu more mistakes not listed", &more) == 1)
      f.style += (int)more - 1;
    report(&all.items[i], &f);
  }
  cm_errors_free(&all);
  if (!s)
    return summary(path, &f, 0, 0); /* unreadable: nothing more to check */
  if (cm_style_check_dpi(s, args.dpi, NULL, &all) == CM_ENOMEM)
    f.style++; /* counted, though not listed */
  for (size_t i = 0; i < all.count; i++)
    report(&all.items[i], &f);
  cm_errors_free(&all);
  cm_error e;
  if (cm_proj_check_map(cm_style_map(s)->srs, &e) != CM_OK) {
    snprintf(e.file, sizeof e.file, "%s", path);
    report(&e, &f);
  }
  check_fonts(s, &f);
  size_t features = 0, layers = cm_style_layer_count(s);
  for (size_t i = 0; i < layers; i++)
    check_layer(s, cm_style_layer_at(s, i), &f, &features);
  cm_style_free(s);
  rc = summary(path, &f, layers, features);
  if (rc == EXIT_OK && args.carto)
    return check_carto(path, args.has_date ? &args.date : NULL, &args.range, args.grey,
                       args.same_scale);
  return rc;
}
