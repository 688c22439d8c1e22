/* The style parser: @variables, the Map block, Layer blocks and rules with
 * their selectors. After a mistake it skips to the next ';' or '}' and goes
 * on, so that one run reports every mistake in the file. */

#include "style_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct variable {
  const char *name;
  const style_token *at; /* where it is defined */
  size_t first, end;     /* its value's tokens */
  int busy;              /* being substituted: meeting it again is a loop */
  int broken;            /* its value has a mistake, already reported */
} variable;

/* Variables and layers found by name at once: a style may hold thousands
 * of each, and searching the list at every use would make parsing take
 * time in the square of the file's size. */
typedef struct name_index {
  const char **names; /* NULL: an empty slot */
  size_t *at;         /* the named thing's place in its list */
  size_t cap, count;
} name_index;

typedef struct parser {
  const style_token *tok;
  size_t count, i;
  cm_style *style;
  style_diag *diag;
  style_vec vars; /* variable */
  const style_token *map; /* the first Map block, NULL until seen */
  int depth;              /* of nested rules and of variables in variables */
  int nomem;
  size_t budget;          /* tokens variables may still expand to */
  int over_budget;        /* that was reported */
  name_index var_names, layer_names;
  const style_override *ov; /* values given from outside the file */
  size_t nov;
  size_t rule;              /* the rule being read, SIZE_MAX outside rules */
  style_vec localized;      /* localized: values for one language */
} parser;

/* A text property written for one language (legend-ar: "..."): it takes
 * the place of the plain one when the map's language is known, at the end,
 * as the language may be set after the rules or from outside. */
typedef struct localized {
  const style_prop *prop;
  const char *lang;
  size_t rule;       /* index in the style's rules; SIZE_MAX: the Map */
  const char *value;
} localized;

/* Recursion stays far from the end of a thread's stack, whatever the file. */
enum { MAX_DEPTH = 32 };

/* Variables made of variables can double at every level (@b: @a, @a; @c:
 * @b, @b; ...): a few lines would expand to billions of tokens. All the
 * replacing in one style may copy at most this many tokens, plus a few per
 * token of the file, far above what any real style needs. */
enum { EXPANSION_BUDGET = 1 << 20, EXPANSION_PER_TOKEN = 8 };

/* What a rule body applies to: its selectors (for nested rules) and the
 * layers they name (for field references). */
typedef struct scope {
  const style_selector *selectors;
  size_t selector_count;
  const char *const *layers;
  size_t layer_count;
} scope;

/* --- names ----------------------------------------------------------------------- */

static size_t name_hash(const char *s) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t name_slot(const name_index *ix, const char *name) {
  size_t k = name_hash(name) & (ix->cap - 1);
  while (ix->names[k] && strcmp(ix->names[k], name) != 0)
    k = (k + 1) & (ix->cap - 1);
  return k;
}

/* Where name is in its list, or SIZE_MAX. */
static size_t name_find(const name_index *ix, const char *name) {
  if (!ix->count)
    return SIZE_MAX;
  size_t k = name_slot(ix, name);
  return ix->names[k] ? ix->at[k] : SIZE_MAX;
}

static void name_index_free(name_index *ix) {
  free(ix->names);
  free(ix->at);
}

static int name_grow(name_index *ix) {
  name_index big = {NULL, NULL, ix->cap ? 2 * ix->cap : 64, 0};
  big.names = calloc(big.cap, sizeof *big.names);
  big.at = malloc(big.cap * sizeof *big.at);
  if (!big.names || !big.at) {
    name_index_free(&big);
    return -1;
  }
  for (size_t k = 0; k < ix->cap; k++)
    if (ix->names[k]) {
      size_t slot = name_slot(&big, ix->names[k]);
      big.names[slot] = ix->names[k];
      big.at[slot] = ix->at[k];
      big.count++;
    }
  name_index_free(ix);
  *ix = big;
  return 0;
}

/* Note that name (kept by the arena) is at place at of its list; a name
 * already there keeps its first place. Returns 0 or -1. */
static int name_add(name_index *ix, const char *name, size_t at) {
  if (2 * (ix->count + 1) > ix->cap && name_grow(ix) < 0)
    return -1;
  size_t k = name_slot(ix, name);
  if (!ix->names[k]) {
    ix->names[k] = name;
    ix->at[k] = at;
    ix->count++;
  }
  return 0;
}

/* --- tokens ------------------------------------------------------------------------ */

static const style_token *peek(const parser *p) { return &p->tok[p->i]; }

static const style_token *next(parser *p) {
  const style_token *t = &p->tok[p->i];
  if (t->kind != TOK_EOF)
    p->i++;
  return t;
}

static const char *show(const style_token *t, char *buf, size_t size) {
  return cm__style_token_show(t, buf, size);
}

static int is_word(const style_token *t, const char *word) {
  return t->kind == TOK_IDENT && strcmp(t->text, word) == 0;
}

static void *push(parser *p, style_vec *v) {
  void *slot = cm__style_vec_push(v);
  if (!slot)
    p->nomem = 1;
  return slot;
}

/* --- recovery -------------------------------------------------------------------- */

static void skip_block(parser *p) {
  size_t depth = 0;
  while (peek(p)->kind != TOK_EOF) {
    style_tok_kind k = next(p)->kind;
    if (k == TOK_LBRACE)
      depth++;
    else if (k == TOK_RBRACE && --depth == 0)
      return;
  }
}

/* After a mistake in a declaration: past the next ';', or up to the '}'
 * that ends the block (left for the block to read). */
static void skip_declaration(parser *p) {
  for (;;) {
    style_tok_kind k = peek(p)->kind;
    if (k == TOK_EOF || k == TOK_RBRACE)
      return;
    if (k == TOK_LBRACE) {
      skip_block(p);
      continue;
    }
    next(p);
    if (k == TOK_SEMI)
      return;
  }
}

