#include "controlmap/layer.h"

#include "data_internal.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <shapefil.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Shapelib is only handed files whose headers and record layout have been
 * checked here first: it trusts sizes and counts it reads, and has had
 * memory-safety bugs on crafted files. */

enum { PATH_CAP = 4096, PRJ_CAP = 1 << 20, CPG_CAP = 256 };

/* The files of one shapefile as found on disk. */
typedef struct files {
  char shp[PATH_CAP], shx[PATH_CAP], dbf[PATH_CAP], prj[PATH_CAP],
      cpg[PATH_CAP];
  int has_prj, has_cpg;
  long long shp_size, shx_size, dbf_size;
} files;

/* What the .dbf header says. */
typedef struct dbf_info {
  size_t records, fields;
  int ldid;
} dbf_info;

/* --- small helpers -------------------------------------------------------- */

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static int32_t le32(const unsigned char *p) {
  return (int32_t)((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
                   (uint32_t)p[1] << 8 | p[0]);
}

static unsigned le16(const unsigned char *p) {
  return (unsigned)p[1] << 8 | p[0];
}

/* Shapelib reports trouble through this hook; the library never prints, and
 * every failure shapelib can report is also caught by a return value. */
static void quiet(const char *message) { (void)message; }

static void quiet_hooks(SAHooks *hooks) {
  SASetupDefaultHooks(hooks);
  hooks->Error = quiet;
}

/* Read n bytes at offset; 0 or -1. */
static int read_at(FILE *f, long long offset, void *buf, size_t n) {
  if (fseeko(f, (off_t)offset, SEEK_SET) != 0)
    return -1;
  return fread(buf, 1, n, f) == n ? 0 : -1;
}

static int io_error(cm_error *err, const char *path) {
  cm_error_set(err, CM_EIO, path, 0, 0, "cannot read the file");
  cm_error_hint(err, "check that it exists and is readable");
  return CM_EIO;
}

/* Only reached when a file changed under us or shapelib disagrees with
 * the checks made before opening. */
static int open_error(cm_error *err, const char *path) {
  cm_error_set(err, CM_EDATA, path, 0, 0, "shapelib could not read the file");
  cm_error_hint(err, "the file may be damaged; export the layer again");
  return CM_EDATA;
}

static int no_memory(cm_error *err, const char *path) {
  return cm_error_set(err, CM_ENOMEM, path, 0, 0,
                      "out of memory while reading the layer");
}

/* --- finding the files ---------------------------------------------------- */

enum { KIND_MISSING, KIND_FILE, KIND_FOLDER, KIND_OTHER, KIND_UNREADABLE };

/* Why the last file_kind on this thread gave KIND_UNREADABLE. */
static _Thread_local int unreadable_errno;

/* What is at path. Only a name that is not there is missing: a link that
 * loops or a folder that cannot be entered is unreadable, and says why. */
static int file_kind(const char *path, long long *size) {
  struct stat st;
  if (stat(path, &st) != 0) {
    unreadable_errno = errno;
    return errno == ENOENT || errno == ENOTDIR ? KIND_MISSING : KIND_UNREADABLE;
  }
  if (size)
    *size = (long long)st.st_size;
  if (S_ISDIR(st.st_mode))
    return KIND_FOLDER;
  return S_ISREG(st.st_mode) ? KIND_FILE : KIND_OTHER;
}

static int join(char *out, const char *base, const char *ext) {
  int n = snprintf(out, PATH_CAP, "%s%s", base, ext);
  return n > 0 && n < PATH_CAP ? 0 : -1;
}

static int not_a_file(cm_error *err, const char *path, int kind) {
  if (kind == KIND_UNREADABLE) {
    cm_error_set(err, CM_EIO, path, 0, 0, "cannot be read: %s",
                 strerror(unreadable_errno));
    cm_error_hint(err, unreadable_errno == ELOOP
                           ? "a symbolic link leads back to itself; point it "
                             "at the file"
                           : "check the path and its permissions");
    return CM_EIO;
  }
  size_t n = strlen(path);
  int shp = n >= 4 && strcasecmp(path + n - 4, ".shp") == 0;
  cm_error_set(err, CM_EIO, path, 0, 0, "%s",
               kind == KIND_FOLDER ? "is a folder where a file was expected"
                                   : "is not a regular file (a pipe or a device)");
  cm_error_hint(err, "%s", shp ? "give the path of the .shp file"
                               : "every file of a shapefile must be a regular "
                                 "file; copy it as one");
  return CM_EIO;
}

/* Find base.ext with a lower- or upper-case extension (the order shapelib
 * uses too). Returns 1 found, 0 missing (out then holds the lower-case
 * name for messages), or a negative code. */
static int find_companion(char *out, const char *base, const char *lower,
                          const char *upper, long long *size, cm_error *err) {
  char alt[PATH_CAP];
  if (join(out, base, lower) < 0 || join(alt, base, upper) < 0)
    return cm_error_set(err, CM_EUSAGE, base, 0, 0, "path is too long");
  int kind = file_kind(out, size);
  if (kind == KIND_MISSING && file_kind(alt, size) != KIND_MISSING) {
    memcpy(out, alt, sizeof alt);
    kind = file_kind(out, size);
  }
  if (kind == KIND_MISSING)
    return 0;
  return kind == KIND_FILE ? 1 : not_a_file(err, out, kind);
}

static int required_missing(cm_error *err, const char *path, const char *what) {
  cm_error_set(err, CM_EIO, path, 0, 0,
               "the required %s is missing: a shapefile is a .shp, .shx and "
               ".dbf side by side",
               what);
  cm_error_hint(err, "copy all the files of the shapefile, not just the .shp");
  return CM_EIO;
}

/* The name without .shp, from "name.shp" or "name". */
static int base_name(char *base, const char *path, cm_error *err) {
  size_t n = strlen(path);
  if (n >= PATH_CAP)
    return cm_error_set(err, CM_EUSAGE, path, 0, 0, "path is too long");
  memcpy(base, path, n + 1);
  if (n >= 4 && strcasecmp(path + n - 4, ".shp") == 0)
    base[n - 4] = '\0';
  return 0;
}

static int find_shp(files *fs, const char *path, const char *base,
                    cm_error *err) {
  int rc = find_companion(fs->shp, base, ".shp", ".SHP", &fs->shp_size, err);
  if (rc)
    return rc < 0 ? rc : 0;
  int kind = file_kind(path, NULL);
  if (kind == KIND_FOLDER) {
    cm_error_set(err, CM_EIO, path, 0, 0, "is a folder, not a shapefile");
    cm_error_hint(err, "give the .shp file inside it");
    return CM_EIO;
  }
  if (kind != KIND_MISSING && strcmp(path, base) == 0) {
    cm_error_set(err, CM_EIO, path, 0, 0, "is not a .shp file");
    cm_error_hint(err, "give the .shp file, or its name without extension");
    return CM_EIO;
  }
  cm_error_set(err, CM_EIO, fs->shp, 0, 0, "no such shapefile");
  cm_error_hint(err, "check the path; extensions must be all lower or all "
                     "upper case");
  return CM_EIO;
}

static int find_files(files *fs, const char *path, cm_error *err) {
  char base[PATH_CAP];
  int rc = base_name(base, path, err);
  if (rc < 0 || (rc = find_shp(fs, path, base, err)) < 0)
    return rc;
  rc = find_companion(fs->shx, base, ".shx", ".SHX", &fs->shx_size, err);
  if (rc <= 0)
    return rc < 0 ? rc : required_missing(err, fs->shx, ".shx index");
  rc = find_companion(fs->dbf, base, ".dbf", ".DBF", &fs->dbf_size, err);
  if (rc <= 0)
    return rc < 0 ? rc : required_missing(err, fs->dbf, ".dbf attribute table");
  rc = find_companion(fs->prj, base, ".prj", ".PRJ", NULL, err);
  if (rc < 0)
    return rc;
  fs->has_prj = rc;
  rc = find_companion(fs->cpg, base, ".cpg", ".CPG", NULL, err);
  if (rc < 0)
    return rc;
  fs->has_cpg = rc;
  return 0;
}

/* --- checking the .shp and .shx ------------------------------------------- */

static int is_point_type(int t) { return t == 1 || t == 11 || t == 21; }
static int is_multipoint_type(int t) { return t == 8 || t == 18 || t == 28; }
static int is_z_type(int t) { return t >= 11 && t <= 18; }

static int is_line_or_polygon_type(int t) {
  return t == 3 || t == 5 || t == 13 || t == 15 || t == 23 || t == 25;
}

static const char *shape_type_name(int t) {
  switch (t) {
  case 0: return "Null";
  case 1: return "Point";
  case 3: return "PolyLine";
  case 5: return "Polygon";
  case 8: return "MultiPoint";
  case 11: return "PointZ";
  case 13: return "PolyLineZ";
  case 15: return "PolygonZ";
  case 18: return "MultiPointZ";
  case 21: return "PointM";
  case 23: return "PolyLineM";
  case 25: return "PolygonM";
  case 28: return "MultiPointM";
  case 31: return "MultiPatch";
  default: return NULL;
  }
}

static cm_geom_type geom_type_of(int t) {
  if (is_point_type(t) || is_multipoint_type(t))
    return CM_GEOM_POINT;
  if (t == 3 || t == 13 || t == 23)
    return CM_GEOM_LINE;
  if (t == 5 || t == 15 || t == 25)
    return CM_GEOM_POLYGON;
  return CM_GEOM_NONE;
}

static int bad_shape_type(cm_error *err, const char *path, int type) {
  if (type == 31) {
    cm_error_set(err, CM_EDATA, path, 0, 0,
                 "MultiPatch shapes (3D surfaces) are not supported");
    cm_error_hint(err, "convert the layer to polygons, e.g. with ogr2ogr "
                       "-nlt POLYGON");
  } else {
    cm_error_set(err, CM_EDATA, path, 0, 0, "unknown shape type %d", type);
    cm_error_hint(err, "the file is damaged or not a shapefile");
  }
  return CM_EDATA;
}

/* The 100-byte header shared by .shp and .shx; returns the shape type. */
static int check_main_header(const char *path, long long size, int *type,
                             cm_error *err) {
  unsigned char h[100];
  if (size < 100) {
    cm_error_set(err, CM_EDATA, path, 0, 0,
                 "is %lld bytes, too short for a shapefile header (100 bytes)",
                 size);
    cm_error_hint(err, "the file is empty or was cut short; copy it again");
    return CM_EDATA;
  }
  FILE *f = fopen(path, "rb");
  if (!f || read_at(f, 0, h, sizeof h) < 0) {
    if (f)
      fclose(f);
    return io_error(err, path);
  }
  fclose(f);
  if (be32(h) != 9994) {
    cm_error_set(err, CM_EDATA, path, 0, 0,
                 "not a shapefile: the file code is %lu, not 9994",
                 (unsigned long)be32(h));
    cm_error_hint(err,
                  "the header is damaged, or this is another kind of file");
    return CM_EDATA;
  }
  if (le32(h + 28) != 1000) {
    cm_error_set(err, CM_EDATA, path, 0, 0,
                 "unknown shapefile version %ld (expected 1000)",
                 (long)le32(h + 28));
    cm_error_hint(err, "the header is damaged");
    return CM_EDATA;
  }
  long long declared = 2LL * be32(h + 24);
  if (declared != size) {
    cm_error_set(err, CM_EDATA, path, 0, 0,
                 "the header says the file is %lld bytes, but it is %lld",
                 declared, size);
    cm_error_hint(err, "the file was cut short or damaged; copy it again");
    return CM_EDATA;
  }
  *type = le32(h + 32);
  if (!shape_type_name(*type) || *type == 31)
    return bad_shape_type(err, path, *type);
  return 0;
}

/* Bytes a record's content needs for its type and counts. */
static long long needed_bytes(int type, long long parts, long long points) {
  if (is_point_type(type))
    return type == 1 ? 20 : 28;
  long long n = is_multipoint_type(type) ? 40 + 16 * points
                                         : 44 + 4 * parts + 16 * points;
  return is_z_type(type) ? n + 16 + 8 * points : n;
}

static int record_error(cm_error *err, const char *path, size_t i,
                        const char *what) {
  cm_error_set(err, CM_EDATA, path, 0, 0, "record %zu: %s", i, what);
  cm_error_hint(err, "the file is damaged; export the layer again");
  return CM_EDATA;
}

/* Part starts of a line or polygon with points: the first at point 0, the
 * others after it, each past the one before (no empty part) and inside the
 * record; shapelib refuses the rest without saying why. off is the record's
 * start in the .shp. */
static int check_parts(FILE *shp, const char *path, size_t i, long long off,
                       long long parts, long long points, cm_error *err) {
  enum { BATCH_PARTS = 256 };
  unsigned char buf[4 * BATCH_PARTS];
  long long before = 0;
  for (long long p = 0; p < parts; p += BATCH_PARTS) {
    size_t n = parts - p < BATCH_PARTS ? (size_t)(parts - p) : BATCH_PARTS;
    if (read_at(shp, off + 52 + 4 * p, buf, 4 * n) < 0)
      return record_error(err, path, i, "cut short: its counts need more bytes");
    for (size_t k = 0; k < n; k++) {
      long long start = le32(buf + 4 * k);
      if (p + (long long)k == 0 && start != 0)
        return record_error(err, path, i, "its first part does not start at "
                                          "its first point");
      if ((p + (long long)k > 0 && start <= before) || start >= points) {
        char what[160];
        snprintf(what, sizeof what,
                 "its parts are out of order: part %lld starts at point %lld "
                 "of %lld",
                 p + (long long)k, start, points);
        return record_error(err, path, i, what);
      }
      before = start;
    }
  }
  return 0;
}

/* The start of one .shp record: header and counts, checked against the
 * length the index gives and the layer's shape type. */
static int check_record(FILE *shp, const char *path, size_t i, long long off,
                        long long len, int layer_type, cm_error *err) {
  unsigned char r[52] = {0};
  size_t have = len < 44 ? (size_t)len + 8 : sizeof r;
  if (len < 4 || read_at(shp, off, r, have) < 0)
    return record_error(err, path, i, "shorter than its shape type");
  if (2LL * be32(r + 4) != len)
    return record_error(err, path, i, "its length differs from the .shx index");
  int type = le32(r + 8);
  if (type == 0)
    return 0;
  if (type != layer_type) {
    char what[128];
    snprintf(what, sizeof what, "shape type %d in a %s layer", type,
             shape_type_name(layer_type));
    return record_error(err, path, i, what);
  }
  long long parts = 0, points = 1;
  if (is_multipoint_type(type) && have >= 48)
    points = le32(r + 44);
  else if (is_line_or_polygon_type(type) && have >= 52) {
    parts = le32(r + 44);
    points = le32(r + 48);
  } else if (!is_point_type(type))
    return record_error(err, path, i, "too short to hold its counts");
  if (parts < 0 || points < 0 ||
      (points > 0 && is_line_or_polygon_type(type) && parts == 0))
    return record_error(err, path, i, "impossible part or point count");
  if (needed_bytes(type, parts, points) > len)
    return record_error(err, path, i, "cut short: its counts need more bytes");
  return points > 0 ? check_parts(shp, path, i, off, parts, points, err) : 0;
}

/* Where one record lies in the .shp, for the overlap check. */
typedef struct record_span {
  long long start, end;
  size_t record;
} record_span;

static int by_start(const void *a, const void *b) {
  const record_span *x = a, *y = b;
  return (x->start > y->start) - (x->start < y->start);
}

/* Records may lie in any order in the .shp (an edit may move one to the
 * end), but no two may share bytes: otherwise a small .shx could make the
 * loader read and keep the same large record again and again, and memory
 * would no longer be bounded by the size of the files. */
static int check_overlaps(const files *fs, const unsigned char *index,
                          size_t n, cm_error *err) {
  record_span *spans = malloc(n * sizeof *spans + 1);
  if (!spans)
    return no_memory(err, fs->shx);
  for (size_t i = 0; i < n; i++) {
    long long off = 2LL * be32(index + 8 * i);
    spans[i] = (record_span){off, off + 8 + 2LL * be32(index + 8 * i + 4), i};
  }
  qsort(spans, n, sizeof *spans, by_start);
  int rc = 0;
  for (size_t k = 1; k < n && rc == 0; k++)
    if (spans[k].start < spans[k - 1].end) {
      size_t a = spans[k - 1].record, b = spans[k].record;
      cm_error_set(err, CM_EDATA, fs->shx, 0, 0,
                   "records %zu and %zu overlap in the .shp",
                   a < b ? a : b, a < b ? b : a);
      cm_error_hint(err, "the .shx does not match the .shp; rebuild the "
                         "index or export the layer again");
      rc = CM_EDATA;
    }
  free(spans);
  return rc;
}

/* Every index entry points inside the .shp at a sound record. */
static int check_records(const files *fs, const unsigned char *index, size_t n,
                         int type, cm_error *err) {
  FILE *shp = fopen(fs->shp, "rb");
  if (!shp)
    return io_error(err, fs->shp);
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    long long off = 2LL * be32(index + 8 * i);
    long long len = 2LL * be32(index + 8 * i + 4);
    if (off < 100 || off + 8 + len > fs->shp_size) {
      cm_error_set(err, CM_EDATA, fs->shx, 0, 0,
                   "record %zu: offset %lld and length %lld point outside the "
                   ".shp (%lld bytes)",
                   i, off, len, fs->shp_size);
      cm_error_hint(err, "the .shx does not match the .shp; rebuild the "
                         "index or export the layer again");
      rc = CM_EDATA;
    } else
      rc = check_record(shp, fs->shp, i, off, len, type, err);
  }
  fclose(shp);
  return rc == 0 ? check_overlaps(fs, index, n, err) : rc;
}

