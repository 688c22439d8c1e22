/* PNG files: the container (signature, IHDR, pHYs, tEXt/iTXt, IDAT, IEND
 * and their CRCs) is written here; deflate is libdeflate's, several times
 * faster than zlib at the same size.
 *
 * The image data is compressed in bands of rows, each a deflate stream of
 * its own that ends on a byte boundary (its final block made non-final and
 * followed by an empty stored block, as zlib's sync flush writes it); the
 * bands, an empty final block and the Adler-32 combined from the bands'
 * make the zlib stream. Bands are independent, so a single image has its
 * bands compressed on several threads; and a batch worker keeps its last
 * frame's bands, so a band whose rows are the same as in that frame keeps
 * its compressed bytes (checked row by row against the kept band
 * decompressed). The bytes depend only on the pixels, the level and the
 * metadata, not on threads or on the frame before. */

#include "render_internal.h"

#include <errno.h>
#include <libdeflate.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Rows a band holds: small enough that a change (a title, a legend line)
 * leaves most bands alone, large enough that deflate loses little at the
 * band edges (measured in docs/bench.md). */
#define BAND_ROWS 32

#define MAX_THREADS 4

/* 1 when every pixel is opaque, so the file can be RGB (a quarter smaller
 * and what most journals' checks expect). Eight running ANDs rather than a
 * test a pixel: this reads every pixel of every frame. */
static int opaque(const uint32_t *px, size_t n) {
  uint32_t acc[8] = {~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++)
      acc[k] &= px[i + k];
  for (; i < n; i++)
    acc[0] &= px[i];
  uint32_t all = acc[0] & acc[1] & acc[2] & acc[3] & acc[4] & acc[5] & acc[6] & acc[7];
  return all >> 24 == 0xff;
}

/* Opaque pixels to RGB bytes, four at a time as three words where the
 * byte order allows (0xAARRGGBB byte-swapped and shifted is R, G, B in
 * memory). */
static void rgb_row(const uint32_t *src, unsigned char *dst, int w) {
  int x = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  for (; x + 4 <= w; x += 4, dst += 12) {
    uint32_t c0 = __builtin_bswap32(src[x]) >> 8;
    uint32_t c1 = __builtin_bswap32(src[x + 1]) >> 8;
    uint32_t c2 = __builtin_bswap32(src[x + 2]) >> 8;
    uint32_t c3 = __builtin_bswap32(src[x + 3]) >> 8;
    uint32_t word[3] = {c0 | c1 << 24, c1 >> 8 | c2 << 16, c2 >> 16 | c3 << 8};
    memcpy(dst, word, 12);
  }
#endif
  for (; x < w; x++, dst += 3) {
    uint32_t p = src[x];
    dst[0] = (unsigned char)(p >> 16);
    dst[1] = (unsigned char)(p >> 8);
    dst[2] = (unsigned char)p;
  }
}

/* One cairo ARGB32 row (native-endian, premultiplied) to a PNG row: the
 * filter byte (none: flat map colours compress best unfiltered) and RGB or
 * RGBA bytes. */
static void png_row(const uint32_t *src, unsigned char *dst, int w, int alpha) {
  *dst++ = 0;
  if (!alpha) { /* every pixel opaque: nothing to divide */
    rgb_row(src, dst, w);
    return;
  }
  for (int x = 0; x < w; x++) {
    uint32_t p = src[x];
    unsigned a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
    if (a && a != 0xff) {
      r = (r * 255 + a / 2) / a;
      g = (g * 255 + a / 2) / a;
      b = (b * 255 + a / 2) / a;
    }
    *dst++ = (unsigned char)r;
    *dst++ = (unsigned char)g;
    *dst++ = (unsigned char)b;
    *dst++ = (unsigned char)a;
  }
}

static size_t row_bytes(int w, int alpha) {
  return 1 + (size_t)w * (alpha ? 4 : 3);
}

static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24);
  p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8);
  p[3] = (unsigned char)v;
}

/* --- chunks -------------------------------------------------------------- */

typedef struct out {
  FILE *f;
  int failed; /* errno of the first failed write, or -1 */
} out;

static void put(out *o, const void *data, size_t n) {
  if (!o->failed && n && fwrite(data, 1, n, o->f) != n)
    o->failed = errno ? errno : EIO;
}

