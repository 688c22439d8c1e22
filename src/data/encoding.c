#include "data_internal.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- names from .cpg files ------------------------------------------------ */

/* Upper case without blanks, '-' or '_', so "ANSI 1251", "windows-1251" and
 * "Win_1251" all look alike. A UTF-8 byte order mark is skipped. */
static int squash(const char *in, char *out, size_t size) {
  size_t n = 0;
  if (strncmp(in, "\xEF\xBB\xBF", 3) == 0)
    in += 3;
  for (; *in; in++) {
    unsigned char c = (unsigned char)*in;
    if (isspace(c) || c == '-' || c == '_')
      continue;
    if (n + 1 >= size)
      return -1;
    out[n++] = (char)toupper(c);
  }
  out[n] = '\0';
  return 0;
}

static int all_digits(const char *s) {
  if (!*s)
    return 0;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s))
      return 0;
  return 1;
}

/* Windows and DOS code pages that iconv knows as CPnnn. */
static int known_code_page(long n) {
  static const int pages[] = {437,  737,  775,  850,  852,  855,  857,  858,
                              860,  861,  862,  863,  864,  865,  866,  869,
                              874,  932,  936,  949,  950,  1250, 1251, 1252,
                              1253, 1254, 1255, 1256, 1257, 1258};
  for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
    if (pages[i] == n)
      return 1;
  return 0;
}

/* "ISO8859N", "8859N", or the Windows numbers 2859N / 28603 / 28605. */
static int iso_8859_part(const char *s) {
  if (strncmp(s, "ISO", 3) == 0)
    s += 3;
  if (strncmp(s, "8859", 4) == 0 && all_digits(s + 4)) {
    long part = strtol(s + 4, NULL, 10);
    return part >= 1 && part <= 16 && part != 12 ? (int)part : 0;
  }
  if (strcmp(s, "28603") == 0)
    return 13;
  if (strcmp(s, "28605") == 0)
    return 15;
  if (strncmp(s, "2859", 4) == 0 && s[4] >= '1' && s[4] <= '9' && !s[5])
    return s[4] - '0';
  return 0;
}

/* A code page number after an optional prefix such as "ANSI" or "CP". */
static long code_page_number(const char *s) {
  static const char *prefixes[] = {"WINDOWS", "WIN", "ANSI",  "CP",
                                   "IBM",     "OEM", "MSDOS", "DOS"};
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
    size_t len = strlen(prefixes[i]);
    if (strncmp(s, prefixes[i], len) == 0) {
      s += len;
      break;
    }
  }
  if (!all_digits(s) || strlen(s) > 5)
    return 0;
  long n = strtol(s, NULL, 10);
  return known_code_page(n) ? n : 0;
}

