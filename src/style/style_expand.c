/* Filling in templates: "{name} ({date:%Y})" becomes "Shusha (2020)" for a
 * feature, a language and a date. */

#include "style_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cm__style_attr(cm_attr_fn get, void *ud, const char *field, const char *lang) {
  if (!get)
    return NULL;
  if (strcmp(field, "name") != 0)
    return get(ud, field);
  char key[64];
  snprintf(key, sizeof key, "name_%.32s", lang ? lang : "en");
  const char *v = get(ud, key);
  if (v && *v)
    return v;
  v = get(ud, "name_en");
  if (v && *v)
    return v;
  return get(ud, "name");
}

/* Output that counts what it would need when buf is too small. */
typedef struct output {
  char *buf;
  size_t size, len;
} output;

static void put(output *o, const char *s, size_t n) {
  if (o->size && o->len < o->size - 1) {
    size_t room = o->size - 1 - o->len;
    memcpy(o->buf + o->len, s, n < room ? n : room);
  }
  o->len += n;
}

/* Ends the text; when it was cut, cuts before a partial UTF-8 character so
 * that a truncated Arabic title stays valid text. */
static size_t finish(output *o) {
  if (!o->size)
    return o->len;
  size_t end = o->len;
  if (end >= o->size) {
    end = o->size - 1;
    size_t start = end;
    while (start > 0 && ((unsigned char)o->buf[start - 1] & 0xC0) == 0x80)
      start--;
    if (start > 0) {
      unsigned char lead = (unsigned char)o->buf[start - 1];
      size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      if (start - 1 + need > end)
        end = start - 1;
    }
  }
  o->buf[end] = '\0';
  return o->len;
}

static void put_date(output *o, const char *fmt, size_t n, const char *lang,
                     cm_digits digits, cm_day date) {
  char format[128], text[256];
  if (fmt) {
    n = n < sizeof format ? n : sizeof format - 1;
    memcpy(format, fmt, n);
    format[n] = '\0';
  }
  const char *f = fmt ? format : NULL;
  size_t need = cm_date_format(text, sizeof text, date, f, lang, digits);
  if (need < sizeof text) {
    put(o, text, need);
    return;
  }
  char *big = malloc(need + 1);
  if (!big)
    return;
  cm_date_format(big, need + 1, date, f, lang, digits);
  put(o, big, need);
  free(big);
}

/* The inside of one {...}: a field, or date with an optional format. */
static void put_field(output *o, const char *f, size_t n, cm_attr_fn get, void *ud,
                      const char *lang, cm_digits digits, cm_day date) {
  const char *colon = memchr(f, ':', n);
  size_t name_len = colon ? (size_t)(colon - f) : n;
  if (name_len == 4 && memcmp(f, "date", 4) == 0) {
    put_date(o, colon ? colon + 1 : NULL, colon ? n - name_len - 1 : 0, lang, digits, date);
    return;
  }
  char name[128];
  if (name_len >= sizeof name)
    return;
  memcpy(name, f, name_len);
  name[name_len] = '\0';
  const char *value = cm__style_attr(get, ud, name, lang);
  if (value)
    put(o, value, strlen(value));
}

size_t cm_style_expand(char *buf, size_t size, const char *tmpl, cm_attr_fn get, void *ud,
                       const char *lang, cm_digits digits, cm_day date) {
  output o = {buf, size, 0};
  const char *s = tmpl ? tmpl : "";
  if (!lang)
    lang = "en";
  while (*s) {
    size_t plain = strcspn(s, "{}");
    put(&o, s, plain);
    s += plain;
    if (!*s)
      break;
    const char *close = s[0] == '{' && s[1] != '{' ? strchr(s + 1, '}') : NULL;
    if (close) {
      put_field(&o, s + 1, (size_t)(close - s - 1), get, ud, lang, digits, date);
      s = close + 1;
    } else {
      put(&o, s, 1); /* {{ or }} is one brace; a lone brace stays as it is */
      s += s[1] == s[0] ? 2 : 1;
    }
  }
  return finish(&o);
}
