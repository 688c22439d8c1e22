/* The project's own SVG writer: one <g> per scene group, marked as an
 * Inkscape layer with a stable id; paths with plain fill and stroke
 * attributes; hatches as vector <pattern>s; text as <text> an editor can
 * change, or as glyph outlines for software without the fonts. Kept to
 * SVG 1.1 features that browsers, librsvg, Inkscape and office suites all
 * draw the same: no style sheets, no paint-order, no patternTransform, no
 * filters (tests/test_svg.c and tests/cli_svg.sh compare their pictures). */

#include "render_internal.h"
#include "text_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct svg {
  FILE *f;
  const cm_scene *scene;
  PangoContext *ctx;
  cairo_t *outlines; /* glyph outlines are traced here (text as paths) */
  int text_paths;
  int nclip, npattern;
  char **ids;        /* group ids written so far, to keep them unique */
  size_t nids;
} svg;

static void esc_n(FILE *f, const char *s, size_t n) {
  for (size_t i = 0; i < n && s[i]; i++) {
    switch (s[i]) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    default:
      /* XML 1.0 forbids most control characters, even escaped. */
      if ((unsigned char)s[i] >= 0x20 || s[i] == '\t' || s[i] == '\n')
        fputc(s[i], f);
    }
  }
}

static void esc(FILE *f, const char *s) { esc_n(f, s, (size_t)-1); }

/* A number with at most `decimals` decimals and no trailing zeros. */
static void num_prec(FILE *f, double v, int decimals) {
  char buf[48];
  snprintf(buf, sizeof buf, "%.*f", decimals, v);
  char *end = buf + strlen(buf);
  if (strchr(buf, '.')) {
    while (end[-1] == '0')
      *--end = '\0';
    if (end[-1] == '.')
      *--end = '\0';
  }
  fputs(strcmp(buf, "-0") ? buf : "0", f);
}

/* Coordinates with two decimals: 1/100 pt is far below what any screen or
 * printer shows, and the file stays small. */
static void num(FILE *f, double v) { num_prec(f, v, 2); }

/* name="value" with a number value. */
static void num_attr(FILE *f, const char *name, double v) {
  fprintf(f, " %s=\"", name);
  num(f, v);
  fputc('"', f);
}

static void color_attr(FILE *f, const char *name, cm_color c) {
  fprintf(f, " %s=\"#%02x%02x%02x\"", name, (int)lround(c.r * 255),
          (int)lround(c.g * 255), (int)lround(c.b * 255));
  if (c.a < 1) {
    fprintf(f, " %s-opacity=\"", name);
    num(f, c.a);
    fputc('"', f);
  }
}

static void geom_data(FILE *f, const cm_geom *g) {
  fputs(" d=\"", f);
  for (size_t i = 0; i < g->nparts; i++) {
    size_t n = cm_geom_part_size(g, i);
    const cm_point *p = cm_geom_part(g, i);
    for (size_t k = 0; k < n; k++) {
      fputc(k ? 'L' : 'M', f);
      num(f, p[k].x);
      fputc(' ', f);
      num(f, p[k].y);
    }
    if (n && g->type == CM_GEOM_POLYGON)
      fputc('Z', f);
  }
  fputc('"', f);
}

/* Hatch lines closer than this (as the sine of the angle) to the page's
 * axes are drawn along them: the tile is 1/MIN_SLOPE spacings long. */
#define MIN_SLOPE 0.01

/* One period of a hatch in page axes: the lines p . n = k * spacing
 * repeat after spacing / |n.x| across and spacing / |n.y| down. */
static void hatch_tile(double angle, double sp, double *nx, double *ny,
                       double *w, double *h) {
  double a = -angle * M_PI / 180.0; /* page y runs down */
  *nx = -sin(a);
  *ny = cos(a);
  if (fabs(*nx) < MIN_SLOPE)
    *nx = 0, *ny = *ny < 0 ? -1 : 1;
  if (fabs(*ny) < MIN_SLOPE)
    *ny = 0, *nx = *nx < 0 ? -1 : 1;
  *w = *nx != 0 ? sp / fabs(*nx) : sp;
  *h = *ny != 0 ? sp / fabs(*ny) : sp;
}

