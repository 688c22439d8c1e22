#include "cli.h"
#include "controlmap/areas.h"
#include "controlmap/batch.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: controlmap areas [-s STYLE] (-d DATE[,DATE...] | --every STEP |\n"
    "                        --changes | --dates FILE) [--from DATE] [--to DATE]\n"
    "                        [-l LAYER] [--by FIELD] [--reference SPEC]...\n"
    "\n"
    "Print as CSV, for each date and holder, the km2 of ground held and the\n"
    "part of each reference area it is (km2 and per cent), from the same data\n"
    "and time rules as the maps. Areas are geodesic on the WGS 84 ellipsoid\n"
    "(the column km2_geodesic_wgs84 says so), the holder's features united.\n"
    "\n"
    "  -s, --style FILE     the style (default: styles/default.mss)\n"
    "  -d, --date DATES     one or more dates, separated by commas\n"
    "      --every STEP     year, month or Nd from --from to --to\n"
    "      --changes        every date on which the data changes\n"
    "      --dates FILE     the dates in FILE, one a line\n"
    "      --from DATE      first date (default: the first change in the data)\n"
    "      --to DATE        last date, inclusive\n"
    "  -l, --layer NAME     the layer of holders (default: control)\n"
    "      --by FIELD       the field naming the holder (default: holder)\n"
    "      --reference NAME=LAYER[:FIELD=VALUE[,VALUE...]]\n"
    "                       a reference area: the features of LAYER whose\n"
    "                       FIELD is one of the VALUEs, united; repeat for\n"
    "                       more. Default, for the shipped dataset: azerbaijan\n"
    "                       (countries, iso_a3=AZE), nkao (regions,\n"
    "                       kind=oblast), seven_districts (regions, name_en)\n"
    "  -q, --quiet          do not name the method and references on stderr\n"
    "  -h, --help           this help\n";

enum { MAX_REFS = 16, MAX_DATES = 64 };

typedef struct areas_args {
  const char *style, *dates;
  cm_batch_spec spec;
  cm_areas_options opt;
  cm_area_reference refs[MAX_REFS];
  char *ref_text[MAX_REFS];
  int quiet;
} areas_args;

/* NAME=LAYER[:FIELD=VALUES] into r, pointing into text (cut up). */
static int parse_reference(char *text, cm_area_reference *r) {
  char *eq = strchr(text, '=');
  if (!eq || eq == text || !eq[1])
    return cli_usage("--reference takes NAME=LAYER[:FIELD=VALUE,...], e.g. "
                     "azerbaijan=countries:iso_a3=AZE, not '%s'", text);
  *eq = '\0';
  *r = (cm_area_reference){.name = text, .layer = eq + 1};
  char *colon = strchr(eq + 1, ':');
  if (!colon)
    return EXIT_OK;
  *colon = '\0';
  char *eq2 = strchr(colon + 1, '=');
  if (!eq2 || eq2 == colon + 1 || !eq2[1])
    return cli_usage("--reference %s: write FIELD=VALUE after the layer", text);
  *eq2 = '\0';
  r->field = colon + 1;
  r->values = eq2 + 1;
  return EXIT_OK;
}

static int set_mode(areas_args *a, cm_batch_mode mode) {
  if (a->spec.mode || a->dates)
    return cli_usage("give one of -d, --every, --changes or --dates");
  a->spec.mode = mode;
  return EXIT_OK;
}

static int option(areas_args *a, int ch, char *arg) {
  cm_error err;
  switch (ch) {
  case 's': a->style = arg; return EXIT_OK;
  case 'd':
    if (a->spec.mode)
      return cli_usage("give one of -d, --every, --changes or --dates");
    a->dates = arg;
    return EXIT_OK;
  case 'E':
    if (cm_batch_parse_step(&a->spec.every, arg, &err) != CM_OK)
      return cli_fail(&err);
    return set_mode(a, CM_BATCH_EVERY);
  case 'C': return set_mode(a, CM_BATCH_CHANGES);
  case 'D': a->spec.dates_file = arg; return set_mode(a, CM_BATCH_DATES);
  case 'F': a->spec.has_from = 1; return cli_parse_date(arg, &a->spec.from);
  case 'T': {
    cm_day after;
    a->spec.has_to = 1;
    if (cm_date_parse(arg, &a->spec.to, &after, NULL) != CM_OK)
      return cli_parse_date(arg, &a->spec.to);
    a->spec.to = after - 1; /* --to 2024: through 2024-12-31 */
    return EXIT_OK;
  }
  case 'l': a->opt.layer = arg; return EXIT_OK;
  case 'B': a->opt.by = arg; return EXIT_OK;
  case 'R':
    if (a->opt.nrefs == MAX_REFS)
      return cli_usage("at most %d references", MAX_REFS);
    return parse_reference(arg, &a->refs[a->opt.nrefs++]);
  case 'q': a->quiet = 1; return EXIT_OK;
  case 'h': fputs(help, stdout); return -1;
  default: return cli_usage("see `controlmap areas --help`");
  }
}