/* After a mistake in a statement or selector: past its block or ';'. Inside
 * a block (nested) the enclosing '}' is left alone. */
static void skip_statement(parser *p, int nested) {
  for (;;) {
    style_tok_kind k = peek(p)->kind;
    if (k == TOK_EOF || (nested && k == TOK_RBRACE))
      return;
    if (k == TOK_LBRACE) {
      skip_block(p);
      return;
    }
    next(p);
    if (k == TOK_SEMI || k == TOK_RBRACE)
      return;
  }
}

/* --- values and variables ---------------------------------------------------------- */

static int is_property(const char *name) {
  return cm__style_prop_find(STYLE_BLOCK_RULE, name) || cm__style_prop_find(STYLE_BLOCK_MAP, name) ||
         cm__style_prop_find(STYLE_BLOCK_LAYER, name);
}

/* Where the value starting at from ends: at ';', a brace or the end of
 * file, or where a forgotten ';' lets the next "name:" begin (unless that
 * is the first token and no property: srs: EPSG:4326 is a wrong value, not
 * a new declaration). */
static size_t value_end(const parser *p, size_t from) {
  for (size_t k = from;; k++) {
    const style_token *t = &p->tok[k];
    switch (t->kind) {
    case TOK_SEMI: case TOK_LBRACE: case TOK_RBRACE: case TOK_EOF: return k;
    default: break;
    }
    if ((t->kind == TOK_IDENT || t->kind == TOK_AT) && p->tok[k + 1].kind == TOK_COLON &&
        (k > from || t->kind == TOK_AT || is_property(t->text)))
      return k;
  }
}

static variable *find_variable(const parser *p, const char *name) {
  size_t at = name_find(&p->var_names, name);
  return at == SIZE_MAX ? NULL : cm__style_vec_at(&p->vars, at);
}

/* A mistake past the number kept is only counted: a "did you mean" for it,
 * which compares with every name, would be time spent for nothing. */
static int kept(const parser *p, const cm_error *e) { return e != &p->diag->scratch; }

static int undefined_variable(parser *p, const style_token *t) {
  cm_error *e = cm__style_error(p->diag, t->line, t->col, "undefined variable @%s", t->text);
  if (!kept(p, e))
    return -1;
  cm_suggest s;
  cm_suggest_init(&s, t->text);
  for (size_t k = 0; k < p->vars.count; k++)
    cm_suggest_try(&s, ((variable *)cm__style_vec_at(&p->vars, k))->name);
  if (!cm_suggest_hint(&s, e, "@"))
    cm_error_hint(e, "define it at the top of the style: @%s: value;", t->text);
  return -1;
}

static int too_large(parser *p, const style_token *at) {
  if (!p->over_budget) {
    cm_error *e = cm__style_error(p->diag, at->line, at->col,
                                  "the variables of this style expand to more "
                                  "than a million tokens");
    cm_error_hint(e, "a variable that uses another twice doubles it; give "
                     "values directly");
  }
  p->over_budget = 1;
  return -1;
}

/* Copy tokens first..end to out with every @variable replaced by its value.
 * The copies take the place of the outermost use, so that a value that does
 * not fit points where it was used. */
static int substitute(parser *p, size_t first, size_t end, style_vec *out,
                      const style_token *use) {
  for (size_t k = first; k < end; k++) {
    const style_token *t = &p->tok[k];
    if (t->kind != TOK_AT) {
      if (p->budget == 0)
        return too_large(p, use ? use : t);
      p->budget--;
      style_token *copy = push(p, out);
      if (!copy)
        return -1;
      *copy = *t;
      if (use) {
        copy->line = use->line;
        copy->col = use->col;
        copy->end_line = use->end_line;
        copy->end_col = use->end_col;
      }
      continue;
    }
    variable *var = find_variable(p, t->text);
    if (!var)
      return undefined_variable(p, t);
    if (var->broken)
      return -1;
    if (p->depth >= MAX_DEPTH) {
      cm__style_error(p->diag, t->line, t->col, "variables nested more than %d deep", MAX_DEPTH);
      return -1;
    }
    if (var->busy) {
      cm_error *e = cm__style_error(p->diag, t->line, t->col, "variable @%s refers back to itself",
                                    t->text);
      cm_error_hint(e, "a variable's value cannot use it, directly or through other variables");
      return -1;
    }
    var->busy = 1;
    p->depth++;
    int rc = substitute(p, var->first, var->end, out, use ? use : t);
    p->depth--;
    var->busy = 0;
    if (rc)
      return -1;
  }
  return 0;
}

static void missing_semicolon(parser *p, const style_token *last, const char *what) {
  char shown[64];
  cm_error *e = cm__style_error(p->diag, last->end_line, last->end_col,
                                "expected ';' after value of %s, found %s", what,
                                show(peek(p), shown, sizeof shown));
  if (peek(p)->kind == TOK_LBRACE)
    cm_error_hint(e, "is a '}' missing before it?");
}

static void define_variable(parser *p, const style_token *at, size_t first, size_t end) {
  variable *twin = find_variable(p, at->text);
  if (twin) {
    cm_error *e = cm__style_error(p->diag, at->line, at->col, "variable @%s is defined twice",
                                  at->text);
    cm_error_hint(e, "the first definition is at %d:%d", twin->at->line, twin->at->col);
    return;
  }
  if (first == end)
    cm__style_error(p->diag, p->tok[end].line, p->tok[end].col, "@%s needs a value", at->text);
  variable *var = push(p, &p->vars);
  if (var)
    *var = (variable){at->text, at, first, end, 0, first == end};
  if (var && name_add(&p->var_names, at->text, p->vars.count - 1) < 0)
    p->nomem = 1;
}

/* --- overrides ------------------------------------------------------------------- */

static void apply_value(parser *p, style_block block, void *base, const scope *sc,
                        const style_prop *prop, size_t first, size_t end);

