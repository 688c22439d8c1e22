#include "support/fixtures.h"

#include <dirent.h>
#include <math.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char fixture_wgs84_wkt[] =
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\","
    "6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\","
    "0.0174532925199433]]";

const char fixture_lcc_wkt[] =
    "PROJCS[\"unknown\",GEOGCS[\"GCS_unknown\",DATUM[\"D_WGS_1984\","
    "SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\","
    "0.0],UNIT[\"Degree\",0.0174532925199433]],"
    "PROJECTION[\"Lambert_Conformal_Conic\"],PARAMETER[\"False_Easting\",0.0],"
    "PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",46.5],"
    "PARAMETER[\"Standard_Parallel_1\",39.0],"
    "PARAMETER[\"Standard_Parallel_2\",41.0],"
    "PARAMETER[\"Latitude_Of_Origin\",40.0],UNIT[\"Meter\",1.0]]";

/* --- paths and small files ------------------------------------------------ */

char *fixture_path(char *buf, size_t size, const char *dir, const char *name,
                   const char *ext) {
  snprintf(buf, size, "%s/%s%s", dir, name, ext);
  return buf;
}

int fixture_make_dir(char *buf, size_t size) {
  const char *tmp = getenv("TMPDIR");
  snprintf(buf, size, "%s/controlmap-test-XXXXXX",
           tmp && *tmp ? tmp : P_tmpdir);
  return mkdtemp(buf) ? 0 : -1;
}

void fixture_remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return;
  struct dirent *e;
  char path[4096];
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      remove(path);
    }
  closedir(d);
  rmdir(dir);
}

static int write_file(const char *dir, const char *name, const char *ext,
                      const char *bytes, size_t n) {
  char path[4096];
  FILE *f = fopen(fixture_path(path, sizeof path, dir, name, ext), "wb");
  if (!f)
    return -1;
  int ok = fwrite(bytes, 1, n, f) == n;
  return fclose(f) == 0 && ok ? 0 : -1;
}

static int write_text(const char *dir, const char *name, const char *ext,
                      const char *text) {
  return write_file(dir, name, ext, text, strlen(text));
}

static int remove_file(const char *dir, const char *name, const char *ext) {
  char path[4096];
  return remove(fixture_path(path, sizeof path, dir, name, ext));
}

/* Overwrite n bytes at offset in an existing file. */
static int patch(const char *dir, const char *name, const char *ext,
                 long offset, const void *bytes, size_t n) {
  char path[4096];
  FILE *f = fopen(fixture_path(path, sizeof path, dir, name, ext), "r+b");
  if (!f)
    return -1;
  int ok = fseek(f, offset, SEEK_SET) == 0 && fwrite(bytes, 1, n, f) == n;
  return fclose(f) == 0 && ok ? 0 : -1;
}

static long file_size(const char *dir, const char *name, const char *ext) {
  char path[4096];
  struct stat st;
  if (stat(fixture_path(path, sizeof path, dir, name, ext), &st) != 0)
    return -1;
  return (long)st.st_size;
}

/* --- writing shapefiles --------------------------------------------------- */

typedef struct column {
  const char *name;
  char type; /* DBF type: C N F L D */
  int width, decimals;
} column;

/* A shapefile being written; ok turns 0 at the first failure. */
typedef struct writer {
  SHPHandle shp;
  DBFHandle dbf;
  const column *columns;
  int ncolumns, records, ok;
} writer;

/* codepage as shapelib's DBFCreateEx takes it: "UTF-8" also writes a .cpg
 * with that text, "LDID/201" sets the language driver byte instead. */
static int begin(writer *w, const char *dir, const char *name, int shp_type,
                 const char *codepage, const column *columns, int ncolumns) {
  char path[4096];
  *w = (writer){.columns = columns, .ncolumns = ncolumns, .ok = 1};
  w->shp =
      SHPCreate(fixture_path(path, sizeof path, dir, name, ".shp"), shp_type);
  w->dbf =
      DBFCreateEx(fixture_path(path, sizeof path, dir, name, ".dbf"), codepage);
  w->ok = w->shp && w->dbf;
  for (int c = 0; w->ok && c < ncolumns; c++)
    w->ok = DBFAddNativeFieldType(w->dbf, columns[c].name, columns[c].type,
                                  columns[c].width, columns[c].decimals) >= 0;
  return w->ok ? 0 : -1;
}