/* A chunk: length, type, data, and the CRC of type and data. */
static void chunk(out *o, const char *type, const unsigned char *data, size_t n) {
  unsigned char head[8], tail[4];
  put32(head, (uint32_t)n);
  memcpy(head + 4, type, 4);
  uint32_t crc = libdeflate_crc32(0, type, 4);
  if (n) /* libdeflate_crc32 of NULL is the initial value, not crc */
    crc = libdeflate_crc32(crc, data, n);
  put32(tail, crc);
  put(o, head, 8);
  put(o, data, n);
  put(o, tail, 4);
}

static void header(out *o, int w, int h, int alpha, double dpi) {
  static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  put(o, signature, 8);
  unsigned char ihdr[13];
  put32(ihdr, (uint32_t)w);
  put32(ihdr + 4, (uint32_t)h);
  ihdr[8] = 8;                /* bits per channel */
  ihdr[9] = alpha ? 6 : 2;    /* RGBA or RGB */
  ihdr[10] = ihdr[11] = ihdr[12] = 0; /* deflate, adaptive filters, no interlace */
  chunk(o, "IHDR", ihdr, sizeof ihdr);
  unsigned char phys[9];
  uint32_t ppm = (uint32_t)lround(dpi / 0.0254);
  put32(phys, ppm);
  put32(phys + 4, ppm);
  phys[8] = 1; /* per metre */
  chunk(o, "pHYs", phys, sizeof phys);
}

/* tEXt for ASCII values; iTXt (uncompressed, no language) keeps UTF-8
 * titles (Arabic, Armenian) intact, tEXt being Latin-1. */
static void text(out *o, const char *key, const char *value) {
  if (!value)
    return;
  int ascii = 1;
  for (const char *p = value; *p; p++)
    if ((unsigned char)*p >= 0x80)
      ascii = 0;
  size_t k = strlen(key), v = strlen(value);
  size_t n = k + 1 + (ascii ? 0 : 4) + v;
  unsigned char *buf = malloc(n);
  if (!buf) {
    o->failed = ENOMEM;
    return;
  }
  memcpy(buf, key, k + 1);
  if (!ascii) /* compression flag and method, empty language and key */
    memset(buf + k + 1, 0, 4);
  memcpy(buf + n - v, value, v);
  chunk(o, ascii ? "tEXt" : "iTXt", buf, n);
  free(buf);
}

static void texts(out *o, const cm_scene *scene) {
  static const char *const keys[] = {"Title", "Source", "Date", "Style"};
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    text(o, keys[i], cm_scene_meta(scene, keys[i]));
  text(o, "Software", "controlmap " CM_VERSION);
}

/* The image data as IDAT chunks of at most 1 MiB. */
static void idat(out *o, const unsigned char *z, size_t n) {
  for (size_t at = 0; at < n; at += (size_t)1 << 20) {
    size_t len = n - at < ((size_t)1 << 20) ? n - at : (size_t)1 << 20;
    chunk(o, "IDAT", z + at, len);
  }
}

/* --- bands of rows kept from frame to frame --------------------------------- */

/* One band's deflate stream as libdeflate wrote it (final block and all, so
 * it can be decompressed alone to check a later frame against it), with
 * where its final block starts and where it ends, in bits. */
typedef struct band {
  unsigned char *z;
  size_t zlen;
  size_t final_bit, end_bit;
  size_t raw_len;
  uint32_t adler; /* of the band's PNG rows */
  int fresh;      /* compressed for this frame */
} band;

/* What one thread needs to encode bands: a band of PNG rows, a band
 * decompressed, and libdeflate's state. */
typedef struct scratch {
  unsigned char *raw, *check;
  struct libdeflate_compressor *comp;
  struct libdeflate_decompressor *decomp;
} scratch;

struct cm_png_bands {
  int width, height, alpha, level; /* what the kept bands are of */
  band *bands;
  size_t nbands;
  scratch work;
  unsigned char *zbuf;        /* the stream being assembled */
  size_t zcap;
  size_t reused, compressed;  /* bands, over every frame */
};

static void scratch_free(scratch *s) {
  free(s->raw);
  free(s->check);
  libdeflate_free_compressor(s->comp);
  libdeflate_free_decompressor(s->decomp);
  memset(s, 0, sizeof *s);
}

static int scratch_new(scratch *s, int w, int alpha, int level) {
  size_t n = row_bytes(w, alpha) * BAND_ROWS;
  s->raw = malloc(n);
  s->check = malloc(n);
  s->comp = libdeflate_alloc_compressor(level);
  s->decomp = libdeflate_alloc_decompressor();
  if (s->raw && s->check && s->comp && s->decomp)
    return CM_OK;
  scratch_free(s);
  return CM_ENOMEM;
}