/* Check the .shp and .shx headers and records; *records is the count. */
static int check_shapes(const files *fs, int *type, size_t *records,
                        cm_error *err) {
  int shx_type, rc = check_main_header(fs->shp, fs->shp_size, type, err);
  if (rc < 0 ||
      (rc = check_main_header(fs->shx, fs->shx_size, &shx_type, err)) < 0)
    return rc;
  if (shx_type != *type || (fs->shx_size - 100) % 8 != 0 ||
      (fs->shx_size - 100) / 8 > INT32_MAX) {
    cm_error_set(err, CM_EDATA, fs->shx, 0, 0,
                 "the index does not fit the .shp: it should be 100 bytes plus "
                 "8 per record, with the same shape type");
    cm_error_hint(err, "rebuild the index or export the layer again");
    return CM_EDATA;
  }
  *records = (size_t)(fs->shx_size - 100) / 8;
  unsigned char *index = malloc(*records * 8 + 1);
  FILE *f = fopen(fs->shx, "rb");
  if (!index || !f || read_at(f, 100, index, *records * 8) < 0)
    rc = !index ? no_memory(err, fs->shx) : io_error(err, fs->shx);
  else
    rc = check_records(fs, index, *records, *type, err);
  if (f)
    fclose(f);
  free(index);
  return rc;
}

