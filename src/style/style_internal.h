#ifndef CONTROLMAP_STYLE_INTERNAL_H
#define CONTROLMAP_STYLE_INTERNAL_H

/* What the style module's files share: storage, error collection, tokens,
 * the property tables and the parsed style itself. Not a public header. */

#include "controlmap/style.h"

#include <stddef.h>
#include <stdint.h>

/* --- storage (style_store.c) ---------------------------------------------- */

/* Everything a parsed style keeps lives in one arena, freed at once. */
typedef struct style_chunk style_chunk;
typedef struct style_arena {
  style_chunk *head;
  int failed; /* an allocation failed */
} style_arena;

/* Zeroed memory owned by the arena; NULL when out of memory. */
void *cm__style_alloc(style_arena *a, size_t size);
/* A copy of s[0..n) with a terminating NUL, owned by the arena. */
char *cm__style_strndup(style_arena *a, const char *s, size_t n);
char *cm__style_strdup(style_arena *a, const char *s);
void cm__style_arena_free(style_arena *a);

/* A growable array of elements of one size. */
typedef struct style_vec {
  void *items;
  size_t count, cap, size;
} style_vec;

#define STYLE_VEC(type) {NULL, 0, 0, sizeof(type)}

/* A new zeroed element at the end; NULL when out of memory. */
void *cm__style_vec_push(style_vec *v);
void *cm__style_vec_at(const style_vec *v, size_t i);
void cm__style_vec_free(style_vec *v);

/* --- errors (style_diag.c) -------------------------------------------------- */

/* Every mistake found in one style, so that `controlmap check` can list them
 * all instead of stopping at the first. */
typedef struct style_diag {
  const char *file;
  cm_errors list;
  size_t dropped;    /* mistakes beyond the cap, counted but not kept */
  int nomem;
  cm_error scratch;  /* receives hints for dropped mistakes */
} style_diag;

/* Record a mistake at line:col; returns it so a hint can be attached with
 * cm_error_hint. The pointer is valid until the next call. */
cm_error *cm__style_error(style_diag *d, int line, int col, const char *fmt, ...)
    CM_PRINTF(4, 5);

/* Order the mistakes by position (keeping the order of equal positions) and
 * note how many were dropped. */
void cm__style_diag_finish(style_diag *d);

/* --- tokens (cm__style_lex.c) --------------------------------------------------- */

typedef enum {
  TOK_EOF,
  TOK_IDENT,  /* line-width, Map, bottom-left */
  TOK_HASH,   /* #control or #8c8c8c; text is without the '#' */
  TOK_AT,     /* @water; text is without the '@' */
  TOK_STRING, /* text is the decoded content */
  TOK_NUMBER, /* num and unit */
  TOK_DATE,   /* 2020-11-10 or 2020-11, text as written */
  TOK_LBRACE, TOK_RBRACE, TOK_LPAREN, TOK_RPAREN, TOK_LBRACKET, TOK_RBRACKET,
  TOK_COLON, TOK_SEMI, TOK_COMMA, TOK_PLUS,
  TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE,
  TOK_NEXT    /* ends a value whose ';' was forgotten: the next property's
                 name, which no value may take */
} style_tok_kind;

typedef struct style_token {
  style_tok_kind kind;
  int line, col;         /* where it starts, 1-based, columns in characters */
  int end_line, end_col; /* just after its last character */
  const char *src;       /* as written; points into the style text */
  size_t len;
  const char *text;      /* see style_tok_kind; owned by the arena */
  double num;
  const char *unit;      /* "" when none */
} style_token;

/* Split text into tokens (ending with TOK_EOF) appended to out, reporting
 * lexical mistakes to d. Returns 0 or CM_ENOMEM. */
int cm__style_lex(const char *text, size_t len, style_arena *a, style_diag *d,
                  style_vec *out);

/* How a token is quoted in messages: "'12km'", "';'", "end of file". */
const char *cm__style_token_show(const style_token *t, char *buf, size_t size);

/* Parse a decimal number ("-12.5", "3e2") that fills s[0..n) exactly,
 * independent of the C locale. Returns 0 or -1. */
int cm__style_decimal(const char *s, size_t n, double *out);

/* --- the parsed style (style.c) ---------------------------------------------- */

typedef enum { STYLE_TEXT, STYLE_NUMBER, STYLE_DATE } style_operand;

/* One [field op value] of a selector. */
typedef struct style_filter {
  const char *field;
  style_tok_kind op; /* TOK_EQ .. TOK_GE */
  style_operand kind;
  const char *text;
  double number;
  cm_day day;
} style_filter;

typedef struct style_selector {
  const char *layer;
  const style_filter *filters;
  size_t filter_count;
} style_selector;

typedef struct style_rule {
  const style_selector *selectors; /* any one matching is enough */
  size_t selector_count;
  cm_symbolizer values;            /* values.set: the properties it gives */
  int line;                        /* where its block opens */
} style_rule;

/* A layer named by a rule or the inset, checked once all Layer blocks are
 * known (a rule may come before its Layer block). */
typedef struct style_layer_use {
  const char *name;
  const char *what; /* "layer", "inset layer" */
  int line, col;
} style_layer_use;

/* A hatch spacing written in px: judged again at the dpi the map is drawn
 * at, which the file alone does not know (cm_style_check_dpi). */
typedef struct style_px_hatch {
  const char *file;   /* as messages name it (a --set label, or the file) */
  int line, col;
  double spacing;     /* px */
  cm_length width;
} style_px_hatch;

