#ifndef CONTROLMAP_STYLE_H
#define CONTROLMAP_STYLE_H

/* The style language: a CartoCSS-flavoured text that says what to load
 * (Layer blocks), how to project and lay out the page (the Map block) and
 * how to draw features (rules). See docs/style.md for the language. */

#include "controlmap/common.h"
#include "controlmap/paint.h"
#include "controlmap/date.h"
#include "controlmap/error.h"

#include <stdint.h>

CM_BEGIN_DECLS

typedef struct cm_style cm_style;

typedef enum { CM_UNIT_PT = 0, CM_UNIT_PX, CM_UNIT_MM, CM_UNIT_IN } cm_unit;

/* A length as written; a bare number is points. */
typedef struct cm_length {
  double value;
  cm_unit unit;
} cm_length;

/* The length in points (1/72 in); px are device pixels at dpi. */
CM_EXTERN double cm_length_pt(cm_length len, double dpi);

typedef enum {
  CM_CORNER_NONE = 0,
  CM_CORNER_TOP_LEFT,
  CM_CORNER_TOP_RIGHT,
  CM_CORNER_BOTTOM_LEFT,
  CM_CORNER_BOTTOM_RIGHT,
  CM_CORNER_TOP,           /* the middles of the frame's edges */
  CM_CORNER_BOTTOM,
  CM_CORNER_LEFT,
  CM_CORNER_RIGHT,
  CM_CORNER_OUTSIDE_RIGHT, /* beside the frame, which shrinks to make room */
  CM_CORNER_OUTSIDE_LEFT,
  CM_CORNER_BELOW,
  CM_CORNER_AUTO,          /* the corner or edge middle that covers the
                              least data at any date of the map */
  CM_CORNER_COUNT
} cm_corner;

/* Where the event key goes: in a band of its own that the map never
 * covers. */
typedef enum { CM_KEY_NONE = 0, CM_KEY_BELOW, CM_KEY_RIGHT } cm_key_place;

/* The Map block. Strings are owned by the style; NULL when not given. */
typedef struct cm_map_settings {
  const char *srs;          /* map CRS; NULL means WGS 84 lon/lat */
  int has_extent;
  int extent_projected;     /* 1: extent is in map units, 0: lon/lat */
  double extent[4];         /* west south east north */
  cm_length page_width, page_height; /* default 170mm x 125mm */
  double dpi;               /* default 300 */
  cm_color background;      /* default white */
  const char *lang;         /* default "en" */
  cm_digits digits;         /* default CM_DIGITS_DEFAULT */
  const char *font;         /* default face for all text; default "Noto Sans" */
  const char *title;        /* templates: {date}, {date:%Y}, ...; NULL
                               (also for an empty title): none */
  const char *subtitle;
  const char *attribution;
  cm_corner legend, scale_bar, north_arrow; /* CM_CORNER_NONE: not drawn;
                             default bottom-left, bottom-right, none */
  int legend_all;           /* legend-classes: all (1) or present (0, default) */
  double graticule;         /* degrees between lines; 0: none */
  const char *inset_layer;  /* layer drawn in the locator inset, or NULL */
  double inset_extent[4];   /* lon/lat west south east north */
  cm_corner inset;          /* where the inset goes (top-left when not
                               given); CM_CORNER_NONE: no inset */
  cm_length margin;         /* around the map frame; default 4mm */
  double type_basis;        /* the shorter side (pt) of the page the style
                               was written for, when an override changed
                               the page: furniture type keeps its size;
                               0: the page's own */
  cm_key_place key;         /* the event key: none (default), below the
                               map or outside it on the right */
  cm_length key_size;       /* the key's band: height below, width on the
                               right; default 30mm */
  const char *changes_layer; /* where --changes-since reads who held what:
                               the layer (default "control") and its */
  const char *changes_field; /* field naming the holder (default "holder") */
} cm_map_settings;

/* How long a dated feature stays on the map after its date (or its end):
 * `time-window: 30d;`. unit 0 means no window. */
typedef struct cm_time_window {
  int count;               /* 0 or more */
  char unit;               /* 'd' days, 'm' months, 'y' years; 0: none */
} cm_time_window;