cm_png_bands *cm__png_bands_new(void) { return calloc(1, sizeof(cm_png_bands)); }

static void drop_bands(cm_png_bands *b) {
  for (size_t i = 0; i < b->nbands; i++)
    free(b->bands[i].z);
  free(b->bands);
  scratch_free(&b->work);
  b->bands = NULL;
  b->nbands = 0;
}

void cm__png_bands_free(cm_png_bands *b) {
  if (!b)
    return;
  drop_bands(b);
  free(b->zbuf);
  free(b);
}

void cm__png_bands_counts(const cm_png_bands *b, size_t *reused,
                          size_t *compressed) {
  *reused = b ? b->reused : 0;
  *compressed = b ? b->compressed : 0;
}

/* Start over for an image of another shape or level. */
static int reshape(cm_png_bands *b, int w, int h, int alpha, int level) {
  if (b->bands && b->width == w && b->height == h && b->alpha == alpha &&
      b->level == level)
    return CM_OK;
  drop_bands(b);
  size_t n = ((size_t)h + BAND_ROWS - 1) / BAND_ROWS;
  b->bands = calloc(n, sizeof *b->bands);
  if (!b->bands || scratch_new(&b->work, w, alpha, level) != CM_OK) {
    drop_bands(b);
    return CM_ENOMEM;
  }
  b->nbands = n;
  b->width = w, b->height = h, b->alpha = alpha, b->level = level;
  return CM_OK;
}

/* Reading a deflate stream's bits, least significant first. */
typedef struct bitin {
  const unsigned char *p;
  size_t bits, pos; /* length and position, in bits */
} bitin;

/* The next 16 bits (fewer at the end, zeros after), not consumed. */
static unsigned peek16(const bitin *in) {
  size_t byte = in->pos >> 3, bytes = (in->bits + 7) >> 3;
  uint32_t v = 0;
  for (size_t i = 0; i < 3 && byte + i < bytes; i++)
    v |= (uint32_t)in->p[byte + i] << (8 * i);
  return (unsigned)(v >> (in->pos & 7)) & 0xffff;
}

static int take_bits(bitin *in, int n, unsigned *v) {
  if (in->pos + (size_t)n > in->bits)
    return -1;
  *v = peek16(in) & ((1u << n) - 1); /* n is at most 16 */
  in->pos += (size_t)n;
  return 0;
}

/* A canonical Huffman code: how many codes of each length and the
 * symbols in code order, with a table for codes of up to FAST bits. */
#define FAST 11
typedef struct huff {
  short count[16];
  short symbol[320];
  unsigned short fast[1 << FAST]; /* symbol << 4 | length; 0: longer */
} huff;

static int huff_build(huff *hf, const unsigned char *len, int n) {
  short offs[16];
  memset(hf->count, 0, sizeof hf->count);
  memset(hf->fast, 0, sizeof hf->fast);
  for (int s = 0; s < n; s++)
    hf->count[len[s]]++;
  offs[1] = 0;
  for (int l = 1; l < 15; l++)
    offs[l + 1] = (short)(offs[l] + hf->count[l]);
  for (int s = 0; s < n; s++)
    if (len[s])
      hf->symbol[offs[len[s]]++] = (short)s;
  /* Codes are handed out in order of length, then symbol; their bits go
   * into the stream from the most significant, so the table is indexed by
   * the code reversed. */
  unsigned code = 0;
  int k = 0;
  for (int l = 1; l <= FAST; l++, code <<= 1)
    for (int i = 0; i < hf->count[l]; i++, code++, k++) {
      unsigned rev = 0;
      for (int b = 0; b < l; b++)
        rev |= ((code >> b) & 1) << (l - 1 - b);
      for (unsigned r = rev; r < (1u << FAST); r += 1u << l)
        hf->fast[r] = (unsigned short)(hf->symbol[k] << 4 | l);
    }
  return 0;
}

static int huff_decode(bitin *in, const huff *hf) {
  if (in->pos + FAST <= in->bits) {
    unsigned e = hf->fast[peek16(in) & ((1u << FAST) - 1)];
    if (e) {
      in->pos += e & 15;
      return (int)(e >> 4);
    }
  }
  int code = 0, first = 0, index = 0;
  for (int l = 1; l <= 15; l++) {
    unsigned bit;
    if (take_bits(in, 1, &bit))
      return -1;
    code |= (int)bit;
    int count = hf->count[l];
    if (code - count < first)
      return hf->symbol[index + (code - first)];
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  return -1;
}

static const unsigned char len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
                                            1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                            4, 4, 4, 4, 5, 5, 5, 5, 0};
