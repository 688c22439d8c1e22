/* The property tables: every property of the Map block, Layer blocks and
 * rules, with the type of its value and where it is stored. Parsing, the
 * cascade, "did you mean" and the check of docs/style.md all read these. */

#include "style_internal.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Keyword values are stored as int; the enums must have int's size. */
_Static_assert(sizeof(cm_corner) == sizeof(int), "cm_corner is an int");
_Static_assert(sizeof(cm_digits) == sizeof(int), "cm_digits is an int");
_Static_assert(sizeof(cm_line_join) == sizeof(int), "cm_line_join is an int");
_Static_assert(sizeof(cm_line_cap) == sizeof(int), "cm_line_cap is an int");
_Static_assert(sizeof(cm_line_end) == sizeof(int), "cm_line_end is an int");
_Static_assert(sizeof(cm_key_place) == sizeof(int), "cm_key_place is an int");
_Static_assert(sizeof(cm_marker_type) == sizeof(int), "cm_marker_type is an int");
_Static_assert(sizeof(cm_text_placement) == sizeof(int), "cm_text_placement is an int");

static const style_keyword booleans[] = {{"false", 0}, {"true", 1}, {NULL, 0}};

#define SLOTS                                                                  \
  {"top-left", CM_CORNER_TOP_LEFT}, {"top-right", CM_CORNER_TOP_RIGHT},        \
      {"bottom-left", CM_CORNER_BOTTOM_LEFT},                                  \
      {"bottom-right", CM_CORNER_BOTTOM_RIGHT}, {"top", CM_CORNER_TOP},        \
      {"bottom", CM_CORNER_BOTTOM}, {"left", CM_CORNER_LEFT},                  \
      {"right", CM_CORNER_RIGHT}, {"outside-right", CM_CORNER_OUTSIDE_RIGHT},  \
      {"outside-left", CM_CORNER_OUTSIDE_LEFT}, {"below", CM_CORNER_BELOW},    \
      {"auto", CM_CORNER_AUTO}

static const style_keyword corners[] = {SLOTS, {"none", CM_CORNER_NONE}, {NULL, 0}};

/* An inset is always somewhere: "inset: none" switches it off as a whole. */
static const style_keyword inset_corners[] = {SLOTS, {NULL, 0}};

static const style_keyword languages[] = {
    {"en", 0}, {"ar", 1}, {"hy", 2}, {"az", 3}, {"ru", 4}, {NULL, 0}};

static const style_keyword digit_shapes[] = {
    {"default", CM_DIGITS_DEFAULT}, {"western", CM_DIGITS_WESTERN},
    {"arabic-indic", CM_DIGITS_ARABIC_INDIC}, {NULL, 0}};

static const style_keyword key_places[] = {
    {"below", CM_KEY_BELOW}, {"outside-right", CM_KEY_RIGHT}, {"none", CM_KEY_NONE},
    {NULL, 0}};

static const style_keyword legend_classes[] = {
    {"present", 0}, {"all", 1}, {NULL, 0}};

static const style_keyword joins[] = {
    {"miter", CM_JOIN_MITER}, {"round", CM_JOIN_ROUND}, {"bevel", CM_JOIN_BEVEL},
    {NULL, 0}};

static const style_keyword line_ends[] = {
    {"none", CM_LINE_END_NONE}, {"arrow", CM_LINE_END_ARROW}, {NULL, 0}};

static const style_keyword caps[] = {
    {"butt", CM_CAP_BUTT}, {"round", CM_CAP_ROUND}, {"square", CM_CAP_SQUARE},
    {NULL, 0}};

/* "ellipse" is CartoCSS's name for the round marker. */
static const style_keyword markers[] = {
    {"circle", CM_MARKER_CIRCLE}, {"square", CM_MARKER_SQUARE},
    {"triangle", CM_MARKER_TRIANGLE}, {"star", CM_MARKER_STAR},
    {"ellipse", CM_MARKER_CIRCLE}, {NULL, 0}};

static const style_keyword placements[] = {
    {"point", CM_PLACE_POINT}, {"interior", CM_PLACE_INTERIOR},
    {"line", CM_PLACE_LINE}, {NULL, 0}};

#define IN_MAP(field)                                                          \
  .offset = offsetof(cm_map_settings, field),                                   \
  .size = sizeof(((cm_map_settings *)0)->field)
#define IN_LAYER(field)                                                        \
  .offset = offsetof(cm_style_layer, field),                                    \
  .size = sizeof(((cm_style_layer *)0)->field)
#define IN_RULE(field)                                                         \
  .offset = offsetof(cm_symbolizer, field),                                     \
  .size = sizeof(((cm_symbolizer *)0)->field)