/* The hatch lines crossing the tile [0, w] x [0, h], each drawn well past
 * its edges (the tile clips them). */
static void hatch_lines(FILE *f, double sp, double nx, double ny, double w,
                        double h) {
  double lo = fmin(fmin(0, w * nx), fmin(h * ny, w * nx + h * ny));
  double hi = fmax(fmax(0, w * nx), fmax(h * ny, w * nx + h * ny));
  double dx = ny, dy = -nx; /* along the lines */
  for (long k = (long)floor(lo / sp); k <= (long)ceil(hi / sp); k++) {
    /* The point of line k nearest the tile's middle, then both ways. */
    double bx = nx * k * sp, by = ny * k * sp;
    double t = (w / 2 - bx) * dx + (h / 2 - by) * dy, len = w + h;
    fputc('M', f);
    num_prec(f, bx + dx * (t - len), 3);
    fputc(' ', f);
    num_prec(f, by + dy * (t - len), 3);
    fputc('L', f);
    num_prec(f, bx + dx * (t + len), 3);
    fputc(' ', f);
    num_prec(f, by + dy * (t + len), 3);
  }
}

/* A hatch as a pattern whose tile holds one period of the lines in page
 * axes, not a turned tile: office suites ignore patternTransform. The
 * lines fall where the cairo backend draws them, at whole multiples of
 * the spacing from the page origin. The tile gets five decimals, since
 * its rounding error adds up tile after tile across the page. */
static int hatch_pattern(svg *s, const cm_paint *pt, double angle) {
  int id = ++s->npattern;
  FILE *f = s->f;
  double nx, ny, w, h;
  hatch_tile(angle, pt->hatch_spacing, &nx, &ny, &w, &h);
  fprintf(f, "<defs><pattern id=\"hatch-%d\" patternUnits=\"userSpaceOnUse\" width=\"", id);
  num_prec(f, w, 5);
  fputs("\" height=\"", f);
  num_prec(f, h, 5);
  fputs("\"><path d=\"", f);
  hatch_lines(f, pt->hatch_spacing, nx, ny, w, h);
  fputs("\" fill=\"none\"", f);
  color_attr(f, "stroke", pt->hatch_color);
  num_attr(f, "stroke-width", pt->hatch_width);
  fputs("/></pattern></defs>\n", f);
  return id;
}

static void stroke_attrs(FILE *f, const cm_paint *pt) {
  static const char *joins[] = {"miter", "round", "bevel"};
  static const char *caps[] = {"butt", "round", "square"};
  color_attr(f, "stroke", pt->stroke_color);
  num_attr(f, "stroke-width", pt->stroke_width);
  if (pt->join != CM_JOIN_MITER)
    fprintf(f, " stroke-linejoin=\"%s\"", joins[pt->join]);
  if (pt->cap != CM_CAP_BUTT)
    fprintf(f, " stroke-linecap=\"%s\"", caps[pt->cap]);
  if (pt->dash_count) {
    fputs(" stroke-dasharray=\"", f);
    for (int i = 0; i < pt->dash_count; i++) {
      if (i)
        fputc(' ', f);
      num(f, pt->dash[i]);
    }
    fputc('"', f);
  }
}

/* Fill, then hatch, then stroke, as the cairo backend paints them; the
 * stroke rides on the last element so there is one path less. */
static void write_path(svg *s, const cm_item *it) {
  FILE *f = s->f;
  const cm_paint *pt = &it->paint;
  int closed = it->geom.type == CM_GEOM_POLYGON;
  int fill = closed && pt->fill;
  int hatch = closed && pt->hatch && pt->hatch_spacing > 0 && pt->hatch_width > 0;
  int stroke = pt->stroke && pt->stroke_width > 0;
  if (it->geom.npoints == 0)
    return;
  if (fill || (stroke && !hatch)) {
    fputs("<path", f);
    geom_data(f, &it->geom);
    if (fill) {
      color_attr(f, "fill", pt->fill_color);
      fputs(pt->nonzero ? " fill-rule=\"nonzero\"" : " fill-rule=\"evenodd\"", f);
    } else {
      fputs(" fill=\"none\"", f);
    }
    if (stroke && !hatch)
      stroke_attrs(f, pt);
    fputs("/>\n", f);
  }
  if (!hatch)
    return;
  int n = pt->cross ? 2 : 1;
  for (int k = 0; k < n; k++) {
    int id = hatch_pattern(s, pt, pt->hatch_angle + 90 * k);
    fputs("<path", f);
    geom_data(f, &it->geom);
    fprintf(f, " fill=\"url(#hatch-%d)\" fill-rule=\"%s\"", id,
            pt->nonzero ? "nonzero" : "evenodd");
    if (stroke && k == n - 1)
      stroke_attrs(f, pt);
    fputs("/>\n", f);
  }
}