/* --- checking the .dbf ---------------------------------------------------- */

static int dbf_error(cm_error *err, const char *path, const char *what) {
  cm_error_set(err, CM_EDATA, path, 0, 0, "%s", what);
  cm_error_hint(err, "the attribute table is damaged; export the layer again");
  return CM_EDATA;
}

/* Walk the field descriptors; the widths must add up to the record length
 * (one byte more for the deletion mark). */
static int check_dbf_fields(const char *path, const unsigned char *h,
                            size_t hlen, size_t rlen, dbf_info *info,
                            cm_error *err) {
  size_t pos = 32, width = 1;
  info->fields = 0;
  for (; pos + 32 <= hlen && h[pos] != 0x0D; pos += 32) {
    if (h[pos + 16] == 0) /* also keeps value storage bounded by file size */
      return dbf_error(err, path, "a field has width 0");
    width += h[pos + 16];
    info->fields++;
  }
  if (pos >= hlen || h[pos] != 0x0D)
    return dbf_error(err, path, "the field list has no end mark");
  if (width != rlen) {
    char what[160];
    snprintf(what, sizeof what,
             "the record length %zu differs from the field widths (%zu)", rlen,
             width);
    return dbf_error(err, path, what);
  }
  return 0;
}

static int check_dbf(const files *fs, dbf_info *info, cm_error *err) {
  unsigned char h[32];
  if (fs->dbf_size < 33)
    return dbf_error(err, fs->dbf, "too short to be a .dbf file");
  FILE *f = fopen(fs->dbf, "rb");
  if (!f || read_at(f, 0, h, sizeof h) < 0) {
    if (f)
      fclose(f);
    return io_error(err, fs->dbf);
  }
  size_t records = (uint32_t)le32(h + 4), hlen = le16(h + 8),
         rlen = le16(h + 10);
  info->ldid = h[29];
  unsigned char *header =
      hlen >= 33 && (long long)hlen <= fs->dbf_size ? malloc(hlen) : NULL;
  int rc;
  if (!header)
    rc = dbf_error(err, fs->dbf, "the header length does not fit the file");
  else if (read_at(f, 0, header, hlen) < 0)
    rc = io_error(err, fs->dbf);
  else
    rc = check_dbf_fields(fs->dbf, header, hlen, rlen, info, err);
  free(header);
  fclose(f);
  if (rc < 0)
    return rc;
  if ((long long)hlen + (long long)records * (long long)rlen > fs->dbf_size) {
    cm_error_set(err, CM_EDATA, fs->dbf, 0, 0,
                 "the header counts %zu records, but only %lld fit in the file",
                 records, (fs->dbf_size - (long long)hlen) / (long long)rlen);
    cm_error_hint(err, "the file was cut short; copy it again");
    return CM_EDATA;
  }
  info->records = records;
  return 0;
}