static const style_prop map_props[] = {
    {.name = "srs", .kind = VAL_STRING, IN_MAP(srs)},
    {.name = "extent", .kind = VAL_EXTENT, IN_MAP(extent)},
    {.name = "page", .kind = VAL_PAGE, IN_MAP(page_width)},
    {.name = "dpi", .kind = VAL_NUMBER, IN_MAP(dpi), .min = 1, .max = 10000},
    {.name = "margin", .kind = VAL_LENGTH, IN_MAP(margin)},
    {.name = "background-color", .kind = VAL_COLOR, IN_MAP(background)},
    {.name = "lang", .kind = VAL_LANG, IN_MAP(lang), .keywords = languages},
    {.name = "digits", .kind = VAL_KEYWORD, IN_MAP(digits), .keywords = digit_shapes},
    {.name = "font", .kind = VAL_STRING, IN_MAP(font)},
    {.name = "title", .kind = VAL_TEMPLATE, IN_MAP(title)},
    {.name = "subtitle", .kind = VAL_TEMPLATE, IN_MAP(subtitle)},
    {.name = "attribution", .kind = VAL_TEMPLATE, IN_MAP(attribution)},
    {.name = "legend", .kind = VAL_KEYWORD, IN_MAP(legend), .keywords = corners},
    {.name = "legend-classes", .kind = VAL_KEYWORD, IN_MAP(legend_all),
     .keywords = legend_classes},
    {.name = "scale-bar", .kind = VAL_KEYWORD, IN_MAP(scale_bar), .keywords = corners},
    {.name = "north-arrow", .kind = VAL_KEYWORD, IN_MAP(north_arrow), .keywords = corners},
    {.name = "graticule", .kind = VAL_NUMBER, IN_MAP(graticule), .min = 0, .max = 90},
    {.name = "inset", .kind = VAL_INSET, IN_MAP(inset), .keywords = inset_corners},
    {.name = "key", .kind = VAL_KEYWORD, IN_MAP(key), .keywords = key_places},
    {.name = "key-size", .kind = VAL_LENGTH, IN_MAP(key_size)},
    {.name = "changes-layer", .kind = VAL_STRING, IN_MAP(changes_layer)},
    {.name = "changes-field", .kind = VAL_STRING, IN_MAP(changes_field)},
};

static const style_prop layer_props[] = {
    {.name = "file", .kind = VAL_FILE, IN_LAYER(file)},
    {.name = "time", .kind = VAL_FIELDS, IN_LAYER(time_start)},
    {.name = "time-window", .kind = VAL_WINDOW, IN_LAYER(window)},
    {.name = "layer", .kind = VAL_STRING, IN_LAYER(source_layer)},
    {.name = "x", .kind = VAL_FIELD, IN_LAYER(x)},
    {.name = "y", .kind = VAL_FIELD, IN_LAYER(y)},
    {.name = "wkt", .kind = VAL_FIELD, IN_LAYER(wkt)},
    {.name = "encoding", .kind = VAL_STRING, IN_LAYER(encoding)},
};