/* The style's font families, quoted, then a generic family so a viewer
 * without them still picks a font of the same kind. */
static void font_family(FILE *f, const char *font) {
  const char *p = font ? font : "Noto Sans";
  fputs(" font-family=\"", f);
  while (*p) {
    while (*p == ' ' || *p == ',')
      p++;
    size_t n = strcspn(p, ",");
    while (n && p[n - 1] == ' ')
      n--;
    if (n) {
      fputc('\'', f);
      esc_n(f, p, n);
      fputs("', ", f);
    }
    p += strcspn(p, ",");
  }
  fputs(font && strstr(font, "Serif") ? "serif\"" : "sans-serif\"", f);
}

/* The line's text without leading and trailing white space (which SVG
 * viewers drop), as a byte range of the layout's text. */
static void trimmed(PangoLayout *layout, PangoLayoutLine *line, int *from,
                    int *to) {
  const char *text = pango_layout_get_text(layout);
  int a = line->start_index, b = line->start_index + line->length;
  while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\n'))
    a++;
  while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\n'))
    b--;
  *from = a;
  *to = b;
}

/* Left and right edge (points, layout space) of a byte range of a line. */
static void visual_span(PangoLayoutLine *line, int from, int to, double *left,
                        double *right) {
  int *ranges = NULL, n = 0;
  pango_layout_line_get_x_ranges(line, from, to, &ranges, &n);
  *left = *right = 0;
  for (int i = 0; i < n; i++) {
    double l = ranges[2 * i] / (double)PANGO_SCALE;
    double r = ranges[2 * i + 1] / (double)PANGO_SCALE;
    *left = i == 0 || l < *left ? l : *left;
    *right = i == 0 || r > *right ? r : *right;
  }
  g_free(ranges);
}

/* Where a line is anchored, so it keeps its alignment when the viewer
 * sets it in another font: the edge a left-to-right line is aligned to,
 * or its middle. Right-to-left lines are anchored at their middle, the
 * one anchor every viewer reads alike: LibreOffice takes "start" as the
 * left edge whatever the direction. */
static const char *line_anchor(const cm_text_style *st, int rtl, double left,
                               double right, double *x) {
  if (st->halign == CM_ALIGN_CENTER || rtl) {
    *x = (left + right) / 2;
    return "middle";
  }
  int at_right = st->halign == CM_ALIGN_END;
  *x = at_right ? right : left;
  return at_right ? "end" : "start";
}

/* One <text> of a line; halo: the stroke-only copy drawn under the text,
 * as two elements because office suites ignore paint-order. */
static void text_line(svg *s, const cm_item *it, PangoLayout *layout,
                      PangoLayoutIter *iter, double x0, double y0, int halo) {
  FILE *f = s->f;
  const cm_text_style *st = &it->style;
  PangoLayoutLine *line = pango_layout_iter_get_line_readonly(iter);
  int from, to;
  trimmed(layout, line, &from, &to);
  if (from == to)
    return;
  double left, right, x;
  visual_span(line, from, to, &left, &right);
  int rtl = pango_layout_line_get_resolved_direction(line) == PANGO_DIRECTION_RTL;
  const char *anchor = line_anchor(st, rtl, left, right, &x);
  fputs("<text", f);
  num_attr(f, "x", x0 + x);
  num_attr(f, "y", y0 + pango_layout_iter_get_baseline(iter) / (double)PANGO_SCALE);
  if (strcmp(anchor, "start"))
    fprintf(f, " text-anchor=\"%s\"", anchor);
  /* The line's own direction, so digits and Latin words inside a
   * right-to-left line sit where pango put them. */
  if (rtl)
    fputs(" direction=\"rtl\"", f);
  if (halo) {
    fputs(" fill=\"none\"", f);
    color_attr(f, "stroke", st->halo);
    num_attr(f, "stroke-width", st->halo_radius * 2);
    fputs(" stroke-linejoin=\"round\"", f);
  } else {
    color_attr(f, "fill", st->fill);
  }
  fputc('>', f);
  esc_n(f, pango_layout_get_text(layout) + from, (size_t)(to - from));
  fputs("</text>", f);
}

