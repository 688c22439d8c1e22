/* Fuzzing dates. The input is split at '|' into a date, an end date, a
 * format, a language and a digit choice, the shape of the rows of
 * tests/data/dates.txt and date_formats.txt. A date that parses must write
 * back as itself; an interval must not be empty; formatted text must fit
 * any buffer, cut as a prefix of the whole and never inside a character.
 *
 * Built with libFuzzer by tools/fuzz.sh; tests/test_badinput.c includes
 * this file with FUZZ_NO_ENTRY defined to replay tests/crashes/date/. */

#include "controlmap/date.h"
#include "controlmap/error.h"
#include "data_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_FAIL
#define FUZZ_FAIL(...)                                                         \
  (fprintf(stderr, __VA_ARGS__), fputc('\n', stderr), abort())
#endif

enum { DATE_PIECES = 5 };

static void date_check_parse(const char *s, cm_day first, cm_day after,
                             cm_date_precision p) {
  char iso[11], *buf = malloc(11); /* the exact size the header promises */
  if (!buf)
    return;
  cm_date_iso(first, buf);
  memcpy(iso, buf, 11);
  free(buf);
  cm_day again, again_after;
  cm_date_precision q;
  if (cm_date_parse(iso, &again, &again_after, &q) != 0 || again != first ||
      q != CM_DATE_DAY || again_after != first + 1)
    FUZZ_FAIL("'%s' parses to %s, which does not parse back", s, iso);
  long span = (long)after - (long)first;
  int ok = p == CM_DATE_DAY     ? span == 1
           : p == CM_DATE_MONTH ? span >= 28 && span <= 31
           : p == CM_DATE_YEAR  ? span == 365 || span == 366
                                : 0;
  if (!ok)
    FUZZ_FAIL("'%s': precision %d covers %ld days", s, (int)p, span);
}

/* Formatting into every small size gives a prefix of the whole text. */
static void date_check_format(cm_day d, const char *fmt, const char *lang,
                              cm_digits digits) {
  size_t need = cm_date_format(NULL, 0, d, fmt, lang, digits);
  char *full = malloc(need + 1);
  if (!full)
    return;
  if (cm_date_format(full, need + 1, d, fmt, lang, digits) != need ||
      strlen(full) != need)
    FUZZ_FAIL("format '%s' gives two lengths", fmt ? fmt : "(long)");
  int utf8 = cm__utf8_valid(full, need);
  for (size_t size = 1; size <= need && size < 40; size++) {
    char *cut = malloc(size);
    if (!cut)
      break;
    cm_date_format(cut, size, d, fmt, lang, digits);
    size_t n = strlen(cut);
    if (n >= size || memcmp(cut, full, n) != 0 ||
        (utf8 && !cm__utf8_valid(cut, n)))
      FUZZ_FAIL("format '%s' into %zu bytes gives '%s'", fmt, size, cut);
    free(cut);
  }
  free(full);
}

static void date_check_digits(const char *text, const char *lang,
                              cm_digits digits) {
  size_t need = cm_digits_localize(NULL, 0, text, lang, digits);
  char *out = malloc(need + 1);
  if (!out)
    return;
  if (cm_digits_localize(out, need + 1, text, lang, digits) != need ||
      strlen(out) != need)
    FUZZ_FAIL("digits of '%s' give two lengths", text);
  free(out);
}

/* Any day number, even far outside years 1..9999, converts both ways. */
static void date_check_day(cm_day d) {
  int y, m, day;
  cm_date_to_ymd(d, &y, &m, &day);
  if (m < 1 || m > 12 || day < 1 || day > 31)
    FUZZ_FAIL("day %ld is %d-%d-%d", (long)d, y, m, day);
  if (cm_date_valid(y, m, day) && cm_date_from_ymd(y, m, day) != d)
    FUZZ_FAIL("day %ld does not come back", (long)d);
  char *buf = malloc(11);
  if (buf) {
    cm_date_iso(d, buf);
    if (strlen(buf) != 10)
      FUZZ_FAIL("day %ld is written as '%s'", (long)d, buf);
    free(buf);
  }
}

/* Split, parse, format, check; returns what cm_date_parse did. */
int fuzz_date(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1), *piece[DATE_PIECES] = {0};
  if (!text)
    return CM_ENOMEM;
  memcpy(text, data, size);
  text[size] = '\0';
  piece[0] = text;
  for (int k = 1; k < DATE_PIECES; k++)
    if (piece[k - 1] && (piece[k] = strchr(piece[k - 1], '|')))
      *piece[k]++ = '\0';
  cm_day first = 0, after = 0, from, to;
  cm_date_precision p = CM_DATE_DAY;
  int rc = cm_date_parse(piece[0], &first, &after, &p);
  if (rc == 0)
    date_check_parse(piece[0], first, after, p);
  else if (rc != CM_EUSAGE)
    FUZZ_FAIL("'%s' gives code %d", piece[0], rc);
  if (cm_date_interval(piece[0], piece[1], &from, &to) == 0 && from >= to)
    FUZZ_FAIL("'%s' .. '%s' is empty", piece[0], piece[1]);
  cm_day raw = 0;
  for (size_t i = 0; i < size && i < 4; i++)
    raw = (cm_day)((uint32_t)raw << 8 | data[i]);
  date_check_day(raw);
  cm_digits digits = piece[4] ? (cm_digits)((unsigned char)piece[4][0] % 3)
                              : CM_DIGITS_DEFAULT;
  const char *fmt = piece[2] && strcmp(piece[2], "NULL") ? piece[2] : NULL;
  date_check_format(rc == 0 ? first : raw, fmt, piece[3], digits);
  date_check_digits(piece[0], piece[3], digits);
  free(text);
  return rc;
}

#ifndef FUZZ_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_date(data, size);
  return 0;
}
#endif