/* Mistakes in an override are said under its label, not at a place in
 * the file. */
static void relabel(parser *p, size_t from, const char *label) {
  for (size_t k = from; k < p->diag->list.count; k++) {
    cm_error *e = &p->diag->list.items[k];
    snprintf(e->file, sizeof e->file, "%s", label);
    e->line = e->col = 0;
  }
}

/* The override's value must end where its text ends. */
static int override_end(parser *p, const style_override *o) {
  size_t end = value_end(p, o->first);
  if (end != o->end) {
    char shown[64];
    cm__style_error(p->diag, 0, 0, "unexpected %s in the value",
                    show(&p->tok[end], shown, sizeof shown));
  }
  return end == o->end ? 0 : -1;
}

/* Whether tokens first..end read as a value of prop, mistakes unsaid. */
static int reads_as(parser *p, const style_prop *prop, size_t first, size_t end) {
  style_diag quiet = {p->diag->file, {NULL, 0, 0}, 0, 0, {0}};
  style_diag *said = p->diag;
  union { cm_symbolizer rule; cm_map_settings map; } scratch;
  memset(&scratch, 0, sizeof scratch);
  p->diag = &quiet;
  apply_value(p, STYLE_BLOCK_RULE, &scratch, NULL, prop, first, end);
  p->diag = said;
  size_t mistakes = quiet.list.count + quiet.dropped;
  cm_errors_free(&quiet.list);
  return mistakes == 0;
}

/* The kind of value a variable holds, as a rule property that takes it:
 * a colour, a length or number, a string; NULL when none of these. */
static const style_prop *kind_of(parser *p, const variable *var) {
  static const char *const probes[] = {"polygon-fill", "text-dx", "text-face-name"};
  for (size_t k = 0; k < sizeof probes / sizeof *probes; k++) {
    const style_prop *prop = cm__style_prop_find(STYLE_BLOCK_RULE, probes[k]);
    if (reads_as(p, prop, var->first, var->end))
      return prop;
  }
  return NULL;
}

static void unknown_variable(parser *p, const style_override *o) {
  cm_error *e = cm__style_error(p->diag, 0, 0, "the style has no variable @%s", o->name);
  cm_suggest s;
  cm_suggest_init(&s, o->name);
  for (size_t k = 0; k < p->vars.count; k++)
    cm_suggest_try(&s, ((variable *)cm__style_vec_at(&p->vars, k))->name);
  if (cm_suggest_hint(&s, e, "@"))
    return;
  char names[400] = "";
  for (size_t k = 0, n = 0; k < p->vars.count && n + 70 < sizeof names; k++)
    n += (size_t)snprintf(names + n, sizeof names - n, "%s@%.60s", k ? ", " : "",
                          ((variable *)cm__style_vec_at(&p->vars, k))->name);
  if (names[0])
    cm_error_hint(e, "its variables are %s", names);
  else
    cm_error_hint(e, "it defines none: --set changes what a style defines as @name: value;");
}

/* The value of --set is not of the kind the style's own value is. */
static void wrong_kind(parser *p, const style_override *o, const variable *var,
                       const style_prop *kind) {
  const char *what = kind->kind == VAL_COLOR    ? "a colour"
                     : kind->kind == VAL_STRING ? "a quoted string"
                                                : "a length or number";
  size_t from = p->diag->list.count;
  apply_value(p, STYLE_BLOCK_RULE, &(cm_symbolizer){0}, NULL, kind, o->first, o->end);
  cm_error why = p->diag->list.count > from ? p->diag->list.items[from] : (cm_error){0};
  p->diag->list.count = from;
  cm_error *e = cm__style_error(p->diag, 0, 0, "@%s is %s (%s:%d), and '%.*s' is not one",
                                o->name, what, p->diag->file, var->at->line,
                                (int)(p->tok[o->end].src - p->tok[o->first].src),
                                p->tok[o->first].src);
  cm_error_hint(e, "%s", why.hint[0] ? why.hint : why.message);
}

/* --set NAME=VALUE: the variable takes the value, if it is of the same
 * kind as the style's own. */
static void override_variable(parser *p, const style_override *o) {
  size_t before = p->diag->list.count;
  variable *var = find_variable(p, o->name);
  const style_prop *kind = var && !var->broken ? kind_of(p, var) : NULL;
  if (!var)
    unknown_variable(p, o);
  else if (o->first == o->end)
    cm__style_error(p->diag, 0, 0, "@%s needs a value", o->name);
  else if (override_end(p, o) == 0 && kind && !reads_as(p, kind, o->first, o->end))
    wrong_kind(p, o, var, kind);
  if (var && p->diag->list.count == before) {
    var->first = o->first;
    var->end = o->end;
    var->broken = 0;
  }
  relabel(p, before, o->label);
}

/* A Map property given from outside: read after the Map block, so it wins. */
static void override_map(parser *p, const style_override *o) {
  size_t before = p->diag->list.count;
  cm_map_settings *m = &p->style->map;
  const style_prop *prop = cm__style_prop_find(STYLE_BLOCK_MAP, o->name);
  double basis = fmin(cm_length_pt(m->page_width, m->dpi), cm_length_pt(m->page_height, m->dpi));
  if (!prop)
    cm__style_error(p->diag, 0, 0, "no Map property '%s'", o->name);
  else if (override_end(p, o) == 0)
    apply_value(p, STYLE_BLOCK_MAP, m, NULL, prop, o->first, o->end);
  if (prop && prop->kind == VAL_PAGE && !m->type_basis)
    m->type_basis = basis;
  relabel(p, before, o->label);
}

/* Variables hold for the whole file, wherever defined, as in CartoCSS: all
 * are read first, and each is checked once (not at every use). */
