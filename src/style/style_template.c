/* Text values (text-name, legend, title...): CartoCSS's [field] + "text"
 * expressions become one template string, "{field}text", which
 * cm_style_expand fills in for each feature and date. Strings are
 * templates already; their {fields} are checked here, once, so that a
 * mistake shows up before any render starts. */

#include "style_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct text {
  char *s;
  size_t len, cap;
  int failed;
} text;

static void put(text *t, const char *s, size_t n) {
  if (t->failed)
    return;
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 64;
    while (cap < t->len + n + 1)
      cap *= 2;
    char *grown = realloc(t->s, cap);
    if (!grown) {
      t->failed = 1;
      return;
    }
    t->s = grown;
    t->cap = cap;
  }
  memcpy(t->s + t->len, s, n);
  t->len += n;
  t->s[t->len] = '\0';
}

/* Column of byte i of a string token's text (strings hold no line breaks;
 * an escape before i shifts this by one). */
static int column_of(const style_token *t, size_t i) {
  int col = t->col + 1;
  for (size_t k = 0; k < i; k++)
    col += ((unsigned char)t->text[k] & 0xC0) != 0x80;
  return col;
}

static int is_field_char(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_';
}

static int check_date_format(style_value *v, const style_token *t, size_t at, size_t n) {
  const char *fmt = t->text + at;
  for (size_t k = 0; k < n; k++) {
    if (fmt[k] != '%')
      continue;
    if (k + 1 == n || !strchr("deBbmY%", fmt[k + 1])) {
      cm_error *e = cm__style_error(v->diag, t->line, column_of(t, at + k),
                                    "unknown date format '%.*s' in {date:...}",
                                    k + 1 == n ? 1 : 2, fmt + k);
      cm_error_hint(e, "use %%d, %%e, %%m, %%B, %%b, %%Y or %%%%");
      return -1;
    }
    k++;
  }
  return 0;
}

/* The {...} starting at byte at: a field name, or date with an optional
 * format. Sets *end just after the '}'. */
static int check_field(style_value *v, const style_token *t, size_t at, size_t *end) {
  const char *s = t->text + at + 1;
  size_t n = strcspn(s, "{}"), name = strcspn(s, ":}");
  if (s[n] != '}') {
    cm_error *e = cm__style_error(v->diag, t->line, column_of(t, at),
                                  "unclosed '{' in a template");
    cm_error_hint(e, "close it with '}', or write '{{' for a literal brace");
    return -1;
  }
  for (size_t k = 0; k < name; k++)
    if (!is_field_char((unsigned char)s[k]))
      name = 0;
  if (name == 0) {
    cm_error *e = cm__style_error(v->diag, t->line, column_of(t, at),
                                  "'{%.*s}' does not name a field", (int)n, s);
    cm_error_hint(e, "write {field} or {date}; field names are letters, digits and '_'; "
                     "'{{' is a literal brace");
    return -1;
  }
  int is_date = name == 4 && memcmp(s, "date", 4) == 0;
  if (name < n && !is_date) {
    cm__style_error(v->diag, t->line, column_of(t, at), "only {date} takes a format, not {%.*s}",
                    (int)name, s);
    return -1;
  }
  if (name < n && check_date_format(v, t, at + 1 + name + 1, n - name - 1))
    return -1;
  if (!is_date)
    cm__style_add_field_ref(v->style, v->layers, v->layer_count, s, name, t->line,
                            column_of(t, at + 1));
  *end = at + 1 + n + 1;
  return 0;
}

/* A string of a text value: checks its templates and notes their fields. */
static int check_string(style_value *v, const style_token *t) {
  const char *s = t->text;
  for (size_t i = 0; s[i];) {
    if ((s[i] == '{' && s[i + 1] == '{') || (s[i] == '}' && s[i + 1] == '}')) {
      i += 2;
    } else if (s[i] == '}') {
      cm_error *e = cm__style_error(v->diag, t->line, column_of(t, i),
                                    "single '}' in a template");
      cm_error_hint(e, "write '}}' for a literal brace");
      return -1;
    } else if (s[i] == '{') {
      if (check_field(v, t, i, &i))
        return -1;
    } else {
      i++;
    }
  }
  return 0;
}

int cm__style_field_item(style_value *v, const style_token **out) {
  char shown[64];
  const style_token *name = cm__style_value_next(v);
  if (name->kind != TOK_IDENT) {
    cm__style_error(v->diag, name->line, name->col, "expected a field name after '[', found %s",
                cm__style_token_show(name, shown, sizeof shown));
    return -1;
  }
  const style_token *close = cm__style_value_next(v);
  if (close->kind != TOK_RBRACKET) {
    cm__style_error(v->diag, close->line, close->col, "expected ']' after [%s, found %s",
                name->text, cm__style_token_show(close, shown, sizeof shown));
    return -1;
  }
  cm__style_add_field_ref(v->style, v->layers, v->layer_count, name->text,
                          strlen(name->text), name->line, name->col);
  *out = name;
  return 0;
}

/* [field] */
static int field_item(style_value *v, text *out) {
  const style_token *name;
  if (cm__style_field_item(v, &name))
    return -1;
  put(out, "{", 1);
  put(out, name->text, strlen(name->text));
  put(out, "}", 1);
  return 0;
}

static int item_error(style_value *v, const style_token *t, int after_plus) {
  char shown[64];
  cm_error *e;
  if (after_plus)
    e = cm__style_error(v->diag, t->line, t->col,
                        "expected [field] or a quoted string after '+', found %s",
                    cm__style_token_show(t, shown, sizeof shown));
  else
    e = cm__style_error(v->diag, t->line, t->col,
                        "%s takes [field], a quoted string, or several joined with +, found %s",
                    v->prop->name, cm__style_token_show(t, shown, sizeof shown));
  if (t->kind == TOK_IDENT)
    cm_error_hint(e, "write [%s] for a field or \"%s\" for text", t->text, t->text);
  else if (t->kind == TOK_NEXT)
    cm_error_hint(e, "is a ';' missing before it?");
  return -1;
}

int cm__style_template_parse(style_value *v, const char **out) {
  text t = {NULL, 0, 0, 0};
  int rc = 0, after_plus = 0;
  for (;;) {
    const style_token *item = cm__style_value_next(v);
    if (item->kind == TOK_STRING) {
      rc = check_string(v, item);
      put(&t, item->text, strlen(item->text));
    } else if (item->kind == TOK_LBRACKET) {
      rc = field_item(v, &t);
    } else {
      rc = item_error(v, item, after_plus);
    }
    if (rc || cm__style_value_done(v) || cm__style_value_peek(v)->kind != TOK_PLUS)
      break;
    cm__style_value_next(v);
    after_plus = 1;
  }
  if (rc == 0) {
    *out = cm__style_strndup(&v->style->arena, t.s ? t.s : "", t.len);
    if (t.failed)
      v->style->arena.failed = 1;
  }
  free(t.s);
  return rc;
}
