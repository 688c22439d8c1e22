#include "support/table.h"

#include <string.h>

static const char blanks[] = " \t\r\n";

int table_open(table *t, const char *name, unsigned options) {
  memset(t, 0, sizeof *t);
  t->options = options;
  t->file = fopen(test_data_path(t->path, sizeof t->path, name), "r");
  return t->file ? 0 : -1;
}

void table_close(table *t) {
  if (t->file)
    fclose(t->file);
  t->file = NULL;
}

char *table_trim(char *s) {
  s += strspn(s, " \t");
  size_t n = strlen(s);
  while (n > 0 && strchr(blanks, s[n - 1]))
    s[--n] = '\0';
  return s;
}

int table_split(char *text, char sep, char **fields, int max) {
  int n = 0;
  for (char *s = text;; n++) {
    char *end = strchr(s, sep);
    if (n == max)
      return -1;
    if (end)
      *end = '\0';
    fields[n] = table_trim(s);
    if (!end)
      return n + 1;
    s = end + 1;
  }
}

static int is_comment(const char *s) {
  return s[0] == '#' && (s[1] == '\0' || strchr(blanks, s[1]));
}

static char *unquote(char *field, unsigned options) {
  size_t n = strlen(field);
  int quoted = n >= 2 && field[0] == '"' && field[n - 1] == '"';
  if (quoted && (n == 2 || options & TABLE_QUOTES)) {
    field[n - 1] = '\0';
    field++;
  }
  return field;
}

int table_read(table *t) {
  while (fgets(t->line, sizeof t->line, t->file)) {
    t->number++;
    if (!strchr(t->line, '\n') && !feof(t->file)) {
      t->problem = "line too long";
      return -1;
    }
    char *s = table_trim(t->line);
    if (!*s || is_comment(s))
      continue;
    memset(t->field, 0, sizeof t->field);
    t->nfields = table_split(s, '|', t->field, TABLE_MAX_FIELDS);
    if (t->nfields < 0) {
      t->problem = "more fields than a table may have";
      return -1;
    }
    for (int i = 0; i < t->nfields; i++)
      t->field[i] = unquote(t->field[i], t->options);
    return 1;
  }
  return 0;
}

/* One part "x y, x y)" after its '('; where it ends, or NULL. */
static const char *read_part(const char *p, cm_geom *g) {
  if (cm_geom_begin_part(g) != 0)
    return NULL;
  for (;;) {
    double x, y;
    int used;
    if (sscanf(p, " %lf %lf%n", &x, &y, &used) != 2 ||
        cm_geom_add_point(g, x, y) != 0)
      return NULL;
    p += used;
    p += strspn(p, " ");
    if (*p != ',')
      return *p == ')' ? p : NULL;
    p++;
  }
}

int table_geom(const char *text, cm_geom_type type, cm_geom *g) {
  cm_geom_init(g, type);
  for (const char *p = text; (p = strchr(p, '(')) != NULL;)
    if (!(p = read_part(p + 1, g))) {
      cm_geom_free(g);
      return -1;
    }
  return 0;
}
