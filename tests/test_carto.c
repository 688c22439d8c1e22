/* Cartographic quality, each on a fixture of its own: furniture placed
 * where it covers no data, legend entries told apart, no seams between
 * neighbours of one style, labels that keep their marker (or are
 * reported), right-to-left labels left of their point, Arabic ranges. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/compose.h"
#include "controlmap/render.h"
#include "support/files.h"
#include "support/fixtures.h"
#include "support/scene.h"
#include "text_internal.h"

#include <shapefil.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[512];

static int setup(void **state) { return fixture_make_dir(dir, sizeof dir); }

static int teardown(void **state) {
  fixture_remove_dir(dir);
  return 0;
}

/* One feature of a fixture layer: its points (lon, lat pairs; polygons one
 * ring) and up to four text values. */
typedef struct shape {
  int n;
  double xy[16];
  const char *values[4];
} shape;

/* Write layer name (a shapefile of type SHPT_POINT or SHPT_POLYGON) with
 * text fields named in fields (NULL-terminated, at most four). */
static void write_layer(const char *name, int type, const char *const *fields,
                        const shape *shapes, int count) {
  char path[700];
  snprintf(path, sizeof path, "%s/%s.shp", dir, name);
  SHPHandle shp = SHPCreate(path, type);
  snprintf(path, sizeof path, "%s/%s.dbf", dir, name);
  DBFHandle dbf = DBFCreateEx(path, "UTF-8");
  assert_non_null(shp);
  assert_non_null(dbf);
  int nf = 0;
  while (nf < 4 && fields[nf])
    assert_true(DBFAddField(dbf, fields[nf++], FTString, 60, 0) >= 0);
  for (int i = 0; i < count; i++) {
    double x[8], y[8];
    for (int k = 0; k < shapes[i].n; k++)
      x[k] = shapes[i].xy[2 * k], y[k] = shapes[i].xy[2 * k + 1];
    SHPObject *o = SHPCreateSimpleObject(type, shapes[i].n, x, y, NULL);
    assert_true(SHPWriteObject(shp, -1, o) >= 0);
    SHPDestroyObject(o);
    for (int f = 0; f < nf; f++)
      assert_true(DBFWriteStringAttribute(dbf, i, f, shapes[i].values[f]));
  }
  SHPClose(shp);
  DBFClose(dbf);
  snprintf(path, sizeof path, "%s/%s.prj", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(fixture_wgs84_wkt, f);
  fclose(f);
}

/* The shared scene helpers, failing the test when they fail. */
static cm_map *open_style(const char *text) {
  cm_map *m = scene_map(dir, "style.mss", text);
  assert_non_null(m);
  return m;
}

static cm_scene *compose_on(const cm_map *m, const char *date) {
  cm_scene *s = scene_at(m, date, NULL);
  assert_non_null(s);
  return s;
}

static int channel(uint32_t px, int shift) { return (int)((px >> shift) & 0xff); }

/* ---- seams ------------------------------------------------------------ */

/* Two squares of one fill share an edge that falls inside a pixel column
 * at 300 dpi: the column along the edge must be as dark as the fill. */
static void no_seam_between_neighbours(void **state) {
  static const char *const fields[] = {"holder", NULL};
  /* The edge at lon 46.5013 lands off the pixel grid (checked below). */
  shape sq[2] = {
      {5, {46.40, 39.90, 46.5013, 39.90, 46.5013, 40.10, 46.40, 40.10, 46.40, 39.90}, {"AZE"}},
      {5, {46.5013, 39.90, 46.60, 39.90, 46.60, 40.10, 46.5013, 40.10, 46.5013, 39.90}, {"AZE"}}};
  write_layer("tiles", SHPT_POLYGON, fields, sq, 2);
  cm_map *m = open_style(
      "Map { srs: \"+proj=longlat +datum=WGS84\"; extent: 46.3 39.8 46.7 40.2;\n"
      "  page: 60mm 60mm; dpi: 300; background-color: white; legend: none;\n"
      "  scale-bar: none; }\n"
      "Layer#tiles { file: \"tiles.shp\"; }\n"
      "#tiles { polygon-fill: #3060a0; }\n");
  cm_point edge;
  assert_int_equal(cm_map_lonlat_to_page(m, 46.5013, 40.0, &edge), 0);
  double px = edge.x * 300 / 72;
  double frac = px - floor(px);
  assert_true(frac > 0.15 && frac < 0.85); /* really off the grid */
  cm_scene *s = compose_on(m, "2000-01-01");
  uint32_t *pix;
  int w, h;
  cm_error err;
  assert_int_equal(cm_render_pixels(s, &pix, &w, &h, &err), 0);
  cm_point top, bottom;
  cm_map_lonlat_to_page(m, 46.5013, 40.08, &top);
  cm_map_lonlat_to_page(m, 46.5013, 39.92, &bottom);
  int col = (int)floor(px), worst = 0;
  for (int y = (int)(top.y * 300 / 72); y < (int)(bottom.y * 300 / 72); y++) {
    uint32_t v = pix[(size_t)y * (size_t)w + (size_t)col];
    int d = abs(channel(v, 16) - 0x30) + abs(channel(v, 8) - 0x60) + abs(channel(v, 0) - 0xa0);
    worst = d > worst ? d : worst;
  }
  cm_render_pixels_free(pix);
  cm_scene_free(s);
  cm_map_free(m);
  assert_true(worst <= 2);
}


/* ---- helpers on the scene --------------------------------------------- */

/* Index of the GROUP_BEGIN with this id, or -1. */
static long group_at(const cm_scene *s, const char *id) {
  for (size_t i = 0; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_BEGIN && it->id && !strcmp(it->id, id))
      return (long)i;
  }
  return -1;
}