/* --- small text files ----------------------------------------------------- */

/* A control byte other than a blank in what should be a text (a NUL would
 * also cut the text short without a word). */
static int not_text(char c) {
  unsigned char u = (unsigned char)c;
  return (u < 0x20 && !isspace(u)) || u == 0x7F;
}

/* Read a whole small file, NUL-terminated, without a UTF-8 byte order mark
 * and trailing blanks; a file with control bytes is refused. *text is the
 * caller's. */
static int read_text_file(const char *path, long cap, char **text,
                          cm_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return io_error(err, path);
  char *buf = malloc((size_t)cap + 1);
  size_t n = buf ? fread(buf, 1, (size_t)cap + 1, f) : 0;
  int failed = ferror(f);
  fclose(f);
  if (!buf)
    return no_memory(err, path);
  if (failed || n > (size_t)cap) {
    free(buf);
    if (failed)
      return io_error(err, path);
    cm_error_set(err, CM_EDATA, path, 0, 0, "is larger than %ld bytes", cap);
    cm_error_hint(err, "this file should hold a short text");
    return CM_EDATA;
  }
  for (size_t i = 0; i < n; i++)
    if (not_text(buf[i])) {
      unsigned char bad = (unsigned char)buf[i];
      free(buf);
      cm_error_set(err, CM_EDATA, path, 0, 0, "is not text: byte %zu is 0x%02X",
                   i, bad);
      cm_error_hint(err, "this file should hold a short text; export it "
                         "again, or delete it if it is not needed");
      return CM_EDATA;
    }
  while (n && isspace((unsigned char)buf[n - 1]))
    n--;
  buf[n] = '\0';
  size_t skip = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  memmove(buf, buf + skip, n - skip + 1);
  *text = buf;
  return 0;
}

