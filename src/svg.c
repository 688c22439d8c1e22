/* The project's own SVG writer: one <g> per scene group, marked as an
 * Inkscape layer with a stable id; paths with plain fill and stroke
 * attributes; hatches as vector <pattern>s; text as <text> an editor can
 * change. Kept to SVG 1.1 features that browsers, librsvg, Inkscape and
 * office suites all draw the same. */

#include "backend.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct svg {
  FILE *f;
  const cm_scene *scene;
  PangoContext *ctx;
  int nclip, npattern;
} svg;

static void esc(FILE *f, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    default:
      /* XML 1.0 forbids most control characters, even escaped. */
      if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
        fputc(*s, f);
    }
  }
}

/* A number with at most two decimals (1/100 pt is far below what any
 * screen or printer shows) and no trailing zeros, to keep files small. */
static void num(FILE *f, double v) {
  char buf[32];
  long long c = llround(v * 100);
  if (c == 0) {
    fputc('0', f);
    return;
  }
  snprintf(buf, sizeof buf, "%s%lld", c < 0 ? "-" : "", llabs(c) / 100);
  fputs(buf, f);
  int frac = (int)(llabs(c) % 100);
  if (frac)
    fprintf(f, frac % 10 ? ".%02d" : ".%d", frac % 10 ? frac : frac / 10);
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

static void path_data(FILE *f, const cm_geom *g) {
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

/* A hatch as a pattern tile one spacing tall, rotated to the angle. */
static int hatch_pattern(svg *s, const cm_paint *pt, double angle) {
  int id = ++s->npattern;
  FILE *f = s->f;
  double sp = pt->hatch_spacing;
  fprintf(f, "<defs><pattern id=\"hatch-%d\" patternUnits=\"userSpaceOnUse\" width=\"", id);
  num(f, sp);
  fputs("\" height=\"", f);
  num(f, sp);
  fputs("\" patternTransform=\"rotate(", f);
  num(f, -angle);
  fputs(")\"><path d=\"M0 ", f);
  num(f, sp / 2);
  fputs("H", f);
  num(f, sp);
  fputs("\"", f);
  color_attr(f, "stroke", pt->hatch_color);
  fputs(" stroke-width=\"", f);
  num(f, pt->hatch_width);
  fputs("\"/></pattern></defs>\n", f);
  return id;
}

static void stroke_attrs(FILE *f, const cm_paint *pt) {
  static const char *joins[] = {"miter", "round", "bevel"};
  static const char *caps[] = {"butt", "round", "square"};
  color_attr(f, "stroke", pt->stroke_color);
  fputs(" stroke-width=\"", f);
  num(f, pt->stroke_width);
  fputc('"', f);
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

static void write_path(svg *s, const cm_item *it) {
  FILE *f = s->f;
  const cm_paint *pt = &it->paint;
  int closed = it->geom.type == CM_GEOM_POLYGON;
  int fill = closed && pt->fill;
  int stroke = pt->stroke && pt->stroke_width > 0;
  if (fill || (stroke && !(closed && pt->hatch))) {
    fputs("<path", f);
    path_data(f, &it->geom);
    if (fill) {
      color_attr(f, "fill", pt->fill_color);
      fputs(" fill-rule=\"evenodd\"", f);
    } else {
      fputs(" fill=\"none\"", f);
    }
    if (stroke && !(closed && pt->hatch))
      stroke_attrs(f, pt);
    fputs("/>\n", f);
  }
  if (!(closed && pt->hatch))
    return;
  int n = pt->cross ? 2 : 1;
  for (int k = 0; k < n; k++) {
    int id = hatch_pattern(s, pt, pt->hatch_angle + 90 * k);
    fputs("<path", f);
    path_data(f, &it->geom);
    fprintf(f, " fill=\"url(#hatch-%d)\" fill-rule=\"evenodd\"", id);
    if (stroke && k == n - 1)
      stroke_attrs(f, pt);
    fputs("/>\n", f);
  }
}

/* Each line of the layout as a <text>, anchored at its middle so the
 * position holds for both reading directions. */
static void write_text(svg *s, const cm_item *it) {
  FILE *f = s->f;
  const cm_text_style *st = &it->style;
  PangoLayout *layout = cm_text_layout(s->ctx, it->text, st);
  cm_bbox box = cm_text_box(layout, it->text, st, 0, 0);
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
  fputs("\" font-family=\"", f);
  esc(f, st->font);
  fputs("\" font-size=\"", f);
  num(f, st->size);
  fputc('"', f);
  if (st->bold)
    fputs(" font-weight=\"bold\"", f);
  if (st->italic)
    fputs(" font-style=\"italic\"", f);
  fputs(">", f);
  PangoLayoutIter *iter = pango_layout_get_iter(layout);
  do {
    PangoLayoutLine *line = pango_layout_iter_get_line_readonly(iter);
    PangoRectangle lr;
    pango_layout_iter_get_line_extents(iter, NULL, &lr);
    double cx = box.minx + (lr.x + lr.width / 2.0) / PANGO_SCALE;
    double by = box.miny + pango_layout_iter_get_baseline(iter) / (double)PANGO_SCALE;
    const char *text = pango_layout_get_text(layout) + line->start_index;
    fputs("<text x=\"", f);
    num(f, cx);
    fputs("\" y=\"", f);
    num(f, by);
    fputs("\" text-anchor=\"middle\"", f);
    color_attr(f, "fill", st->fill);
    if (st->halo_radius > 0) {
      color_attr(f, "stroke", st->halo);
      fputs(" stroke-width=\"", f);
      num(f, st->halo_radius * 2);
      fputs("\" stroke-linejoin=\"round\" paint-order=\"stroke\"", f);
    }
    fputc('>', f);
    char buf[4096];
    int len = line->length < (int)sizeof buf - 1 ? line->length : (int)sizeof buf - 1;
    memcpy(buf, text, (size_t)len);
    buf[len] = '\0';
    esc(f, buf);
    fputs("</text>", f);
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  fputs("</g>\n", f);
  g_object_unref(layout);
}

static void group_begin(svg *s, const cm_item *it, int depth) {
  FILE *f = s->f;
  int clip = 0;
  if (it->clip) {
    clip = ++s->nclip;
    cm_bbox b = it->clip_box;
    fprintf(f, "<defs><clipPath id=\"clip-%d\"><rect x=\"", clip);
    num(f, b.minx);
    fputs("\" y=\"", f);
    num(f, b.miny);
    fputs("\" width=\"", f);
    num(f, b.maxx - b.minx);
    fputs("\" height=\"", f);
    num(f, b.maxy - b.miny);
    fputs("\"/></clipPath></defs>\n", f);
  }
  fputs("<g id=\"", f);
  esc(f, it->id ? it->id : "group");
  fputs("\" inkscape:groupmode=\"layer\" inkscape:label=\"", f);
  esc(f, it->label ? it->label : "");
  fputc('"', f);
  if (clip)
    fprintf(f, " clip-path=\"url(#clip-%d)\"", clip);
  fputs(">\n", f);
}

static void header(svg *s) {
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
  const char *title = cm_scene_meta(s->scene, "Title");
  const char *source = cm_scene_meta(s->scene, "Source");
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
}

int cm_svg_write(const cm_scene *scene, FILE *f, const char *path,
                 cm_error *err) {
  svg s = {f, scene, cm_text_context_new(), 0, 0};
  if (!s.ctx)
    return cm_error_set(err, CM_ERENDER, path, 0, 0, "cannot start pango for text");
  header(&s);
  int depth = 0;
  for (size_t i = 0; i < cm_scene_count(scene); i++) {
    const cm_item *it = cm_scene_item(scene, i);
    switch (it->kind) {
    case CM_ITEM_GROUP_BEGIN:
      group_begin(&s, it, depth++);
      break;
    case CM_ITEM_GROUP_END:
      depth--;
      fputs("</g>\n", f);
      break;
    case CM_ITEM_PATH:
      write_path(&s, it);
      break;
    case CM_ITEM_TEXT:
      write_text(&s, it);
      break;
    }
  }
  fputs("</svg>\n", f);
  g_object_unref(s.ctx);
  return ferror(f) ? cm_error_set(err, CM_EIO, path, 0, 0, "cannot write") : CM_OK;
}
