/* Tests of the date module: parsing, intervals, calendar arithmetic and
 * dates written for each language. Input -> output cases live in tables
 * under tests/data (or the directory named by CM_TEST_DATA). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controlmap/date.h"
#include "controlmap/error.h"
#include "support/table.h"

/* ---- reading the tables ---------------------------------------------------- */

/* Expected days are read without the parser under test. */
static cm_day expected_day(const char *s) {
  int y, m, d;
  if (strcmp(s, "MIN") == 0)
    return CM_DAY_MIN;
  if (strcmp(s, "MAX") == 0)
    return CM_DAY_MAX;
  if (sscanf(s, "%d-%d-%d", &y, &m, &d) != 3)
    fail_msg("bad expected date '%s' in a table", s);
  return cm_date_from_ymd(y, m, d);
}

static const char *nullable(const char *s) {
  return strcmp(s, "NULL") == 0 ? NULL : s;
}

/* ---- parsing and intervals --------------------------------------------------- */

static cm_date_precision expected_precision(const char *s) {
  if (strcmp(s, "year") == 0)
    return CM_DATE_YEAR;
  if (strcmp(s, "month") == 0)
    return CM_DATE_MONTH;
  if (strcmp(s, "day") == 0)
    return CM_DATE_DAY;
  fail_msg("bad precision '%s' in dates.txt", s);
  return 0;
}

static void check_parse_row(const table *row) {
  const char *input = row->field[0];
  cm_day first = 12345, after = 12345;
  cm_date_precision precision = 0;
  int rc = cm_date_parse(input, &first, &after, &precision);
  char why[128] = "unset";
  if (row->nfields >= 2 && strcmp(row->field[1], "error") == 0) {
    if (rc != CM_EUSAGE || cm_date_explain(input, why, sizeof why) != -1)
      fail_msg("dates.txt:%d: '%s' should be refused", row->number, input);
    if (row->nfields == 3 && strcmp(why, row->field[2]) != 0)
      fail_msg("dates.txt:%d: '%s' explained as '%s'", row->number, input, why);
    return;
  }
  if (cm_date_explain(input, why, sizeof why) != 0 || why[0])
    fail_msg("dates.txt:%d: '%s' is a date, yet explained as '%s'", row->number, input, why);
  assert_int_equal(row->nfields, 4);
  if (rc != 0)
    fail_msg("dates.txt:%d: '%s' refused", row->number, input);
  if (first != expected_day(row->field[1]) ||
      after != expected_day(row->field[2]) ||
      precision != expected_precision(row->field[3]))
    fail_msg("dates.txt:%d: '%s' gave %d..%d precision %d", row->number, input,
             first, after, precision);
}

static void test_parse_table(void **state) {
  assert_true(table_each_row("dates.txt", TABLE_QUOTES, check_parse_row) >= 40);
}

static void test_parse_outputs_optional(void **state) {
  cm_date_precision p = 0;
  assert_int_equal(cm_date_parse("2020-11", NULL, NULL, &p), 0);
  assert_int_equal(p, CM_DATE_MONTH);
  assert_int_equal(cm_date_parse("2020-11-10", NULL, NULL, NULL), 0);
  assert_int_equal(cm_date_parse(NULL, NULL, NULL, NULL), CM_EUSAGE);
}

static void check_interval_row(const table *row) {
  const char *start = nullable(row->field[0]);
  const char *end = nullable(row->field[1]);
  cm_day from = 7, to = 7;
  int rc = cm_date_interval(start, end, &from, &to);
  if (row->nfields == 3 && strcmp(row->field[2], "error") == 0) {
    if (rc != CM_EUSAGE)
      fail_msg("date_intervals.txt:%d: should be refused", row->number);
    return;
  }
  assert_int_equal(row->nfields, 4);
  if (rc != 0)
    fail_msg("date_intervals.txt:%d: refused", row->number);
  if (from != expected_day(row->field[2]) || to != expected_day(row->field[3]))
    fail_msg("date_intervals.txt:%d: gave [%d, %d)", row->number, from, to);
}

static void test_interval_table(void **state) {
  assert_true(table_each_row("date_intervals.txt", TABLE_QUOTES, check_interval_row) >= 15);
}

static void test_in_is_half_open(void **state) {
  cm_day from = cm_date_from_ymd(1994, 5, 12);
  cm_day to = cm_date_from_ymd(2020, 9, 27);
  assert_false(cm_date_in(from - 1, from, to));
  assert_true(cm_date_in(from, from, to));
  assert_true(cm_date_in(to - 1, from, to));
  assert_false(cm_date_in(to, from, to));
  assert_true(cm_date_in(CM_DAY_MIN, CM_DAY_MIN, to));
  assert_true(cm_date_in(cm_date_from_ymd(9999, 12, 31), from, CM_DAY_MAX));
  assert_false(cm_date_in(from, from, from));
}

/* The handover of Aghdam: one holder's end is the next one's start, and on
 * no day are both on the map. */
