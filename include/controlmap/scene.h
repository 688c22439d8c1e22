#ifndef CONTROLMAP_SCENE_H
#define CONTROLMAP_SCENE_H

/* The scene: an ordered display list of styled primitives in page
 * coordinates (points, 1/72 in, origin top-left, y down), grouped by layer.
 * Composition builds it; every backend walks it and nothing else. It holds
 * no drawing code. */

#include "controlmap/common.h"
#include "controlmap/date.h"
#include "controlmap/error.h"
#include "controlmap/geom.h"
#include "controlmap/paint.h"

CM_BEGIN_DECLS

typedef struct cm_scene cm_scene;

/* How a path is painted: fill, then hatch, then stroke. */
typedef struct cm_paint {
  int fill;                /* fill with fill_color (even-odd rule) */
  int nonzero;             /* fill and hatch by the nonzero winding rule:
                              the rings are oriented (cm_geom_orient), so
                              touching features form one seamless path */
  cm_color fill_color;     /* alpha includes polygon-opacity */
  int hatch;               /* hatch lines clipped to the path */
  int cross;               /* a second hatch at angle + 90 */
  double hatch_angle;      /* degrees, counter-clockwise */
  cm_color hatch_color;
  double hatch_width, hatch_spacing; /* pt */
  int stroke;
  cm_color stroke_color;   /* alpha includes line-opacity */
  double stroke_width;     /* pt */
  double dash[CM_MAX_DASHES];
  int dash_count;
  cm_line_join join;
  cm_line_cap cap;
} cm_paint;

typedef enum { CM_ALIGN_START = 0, CM_ALIGN_CENTER, CM_ALIGN_END } cm_align;

/* How a text is set. The anchor (x, y) of a text item is where the
 * alignment puts it: CM_ALIGN_START is the left edge for left-to-right
 * text and the right edge for right-to-left text. */
typedef struct cm_text_style {
  const char *font;        /* family list, e.g. "Noto Sans"; not owned */
  double size;             /* pt */
  int bold, italic;
  cm_color fill;
  cm_color halo;
  double halo_radius;      /* pt; 0 none */
  cm_align halign;         /* START, CENTER or END of the line */
  cm_align valign;         /* START top, CENTER middle, END bottom */
  double angle;            /* degrees, counter-clockwise */
  double wrap;             /* wrap lines at this width (pt); 0: never */
} cm_text_style;

typedef enum {
  CM_ITEM_GROUP_BEGIN = 1,
  CM_ITEM_GROUP_END,
  CM_ITEM_PATH,
  CM_ITEM_TEXT
} cm_item_kind;

/* One display-list entry. Everything it points to is owned by the scene. */
typedef struct cm_item {
  cm_item_kind kind;
  /* GROUP_BEGIN */
  const char *id;          /* stable, XML-safe id ("layer-control") */
  const char *label;       /* human name ("control") */
  int clip;                /* clip the group's content to clip_box */
  cm_bbox clip_box;
  /* PATH: geometry in page points; lines are stroked only */
  cm_geom geom;
  cm_paint paint;
  /* TEXT */
  const char *text;        /* UTF-8 */
  double x, y;
  cm_text_style style;
} cm_item;

/* A new empty scene of a page size in points at a dpi (for raster output
 * and px lengths). Caller frees with cm_scene_free. NULL when out of
 * memory. */
CM_EXTERN cm_scene *cm_scene_new(double width_pt, double height_pt, double dpi);

CM_EXTERN void cm_scene_free(cm_scene *scene);

CM_EXTERN double cm_scene_width(const cm_scene *scene);
CM_EXTERN double cm_scene_height(const cm_scene *scene);
CM_EXTERN double cm_scene_dpi(const cm_scene *scene);

/* Begin a group (closed by cm_scene_group_end); clip may be NULL. id and
 * label are copied. Returns 0 or CM_ENOMEM. */
CM_EXTERN int cm_scene_group_begin(cm_scene *scene, const char *id, const char *label,
                                   const cm_bbox *clip);
CM_EXTERN int cm_scene_group_end(cm_scene *scene);

/* Add a path; the geometry is copied. */
CM_EXTERN int cm_scene_path(cm_scene *scene, const cm_geom *geom, const cm_paint *paint);

/* Add a path taking over geom's arrays (geom is left empty). */
CM_EXTERN int cm_scene_path_take(cm_scene *scene, cm_geom *geom, const cm_paint *paint);

/* Append geom's parts to the last item, a path: features styled alike
 * become one path. Returns 0, CM_ENOMEM, or CM_EUSAGE when the last item
 * is not a path of geom's type. */
CM_EXTERN int cm_scene_path_append(cm_scene *scene, const cm_geom *geom);

/* Leave path item i out of every output (its geometry is dropped): a
 * marker whose label found no room goes with it. */
CM_EXTERN void cm_scene_path_hide(cm_scene *scene, size_t i);

/* Drop the items from count on (to try a placement again); groups they
 * opened or closed are forgotten with them. */
CM_EXTERN void cm_scene_truncate(cm_scene *scene, size_t count);

/* Add a text at (x, y); the text and font name are copied. */
CM_EXTERN int cm_scene_text(cm_scene *scene, const char *text, double x, double y,
                            const cm_text_style *style);

/* Items in drawing order. Owned by the scene. */
CM_EXTERN size_t cm_scene_count(const cm_scene *scene);
CM_EXTERN const cm_item *cm_scene_item(const cm_scene *scene, size_t i);

/* Document metadata carried to every format (PNG tEXt, PDF info, SVG
 * title/desc). key is "Title", "Source", "Date", "Style"... Copied. */
CM_EXTERN int cm_scene_set_meta(cm_scene *scene, const char *key, const char *value);

/* The value of a metadata key, or NULL. Owned by the scene. */
CM_EXTERN const char *cm_scene_meta(const cm_scene *scene, const char *key);

/* The day the scene shows, as a day: backends need it as a date (a PDF's
 * creation date, a timeline's frame) and must not parse it back from
 * text. Setting it also sets the "Date" metadata (ISO 8601), and setting
 * "Date" to an ISO date sets it. cm_scene_date returns 1 and *day when
 * the scene has a date, else 0. */
CM_EXTERN int cm_scene_set_date(cm_scene *scene, cm_day day);
CM_EXTERN int cm_scene_date(const cm_scene *scene, cm_day *day);

/* Things left out of the scene that its reader should be told of (a
 * legend cut short), one sentence each; not written to any file. text is
 * copied. Returns 0 or CM_ENOMEM. */
CM_EXTERN int cm_scene_add_warning(cm_scene *scene, const char *text);
CM_EXTERN size_t cm_scene_warning_count(const cm_scene *scene);
CM_EXTERN const char *cm_scene_warning(const cm_scene *scene, size_t i);

CM_END_DECLS

#endif