static int finish(writer *w) {
  if (w->shp)
    SHPClose(w->shp);
  if (w->dbf)
    DBFClose(w->dbf);
  return w->ok ? 0 : -1;
}

static void write_shape(writer *w, SHPObject *o) {
  w->ok = w->ok && o && SHPWriteObject(w->shp, -1, o) >= 0;
  SHPDestroyObject(o);
}

/* A shape from x,y pairs; z and m may be NULL. */
static void add_shape(writer *w, int type, int nparts, const int *starts, int n,
                      const double *xy, const double *z, const double *m) {
  double x[64], y[64];
  for (int i = 0; i < n && i < 64; i++) {
    x[i] = xy[2 * i];
    y[i] = xy[2 * i + 1];
  }
  write_shape(w,
              SHPCreateObject(type, -1, nparts, starts, NULL, n, x, y, z, m));
}

static void add_point(writer *w, double x, double y) {
  double xy[2] = {x, y};
  add_shape(w, SHPT_POINT, 0, NULL, 1, xy, NULL, NULL);
}

static void add_null(writer *w) {
  write_shape(w, SHPCreateSimpleObject(SHPT_NULL, 0, NULL, NULL, NULL));
}

/* One record of attributes; a NULL value is written as the DBF null. */
static void add_record(writer *w, const char *const *values) {
  int r = w->records++;
  for (int c = 0; w->ok && c < w->ncolumns; c++) {
    const char *v = values[c];
    char type = w->columns[c].type;
    if (!v)
      w->ok = DBFWriteNULLAttribute(w->dbf, r, c);
    else if (type == 'N' || type == 'F')
      w->ok = DBFWriteDoubleAttribute(w->dbf, r, c, strtod(v, NULL));
    else if (type == 'L')
      w->ok = DBFWriteLogicalAttribute(w->dbf, r, c, v[0]);
    else if (type == 'D') /* shapelib would format a date as a number */
      w->ok = DBFWriteAttributeDirectly(w->dbf, r, c, (void *)v);
    else
      w->ok = DBFWriteStringAttribute(w->dbf, r, c, v);
  }
}

static int add_prj(int rc, const char *dir, const char *name) {
  return rc == 0 ? write_text(dir, name, ".prj", fixture_wgs84_wkt) : rc;
}

/* --- good fixtures -------------------------------------------------------- */

static const column poly_columns[] = {
    {"holder", 'C', 8, 0}, {"name", 'C', 40, 0}, {"start", 'C', 10, 0},
    {"end", 'C', 10, 0},   {"area", 'N', 12, 2}, {"rank", 'N', 4, 0},
    {"ok", 'L', 1, 0},     {"day", 'D', 8, 0}};

/* Rings as x, y pairs, five points to a ring. */
/* clang-format off */
/* A: outer ring clockwise, hole counter-clockwise. */
static const double poly_a[] = {
    46, 39.5,  46, 40.5,  47, 40.5,  47, 39.5,  46, 39.5,
    46.4, 39.9,  46.6, 39.9,  46.6, 40.1,  46.4, 40.1,  46.4, 39.9};
/* B: two islands. */
static const double poly_b[] = {
    45, 38.5,  45, 39,  45.5, 39,  45.5, 38.5,  45, 38.5,
    45.8, 38.6,  45.8, 39,  46.2, 39,  46.2, 38.6,  45.8, 38.6};
/* C: outer ring counter-clockwise. */
static const double poly_c[] = {
    47.2, 40.2,  48, 40.2,  48, 41,  47.2, 41,  47.2, 40.2};
/* clang-format on */

static void write_poly_shapes(writer *w) {
  static const int two_rings[] = {0, 5};
  add_shape(w, SHPT_POLYGON, 2, two_rings, 10, poly_a, NULL, NULL);
  add_shape(w, SHPT_POLYGON, 2, two_rings, 10, poly_b, NULL, NULL);
  add_shape(w, SHPT_POLYGON, 1, two_rings, 5, poly_c, NULL, NULL);
}

