#ifndef CONTROLMAP_TEST_TABLE_H
#define CONTROLMAP_TEST_TABLE_H

/* The data tables of the tests: tests/data/<name> (see files.h), one case
 * a line, its fields split at '|' and trimmed of blanks. Blank lines and
 * comments are skipped; a comment is a line whose first non-blank is '#'
 * followed by a blank or nothing, so that "#f00" or "#layer { ... }" can
 * be cases. A field written "" is empty.
 *
 *   table t;
 *   table_start(&t, "dates.txt", TABLE_QUOTES);
 *   while (table_next(&t))
 *     check(t.field[0], t.field[1], t.number);
 *   table_close(&t);
 *
 * table_start, table_next, table_each_row and table_each fail the running
 * cmocka test when the table cannot be read; they are there when <cmocka.h>
 * is included before this header. table_open and table_read are their
 * parts that do not need cmocka. */

#include "controlmap/geom.h"
#include "support/files.h"

#include <stdio.h>

#define TABLE_MAX_FIELDS 12

enum {
  /* Any field in double quotes loses them, keeping the blanks inside:
   * "  1994-05-12" is a field that starts with two spaces. */
  TABLE_QUOTES = 1,
};

typedef struct table {
  FILE *file;
  unsigned options;
  char path[4096];
  char line[4096];  /* the current case, cut into its fields */
  char *field[TABLE_MAX_FIELDS]; /* NULL past nfields */
  int nfields;
  int number;       /* the line number of the current case, from 1 */
  const char *problem; /* why table_read gave -1 */
} table;

/* Opens tests/data/<name>; 0, or -1 when it cannot be opened (t->path
 * names it). */
int table_open(table *t, const char *name, unsigned options);

/* The next case into t->field; 1, 0 at the end, or -1 when its line is too
 * long or has more than TABLE_MAX_FIELDS fields (t->problem says which). */
int table_read(table *t);

/* Closes the file; closing twice does no harm. */
void table_close(table *t);

/* Blanks (spaces, tabs, line ends) cut from both ends of s, in place;
 * returns the start. */
char *table_trim(char *s);

/* Cuts text at every sep into trimmed pieces; how many, or -1 when there
 * are more than max (fields then holds the first max). */
int table_split(char *text, char sep, char **fields, int max);

/* A field written "(x y, x y) (x y)" as a geometry of type, one part per
 * parenthesis, into g (which it initialises; caller frees with
 * cm_geom_free); 0, or -1 when the text is not such parts. */
int table_geom(const char *text, cm_geom_type type, cm_geom *g);

#ifdef CMOCKA_H_

/* table_open, or the test fails. */
static inline void table_start(table *t, const char *name, unsigned options) {
  if (table_open(t, name, options) != 0)
    fail_msg("cannot open %s (run from the top folder or set CM_TEST_DATA)",
             t->path);
}

/* table_read, or the test fails; 1 for a case, 0 at the end. */
static inline int table_next(table *t) {
  int rc = table_read(t);
  if (rc < 0)
    fail_msg("%s:%d: %s", t->path, t->number, t->problem);
  return rc;
}

/* Calls check(t) for every case of the table; returns the number of
 * cases. */
static inline int table_each_row(const char *name, unsigned options,
                                 void (*check)(const table *row)) {
  table t;
  int cases = 0;
  table_start(&t, name, options);
  for (; table_next(&t); cases++)
    check(&t);
  table_close(&t);
  return cases;
}

/* Calls check(fields, count, line number) for every case of the table;
 * returns the number of cases. */
static inline int table_each(const char *name, unsigned options,
                             void (*check)(char **, int, int)) {
  table t;
  int cases = 0;
  table_start(&t, name, options);
  for (; table_next(&t); cases++)
    check(t.field, t.nfields, t.number);
  table_close(&t);
  return cases;
}

#endif /* CMOCKA_H_ */

#endif