/* One Layer#name block. Strings owned by the style. */
typedef struct cm_style_layer {
  const char *name;        /* "control" */
  const char *file;        /* path resolved against the style's folder */
  const char *time_start;  /* field names from `time: start end;`, */
  const char *time_end;    /* both NULL for an untimed layer; time_end NULL
                              alone for a layer of instants (`time: date;`) */
  const char *source_layer; /* `layer:` inside a file of several, or NULL */
  const char *x, *y;       /* `x:` `y:` coordinate fields, or NULL */
  const char *wkt;         /* `wkt:` geometry field, or NULL */
  const char *encoding;    /* `encoding:` of a non-shapefile, or NULL */
  int line, col;           /* where the block starts */
  cm_time_window window;   /* `time-window`, for timed layers only */
} cm_style_layer;

typedef enum { CM_PATTERN_NONE = 0, CM_PATTERN_HATCH, CM_PATTERN_CROSS } cm_pattern_kind;
typedef enum { CM_MARKER_CIRCLE = 0, CM_MARKER_SQUARE, CM_MARKER_TRIANGLE, CM_MARKER_STAR } cm_marker_type;
typedef enum { CM_PLACE_POINT = 0, CM_PLACE_INTERIOR, CM_PLACE_LINE } cm_text_placement;

typedef struct cm_pattern {
  cm_pattern_kind kind;    /* hatch(...) or cross-hatch(...) */
  double angle;            /* degrees, counter-clockwise from horizontal */
  cm_color color;
  cm_length width, spacing;
} cm_pattern;

/* Bits of cm_symbolizer.set: which properties some matching rule gave. */
enum {
  CM_PROP_POLYGON_FILL = 1u << 0,
  CM_PROP_POLYGON_OPACITY = 1u << 1,
  CM_PROP_POLYGON_PATTERN = 1u << 2,
  CM_PROP_LINE_COLOR = 1u << 3,
  CM_PROP_LINE_WIDTH = 1u << 4,
  CM_PROP_LINE_OPACITY = 1u << 5,
  CM_PROP_LINE_DASHARRAY = 1u << 6,
  CM_PROP_LINE_JOIN = 1u << 7,
  CM_PROP_LINE_CAP = 1u << 8,
  CM_PROP_MARKER_TYPE = 1u << 9,
  CM_PROP_MARKER_WIDTH = 1u << 10,
  CM_PROP_MARKER_FILL = 1u << 11,
  CM_PROP_MARKER_LINE_COLOR = 1u << 12,
  CM_PROP_MARKER_LINE_WIDTH = 1u << 13,
  CM_PROP_TEXT_NAME = 1u << 14,
  CM_PROP_TEXT_FACE_NAME = 1u << 15,
  CM_PROP_TEXT_SIZE = 1u << 16,
  CM_PROP_TEXT_FILL = 1u << 17,
  CM_PROP_TEXT_HALO_FILL = 1u << 18,
  CM_PROP_TEXT_HALO_RADIUS = 1u << 19,
  CM_PROP_TEXT_DX = 1u << 20,
  CM_PROP_TEXT_DY = 1u << 21,
  CM_PROP_TEXT_PLACEMENT = 1u << 22,
  CM_PROP_LEGEND = 1u << 23,
  CM_PROP_TEXT_PRIORITY = 1u << 24,
  CM_PROP_LINE_START = 1u << 25,
  CM_PROP_LINE_END = 1u << 26,
  CM_PROP_LINE_TAPER = 1u << 27,
  CM_PROP_LINE_WIDTH_SCALE = 1u << 28,
  CM_PROP_KEY = 1u << 29,
  CM_PROP_TEXT_OPTIONAL = 1u << 30
};

/* What a line's ends carry: `line-start` and `line-end`. */
typedef enum { CM_LINE_END_NONE = 0, CM_LINE_END_ARROW } cm_line_end;

/* Everything the rules say about one feature, after the cascade. Defaults
 * are filled for properties no rule set (see docs/style.md); a feature is
 * filled only when CM_PROP_POLYGON_FILL or _PATTERN is set, stroked only
 * when CM_PROP_LINE_COLOR or _WIDTH is set, marked only when a marker
 * property is set, labelled only when CM_PROP_TEXT_NAME is set. */