static void collect_variables(parser *p) {
  size_t depth = 0;
  for (size_t k = 0; p->tok[k].kind != TOK_EOF; k++) {
    const style_token *t = &p->tok[k];
    if (t->kind == TOK_LBRACE) {
      depth++;
    } else if (t->kind == TOK_RBRACE) {
      depth -= depth > 0;
    } else if (t->kind == TOK_AT && depth == 0 && p->tok[k + 1].kind == TOK_COLON) {
      size_t end = value_end(p, k + 2);
      define_variable(p, t, k + 2, end);
      k = end - 1;
    }
  }
  for (size_t k = 0; k < p->nov; k++)
    if (p->ov[k].is_variable)
      override_variable(p, &p->ov[k]);
  for (size_t k = 0; k < p->vars.count; k++) {
    variable *var = cm__style_vec_at(&p->vars, k);
    style_vec scratch = STYLE_VEC(style_token);
    var->busy = 1;
    if (!var->broken && substitute(p, var->first, var->end, &scratch, NULL))
      var->broken = 1;
    var->busy = 0;
    cm__style_vec_free(&scratch);
  }
}

/* @name: value;  (already read by collect_variables) */
static void variable_statement(parser *p) {
  const style_token *at = next(p);
  if (peek(p)->kind != TOK_COLON) {
    cm_error *e = cm__style_error(p->diag, at->line, at->col, "expected ':' after @%s",
                                  at->text);
    cm_error_hint(e, "variables are set with @name: value; and used in values");
    skip_statement(p, 0);
    return;
  }
  size_t first = p->i + 1;
  p->i = value_end(p, first);
  if (peek(p)->kind == TOK_SEMI) {
    next(p);
  } else if (peek(p)->kind != TOK_EOF) {
    char what[80];
    snprintf(what, sizeof what, "@%s", at->text);
    missing_semicolon(p, &p->tok[p->i - 1], what);
  }
}

/* --- declarations ---------------------------------------------------------------- */

static const char *where(style_block block) {
  switch (block) {
  case STYLE_BLOCK_MAP: return "the Map block";
  case STYLE_BLOCK_LAYER: return "a Layer block";
  case STYLE_BLOCK_RULE: break;
  }
  return "a rule";
}

static void unknown_property(parser *p, style_block block, const style_token *name) {
  static const style_block blocks[] = {STYLE_BLOCK_RULE, STYLE_BLOCK_MAP, STYLE_BLOCK_LAYER};
  for (size_t k = 0; k < 3; k++) {
    if (blocks[k] != block && cm__style_prop_find(blocks[k], name->text)) {
      cm__style_error(p->diag, name->line, name->col, "'%s' belongs in %s, not in %s",
                      name->text, where(blocks[k]), where(block));
      return;
    }
  }
  cm_error *e = cm__style_error(p->diag, name->line, name->col, "unknown %sproperty '%s'",
                                block == STYLE_BLOCK_MAP     ? "Map "
                                : block == STYLE_BLOCK_LAYER ? "Layer "
                                                         : "",
                            name->text);
  size_t n;
  const style_prop *props = cm__style_props(block, &n);
  cm_suggest s;
  cm_suggest_init(&s, name->text);
  for (size_t k = 0; k < n; k++)
    cm_suggest_try(&s, props[k].name);
  if (!cm_suggest_hint(&s, e, ""))
    cm_error_hint(e, "the properties are listed in docs/style.md");
}

static void apply_value(parser *p, style_block block, void *base, const scope *sc,
                        const style_prop *prop, size_t first, size_t end) {
  style_vec toks = STYLE_VEC(style_token);
  style_token *stop;
  if (substitute(p, first, end, &toks, NULL) == 0 && (stop = push(p, &toks))) {
    *stop = p->tok[end];
    if (stop->kind == TOK_IDENT || stop->kind == TOK_AT)
      stop->kind = TOK_NEXT;
    style_value v = {p->diag, p->style, prop, toks.items, toks.count, 0,
                     sc ? sc->layers : NULL, sc ? sc->layer_count : 0};
    if (cm__style_value_parse(&v, base) == 0) {
      const style_token *t = cm__style_value_peek(&v);
      char shown[64];
      if (!cm__style_value_done(&v))
        cm__style_error(p->diag, t->line, t->col, "expected ';' after value of %s, found %s",
                        prop->name, show(t, shown, sizeof shown));
      else if (block == STYLE_BLOCK_RULE)
        ((cm_symbolizer *)base)->set |= prop->bit;
    }
  }
  cm__style_vec_free(&toks);
}

/* "legend-ar": the language of a text or font property written for one
 * language, with the plain property in *prop; NULL when name is no such. */
static const char *localized_lang(style_block block, const char *name,
                                  const style_prop **prop) {
  const char *dash = strrchr(name, '-');
  const style_prop *lang = cm__style_prop_find(STYLE_BLOCK_MAP, "lang");
  if (!dash)
    return NULL;
  char plain[64];
  snprintf(plain, sizeof plain, "%.*s", (int)(dash - name), name);
  const style_prop *base = cm__style_prop_find(block, plain);
  if (!base || (base->kind != VAL_TEMPLATE && base->kind != VAL_STRING))
    return NULL;
  for (const style_keyword *k = lang->keywords; k->name; k++)
    if (!strcmp(dash + 1, k->name)) {
      *prop = base;
      return k->name;
    }
  return NULL;
}

static void localized_value(parser *p, style_block block, const scope *sc,
                            const style_prop *prop, const char *lang, size_t first,
                            size_t end) {
  union { cm_symbolizer rule; cm_map_settings map; } scratch;
  memset(&scratch, 0, sizeof scratch);
  size_t mistakes = p->diag->list.count;
  apply_value(p, block, &scratch, sc, prop, first, end);
  localized *l = p->diag->list.count == mistakes ? push(p, &p->localized) : NULL;
  if (l)
    *l = (localized){prop, lang, block == STYLE_BLOCK_MAP ? SIZE_MAX : p->rule,
                     *(const char **)((char *)&scratch + prop->offset)};
}