static void write_poly_records(writer *w) {
  static const char *const rows[][8] = {
      {"ARM", "Ağdam", "1993", "2020-12-01", "4400.5", "1", "T", "19930403"},
      {"AZE", "Füzuli", "2020-12-01", "", "1386.25", "2", "F", "20201201"},
      {"RUS", "Շուշի", "", "", NULL, "3", NULL, NULL}};
  for (int r = 0; r < 3; r++)
    add_record(w, rows[r]);
}

int fixture_poly(const char *dir) {
  writer w;
  begin(&w, dir, "poly", SHPT_POLYGON, "UTF-8", poly_columns, 8);
  write_poly_shapes(&w);
  write_poly_records(&w);
  return add_prj(finish(&w), dir, "poly");
}

static const column line_columns[] = {
    {"kind", 'C', 20, 0}, {"start", 'C', 10, 0}, {"end", 'C', 10, 0}};

int fixture_lines(const char *dir) {
  static const double contact[] = {46, 40.3, 46.6, 40, 47, 39.7, 47.3, 39.4};
  static const double ceasefire[] = {46.2, 40.2, 46.7, 39.9, 46.8,
                                     39.8, 47.1, 39.5, 47,   39.2};
  static const double border[] = {45, 39.2, 45.6, 39, 46, 38.9};
  static const int one[] = {0}, two[] = {0, 2};
  static const char *const rows[][3] = {{"contact", "1994-05-12", "2020-11-10"},
                                        {"ceasefire", "2020-11-10", ""},
                                        {"border", "", ""}};
  writer w;
  begin(&w, dir, "lines", SHPT_ARC, "UTF-8", line_columns, 3);
  add_shape(&w, SHPT_ARC, 1, one, 4, contact, NULL, NULL);
  add_shape(&w, SHPT_ARC, 2, two, 5, ceasefire, NULL, NULL);
  add_shape(&w, SHPT_ARC, 1, one, 3, border, NULL, NULL);
  for (int r = 0; r < 3; r++)
    add_record(&w, rows[r]);
  return add_prj(finish(&w), dir, "lines");
}

static const column town_columns[] = {{"name_en", 'C', 40, 0},
                                      {"name_ar", 'C', 60, 0},
                                      {"name_hy", 'C', 60, 0},
                                      {"rank", 'N', 4, 0}};

int fixture_points(const char *dir) {
  static const double xy[] = {46.752, 39.815, 46.750, 39.758, 46.547,
                              39.641, 46.339, 39.511, 44.515, 40.183};
  static const char *const rows[][4] = {
      {"Stepanakert", "خانكندي", "Ստեփանակերտ", "1"},
      {"Shusha", "شوشا", "Շուշի", "2"},
      {"Lachin", "لاتشين", "Բերձոր", "3"},
      {"Goris", "غوريس", "Գորիս", "3"},
      {"Yerevan", "يريفان", "Երևան", "1"}};
  writer w;
  begin(&w, dir, "points", SHPT_POINT, "UTF-8", town_columns, 4);
  for (int r = 0; r < 5; r++) {
    add_point(&w, xy[2 * r], xy[2 * r + 1]);
    add_record(&w, rows[r]);
  }
  return add_prj(finish(&w), dir, "points");
}

static const column event_columns[] = {{"date", 'C', 10, 0},
                                       {"title_en", 'C', 40, 0},
                                       {"title_ar", 'C', 60, 0}};

/* Four dated events, not in date order: two days of September 2022 (one
 * inside Armenia), one of August 2022, one of September 2023. */
