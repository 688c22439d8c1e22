#ifndef CONTROLMAP_FUZZ_LAYER_INPUT_H
#define CONTROLMAP_FUZZ_LAYER_INPUT_H

/* How one fuzz input holds a whole shapefile, so that a mutation can change
 * any of its files and the lengths that tie them together:
 *
 *   byte 0      flags: LAYER_INPUT_CPG writes a .cpg, LAYER_INPUT_PRJ a .prj
 *   bytes 1-2   length of the .shp, little-endian
 *   bytes 3-4   length of the .shx
 *   bytes 5-6   length of the .dbf
 *   bytes 7-8   length of the .cpg
 *   then        the .shp, .shx, .dbf and .cpg bytes; the .prj is the rest
 *
 * A length that runs past the end of the input is cut to what is left, so
 * every input splits into five files. */

#include <stddef.h>
#include <stdint.h>

enum {
  LAYER_INPUT_HEADER = 9,
  LAYER_INPUT_CPG = 1,
  LAYER_INPUT_PRJ = 2,
  LAYER_INPUT_MAX = 0xFFFF /* longest .shp, .shx, .dbf or .cpg */
};

/* The files in the order of the layout; part i has extension ext[i]. */
enum { LAYER_SHP, LAYER_SHX, LAYER_DBF, LAYER_CPG, LAYER_PRJ, LAYER_PARTS };

static const char *const layer_input_ext[LAYER_PARTS] = {".shp", ".shx", ".dbf",
                                                         ".cpg", ".prj"};

typedef struct layer_input {
  const uint8_t *part[LAYER_PARTS];
  size_t len[LAYER_PARTS];
  int present[LAYER_PARTS]; /* .shp, .shx and .dbf always are */
} layer_input;

static inline void layer_input_split(layer_input *in, const uint8_t *data,
                                     size_t size) {
  uint8_t head[LAYER_INPUT_HEADER] = {0};
  size_t skip = size < LAYER_INPUT_HEADER ? size : LAYER_INPUT_HEADER;
  for (size_t i = 0; i < skip; i++)
    head[i] = data[i];
  data += skip;
  size -= skip;
  for (int k = 0; k < LAYER_PARTS; k++) {
    size_t want = k < LAYER_PRJ
                      ? (size_t)head[1 + 2 * k] | (size_t)head[2 + 2 * k] << 8
                      : size;
    in->len[k] = want < size ? want : size;
    in->part[k] = data;
    data += in->len[k];
    size -= in->len[k];
  }
  in->present[LAYER_SHP] = in->present[LAYER_SHX] = in->present[LAYER_DBF] = 1;
  in->present[LAYER_CPG] = (head[0] & LAYER_INPUT_CPG) != 0;
  in->present[LAYER_PRJ] = (head[0] & LAYER_INPUT_PRJ) != 0;
}

/* The header for files of the given lengths; 0, or -1 when one is too long
 * for the layout. */
static inline int layer_input_header(uint8_t head[LAYER_INPUT_HEADER],
                                     const size_t len[LAYER_PARTS],
                                     const int present[LAYER_PARTS]) {
  head[0] = (uint8_t)((present[LAYER_CPG] ? LAYER_INPUT_CPG : 0) |
                      (present[LAYER_PRJ] ? LAYER_INPUT_PRJ : 0));
  for (int k = 0; k < LAYER_PRJ; k++) {
    if (len[k] > LAYER_INPUT_MAX)
      return -1;
    head[1 + 2 * k] = (uint8_t)(len[k] & 0xFF);
    head[2 + 2 * k] = (uint8_t)(len[k] >> 8);
  }
  return 0;
}

#endif