/* Whether a Map property was given from outside, which wins over all. */
static int overridden(const parser *p, const style_prop *prop) {
  for (size_t k = 0; k < p->nov; k++)
    if (!p->ov[k].is_variable && !strcmp(p->ov[k].name, prop->name))
      return 1;
  return 0;
}

/* The values written for the map's language win over the plain ones. */
static void apply_localized(parser *p) {
  cm_style *s = p->style;
  for (size_t k = 0; k < p->localized.count; k++) {
    const localized *l = cm__style_vec_at(&p->localized, k);
    if (strcmp(l->lang, s->map.lang) || (l->rule == SIZE_MAX && overridden(p, l->prop)))
      continue;
    if (l->rule == SIZE_MAX) {
      *(const char **)((char *)&s->map + l->prop->offset) = l->value;
    } else {
      style_rule *r = cm__style_vec_at(&s->rules, l->rule);
      *(const char **)((char *)&r->values + l->prop->offset) = l->value;
      r->values.set |= l->prop->bit;
    }
  }
}

static int is_font(const style_prop *prop) {
  return !strcmp(prop->name, "font") || !strcmp(prop->name, "text-face-name");
}

static void add_font_ref(parser *p, const char *family, const style_token *at) {
  cm_font_ref *ref = push(p, &p->style->font_refs);
  if (ref)
    *ref = (cm_font_ref){family, at->line, at->col};
}

/* name: value;  CSS lets the last declaration of a block leave out ';'. */
static void declaration(parser *p, style_block block, void *base, const scope *sc) {
  char shown[64];
  const style_token *name = next(p);
  if (peek(p)->kind != TOK_COLON) {
    cm__style_error(p->diag, peek(p)->line, peek(p)->col,
                    "expected ':' after property name '%s', found %s", name->text,
                    show(peek(p), shown, sizeof shown));
    skip_declaration(p);
    return;
  }
  size_t first = p->i + 1, end = value_end(p, first);
  p->i = end;
  const style_prop *prop = cm__style_prop_find(block, name->text);
  size_t mistakes = p->diag->list.count;
  const char *lang = prop ? NULL : localized_lang(block, name->text, &prop);
  if (lang)
    localized_value(p, block, sc, prop, lang, first, end);
  else if (!prop)
    unknown_property(p, block, name);
  else
    apply_value(p, block, base, sc, prop, first, end);
  if (prop && !lang && p->diag->list.count == mistakes && is_font(prop))
    add_font_ref(p, *(const char **)((char *)base + prop->offset), &p->tok[first]);
  style_tok_kind stop = peek(p)->kind;
  if (stop == TOK_SEMI) {
    next(p);
  } else if (stop != TOK_RBRACE && stop != TOK_EOF) {
    missing_semicolon(p, &p->tok[end - 1], name->text);
    if (stop == TOK_LBRACE)
      skip_declaration(p);
  }
}

/* --- blocks ------------------------------------------------------------------------- */

static void rule_statement(parser *p, const scope *parent);

static void unexpected_in_block(parser *p, style_block block, const style_token *t) {
  char shown[64];
  cm_error *e = cm__style_error(p->diag, t->line, t->col, "expected a property name, found %s",
                                show(t, shown, sizeof shown));
  if (t->kind == TOK_AT)
    cm_error_hint(e, "variables are defined at the top level, outside every block");
  else if (t->kind == TOK_HASH && block == STYLE_BLOCK_RULE)
    cm_error_hint(e, "is a '}' missing before it? A nested rule can only add filters, "
                     "like [kind = \"city\"] { ... }");
  else if (t->kind == TOK_HASH || t->kind == TOK_LBRACKET)
    cm_error_hint(e, "is a '}' missing before it?");
}

/* Declarations (and, in rules, nested rules) up to the '}' matching open. */
static void block_body(parser *p, style_block block, void *base, const scope *sc,
                       const style_token *open) {
  for (;;) {
    const style_token *t = peek(p);
    if (t->kind == TOK_RBRACE) {
      next(p);
      return;
    }
    if (t->kind == TOK_EOF) {
      /* Said at the end of the file, so that what swallowed the '}' (an
       * unterminated string, say) is listed first. */
      cm_error *e = cm__style_error(p->diag, t->line, t->col,
                                    "unclosed block: the '{' at %d:%d has no matching '}'",
                                    open->line, open->col);
      cm_error_hint(e, "add '}' after the block's last declaration");
      return;
    }
    if (t->kind == TOK_SEMI) {
      next(p);
    } else if (t->kind == TOK_IDENT) {
      declaration(p, block, base, sc);
    } else if (t->kind == TOK_LBRACKET && block == STYLE_BLOCK_RULE && p->depth < MAX_DEPTH) {
      p->depth++;
      rule_statement(p, sc);
      p->depth--;
    } else if (t->kind == TOK_LBRACKET && block == STYLE_BLOCK_RULE) {
      cm__style_error(p->diag, t->line, t->col, "rules nested more than %d deep", MAX_DEPTH);
      skip_statement(p, 1);
    } else {
      unexpected_in_block(p, block, t);
      skip_declaration(p);
    }
  }
}

static void map_statement(parser *p) {
  char shown[64];
  const style_token *word = next(p), *open = peek(p);
  if (open->kind != TOK_LBRACE) {
    cm__style_error(p->diag, open->line, open->col, "expected '{' after Map, found %s",
                    show(open, shown, sizeof shown));
    skip_statement(p, 0);
    return;
  }
  if (p->map) {
    cm_error *e = cm__style_error(p->diag, word->line, word->col, "second Map block");
    cm_error_hint(e, "the first one is at %d:%d; merge them into one", p->map->line,
                  p->map->col);
  } else {
    p->map = word;
  }
  next(p);
  block_body(p, STYLE_BLOCK_MAP, &p->style->map, NULL, open);
}

