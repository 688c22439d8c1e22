/* The style lexer: text to tokens with line and column (in characters), so
 * that every later message can point at the place the user has to fix. */

#include "style_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct lexer {
  const char *s;
  size_t n, i;
  int line, col;
  style_arena *arena;
  style_diag *diag;
  style_vec *out;
  int nomem;
} lexer;

static int at(const lexer *lx, size_t ahead) {
  return lx->i + ahead < lx->n ? (unsigned char)lx->s[lx->i + ahead] : -1;
}

/* Columns count characters: only the first byte of a UTF-8 sequence moves
 * the column. */
static void advance(lexer *lx) {
  unsigned char c = (unsigned char)lx->s[lx->i++];
  if (c == '\n') {
    lx->line++;
    lx->col = 1;
  } else if ((c & 0xC0) != 0x80) {
    lx->col++;
  }
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_name_start(int c) { return is_alpha(c) || c == '_'; }
static int is_name_char(int c) {
  return is_name_start(c) || is_digit(c) || c == '-';
}

static style_token *emit(lexer *lx, style_tok_kind kind, size_t start,
                         int line, int col) {
  style_token *t = cm__style_vec_push(lx->out);
  if (!t) {
    lx->nomem = 1;
    return NULL;
  }
  t->kind = kind;
  t->line = line;
  t->col = col;
  t->end_line = lx->line;
  t->end_col = lx->col;
  t->src = lx->s + start;
  t->len = lx->i - start;
  t->text = "";
  t->unit = "";
  return t;
}

/* --- blanks and comments --------------------------------------------------- */

static void skip_comment(lexer *lx) {
  int line = lx->line, col = lx->col;
  advance(lx);
  advance(lx);
  while (lx->i < lx->n && !(at(lx, 0) == '*' && at(lx, 1) == '/'))
    advance(lx);
  if (lx->i >= lx->n) {
    cm_error *e = cm__style_error(lx->diag, line, col, "unterminated comment");
    cm_error_hint(e, "close it with */");
    return;
  }
  advance(lx);
  advance(lx);
}

static void skip_blanks(lexer *lx) {
  for (;;) {
    int c = at(lx, 0);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
      advance(lx);
    } else if (c == '/' && at(lx, 1) == '/') {
      while (lx->i < lx->n && at(lx, 0) != '\n')
        advance(lx);
    } else if (c == '/' && at(lx, 1) == '*') {
      skip_comment(lx);
    } else {
      return;
    }
  }
}

/* --- UTF-8 ----------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (at most n bytes) and its
 * code point, or 0 when malformed. */