int fixture_events(const char *dir) {
  static const double xy[] = {46.339, 39.511, 45.670, 39.841,
                              46.547, 39.641, 46.752, 39.815};
  static const char *const rows[][3] = {
      {"2022-09-14", "Ceasefire", "وقف إطلاق النار"},
      {"2022-09-13", "Shelling of Jermuk", "قصف جرموك"},
      {"2022-08-26", "Lachin handed over", "تسليم لاتشين"},
      {"2023-09-19", "Offensive", "الهجوم"}};
  writer w;
  begin(&w, dir, "events", SHPT_POINT, "UTF-8", event_columns, 3);
  for (int r = 0; r < 4; r++) {
    add_point(&w, xy[2 * r], xy[2 * r + 1]);
    add_record(&w, rows[r]);
  }
  return add_prj(finish(&w), dir, "events");
}

static const column move_columns[] = {{"start", 'C', 10, 0},
                                      {"end", 'C', 10, 0},
                                      {"kind", 'C', 20, 0},
                                      {"size", 'N', 9, 0}};

/* Three dated movements drawn west to east, east to west and north to
 * south, so a test can tell which end carries the head. */
int fixture_moves(const char *dir) {
  static const double east[] = {45.4, 40.7, 46.4, 40.7, 47.4, 40.7};
  static const double west[] = {47.4, 39.2, 45.4, 39.2};
  static const double south[] = {46.4, 40.3, 46.4, 39.6};
  static const int one[] = {0};
  static const char *const rows[][4] = {
      {"2020-09-27", "2020-11-10", "offensive", ""},
      {"2023-09-24", "2023-10-01", "displacement", "100000"},
      {"1993-02-01", "1993-04-01", "counter-offensive", ""}};
  writer w;
  begin(&w, dir, "moves", SHPT_ARC, "UTF-8", move_columns, 4);
  add_shape(&w, SHPT_ARC, 1, one, 3, east, NULL, NULL);
  add_shape(&w, SHPT_ARC, 1, one, 2, west, NULL, NULL);
  add_shape(&w, SHPT_ARC, 1, one, 2, south, NULL, NULL);
  for (int r = 0; r < 3; r++)
    add_record(&w, rows[r]);
  return add_prj(finish(&w), dir, "moves");
}

static const column ru_columns[] = {{"name_en", 'C', 20, 0},
                                    {"name_ru", 'C', 20, 0}};

/* Russian names as CP1251 bytes. */
static int write_cp1251(const char *dir, const char *name,
                        const char *codepage) {
  static const char *const rows[][2] = {
      {"Stepanakert", "\xd1\xf2\xe5\xef\xe0\xed\xe0\xea\xe5\xf0\xf2"},
      {"Shusha", "\xd8\xf3\xf8\xe0"},
      {"Lachin", "\xcb\xe0\xf7\xe8\xed"}};
  static const double xy[] = {46.752, 39.815, 46.750, 39.758, 46.547, 39.641};
  writer w;
  begin(&w, dir, name, SHPT_POINT, codepage, ru_columns, 2);
  for (int r = 0; r < 3; r++) {
    add_point(&w, xy[2 * r], xy[2 * r + 1]);
    add_record(&w, rows[r]);
  }
  return add_prj(finish(&w), dir, name);
}

int fixture_cp1251(const char *dir) {
  return write_cp1251(dir, "cp1251", "CP1251");
}

int fixture_cp1251_ldid(const char *dir) {
  return write_cp1251(dir, "cp1251_ldid", "LDID/201");
}

static const column name_column[] = {{"name", 'C', 20, 0}};

/* No .cpg and a zero language driver byte: the reader must guess. */
int fixture_latin_ldid0(const char *dir) {
  static const char *const rows[][1] = {{"F\xfczuli"}, {"Caf\xe9"}};
  writer w;
  begin(&w, dir, "latin_ldid0", SHPT_POINT, "LDID/0", name_column, 1);
  for (int r = 0; r < 2; r++) {
    add_point(&w, 47.145, 39.6 + r * 0.1);
    add_record(&w, rows[r]);
  }
  return add_prj(finish(&w), dir, "latin_ldid0");
}

/* Two named points; the base of several fixtures. */
static int write_two_points(const char *dir, const char *name) {
  static const char *const rows[][1] = {{"Goris"}, {"Kapan"}};
  writer w;
  begin(&w, dir, name, SHPT_POINT, "UTF-8", name_column, 1);
  add_point(&w, 46.339, 39.511);
  add_record(&w, rows[0]);
  add_point(&w, 46.405, 39.207);
  add_record(&w, rows[1]);
  return finish(&w);
}