static const cm_style_layer *find_layer(const parser *p, const char *name) {
  size_t at = name_find(&p->layer_names, name);
  return at == SIZE_MAX ? NULL : cm__style_vec_at(&p->style->layers, at);
}

/* A window says how long a dated feature stays: it needs the dates. */
static void window_without_time(parser *p, size_t from, size_t to) {
  for (size_t k = from; k < to; k++)
    if (is_word(&p->tok[k], "time-window") && p->tok[k + 1].kind == TOK_COLON) {
      cm_error *e = cm__style_error(p->diag, p->tok[k].line, p->tok[k].col,
                                    "time-window needs the layer's dates");
      cm_error_hint(e, "add time: date; (instants) or time: start end;");
      return;
    }
}

/* Layer#name { file: "..."; time: start end; } */
static void layer_statement(parser *p) {
  char shown[64];
  const style_token *word = next(p), *name = peek(p);
  if (name->kind != TOK_HASH) {
    cm_error *e = cm__style_error(p->diag, name->line, name->col,
                                  "expected '#name' after Layer, found %s",
                                  show(name, shown, sizeof shown));
    cm_error_hint(e, "write Layer#control { file: \"control.shp\"; }");
    skip_statement(p, 0);
    return;
  }
  next(p);
  const style_token *open = peek(p);
  if (open->kind != TOK_LBRACE) {
    cm__style_error(p->diag, open->line, open->col, "expected '{' after Layer#%s, found %s",
                    name->text, show(open, shown, sizeof shown));
    skip_statement(p, 0);
    return;
  }
  size_t body = p->i;
  next(p);
  cm_style_layer layer = {.name = name->text, .line = word->line, .col = word->col};
  block_body(p, STYLE_BLOCK_LAYER, &layer, NULL, open);
  int file_given = 0; /* a wrong file value has been reported already */
  for (size_t k = body; k < p->i; k++)
    file_given |= is_word(&p->tok[k], "file") && p->tok[k + 1].kind == TOK_COLON;
  if (layer.window.unit && !layer.time_start)
    window_without_time(p, body, p->i);
  const cm_style_layer *twin = find_layer(p, name->text);
  if (twin) {
    cm_error *e = cm__style_error(p->diag, name->line, name->col, "layer '%s' is defined twice",
                                  name->text);
    cm_error_hint(e, "the first Layer#%s is at %d:%d", name->text, twin->line, twin->col);
    return;
  }
  if (!layer.x != !layer.y) {
    cm_error *e = cm__style_error(p->diag, word->line, word->col, "Layer#%s has %s but no %s",
                                  name->text, layer.x ? "x" : "y", layer.x ? "y" : "x");
    cm_error_hint(e, "points need both coordinate fields, e.g. x: lon; y: lat;");
  }
  if (!layer.file && !file_given) {
    cm_error *e = cm__style_error(p->diag, word->line, word->col, "Layer#%s has no file",
                                  name->text);
    cm_error_hint(e, "add file: \"%s.shp\";", name->text);
  }
  cm_style_layer *slot = push(p, &p->style->layers);
  if (slot)
    *slot = layer;
  if (slot && name_add(&p->layer_names, slot->name, p->style->layers.count - 1) < 0)
    p->nomem = 1;
}

/* --- rules and selectors ---------------------------------------------------------------- */

static int comparison(style_tok_kind k) { return k >= TOK_EQ && k <= TOK_GE; }

/* The value of a filter, a variable replaced by its (single-token) value. */
static int filter_operand(parser *p, style_token *out) {
  const style_token *t = next(p);
  *out = *t;
  if (t->kind != TOK_AT)
    return 0;
  variable *var = find_variable(p, t->text);
  if (!var)
    return undefined_variable(p, t);
  if (var->broken)
    return -1;
  style_vec value = STYLE_VEC(style_token);
  int rc = substitute(p, var->first, var->end, &value, t);
  if (rc == 0 && value.count != 1) {
    cm__style_error(p->diag, t->line, t->col,
                    "@%s must be one string, number or date to be used in a filter", t->text);
    rc = -1;
  }
  if (rc == 0)
    *out = *(style_token *)cm__style_vec_at(&value, 0);
  cm__style_vec_free(&value);
  return rc;
}

static int operand(parser *p, const style_token *op, const style_token *v, style_filter *f) {
  char shown[64];
  if (v->kind == TOK_STRING) {
    f->kind = STYLE_TEXT;
    f->text = v->text;
  } else if (v->kind == TOK_NUMBER && !v->unit[0]) {
    f->kind = STYLE_NUMBER;
    f->number = v->num;
  } else if (v->kind == TOK_NUMBER) {
    cm__style_error(p->diag, v->line, v->col, "a number in a filter takes no unit, found '%.*s'",
                    (int)v->len, v->src);
    return -1;
  } else if (v->kind == TOK_DATE) {
    f->kind = STYLE_DATE;
    if (cm_date_parse(v->text, &f->day, NULL, NULL) != 0) {
      char why[128];
      cm_date_explain(v->text, why, sizeof why);
      cm__style_error(p->diag, v->line, v->col, "'%s' is not a date: %s", v->text, why);
      return -1;
    }
  } else {
    cm_error *e = cm__style_error(p->diag, v->line, v->col,
                                  "expected a quoted string, a number or a date after '%.*s', "
                                  "found %s",
                                  (int)op->len, op->src, show(v, shown, sizeof shown));
    if (v->kind == TOK_IDENT)
      cm_error_hint(e, "quote text: \"%s\"", v->text);
    return -1;
  }
  return 0;
}