static void test_adjacent_intervals_do_not_overlap(void **state) {
  cm_day a_from, a_to, b_from, b_to;
  assert_int_equal(cm_date_interval("1993-07-23", "2020-11-20", &a_from, &a_to), 0);
  assert_int_equal(cm_date_interval("2020-11-20", "", &b_from, &b_to), 0);
  cm_day handover = cm_date_from_ymd(2020, 11, 20);
  for (cm_day d = handover - 3; d <= handover + 3; d++)
    assert_int_equal(cm_date_in(d, a_from, a_to) + cm_date_in(d, b_from, b_to), 1);
  assert_true(cm_date_in(handover - 1, a_from, a_to));
  assert_true(cm_date_in(handover, b_from, b_to));
}

static void test_interval_outputs_untouched_on_error(void **state) {
  cm_day from = 7, to = 8;
  assert_int_equal(cm_date_interval("2021", "2020", &from, &to), CM_EUSAGE);
  assert_int_equal(from, 7);
  assert_int_equal(to, 8);
}

/* ---- calendar arithmetic ------------------------------------------------------ */

static void test_known_day_numbers(void **state) {
  assert_int_equal(cm_date_from_ymd(1970, 1, 1), 0);
  assert_int_equal(cm_date_from_ymd(1969, 12, 31), -1);
  assert_int_equal(cm_date_from_ymd(2000, 3, 1), 11017);
  assert_int_equal(cm_date_from_ymd(2020, 11, 10), 18576);
  assert_int_equal(cm_date_from_ymd(1923, 7, 7), -16980);
  assert_int_equal(cm_date_from_ymd(1600, 2, 29), -135081);
  assert_int_equal(cm_date_from_ymd(1, 1, 1), -719162);
  assert_int_equal(cm_date_from_ymd(9999, 12, 31), 2932896);
}

static void test_leap_years(void **state) {
  int leap_years = 0;
  for (int y = 1; y <= 9999; y++) {
    int days = cm_date_from_ymd(y + 1, 1, 1) - cm_date_from_ymd(y, 1, 1);
    assert_true(days == 365 || days == 366);
    assert_int_equal(cm_date_valid(y, 2, 29), days == 366);
    leap_years += days == 366;
  }
  assert_int_equal(leap_years, 2424);
  assert_true(cm_date_valid(2000, 2, 29));
  assert_false(cm_date_valid(1900, 2, 29));
  assert_false(cm_date_valid(0, 1, 1));
  assert_false(cm_date_valid(10000, 1, 1));
  assert_false(cm_date_valid(2020, 0, 1));
  assert_false(cm_date_valid(2020, 4, 31));
}

/* Every day of years 1..9999 maps to the calendar date after the previous
 * one and back to itself. */
static void test_round_trip_every_day(void **state) {
  int py = 0, pm = 12, pd = 31;
  for (cm_day d = cm_date_from_ymd(1, 1, 1); d <= cm_date_from_ymd(9999, 12, 31);
       d++) {
    int y, m, day;
    cm_date_to_ymd(d, &y, &m, &day);
    assert_true(cm_date_valid(y, m, day));
    assert_int_equal(cm_date_from_ymd(y, m, day), d);
    int next_day = day == pd + 1 && m == pm && y == py;
    int next_month = day == 1 && m == pm + 1 && y == py;
    int next_year = day == 1 && m == 1 && pm == 12 && pd == 31 && y == py + 1;
    if (!(next_day || next_month || next_year))
      fail_msg("day %d is %d-%d-%d after %d-%d-%d", d, y, m, day, py, pm, pd);
    py = y, pm = m, pd = day;
  }
}

/* Far outside the years a date can be written in, the arithmetic still
 * agrees with itself (days come from untrusted files). */
static void test_round_trip_extremes(void **state) {
  const cm_day days[] = {CM_DAY_MIN, CM_DAY_MIN + 1, -1000000000, -719163,
                         2932897,    1000000000,     CM_DAY_MAX - 1, CM_DAY_MAX};
  for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
    int y, m, d;
    cm_date_to_ymd(days[i], &y, &m, &d);
    assert_in_range(m, 1, 12);
    assert_in_range(d, 1, 31);
    assert_int_equal(cm_date_from_ymd(y, m, d), days[i]);
  }
}

static void test_iso(void **state) {
  char buf[11];
  cm_date_iso(cm_date_from_ymd(2020, 11, 10), buf);
  assert_string_equal(buf, "2020-11-10");
  cm_date_iso(cm_date_from_ymd(1, 1, 1), buf);
  assert_string_equal(buf, "0001-01-01");
  cm_date_iso(cm_date_from_ymd(9999, 12, 31), buf);
  assert_string_equal(buf, "9999-12-31");
  cm_date_iso(CM_DAY_MAX, buf);
  assert_string_equal(buf, "----------");
  cm_date_iso(CM_DAY_MIN, buf);
  assert_string_equal(buf, "----------");
}

