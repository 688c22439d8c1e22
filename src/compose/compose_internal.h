#ifndef CONTROLMAP_COMPOSE_IMPL_H
#define CONTROLMAP_COMPOSE_IMPL_H

/* The composer's working state, shared by compose.c (features),
 * labels.c (placement) and furniture.c (title, legend, scale bar, north
 * arrow, source line). Internal. */

#include "controlmap/compose.h"
#include "page_internal.h"
#include "text_internal.h"
#include "util_internal.h"

#include <stdint.h>

/* A label waiting for a place. */
typedef struct cm_label {
  char *text;
  cm_point at;           /* anchor, page points */
  double angle;          /* along a line, degrees */
  double span;           /* along a line: the length of the segment it
                            follows (page points); 0 for an area's axis */
  cm_point alt;          /* a level label of a line: its second anchor */
  double gap;            /* distance to keep from a marker */
  cm_text_placement placement;
  cm_text_style style;
  double priority;
  size_t order;          /* for a stable sort */
  int crowd;             /* other markers close by: the most hemmed in
                            go first among labels of one priority */
  long marker;           /* scene item of its marker, left out with the
                            label when neither finds room; -1: none */
  int optional;          /* dropped without a finding (graticule labels) */
} cm_label;

/* How a line's ends are drawn (arrows.c). */
typedef struct cm_arrow {
  int start, end;          /* a head at the first / last point */
  double taper;            /* tail width / head-end width, 0..1; 1: none */
} cm_arrow;

/* A legend class: its text and how features of it are drawn. */
typedef struct cm_legend_entry {
  char *text;
  cm_geom_type type;
  cm_paint paint;        /* polygons and lines */
  cm_paint marker;       /* points */
  cm_marker_type marker_type;
  double marker_size;
  cm_arrow arrow;        /* lines: their heads and taper */
  int rule;              /* the style rule that named it, for ordering */
  size_t seen;           /* order of first appearance, to break ties */
  double text_w, text_h; /* its text's size unwrapped at note size text_ns */
  double text_ns;        /* 0: not measured yet */
} cm_legend_entry;

/* A class of the compose cache present in a frame, not listed yet. */
typedef struct cm_pending_class {
  size_t klass;          /* its index among the cache's classes */
  size_t seen;           /* order of first appearance */
} cm_pending_class;

/* A feature's attributes as templates and filters read them: its fields
 * and, in a dated layer, `age_days` at the day drawn. */
typedef struct feature_attrs {
  cm_feature_ref ref;
  cm_day from, day;
  int timed;
  char age[24];
} feature_attrs;

/* A cm_attr_fn over a feature_attrs. */
const char *cm__compose_attr(void *ud, const char *field);

/* A feature listed in the event key: numbered on its marker, and given
 * its date and title in the key. */
typedef struct cm_key_entry {
  char *text;            /* the expanded `key` template */
  cm_day day;            /* its date (or start), for the order */
  cm_date_precision precision; /* how its date is written */
  size_t layer, feature; /* to break ties in a stable order */
  cm_point at;           /* marker centre, page points */
  double size;           /* marker width, pt */
  cm_marker_type type;
  cm_paint paint;        /* the marker's fill and outline */
} cm_key_entry;

/* A marker drawn, named, for the cartographic check. */
typedef struct cm_mark {
  size_t item;           /* its scene item */
  cm_bbox box;
  char name[96];
} cm_mark;

typedef struct composer {
  const cm_map *map;
  const cm_map_settings *ms;
  const cm_compose_options *opt;
  cm_scene *scene;
  cm_page_layout page;
  cm_bbox frame;         /* the map frame being drawn: the page's, or a panel */
  cm_bbox furniture;     /* where corner furniture goes */
  double k;              /* panel scale: page = dst0 + (map page - src0) * k */
  cm_point src0, dst0;
  cm_day day;            /* the day of the map being drawn */
  int legend_cols;       /* columns of the legend (1 in a corner) */
  double sym;            /* scale of the style's symbol sizes (panels) */
  int no_inset;          /* panels are too small for a locator */
  PangoContext *ctx;
  double dpi;
  int rtl;               /* the map's language reads right to left */
  cm_label *labels;
  size_t nlabels, cap_labels;
  cm_legend_entry *legend;
  size_t nlegend, cap_legend;
  size_t *legend_slots;  /* hash of legend texts: index + 1, 0 empty */
  size_t nslots;         /* a power of two, over twice nlegend; 0: none */
  size_t seen_next;      /* order of appearance of the next class */
  unsigned char *class_state; /* per class of the cache: absent, pending
                                 or listed (legend.c) */
  cm_pending_class *pending; /* classes present, not listed yet */
  size_t npending, cap_pending;
  size_t legend_unlisted; /* classes present but past the legend's cap */
  cm_bbox *taken;        /* boxes labels must avoid (furniture, labels) */
  size_t ntaken, cap_taken;
  double corner_used[CM_CORNER_COUNT]; /* room already taken in each slot */
  cm_bbox furn[16];      /* furniture placed so far, which others avoid */
  const char *furn_name[16];
  int nfurn;
  cm_mark *marks;        /* markers drawn, for the check */
  size_t nmarks, cap_marks;
  int panels;            /* small multiples: furniture in the band below */
  cm_key_entry *key;     /* features of the event key, in drawing order */
  size_t nkey, cap_key;
  size_t key_listed;     /* of those, the ones the key has room for */
  double legend_room;    /* width legend text wraps at, set when the
                            legend's band was sized; 0: from its slot */
  cm_key_entry *figure_key; /* small multiples: the events of every panel,
                               numbered once for the figure */
  size_t nfigure_key;
  cm_error *err;
} composer;

