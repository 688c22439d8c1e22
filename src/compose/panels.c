/* Small multiples: several days of one map on one page. Every panel is the
 * map's frame scaled down (same projection and symbol sizes, so the panels
 * compare), under a caption with its date; one event key, numbering each
 * event shown in any panel once, lies under the grid; one legend, holding
 * every class shown in any panel, and one scale bar (all panels share the
 * scale) stand in a band below it. */

#include "compose_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static void grid_shape(const cm_compose_options *o, int *cols, int *rows) {
  int n = (int)o->npanels, c = o->cols, r = o->rows;
  if (c <= 0 && r <= 0)
    c = (int)ceil(sqrt((double)n));
  if (c <= 0)
    c = (n + r - 1) / r;
  if (r <= 0)
    r = (n + c - 1) / c;
  *cols = c;
  *rows = r;
}

static int caption(composer *c, cm_bbox panel, cm_day day) {
  char text[128];
  cm_date_format(text, sizeof text, day, NULL, c->ms->lang, c->ms->digits);
  cm_text_style st = {0};
  st.font = c->ms->font;
  st.size = c->page.note_size * 1.15;
  st.bold = 1;
  st.fill = (cm_color){0.13, 0.13, 0.13, 1};
  st.halign = CM_ALIGN_START;
  st.valign = CM_ALIGN_END;
  double x = c->rtl ? panel.maxx : panel.minx;
  return cm_scene_text(c->scene, text, x, panel.miny - st.size * 0.25, &st);
}

static int panel(composer *c, size_t i, cm_bbox cell, double caption_h) {
  cm_bbox mf = cm_map_frame(c->map);
  double w = (mf.maxx - mf.minx) * c->k, h = (mf.maxy - mf.miny) * c->k;
  double x = cell.minx + (cell.maxx - cell.minx - w) / 2;
  double y = cell.miny + caption_h;
  c->frame = (cm_bbox){x, y, x + w, y + h};
  c->src0 = (cm_point){mf.minx, mf.miny};
  c->dst0 = (cm_point){x, y};
  c->day = c->opt->panels[i];
  cm__compose_untake(c);
  for (size_t k = 0; k < c->nkey; k++)
    free(c->key[k].text);
  c->nkey = 0; /* each panel numbers its own markers from the figure's key */
  char id[32], label[32];
  snprintf(id, sizeof id, "panel-%zu", i + 1);
  cm_date_iso(c->day, label);
  int rc = cm_scene_group_begin(c->scene, id, label, NULL);
  if (rc == CM_OK)
    rc = cm__draw_map(c);
  if (rc == CM_OK)
    rc = cm__draw_key_markers(c);
  if (rc == CM_OK)
    rc = cm__draw_frame(c);
  if (rc == CM_OK)
    rc = caption(c, c->frame, c->day);
  if (rc == CM_OK)
    rc = cm__place_labels(c);
  return rc == CM_OK ? cm_scene_group_end(c->scene) : rc;
}

/* The title spans the panels' dates ("1 January 1991 – 1 October 2023")
 * and may wrap: what goes under it moves down by the lines it adds. */
static int title_room(composer *c) {
  if (!c->ms->title)
    return CM_OK;
  char *text = cm__compose_expand(c, c->ms->title);
  if (!text)
    return CM_ENOMEM;
  cm_text_style st = {0};
  st.font = c->ms->font;
  st.size = c->page.title_size;
  st.bold = 1;
  st.wrap = c->page.width - 2 * c->page.margin;
  double w, h, w1, h1;
  cm__text_size(c->ctx, text, &st, &w, &h);
  cm__text_size(c->ctx, "X", &st, &w1, &h1);
  free(text);
  double extra = fmax(0, h - h1);
  c->page.subtitle_y += extra;
  c->page.region.miny += extra;
  return CM_OK;
}

/* The page: the style's width; the height the grid, the key, the legend
 * band and the title and source bands need. */