/* The box of a group's paths (texts left aside). */
static cm_bbox group_box(const cm_scene *s, const char *id) {
  cm_bbox b = cm_bbox_empty();
  long g = group_at(s, id);
  int depth = 0;
  for (size_t i = (size_t)g; g >= 0 && i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    depth += it->kind == CM_ITEM_GROUP_BEGIN;
    depth -= it->kind == CM_ITEM_GROUP_END;
    if (it->kind == CM_ITEM_PATH)
      for (size_t k = 0; k < it->geom.npoints; k++)
        cm_bbox_extend(&b, it->geom.points[k].x, it->geom.points[k].y);
    if (depth == 0)
      break;
  }
  return b;
}

static int disjoint(cm_bbox a, cm_bbox b) {
  return a.maxx <= b.minx || b.maxx <= a.minx || a.maxy <= b.miny || b.maxy <= a.miny;
}

/* The first text item of a group with this text, or NULL. */
static const cm_item *text_in(const cm_scene *s, const char *id, const char *text) {
  long g = group_at(s, id);
  for (size_t i = (size_t)g + 1; g >= 0 && i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_END)
      break;
    if (it->kind == CM_ITEM_TEXT && !strcmp(it->text, text))
      return it;
  }
  return NULL;
}

static size_t findings_with(const cm_errors *e, const char *text) {
  size_t n = 0;
  for (size_t i = 0; i < e->count; i++)
    n += strstr(e->items[i].message, text) != NULL;
  return n;
}

static cm_scene *compose_checked(const cm_map *m, const char *date, cm_errors *found,
                                 int grey) {
  cm_compose_options opt = {0};
  assert_int_equal(cm_date_parse(date, &opt.date, NULL, NULL), 0);
  opt.findings = found;
  opt.findings_grey = grey;
  cm_scene *s;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  return s;
}

static const char *const town_fields[] = {"name", NULL};

/* ---- furniture placement ------------------------------------------------ */

static const char placed_style[] =
    "Map { srs: \"+proj=longlat +datum=WGS84\"; extent: 46 39 47 40;\n"
    "  page: 120mm 100mm; dpi: 100; legend: %s; scale-bar: %s; north-arrow: %s; }\n"
    "Layer#towns { file: \"towns.shp\"; }\n"
    "#towns { marker-width: 2mm; marker-fill: #222; text-name: [name]; text-size: 7pt;\n"
    "  legend: \"Town\"; }\n"
    "#towns[name = \"x\"] { legend: \"A town with a long name in the legend\"; }\n";

static cm_map *placed_map(const char *legend, const char *bar, const char *arrow) {
  /* Towns fill three quarters of the frame; the south-east is empty. */
  shape towns[16];
  int n = 0;
  for (int i = 0; i < 4; i++)
    for (int k = 0; k < 4; k++) {
      double lon = 46.08 + i * 0.24, lat = 39.08 + k * 0.24;
      if (lon > 46.5 && lat < 39.5)
        continue;
      towns[n] = (shape){1, {lon, lat}, {n == 0 ? "x" : "T"}};
      n++;
    }
  towns[n++] = (shape){1, {46.05, 39.95}, {"T"}}; /* in the north-west corner */
  write_layer("towns", SHPT_POINT, town_fields, towns, n);
  char text[2048];
  snprintf(text, sizeof text, placed_style, legend, bar, arrow);
  return open_style(text);
}