/* [field op value] */
static int filter(parser *p, style_vec *filters, const char *const *layers, size_t nlayers) {
  char shown[64];
  next(p); /* '[' */
  const style_token *field = next(p);
  if (field->kind != TOK_IDENT) {
    cm__style_error(p->diag, field->line, field->col, "expected a field name after '[', found %s",
                    show(field, shown, sizeof shown));
    return -1;
  }
  const style_token *op = next(p);
  if (!comparison(op->kind)) {
    cm_error *e = cm__style_error(p->diag, op->line, op->col,
                                  "expected = != < <= > or >= after [%s, found %s", field->text,
                                  show(op, shown, sizeof shown));
    cm_error_hint(e, "a filter compares a field with a value, e.g. [rank <= 2]");
    return -1;
  }
  style_token value;
  style_filter f = {field->text, op->kind, STYLE_TEXT, NULL, 0, 0};
  if (filter_operand(p, &value) || operand(p, op, &value, &f))
    return -1;
  const style_token *close = next(p);
  if (close->kind != TOK_RBRACKET) {
    cm__style_error(p->diag, close->line, close->col,
                    "expected ']' to close the filter on %s, found %s", field->text,
                    show(close, shown, sizeof shown));
    return -1;
  }
  style_filter *slot = push(p, filters);
  if (!slot)
    return -1;
  *slot = f;
  cm__style_add_field_ref(p->style, layers, nlayers, field->text, strlen(field->text),
                          field->line, field->col);
  for (size_t k = 0; f.kind == STYLE_DATE && k < nlayers; k++) {
    cm_date_ref *ref = push(p, &p->style->date_refs);
    if (ref)
      *ref = (cm_date_ref){layers[k], field->text, f.day, value.text, value.line, value.col};
  }
  return 0;
}

static style_filter *join_filters(parser *p, const style_selector *parent,
                                  const style_vec *own) {
  size_t n = (parent ? parent->filter_count : 0) + own->count;
  style_filter *all = cm__style_alloc(&p->style->arena, (n ? n : 1) * sizeof *all);
  if (!all)
    return NULL;
  size_t k = 0;
  for (; parent && k < parent->filter_count; k++)
    all[k] = parent->filters[k];
  memcpy(all + k, own->items ? own->items : all, own->count * sizeof *all);
  return all;
}

/* #layer[filter]...  or, nested, [filter]... added to every parent selector. */
static int selector(parser *p, const scope *parent, style_vec *out) {
  char shown[64];
  const style_token *layer = NULL;
  if (!parent) {
    layer = next(p);
    if (layer->kind != TOK_HASH) {
      cm_error *e = cm__style_error(p->diag, layer->line, layer->col,
                                    "expected a layer (#name) in the selector, found %s",
                                    show(layer, shown, sizeof shown));
      cm_error_hint(e, "a rule starts with a layer, e.g. #control[holder = \"ARM\"]");
      return -1;
    }
    style_layer_use *use = push(p, &p->style->uses);
    if (use)
      *use = (style_layer_use){layer->text, "layer", layer->line, layer->col};
  } else if (peek(p)->kind != TOK_LBRACKET) {
    const style_token *t = peek(p);
    cm_error *e = cm__style_error(p->diag, t->line, t->col,
                                  "expected a filter like [kind = \"city\"], found %s",
                                  show(t, shown, sizeof shown));
    cm_error_hint(e, "a nested rule can only add filters to its parent's layer");
    return -1;
  }
  style_vec own = STYLE_VEC(style_filter);
  int rc = 0;
  while (rc == 0 && peek(p)->kind == TOK_LBRACKET)
    rc = layer ? filter(p, &own, &layer->text, 1)
               : filter(p, &own, parent->layers, parent->layer_count);
  for (size_t k = 0; rc == 0 && k < (parent ? parent->selector_count : 1); k++) {
    const style_selector *up = parent ? &parent->selectors[k] : NULL;
    style_selector *sel = push(p, out);
    const style_filter *filters = join_filters(p, up, &own);
    if (!sel || !filters) {
      rc = -1;
      break;
    }
    *sel = (style_selector){up ? up->layer : layer->text, filters,
                            (up ? up->filter_count : 0) + own.count};
  }
  cm__style_vec_free(&own);
  return rc;
}

static int selector_list(parser *p, const scope *parent, style_vec *out) {
  char shown[64];
  for (;;) {
    if (selector(p, parent, out))
      return -1;
    const style_token *t = peek(p);
    if (t->kind == TOK_LBRACE)
      return 0;
    if (t->kind != TOK_COMMA) {
      cm_error *e = cm__style_error(p->diag, t->line, t->col,
                                    "expected '{' or ',' after the selector, found %s",
                                    show(t, shown, sizeof shown));
      if (t->kind == TOK_HASH)
        cm_error_hint(e, "selectors for several layers are joined with ','");
      return -1;
    }
    next(p);
  }
}

/* The distinct layers of a rule's selectors, for its field references. */
static const char **rule_layers(parser *p, const style_vec *sels, size_t *count) {
  const char **layers = cm__style_alloc(&p->style->arena, sels->count * sizeof *layers + 1);
  *count = 0;
  for (size_t k = 0; layers && k < sels->count; k++) {
    const char *name = ((style_selector *)cm__style_vec_at(sels, k))->layer;
    size_t j = 0;
    while (j < *count && strcmp(layers[j], name) != 0)
      j++;
    if (j == *count)
      layers[(*count)++] = name;
  }
  return layers;
}