/* Every line of the layout (halo copies first), in the layout's space. */
static void text_lines(svg *s, const cm_item *it, PangoLayout *layout,
                       cm_bbox box) {
  int passes = it->style.halo_radius > 0 ? 2 : 1;
  for (int pass = 0; pass < passes; pass++) {
    PangoLayoutIter *iter = pango_layout_get_iter(layout);
    do
      text_line(s, it, layout, iter, box.minx, box.miny, passes == 2 && pass == 0);
    while (pango_layout_iter_next_line(iter));
    pango_layout_iter_free(iter);
  }
}

/* The text's group: placed and turned by a transform, so an editor moves
 * and edits it as one label. */
static void write_text(svg *s, const cm_item *it, PangoLayout *layout,
                       cm_bbox box) {
  FILE *f = s->f;
  const cm_text_style *st = &it->style;
  fputs("<g transform=\"translate(", f);
  num(f, it->x);
  fputc(' ', f);
  num(f, it->y);
  fputc(')', f);
  if (st->angle != 0) {
    fputs(" rotate(", f);
    num(f, -st->angle);
    fputc(')', f);
  }
  fputc('"', f);
  font_family(f, st->font);
  num_attr(f, "font-size", st->size);
  if (st->bold)
    fputs(" font-weight=\"bold\"", f);
  if (st->italic)
    fputs(" font-style=\"italic\"", f);
  fputs(">", f);
  text_lines(s, it, layout, box);
  fputs("</g>\n", f);
}

/* A length in hundredths of a point as a number of points, in the short
 * form minifiers write and every SVG reader accepts: no leading zero, and
 * no space before a minus sign ("c.3-.25"). first: no separator at all. */
static void hundredths(FILE *f, long long c, int first) {
  long long a = llabs(c);
  int frac = (int)(a % 100);
  if (c < 0)
    fputc('-', f);
  else if (!first)
    fputc(' ', f);
  if (a >= 100 || !frac)
    fprintf(f, "%lld", a / 100);
  if (frac)
    fprintf(f, frac % 10 ? ".%02d" : ".%d", frac % 10 ? frac : frac / 10);
}

/* The current cairo path as SVG path data in relative moves (glyph
 * outlines are many short steps: a third smaller than absolute points).
 * Steps are taken between rounded points so rounding never adds up. */
static void outline_data(FILE *f, cairo_t *cr) {
  cairo_path_t *path = cairo_copy_path(cr);
  static const char ops[] = {'m', 'l', 'c', 'z'};
  static const int npts[] = {1, 1, 3, 0};
  long long cx = 0, cy = 0, sx = 0, sy = 0; /* current point, subpath start */
  fputs(" d=\"", f);
  for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
    const cairo_path_data_t *d = &path->data[i];
    int t = d->header.type;
    fputc(ops[t], f);
    long long x = cx, y = cy;
    for (int k = 1; k <= npts[t]; k++) {
      x = llround(d[k].point.x * 100);
      y = llround(d[k].point.y * 100);
      hundredths(f, x - cx, k == 1);
      hundredths(f, y - cy, 0);
    }
    if (t == CAIRO_PATH_CLOSE_PATH)
      x = sx, y = sy;
    else if (t == CAIRO_PATH_MOVE_TO)
      sx = x, sy = y;
    cx = x, cy = y;
  }
  fputc('"', f);
  cairo_path_destroy(path);
}

/* Text as glyph outlines: looks the same without the fonts, cannot be
 * edited. aria-label keeps the words for search and screen readers. */