int fixture_upper(const char *dir) {
  static const char *const ext[][2] = {{".shp", ".SHP"},
                                       {".shx", ".SHX"},
                                       {".dbf", ".DBF"},
                                       {".prj", ".PRJ"},
                                       {".cpg", ".CPG"}};
  int rc = add_prj(write_two_points(dir, "upper"), dir, "upper");
  for (int i = 0; rc == 0 && i < 5; i++) {
    char from[4096], to[4096];
    rc = rename(fixture_path(from, sizeof from, dir, "upper", ext[i][0]),
                fixture_path(to, sizeof to, dir, "upper", ext[i][1]));
  }
  return rc == 0 ? 0 : -1;
}

int fixture_pointz(const char *dir) {
  static const double xy[] = {46, 39, 46.5, 39.5, 47, 40};
  static const double z[] = {100, 200, 300};
  static const char *const rows[][1] = {{"low"}, {"middle"}, {"high"}};
  writer w;
  begin(&w, dir, "pointz", SHPT_POINTZ, "UTF-8", name_column, 1);
  for (int r = 0; r < 3; r++) {
    add_shape(&w, SHPT_POINTZ, 0, NULL, 1, xy + 2 * r, z + r, NULL);
    add_record(&w, rows[r]);
  }
  return add_prj(finish(&w), dir, "pointz");
}

int fixture_polygonm(const char *dir) {
  /* clang-format off */
  static const double first[] = {46, 39,  46, 39.5,  46.5, 39.5,  46.5, 39,
                                 46, 39};
  static const double second[] = {47, 40,  47, 40.5,  47.5, 40.5,  47.5, 40,
                                  47, 40};
  /* clang-format on */
  static const double m[] = {1, 2, 3, 4, 5};
  static const int one[] = {0};
  static const char *const rows[][1] = {{"first"}, {"second"}};
  writer w;
  begin(&w, dir, "polygonm", SHPT_POLYGONM, "UTF-8", name_column, 1);
  add_shape(&w, SHPT_POLYGONM, 1, one, 5, first, NULL, m);
  add_shape(&w, SHPT_POLYGONM, 1, one, 5, second, NULL, m);
  for (int r = 0; r < 2; r++)
    add_record(&w, rows[r]);
  return add_prj(finish(&w), dir, "polygonm");
}

int fixture_multipoint(const char *dir) {
  static const double three[] = {46, 39, 46.2, 39.1, 46.4, 39.2};
  static const double two[] = {47, 40, 47.5, 40.5};
  static const char *const rows[][1] = {{"three"}, {"two"}};
  writer w;
  begin(&w, dir, "multipoint", SHPT_MULTIPOINT, "UTF-8", name_column, 1);
  add_shape(&w, SHPT_MULTIPOINT, 0, NULL, 3, three, NULL, NULL);
  add_shape(&w, SHPT_MULTIPOINT, 0, NULL, 2, two, NULL, NULL);
  for (int r = 0; r < 2; r++)
    add_record(&w, rows[r]);
  return add_prj(finish(&w), dir, "multipoint");
}

/* Records 1 and 3 are null shapes. */
int fixture_nulls(const char *dir) {
  static const char *const rows[][1] = {{"r0"}, {"r1"}, {"r2"}, {"r3"}, {"r4"}};
  writer w;
  begin(&w, dir, "nulls", SHPT_POINT, "UTF-8", name_column, 1);
  add_point(&w, 46, 39);
  add_null(&w);
  add_point(&w, 46.5, 39.5);
  add_null(&w);
  add_point(&w, 47, 40);
  for (int r = 0; r < 5; r++)
    add_record(&w, rows[r]);
  return add_prj(finish(&w), dir, "nulls");
}

int fixture_noprj(const char *dir) { return write_two_points(dir, "noprj"); }