/* selector, selector { declarations and nested rules } */
static void rule_statement(parser *p, const scope *parent) {
  style_vec sels = STYLE_VEC(style_selector);
  if (selector_list(p, parent, &sels)) {
    cm__style_vec_free(&sels);
    skip_statement(p, parent != NULL);
    return;
  }
  const style_token *open = next(p);
  style_selector *kept = cm__style_alloc(&p->style->arena, sels.count * sizeof *kept);
  size_t rule_index = p->style->rules.count;
  style_rule *rule = push(p, &p->style->rules);
  scope sc = {kept, sels.count, NULL, 0};
  sc.layers = rule_layers(p, &sels, &sc.layer_count);
  if (!kept || !rule || !sc.layers) {
    p->nomem = 1;
    cm__style_vec_free(&sels);
    return;
  }
  memcpy(kept, sels.items, sels.count * sizeof *kept);
  cm__style_vec_free(&sels);
  rule->selectors = kept;
  rule->selector_count = sc.selector_count;
  /* Nested rules are appended while the body is read, so the rule may
   * move: its values are collected aside and stored at the end. */
  cm_symbolizer values;
  memset(&values, 0, sizeof values);
  size_t outer = p->rule;
  p->rule = rule_index;
  block_body(p, STYLE_BLOCK_RULE, &values, &sc, open);
  p->rule = outer;
  style_rule *done = cm__style_vec_at(&p->style->rules, rule_index);
  done->values = values;
  done->line = open->line;
}

/* --- the file ----------------------------------------------------------------------- */

static void stray_word(parser *p) {
  const style_token *t = peek(p);
  cm_error *e;
  if (p->tok[p->i + 1].kind == TOK_COLON && is_property(t->text)) {
    e = cm__style_error(p->diag, t->line, t->col, "property '%s' outside every block",
                        t->text);
    cm_error_hint(e, "put it inside the Map block, a Layer block or a rule like #layer { ... }");
  } else {
    e = cm__style_error(p->diag, t->line, t->col, "unexpected '%s'", t->text);
    cm_suggest s;
    cm_suggest_init(&s, t->text);
    cm_suggest_try(&s, "Map");
    cm_suggest_try(&s, "Layer");
    if (!cm_suggest_hint(&s, e, ""))
      cm_error_hint(e, "a style holds @variables, one Map block, Layer#name blocks "
                       "and rules like #layer { ... }");
  }
  skip_statement(p, 0);
}

static void statement(parser *p) {
  char shown[64];
  const style_token *t = peek(p);
  cm_error *e;
  switch (t->kind) {
  case TOK_AT: variable_statement(p); return;
  case TOK_HASH: rule_statement(p, NULL); return;
  case TOK_SEMI: next(p); return;
  case TOK_IDENT:
    if (is_word(t, "Map"))
      map_statement(p);
    else if (is_word(t, "Layer"))
      layer_statement(p);
    else
      stray_word(p);
    return;
  case TOK_RBRACE:
    cm__style_error(p->diag, t->line, t->col, "unexpected '}': no block is open");
    next(p);
    return;
  case TOK_LBRACKET:
    e = cm__style_error(p->diag, t->line, t->col, "a rule must start with a layer");
    cm_error_hint(e, "write #layer[...] { ... }, e.g. #control[holder = \"ARM\"]");
    skip_statement(p, 0);
    return;
  default:
    e = cm__style_error(p->diag, t->line, t->col, "unexpected %s", show(t, shown, sizeof shown));
    cm_error_hint(e, "a style holds @variables, one Map block, Layer#name blocks "
                     "and rules like #layer { ... }");
    skip_statement(p, 0);
    return;
  }
}

/* Rules may come before their Layer block, so layer names are checked last. */
static void check_layer_uses(parser *p) {
  const cm_style *s = p->style;
  for (size_t k = 0; k < s->uses.count; k++) {
    const style_layer_use *use = cm__style_vec_at(&s->uses, k);
    if (find_layer(p, use->name))
      continue;
    cm_error *e = cm__style_error(p->diag, use->line, use->col, "unknown %s '%s'", use->what,
                                  use->name);
    if (!kept(p, e))
      continue;
    cm_suggest sp;
    cm_suggest_init(&sp, use->name);
    for (size_t j = 0; j < s->layers.count; j++)
      cm_suggest_try(&sp, ((const cm_style_layer *)cm__style_vec_at(&s->layers, j))->name);
    if (!cm_suggest_hint(&sp, e, ""))
      cm_error_hint(e, "define it with Layer#%s { file: \"...\"; }", use->name);
  }
}

/* An empty file is a wrong file (a path mix-up, an unsaved editor), not a
 * style that asks for a blank page. */
static void empty_style(parser *p) {
  cm_error *e = cm__style_error(p->diag, 1, 1,
                                "the style is empty: no Map block, Layer block or rule");
  cm_error_hint(e, "start with a layer and a rule, e.g. Layer#control { file: "
                   "\"control.shp\"; } #control { polygon-fill: grey; }");
}

int cm__style_parse_tokens(cm_style *s, const style_token *tok, size_t count,
                           const style_override *ov, size_t nov, style_diag *d) {
  parser p = {tok, count, 0, s, d, STYLE_VEC(variable), NULL, 0, 0, 0, 0,
              {NULL, NULL, 0, 0}, {NULL, NULL, 0, 0}, ov, nov, SIZE_MAX,
              STYLE_VEC(localized)};
  p.budget = EXPANSION_BUDGET + EXPANSION_PER_TOKEN * count;
  if (peek(&p)->kind == TOK_EOF && d->list.count == 0)
    empty_style(&p);
  collect_variables(&p);
  while (peek(&p)->kind != TOK_EOF && !p.nomem)
    statement(&p);
  for (size_t k = 0; k < nov; k++)
    if (!ov[k].is_variable)
      override_map(&p, &ov[k]);
  apply_localized(&p);
  /* An empty title is no title: a figure whose caption is in the text. */
  if (s->map.title && !s->map.title[0])
    s->map.title = NULL;
  check_layer_uses(&p);
  cm__style_vec_free(&p.vars);
  cm__style_vec_free(&p.localized);
  name_index_free(&p.var_names);
  name_index_free(&p.layer_names);
  return p.nomem || s->arena.failed ? CM_ENOMEM : CM_OK;
}