static void auto_finds_the_empty_corner(void **state) {
  cm_map *m = placed_map("auto", "none", "none");
  cm_errors found = {0};
  cm_scene *s = compose_checked(m, "2000-01-01", &found, 0);
  cm_bbox f = cm_map_frame(m), b = group_box(s, "legend");
  assert_true(b.minx > (f.minx + f.maxx) / 2);
  assert_true(b.miny > (f.miny + f.maxy) / 2);
  assert_int_equal(findings_with(&found, "covers"), 0);
  cm_errors_free(&found);
  cm_scene_free(s);
  cm_map_free(m);
  /* In a fixed corner over the towns the check says so. */
  m = placed_map("top-left", "none", "none");
  s = compose_checked(m, "2000-01-01", &found, 0);
  assert_true(findings_with(&found, "the legend covers the marker of") > 0);
  cm_errors_free(&found);
  cm_scene_free(s);
  cm_map_free(m);
}

static void outside_right_shrinks_the_frame(void **state) {
  cm_map *m = placed_map("outside-right", "below", "outside-right");
  cm_scene *s = compose_on(m, "2000-01-01");
  cm_bbox f = cm_map_frame(m), legend = group_box(s, "legend");
  cm_bbox bar = group_box(s, "scale-bar"), arrow = group_box(s, "north-arrow");
  assert_true(f.maxx < cm_scene_width(s) * 0.8);
  assert_true(legend.minx > f.maxx && legend.maxx <= cm_scene_width(s));
  assert_true(arrow.minx > f.maxx && disjoint(arrow, legend));
  assert_true(bar.miny > f.maxy && bar.maxy < cm_scene_height(s));
  cm_scene_free(s);
  cm_map_free(m);
}

static void pieces_in_one_corner_stack(void **state) {
  cm_map *m = placed_map("bottom-right", "bottom-right", "bottom-right");
  cm_scene *s = compose_on(m, "2000-01-01");
  cm_bbox a = group_box(s, "legend"), b = group_box(s, "scale-bar"),
          c = group_box(s, "north-arrow");
  assert_true(disjoint(a, b) && disjoint(a, c) && disjoint(b, c));
  cm_scene_free(s);
  cm_map_free(m);
}

/* ---- bands sized by their content ------------------------------------ */

/* Fourteen classes with long names, on a page narrower than a journal's
 * column, beside the map: the legend's band grows (in columns), the map
 * is drawn smaller, and nothing is cut or covered. */
static void long_legend_fits_a_small_page(void **state) {
  static const char *const fields[] = {"holder", NULL};
  static const char *const holders[14] = {"a", "b", "c", "d", "e", "f", "g",
                                          "h", "i", "j", "k", "l", "m", "n"};
  static const char *const fills[14] = {"1f77b4", "ff7f0e", "2ca02c", "d62728", "9467bd",
                                        "8c564b", "e377c2", "7f7f7f", "bcbd22", "17becf",
                                        "000080", "ffff99", "b15928", "a6cee3"};
  shape sq[14];
  for (int i = 0; i < 14; i++) {
    double x = 46.05 + (i % 7) * 0.13, y = 39.1 + (i / 7) * 0.4;
    sq[i] = (shape){5, {x, y, x + 0.1, y, x + 0.1, y + 0.3, x, y + 0.3, x, y}, {holders[i]}};
  }
  write_layer("ground", SHPT_POLYGON, fields, sq, 14);
  char text[8192] =
      "Map { srs: \"+proj=longlat +datum=WGS84\"; extent: 46 39 47 40;\n"
      "  page: 120mm 80mm; dpi: 100; legend: outside-right; scale-bar: none;\n"
      "  title: \"A map\"; }\n"
      "Layer#ground { file: \"ground.shp\"; }\n";
  for (int i = 0; i < 14; i++)
    snprintf(text + strlen(text), sizeof text - strlen(text),
             "#ground[holder = \"%s\"] { polygon-fill: #%s;\n"
             "  legend: \"Class %s of the ground held on the day\"; }\n",
             holders[i], fills[i], holders[i]);
  cm_map *m = open_style(text);
  cm_errors found = {0};
  cm_scene *s = compose_checked(m, "2000-01-01", &found, 0);
  long g = group_at(s, "layer-ground");
  assert_true(g >= 0);
  cm_bbox frame = cm_scene_item(s, (size_t)g)->clip_box, legend = group_box(s, "legend");
  cm_bbox f0 = cm_map_frame(m);
  assert_true(frame.maxx - frame.minx < f0.maxx - f0.minx); /* drawn smaller */
  assert_true(legend.minx > frame.maxx);                     /* beside it */
  assert_true(legend.maxx <= cm_scene_width(s) && legend.maxy <= cm_scene_height(s));
  assert_int_equal(findings_with(&found, "does not fit"), 0);
  assert_int_equal(found.count, 0);
  cm_errors_free(&found);
  cm_scene_free(s);
  cm_map_free(m);
}