static int parse(int argc, char **argv, areas_args *a) {
  static const struct option longs[] = {
      {"style", required_argument, 0, 's'},  {"date", required_argument, 0, 'd'},
      {"every", required_argument, 0, 'E'},  {"changes", no_argument, 0, 'C'},
      {"dates", required_argument, 0, 'D'},  {"from", required_argument, 0, 'F'},
      {"to", required_argument, 0, 'T'},     {"layer", required_argument, 0, 'l'},
      {"by", required_argument, 0, 'B'},     {"reference", required_argument, 0, 'R'},
      {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  int ch, rc;
  optind = 1;
  while ((ch = getopt_long(argc, argv, ":s:d:l:qh", longs, NULL)) != -1)
    if ((rc = ch == '?' || ch == ':' ? cli_bad_option(ch, argv, longs, "areas")
                                     : option(a, ch, optarg)) != EXIT_OK)
      return rc;
  if (optind < argc)
    return cli_usage("unexpected argument '%s' (see `controlmap areas --help`)",
                     argv[optind]);
  if (!a->dates && !a->spec.mode)
    return cli_usage("areas needs dates: -d DATE[,DATE...], --every STEP, "
                     "--changes or --dates FILE");
  return EXIT_OK;
}

/* The dates asked for, from -d or through the batch planner. */
static int dates_of(const areas_args *a, const cm_map *map, cm_day **out, size_t *n) {
  if (!a->dates) {
    cm_error err;
    int count = cm_batch_dates(out, map, &a->spec, &err);
    if (count < 0)
      return cli_fail(&err);
    *n = (size_t)count;
    return EXIT_OK;
  }
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", a->dates);
  *out = malloc(MAX_DATES * sizeof **out);
  *n = 0;
  if (!*out)
    return cli_usage("out of memory");
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    if (*n == MAX_DATES)
      return cli_usage("at most %d dates with -d; use --dates FILE", MAX_DATES);
    int rc = cli_parse_date(tok, &(*out)[(*n)++]);
    if (rc)
      return rc;
  }
  return EXIT_OK;
}

static void print_header(const cm_areas *areas) {
  printf("date,holder,km2_geodesic_wgs84");
  for (size_t r = 0; r < cm_areas_reference_count(areas); r++)
    printf(",km2_in_%s,pct_of_%s", cm_areas_reference_name(areas, r),
           cm_areas_reference_name(areas, r));
  putchar('\n');
}

static int print_rows(cm_areas *areas, const cm_day *days, size_t n) {
  size_t nh = cm_areas_holder_count(areas), nr = cm_areas_reference_count(areas);
  double *km2 = malloc((nh + 1) * sizeof *km2);
  double *inside = malloc((nh * nr + 1) * sizeof *inside);
  cm_error err;
  int rc = km2 && inside ? EXIT_OK : cli_usage("out of memory");
  for (size_t i = 0; rc == EXIT_OK && i < n; i++) {
    if (cm_areas_at(areas, days[i], km2, inside, &err) != CM_OK) {
      rc = cli_fail(&err);
      break;
    }
    char iso[16];
    cm_date_iso(days[i], iso);
    for (size_t h = 0; h < nh; h++) {
      printf("%s,%s,%.1f", iso, cm_areas_holder(areas, h), km2[h]);
      for (size_t r = 0; r < nr; r++)
        printf(",%.1f,%.2f", inside[h * nr + r],
               100 * inside[h * nr + r] / cm_areas_reference_km2(areas, r));
      putchar('\n');
    }
  }
  free(km2);
  free(inside);
  return rc;
}

static void print_method(const cm_areas *areas) {
  fprintf(stderr, "controlmap: areas: %s\n", CM_AREAS_METHOD);
  for (size_t r = 0; r < cm_areas_reference_count(areas); r++)
    fprintf(stderr, "controlmap: reference %s: %.1f km2\n",
            cm_areas_reference_name(areas, r), cm_areas_reference_km2(areas, r));
}

int cmd_areas(int argc, char **argv) {
  areas_args a = {0};
  int rc = parse(argc, argv, &a);
  if (rc)
    return rc < 0 ? EXIT_OK : rc;
  cm_map *map;
  if ((rc = cli_open_map(&map, a.style)) != EXIT_OK)
    return rc;
  cm_error err;
  a.opt.refs = a.refs;
  if (!a.opt.nrefs)
    a.opt.nrefs = cm_areas_default_references(map, a.refs, MAX_REFS);
  cm_areas *areas = NULL;
  cm_day *days = NULL;
  size_t n = 0;
  if (cm_areas_new(&areas, map, &a.opt, &err) != CM_OK)
    rc = cli_fail(&err);
  else if ((rc = dates_of(&a, map, &days, &n)) == EXIT_OK) {
    if (!a.quiet)
      print_method(areas);
    print_header(areas);
    rc = print_rows(areas, days, n);
  }
  free(days);
  cm_areas_free(areas);
  cm_map_free(map);
  return rc;
}
