/* mksynth: write a synthetic polygon shapefile of a given number of
 * vertices, for the benchmark's scaling runs.
 *
 *   mksynth VERTICES OUT.shp
 *
 * The polygons are wavy rings of RING_VERTICES vertices each, one per cell
 * of a grid laid over the default map's extent, so the work per polygon is
 * the same at every size and only their number grows. Each carries a
 * `holder` (AZE, NKR, ARM in turn) for the style to colour. The output is
 * the same for the same arguments. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shapefil.h>

#define RING_VERTICES 1000

static const double WEST = 44.75, SOUTH = 38.75, EAST = 47.75, NORTH = 40.65;
static const char *const HOLDERS[] = {"AZE", "NKR", "ARM"};

/* The grid: as many columns as keep the cells about square on the extent. */
typedef struct {
  long cols, rows;
  double cell_w, cell_h;
} grid;

static grid grid_for(long polygons) {
  double w = EAST - WEST, h = NORTH - SOUTH;
  grid g;
  g.cols = (long)ceil(sqrt((double)polygons * w / h));
  if (g.cols < 1) g.cols = 1;
  g.rows = (polygons + g.cols - 1) / g.cols;
  g.cell_w = w / (double)g.cols;
  g.cell_h = h / (double)g.rows;
  return g;
}

/* One ring in cell k, clockwise as shapefiles want outer rings, closed. */
static void ring(const grid *g, long k, double *x, double *y) {
  double cx = WEST + ((double)(k % g->cols) + 0.5) * g->cell_w;
  double cy = SOUTH + ((double)(k / g->cols) + 0.5) * g->cell_h;
  double rx = 0.45 * g->cell_w, ry = 0.45 * g->cell_h;
  double phase = (double)(k % 97) * 0.37;
  int n = RING_VERTICES - 1;
  for (int i = 0; i < n; i++) {
    double t = -2.0 * M_PI * i / n;
    double wave = 1.0 - 0.2 * (0.5 + 0.5 * sin(7.0 * t + phase));
    x[i] = cx + rx * wave * cos(t);
    y[i] = cy + ry * wave * sin(t);
  }
  x[n] = x[0];
  y[n] = y[0];
}

/* The .prj: the coordinates are WGS 84 longitude and latitude. */
static int write_prj(const char *shp) {
  size_t len = strlen(shp);
  char *path = malloc(len + 1);
  if (!path) return -1;
  memcpy(path, shp, len + 1);
  memcpy(path + len - 3, "prj", 3);
  FILE *f = fopen(path, "w");
  free(path);
  if (!f) return -1;
  fputs("GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\","
        "SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],"
        "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
        f);
  return fclose(f) == 0 ? 0 : -1;
}

static int write_polygons(SHPHandle shp, DBFHandle dbf, long polygons) {
  grid g = grid_for(polygons);
  double x[RING_VERTICES], y[RING_VERTICES];
  for (long k = 0; k < polygons; k++) {
    ring(&g, k, x, y);
    SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, RING_VERTICES, x, y, NULL);
    if (!o) return -1;
    int id = SHPWriteObject(shp, -1, o);
    SHPDestroyObject(o);
    if (id < 0 || !DBFWriteStringAttribute(dbf, id, 0, HOLDERS[k % 3]))
      return -1;
  }
  return 0;
}

static int usage(void) {
  fputs("usage: mksynth VERTICES OUT.shp\n"
        "  VERTICES: how many vertices in all, at least 1000 (1e6 may be written so)\n",
        stderr);
  return 2;
}

int main(int argc, char **argv) {
  if (argc != 3) return usage();
  char *end;
  double want = strtod(argv[1], &end);
  size_t len = strlen(argv[2]);
  if (*end || !(want >= RING_VERTICES) || want > 1e9 || len < 5 ||
      strcmp(argv[2] + len - 4, ".shp") != 0)
    return usage();
  long polygons = (long)(want / RING_VERTICES);
  SHPHandle shp = SHPCreate(argv[2], SHPT_POLYGON);
  DBFHandle dbf = DBFCreateEx(argv[2], "UTF-8");
  int rc = (shp && dbf && DBFAddField(dbf, "holder", FTString, 8, 0) == 0) ? 0 : -1;
  if (rc == 0) rc = write_polygons(shp, dbf, polygons);
  if (shp) SHPClose(shp);
  if (dbf) DBFClose(dbf);
  if (rc == 0) rc = write_prj(argv[2]);
  if (rc != 0) {
    fprintf(stderr, "mksynth: %s: cannot write the shapefile (is the folder there "
                    "and writable, with room on the disk?)\n", argv[2]);
    return 1;
  }
  printf("mksynth: %s: %ld polygons of %d vertices, %ld vertices\n", argv[2],
         polygons, RING_VERTICES, polygons * (long)RING_VERTICES);
  return 0;
}