static const char *named_encoding(const char *s) {
  static const struct {
    const char *squashed, *name;
  } names[] = {
      {"UTF8", "UTF-8"},    {"65001", "UTF-8"},        {"ASCII", "ASCII"},
      {"USASCII", "ASCII"}, {"20127", "ASCII"},        {"LATIN1", "ISO-8859-1"},
      {"KOI8R", "KOI8-R"},  {"20866", "KOI8-R"},       {"KOI8U", "KOI8-U"},
      {"21866", "KOI8-U"},  {"BIG5", "BIG5"},          {"GBK", "GBK"},
      {"GB2312", "GBK"},    {"SHIFTJIS", "SHIFT_JIS"}, {"SJIS", "SHIFT_JIS"},
      {"EUCKR", "EUC-KR"},  {"EUCJP", "EUC-JP"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(s, names[i].squashed) == 0)
      return names[i].name;
  return NULL;
}

int cm__encoding_from_cpg(const char *cpg, char *out, size_t size) {
  char s[64];
  if (squash(cpg, s, sizeof s) < 0 || !s[0])
    return -1;
  const char *name = named_encoding(s);
  int part = iso_8859_part(s);
  long page = code_page_number(s);
  int n;
  if (name)
    n = snprintf(out, size, "%s", name);
  else if (part)
    n = snprintf(out, size, "ISO-8859-%d", part);
  else if (page)
    n = snprintf(out, size, "CP%ld", page);
  else
    return -1;
  return n > 0 && (size_t)n < size ? 0 : -1;
}

/* --- language driver bytes ------------------------------------------------ */

const char *cm__encoding_from_ldid(int ldid) {
  /* The usual table of dBase/ArcGIS language driver ids. 0x57 means "the
   * Windows ANSI page", which for shapefiles in the wild is CP1252. */
  static const struct {
    int ldid;
    const char *name;
  } drivers[] = {
      {0x01, "CP437"},  {0x02, "CP850"},  {0x03, "CP1252"}, {0x08, "CP865"},
      {0x09, "CP437"},  {0x0A, "CP850"},  {0x0B, "CP437"},  {0x0D, "CP437"},
      {0x0E, "CP850"},  {0x0F, "CP437"},  {0x10, "CP850"},  {0x11, "CP437"},
      {0x12, "CP850"},  {0x13, "CP932"},  {0x14, "CP850"},  {0x15, "CP437"},
      {0x16, "CP850"},  {0x17, "CP865"},  {0x18, "CP437"},  {0x19, "CP437"},
      {0x1A, "CP850"},  {0x1B, "CP437"},  {0x1C, "CP863"},  {0x1D, "CP850"},
      {0x1F, "CP852"},  {0x22, "CP852"},  {0x23, "CP852"},  {0x24, "CP860"},
      {0x25, "CP850"},  {0x26, "CP866"},  {0x37, "CP850"},  {0x40, "CP852"},
      {0x4D, "CP936"},  {0x4E, "CP949"},  {0x4F, "CP950"},  {0x50, "CP874"},
      {0x57, "CP1252"}, {0x58, "CP1252"}, {0x59, "CP1252"}, {0x64, "CP852"},
      {0x65, "CP866"},  {0x66, "CP865"},  {0x67, "CP861"},  {0x6A, "CP737"},
      {0x6B, "CP857"},  {0x78, "CP950"},  {0x79, "CP949"},  {0x7A, "CP936"},
      {0x7B, "CP932"},  {0x7C, "CP874"},  {0x86, "CP737"},  {0x87, "CP852"},
      {0x88, "CP857"},  {0xC8, "CP1250"}, {0xC9, "CP1251"}, {0xCA, "CP1254"},
      {0xCB, "CP1253"}, {0xCC, "CP1257"}};
  for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
    if (drivers[i].ldid == ldid)
      return drivers[i].name;
  return NULL;
}

int cm__encoding_is_utf8(const char *name) { return strcmp(name, "UTF-8") == 0; }

/* --- UTF-8 ---------------------------------------------------------------- */

/* Length of the well-formed sequence at s (at most n bytes), 0 if none. */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80)
    return 1;
  size_t len;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF)
    len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0)
      lo = 0xA0; /* overlong */
    if (c == 0xED)
      hi = 0x9F; /* surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0)
      lo = 0x90; /* overlong */
    if (c == 0xF4)
      hi = 0x8F; /* above U+10FFFF */
  } else
    return 0;
  if (len > n || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  return len;
}

int cm__utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  while (n) {
    size_t len = utf8_sequence(p, n);
    if (!len)
      return 0;
    p += len;
    n -= len;
  }
  return 1;
}

/* --- conversion ----------------------------------------------------------- */

struct cm_recoder {
  int utf8; /* no iconv needed: check and copy */
  iconv_t cd;
};

cm_recoder *cm__recoder_open(const char *encoding) {
  cm_recoder *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->utf8 = cm__encoding_is_utf8(encoding);
  if (r->utf8)
    return r;
  r->cd = iconv_open("UTF-8", encoding);
  if (r->cd == (iconv_t)-1) {
    free(r);
    return NULL;
  }
  return r;
}

void cm__recoder_free(cm_recoder *r) {
  if (!r)
    return;
  if (!r->utf8)
    iconv_close(r->cd);
  free(r);
}

static char *copy_utf8(const char *in, size_t n, int *bad) {
  if (!cm__utf8_valid(in, n)) {
    *bad = 1;
    return NULL;
  }
  char *out = malloc(n + 1);
  if (out) {
    memcpy(out, in, n);
    out[n] = '\0';
  }
  return out;
}

/* One iconv pass into a buffer of cap bytes; 1 when the buffer was too
 * small, 0 on success, -1 on bad input. */
static int iconv_into(iconv_t cd, const char *in, size_t n, char *out,
                      size_t cap) {
  char *src = (char *)in, *dst = out;
  size_t left = n, room = cap - 1;
  iconv(cd, NULL, NULL, NULL, NULL);
  if (iconv(cd, &src, &left, &dst, &room) == (size_t)-1)
    return errno == E2BIG ? 1 : -1;
  if (iconv(cd, NULL, NULL, &dst, &room) == (size_t)-1)
    return errno == E2BIG ? 1 : -1;
  *dst = '\0';
  return 0;
}

char *cm__recoder_convert(cm_recoder *r, const char *in, size_t n, int *bad) {
  *bad = 0;
  if (r->utf8)
    return copy_utf8(in, n, bad);
  /* Four output bytes per input byte cover every single- and double-byte
   * code page; the loop is only a safety net. */
  for (size_t cap = 4 * n + 8; cap < 64 * n + 64; cap *= 2) {
    char *out = malloc(cap);
    if (!out)
      return NULL;
    int rc = iconv_into(r->cd, in, n, out, cap);
    if (rc == 0)
      return out;
    free(out);
    if (rc < 0) {
      *bad = 1;
      return NULL;
    }
  }
  *bad = 1;
  return NULL;
}
