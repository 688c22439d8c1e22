#include "cli.h"
#include "controlmap/export.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char help[] =
    "usage: controlmap export [-s STYLE] -d DATE [-l LAYER] -o FILE\n"
    "\n"
    "Write the features the map shows on DATE, with their attributes, as data\n"
    "for QGIS, R or Python, in WGS 84 longitude/latitude. The format follows\n"
    "FILE's extension: .geojson (or .json), .gpkg (GeoPackage, one table per\n"
    "layer) or .csv (geometry as WKT in a column named WKT).\n"
    "\n"
    "  -s, --style FILE   the style (default: styles/default.mss)\n"
    "  -d, --date DATE    YYYY, YYYY-MM or YYYY-MM-DD\n"
    "  -l, --layer NAME   the style's layer to write (a Layer block's name);\n"
    "                     default: every layer into a .gpkg, or the style's\n"
    "                     only layer\n"
    "  -o, --output FILE  where to write (required)\n"
    "  -q, --quiet        say nothing on success\n"
    "  -h, --help         this help\n";

int cmd_export(int argc, char **argv) {
  static const struct option longs[] = {
      {"style", required_argument, 0, 's'}, {"date", required_argument, 0, 'd'},
      {"layer", required_argument, 0, 'l'}, {"output", required_argument, 0, 'o'},
      {"quiet", no_argument, 0, 'q'},       {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  const char *style = NULL, *date = NULL, *layer = NULL, *output = NULL;
  int quiet = 0, ch;
  optind = 1;
  while ((ch = getopt_long(argc, argv, ":s:d:l:o:qh", longs, NULL)) != -1) {
    switch (ch) {
    case 's': style = optarg; break;
    case 'd': date = optarg; break;
    case 'l': layer = optarg; break;
    case 'o': output = optarg; break;
    case 'q': quiet = 1; break;
    case 'h': fputs(help, stdout); return EXIT_OK;
    default: return cli_bad_option(ch, argv, longs, "export");
    }
  }
  if (optind < argc)
    return cli_usage("unexpected argument '%s' (see `controlmap export --help`)",
                     argv[optind]);
  if (!date || !output)
    return cli_usage("export needs a date and a file: -d YYYY-MM-DD -o FILE.geojson");
  cm_day day;
  int rc = cli_parse_date(date, &day);
  if (rc)
    return rc;
  cm_map *map;
  if ((rc = cli_open_map(&map, style)) != EXIT_OK)
    return rc;
  cm_error err;
  int n = cm_export(map, layer, day, output, &err);
  cm_map_free(map);
  if (n < 0)
    return cli_fail(&err);
  if (!quiet)
    fprintf(stderr, "controlmap: wrote %s (%d feature%s on %s)\n", output, n,
            n == 1 ? "" : "s", date);
  return EXIT_OK;
}