struct cm_style {
  const char *name;
  const char *folder; /* the name's folder with a trailing '/', or "" */
  cm_map_settings map;
  style_vec layers;   /* cm_style_layer */
  style_vec rules;    /* style_rule */
  style_vec refs;     /* cm_field_ref */
  style_vec date_refs; /* cm_date_ref */
  style_vec font_refs; /* cm_font_ref */
  style_vec px_hatches; /* style_px_hatch */
  style_vec uses;     /* style_layer_use, only while parsing */
  style_arena arena;
};

/* Note a hatch spacing written in px, once per place in the text. */
void cm__style_add_px_hatch(cm_style *s, const char *file, int line, int col,
                            double spacing, cm_length width);

/* Note that a field is read, once per layer (once with NULL when no layer). */
void cm__style_add_field_ref(cm_style *s, const char *const *layers,
                             size_t layer_count, const char *field, size_t len,
                             int line, int col);

/* A value given from outside the file (cm_style_options): its tokens
 * follow the file's in the token list, from first up to the TOK_EOF at
 * end. Mistakes in it are reported under label ("--set aze", "--page"). */
typedef struct style_override {
  const char *name;  /* the variable (without '@') or Map property */
  const char *label;
  size_t first, end;
  int is_variable;
} style_override;

/* Parse the tokens into s (the file's end at its first TOK_EOF), then the
 * overrides. Returns 0 or CM_ENOMEM; mistakes go to d. */
int cm__style_parse_tokens(cm_style *s, const style_token *tok, size_t count,
                           const style_override *ov, size_t nov, style_diag *d);

/* A feature's attribute, with "name" meaning name_<lang>, else name_en,
 * else the field "name". NULL when absent or get is NULL. */
const char *cm__style_attr(cm_attr_fn get, void *ud, const char *field,
                           const char *lang);

/* --- properties (cm__style_props.c) ------------------------------------------- */

typedef enum { STYLE_BLOCK_MAP, STYLE_BLOCK_LAYER, STYLE_BLOCK_RULE } style_block;

typedef enum {
  VAL_COLOR,    /* cm_color */
  VAL_NUMBER,   /* double within min..max */
  VAL_LENGTH,   /* cm_length, not negative */
  VAL_OFFSET,   /* cm_length, any sign */
  VAL_DASHES,   /* cm_length[CM_MAX_DASHES] followed by the int count */
  VAL_PATTERN,  /* cm_pattern */
  VAL_KEYWORD,  /* an int (enum) chosen from keywords */
  VAL_LANG,     /* const char *, one of keywords' names */
  VAL_STRING,   /* const char *, a quoted string taken as is */
  VAL_TEMPLATE, /* const char *, [field] and strings joined with + */
  VAL_EXTENT,   /* Map extent: has_extent, extent_projected, extent[4] */
  VAL_PAGE,     /* Map page: page_width, page_height */
  VAL_INSET,    /* Map inset: inset_layer, inset_extent, inset */
  VAL_FILE,     /* Layer file, resolved against the style's folder */
  VAL_FIELDS,   /* Layer time: time_start, time_end */
  VAL_WINDOW,   /* Layer time-window: cm_time_window */
  VAL_WIDTH,    /* line-width: a length, or [field] (line_width_field) */
  VAL_FIELD     /* const char *, one field name, bare or quoted */
} style_value_kind;

typedef struct style_keyword {
  const char *name;
  int value;
} style_keyword;

/* One property: the single description that parsing, the cascade,
 * suggestions and the reference documentation's test all read. */
typedef struct style_prop {
  const char *name;
  style_value_kind kind;
  size_t offset;   /* into cm_symbolizer, cm_map_settings or cm_style_layer */
  size_t size;     /* bytes the cascade copies */
  uint32_t bit;    /* CM_PROP_* for rule properties, 0 elsewhere */
  const style_keyword *keywords; /* choices, ended by a NULL name */
  double min, max; /* bounds of a VAL_NUMBER */
} style_prop;

/* The properties of a block, in documentation order. */
const style_prop *cm__style_props(style_block block, size_t *count);
/* The property called name in block, or NULL. */
const style_prop *cm__style_prop_find(style_block block, const char *name);
/* The colour called name ("grey", "transparent"), case-insensitive. */
int cm__style_color_name(const char *name, cm_color *out);
/* The i-th colour name (for suggestions and tests), NULL past the end. */
const char *cm__style_color_name_at(size_t i);

/* --- values (style_value.c, style_template.c) ------------------------------ */

/* The tokens of one property value, variables already replaced, followed by
 * the token that ended it (';', '}', ...), which is never consumed. */
typedef struct style_value {
  style_diag *diag;
  cm_style *style;
  const style_prop *prop;
  const style_token *tok;
  size_t count, i;
  const char *const *layers; /* layers of the rule, for field references */
  size_t layer_count;
} style_value;

/* Parse the value of v->prop into the block structure at base. Returns 0,
 * or -1 after reporting a mistake. Leaves v->i after what it read. */
int cm__style_value_parse(style_value *v, void *base);

const style_token *cm__style_value_peek(const style_value *v);
const style_token *cm__style_value_next(style_value *v);
/* 1 when only the ending token is left. */
int cm__style_value_done(const style_value *v);

/* The field name of a [field] whose '[' was just read, noted as a field
 * the style reads; its token in *out. Returns 0 or -1 after reporting. */
int cm__style_field_item(style_value *v, const style_token **out);

/* Parse text-name, legend and title values: [field], "text" and both
 * joined with +, into one template (see cm_style_expand). */
int cm__style_template_parse(style_value *v, const char **out);

#endif