static const style_prop rule_props[] = {
    {.name = "polygon-fill", .kind = VAL_COLOR, IN_RULE(polygon_fill),
     .bit = CM_PROP_POLYGON_FILL},
    {.name = "polygon-opacity", .kind = VAL_NUMBER, IN_RULE(polygon_opacity),
     .bit = CM_PROP_POLYGON_OPACITY, .min = 0, .max = 1},
    {.name = "polygon-pattern", .kind = VAL_PATTERN, IN_RULE(polygon_pattern),
     .bit = CM_PROP_POLYGON_PATTERN},
    {.name = "line-color", .kind = VAL_COLOR, IN_RULE(line_color),
     .bit = CM_PROP_LINE_COLOR},
    /* A width is a length or a field, so the cascade copies both. */
    {.name = "line-width", .kind = VAL_WIDTH,
     .offset = offsetof(cm_symbolizer, line_width),
     .size = offsetof(cm_symbolizer, line_width_scale) - offsetof(cm_symbolizer, line_width),
     .bit = CM_PROP_LINE_WIDTH},
    {.name = "line-width-scale", .kind = VAL_NUMBER, IN_RULE(line_width_scale),
     .bit = CM_PROP_LINE_WIDTH_SCALE, .min = 0, .max = HUGE_VAL},
    {.name = "line-start", .kind = VAL_KEYWORD, IN_RULE(line_start),
     .bit = CM_PROP_LINE_START, .keywords = line_ends},
    {.name = "line-end", .kind = VAL_KEYWORD, IN_RULE(line_end),
     .bit = CM_PROP_LINE_END, .keywords = line_ends},
    {.name = "line-taper", .kind = VAL_NUMBER, IN_RULE(line_taper),
     .bit = CM_PROP_LINE_TAPER, .min = 0, .max = 1},
    {.name = "line-opacity", .kind = VAL_NUMBER, IN_RULE(line_opacity),
     .bit = CM_PROP_LINE_OPACITY, .min = 0, .max = 1},
    /* The cascade copies the dashes and their count together: the count
     * follows the array in cm_symbolizer. */
    {.name = "line-dasharray", .kind = VAL_DASHES,
     .offset = offsetof(cm_symbolizer, line_dasharray),
     .size = offsetof(cm_symbolizer, line_join) - offsetof(cm_symbolizer, line_dasharray),
     .bit = CM_PROP_LINE_DASHARRAY},
    {.name = "line-join", .kind = VAL_KEYWORD, IN_RULE(line_join),
     .bit = CM_PROP_LINE_JOIN, .keywords = joins},
    {.name = "line-cap", .kind = VAL_KEYWORD, IN_RULE(line_cap),
     .bit = CM_PROP_LINE_CAP, .keywords = caps},
    {.name = "marker-type", .kind = VAL_KEYWORD, IN_RULE(marker_type),
     .bit = CM_PROP_MARKER_TYPE, .keywords = markers},
    {.name = "marker-width", .kind = VAL_LENGTH, IN_RULE(marker_width),
     .bit = CM_PROP_MARKER_WIDTH},
    {.name = "marker-fill", .kind = VAL_COLOR, IN_RULE(marker_fill),
     .bit = CM_PROP_MARKER_FILL},
    {.name = "marker-line-color", .kind = VAL_COLOR, IN_RULE(marker_line_color),
     .bit = CM_PROP_MARKER_LINE_COLOR},
    {.name = "marker-line-width", .kind = VAL_LENGTH, IN_RULE(marker_line_width),
     .bit = CM_PROP_MARKER_LINE_WIDTH},
    {.name = "text-name", .kind = VAL_TEMPLATE, IN_RULE(text_name),
     .bit = CM_PROP_TEXT_NAME},
    {.name = "text-face-name", .kind = VAL_STRING, IN_RULE(text_face_name),
     .bit = CM_PROP_TEXT_FACE_NAME},
    {.name = "text-size", .kind = VAL_LENGTH, IN_RULE(text_size),
     .bit = CM_PROP_TEXT_SIZE},
    {.name = "text-fill", .kind = VAL_COLOR, IN_RULE(text_fill),
     .bit = CM_PROP_TEXT_FILL},
    {.name = "text-halo-fill", .kind = VAL_COLOR, IN_RULE(text_halo_fill),
     .bit = CM_PROP_TEXT_HALO_FILL},
    {.name = "text-halo-radius", .kind = VAL_LENGTH, IN_RULE(text_halo_radius),
     .bit = CM_PROP_TEXT_HALO_RADIUS},
    {.name = "text-dx", .kind = VAL_OFFSET, IN_RULE(text_dx), .bit = CM_PROP_TEXT_DX},
    {.name = "text-dy", .kind = VAL_OFFSET, IN_RULE(text_dy), .bit = CM_PROP_TEXT_DY},
    {.name = "text-placement", .kind = VAL_KEYWORD, IN_RULE(text_placement),
     .bit = CM_PROP_TEXT_PLACEMENT, .keywords = placements},
    {.name = "text-priority", .kind = VAL_NUMBER, IN_RULE(text_priority),
     .bit = CM_PROP_TEXT_PRIORITY, .min = -HUGE_VAL, .max = HUGE_VAL},
    {.name = "text-optional", .kind = VAL_KEYWORD, IN_RULE(text_optional),
     .bit = CM_PROP_TEXT_OPTIONAL, .keywords = booleans},
    {.name = "legend", .kind = VAL_TEMPLATE, IN_RULE(legend), .bit = CM_PROP_LEGEND},
    {.name = "key", .kind = VAL_TEMPLATE, IN_RULE(key), .bit = CM_PROP_KEY},
};

const style_prop *cm__style_props(style_block block, size_t *count) {
  switch (block) {
  case STYLE_BLOCK_MAP:
    *count = sizeof map_props / sizeof map_props[0];
    return map_props;
  case STYLE_BLOCK_LAYER:
    *count = sizeof layer_props / sizeof layer_props[0];
    return layer_props;
  case STYLE_BLOCK_RULE:
    break;
  }
  *count = sizeof rule_props / sizeof rule_props[0];
  return rule_props;
}

const style_prop *cm__style_prop_find(style_block block, const char *name) {
  size_t n;
  const style_prop *p = cm__style_props(block, &n);
  for (size_t i = 0; i < n; i++)
    if (strcmp(p[i].name, name) == 0)
      return &p[i];
  return NULL;
}