/* --- the layer's text store ----------------------------------------------- */

/* Append n bytes as a NUL-terminated string; its offset, or SIZE_MAX. */
size_t cm__layer_text(cm_layer *l, const char *s, size_t n) {
  if (l->text_len + n + 1 > l->text_cap) {
    size_t cap = l->text_cap ? l->text_cap : 4096;
    while (cap < l->text_len + n + 1)
      cap *= 2;
    char *text = realloc(l->text, cap);
    if (!text)
      return SIZE_MAX;
    l->text = text;
    l->text_cap = cap;
  }
  size_t at = l->text_len;
  memcpy(l->text + at, s, n);
  l->text[at + n] = '\0';
  l->text_len += n + 1;
  return at;
}

/* --- geometry ------------------------------------------------------------- */

static int shape_error(cm_error *err, const char *path, int record,
                       const char *what) {
  cm_error_set(err, CM_EDATA, path, 0, 0, "record %d: %s", record, what);
  cm_error_hint(err, "fix or remove that feature, e.g. in QGIS");
  return CM_EDATA;
}

/* What shapelib read must agree with what we checked before. */
static int check_object(const SHPObject *o, int type, const char *path,
                        int record, cm_error *err) {
  if (o->nSHPType != type)
    return shape_error(err, path, record, "unexpected shape type");
  if (o->nVertices < 0 || o->nParts < 0)
    return shape_error(err, path, record, "negative point or part count");
  if (is_line_or_polygon_type(type) && o->nVertices > 0) {
    if (o->nParts < 1 || o->panPartStart[0] != 0)
      return shape_error(err, path, record,
                         "its first part does not start "
                         "at its first point");
    for (int p = 1; p < o->nParts; p++)
      if (o->panPartStart[p] < o->panPartStart[p - 1] ||
          o->panPartStart[p] >= o->nVertices)
        return shape_error(err, path, record, "its parts are out of order");
  }
  for (int v = 0; v < o->nVertices; v++)
    if (!isfinite(o->padfX[v]) || !isfinite(o->padfY[v]))
      return shape_error(err, path, record,
                         "a coordinate is not a number (NaN or infinite)");
  return 0;
}

static void extend(cm_bbox *b, double x, double y) {
  b->minx = fmin(b->minx, x);
  b->miny = fmin(b->miny, y);
  b->maxx = fmax(b->maxx, x);
  b->maxy = fmax(b->maxy, y);
}

/* Copy shapelib's object into g: one part per point for point types, and
 * the non-empty parts of lines and polygons. */
static int copy_object(const SHPObject *o, cm_geom *g, cm_bbox *extent) {
  size_t nv = (size_t)o->nVertices;
  int by_point = !is_line_or_polygon_type(o->nSHPType);
  size_t np = by_point ? nv : (size_t)o->nParts;
  g->points = malloc(nv * sizeof *g->points);
  g->parts = malloc(np * sizeof *g->parts);
  if (!g->points || !g->parts)
    return CM_ENOMEM;
  g->cap_points = nv;
  g->cap_parts = np;
  for (size_t v = 0; v < nv; v++) {
    g->points[v] = (cm_point){o->padfX[v], o->padfY[v]};
    extend(extent, o->padfX[v], o->padfY[v]);
  }
  g->npoints = nv;
  for (size_t p = 0; p < np; p++) {
    size_t start = p, end = p + 1;
    if (!by_point) {
      start = (size_t)o->panPartStart[p];
      end = p + 1 < np ? (size_t)o->panPartStart[p + 1] : nv;
    }
    if (end > start)
      g->parts[g->nparts++] = start;
  }
  return 0;
}

static int read_shapes(cm_layer *l, const files *fs, size_t n, cm_error *err) {
  SAHooks hooks;
  quiet_hooks(&hooks);
  SHPHandle h = SHPOpenLL(fs->shp, "rb", &hooks);
  int count = 0, type = 0;
  if (h)
    SHPGetInfo(h, &count, &type, NULL, NULL);
  if (!h || (size_t)count != n || type != l->shape_type) {
    if (h)
      SHPClose(h);
    return open_error(err, fs->shp);
  }
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    SHPObject *o = SHPReadObject(h, (int)i);
    if (!o)
      rc = shape_error(err, fs->shp, (int)i, "cannot be read");
    else if (o->nSHPType == SHPT_NULL || o->nVertices == 0)
      l->nulls++;
    else if ((rc = check_object(o, l->shape_type, fs->shp, (int)i, err)) == 0) {
      cm_geom *g = &l->features[l->count];
      *g = (cm_geom){.type = l->geom_type};
      l->records[l->count++] = i;
      if (copy_object(o, g, &l->extent) < 0)
        rc = no_memory(err, fs->shp);
    }
    SHPDestroyObject(o);
  }
  SHPClose(h);
  return rc;
}

/* --- attributes ----------------------------------------------------------- */

static cm_field_type field_type_of(char dbf_type, int decimals) {
  switch (dbf_type) {
  case 'N': return decimals > 0 ? CM_FIELD_DOUBLE : CM_FIELD_INTEGER;
  case 'F': return CM_FIELD_DOUBLE;
  case 'L': return CM_FIELD_LOGICAL;
  case 'D': return CM_FIELD_DATE;
  default: return CM_FIELD_STRING;
  }
}

/* Trim ASCII blanks in place; returns the new start and sets *n. */
char *cm__layer_trim(char *s, size_t *n) {
  size_t len = strlen(s);
  while (len && isspace((unsigned char)s[len - 1]))
    s[--len] = '\0';
  while (*s && isspace((unsigned char)*s)) {
    s++;
    len--;
  }
  *n = len;
  return s;
}

