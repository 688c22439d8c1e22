/* Seeds for the fuzzers, made from what the tests already have rather than
 * committed: every test fixture packed as one layer input (see
 * layer_input.h), the fixtures' .prj texts, and a dictionary of the style
 * language's words taken from the property tables the parser itself reads.
 *
 *   mkseeds LAYER_FOLDER PRJ_FOLDER STYLE_DICT */

#include "fuzz/layer_input.h"
#include "style_internal.h"
#include "support/fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file, or NULL (with *n = 0) when there is none. */
static uint8_t *slurp(const char *path, size_t *n) {
  *n = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t *data = malloc(LAYER_INPUT_MAX + 1);
  if (data)
    *n = fread(data, 1, LAYER_INPUT_MAX + 1, f);
  fclose(f);
  return data;
}

/* A fixture's files, lower- or upper-case extensions. */
static uint8_t *fixture_part(const char *dir, const char *name, int k,
                             size_t *n) {
  char path[4096], upper[8];
  uint8_t *data = slurp(fixture_path(path, sizeof path, dir, name,
                                     layer_input_ext[k]), n);
  if (data)
    return data;
  const char *ext = layer_input_ext[k];
  size_t i = 0;
  for (; ext[i] && i + 1 < sizeof upper; i++)
    upper[i] = (char)(ext[i] >= 'a' && ext[i] <= 'z' ? ext[i] - 32 : ext[i]);
  upper[i] = '\0';
  return slurp(fixture_path(path, sizeof path, dir, name, upper), n);
}

static int write_seed(const char *dir, const char *name, const uint8_t *head,
                      size_t head_len, uint8_t *const *part, const size_t *len,
                      int parts) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  fwrite(head, 1, head_len, f);
  for (int k = 0; k < parts; k++)
    if (part[k])
      fwrite(part[k], 1, len[k], f);
  return fclose(f);
}

static int pack(const char *dir, const char *name, const char *out_dir,
                const char *prj_dir) {
  uint8_t *part[LAYER_PARTS], head[LAYER_INPUT_HEADER];
  size_t len[LAYER_PARTS];
  int present[LAYER_PARTS], rc = 0;
  for (int k = 0; k < LAYER_PARTS; k++) {
    part[k] = fixture_part(dir, name, k, &len[k]);
    present[k] = part[k] != NULL;
  }
  if (layer_input_header(head, len, present) == 0)
    rc = write_seed(out_dir, name, head, sizeof head, part, len, LAYER_PARTS);
  if (rc == 0 && part[LAYER_PRJ])
    rc = write_seed(prj_dir, name, head, 0, &part[LAYER_PRJ], &len[LAYER_PRJ],
                    1);
  for (int k = 0; k < LAYER_PARTS; k++)
    free(part[k]);
  return rc;
}

static void dict_word(FILE *f, const char *word) {
  fputc('"', f);
  for (const unsigned char *s = (const unsigned char *)word; *s; s++)
    if (*s == '"' || *s == '\\')
      fprintf(f, "\\%c", *s);
    else if (*s < 0x20 || *s >= 0x7F)
      fprintf(f, "\\x%02X", *s);
    else
      fputc(*s, f);
  fputs("\"\n", f);
}

static int write_dict(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  static const char *const words[] = {
      "Map",   "Layer", "#",    "@",      "{",       "}",      "[",
      "]",     "(",     ")",    ":",      ";",       ",",      "+",
      "=",     "!=",    "<=",   ">=",     "/*",      "*/",     "//",
      "\"",    "{date}", "{date:%Y}", "{name}", "rgb(", "rgba(",
      "hatch(", "cross-hatch(", "2020-11-10", "1e308", "-0.5",
      "mm",    "pt",    "px",   "in",     "%",       "\\n",    "\xEF\xBB\xBF"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    dict_word(f, words[i]);
  const style_block blocks[] = {STYLE_BLOCK_MAP, STYLE_BLOCK_LAYER,
                                STYLE_BLOCK_RULE};
  for (int b = 0; b < 3; b++) {
    size_t n;
    const style_prop *props = cm__style_props(blocks[b], &n);
    for (size_t i = 0; i < n; i++) {
      dict_word(f, props[i].name);
      for (const style_keyword *k = props[i].keywords; k && k->name; k++)
        dict_word(f, k->name);
    }
  }
  const char *color;
  for (size_t i = 0; (color = cm__style_color_name_at(i)); i++)
    dict_word(f, color);
  return fclose(f);
}

int main(int argc, char **argv) {
  char dir[4096];
  if (argc != 4) {
    fprintf(stderr, "usage: mkseeds LAYER_FOLDER PRJ_FOLDER STYLE_DICT\n");
    return 2;
  }
  if (fixture_make_dir(dir, sizeof dir) != 0) {
    fprintf(stderr, "mkseeds: cannot make a folder for the fixtures\n");
    return 1;
  }
  int rc = 0;
  for (size_t i = 0; i < fixture_count && rc == 0; i++)
    if (fixtures[i].write(dir) != 0 || pack(dir, fixtures[i].name, argv[1], argv[2]))
      rc = 1;
  fixture_remove_dir(dir);
  if (rc == 0)
    rc = write_dict(argv[3]) != 0;
  if (rc)
    fprintf(stderr, "mkseeds: cannot write the seeds\n");
  return rc;
}