/* A 100 km square centred on the projection's origin (46.5 E, 40 N). */
int fixture_lcc(const char *dir) {
  /* clang-format off */
  static const double square[] = {-50000, -50000,  50000, -50000,
                                  50000, 50000,  -50000, 50000,
                                  -50000, -50000};
  /* clang-format on */
  static const int one[] = {0};
  static const char *const row[] = {"square"};
  writer w;
  begin(&w, dir, "lcc", SHPT_POLYGON, "UTF-8", name_column, 1);
  add_shape(&w, SHPT_POLYGON, 1, one, 5, square, NULL, NULL);
  add_record(&w, row);
  int rc = finish(&w);
  return rc == 0 ? write_text(dir, "lcc", ".prj", fixture_lcc_wkt) : rc;
}

/* --- bad fixtures --------------------------------------------------------- */

/* The .shx is missing. */
int fixture_bad_noshx(const char *dir) {
  int rc = add_prj(write_two_points(dir, "bad_noshx"), dir, "bad_noshx");
  return rc == 0 ? remove_file(dir, "bad_noshx", ".shx") : rc;
}

/* The .dbf is missing. */
int fixture_bad_nodbf(const char *dir) {
  int rc = add_prj(write_two_points(dir, "bad_nodbf"), dir, "bad_nodbf");
  return rc == 0 ? remove_file(dir, "bad_nodbf", ".dbf") : rc;
}

static int write_poly_copy(const char *dir, const char *name) {
  writer w;
  begin(&w, dir, name, SHPT_POLYGON, "UTF-8", poly_columns, 8);
  write_poly_shapes(&w);
  write_poly_records(&w);
  return add_prj(finish(&w), dir, name);
}

/* The .shp is cut in the middle of its last record. */
int fixture_bad_truncated(const char *dir) {
  char path[4096];
  int rc = write_poly_copy(dir, "bad_truncated");
  long size = file_size(dir, "bad_truncated", ".shp");
  if (rc < 0 || size < 200)
    return -1;
  return truncate(fixture_path(path, sizeof path, dir, "bad_truncated", ".shp"),
                  size - 40);
}

/* The .shx sends record 1 far past the end of the .shp. */
int fixture_bad_shx_offsets(const char *dir) {
  static const unsigned char far[4] = {0x00, 0x10, 0x00, 0x00};
  int rc = write_poly_copy(dir, "bad_shx_offsets");
  return rc == 0 ? patch(dir, "bad_shx_offsets", ".shx", 100 + 8, far, 4) : rc;
}

/* Three shapes, two records. */
int fixture_bad_dbf_short(const char *dir) {
  writer w;
  begin(&w, dir, "bad_dbf_short", SHPT_POLYGON, "UTF-8", poly_columns, 8);
  write_poly_shapes(&w);
  write_poly_records(&w);
  int rc = add_prj(finish(&w), dir, "bad_dbf_short");
  /* Shapelib cannot write fewer records, so lower the count in the header
   * and cut the last record off. */
  static const unsigned char two[4] = {2, 0, 0, 0};
  char path[4096];
  long size = file_size(dir, "bad_dbf_short", ".dbf");
  if (rc < 0 || size < 0 || patch(dir, "bad_dbf_short", ".dbf", 4, two, 4) < 0)
    return -1;
  long record = 1 + 8 + 40 + 10 + 10 + 12 + 4 + 1 + 8;
  return truncate(fixture_path(path, sizeof path, dir, "bad_dbf_short", ".dbf"),
                  size - 1 - record);
}

/* The record length in the .dbf header disagrees with the fields. */
int fixture_bad_dbf_header(const char *dir) {
  static const unsigned char length[2] = {0x07, 0x01};
  int rc = write_poly_copy(dir, "bad_dbf_header");
  return rc == 0 ? patch(dir, "bad_dbf_header", ".dbf", 10, length, 2) : rc;
}

/* The first 100 bytes of the .shp are text. */
int fixture_bad_header(const char *dir) {
  char garbage[100];
  memset(garbage, '#', sizeof garbage);
  memcpy(garbage, "this is not a shapefile", 23);
  int rc = write_poly_copy(dir, "bad_header");
  return rc == 0 ? patch(dir, "bad_header", ".shp", 0, garbage, 100) : rc;
}