static const unsigned char dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3,
                                             4, 4, 5, 5, 6, 6, 7, 7, 8, 8,
                                             9, 9, 10, 10, 11, 11, 12, 12,
                                             13, 13};

/* Step over one Huffman-coded block's symbols, to its end-of-block. */
static int skip_symbols(bitin *in, const huff *lit, const huff *dist) {
  for (;;) {
    int s = huff_decode(in, lit);
    unsigned v;
    if (s < 0 || s > 285)
      return -1;
    if (s < 256)
      continue;
    if (s == 256)
      return 0;
    if (take_bits(in, len_extra[s - 257], &v))
      return -1;
    int d = huff_decode(in, dist);
    if (d < 0 || d > 29 || take_bits(in, dist_extra[d], &v))
      return -1;
  }
}

static int fixed_codes(huff *lit, huff *dist) {
  unsigned char len[320];
  memset(len, 8, 144);
  memset(len + 144, 9, 112);
  memset(len + 256, 7, 24);
  memset(len + 280, 8, 8);
  huff_build(lit, len, 288);
  memset(len, 5, 30);
  return huff_build(dist, len, 30);
}

static int dynamic_codes(bitin *in, huff *lit, huff *dist) {
  static const unsigned char order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                          11, 4,  12, 3, 13, 2, 14, 1, 15};
  unsigned nlit, ndist, ncode, v;
  unsigned char len[320] = {0};
  if (take_bits(in, 5, &nlit) || take_bits(in, 5, &ndist) ||
      take_bits(in, 4, &ncode))
    return -1;
  nlit += 257, ndist += 1, ncode += 4;
  for (unsigned i = 0; i < ncode; i++) {
    if (take_bits(in, 3, &v))
      return -1;
    len[order[i]] = (unsigned char)v;
  }
  huff_build(lit, len, 19); /* the code-length code, for now */
  memset(len, 0, sizeof len);
  for (unsigned i = 0; i < nlit + ndist;) {
    int s = huff_decode(in, lit);
    unsigned rep, fill = 0;
    if (s < 0)
      return -1;
    if (s < 16) {
      len[i++] = (unsigned char)s;
      continue;
    }
    if (s == 16) {
      if (i == 0 || take_bits(in, 2, &rep))
        return -1;
      fill = len[i - 1], rep += 3;
    } else if (s == 17) {
      if (take_bits(in, 3, &rep))
        return -1;
      rep += 3;
    } else if (take_bits(in, 7, &rep)) {
      return -1;
    } else {
      rep += 11;
    }
    if (i + rep > nlit + ndist)
      return -1;
    memset(len + i, (int)fill, rep);
    i += rep;
  }
  huff_build(lit, len, (int)nlit);
  return huff_build(dist, len + nlit, (int)ndist);
}

/* Where the final block of a deflate stream starts and where the stream
 * ends, in bits: walking the blocks is the only way to find them. */
static int find_final(band *bd) {
  bitin in = {bd->z, bd->zlen * 8, 0};
  huff lit, dist;
  for (;;) {
    size_t start = in.pos;
    unsigned final, type, v;
    if (take_bits(&in, 1, &final) || take_bits(&in, 2, &type))
      return -1;
    if (type == 0) {
      in.pos = (in.pos + 7) & ~(size_t)7;
      if (take_bits(&in, 16, &v))
        return -1;
      in.pos += 16 + (size_t)v * 8;
      if (in.pos > in.bits)
        return -1;
    } else if (type == 3 ||
               (type == 1 ? fixed_codes(&lit, &dist)
                          : dynamic_codes(&in, &lit, &dist)) ||
               skip_symbols(&in, &lit, &dist)) {
      return -1;
    }
    if (final) {
      bd->final_bit = start;
      bd->end_bit = in.pos;
      return 0;
    }
  }
}

/* 1 when the kept band holds exactly these rows. */
static int same_band(scratch *s, const band *bd, size_t n, uint32_t adler) {
  size_t got = 0;
  return bd->z && bd->raw_len == n && bd->adler == adler &&
         libdeflate_deflate_decompress(s->decomp, bd->z, bd->zlen, s->check,
                                       n, &got) == LIBDEFLATE_SUCCESS &&
         got == n && memcmp(s->check, s->raw, n) == 0;
}