/* The numbers (in any digits) of the text items of a group, as a bit set. */
static unsigned long numbers_in(const cm_scene *s, const char *id) {
  long g = group_at(s, id);
  unsigned long set = 0;
  for (size_t i = (size_t)g + 1; g >= 0 && i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_END)
      break;
    if (it->kind != CM_ITEM_TEXT)
      continue;
    int n = 0, digits = 0;
    for (const unsigned char *p = (const unsigned char *)it->text; *p; p++) {
      if (*p >= '0' && *p <= '9')
        n = (n % 1000) * 10 + (*p - '0'), digits++; /* numbers past 64 are not counted */
      else if (p[0] == 0xd9 && p[1] >= 0xa0 && p[1] <= 0xa9) /* Arabic-Indic */
        n = (n % 1000) * 10 + (p[1] - 0xa0), digits++, p++;
      else
        digits = -100; /* a row of text, not a number */
    }
    if (digits > 0 && digits < 3 && n < 64)
      set |= 1ul << n;
  }
  return set;
}

/* At every date of the shipped styles, the markers numbered on the map
 * are exactly those the key lists. */
static void key_lists_every_numbered_marker(void **state) {
  const char *styles[] = {"styles/default.mss", "styles/slides.mss", "styles/paper.mss",
                          "styles/paper-ar.mss"};
  for (int k = 0; k < 4; k++) {
    cm_map *m;
    cm_error err;
    assert_int_equal(cm_map_open(&m, styles[k], &err), 0);
    cm_day *days;
    int n = cm_map_change_dates(m, &days);
    assert_true(n > 0);
    int with_events = 0;
    for (int i = 0; i < n; i++) {
      cm_compose_options opt = {0};
      opt.date = days[i];
      cm_scene *s;
      assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
      unsigned long drawn = numbers_in(s, "key-markers"), listed = numbers_in(s, "key");
      if (drawn != listed)
        fail_msg("%s at day %lld: markers %lx, key %lx", styles[k], (long long)days[i],
                 drawn, listed);
      with_events += drawn != 0;
      cm_scene_free(s);
    }
    assert_true(with_events > 0);
    free(days);
    cm_map_free(m);
  }
}

/* ---- the legend ---------------------------------------------------------- */

static const char legend_style[] =
    "Map { srs: \"+proj=longlat +datum=WGS84\"; extent: 46 39 47 40;\n"
    "  page: 120mm 100mm; dpi: 100; legend: outside-right; }\n"
    "Layer#ground { file: \"ground.shp\"; }\n"
    "#ground[holder = \"A\"] { polygon-fill: %s; legend: \"First\"; }\n"
    "#ground[holder = \"B\"] { polygon-fill: %s; legend: \"Second\"; }\n";

static cm_map *legend_map(const char *a, const char *b) {
  static const char *const fields[] = {"holder", NULL};
  shape ground[2] = {
      {5, {46.1, 39.1, 46.4, 39.1, 46.4, 39.4, 46.1, 39.4, 46.1, 39.1}, {"A"}},
      {5, {46.6, 39.6, 46.9, 39.6, 46.9, 39.9, 46.6, 39.9, 46.6, 39.6}, {"B"}}};
  write_layer("ground", SHPT_POLYGON, fields, ground, 2);
  char text[2048];
  snprintf(text, sizeof text, legend_style, a, b);
  return open_style(text);
}

static void lookalike_entries_reported_with_both_rules(void **state) {
  cm_map *m = legend_map("#3060a0", "#3262a2");
  cm_errors found = {0};
  cm_scene_free(compose_checked(m, "2000-01-01", &found, 0));
  assert_int_equal(findings_with(&found, "look alike"), 1);
  assert_true(findings_with(&found, "style.mss:4)") == 1 &&
              findings_with(&found, "style.mss:5)") == 1);
  cm_errors_free(&found);
  cm_map_free(m);
  /* Red and green of one lightness: distinct in colour, alike in grey. */
  m = legend_map("#c05050", "#3c8c3c");
  cm_scene_free(compose_checked(m, "2000-01-01", &found, 0));
  assert_int_equal(found.count, 0);
  cm_scene_free(compose_checked(m, "2000-01-01", &found, 1));
  assert_int_equal(findings_with(&found, "look alike in grey"), 1);
  cm_errors_free(&found);
  cm_map_free(m);
}

/* A white swatch on the white legend gets an outline; a coloured one is
 * drawn exactly as the map draws it. */
static void white_swatch_is_outlined(void **state) {
  cm_map *m = legend_map("#ffffff", "#3060a0");
  cm_scene *s = compose_on(m, "2000-01-01");
  long g = group_at(s, "legend");
  int white = 0, blue = 0;
  for (size_t i = (size_t)g + 2; i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_END)
      break;
    if (it->kind != CM_ITEM_PATH || !it->paint.fill)
      continue;
    if (it->paint.fill_color.b > 0.99 && it->paint.fill_color.r > 0.99)
      white = it->paint.stroke && it->paint.stroke_width > 0;
    else
      blue = !it->paint.stroke;
  }
  assert_true(white);
  assert_true(blue);
  cm_scene_free(s);
  cm_map_free(m);
}