static void write_text_outlines(svg *s, const cm_item *it, PangoLayout *layout,
                                cm_bbox box) {
  FILE *f = s->f;
  const cm_text_style *st = &it->style;
  cairo_t *cr = s->outlines;
  cairo_new_path(cr);
  cairo_save(cr);
  cairo_translate(cr, it->x, it->y);
  cairo_rotate(cr, -st->angle * M_PI / 180.0);
  cairo_move_to(cr, box.minx, box.miny);
  pango_cairo_layout_path(cr, layout);
  cairo_restore(cr);
  fputs("<g aria-label=\"", f);
  esc(f, it->text);
  fputs("\">", f);
  if (st->halo_radius > 0) {
    fputs("<path", f);
    outline_data(f, cr);
    fputs(" fill=\"none\"", f);
    color_attr(f, "stroke", st->halo);
    num_attr(f, "stroke-width", st->halo_radius * 2);
    fputs(" stroke-linejoin=\"round\"/>", f);
  }
  fputs("<path", f);
  outline_data(f, cr);
  color_attr(f, "fill", st->fill);
  fputs("/></g>\n", f);
  cairo_new_path(cr);
}

static void text_item(svg *s, const cm_item *it) {
  PangoLayout *layout = cm__text_layout(s->ctx, it->text, &it->style);
  cm_bbox box = cm__text_box(layout, it->text, &it->style, 0, 0);
  if (s->text_paths)
    write_text_outlines(s, it, layout, box);
  else
    write_text(s, it, layout, box);
  g_object_unref(layout);
}

/* Write a group id, made unique with a -2, -3... suffix when the scene
 * repeats one (small multiples draw every layer once per panel). */
static int unique_id(svg *s, const char *id) {
  char buf[512];
  snprintf(buf, sizeof buf, "%s", id);
  for (int k = 2;; k++) {
    size_t i = 0;
    while (i < s->nids && strcmp(s->ids[i], buf))
      i++;
    if (i == s->nids)
      break;
    snprintf(buf, sizeof buf, "%s-%d", id, k);
  }
  char **ids = realloc(s->ids, (s->nids + 1) * sizeof *ids);
  char *copy = strdup(buf);
  if (!ids || !copy) {
    free(copy);
    if (ids)
      s->ids = ids;
    return CM_ENOMEM;
  }
  s->ids = ids;
  s->ids[s->nids++] = copy;
  esc(s->f, buf);
  return CM_OK;
}

static int clip_def(svg *s, cm_bbox b) {
  FILE *f = s->f;
  int clip = ++s->nclip;
  fprintf(f, "<defs><clipPath id=\"clip-%d\"><rect", clip);
  num_attr(f, "x", b.minx);
  num_attr(f, "y", b.miny);
  num_attr(f, "width", b.maxx - b.minx);
  num_attr(f, "height", b.maxy - b.miny);
  fputs("/></clipPath></defs>\n", f);
  return clip;
}

static int group_begin(svg *s, const cm_item *it) {
  FILE *f = s->f;
  int clip = it->clip ? clip_def(s, it->clip_box) : 0;
  fputs("<g id=\"", f);
  if (unique_id(s, it->id && *it->id ? it->id : "group") != CM_OK)
    return CM_ENOMEM;
  fputs("\" inkscape:groupmode=\"layer\" inkscape:label=\"", f);
  esc(f, it->label ? it->label : "");
  fputc('"', f);
  if (clip)
    fprintf(f, " clip-path=\"url(#clip-%d)\"", clip);
  fputs(">\n", f);
  return CM_OK;
}

static void dc_element(FILE *f, const char *name, const char *value) {
  if (!value)
    return;
  fprintf(f, "<dc:%s>", name);
  esc(f, value);
  fprintf(f, "</dc:%s>\n", name);
}

/* Style and date as Dublin Core subjects, for searches by keyword. */
static void dc_subjects(FILE *f, const char *style, const char *date) {
  if (!style && !date)
    return;
  fputs("<dc:subject><rdf:Bag>", f);
  if (style) {
    fputs("<rdf:li>style ", f);
    esc(f, style);
    fputs("</rdf:li>", f);
  }
  if (date) {
    fputs("<rdf:li>date ", f);
    esc(f, date);
    fputs("</rdf:li>", f);
  }
  fputs("</rdf:Bag></dc:subject>\n", f);
}

/* Dublin Core in RDF, where Inkscape's document properties look: the
 * map's date is its coverage, the document's date its creation date. The
 * namespaces are declared here so the block fits in any SVG. */