static int compress_band(scratch *s, band *bd, size_t n) {
  size_t cap = libdeflate_deflate_compress_bound(s->comp, n);
  unsigned char *z = malloc(cap);
  size_t zlen = z ? libdeflate_deflate_compress(s->comp, s->raw, n, z, cap) : 0;
  free(bd->z);
  bd->z = NULL;
  if (!zlen) {
    free(z);
    return CM_ENOMEM;
  }
  unsigned char *fit = realloc(z, zlen);
  bd->z = fit ? fit : z;
  bd->zlen = zlen;
  bd->raw_len = n;
  if (find_final(bd) == 0)
    return CM_OK;
  free(bd->z); /* keep nothing half-made */
  bd->z = NULL;
  return CM_ERENDER;
}

/* Band i of the image: its PNG rows, kept when the same as before, else
 * compressed. */
static int encode_band(cm_png_bands *b, scratch *s, const uint32_t *px,
                       size_t i) {
  int w = b->width, h = b->height, y0 = (int)i * BAND_ROWS;
  int rows = h - y0 < BAND_ROWS ? h - y0 : BAND_ROWS;
  size_t rb = row_bytes(w, b->alpha), n = rb * (size_t)rows;
  for (int y = 0; y < rows; y++)
    png_row(px + (size_t)(y0 + y) * w, s->raw + (size_t)y * rb, w, b->alpha);
  uint32_t a = libdeflate_adler32(1, s->raw, n);
  band *bd = &b->bands[i];
  bd->fresh = !same_band(s, bd, n, a);
  bd->adler = a;
  return bd->fresh ? compress_band(s, bd, n) : CM_OK;
}

static int reserve(cm_png_bands *b, size_t need) {
  if (need <= b->zcap)
    return CM_OK;
  size_t cap = need + need / 2;
  unsigned char *p = realloc(b->zbuf, cap);
  if (!p)
    return CM_ENOMEM;
  b->zbuf = p;
  b->zcap = cap;
  return CM_OK;
}

/* Append a band to the stream as a non-final block followed by an empty
 * stored block, so that the next band starts on a byte. */
static int append_band(cm_png_bands *b, size_t *len, const band *bd) {
  size_t bytes = (bd->end_bit + 3 + 7) / 8; /* + the stored block's header */
  if (reserve(b, *len + bytes + 4) != CM_OK)
    return CM_ENOMEM;
  unsigned char *p = b->zbuf + *len;
  size_t whole = (bd->end_bit + 7) / 8;
  memcpy(p, bd->z, whole);
  memset(p + whole, 0, bytes - whole);
  if (bd->end_bit & 7) /* bits past the end are the stored header: zero */
    p[bd->end_bit >> 3] &= (unsigned char)((1u << (bd->end_bit & 7)) - 1);
  p[bd->final_bit >> 3] &= (unsigned char)~(1u << (bd->final_bit & 7));
  memcpy(p + bytes, "\x00\x00\xff\xff", 4); /* LEN 0, NLEN */
  *len += bytes + 4;
  return CM_OK;
}

/* adler32 of A then B from the two sums and B's length. */
static uint32_t adler_combine(uint32_t a, uint32_t b, size_t blen) {
  const uint64_t mod = 65521;
  uint64_t a1 = a & 0xffff, s1 = a >> 16, a2 = b & 0xffff, s2 = b >> 16;
  uint64_t lo = (a1 + a2 + mod - 1) % mod;
  uint64_t hi = (s1 + s2 + (blen % mod) * ((a1 + mod - 1) % mod)) % mod;
  return (uint32_t)(hi << 16 | lo);
}

static int zlib_header(int level) {
  /* FLEVEL says how hard the compressor tried; FCHECK makes the two bytes
   * a multiple of 31. */
  return level <= 1 ? 0x01 : level <= 5 ? 0x5e : level == 6 ? 0x9c : 0xda;
}

/* Bands handed out to threads: thread k of n takes bands k, k + n... */
typedef struct share {
  cm_png_bands *b;
  const uint32_t *px;
  size_t k, n;
  scratch s;
  int rc;
} share;

static void *encode_share(void *arg) {
  share *sh = arg;
  for (size_t i = sh->k; i < sh->b->nbands && sh->rc == CM_OK; i += sh->n)
    sh->rc = encode_band(sh->b, &sh->s, sh->px, i);
  return NULL;
}