/* ---- labels -------------------------------------------------------------- */

static const char crowd_style[] =
    "Map { srs: \"+proj=longlat +datum=WGS84\"; extent: 46 39 47 40;\n"
    "  page: 100mm 100mm; dpi: 100; legend: none; scale-bar: none; lang: %s; }\n"
    "Layer#blocks { file: \"blocks.shp\"; }\n"
    "Layer#towns { file: \"towns.shp\"; }\n"
    "#blocks { marker-width: %s; marker-fill: #888; }\n"
    "#towns { marker-width: 2mm; marker-fill: #222; text-name: [name];\n"
    "  text-size: 9pt; text-halo-radius: 1pt; }\n";

/* A town at the centre, named name, with blockers at page offsets (pt)
 * dxy around it. */
static cm_map *crowd_map(const char *lang, const char *name, const double *dxy,
                         int n, const char *block_size) {
  char text[2048];
  snprintf(text, sizeof text, crowd_style, lang, block_size);
  shape town = {1, {46.5, 39.5}, {name}};
  write_layer("towns", SHPT_POINT, town_fields, &town, 1);
  write_layer("blocks", SHPT_POINT, town_fields, &town, 0);
  cm_map *m = open_style(text);
  cm_point c;
  assert_int_equal(cm_map_lonlat_to_page(m, 46.5, 39.5, &c), 0);
  shape blocks[16];
  for (int i = 0; i < n; i++) {
    double lon, lat;
    cm_point p = {c.x + dxy[2 * i], c.y + dxy[2 * i + 1]};
    assert_int_equal(cm_map_page_to_lonlat(m, p, &lon, &lat), 0);
    blocks[i] = (shape){1, {lon, lat}, {"b"}};
  }
  cm_map_free(m);
  write_layer("blocks", SHPT_POINT, town_fields, blocks, n);
  return open_style(text);
}

/* The town's marker item (the last path of its layer group). */
static const cm_item *town_marker(const cm_scene *s) {
  long g = group_at(s, "layer-towns");
  assert_true(g >= 0);
  return cm_scene_item(s, (size_t)g + 1);
}

static int has_leader(const cm_scene *s) {
  long g = group_at(s, "labels");
  for (size_t i = (size_t)g + 1; g >= 0 && i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_END)
      break;
    if (it->kind == CM_ITEM_PATH && it->geom.type == CM_GEOM_LINE)
      return 1;
  }
  return 0;
}

/* Big blockers right, left, above and below keep the label from every
 * spot next to the town: it stands further out, with a leader line. */
static void crowded_label_gets_a_leader(void **state) {
  static const double four[] = {22, 0, -22, 0, 0, -22, 0, 22};
  cm_map *m = crowd_map("en", "Alabama", four, 4, "20pt");
  cm_errors found = {0};
  cm_scene *s = compose_checked(m, "2000-01-01", &found, 0);
  assert_non_null(text_in(s, "labels", "Alabama"));
  assert_true(has_leader(s));
  assert_true(town_marker(s)->geom.npoints > 0);
  assert_int_equal(found.count, 0);
  cm_errors_free(&found);
  cm_scene_free(s);
  cm_map_free(m);
}

/* The leader line of the labels group, or NULL. */
static const cm_item *leader_of(const cm_scene *s) {
  long g = group_at(s, "labels");
  for (size_t i = (size_t)g + 1; g >= 0 && i < cm_scene_count(s); i++) {
    const cm_item *it = cm_scene_item(s, i);
    if (it->kind == CM_ITEM_GROUP_END)
      break;
    if (it->kind == CM_ITEM_PATH && it->geom.type == CM_GEOM_LINE)
      return it;
  }
  return NULL;
}

/* The crowded town again, with a front line (or, without `front`, no
 * line) running north-south dx points from the town. */
static cm_map *crowd_with_front(double dx, int front) {
  static const double four[] = {22, 0, -22, 0, 0, -22, 0, 22};
  cm_map *m = crowd_map("en", "Alabama", four, 4, "20pt");
  cm_point c;
  double lon, lat;
  assert_int_equal(cm_map_lonlat_to_page(m, 46.5, 39.5, &c), 0);
  assert_int_equal(cm_map_page_to_lonlat(m, (cm_point){c.x + dx, c.y}, &lon, &lat), 0);
  cm_map_free(m);
  static const char *const fields[] = {"name", NULL};
  shape line = {2, {lon, 39.05, lon, 39.95}, {"front"}};
  write_layer("front", SHPT_ARC, fields, &line, 1);
  char text[2048];
  snprintf(text, sizeof text, crowd_style, "en", "20pt");
  strcat(text, "Layer#front { file: \"front.shp\"; }\n");
  if (front)
    strcat(text, "#front { line-color: #800000; line-width: 1pt; }\n");
  return open_style(text);
}

