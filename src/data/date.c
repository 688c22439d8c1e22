#include "controlmap/date.h"
#include "controlmap/error.h"

#include <stdio.h>
#include <string.h>

/* ---- calendar arithmetic ------------------------------------------------ */

/* Both directions count in 400-year eras starting on 1 March, so that the
 * leap day is the last day of a counting year and every era has exactly
 * 146097 days. 64-bit intermediates keep CM_DAY_MIN/MAX from overflowing. */

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

cm_day cm_date_from_ymd(int year, int month, int day) {
  int64_t y = (int64_t)year - (month <= 2);
  int64_t era = floor_div(y, 400);
  int64_t year_of_era = y - era * 400;
  int64_t month_from_march = (month + 9) % 12;
  int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 +
                       day_of_year;
  /* 719468 days separate 0000-03-01 from 1970-01-01 */
  return (cm_day)(era * 146097 + day_of_era - 719468);
}

void cm_date_to_ymd(cm_day d, int *year, int *month, int *day) {
  int64_t z = (int64_t)d + 719468;
  int64_t era = floor_div(z, 146097);
  int64_t day_of_era = z - era * 146097;
  int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
                         day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 -
                                      year_of_era / 100);
  int64_t month_from_march = (5 * day_of_year + 2) / 153;
  int m = (int)(month_from_march < 10 ? month_from_march + 3
                                      : month_from_march - 9);
  if (year)
    *year = (int)(year_of_era + era * 400 + (m <= 2));
  if (month)
    *month = m;
  if (day)
    *day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
}