static void dublin_core(FILE *f, const cm_scene *scene, const char *created) {
  fputs("<metadata><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\""
        " xmlns:cc=\"http://creativecommons.org/ns#\""
        " xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
        "<cc:Work rdf:about=\"\">\n<dc:format>image/svg+xml</dc:format>\n"
        "<dc:type rdf:resource=\"http://purl.org/dc/dcmitype/StillImage\"/>\n", f);
  dc_element(f, "title", cm_scene_meta(scene, "Title"));
  dc_element(f, "date", created);
  dc_element(f, "coverage", cm_scene_meta(scene, "Date"));
  dc_element(f, "source", cm_scene_meta(scene, "Source"));
  dc_subjects(f, cm_scene_meta(scene, "Style"), cm_scene_meta(scene, "Date"));
  fputs("<dc:publisher><cc:Agent><dc:title>controlmap " CM_VERSION
        "</dc:title></cc:Agent></dc:publisher>\n</cc:Work>\n</rdf:RDF></metadata>\n", f);
}

void cm__svg_write_meta(FILE *f, const cm_scene *scene, const char *created) {
  const char *title = cm_scene_meta(scene, "Title");
  const char *source = cm_scene_meta(scene, "Source");
  if (title) {
    fputs("<title>", f);
    esc(f, title);
    fputs("</title>\n", f);
  }
  if (source) {
    fputs("<desc>", f);
    esc(f, source);
    fputs("</desc>\n", f);
  }
  dublin_core(f, scene, created);
}

static void header(svg *s, const char *created) {
  FILE *f = s->f;
  double w = cm_scene_width(s->scene), h = cm_scene_height(s->scene);
  fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
  fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" "
        "xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" "
        "version=\"1.1\" width=\"", f);
  num(f, w);
  fputs("pt\" height=\"", f);
  num(f, h);
  fputs("pt\" viewBox=\"0 0 ", f);
  num(f, w);
  fputc(' ', f);
  num(f, h);
  fputs("\">\n", f);
  cm__svg_write_meta(f, s->scene, created);
}

static int write_items(svg *s) {
  for (size_t i = 0; i < cm_scene_count(s->scene); i++) {
    const cm_item *it = cm_scene_item(s->scene, i);
    switch (it->kind) {
    case CM_ITEM_GROUP_BEGIN:
      if (group_begin(s, it) != CM_OK)
        return CM_ENOMEM;
      break;
    case CM_ITEM_GROUP_END:
      fputs("</g>\n", s->f);
      break;
    case CM_ITEM_PATH:
      write_path(s, it);
      break;
    case CM_ITEM_TEXT:
      text_item(s, it);
      break;
    }
  }
  return CM_OK;
}

/* The cairo context glyph outlines are traced on: nothing is drawn, so a
 * recording surface with no bounds costs nothing. */
static cairo_t *outline_context(void) {
  cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_ALPHA, NULL);
  cairo_t *cr = cairo_create(rec);
  cairo_surface_destroy(rec);
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    cairo_destroy(cr);
    return NULL;
  }
  return cr;
}

static void svg_free(svg *s) {
  for (size_t i = 0; i < s->nids; i++)
    free(s->ids[i]);
  free(s->ids);
  if (s->outlines)
    cairo_destroy(s->outlines);
  if (s->ctx)
    g_object_unref(s->ctx);
}

int cm__svg_write(const cm_scene *scene, FILE *f, const char *path,
                  const cm_render_options *opt, const char *created,
                  cm_error *err) {
  svg s = {0};
  s.f = f;
  s.scene = scene;
  s.text_paths = opt && opt->svg_text_paths;
  s.ctx = cm__text_context_new();
  if (s.ctx && s.text_paths)
    s.outlines = outline_context();
  if (!s.ctx || (s.text_paths && !s.outlines)) {
    svg_free(&s);
    return cm_error_set(err, CM_ERENDER, path, 0, 0, "cannot start pango for text");
  }
  header(&s, created);
  int rc = write_items(&s);
  fputs("</svg>\n", f);
  svg_free(&s);
  if (rc != CM_OK)
    return cm_error_set(err, rc, path, 0, 0, "out of memory writing SVG");
  return ferror(f) ? cm_error_set(err, CM_EIO, path, 0, 0, "cannot write") : CM_OK;
}