/* Whether the leader passes x. */
static int leader_passes(const cm_item *leader, double x) {
  double a = leader->geom.points[0].x, b = leader->geom.points[1].x;
  return fmin(a, b) < x && x < fmax(a, b);
}

/* Of the spots further out, the leader takes one on the town's side of
 * the front line; without the line it would have crossed there. */
static void leader_keeps_off_the_front_line(void **state) {
  cm_map *m = crowd_with_front(6, 0);
  cm_point c;
  cm_map_lonlat_to_page(m, 46.5, 39.5, &c);
  cm_scene *s = compose_on(m, "2000-01-01");
  const cm_item *leader = leader_of(s);
  assert_non_null(leader);
  assert_true(leader_passes(leader, c.x + 6)); /* its first choice */
  cm_scene_free(s);
  cm_map_free(m);
  m = crowd_with_front(6, 1);
  cm_errors found = {0};
  s = compose_checked(m, "2000-01-01", &found, 0);
  leader = leader_of(s);
  assert_non_null(leader);
  assert_false(leader_passes(leader, c.x + 6));
  assert_non_null(text_in(s, "labels", "Alabama"));
  assert_int_equal(found.count, 0);
  cm_errors_free(&found);
  cm_scene_free(s);
  cm_map_free(m);
}

/* The page box of a text item. */
static cm_bbox text_box_of(const cm_item *t) {
  PangoContext *ctx = cm__text_context_new();
  PangoLayout *l = cm__text_layout(ctx, t->text, &t->style);
  cm_bbox b = cm__text_box(l, t->text, &t->style, t->x, t->y);
  g_object_unref(l);
  g_object_unref(ctx);
  return b;
}

static double box_distance(cm_bbox b, cm_point p) {
  double dx = fmax(fmax(b.minx - p.x, p.x - b.maxx), 0);
  double dy = fmax(fmax(b.miny - p.y, p.y - b.maxy), 0);
  return hypot(dx, dy);
}

/* Two towns close together, the second just under where the first's
 * name would go by preference (right of its point): each name stands
 * nearer its own marker than the other's. */
static void close_towns_each_named_nearest(void **state) {
  static const char *const fields[] = {"name", NULL};
  shape one = {1, {46.5, 39.5}, {"Askeran"}};
  write_layer("towns", SHPT_POINT, fields, &one, 1);
  write_layer("blocks", SHPT_POINT, fields, &one, 0);
  char text[2048];
  snprintf(text, sizeof text, crowd_style, "en", "1pt");
  cm_map *m = open_style(text);
  cm_point a, b;
  double lon, lat;
  cm_map_lonlat_to_page(m, 46.5, 39.5, &a);
  b = (cm_point){a.x + 26, a.y + 10};
  assert_int_equal(cm_map_page_to_lonlat(m, b, &lon, &lat), 0);
  cm_map_free(m);
  shape two[2] = {{1, {46.5, 39.5}, {"Askeran"}}, {1, {lon, lat}, {"Khojaly"}}};
  write_layer("towns", SHPT_POINT, fields, two, 2);
  m = open_style(text);
  cm_errors found = {0};
  cm_scene *s = compose_checked(m, "2000-01-01", &found, 0);
  const char *names[2] = {"Askeran", "Khojaly"};
  cm_point at[2] = {a, b};
  for (int i = 0; i < 2; i++) {
    const cm_item *t = text_in(s, "labels", names[i]);
    assert_non_null(t);
    cm_bbox box = text_box_of(t);
    assert_true(box_distance(box, at[i]) < box_distance(box, at[1 - i]) - 3);
  }
  assert_int_equal(found.count, 0);
  cm_errors_free(&found);
  cm_scene_free(s);
  cm_map_free(m);
}

/* Walled in on every side: label and marker are both left out, and the
 * check reports it. */
static void walled_in_town_left_out_and_reported(void **state) {
  double ring[32];
  for (int i = 0; i < 16; i++) {
    double a = i * M_PI / 8;
    ring[2 * i] = 20 * cos(a);
    ring[2 * i + 1] = 20 * sin(a);
  }
  cm_map *m = crowd_map("en", "Alabama", ring, 16, "16pt");
  cm_errors found = {0};
  cm_scene *s = compose_checked(m, "2000-01-01", &found, 0);
  assert_null(text_in(s, "labels", "Alabama"));
  assert_int_equal(town_marker(s)->geom.npoints, 0);
  assert_int_equal(findings_with(&found, "label 'Alabama' left out with its marker"), 1);
  cm_errors_free(&found);
  cm_scene_free(s);
  cm_map_free(m);
}