/* The .cpg names an encoding nobody knows. */
int fixture_bad_cpg(const char *dir) {
  int rc = add_prj(write_two_points(dir, "bad_cpg"), dir, "bad_cpg");
  return rc == 0 ? write_text(dir, "bad_cpg", ".cpg", "KLINGON-42\n") : rc;
}

/* The .cpg says UTF-8, but record 1 holds Latin-1 bytes. */
int fixture_bad_utf8(const char *dir) {
  static const char *const rows[][1] = {{"Goris"}, {"Caf\xe9"}};
  writer w;
  begin(&w, dir, "bad_utf8", SHPT_POINT, "UTF-8", name_column, 1);
  for (int r = 0; r < 2; r++) {
    add_point(&w, 46.3 + r * 0.1, 39.5);
    add_record(&w, rows[r]);
  }
  return add_prj(finish(&w), dir, "bad_utf8");
}

/* The .prj is not a CRS: the layer loads, cm_proj_create fails. */
int fixture_bad_prj(const char *dir) {
  int rc = write_two_points(dir, "bad_prj");
  return rc == 0 ? write_text(dir, "bad_prj", ".prj", "this is not a CRS\n")
                 : rc;
}

/* Record 1 has a NaN coordinate. */
int fixture_bad_nan(const char *dir) {
  static const char *const rows[][1] = {{"fine"}, {"broken"}};
  writer w;
  begin(&w, dir, "bad_nan", SHPT_POINT, "UTF-8", name_column, 1);
  add_point(&w, 46, 39);
  add_point(&w, 46.5, NAN);
  for (int r = 0; r < 2; r++)
    add_record(&w, rows[r]);
  return add_prj(finish(&w), dir, "bad_nan");
}

/* A MultiPatch (3D surface) layer, which is refused. */
int fixture_bad_multipatch(const char *dir) {
  static const double xy[] = {46, 39, 46, 39.5, 46.5, 39, 46.5, 39.5};
  static const double z[] = {0, 10, 0, 10};
  static const int start[] = {0}, type[] = {SHPP_TRISTRIP};
  static const char *const row[] = {"surface"};
  double x[4], y[4];
  for (int i = 0; i < 4; i++) {
    x[i] = xy[2 * i];
    y[i] = xy[2 * i + 1];
  }
  writer w;
  begin(&w, dir, "bad_multipatch", SHPT_MULTIPATCH, "UTF-8", name_column, 1);
  write_shape(&w, SHPCreateObject(SHPT_MULTIPATCH, -1, 1, start, type, 4, x, y,
                                  z, NULL));
  add_record(&w, row);
  return add_prj(finish(&w), dir, "bad_multipatch");
}

/* Ground that changes hands on 2020-11-10, several holders gaining and
 * losing: squares of 0.5 degrees in a row from lon 45.5, lat 39.5 to 40.
 * Square 0 goes ARM to AZE, 1 AZE to ARM, 2 stays RUS, 3 ARM to RUS, 4 AZE
 * to nobody, 5 ARM to half ARM (west) and half AZE (east), 6 GEO (a holder
 * gone after the change) to ARM. */
static const column holder_columns[] = {
    {"holder", 'C', 8, 0}, {"start", 'C', 10, 0}, {"end", 'C', 10, 0}};

static void add_box(writer *w, double x0, double x1) {
  static const int one[] = {0};
  const double xy[] = {x0, 39.5, x0, 40, x1, 40, x1, 39.5, x0, 39.5};
  add_shape(w, SHPT_POLYGON, 1, one, 5, xy, NULL, NULL);
}