static int is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month) {
  static const unsigned char days[12] = {31, 28, 31, 30, 31, 30,
                                         31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

int cm_date_valid(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

/* ---- parsing -------------------------------------------------------------- */

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Reads exactly n ASCII digits; -1 when any is not a digit. */
static int read_digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Splits the trimmed text s[0..len) into its fields by its exact shape. */
static int read_fields(const char *s, size_t len, int *y, int *m, int *d,
                       cm_date_precision *precision) {
  *m = *d = 1;
  if (len == 4) {
    *precision = CM_DATE_YEAR;
    *y = read_digits(s, 4);
    return *y < 0 ? CM_EUSAGE : 0;
  }
  if (len == 7 && s[4] == '-') {
    *precision = CM_DATE_MONTH;
    *y = read_digits(s, 4);
    *m = read_digits(s + 5, 2);
  } else if (len == 10 && s[4] == '-' && s[7] == '-') {
    *precision = CM_DATE_DAY;
    *y = read_digits(s, 4);
    *m = read_digits(s + 5, 2);
    *d = read_digits(s + 8, 2);
  } else if (len == 8) {
    *precision = CM_DATE_DAY;
    *y = read_digits(s, 4);
    *m = read_digits(s + 4, 2);
    *d = read_digits(s + 6, 2);
  } else {
    return CM_EUSAGE;
  }
  return (*y < 0 || *m < 0 || *d < 0) ? CM_EUSAGE : 0;
}

/* The day after the last day a coarse date covers. */
static cm_day day_after(int y, int m, int d, cm_date_precision precision) {
  if (precision == CM_DATE_YEAR)
    return cm_date_from_ymd(y + 1, 1, 1);
  if (precision == CM_DATE_MONTH)
    return m == 12 ? cm_date_from_ymd(y + 1, 1, 1) : cm_date_from_ymd(y, m + 1, 1);
  return cm_date_from_ymd(y, m, d) + 1;
}

int cm_date_parse(const char *s, cm_day *first, cm_day *after,
                  cm_date_precision *precision) {
  if (!s)
    return CM_EUSAGE;
  while (is_blank(*s))
    s++;
  size_t len = strlen(s);
  while (len > 0 && is_blank(s[len - 1]))
    len--;
  int y, m, d;
  cm_date_precision p;
  if (read_fields(s, len, &y, &m, &d, &p) < 0 || !cm_date_valid(y, m, d))
    return CM_EUSAGE;
  if (first)
    *first = cm_date_from_ymd(y, m, d);
  if (after)
    *after = day_after(y, m, d, p);
  if (precision)
    *precision = p;
  return 0;
}

/* DBF fields come padded with blanks, so a blank field means "no date". */
static int is_empty_text(const char *s) {
  if (!s)
    return 1;
  while (is_blank(*s))
    s++;
  return *s == '\0';
}

/* An end day is the first day off the map (start <= D < end), so that one
 * holder's end and the next holder's start can be the same day without the
 * two overlapping; a coarse end keeps its whole month or year. */
static int end_day(const char *end, cm_day *to) {
  cm_day first, after;
  cm_date_precision precision;
  if (cm_date_parse(end, &first, &after, &precision) < 0)
    return CM_EUSAGE;
  *to = precision == CM_DATE_DAY ? first : after;
  return 0;
}

int cm_date_interval(const char *start, const char *end, cm_day *from,
                     cm_day *to) {
  cm_day f = CM_DAY_MIN, t = CM_DAY_MAX;
  if (!is_empty_text(start) && cm_date_parse(start, &f, NULL, NULL) < 0)
    return CM_EUSAGE;
  if (!is_empty_text(end) && end_day(end, &t) < 0)
    return CM_EUSAGE;
  /* An end on or before the start leaves the feature off every map, which
   * is always a slip in the data, never an intent. */
  if (t <= f)
    return CM_EUSAGE;
  if (from)
    *from = f;
  if (to)
    *to = t;
  return 0;
}

cm_day cm_date_shift(cm_day d, int count, char unit) {
  if (d == CM_DAY_MIN || d == CM_DAY_MAX)
    return d;
  if (unit == 'd')
    return d + count;
  int y, m, day;
  cm_date_to_ymd(d, &y, &m, &day);
  int months = y * 12 + (m - 1) + (unit == 'y' ? 12 * count : count);
  y = (int)floor_div(months, 12);
  m = months - 12 * y + 1;
  if (y < 1 || y > 9999)
    return count < 0 ? CM_DAY_MIN : CM_DAY_MAX;
  int last = days_in_month(y, m);
  return cm_date_from_ymd(y, m, day < last ? day : last);
}

cm_day cm_date_window_end(cm_day last, int count, char unit) {
  if (last == CM_DAY_MIN || last == CM_DAY_MAX)
    return last;
  /* D - window is monotonic in D, so start where a plain shift lands and
   * step to the first day whose window no longer reaches `last` (the
   * clamping of month ends makes it differ by a few days at most). */
  cm_day d = cm_date_shift(last, count, unit);
  if (d == CM_DAY_MAX)
    return d;
  while (cm_date_shift(d, -count, unit) > last)
    d--;
  while (cm_date_shift(d + 1, -count, unit) <= last)
    d++;
  return d + 1;
}

int cm_date_in(cm_day d, cm_day from, cm_day to) {
  return from <= d && d < to;
}

void cm_date_iso(cm_day d, char *buf) {
  int y, m, day;
  cm_date_to_ymd(d, &y, &m, &day);
  /* Only years 1..9999 fit the promised 11 bytes; CM_DAY_MIN/MAX and other
   * days beyond them are not dates one can write in this form. */
  if (y < 1 || y > 9999) {
    memcpy(buf, "----------", 11);
    return;
  }
  snprintf(buf, 11, "%04d-%02d-%02d", y, m, day);
}

/* ---- output with truncation ------------------------------------------------ */

/* Collects output like snprintf: counts everything, stores what fits, and
 * remembers whether the cut fell inside a UTF-8 character. */
typedef struct {
  char *buf;
  size_t size, len;
  int cut_inside_char;
} writer;

static void put_bytes(writer *w, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++, w->len++) {
    if (w->size > 0 && w->len < w->size - 1)
      w->buf[w->len] = s[i];
    else if (w->size > 0 && w->len == w->size - 1)
      w->cut_inside_char = ((unsigned char)s[i] & 0xC0) == 0x80;
  }
}

static void put_str(writer *w, const char *s) { put_bytes(w, s, strlen(s)); }

/* Terminates the stored text, dropping a character the cut split in two. */
static size_t finish(writer *w) {
  if (w->size == 0)
    return w->len;
  size_t end = w->len < w->size ? w->len : w->size - 1;
  if (w->len >= w->size && w->cut_inside_char) {
    while (end > 0 && ((unsigned char)w->buf[end - 1] & 0xC0) == 0x80)
      end--;
    if (end > 0 && (unsigned char)w->buf[end - 1] >= 0xC0)
      end--; /* the lead byte of the split character */
  }
  w->buf[end] = '\0';
  return w->len;
}

/* ---- languages -------------------------------------------------------------- */

typedef struct {
  const char *code;
  const char *long_format;
  int arabic_digits; /* the language's usual digits are Arabic-Indic */
  const char *genitive[12]; /* after a day: "10 ноября" */
  const char *nominative[12]; /* standing alone: "ноябрь 2020" */
} language;

static const language languages[] = {
    {"en", "%e %B %Y", 0,
     {"January", "February", "March", "April", "May", "June", "July", "August",
      "September", "October", "November", "December"},
     {"January", "February", "March", "April", "May", "June", "July", "August",
      "September", "October", "November", "December"}},
    {"ar", "%e %B %Y", 1,
     {"كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز",
      "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"},
     {"كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز",
      "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"}},
    {"hy", "%e %B %Y թ.", 0,
     {"հունվարի", "փետրվարի", "մարտի", "ապրիլի", "մայիսի", "հունիսի",
      "հուլիսի", "օգոստոսի", "սեպտեմբերի", "հոկտեմբերի", "նոյեմբերի",
      "դեկտեմբերի"},
     {"հունվար", "փետրվար", "մարտ", "ապրիլ", "մայիս", "հունիս", "հուլիս",
      "օգոստոս", "սեպտեմբեր", "հոկտեմբեր", "նոյեմբեր", "դեկտեմբեր"}},
    {"az", "%e %B %Y", 0,
     {"yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust",
      "sentyabr", "oktyabr", "noyabr", "dekabr"},
     {"yanvar", "fevral", "mart", "aprel", "may", "iyun", "iyul", "avqust",
      "sentyabr", "oktyabr", "noyabr", "dekabr"}},
    {"ru", "%e %B %Y г.", 0,
     {"января", "февраля", "марта", "апреля", "мая", "июня", "июля",
      "августа", "сентября", "октября", "ноября", "декабря"},
     {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
      "сентябрь", "октябрь", "ноябрь", "декабрь"}},
};

static const char *const english_short[12] = {"Jan", "Feb", "Mar", "Apr",
                                              "May", "Jun", "Jul", "Aug",
                                              "Sep", "Oct", "Nov", "Dec"};

static const language *find_language(const char *code) {
  size_t n = sizeof languages / sizeof languages[0];
  for (size_t i = 0; code && i < n; i++)
    if (strcmp(languages[i].code, code) == 0)
      return &languages[i];
  return &languages[0];
}

static int wants_arabic_digits(const language *lang, cm_digits digits) {
  if (digits == CM_DIGITS_ARABIC_INDIC)
    return 1;
  if (digits == CM_DIGITS_WESTERN)
    return 0;
  return lang->arabic_digits;
}

/* Writes text, turning ASCII digits into U+0660..U+0669 when asked. */
static void put_shaped(writer *w, const char *s, int arabic) {
  for (; *s; s++) {
    if (arabic && *s >= '0' && *s <= '9') {
      char indic[2] = {(char)0xD9, (char)(0xA0 + (*s - '0'))};
      put_bytes(w, indic, 2);
    } else {
      put_bytes(w, s, 1);
    }
  }
}

static void put_number(writer *w, int v, const char *printf_format, int arabic) {
  char num[16];
  snprintf(num, sizeof num, printf_format, v);
  put_shaped(w, num, arabic);
}

/* Languages such as Russian and Armenian decline the month after a day
 * ("10 ноября") but not alone ("ноябрь 2020"). */
static int format_has_day(const char *fmt) {
  for (const char *p = fmt; *p; p++) {
    if (*p != '%')
      continue;
    if (p[1] == 'd' || p[1] == 'e')
      return 1;
    if (p[1] == '\0')
      break;
    p++;
  }
  return 0;
}

typedef struct {
  int year, month, day;
  const language *lang;
  int arabic, genitive;
} date_parts;

/* Writes one %-conversion; unknown ones are copied as they stand. */
static void put_conversion(writer *w, char c, const date_parts *dp) {
  const char *const *names =
      dp->genitive ? dp->lang->genitive : dp->lang->nominative;
  switch (c) {
  case 'd': put_number(w, dp->day, "%02d", dp->arabic); break;
  case 'e': put_number(w, dp->day, "%d", dp->arabic); break;
  case 'm': put_number(w, dp->month, "%02d", dp->arabic); break;
  case 'Y': put_number(w, dp->year, "%d", dp->arabic); break;
  case 'B': put_str(w, names[dp->month - 1]); break;
  case 'b':
    put_str(w, dp->lang == &languages[0] ? english_short[dp->month - 1]
                                         : names[dp->month - 1]);
    break;
  case '%': put_bytes(w, "%", 1); break;
  default: {
    char unknown[2] = {'%', c};
    put_bytes(w, unknown, 2);
  }
  }
}

size_t cm_date_format(char *buf, size_t size, cm_day d, const char *fmt,
                      const char *lang, cm_digits digits) {
  writer w = {buf, size, 0, 0};
  date_parts dp;
  dp.lang = find_language(lang);
  if (!fmt)
    fmt = dp.lang->long_format;
  cm_date_to_ymd(d, &dp.year, &dp.month, &dp.day);
  dp.arabic = wants_arabic_digits(dp.lang, digits);
  dp.genitive = format_has_day(fmt);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%' || p[1] == '\0') {
      put_bytes(&w, p, 1);
      continue;
    }
    put_conversion(&w, *++p, &dp);
  }
  return finish(&w);
}