/* Encode every band on up to threads threads (the caller's one of them);
 * a thread that cannot start leaves its bands to the caller. */
static int encode_bands(cm_png_bands *b, const uint32_t *px, int threads) {
  share sh[MAX_THREADS];
  pthread_t id[MAX_THREADS];
  int n = threads < 1 ? 1 : threads > MAX_THREADS ? MAX_THREADS : threads;
  if ((size_t)n > b->nbands)
    n = (int)b->nbands;
  int started[MAX_THREADS] = {0};
  for (int k = 0; k < n; k++)
    sh[k] = (share){b, px, (size_t)k, (size_t)n, k ? (scratch){0} : b->work, CM_OK};
  for (int k = 1; k < n; k++)
    started[k] = scratch_new(&sh[k].s, b->width, b->alpha, b->level) == CM_OK &&
                 pthread_create(&id[k], NULL, encode_share, &sh[k]) == 0;
  encode_share(&sh[0]);
  int rc = sh[0].rc;
  for (int k = 1; k < n; k++) {
    if (started[k])
      pthread_join(id[k], NULL);
    else /* its bands, here */
      for (size_t i = (size_t)k; i < b->nbands && sh[k].rc == CM_OK; i += (size_t)n)
        sh[k].rc = encode_band(b, &b->work, px, i);
    scratch_free(&sh[k].s);
    if (rc == CM_OK)
      rc = sh[k].rc;
  }
  return rc;
}

static int banded(cm_png_bands *b, const uint32_t *px, int w, int h, int alpha,
                  int level, int threads, size_t *zlen) {
  int rc = reshape(b, w, h, alpha, level);
  if (rc == CM_OK)
    rc = reserve(b, 64);
  if (rc == CM_OK)
    rc = encode_bands(b, px, threads);
  if (rc != CM_OK)
    return rc;
  size_t len = 2;
  b->zbuf[0] = 0x78;
  b->zbuf[1] = (unsigned char)zlib_header(level);
  uint32_t adler = 1;
  for (size_t i = 0; i < b->nbands && rc == CM_OK; i++) {
    const band *bd = &b->bands[i];
    b->reused += !bd->fresh;
    b->compressed += bd->fresh;
    rc = append_band(b, &len, bd);
    adler = adler_combine(adler, bd->adler, bd->raw_len);
  }
  if (rc == CM_OK)
    rc = reserve(b, len + 6);
  if (rc != CM_OK)
    return rc;
  /* An empty final block (fixed codes: its end-of-block is seven zeros). */
  b->zbuf[len++] = 0x03;
  b->zbuf[len++] = 0x00;
  put32(b->zbuf + len, adler);
  *zlen = len + 4;
  return CM_OK;
}

/* --- the file --------------------------------------------------------------- */

/* Threads for a single image: bands are independent, so a render that is
 * not one of several frames (those run on their own threads) compresses
 * them on every CPU, up to four. */
static int cpus(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int cm__png_write(const uint32_t *pixels, int width, int height,
                  const cm_scene *scene, int level, cm_png_bands *bands,
                  FILE *f, const char *path, cm_error *err) {
  int alpha = !opaque(pixels, (size_t)width * (size_t)height);
  cm_png_bands *own = bands ? NULL : cm__png_bands_new();
  cm_png_bands *b = bands ? bands : own;
  size_t zlen = 0;
  int rc = b ? banded(b, pixels, width, height, alpha, level,
                      bands ? 1 : cpus(), &zlen)
             : CM_ENOMEM;
  if (rc == CM_OK) {
    out o = {f, 0};
    header(&o, width, height, alpha, cm_scene_dpi(scene));
    texts(&o, scene);
    idat(&o, b->zbuf, zlen);
    chunk(&o, "IEND", NULL, 0);
    rc = o.failed == ENOMEM ? CM_ENOMEM : o.failed ? CM_EIO : CM_OK;
    if (rc == CM_EIO)
      cm_error_set(err, CM_EIO, path, 0, 0, "cannot write: %s",
                   strerror(o.failed));
  } else if (rc == CM_ERENDER) {
    cm_error_set(err, CM_ERENDER, path, 0, 0,
                 "PNG encoding failed: libdeflate wrote a stream that could "
                 "not be read back");
  }
  if (rc == CM_ENOMEM)
    cm_error_set(err, CM_ENOMEM, path, 0, 0, "out of memory for a PNG");
  cm__png_bands_free(own);
  return rc;
}