/* Right-to-left text tries the left of its point first. */
static void arabic_label_goes_left(void **state) {
  cm_map *m = crowd_map("ar", "خانكندي", NULL, 0, "1pt");
  cm_scene *s = compose_on(m, "2000-01-01");
  const cm_item *t = text_in(s, "labels", "خانكندي");
  assert_non_null(t);
  cm_point c;
  cm_map_lonlat_to_page(m, 46.5, 39.5, &c);
  assert_true(t->x < c.x);
  assert_true(fabs(t->y - c.y) < 1);
  cm_scene_free(s);
  cm_map_free(m);
  /* The same town in English reads to the right. */
  m = crowd_map("en", "Khankendi", NULL, 0, "1pt");
  s = compose_on(m, "2000-01-01");
  t = text_in(s, "labels", "Khankendi");
  assert_non_null(t);
  assert_true(t->x > c.x);
  cm_scene_free(s);
  cm_map_free(m);
}

/* A town whose marker the frame would cut is left out, label and all. */
static void marker_cut_by_the_frame_left_out(void **state) {
  shape towns[2] = {{1, {46.001, 39.5}, {"Edge"}}, {1, {46.5, 39.5}, {"Middle"}}};
  write_layer("towns", SHPT_POINT, town_fields, towns, 2);
  cm_map *m = open_style(
      "Map { srs: \"+proj=longlat +datum=WGS84\"; extent: 46 39 47 40;\n"
      "  page: 100mm 100mm; dpi: 100; legend: none; scale-bar: none; }\n"
      "Layer#towns { file: \"towns.shp\"; }\n"
      "#towns { marker-width: 3mm; marker-fill: #222; text-name: [name]; text-size: 8pt; }\n");
  cm_scene *s = compose_on(m, "2000-01-01");
  cm_bbox f = cm_map_frame(m), b = group_box(s, "layer-towns");
  assert_true(b.minx >= f.minx && b.maxx <= f.maxx);
  assert_non_null(text_in(s, "labels", "Middle"));
  assert_null(text_in(s, "labels", "Edge"));
  cm_scene_free(s);
  cm_map_free(m);
}

/* ---- Arabic ---------------------------------------------------------------- */

static void arabic_span_reads_from_to(void **state) {
  static const char *const fields[] = {"name", NULL};
  shape town = {1, {46.5, 39.5}, {"x"}};
  write_layer("towns", SHPT_POINT, fields, &town, 1);
  cm_map *m = open_style(
      "Map { srs: \"+proj=longlat +datum=WGS84\"; extent: 46 39 47 40;\n"
      "  page: 120mm 100mm; dpi: 100; lang: ar; title: \"السيطرة في {date}\"; }\n"
      "Layer#towns { file: \"towns.shp\"; }\n"
      "#towns { marker-width: 2mm; }\n");
  cm_day days[2];
  cm_date_parse("1994-05-12", &days[0], NULL, NULL);
  cm_date_parse("2020-12-05", &days[1], NULL, NULL);
  cm_compose_options opt = {0};
  opt.date = days[1];
  opt.panels = days;
  opt.npanels = 2;
  cm_scene *s;
  cm_error err;
  assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
  const char *title = cm_scene_meta(s, "Title");
  assert_non_null(title);
  assert_string_equal(title, "السيطرة من ١٢ أيار ١٩٩٤ إلى ٥ كانون الأول ٢٠٢٠");
  cm_scene_free(s);
  cm_map_free(m);
}

/* A meridian's label stands beside its line, not across it. */
static void graticule_labels_beside_their_line(void **state) {
  static const char *const fields[] = {"name", NULL};
  shape town = {1, {46.5, 39.5}, {"x"}};
  write_layer("towns", SHPT_POINT, fields, &town, 1);
  const char *langs[2] = {"en", "ar"};
  for (int k = 0; k < 2; k++) {
    char text[1024];
    snprintf(text, sizeof text,
             "Map { srs: \"+proj=longlat +datum=WGS84\"; extent: 46 39 47 40;\n"
             "  page: 120mm 100mm; dpi: 100; graticule: 0.5; lang: %s; }\n"
             "Layer#towns { file: \"towns.shp\"; }\n#towns { marker-width: 2mm; }\n",
             langs[k]);
    cm_map *m = open_style(text);
    cm_scene *s = compose_on(m, "2000-01-01");
    cm_point line;
    cm_map_lonlat_to_page(m, 46.5, 39.9, &line);
    PangoContext *ctx = cm__text_context_new();
    int seen = 0;
    long g = group_at(s, "labels");
    for (size_t i = (size_t)g + 1; i < cm_scene_count(s); i++) {
      const cm_item *it = cm_scene_item(s, i);
      if (it->kind == CM_ITEM_GROUP_END)
        break;
      if (it->kind != CM_ITEM_TEXT || fabs(it->x - line.x) > 6)
        continue;
      PangoLayout *l = cm__text_layout(ctx, it->text, &it->style);
      cm_bbox b = cm__text_box(l, it->text, &it->style, it->x, it->y);
      g_object_unref(l);
      assert_true(b.maxx < line.x || b.minx > line.x);
      seen++;
    }
    g_object_unref(ctx);
    assert_int_equal(seen, 1);
    cm_scene_free(s);
    cm_map_free(m);
  }
}

