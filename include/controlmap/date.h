#ifndef CONTROLMAP_DATE_H
#define CONTROLMAP_DATE_H

/* Dates: ISO 8601 calendar dates, coarse dates (YYYY-MM, YYYY), half-open
 * validity intervals, and dates written out for a language. */

#include "controlmap/common.h"
#include "controlmap/error.h"

#include <stddef.h>
#include <stdint.h>

CM_BEGIN_DECLS

/* A day: days since 1970-01-01 in the proleptic Gregorian calendar. */
typedef int32_t cm_day;

#define CM_DAY_MIN INT32_MIN /* "since always" */
#define CM_DAY_MAX INT32_MAX /* "still so" */

typedef enum {
  CM_DATE_YEAR = 1,  /* "2020" */
  CM_DATE_MONTH = 2, /* "2020-11" */
  CM_DATE_DAY = 3    /* "2020-11-10" or DBF "20201110" */
} cm_date_precision;

/* Day number of a valid calendar date; no checking (use cm_date_valid). */
CM_EXTERN cm_day cm_date_from_ymd(int year, int month, int day);

/* Calendar date of a day number. */
CM_EXTERN void cm_date_to_ymd(cm_day d, int *year, int *month, int *day);

/* 1 when year-month-day is a real calendar date (years 1..9999). */
CM_EXTERN int cm_date_valid(int year, int month, int day);

/* Parse "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYYMMDD" (surrounding blanks
 * allowed). *first is the first day covered, *after the day after the last
 * day covered ("2020" -> 2020-01-01 .. 2021-01-01). Either may be NULL.
 * Returns 0, or CM_EUSAGE when s is not such a date. */
CM_EXTERN int cm_date_parse(const char *s, cm_day *first, cm_day *after,
                            cm_date_precision *precision);

/* Why s is not a date, in words a user can act on, into buf (UTF-8,
 * truncated to size): "February 2016 has 29 days", "there is no month
 * 13", "write YYYY, YYYY-MM or YYYY-MM-DD". Returns 0 when s is a date
 * (buf then holds ""), -1 otherwise. */
CM_EXTERN int cm_date_explain(const char *s, char *buf, size_t size);

/* The half-open interval [*from, *to) a feature is valid for, from its start
 * and end field texts: empty or NULL start is CM_DAY_MIN, empty or NULL end
 * is CM_DAY_MAX, a coarse start means its first day, a coarse end the day
 * after its last day. Returns 0 or CM_EUSAGE naming neither field (the
 * caller knows which feature it is). */
CM_EXTERN int cm_date_interval(const char *start, const char *end, cm_day *from,
                               cm_day *to);

/* d moved by count days ('d'), months ('m') or years ('y'); count may be
 * negative. Months and years keep the day of the month, or take the
 * month's last day when it has fewer (31 March - 1m = 28 or 29 February).
 * CM_DAY_MIN and CM_DAY_MAX stay as they are. */
CM_EXTERN cm_day cm_date_shift(cm_day d, int count, char unit);

/* The first day on which a feature dated up to `last` (its last day) has
 * left a window of count units reaching back from the map's date: the
 * smallest D with D - window > last. */
CM_EXTERN cm_day cm_date_window_end(cm_day last, int count, char unit);

/* 1 when day d is inside [from, to). */
CM_EXTERN int cm_date_in(cm_day d, cm_day from, cm_day to);

/* Write d as "YYYY-MM-DD" into buf (at least 11 bytes). */
CM_EXTERN void cm_date_iso(cm_day d, char *buf);

/* Digit shapes for formatted dates and numbers. */
typedef enum {
  CM_DIGITS_DEFAULT = 0, /* the language's usual digits (ar: Arabic-Indic) */
  CM_DIGITS_WESTERN = 1, /* 0-9 */
  CM_DIGITS_ARABIC_INDIC = 2 /* U+0660..U+0669 */
} cm_digits;

/* Format d for a language ("en", "ar", "hy", "az", "ru"; unknown -> "en").
 * fmt is strftime-like: %d day, %e day without padding, %m month number,
 * %B month name (genitive where the language needs it after a day),
 * %b short month, %Y year, %% percent. fmt NULL means the language's long
 * date ("10 November 2020", "١٠ تشرين الثاني ٢٠٢٠"). Output is UTF-8,
 * truncated to fit size; returns the length it needed. */
CM_EXTERN size_t cm_date_format(char *buf, size_t size, cm_day d, const char *fmt,
                                const char *lang, cm_digits digits);

/* Rewrite ASCII digits of a UTF-8 string in the given digit shapes for lang,
 * into buf. Returns the length it needed. */
CM_EXTERN size_t cm_digits_localize(char *buf, size_t size, const char *src,
                                    const char *lang, cm_digits digits);

/* A dates file: one date per line, optionally followed by a name (an
 * output file name), # comments and blank lines ignored. fn is called for
 * each date in file order with the name (NULL when there is none; valid
 * during the call only) and the line number; it returns CM_OK to go on or
 * an error code, after filling err, to stop. Errors name the file and
 * line; a file without any date is an error. Returns CM_OK, CM_EIO,
 * CM_EDATA, CM_EUSAGE or what fn returned. */
typedef int (*cm_dates_file_fn)(void *ctx, cm_day day, const char *name,
                                int line, cm_error *err);
CM_EXTERN int cm_dates_file_read(const char *path, cm_dates_file_fn fn, void *ctx,
                                 cm_error *err);

CM_END_DECLS

#endif