static size_t utf8_char(const unsigned char *s, size_t n, unsigned long *cp) {
  static const unsigned long lowest[] = {0, 0, 0x80, 0x800, 0x10000};
  size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xF0 && s[0] < 0xF5 ? 4
               : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : 0;
  if (!len || len > n)
    return 0;
  unsigned long v = len == 1 ? s[0] : s[0] & (0x7F >> len);
  for (size_t k = 1; k < len; k++) {
    if ((s[k] & 0xC0) != 0x80)
      return 0;
    v = v << 6 | (s[k] & 0x3F);
  }
  if (v < lowest[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return len;
}

static int utf8_valid(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned long cp;
  for (size_t i = 0; i < n;) {
    size_t len = utf8_char(u + i, n - i, &cp);
    if (!len)
      return 0;
    i += len;
  }
  return 1;
}

/* --- strings --------------------------------------------------------------- */

static char unescape(lexer *lx, int c, int col) {
  switch (c) {
  case 'n': return '\n';
  case 't': return '\t';
  case '"': case '\'': case '\\': return (char)c;
  default: {
    cm_error *e = cm__style_error(lx->diag, lx->line, col,
                                  "unknown escape '\\%c' in string", c);
    cm_error_hint(e, "use \\\", \\', \\\\, \\n or \\t");
    return (char)c;
  }
  }
}

/* Strings end on their own line: a forgotten quote then costs one line of
 * confusion, not the rest of the file. */
static void lex_string(lexer *lx) {
  size_t start = lx->i;
  int line = lx->line, col = lx->col, quote = at(lx, 0);
  size_t end = start + 1;
  while (end < lx->n && lx->s[end] != quote && lx->s[end] != '\n')
    end += lx->s[end] == '\\' && end + 1 < lx->n && lx->s[end + 1] != '\n' ? 2 : 1;
  char *text = cm__style_alloc(lx->arena, end - start);
  size_t len = 0;
  advance(lx);
  while (lx->i < end) {
    int c = at(lx, 0), escape_col = lx->col;
    advance(lx);
    if (c == '\\' && lx->i < end) {
      c = at(lx, 0);
      advance(lx);
      c = unescape(lx, c, escape_col);
    }
    if (text)
      text[len++] = (char)c;
  }
  if (at(lx, 0) == quote) {
    advance(lx);
  } else {
    cm_error *e = cm__style_error(lx->diag, line, col, "unterminated string");
    cm_error_hint(e, "close it with %c on the same line; write \\n for a line break",
                  quote);
  }
  style_token *t = emit(lx, TOK_STRING, start, line, col);
  if (!t || !text) {
    lx->nomem = 1;
    return;
  }
  t->text = text;
  if (!utf8_valid(text, len)) {
    cm_error *e = cm__style_error(lx->diag, line, col, "string is not valid UTF-8");
    cm_error_hint(e, "save the style file as UTF-8");
  } else if (memchr(text, '\0', len)) {
    /* it would end the text there without a word */
    cm_error *e = cm__style_error(lx->diag, line, col, "string holds a NUL byte");
    cm_error_hint(e, "the style file is damaged or not text; remove the byte");
  }
}

/* --- names, numbers, dates --------------------------------------------------- */

static void lex_name(lexer *lx, style_tok_kind kind) {
  size_t start = lx->i;
  int line = lx->line, col = lx->col;
  if (kind != TOK_IDENT)
    advance(lx); /* the '#' or '@' */
  size_t name = lx->i;
  while (is_name_char(at(lx, 0)))
    advance(lx);
  if (lx->i == name) {
    cm_error *e = cm__style_error(lx->diag, line, col, "expected a name after '%c'",
                                  lx->s[start]);
    cm_error_hint(e, kind == TOK_AT ? "variables look like @water"
                                    : "layers look like #control, colours like #8c8c8c");
    return;
  }
  style_token *t = emit(lx, kind, start, line, col);
  if (t && !(t->text = cm__style_strndup(lx->arena, lx->s + name, lx->i - name)))
    lx->nomem = 1;
}

static size_t digits_at(const lexer *lx, size_t from) {
  size_t k = 0;
  while (lx->i + from + k < lx->n && is_digit((unsigned char)lx->s[lx->i + from + k]))
    k++;
  return k;
}

/* 2020-11-10 or 2020-11: dates are only compared in filters, but must be
 * one token so that they are not read as 2020 minus 11. */
static size_t date_length(const lexer *lx) {
  if (digits_at(lx, 0) != 4 || at(lx, 4) != '-' || digits_at(lx, 5) != 2)
    return 0;
  size_t len = at(lx, 7) == '-' && digits_at(lx, 8) == 2 ? 10 : 7;
  return is_name_char(at(lx, len)) ? 0 : len;
}

static void lex_date(lexer *lx, size_t len) {
  size_t start = lx->i;
  int line = lx->line, col = lx->col;
  for (size_t k = 0; k < len; k++)
    advance(lx);
  style_token *t = emit(lx, TOK_DATE, start, line, col);
  if (t && !(t->text = cm__style_strndup(lx->arena, lx->s + start, len)))
    lx->nomem = 1;
}

static void lex_number(lexer *lx) {
  size_t start = lx->i;
  int line = lx->line, col = lx->col;
  if (at(lx, 0) == '-')
    advance(lx);
  while (is_digit(at(lx, 0)))
    advance(lx);
  if (at(lx, 0) == '.' && is_digit(at(lx, 1))) {
    advance(lx);
    while (is_digit(at(lx, 0)))
      advance(lx);
  }
  size_t unit = lx->i;
  while (is_alpha(at(lx, 0)) || at(lx, 0) == '%')
    advance(lx);
  style_token *t = emit(lx, TOK_NUMBER, start, line, col);
  if (!t)
    return;
  if (cm__style_decimal(lx->s + start, unit - start, &t->num) != 0) {
    cm__style_error(lx->diag, line, col, "'%.*s' is not a number", (int)(unit - start),
                    lx->s + start);
    t->num = 0;
  }
  if (!(t->unit = cm__style_strndup(lx->arena, lx->s + unit, lx->i - unit)))
    lx->nomem = 1;
}

/* --- everything else --------------------------------------------------------- */

static int lex_punct(lexer *lx) {
  static const struct {
    const char *text;
    style_tok_kind kind;
  } punct[] = {
      {"<=", TOK_LE}, {">=", TOK_GE}, {"!=", TOK_NE}, {"{", TOK_LBRACE},
      {"}", TOK_RBRACE}, {"(", TOK_LPAREN}, {")", TOK_RPAREN},
      {"[", TOK_LBRACKET}, {"]", TOK_RBRACKET}, {":", TOK_COLON},
      {";", TOK_SEMI}, {",", TOK_COMMA}, {"+", TOK_PLUS}, {"=", TOK_EQ},
      {"<", TOK_LT}, {">", TOK_GT}};
  for (size_t k = 0; k < sizeof punct / sizeof punct[0]; k++) {
    size_t len = strlen(punct[k].text);
    if (lx->i + len <= lx->n && memcmp(lx->s + lx->i, punct[k].text, len) == 0) {
      size_t start = lx->i;
      int line = lx->line, col = lx->col;
      for (size_t j = 0; j < len; j++)
        advance(lx);
      emit(lx, punct[k].kind, start, line, col);
      return 1;
    }
  }
  return 0;
}

static void lex_stray(lexer *lx) {
  const unsigned char *u = (const unsigned char *)lx->s + lx->i;
  unsigned long cp = 0;
  size_t len = utf8_char(u, lx->n - lx->i, &cp);
  cm_error *e;
  if (len == 1 && cp > 0x20 && cp < 0x7F)
    e = cm__style_error(lx->diag, lx->line, lx->col, "unexpected character '%c'", (int)cp);
  else if (len)
    e = cm__style_error(lx->diag, lx->line, lx->col, "unexpected character U+%04lX", cp);
  else
    e = cm__style_error(lx->diag, lx->line, lx->col, "bytes that are not UTF-8");
  if (cp == 0xA0)
    cm_error_hint(e, "a non-breaking space; use a plain space");
  else if (!len)
    cm_error_hint(e, "save the style file as UTF-8");
  for (size_t k = 0; k < (len ? len : 1); k++)
    advance(lx);
}

static void lex_token(lexer *lx) {
  int c = at(lx, 0), c1 = at(lx, 1);
  size_t date;
  if (c == '"' || c == '\'')
    lex_string(lx);
  else if (is_name_start(c))
    lex_name(lx, TOK_IDENT);
  else if (c == '#')
    lex_name(lx, TOK_HASH);
  else if (c == '@')
    lex_name(lx, TOK_AT);
  else if ((date = date_length(lx)) != 0)
    lex_date(lx, date);
  else if (is_digit(c) || (c == '.' && is_digit(c1)) ||
           (c == '-' && (is_digit(c1) || (c1 == '.' && is_digit(at(lx, 2))))))
    lex_number(lx);
  else if (!lex_punct(lx))
    lex_stray(lx);
}

int cm__style_lex(const char *text, size_t len, style_arena *a, style_diag *d,
                  style_vec *out) {
  lexer lx = {text, len, 0, 1, 1, a, d, out, 0};
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    lx.i = 3; /* a byte order mark is not a character of the style */
  for (;;) {
    skip_blanks(&lx);
    if (lx.i >= lx.n || lx.nomem)
      break;
    lex_token(&lx);
  }
  emit(&lx, TOK_EOF, lx.i, lx.line, lx.col);
  return lx.nomem || a->failed ? CM_ENOMEM : CM_OK;
}

const char *cm__style_token_show(const style_token *t, char *buf, size_t size) {
  if (t->kind == TOK_EOF)
    snprintf(buf, size, "end of file");
  else if (t->kind == TOK_STRING)
    snprintf(buf, size, "%.*s%s", t->len > 40 ? 40 : (int)t->len, t->src,
             t->len > 40 ? "...\"" : "");
  else
    snprintf(buf, size, "'%.*s'", t->len > 40 ? 40 : (int)t->len, t->src);
  return buf;
}

/* Own decimal reading, because strtod follows the C locale and a library
 * must not read "0.5" as 0 in a program that set LC_NUMERIC to German. */
int cm__style_decimal(const char *s, size_t n, double *out) {
  size_t i = 0, digits = 0;
  int negative = 0, exponent = 0;
  double v = 0;
  if (i < n && (s[i] == '-' || s[i] == '+'))
    negative = s[i++] == '-';
  for (; i < n && is_digit((unsigned char)s[i]); i++, digits++)
    v = v * 10 + (s[i] - '0');
  if (i < n && s[i] == '.') {
    for (i++; i < n && is_digit((unsigned char)s[i]); i++, digits++, exponent--)
      v = v * 10 + (s[i] - '0');
  }
  if (!digits)
    return -1;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    int sign = 1, e = 0;
    i++;
    if (i < n && (s[i] == '-' || s[i] == '+'))
      sign = s[i++] == '-' ? -1 : 1;
    if (i >= n || !is_digit((unsigned char)s[i]))
      return -1;
    for (; i < n && is_digit((unsigned char)s[i]); i++)
      e = e < 10000 ? e * 10 + (s[i] - '0') : e;
    exponent += sign * e;
  }
  if (i != n)
    return -1;
  v = exponent < 0 ? v / pow(10, -exponent) : v * pow(10, exponent);
  if (!isfinite(v))
    return -1;
  *out = negative ? -v : v;
  return 0;
}