/* Top-left of a w x h box in a slot (a corner, an edge middle, a band
 * beside the frame, or auto), after what that slot already holds: pieces
 * in one slot stack inwards (placement.c). */
cm_point cm__corner_box(composer *c, cm_corner corner, double w, double h,
                        const char *name);

/* Length of segment a-b inside box. */
double cm__segment_length_in(cm_point a, cm_point b, cm_bbox box);

/* Findings about the legend's entries (audit.c), once they are sorted. */
void cm__audit_legend(composer *c);

/* Findings about the composed scene: furniture over markers and lines,
 * text too small (audit.c). */
void cm__audit_scene(composer *c);

/* The height a band slot has left (INFINITY for slots in the frame). */
double cm__slot_height_left(const composer *c, cm_corner slot);

/* The widest a piece of furniture can be in a slot. */
double cm__slot_width(const composer *c, cm_corner slot);

/* Meridians and parallels with edge labels, in their group (graticule.c). */
int cm__draw_graticule(composer *c);

/* The graticule's lines and label candidates alone. */
int cm__graticule_lines(composer *c);

/* The graticule from the cache when it is there and usable; 1 when it
 * was (compose_cache.c). */
int cm__compose_cached_graticule(composer *c, int *rc);

/* The locator inset with the main frame's outline (inset.c). */
int cm__draw_inset(composer *c);

/* A point of the map's own page into the frame being drawn. */
cm_point cm__compose_place(const composer *c, cm_point p);

/* Reserve a box on the page; 0 or CM_ENOMEM. */
int cm__compose_take(composer *c, cm_bbox box);

/* Forget the reserved boxes (a new panel starts). */
void cm__compose_untake(composer *c);

/* 1 when box overlaps a reserved one or leaves the frame. */
int cm__compose_collides(const composer *c, cm_bbox box);

/* A marker shape of a size (pt) centred at p, as a polygon. */
int cm__marker_geom(cm_marker_type type, cm_point p, double size, cm_geom *out);

/* Queue a label (text copied); placed after the furniture. */
int cm__compose_add_label(composer *c, const cm_label *label, const char *text);

/* Note a finding of the cartographic check (when asked for one). */
void cm__compose_finding(composer *c, const char *fmt, ...) CM_PRINTF(2, 3);

/* Place the collected labels (labels.c). */
int cm__place_labels(composer *c);

/* Draw the furniture: frame, title, legend, scale bar, north arrow, source
 * line (furniture.c). Reserves their boxes before labels are placed. */
int cm__draw_furniture(composer *c);

/* Half the widest width of a line w pt wide with these ends: its heads'
 * when it has any. */
double cm__arrow_half_width(const cm_arrow *a, double w);

/* 1 when a line with these ends is drawn as an arrow. */
int cm__is_arrow(const cm_arrow *a);

/* Line g as an arrow painted with stroke's colour and width: heads as
 * filled triangles, the shaft stroked, or filled when tapered. With place,
 * g is in the map's page points and goes into the frame being drawn (see
 * cm__compose_place); else it is where it is drawn. 0 or CM_ENOMEM. */
int cm__draw_arrow(composer *c, const cm_geom *g, const cm_paint *stroke,
                   const cm_arrow *a, int place);

/* The paint of a point feature's marker (compose.c). */
void cm__marker_paint(const composer *c, const cm_symbolizer *s, cm_paint *p);

/* 1 when the feature goes in the event key: its rule gives `key`, the Map
 * has a key, and it is a point (key.c). */
int cm__key_applies(const composer *c, const cm_symbolizer *s, const cm_geom *g);

/* Note a feature of the key; its marker, at g's first point, is drawn
 * with its number by cm__draw_key. */
int cm__key_note(composer *c, const cm_symbolizer *s, feature_attrs *a,
                 const cm_geom *g, size_t layer, size_t feature);

/* Number the noted features by date and draw their markers with their
 * numbers, on the map under the furniture (key.c). */
int cm__draw_key_markers(composer *c);

/* The height a key band as wide as band needs to list every noted
 * feature (at least band's own) (key.c). */
double cm__key_height(composer *c, cm_bbox band);

/* List the numbered features in the key's band (key.c). */
int cm__draw_key(composer *c);