/* ---- formatting ------------------------------------------------------------------ */

static cm_digits expected_digits(const char *s) {
  if (strcmp(s, "western") == 0)
    return CM_DIGITS_WESTERN;
  if (strcmp(s, "arabic") == 0)
    return CM_DIGITS_ARABIC_INDIC;
  return CM_DIGITS_DEFAULT;
}

static void check_format_row(const table *row) {
  char buf[256];
  assert_int_equal(row->nfields, 5);
  const char *want = row->field[4];
  size_t n = cm_date_format(buf, sizeof buf, expected_day(row->field[3]),
                            nullable(row->field[2]), nullable(row->field[0]),
                            expected_digits(row->field[1]));
  if (strcmp(buf, want) != 0 || n != strlen(want))
    fail_msg("date_formats.txt:%d: got '%s' (%zu bytes), want '%s'",
             row->number, buf, n, want);
}

static void test_format_table(void **state) {
  assert_true(table_each_row("date_formats.txt", TABLE_QUOTES, check_format_row) >= 60);
}

static int valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    int extra = *p < 0x80 ? 0 : *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC0 ? 1 : -1;
    if (extra < 0)
      return 0;
    for (int i = 1; i <= extra; i++)
      if ((p[i] & 0xC0) != 0x80)
        return 0;
    p += extra + 1;
  }
  return 1;
}

/* Every buffer size gives a NUL-terminated prefix that splits no character,
 * and the full length is reported whatever the size. */
static void check_truncation(cm_day d, const char *lang) {
  char full[256], small[256];
  size_t need = cm_date_format(full, sizeof full, d, NULL, lang, 0);
  assert_int_equal(need, strlen(full));
  assert_int_equal(cm_date_format(NULL, 0, d, NULL, lang, 0), need);
  for (size_t size = 1; size <= need + 1; size++) {
    memset(small, 'Z', sizeof small);
    assert_int_equal(cm_date_format(small, size, d, NULL, lang, 0), need);
    size_t got = strlen(small);
    assert_true(got < size);
    assert_true(size > need ? got == need : got + 4 > size - 1);
    assert_memory_equal(small, full, got);
    assert_true(valid_utf8(small));
    assert_int_equal(small[size], 'Z');
  }
}

static void test_format_truncation(void **state) {
  cm_day d = cm_date_from_ymd(2020, 11, 10);
  const char *langs[] = {"en", "ar", "hy", "az", "ru"};
  for (size_t i = 0; i < 5; i++)
    check_truncation(d, langs[i]);
  char buf[4];
  cm_date_format(buf, sizeof buf, d, NULL, "ar", 0);
  assert_string_equal(buf, "١"); /* the second digit's two bytes do not fit */
}

static void test_digits_localize(void **state) {
  char buf[128];
  const char *src = "Map 1: 2020-11-10, ١٩٩٤ kept";
  assert_int_equal(cm_digits_localize(buf, sizeof buf, src, "ar", 0),
                   strlen("Map ١: ٢٠٢٠-١١-١٠, ١٩٩٤ kept"));
  assert_string_equal(buf, "Map ١: ٢٠٢٠-١١-١٠, ١٩٩٤ kept");
  cm_digits_localize(buf, sizeof buf, src, "en", CM_DIGITS_DEFAULT);
  assert_string_equal(buf, src);
  cm_digits_localize(buf, sizeof buf, src, "ar", CM_DIGITS_WESTERN);
  assert_string_equal(buf, src);
  cm_digits_localize(buf, sizeof buf, "0123456789", "ru", CM_DIGITS_ARABIC_INDIC);
  assert_string_equal(buf, "٠١٢٣٤٥٦٧٨٩");
  cm_digits_localize(buf, sizeof buf, "Շուշի 1992 Шуша", "hy", CM_DIGITS_ARABIC_INDIC);
  assert_string_equal(buf, "Շուշի ١٩٩٢ Шуша");
  assert_int_equal(cm_digits_localize(buf, 3, "12", "ar", 0), 4);
  assert_string_equal(buf, "١");
  assert_int_equal(cm_digits_localize(NULL, 0, "12", "ar", 0), 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_table),
      cmocka_unit_test(test_parse_outputs_optional),
      cmocka_unit_test(test_interval_table),
      cmocka_unit_test(test_in_is_half_open),
      cmocka_unit_test(test_adjacent_intervals_do_not_overlap),
      cmocka_unit_test(test_interval_outputs_untouched_on_error),
      cmocka_unit_test(test_known_day_numbers),
      cmocka_unit_test(test_leap_years),
      cmocka_unit_test(test_round_trip_every_day),
      cmocka_unit_test(test_round_trip_extremes),
      cmocka_unit_test(test_iso),
      cmocka_unit_test(test_format_table),
      cmocka_unit_test(test_format_truncation),
      cmocka_unit_test(test_digits_localize),
  };
  return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