typedef struct cm_symbolizer {
  uint32_t set;
  cm_color polygon_fill;          /* default grey #808080 */
  double polygon_opacity;         /* default 1 */
  cm_pattern polygon_pattern;
  cm_color line_color;            /* default black */
  cm_length line_width;           /* default 1 (pt) */
  const char *line_width_field;   /* `line-width: [size];`: the width in pt
                                     is the field times line_width_scale;
                                     NULL: line_width */
  double line_width_scale;        /* default 1 */
  cm_line_end line_start, line_end; /* default none */
  double line_taper;              /* width at the start / width at the
                                     end, 0 to 1; default 1 (no taper) */
  double line_opacity;            /* default 1 */
  cm_length line_dasharray[CM_MAX_DASHES];
  int line_dash_count;            /* 0: solid */
  cm_line_join line_join;
  cm_line_cap line_cap;
  cm_marker_type marker_type;
  cm_length marker_width;         /* default 2mm */
  cm_color marker_fill;           /* default black */
  cm_color marker_line_color;     /* default white */
  cm_length marker_line_width;    /* default 0 */
  const char *text_name;          /* a template, see cm_style_expand */
  const char *text_face_name;     /* NULL: the map font */
  cm_length text_size;            /* default 8pt */
  cm_color text_fill;             /* default black */
  cm_color text_halo_fill;        /* default white */
  cm_length text_halo_radius;     /* default 0 */
  cm_length text_dx, text_dy;
  cm_text_placement text_placement; /* default point (interior for polygons) */
  double text_priority;           /* lower is placed first; default 0 */
  int text_optional;              /* 1: a label with no room is left out
                                     without a word (`check` is silent);
                                     default 0 */
  const char *legend;             /* legend text template, or NULL */
  const char *key;                /* `key`: the title of the feature in the
                                     event key (a template), or NULL */
  int legend_rule;                /* which rule gave the legend (file order),
                                     so a legend lists classes as the style
                                     does */
} cm_symbolizer;

/* Parse the style file at path. On any mistake returns CM_ESTYLE (CM_EIO
 * when unreadable) with the first problem in err; when all is not NULL every
 * problem found is appended to it (parsing goes on after a mistake). On
 * success *out is the caller's, freed with cm_style_free. */
CM_EXTERN int cm_style_load(cm_style **out, const char *path, cm_error *err,
                            cm_errors *all);

/* What a caller changes in a style as it is read (command-line options);
 * all zero: nothing. Entries are "NAME=VALUE" with VALUE written as in a
 * style. A mistake in one is reported like a mistake in the file, with
 * "--set NAME" or "--NAME" where the file name would be. */
typedef struct cm_style_options {
  const char *const *set; /* @NAME takes VALUE instead of the style's own
                             value; the style must define @NAME, and VALUE
                             must be of the same kind (colour, length or
                             number, string) as the value it replaces */
  size_t set_count;
  const char *const *map; /* Map property NAME takes VALUE after the
                             style's Map block ("page=120mm 90mm",
                             "lang=ar", "title=\"\""); a changed page keeps
                             the furniture's type size (type_basis) */
  size_t map_count;
  int keep_on_error;      /* on CM_ESTYLE, still give in *out the style as
                             parsed around its mistakes (the caller's, freed
                             with cm_style_free), so that a check can go on
                             to the data it names */
} cm_style_options;

/* cm_style_load and cm_style_parse with options (opt may be NULL). */
CM_EXTERN int cm_style_load_with(cm_style **out, const char *path,
                                 const cm_style_options *opt, cm_error *err,
                                 cm_errors *all);
CM_EXTERN int cm_style_parse_with(cm_style **out, const char *text, size_t len,
                                  const char *name, const cm_style_options *opt,
                                  cm_error *err, cm_errors *all);

/* Parse style text held in memory; name is used in messages and its folder
 * to resolve Layer file paths. Same results as cm_style_load. */
CM_EXTERN int cm_style_parse(cm_style **out, const char *text, size_t len,
                             const char *name, cm_error *err, cm_errors *all);