static int value_error(cm_error *err, const cm_layer *l, const char *dbf,
                       size_t record, size_t f, const char *what) {
  cm_error_set(err, CM_EDATA, dbf, 0, 0, "record %zu, field '%s': %s", record,
               l->text + l->fields[f].name, what);
  return CM_EDATA;
}

static int all_same(const char *s, char c) {
  for (; *s; s++)
    if (*s != c)
      return 0;
  return 1;
}

/* Numbers stay text, but must be numbers: "" for blank or "****" (what
 * writers put for a value too wide for the field). */
static const char *number_value(char *s, int *ok) {
  char *end;
  *ok = 1;
  if (!*s || all_same(s, '*'))
    return "";
  strtod(s, &end);
  *ok = end != s && *end == '\0';
  return s;
}

static const char *logical_value(const char *s, int *ok) {
  *ok = 1;
  if (!*s || *s == '?')
    return "";
  if (strchr("TtYy", *s) && !s[1])
    return "T";
  if (strchr("FfNn", *s) && !s[1])
    return "F";
  *ok = 0;
  return s;
}

/* "YYYYMMDD" -> "YYYY-MM-DD" in buf; "" for blank or zeros. */
static const char *date_value(const char *s, char *buf, int *ok) {
  *ok = 1;
  if (!*s || all_same(s, '0'))
    return "";
  *ok = strlen(s) == 8 && strspn(s, "0123456789") == 8;
  if (!*ok)
    return s;
  int month = (s[4] - '0') * 10 + (s[5] - '0');
  int day = (s[6] - '0') * 10 + (s[7] - '0');
  *ok = month >= 1 && month <= 12 && day >= 1 && day <= 31;
  snprintf(buf, 11, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
  return buf;
}

/* The value as the layer stores it, from UTF-8 text s (trimmed). */
static int store_value(cm_layer *l, size_t feature, size_t f, char *s,
                       const char *dbf, cm_error *err) {
  char date[11];
  int ok = 1;
  const char *v = s;
  switch (l->fields[f].type) {
  case CM_FIELD_INTEGER:
  case CM_FIELD_DOUBLE: v = number_value(s, &ok); break;
  case CM_FIELD_LOGICAL: v = logical_value(s, &ok); break;
  case CM_FIELD_DATE: v = date_value(s, date, &ok); break;
  case CM_FIELD_STRING: break;
  }
  if (!ok) {
    char what[160];
    snprintf(what, sizeof what, "'%.60s' is not a valid %s", s,
             l->fields[f].type == CM_FIELD_DATE      ? "date (YYYYMMDD)"
             : l->fields[f].type == CM_FIELD_LOGICAL ? "logical (T or F)"
                                                     : "number");
    value_error(err, l, dbf, l->records[feature], f, what);
    cm_error_hint(err, "fix the value, or make the field a text (C) field");
    return CM_EDATA;
  }
  size_t at = *v ? cm__layer_text(l, v, strlen(v)) : 0;
  if (at == SIZE_MAX)
    return no_memory(err, dbf);
  l->values[feature * l->nfields + f] = at;
  return 0;
}

static int bad_bytes(cm_error *err, const cm_layer *l, const char *dbf,
                     size_t record, size_t f, int from_cpg) {
  char what[96];
  snprintf(what, sizeof what, "the text is not valid %s", l->encoding);
  value_error(err, l, dbf, record, f, what);
  if (from_cpg)
    cm_error_hint(err,
                  "the .cpg says %s; if the table is in another "
                  "encoding, write that into the .cpg, e.g. CP1251",
                  l->encoding);
  else
    cm_error_hint(err, "write the table's encoding into a .cpg file next to "
                       "it, e.g. UTF-8 or CP1251");
  return CM_EDATA;
}

static int convert_value(cm_layer *l, cm_recoder *rc, size_t feature, size_t f,
                         const char *raw, const char *dbf, int from_cpg,
                         cm_error *err) {
  int bad;
  char *utf8 = cm__recoder_convert(rc, raw, strlen(raw), &bad);
  if (!utf8)
    return bad ? bad_bytes(err, l, dbf, l->records[feature], f, from_cpg)
               : no_memory(err, dbf);
  size_t n;
  int result = store_value(l, feature, f, cm__layer_trim(utf8, &n), dbf, err);
  free(utf8);
  return result;
}

/* Field names and types; names are converted like values. */
static int read_fields(cm_layer *l, DBFHandle h, cm_recoder *rc,
                       const char *dbf, cm_error *err) {
  for (size_t f = 0; f < l->nfields; f++) {
    char name[XBASE_FLDNAME_LEN_READ + 1] = "";
    int width = 0, decimals = 0, bad;
    DBFGetFieldInfo(h, (int)f, name, &width, &decimals);
    char type = DBFGetNativeFieldType(h, (int)f);
    if (!strchr("CNFLD", type)) {
      cm_error_set(err, CM_EDATA, dbf, 0, 0,
                   "field '%s' has DBF type '%c', which cannot be read "
                   "(known: C, N, F, L, D)",
                   name, isprint((unsigned char)type) ? type : '?');
      cm_error_hint(err, "convert the field to text (C) or number (N)");
      return CM_EDATA;
    }
    char *utf8 = cm__recoder_convert(rc, name, strlen(name), &bad);
    size_t at = utf8 ? cm__layer_text(l, utf8, strlen(utf8)) : SIZE_MAX;
    free(utf8);
    if (at == SIZE_MAX)
      return bad ? dbf_error(err, dbf, "a field name is not valid text")
                 : no_memory(err, dbf);
    l->fields[f] = (field_info){at, field_type_of(type, decimals), type};
  }
  return 0;
}

static int read_values(cm_layer *l, DBFHandle h, cm_recoder *rc,
                       const char *dbf, int from_cpg, cm_error *err) {
  for (size_t i = 0; i < l->count; i++)
    for (size_t f = 0; f < l->nfields; f++) {
      const char *raw = DBFReadStringAttribute(h, (int)l->records[i], (int)f);
      if (!raw)
        return dbf_error(err, dbf, "a record cannot be read");
      int rc_ = convert_value(l, rc, i, f, raw, dbf, from_cpg, err);
      if (rc_ < 0)
        return rc_;
    }
  return 0;
}

/* With no .cpg and no useful language driver byte: UTF-8 if every value
 * is valid UTF-8 (plain ASCII included), else the common Windows page. */
static const char *guess_encoding(const cm_layer *l, DBFHandle h) {
  for (size_t i = 0; i < l->count; i++)
    for (size_t f = 0; f < l->nfields; f++) {
      const char *raw = DBFReadStringAttribute(h, (int)l->records[i], (int)f);
      if (raw && !cm__utf8_valid(raw, strlen(raw)))
        return "CP1252";
    }
  return "UTF-8";
}

static int unknown_encoding(cm_error *err, const char *path, const char *name) {
  char shown[48];
  size_t n = 0;
  for (const char *s = name; *s && n + 1 < sizeof shown; s++)
    shown[n++] = isprint((unsigned char)*s) ? *s : '?';
  shown[n] = '\0';
  cm_error_set(err, CM_EDATA, path, 0, 0, "unknown encoding '%s'", shown);
  cm_error_hint(err, "write the table's encoding into it, e.g. UTF-8, "
                     "CP1251, CP1252 or ISO-8859-1, or delete it");
  return CM_EDATA;
}

/* The encoding the .cpg names, or "" when there is no usable .cpg. */
static int cpg_encoding(cm_layer *l, const files *fs, cm_error *err) {
  l->encoding[0] = '\0';
  if (!fs->has_cpg)
    return 0;
  char *text;
  int rc = read_text_file(fs->cpg, CPG_CAP, &text, err);
  if (rc < 0)
    return rc;
  if (text[0] &&
      cm__encoding_from_cpg(text, l->encoding, sizeof l->encoding) < 0)
    rc = unknown_encoding(err, fs->cpg, text);
  free(text);
  return rc;
}

static int open_recoder(cm_layer *l, const files *fs, int from_cpg,
                        cm_recoder **rc, cm_error *err) {
  *rc = cm__recoder_open(l->encoding);
  if (*rc)
    return 0;
  return unknown_encoding(err, from_cpg ? fs->cpg : fs->dbf, l->encoding);
}

static int read_attributes(cm_layer *l, const files *fs, const dbf_info *info,
                           cm_error *err) {
  int rc = cpg_encoding(l, fs, err);
  if (rc < 0)
    return rc;
  int from_cpg = l->encoding[0] != '\0';
  SAHooks hooks;
  quiet_hooks(&hooks);
  DBFHandle h = DBFOpenLL(fs->dbf, "rb", &hooks);
  if (!h || (size_t)DBFGetRecordCount(h) != info->records ||
      (size_t)DBFGetFieldCount(h) != info->fields) {
    if (h)
      DBFClose(h);
    return open_error(err, fs->dbf);
  }
  cm_recoder *recoder = NULL;
  l->nfields = info->fields;
  if (!from_cpg) {
    const char *name = cm__encoding_from_ldid(info->ldid);
    snprintf(l->encoding, sizeof l->encoding, "%s",
             name ? name : guess_encoding(l, h));
  }
  l->fields = calloc(l->nfields + 1, sizeof *l->fields);
  if (l->nfields && l->count > SIZE_MAX / sizeof(size_t) / l->nfields)
    l->values = NULL;
  else
    l->values = calloc(l->count * l->nfields + 1, sizeof *l->values);
  if (!l->fields || !l->values)
    rc = no_memory(err, fs->dbf);
  else if ((rc = open_recoder(l, fs, from_cpg, &recoder, err)) == 0 &&
           (rc = read_fields(l, h, recoder, fs->dbf, err)) == 0)
    rc = read_values(l, h, recoder, fs->dbf, from_cpg, err);
  cm__recoder_free(recoder);
  DBFClose(h);
  return rc;
}

/* --- opening -------------------------------------------------------------- */

static int read_crs(cm_layer *l, const files *fs, cm_error *err) {
  if (!fs->has_prj)
    return 0;
  int rc = read_text_file(fs->prj, PRJ_CAP, &l->crs, err);
  if (rc == 0 && !l->crs[0]) {
    free(l->crs); /* an empty .prj says nothing: WGS 84 as with none */
    l->crs = NULL;
  }
  return rc;
}

static int check_counts(const files *fs, size_t shapes, const dbf_info *info,
                        cm_error *err) {
  if (shapes == info->records)
    return 0;
  cm_error_set(err, CM_EDATA, fs->dbf, 0, 0,
               "has %zu records, but the .shp has %zu shapes", info->records,
               shapes);
  cm_error_hint(err, "the .dbf does not belong to this .shp, or one of them "
                     "was cut short; export the layer again");
  return CM_EDATA;
}

static int load(cm_layer *l, const char *path, cm_error *err) {
  files *fs = calloc(1, sizeof *fs);
  if (!fs)
    return no_memory(err, path);
  size_t n = 0;
  dbf_info info = {0};
  int rc = find_files(fs, path, err);
  if (rc == 0)
    rc = check_shapes(fs, &l->shape_type, &n, err);
  if (rc == 0 && (rc = check_dbf(fs, &info, err)) == 0)
    rc = check_counts(fs, n, &info, err);
  if (rc == 0) {
    l->geom_type = geom_type_of(l->shape_type);
    l->type_name = shape_type_name(l->shape_type);
    snprintf(l->format, sizeof l->format, "ESRI Shapefile");
    l->path = strdup(fs->shp);
    l->features = calloc(n + 1, sizeof *l->features);
    l->records = calloc(n + 1, sizeof *l->records);
    if (!l->path || !l->features || !l->records || cm__layer_text(l, "", 0) != 0)
      rc = no_memory(err, path);
  }
  if (rc == 0 && (rc = read_crs(l, fs, err)) == 0 &&
      (rc = read_shapes(l, fs, n, err)) == 0)
    rc = read_attributes(l, fs, &info, err);
  free(fs);
  return rc;
}

/* Options that only other formats take, refused for a shapefile. */
static int shapefile_options(const cm_layer_source *src, cm_error *err) {
  const char *given = src->layer    ? "layer"
                      : src->x      ? "x"
                      : src->y      ? "y"
                      : src->wkt    ? "wkt"
                      : src->encoding ? "encoding"
                                    : NULL;
  if (!given)
    return 0;
  cm_error_set(err, CM_EUSAGE, src->path, 0, 0,
               "`%s` does not apply to a shapefile", given);
  cm_error_hint(err, "a shapefile holds one layer with its own geometry, and "
                     "names its encoding in its .cpg; remove `%s`", given);
  return CM_EUSAGE;
}

static int has_extension(const char *path, const char *ext) {
  size_t n = strlen(path), m = strlen(ext);
  return n > m && strcasecmp(path + n - m, ext) == 0;
}

/* Whether shapelib reads path: a .shp, a name without extension, or one
 * of a shapefile's other files (refused with a hint to give the .shp).
 * Every other file, and a name with another extension, goes to GDAL/OGR;
 * so does a folder GDAL reads as one dataset (a File Geodatabase). */
static int read_by_shapelib(const char *path) {
  static const char *const parts[] = {".shp", ".shx", ".dbf", ".prj", ".cpg"};
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
    if (has_extension(path, parts[i]))
      return 1;
  int kind = file_kind(path, NULL);
  if (kind == KIND_FOLDER)
    return !has_extension(path, ".gdb");
  if (kind != KIND_MISSING)
    return 0;
  const char *slash = strrchr(path, '/');
  const char *dot = strrchr(slash ? slash + 1 : path, '.');
  return !dot || dot == (slash ? slash + 1 : path);
}

int cm_layer_open_source(cm_layer **out, const cm_layer_source *src,
                         cm_error *err) {
  *out = NULL;
  if (!src || !src->path || !*src->path)
    return cm_error_set(err, CM_EUSAGE, NULL, 0, 0, "no layer file given");
  int shapefile = read_by_shapelib(src->path);
  int rc = shapefile ? shapefile_options(src, err) : 0;
  if (rc < 0)
    return rc;
  cm_layer *l = calloc(1, sizeof *l);
  if (!l)
    return no_memory(err, src->path);
  l->extent = (cm_bbox){DBL_MAX, DBL_MAX, -DBL_MAX, -DBL_MAX};
  rc = shapefile ? load(l, src->path, err) : cm__layer_open_ogr(l, src, err);
  if (rc < 0) {
    cm_layer_free(l);
    return rc;
  }
  *out = l;
  return 0;
}

int cm_layer_open(cm_layer **out, const char *path, cm_error *err) {
  cm_layer_source src = {.path = path};
  return cm_layer_open_source(out, &src, err);
}

void cm_layer_free(cm_layer *layer) {
  if (!layer)
    return;
  for (size_t i = 0; i < layer->count; i++) {
    free(layer->features[i].points);
    free(layer->features[i].parts);
  }
  free(layer->features);
  free(layer->records);
  free(layer->fields);
  free(layer->values);
  free(layer->text);
  free(layer->crs);
  free(layer->path);
  free(layer);
}

/* --- reading a layer ------------------------------------------------------ */

const char *cm_layer_path(const cm_layer *layer) { return layer->path; }

cm_geom_type cm_layer_geom_type(const cm_layer *layer) {
  return layer->geom_type;
}

const char *cm_layer_format(const cm_layer *layer) { return layer->format; }

const char *cm_layer_shape_type_name(const cm_layer *layer) {
  return layer->type_name;
}

size_t cm_layer_count(const cm_layer *layer) { return layer->count; }

size_t cm_layer_null_count(const cm_layer *layer) { return layer->nulls; }

cm_bbox cm_layer_extent(const cm_layer *layer) { return layer->extent; }

const char *cm_layer_crs(const cm_layer *layer) { return layer->crs; }

const char *cm_layer_encoding(const cm_layer *layer) { return layer->encoding; }

size_t cm_layer_field_count(const cm_layer *layer) { return layer->nfields; }

const char *cm_layer_field_name(const cm_layer *layer, size_t field) {
  return field < layer->nfields ? layer->text + layer->fields[field].name
                                : NULL;
}

cm_field_type cm_layer_field_type(const cm_layer *layer, size_t field) {
  return field < layer->nfields ? layer->fields[field].type : CM_FIELD_STRING;
}

int cm_layer_field_index(const cm_layer *layer, const char *name) {
  for (size_t f = 0; f < layer->nfields; f++)
    if (strcasecmp(layer->text + layer->fields[f].name, name) == 0)
      return (int)f;
  return -1;
}

const cm_geom *cm_layer_geom(const cm_layer *layer, size_t i) {
  return i < layer->count ? &layer->features[i] : NULL;
}

size_t cm_layer_record(const cm_layer *layer, size_t i) {
  return i < layer->count ? layer->records[i] : (size_t)-1;
}

const char *cm_layer_value(const cm_layer *layer, size_t i, size_t field) {
  if (i >= layer->count || field >= layer->nfields)
    return NULL;
  return layer->text + layer->values[i * layer->nfields + field];
}

const char *cm_feature_attr(void *ud, const char *field) {
  const cm_feature_ref *r = ud;
  int i = cm_layer_field_index(r->layer, field);
  return i < 0 ? NULL : cm_layer_value(r->layer, r->feature, (size_t)i);
}