size_t cm_digits_localize(char *buf, size_t size, const char *src,
                          const char *lang, cm_digits digits) {
  writer w = {buf, size, 0, 0};
  put_shaped(&w, src ? src : "",
             wants_arabic_digits(find_language(lang), digits));
  return finish(&w);
}

/* ---- explaining a wrong date ----------------------------------------------- */

int cm_date_explain(const char *s, char *buf, size_t size) {
  if (size)
    buf[0] = '\0';
  if (cm_date_parse(s, NULL, NULL, NULL) == 0)
    return 0;
  while (s && is_blank(*s))
    s++;
  size_t len = s ? strlen(s) : 0;
  while (len > 0 && is_blank(s[len - 1]))
    len--;
  int y, m, d;
  cm_date_precision p;
  if (!s || read_fields(s, len, &y, &m, &d, &p) < 0)
    snprintf(buf, size, "write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2020-11-10)");
  else if (y < 1)
    snprintf(buf, size, "years start at 0001");
  else if (m < 1 || m > 12)
    snprintf(buf, size, "there is no month %d: months are 01 to 12", m);
  else if (d < 1)
    snprintf(buf, size, "days start at 01");
  else
    snprintf(buf, size, "%s %d has %d days", languages[0].nominative[m - 1], y,
             days_in_month(y, m));
  return -1;
}