/* Small multiples: the features noted so far (over every panel's day)
 * become the figure's key, oldest first, each once, so an event has one
 * number in every panel (key.c). */
void cm__key_make_figure(composer *c);

/* The height the figure's key needs in a band width wide (key.c). */
double cm__figure_key_height(composer *c, double width);

/* List the figure's key in the key's band, after the panels (key.c). */
int cm__draw_figure_key(composer *c);

/* Note the features of the key shown on day, drawing nothing
 * (compose.c). */
int cm__collect_key(composer *c, cm_day day);

/* The outline of the frame being drawn. */
int cm__draw_frame(composer *c);

/* The ground that changed holder since opt->changes_since, as an overlay
 * (changes.c). */
int cm__draw_changes(composer *c);

/* Remember a legend class drawn with paint (compose.c). */
int cm__compose_legend_entry(composer *c, const char *text, cm_geom_type type,
                             const cm_paint *paint);

/* A composer for map and opt, with no scene yet; 0 or CM_ENOMEM. */
int cm__composer_init(composer *c, const cm_map *map,
                      const cm_compose_options *opt, cm_error *err);

/* Free what the composer holds (not its scene). */
void cm__composer_free(composer *c);

/* The features of layer l at c->day, without the layer's group. */
int cm__compose_layer(composer *c, size_t l);

/* Layer l from the cache when it is there and usable; 1 when it was. */
int cm__compose_cached_layer(composer *c, size_t l, int *rc);

/* The slot of text in a legend's hash (nslots a power of two): where it
 * is, or the empty slot where it would go (legend.c). */
size_t cm__legend_slot(const cm_legend_entry *list, const size_t *slots, size_t nslots,
                       const char *text);

/* A new legend entry for text in *out, or NULL there when the class is
 * present already. When index is not NULL, the entry's index in
 * c->legend goes there (the existing one's when listed). 0 or
 * CM_ENOMEM. */
int cm__legend_new(composer *c, const char *text, cm_legend_entry **out, size_t *index);

/* The cache's class klass - 1 is present in this frame (klass 0: no
 * class). */
int cm__legend_mark(composer *c, uint32_t klass);

/* List the classes marked present: all of them, or, when the legend has
 * more than max + 1 classes, the first max in its order, counting the
 * others in c->legend_unlisted. */
int cm__legend_settle(composer *c, size_t max);

/* The legend classes of a dated layer, one per feature, for the cache
 * (compose.c). */
int cm__legend_classes_of_layer(composer *c, size_t l, uint32_t *classes, int *fixed);

/* From the compose cache, when it is usable for this composer
 * (compose_cache.c): the classes of dated layer l's features (index + 1,
 * 0: none), or NULL; */
const uint32_t *cm__cache_classes_of(const composer *c, size_t l);
/* the classes themselves (*n of them), or NULL; */
const cm_legend_entry *cm__cache_classes(const composer *c, size_t *n);
/* the index of the class of this text, or -1. */
long cm__cache_class_find(const composer *c, const char *text);

/* The room the bands beside the map need at c's day, as cm__fit_bands
 * gives it, with a key band at least min_key high: the key's height and
 * the legend's width or height (bands.c). */
int cm__bands_need(composer *c, double min_key, double *key, double *legend);

/* The room the bands of a series need, from the cache when it holds one
 * for this map (compose_cache.c); 1 when it does. */
int cm__cache_series(const composer *c, double *key, double *legend);

/* Undated layer l's legend classes from the cache; 1 when it had them. */
int cm__compose_cached_legend(composer *c, size_t l, int *rc);

/* Add a copy of a legend entry unless its text is listed already. */
int cm__compose_copy_legend(composer *c, const cm_legend_entry *e);

/* Title, source, date and style name as the scene's metadata. */
int cm__compose_meta(composer *c);

/* Lay out and compose several days as panels (panels.c); makes the
 * scene, whose height follows from the grid. */
int cm__compose_panels(composer *c);

/* The layers at c->day into c->frame, then their labels (compose.c). */
int cm__draw_map(composer *c);

/* Note the legend classes of every feature shown at day (compose.c). */
int cm__collect_legend(composer *c, cm_day day);

/* Width of the legend in a side band of this width and height: in as
 * few columns (each wrapped at the band's width) as stand within height;
 * sets legend_cols and legend_room (furniture.c). */
double cm__legend_fit_side(composer *c, double width, double height);

/* Size the bands beside the frame by what the map puts in them at its
 * date (legend, event key): a band that needs more than its share of the
 * page grows, and the map is drawn smaller into the frame left (bands.c). */
int cm__fit_bands(composer *c);

/* A point of the frame being drawn back on the map's own page. */
cm_point cm__compose_unplace(const composer *c, cm_point p);

/* Height of the legend when laid out in columns within width. */
double cm__legend_height(composer *c, double width);

/* Expand a template for the map (no feature). Returns a malloc'd string. */
char *cm__compose_expand(const composer *c, const char *tmpl);

#endif