/* Whether point p is inside text item t, turned as drawn (its box shrunk
 * by half a point). */
static int inside_text(const cm_item *t, cm_bbox box, cm_point p) {
  double a = t->style.angle * M_PI / 180; /* back from the page to the text */
  double dx = p.x - t->x, dy = p.y - t->y;
  double x = t->x + dx * cos(a) - dy * sin(a), y = t->y + dx * sin(a) + dy * cos(a);
  return x > box.minx + 0.5 && x < box.maxx - 0.5 && y > box.miny + 0.5 && y < box.maxy - 0.5;
}

/* Whether segment a-b runs through text item t. */
static int segment_through(cm_point a, cm_point b, const cm_item *t) {
  cm_bbox box = text_box_of(t);
  for (int i = 1; i < 64; i++) {
    double k = i / 64.0;
    if (inside_text(t, box, (cm_point){a.x + (b.x - a.x) * k, a.y + (b.y - a.y) * k}))
      return 1;
  }
  return 0;
}

/* No name of the shipped styles lies on a leader line, at any date:
 * the reader would not know which line leads to which name. */
static void no_label_on_a_leader(void **state) {
  static const char *const styles[] = {"styles/slides.mss", "styles/default.mss",
                                       "styles/paper-ar.mss"};
  size_t leaders = 0;
  for (size_t k = 0; k < sizeof styles / sizeof *styles; k++) {
    char path[4096];
    cm_map *m = NULL;
    cm_error err;
    assert_int_equal(cm_map_open(&m, test_source_path(path, sizeof path, styles[k]), &err), 0);
    cm_day *days = NULL;
    int n = cm_map_change_dates(m, &days);
    assert_true(n > 0);
    for (int d = 0; d < n; d++) {
      cm_compose_options opt = {0};
      opt.date = days[d];
      cm_scene *s = NULL;
      assert_int_equal(cm_compose(&s, m, &opt, &err), 0);
      long g = scene_group(s, "labels");
      size_t end = g >= 0 ? scene_group_end(s, (size_t)g) : 0;
      for (size_t i = (size_t)g + 1; g >= 0 && i < end; i++) {
        const cm_item *l = cm_scene_item(s, i);
        if (l->kind != CM_ITEM_PATH || l->geom.type != CM_GEOM_LINE || l->geom.npoints != 2)
          continue;
        leaders++;
        for (size_t t = (size_t)g + 1; t < end; t++) {
          const cm_item *it = cm_scene_item(s, t);
          if (it->kind != CM_ITEM_TEXT)
            continue;
          if (segment_through(l->geom.points[0], l->geom.points[1], it)) {
            char iso[16];
            cm_date_iso(days[d], iso);
            fail_msg("%s, %s: a leader runs through '%s'", styles[k], iso, it->text);
          }
        }
      }
      cm_scene_free(s);
    }
    free(days);
    cm_map_free(m);
  }
  print_message("%zu leader lines, none through a name\n", leaders);
  assert_true(leaders > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(no_seam_between_neighbours),
      cmocka_unit_test(auto_finds_the_empty_corner),
      cmocka_unit_test(outside_right_shrinks_the_frame),
      cmocka_unit_test(pieces_in_one_corner_stack),
      cmocka_unit_test(long_legend_fits_a_small_page),
      cmocka_unit_test(key_lists_every_numbered_marker),
      cmocka_unit_test(lookalike_entries_reported_with_both_rules),
      cmocka_unit_test(white_swatch_is_outlined),
      cmocka_unit_test(crowded_label_gets_a_leader),
      cmocka_unit_test(walled_in_town_left_out_and_reported),
      cmocka_unit_test(leader_keeps_off_the_front_line),
      cmocka_unit_test(close_towns_each_named_nearest),
      cmocka_unit_test(arabic_label_goes_left),
      cmocka_unit_test(marker_cut_by_the_frame_left_out),
      cmocka_unit_test(arabic_span_reads_from_to),
      cmocka_unit_test(graticule_labels_beside_their_line),
      cmocka_unit_test(no_label_on_a_leader),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
