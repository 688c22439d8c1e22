#ifndef CONTROLMAP_ENCODING_H
#define CONTROLMAP_ENCODING_H

/* Attribute encodings of DBF files: names from .cpg files and language
 * driver bytes, UTF-8 checking, and conversion to UTF-8 with iconv.
 * Internal to the library. */

#include <stddef.h>

/* The iconv name ("UTF-8", "CP1251", "ISO-8859-5"...) for what a .cpg file
 * says ("utf8", "1251", "ANSI 1251", "8859-5"...), written to out. Returns 0,
 * or -1 when the name is not one we know. */
int cm_encoding_from_cpg(const char *cpg, char *out, size_t size);

/* The iconv name for a DBF language driver byte, or NULL when the byte is 0
 * or unknown (the caller then guesses from the bytes). Static storage. */
const char *cm_encoding_from_ldid(int ldid);

/* 1 when the n bytes at s are well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
int cm_utf8_valid(const char *s, size_t n);

/* 1 when the encoding name means UTF-8. */
int cm_encoding_is_utf8(const char *name);

/* A converter from one encoding to UTF-8. */
typedef struct cm_recoder cm_recoder;

/* Open a converter from encoding to UTF-8; NULL when iconv does not know it
 * or memory ran out. Free with cm_recoder_free. */
cm_recoder *cm_recoder_open(const char *encoding);

void cm_recoder_free(cm_recoder *r);

/* Convert the n bytes at in to UTF-8 in a new NUL-terminated string, which
 * the caller frees. Returns NULL when the bytes are not valid in the source
 * encoding or memory ran out (*bad is then 1 or 0). */
char *cm_recoder_convert(cm_recoder *r, const char *in, size_t n, int *bad);

#endif
