#include "page_internal.h"
#include "text_internal.h"

#include <math.h>

static double clamp(double v, double lo, double hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

/* How many lines the source line takes when wrapped at the page width. */
static double note_lines(const cm_map_settings *m, const cm_page_layout *lay) {
  cm__text_want_font(m->font);
  PangoContext *ctx = cm__text_context_new();
  if (!ctx)
    return 1;
  char text[2048];
  cm_style_expand(text, sizeof text, m->attribution, NULL, NULL, m->lang,
                  m->digits, cm_date_from_ymd(2000, 1, 1));
  cm_text_style st = {0};
  st.font = m->font;
  st.size = lay->note_size;
  st.wrap = lay->width - 2 * lay->margin;
  PangoLayout *layout = cm__text_layout(ctx, text, &st);
  int n = pango_layout_get_line_count(layout);
  g_object_unref(layout);
  g_object_unref(ctx);
  return n < 1 ? 1 : n;
}

int cm__page_band_of(cm_corner slot) {
  return slot == CM_CORNER_OUTSIDE_RIGHT ? 0
         : slot == CM_CORNER_OUTSIDE_LEFT ? 1
         : slot == CM_CORNER_BELOW        ? 2
                                          : -1;
}

/* Bands beside the frame for the pieces placed outside it: a quarter of
 * the page's width at a side (the legend wraps its text to fit), a fifth
 * of its height below. The frame shrinks; the map is fitted into what is
 * left, so nothing of the map lies under the furniture. */
static void take_bands(const cm_map_settings *m, cm_page_layout *out) {
  cm_corner used[4] = {m->legend, m->scale_bar, m->north_arrow,
                       m->inset_layer ? m->inset : CM_CORNER_NONE};
  int want[3] = {0, 0, 0};
  for (int i = 0; i < 4; i++)
    if (cm__page_band_of(used[i]) >= 0)
      want[cm__page_band_of(used[i])] = 1;
  cm_bbox *f = &out->frame;
  double gap = out->note_size * 0.8;
  double side = fmax(out->width * 0.25, out->note_size * 14);
  double below = fmax(out->height * 0.2, out->note_size * 6);
  for (int b = 0; b < 3; b++)
    out->band[b] = cm_bbox_empty();
  if (want[0]) {
    out->band[0] = (cm_bbox){f->maxx - side, f->miny, f->maxx, f->maxy};
    f->maxx -= side + gap;
  }
  if (want[1]) {
    out->band[1] = (cm_bbox){f->minx, f->miny, f->minx + side, f->maxy};
    f->minx += side + gap;
  }
  if (want[2]) {
    out->band[2] = (cm_bbox){f->minx, f->maxy - below, f->maxx, f->maxy};
    f->maxy -= below + gap;
  }
}

void cm__page_layout_make(const cm_map_settings *m, cm_page_layout *out) {
  double w = cm_length_pt(m->page_width, m->dpi);
  double h = cm_length_pt(m->page_height, m->dpi);
  double margin = cm_length_pt(m->margin, m->dpi);
  /* Type scales with the page so a 1920 px slide and a 170 mm figure both
   * read well: about 3.2 % of the shorter side for the title; of the
   * style's own page when an option changed it, so that type keeps the
   * size the style was drawn for. */
  double basis = m->type_basis > 0 ? m->type_basis : fmin(w, h);
  double title = clamp(basis * 0.032, 9, 60);
  out->width = w;
  out->height = h;
  out->margin = margin;
  out->title_size = title;
  out->subtitle_size = title * 0.72;
  out->note_size = clamp(title * 0.58, 5.5, 30);
  double top = margin, bottom = h - margin;
  if (m->title) {
    out->title_y = top;
    top += title * 1.35;
  }
  if (m->subtitle) {
    out->subtitle_y = top;
    top += out->subtitle_size * 1.35;
  }
  if (m->title || m->subtitle)
    top += title * 0.3;
  if (m->attribution) {
    /* The source line wraps at the page width: keep room for every line. */
    double lines = note_lines(m, out);
    bottom -= out->note_size * (0.35 + 1.2 * lines);
    out->attribution_y = bottom + out->note_size * 0.35;
  }
  double right = w - margin;
  out->key = cm_bbox_empty();
  double band = cm_length_pt(m->key_size, m->dpi), gap = out->note_size;
  /* On a page smaller than the style's (--page), the key's band keeps to
   * the share of it a key can have: under a third. */
  band = fmin(band, (m->key == CM_KEY_RIGHT ? right - margin : bottom - top) * 0.3);
  /* The key has a band of its own, so it never covers the map; the
   * furniture's bands are taken from what is left. */
  if (m->key == CM_KEY_BELOW && bottom - band - gap > top) {
    out->key = (cm_bbox){margin, bottom - band, right, bottom};
    bottom -= band + gap;
  } else if (m->key == CM_KEY_RIGHT && right - band - gap > margin) {
    out->key = (cm_bbox){right - band, top, right, bottom};
    right -= band + gap;
  }
  out->frame = out->region = (cm_bbox){margin, top, right, bottom};
  take_bands(m, out);
}

/* Without events to list, the key's band goes back to the map: the frame,
 * and the furniture bands beside it, grow into it. */
void cm__page_layout_drop_key(cm_page_layout *lay) {
  if (cm_bbox_is_empty(lay->key))
    return;
  if (lay->key.miny > lay->region.maxy) {
    double d = lay->key.maxy - lay->region.maxy;
    lay->region.maxy += d;
    lay->frame.maxy += d;
    for (int b = 0; b < 2; b++)
      if (!cm_bbox_is_empty(lay->band[b]))
        lay->band[b].maxy += d;
    if (!cm_bbox_is_empty(lay->band[2])) {
      lay->band[2].miny += d;
      lay->band[2].maxy += d;
    }
  } else {
    double d = lay->key.maxx - lay->region.maxx;
    lay->region.maxx += d;
    lay->frame.maxx += d;
    if (!cm_bbox_is_empty(lay->band[0])) {
      lay->band[0].minx += d;
      lay->band[0].maxx += d;
    }
    if (!cm_bbox_is_empty(lay->band[2]))
      lay->band[2].maxx += d;
  }
  lay->key = cm_bbox_empty();
}