CM_EXTERN void cm_style_free(cm_style *style);

/* The style's file name as given. Owned by the style. */
CM_EXTERN const char *cm_style_name(const cm_style *style);

/* The Map block, defaults filled. Owned by the style. */
CM_EXTERN const cm_map_settings *cm_style_map(const cm_style *style);

/* Override the Map block's dpi (10 to 4800), e.g. from a command-line
 * option; CM_EUSAGE outside that range. */
CM_EXTERN int cm_style_set_dpi(cm_style *style, double dpi);

/* Judge the lengths the style gives in px at dpi (0: the style's own):
 * each hatch spacing in px must be at least its line width and 0.05 mm
 * there. Returns 0, or CM_ESTYLE with the first that is not in err (its
 * file, line and column) and, when all is not NULL, every one appended to
 * all; CM_ENOMEM when all cannot grow. cm_map_open_style does this at the
 * style's dpi. */
CM_EXTERN int cm_style_check_dpi(const cm_style *style, double dpi, cm_error *err,
                                 cm_errors *all);

/* Layer blocks in file order. Owned by the style. */
CM_EXTERN size_t cm_style_layer_count(const cm_style *style);
CM_EXTERN const cm_style_layer *cm_style_layer_at(const cm_style *style, size_t i);

/* How a feature's attributes are read: the text of field, or NULL when the
 * feature has no such field. */
typedef const char *(*cm_attr_fn)(void *ud, const char *field);

/* The line where rule number rule (as in cm_symbolizer.legend_rule)
 * opens in the style file; 0 when there is no such rule. */
CM_EXTERN int cm_style_rule_line(const cm_style *style, int rule);

/* Run the cascade for one feature of layer: every rule whose selector
 * matches contributes, later rules win per property. Fills *out (defaults
 * first) and returns the number of rules that matched. Pointers in *out are
 * owned by the style. */
CM_EXTERN int cm_style_resolve(const cm_style *style, const char *layer, cm_attr_fn get,
                               void *ud, cm_symbolizer *out);

/* A field's text as a number, as filters read it: blanks around it
 * allowed, independent of the C locale. Returns 0 or -1. */
CM_EXTERN int cm_style_number(const char *text, double *out);

/* A field named by a selector or template, for checking against the data. */
typedef struct cm_field_ref {
  const char *layer; /* NULL: any layer (a template in the Map block) */
  const char *field; /* as written; "name" means name_<lang> */
  int line, col;
} cm_field_ref;

CM_EXTERN size_t cm_style_field_ref_count(const cm_style *style);
CM_EXTERN const cm_field_ref *cm_style_field_ref_at(const cm_style *style, size_t i);

/* A date a filter compares a field with ([start >= 2020-09-27]), for
 * checking against the dates the data holds. */
typedef struct cm_date_ref {
  const char *layer;
  const char *field;
  cm_day day;
  const char *text;  /* the date as written */
  int line, col;
} cm_date_ref;

CM_EXTERN size_t cm_style_date_ref_count(const cm_style *style);
CM_EXTERN const cm_date_ref *cm_style_date_ref_at(const cm_style *style, size_t i);

/* A font family the style names (Map font, text-face-name), for checking
 * that it is installed. */
typedef struct cm_font_ref {
  const char *family;
  int line, col;
} cm_font_ref;

CM_EXTERN size_t cm_style_font_ref_count(const cm_style *style);
CM_EXTERN const cm_font_ref *cm_style_font_ref_at(const cm_style *style, size_t i);

/* Expand a template into buf (UTF-8, truncated to size; returns the length
 * needed). {field} is the feature's value (get may be NULL outside a
 * feature); {name} and [name] pick name_<lang> and fall back to name_en;
 * {date} is the date formatted for lang, {date:FMT} with a cm_date_format
 * format; {{ and }} are literal braces. Unknown fields expand to "". */
CM_EXTERN size_t cm_style_expand(char *buf, size_t size, const char *tmpl,
                                 cm_attr_fn get, void *ud, const char *lang,
                                 cm_digits digits, cm_day date);

CM_END_DECLS

#endif
