#include "layout.h"
#include "text.h"

#include <math.h>

static double clamp(double v, double lo, double hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

double cm_page_note_lines(const cm_map_settings *m, const cm_page_layout *lay) {
  PangoContext *ctx = cm_text_context_new();
  if (!ctx)
    return 1;
  char text[2048];
  cm_style_expand(text, sizeof text, m->attribution, NULL, NULL, m->lang,
                  m->digits, cm_date_from_ymd(2000, 1, 1));
  cm_text_style st = {0};
  st.font = m->font;
  st.size = lay->note_size;
  st.wrap = lay->width - 2 * lay->margin;
  PangoLayout *layout = cm_text_layout(ctx, text, &st);
  int n = pango_layout_get_line_count(layout);
  g_object_unref(layout);
  g_object_unref(ctx);
  return n < 1 ? 1 : n;
}

void cm_page_layout_make(const cm_map_settings *m, cm_page_layout *out) {
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
    double lines = cm_page_note_lines(m, out);
    bottom -= out->note_size * (0.35 + 1.2 * lines);
    out->attribution_y = bottom + out->note_size * 0.35;
  }
  double right = w - margin;
  out->key = cm_bbox_empty();
  double band = cm_length_pt(m->key_size, m->dpi), gap = out->note_size;
  /* The key has a band of its own, so it never covers the map. */
  if (m->key == CM_KEY_BELOW && bottom - band - gap > top) {
    out->key = (cm_bbox){margin, bottom - band, right, bottom};
    bottom -= band + gap;
  } else if (m->key == CM_KEY_RIGHT && right - band - gap > margin) {
    out->key = (cm_bbox){right - band, top, right, bottom};
    right -= band + gap;
  }
  out->frame = (cm_bbox){margin, top, right, bottom};
}

void cm_page_layout_drop_key(cm_page_layout *lay) {
  if (cm_bbox_is_empty(lay->key))
    return;
  if (lay->key.miny > lay->frame.maxy)
    lay->frame.maxy = lay->key.maxy;
  else
    lay->frame.maxx = lay->key.maxx;
  lay->key = cm_bbox_empty();
}