static int make_page(composer *c, int cols, int rows, double *band,
                     double *cell_h, double *caption_h, double *gutter) {
  int rc = title_room(c);
  if (rc != CM_OK)
    return rc;
  cm_bbox region = c->page.region;
  double ns = c->page.note_size;
  *gutter = ns * 1.2;
  *caption_h = ns * 1.7;
  double cw = (region.maxx - region.minx - *gutter * (cols - 1)) / cols;
  cm_bbox mf = cm_map_frame(c->map);
  c->k = cw / (mf.maxx - mf.minx);
  c->sym = fmin(1, fmax(0.6, c->k));
  *cell_h = *caption_h + (mf.maxy - mf.miny) * c->k;
  *band = fmax(cm__legend_height(c, (region.maxx - region.minx) * 0.8), ns * 3.5);
  double below = c->page.height - region.maxy; /* source line and margin */
  double grid = region.miny + rows * *cell_h + (rows - 1) * *gutter;
  double key = cm__figure_key_height(c, region.maxx - region.minx);
  c->page.key = key > 0 ? (cm_bbox){region.minx, grid + *gutter, region.maxx,
                                    grid + *gutter + key}
                        : cm_bbox_empty();
  double height = grid + (key > 0 ? key + *gutter : 0) + *gutter + *band + below;
  c->page.attribution_y += height - c->page.height;
  c->page.height = height;
  c->page.region.maxy = height - below;
  c->scene = cm_scene_new(c->page.width, height, c->dpi);
  return c->scene ? cm__compose_meta(c) : CM_ENOMEM;
}

static int white_page(composer *c) {
  cm_geom g;
  cm_geom_init(&g, CM_GEOM_POLYGON);
  cm_geom_add_point(&g, 0, 0);
  cm_geom_add_point(&g, c->page.width, 0);
  cm_geom_add_point(&g, c->page.width, c->page.height);
  cm_geom_add_point(&g, 0, c->page.height);
  cm_paint white = {0};
  white.fill = 1;
  white.fill_color = (cm_color){1, 1, 1, 1};
  int rc = cm_scene_group_begin(c->scene, "background", "background", NULL);
  if (rc == CM_OK)
    rc = cm_scene_path_take(c->scene, &g, &white);
  cm_geom_free(&g);
  return rc == CM_OK ? cm_scene_group_end(c->scene) : rc;
}

int cm__compose_panels(composer *c) {
  int cols, rows;
  grid_shape(c->opt, &cols, &rows);
  c->panels = 1;
  if (cols < 1 || rows < 1 || (size_t)cols * (size_t)rows < c->opt->npanels)
    return cm_error_set(c->err, CM_EUSAGE, NULL, 0, 0,
                        "a %dx%d grid cannot hold %zu panels", cols, rows,
                        c->opt->npanels);
  cm__page_layout_drop_key(&c->page); /* the figure's key goes under the grid */
  int rc = CM_OK;
  for (size_t i = 0; i < c->opt->npanels && rc == CM_OK; i++)
    rc = cm__collect_legend(c, c->opt->panels[i]);
  for (size_t i = 0; i < c->opt->npanels && rc == CM_OK; i++)
    rc = cm__collect_key(c, c->opt->panels[i]);
  cm__key_make_figure(c);
  double band = 0, ch = 0, caption_h = 0, gutter = 0;
  if (rc == CM_OK)
    rc = make_page(c, cols, rows, &band, &ch, &caption_h, &gutter);
  if (rc == CM_OK)
    rc = white_page(c);
  cm_bbox region = c->page.region, first = {0, 0, 0, 0};
  double cw = (region.maxx - region.minx - gutter * (cols - 1)) / cols;
  for (size_t i = 0; i < c->opt->npanels && rc == CM_OK; i++) {
    int col = (int)(i % (size_t)cols), row = (int)(i / (size_t)cols);
    if (c->rtl)
      col = cols - 1 - col; /* Arabic reads the grid from the right */
    double x = region.minx + col * (cw + gutter), y = region.miny + row * (ch + gutter);
    rc = panel(c, i, (cm_bbox){x, y, x + cw, y + ch}, caption_h);
    if (i == 0)
      first = c->frame;
  }
  /* The shared furniture below the grid, the scale bar sized for a panel. */
  c->frame = first;
  c->furniture = (cm_bbox){region.minx, region.maxy - band, region.maxx, region.maxy};
  c->no_inset = 1;
  cm__compose_untake(c);
  if (rc == CM_OK)
    rc = cm__draw_furniture(c);
  return rc == CM_OK ? cm__draw_figure_key(c) : rc;
}