int fixture_holders(const char *dir) {
  static const struct {
    int square;
    double from, to; /* share of the square's width */
    const char *row[3];
  } f[] = {{0, 0, 1, {"ARM", "1990", "2020-11-10"}},
           {0, 0, 1, {"AZE", "2020-11-10", ""}},
           {1, 0, 1, {"AZE", "1990", "2020-11-10"}},
           {1, 0, 1, {"ARM", "2020-11-10", ""}},
           {2, 0, 1, {"RUS", "", ""}},
           {3, 0, 1, {"ARM", "1990", "2020-11-10"}},
           {3, 0, 1, {"RUS", "2020-11-10", ""}},
           {4, 0, 1, {"AZE", "1990", "2020-11-10"}},
           {5, 0, 1, {"ARM", "1990", "2020-11-10"}},
           {5, 0, 0.5, {"ARM", "2020-11-10", ""}},
           {5, 0.5, 1, {"AZE", "2020-11-10", ""}},
           {6, 0, 1, {"GEO", "1990", "2020-11-10"}},
           {6, 0, 1, {"ARM", "2020-11-10", ""}}};
  writer w;
  begin(&w, dir, "holders", SHPT_POLYGON, "UTF-8", holder_columns, 3);
  for (size_t i = 0; i < sizeof f / sizeof *f; i++) {
    double x = 45.5 + 0.5 * f[i].square;
    add_box(&w, x + 0.5 * f[i].from, x + 0.5 * f[i].to);
    add_record(&w, f[i].row);
  }
  return add_prj(finish(&w), dir, "holders");
}

/* --- the table ------------------------------------------------------------ */

const fixture fixtures[] = {
    {"poly", fixture_poly},
    {"lines", fixture_lines},
    {"points", fixture_points},
    {"events", fixture_events},
    {"moves", fixture_moves},
    {"cp1251", fixture_cp1251},
    {"cp1251_ldid", fixture_cp1251_ldid},
    {"latin_ldid0", fixture_latin_ldid0},
    {"upper", fixture_upper},
    {"pointz", fixture_pointz},
    {"polygonm", fixture_polygonm},
    {"multipoint", fixture_multipoint},
    {"nulls", fixture_nulls},
    {"noprj", fixture_noprj},
    {"lcc", fixture_lcc},
    {"holders", fixture_holders},
    {"bad_noshx", fixture_bad_noshx},
    {"bad_nodbf", fixture_bad_nodbf},
    {"bad_truncated", fixture_bad_truncated},
    {"bad_shx_offsets", fixture_bad_shx_offsets},
    {"bad_dbf_short", fixture_bad_dbf_short},
    {"bad_dbf_header", fixture_bad_dbf_header},
    {"bad_header", fixture_bad_header},
    {"bad_cpg", fixture_bad_cpg},
    {"bad_utf8", fixture_bad_utf8},
    {"bad_prj", fixture_bad_prj},
    {"bad_nan", fixture_bad_nan},
    {"bad_multipatch", fixture_bad_multipatch},
};

const size_t fixture_count = sizeof fixtures / sizeof fixtures[0];

int fixture_write(const char *dir, const char *name) {
  for (size_t i = 0; i < fixture_count; i++)
    if (strcmp(fixtures[i].name, name) == 0)
      return fixtures[i].write(dir) == 0 ? 0 : -1;
  return -1;
}

int fixtures_write_all(const char *dir) {
  for (size_t i = 0; i < fixture_count; i++)
    if (fixtures[i].write(dir) != 0)
      return -1;
  return 0;
}

/* A new folder holding the fixtures named, or all of them when names is
 * NULL. A folder that fails is removed, so that no tear-down need run. */
static int make_dir_with(char *buf, size_t size, const char *const *names) {
  if (fixture_make_dir(buf, size) != 0)
    return -1;
  int rc = names ? 0 : fixtures_write_all(buf);
  for (; rc == 0 && names && *names; names++)
    rc = fixture_write(buf, *names);
  if (rc != 0)
    fixture_remove_dir(buf);
  return rc == 0 ? 0 : -1;
}

int fixture_dir_all(char *buf, size_t size) {
  return make_dir_with(buf, size, NULL);
}

int fixture_dir_map(char *buf, size_t size) {
  static const char *const layers[] = {"poly", "lines", "points", NULL};
  return make_dir_with(buf, size, layers);
}

int fixture_dir_poly(char *buf, size_t size) {
  static const char *const layers[] = {"poly", NULL};
  return make_dir_with(buf, size, layers);
}
