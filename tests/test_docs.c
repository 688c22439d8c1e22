/* The documentation's promises: every shell example in README.md (lines of
 * ```sh blocks that start with ./controlmap) and in the EXAMPLES of the man
 * page docs/controlmap.1 runs against the shipped styles and dataset,
 * exits 0, writes what its -o names, and shows what the text around it
 * says it shows (the title and date, the legend's classes, the format,
 * embedded fonts, layers, the files of a batch: the promises below; an
 * example without a promise fails); the man page lists every option the
 * commands' --help lists and no other; groff formats it without a warning.
 *
 * The examples run in a temporary folder holding links to styles/ and
 * shapes/, an out/ folder (as after `make map`) and a dates.txt, so their
 * outputs land there and never in the source tree. The tool is
 * $CONTROLMAP (as tests/run.sh sets it) or ./controlmap. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "controlmap/error.h"
#include "support/files.h"
#include "support/fixtures.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[PATH_MAX];   /* the source tree */
static char tool[PATH_MAX];   /* the controlmap program */
static char work[PATH_MAX];   /* where the examples run */

/* The source tree, as an absolute path. */
static int find_root(void) {
  char buf[PATH_MAX];
  return realpath(test_source_path(buf, sizeof buf, "."), root) ? 0 : -1;
}

static int setup(void **state) {
  const char *env = getenv("CONTROLMAP");
  const char *given = env && *env ? env : "./controlmap";
  if (find_root() != 0 || !realpath(given, tool)) {
    fprintf(stderr, "test_docs: no source tree or no tool at %s (build it, "
                    "or set CONTROLMAP)\n", given);
    return -1;
  }
  if (fixture_make_dir(work, sizeof work) != 0)
    return -1;
  return shell("cd '%s' && ln -s '%s/styles' styles && ln -s '%s/shapes' shapes && "
               "mkdir out && printf '1994-05-12\\n2020-11-10 statement.pdf\\n' > dates.txt",
               work, root, root);
}

static int teardown(void **state) { return shell("rm -rf '%s'", work); }

/* Replace every from in s (a buffer of size bytes) with to. */
static void replace_all(char *s, size_t size, const char *from, const char *to) {
  size_t lf = strlen(from), lt = strlen(to);
  char *out = malloc(strlen(s) * (lt / lf + 1) + 1);
  assert_non_null(out);
  size_t n = 0;
  for (const char *p = s; *p;) {
    if (!strncmp(p, from, lf)) {
      memcpy(out + n, to, lt);
      n += lt;
      p += lf;
    } else {
      out[n++] = *p++;
    }
  }
  out[n] = '\0';
  snprintf(s, size, "%s", out);
  free(out);
}

/* A man page line as the reader sees it: troff escapes resolved, font
 * changes dropped. */
static void unescape_troff(char *s, size_t size) {
  const char *fonts[] = {"\\fB", "\\fI", "\\fR", "\\fP"};
  for (size_t i = 0; i < sizeof fonts / sizeof *fonts; i++)
    replace_all(s, size, fonts[i], "");
  replace_all(s, size, "\\-", "-");
  replace_all(s, size, "\\(aq", "'");
  replace_all(s, size, "\\(dq", "\"");
  replace_all(s, size, "\\e", "\\");
  replace_all(s, size, "\\ ", " ");
}

typedef struct examples {
  char lines[64][1024];
  int n;
} examples;

static void add(examples *ex, const char *line) {
  assert_true(ex->n < 64);
  snprintf(ex->lines[ex->n++], sizeof ex->lines[0], "%s", line);
}

/* Lines of ```sh blocks of README.md that run ./controlmap. */
static void readme_examples(examples *ex) {
  char path[PATH_MAX + 16], line[1024];
  snprintf(path, sizeof path, "%s/README.md", root);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int in_sh = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    if (!strncmp(line, "```", 3))
      in_sh = !in_sh && !strcmp(line, "```sh");
    else if (in_sh && !strncmp(line, "./controlmap ", 13))
      add(ex, line);
  }
  fclose(f);
}

/* Lines of the man page's EXAMPLES (.EX blocks) that run controlmap. */
static void man_examples(examples *ex) {
  char path[PATH_MAX + 32], line[1024];
  snprintf(path, sizeof path, "%s/docs/controlmap.1", root);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int in_examples = 0, in_ex = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    if (!strncmp(line, ".SH", 3))
      in_examples = strstr(line, "EXAMPLES") != NULL;
    else if (!strcmp(line, ".EX"))
      in_ex = 1;
    else if (!strcmp(line, ".EE"))
      in_ex = 0;
    else if (in_examples && in_ex && strstr(line, "controlmap ")) {
      unescape_troff(line, sizeof line);
      add(ex, line);
    }
  }
  fclose(f);
}

/* The output an example names with -o, unless it is a template. */
static int named_output(const char *cmd, char *out, size_t size) {
  const char *o = strstr(cmd, " -o ");
  if (!o)
    return 0;
  o += 4;
  size_t n = strcspn(o, " ");
  snprintf(out, size, "%.*s", (int)n, o);
  return !strchr(out, '{') && !strchr(out, '\'');
}

/* --- what each example shows -------------------------------------------- */

/* What an example's output holds. how: "png" a PNG whose metadata holds
 * the texts; "pdf" a PDF whose text (pdftotext) holds them; "fonts" a PDF
 * with every font embedded; "svg" an SVG holding them; "no" a file holding
 * none of them; "log" the example's output on the terminal; "files" the
 * texts are files it writes (removed before it runs). */
typedef struct promise {
  const char *example; /* a piece of the example's line */
  const char *file;    /* in the work folder; unused for "log" and "files" */
  const char *how;
  const char *texts[8];
} promise;

static const promise promises[] = {
    {"render -d 2020-11-10", "out/2020-11-10.png", "png",
     {"Nagorno-Karabakh: control of the ground on 10 November 2020"}},
    {"-s styles/paper.mss -d 2020-11-10 -o map.pdf", "map.pdf", "pdf",
     {"Control of the ground on 10 November 2020", "Azerbaijan",
      "Armenian / Karabakh", "Russian peacekeeping", "Former NKAO",
      "Front line"}},
    {"-s styles/paper.mss -d 2020-11-10 -o map.pdf", "map.pdf", "fonts", {NULL}},
    {"-d 1994-05 -o map.svg", "map.svg", "svg",
     {"<title>Nagorno-Karabakh, 1 May 1994</title>",
      "inkscape:groupmode=\"layer\"", ">Azerbaijan</text>",
      ">Armenian / Karabakh forces</text>", ">Front line</text>"}},
    {"--svg-text paths -o slide.svg", "slide.svg", "svg",
     {"<title>", "10 November 2020", "inkscape:groupmode=\"layer\""}},
    {"--svg-text paths -o slide.svg", "slide.svg", "no", {"<text"}},
    {"--grid 2x2 -o war.pdf", "war.pdf", "pdf",
     {"27 September 2020", "20 October 2020", "10 November 2020",
      "5 December 2020", "Azerbaijan", "Armenian / Karabakh forces"}},
    {"-d 1994-05 -o map.pdf", "map.pdf", "pdf", {"1 May 1994", "Azerbaijan"}},
    {"info shapes/control.shp", NULL, "log",
     {"type      Polygon", "holder", "start", "end", "encoding  UTF-8"}},
    {"check -s styles/paper.mss", NULL, "log", {"styles/paper.mss: OK"}},
    {"check -s paper ", NULL, "log", {"styles/paper.mss: OK"}},
    {"--page 160x120mm --title \"\" -o fig1.pdf", "fig1.pdf", "pdf",
     {"Azerbaijan", "Armenian / Karabakh", "50 km", "10 November 2020 — Trilateral"}},
    {"--page 160x120mm --title \"\" -o fig1.pdf", "fig1.pdf", "pdf-no",
     {"Control of the ground", "ground on 10 November 2020", "more"}},
    {"--lang ar", "fig1-ar.pdf", "pdf",
     {"ناغورنو كاراباخ", "أذربيجان", "تشرين الثاني"}},
    {"--lang ar", "fig1-ar.pdf", "pdf-no", {"Azerbaijan", "November"}},
    {"controlmap dates", NULL, "log", {"1994-05-12", "2020-09-27", "2020-11-10"}},
    {"--every year --from 1988 --to 2024", NULL, "files",
     {"out/1988.png", "out/2006.png", "out/2024.png"}},
    {"batch --changes -o", NULL, "files",
     {"out/1923-07-07.png", "out/1994-05-12.png", "out/2020-11-10.png"}},
    {"--dates dates.txt", NULL, "files",
     {"out/1994-05-12.pdf", "out/statement.pdf"}},
    {"--dates dates.txt", "out/statement.pdf", "pdf", {"10 November 2020"}},
    {"--shard 2/4", NULL, "files", {"out/2020-10-01.png"}},
    {"--every year --from 1991 --to 1995", NULL, "files",
     {"out/1991.png", "out/1993.png", "out/1995.png"}},
    {"--changes --from 2020-09 --to 2020-12", NULL, "files",
     {"out/2020-09-27.svg", "out/2020-11-10.svg"}},
    {"-l control -o out/control.geojson", NULL, "log", {"wrote out/control.geojson ("}},
    {"-l control -o control.geojson", NULL, "log", {"wrote control.geojson ("}},
    {"-o out/1994-05-12.gpkg", NULL, "log", {"wrote out/1994-05-12.gpkg ("}},
    {"-l places -o out/places.csv", NULL, "log", {"wrote out/places.csv ("}},
    {"info out/control.geojson", NULL, "log",
     {"format    GeoJSON", "type      MultiPolygon", "holder"}},
    {"areas -s styles/paper.mss -d 1994-05-12,2020-11-10", NULL, "log",
     {"date,holder,km2_geodesic_wgs84,", "1994-05-12,NKR,", "2020-11-10,NKR,",
      "geodesic area on the WGS 84 ellipsoid"}},
    {"--every year --from 1991 --to 2024 -q", NULL, "log",
     {"1991-01-01,NKR,", "2024-01-01,AZE,"}},
};

/* 1 when the n bytes hold text (the bytes may hold NULs, as a PNG does). */
static int holds(const char *bytes, size_t n, const char *text) {
  size_t k = strlen(text);
  for (size_t i = 0; i + k <= n; i++)
    if (bytes[i] == text[0] && !memcmp(bytes + i, text, k))
      return 1;
  return 0;
}

/* The bytes to look in for promise p: the file, its text, or the log. */
static char *promised_bytes(const promise *p, size_t *n) {
  char path[PATH_MAX + 600];
  if (!strcmp(p->how, "log")) {
    snprintf(path, sizeof path, "%s/log", work);
  } else if (!strncmp(p->how, "pdf", 3)) {
    if (shell("command -v pdftotext >/dev/null 2>&1") != 0) {
      print_message("skipped: no pdftotext\n");
      skip();
    }
    shell("pdftotext '%s/%s' '%s/pdf.txt'", work, p->file, work);
    snprintf(path, sizeof path, "%s/pdf.txt", work);
  } else {
    snprintf(path, sizeof path, "%s/%s", work, p->file);
  }
  return file_read(path, n);
}

/* The number of things p promises that are not so; each is printed. */
static int check_promise(const promise *p, const char *line) {
  int bad = 0;
  char path[PATH_MAX + 600];
  if (!strcmp(p->how, "files")) {
    for (int i = 0; i < 8 && p->texts[i]; i++) {
      struct stat st;
      snprintf(path, sizeof path, "%s/%s", work, p->texts[i]);
      if (stat(path, &st) != 0 || st.st_size == 0) {
        print_message("no %s after: %s\n", p->texts[i], line);
        bad++;
      }
    }
    return bad;
  }
  if (!strcmp(p->how, "fonts")) {
    if (shell("pdffonts '%s/%s' | awk 'NR > 2 && $(NF - 4) != \"yes\" "
              "{ bad = 1 } END { exit bad }'", work, p->file) == 0)
      return 0;
    print_message("a font is not embedded in %s\n", p->file);
    return 1;
  }
  size_t n = 0;
  char *bytes = promised_bytes(p, &n);
  if (!bytes) {
    print_message("cannot read what this shows: %s\n", line);
    return 1;
  }
  if (!strcmp(p->how, "png") && (n < 8 || memcmp(bytes, "\x89PNG\r\n\x1a\n", 8))) {
    print_message("%s is not a PNG\n", p->file);
    bad++;
  }
  int want = strcmp(p->how, "no") != 0 && strcmp(p->how, "pdf-no") != 0;
  for (int i = 0; i < 8 && p->texts[i]; i++)
    if (holds(bytes, n, p->texts[i]) != want) {
      print_message("%s %s '%s' after: %s\n", p->file ? p->file : "the output",
                    want ? "lacks" : "has", p->texts[i], line);
      bad++;
    }
  free(bytes);
  return bad;
}

/* Remove the files the promises of line say it writes, so that what is
 * found after it ran is its own. */
static int remove_promised_files(const char *line) {
  int found = 0;
  for (size_t k = 0; k < sizeof promises / sizeof *promises; k++) {
    const promise *p = &promises[k];
    if (!strstr(line, p->example))
      continue;
    found = 1;
    for (int i = 0; !strcmp(p->how, "files") && i < 8 && p->texts[i]; i++)
      shell("rm -f '%s/%s'", work, p->texts[i]);
  }
  return found;
}

/* Every promise of line; 0 when all hold. An example with none fails. */
static int check_promises(const char *line) {
  int bad = 0, found = 0;
  for (size_t k = 0; k < sizeof promises / sizeof *promises; k++)
    if (strstr(line, promises[k].example)) {
      found = 1;
      bad += check_promise(&promises[k], line);
    }
  if (!found) {
    print_message("no promise says what this example shows: %s\n", line);
    return 1;
  }
  return bad;
}

/* Run an example in the work folder with the built tool in place of the
 * installed one; 0 when it exits 0, writes its -o file and keeps its
 * promises. */
static int run_example(const char *line, const char *program_word) {
  char cmd[2048], word[64], replacement[PATH_MAX + 4];
  snprintf(cmd, sizeof cmd, " %s", line);
  snprintf(word, sizeof word, " %s ", program_word);
  snprintf(replacement, sizeof replacement, " %s ", tool);
  replace_all(cmd, sizeof cmd, word, replacement);
  char out[512];
  int has_out = named_output(cmd, out, sizeof out);
  if (has_out)
    shell("rm -f '%s/%s'", work, out);
  remove_promised_files(line);
  /* On lines of their own: a README line may end in a # comment. */
  int rc = shell("cd '%s' && (\n%s\n) >'%s/log' 2>&1", work, cmd, work);
  if (rc != 0) {
    print_message("exit %d: %s\n", rc, line);
    shell("sed 's/^/    /' '%s/log' | head -n 5", work);
    return 1;
  }
  char written[PATH_MAX + 600];
  snprintf(written, sizeof written, "%s/%s", work, out);
  struct stat st;
  if (has_out && (stat(written, &st) != 0 || st.st_size == 0)) {
    print_message("no %s after: %s\n", out, line);
    return 1;
  }
  return check_promises(line) != 0;
}

static void readme_examples_run(void **state) {
  examples ex = {0};
  readme_examples(&ex);
  assert_true(ex.n >= 8); /* render, info, check, dates, four batch lines */
  int failed = 0;
  for (int i = 0; i < ex.n; i++)
    failed += run_example(ex.lines[i], "./controlmap");
  print_message("README.md: %d examples, %d failed\n", ex.n, failed);
  assert_int_equal(failed, 0);
}

static void man_examples_run(void **state) {
  examples ex = {0};
  man_examples(&ex);
  assert_true(ex.n >= 8);
  int failed = 0;
  for (int i = 0; i < ex.n; i++)
    failed += run_example(ex.lines[i], "controlmap");
  print_message("controlmap.1: %d examples, %d failed\n", ex.n, failed);
  assert_int_equal(failed, 0);
}

/* The --options words of a text, each once, space-separated and padded
 * with spaces at both ends (" --dpi --legend "). */
static void long_options(const char *text, char *out, size_t size) {
  snprintf(out, size, " ");
  for (const char *p = text; (p = strstr(p, "--")); p += 2) {
    int starts_word = p == text || strchr(" \t\n,([|\"", p[-1]);
    if (!starts_word || p[2] < 'a' || p[2] > 'z')
      continue;
    size_t n = 2;
    while (n < 60 && ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '-'))
      n++;
    char word[64];
    snprintf(word, sizeof word, " %.*s ", (int)n, p);
    if (!strstr(out, word) && strlen(out) + n + 2 < size)
      strncat(out, word + 1, size - strlen(out) - 1);
  }
}

/* Every option a command's --help lists is in the man page, and every
 * option the man page names is in some --help: neither drifts. */
static void man_lists_every_option(void **state) {
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/docs/controlmap.1", root);
  char *man = file_read(path, NULL);
  assert_non_null(man);
  static char page[200000], in_page[4096], in_help[4096] = " --help --version ";
  snprintf(page, sizeof page, "%s", man);
  free(man);
  /* The examples run other programs too (git log --format); they are run
   * by the tests above, which catch an option that does not exist. */
  char *examples_part = strstr(page, "\n.SH EXAMPLES");
  if (examples_part)
    *examples_part = '\0';
  unescape_troff(page, sizeof page);
  long_options(page, in_page, sizeof in_page);
  const char *cmds[] = {"render", "batch", "info", "check", "dates", "export", "areas"};
  int missing = 0;
  for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
    assert_int_equal(shell("'%s' %s --help >'%s/help' 2>&1", tool, cmds[i], work), 0);
    char help_path[PATH_MAX + 8], opts[4096];
    snprintf(help_path, sizeof help_path, "%s/help", work);
    char *help = file_read(help_path, NULL);
    assert_non_null(help);
    long_options(help, opts, sizeof opts);
    free(help);
    strncat(in_help, opts + 1, sizeof in_help - strlen(in_help) - 1);
    for (char *w = strtok(opts, " "); w; w = strtok(NULL, " ")) {
      char padded[80];
      snprintf(padded, sizeof padded, " %s ", w);
      if (!strstr(in_page, padded)) {
        print_message("controlmap.1 lacks %s of %s\n", w, cmds[i]);
        missing++;
      }
    }
  }
  for (char *w = strtok(in_page, " "); w; w = strtok(NULL, " ")) {
    char padded[80];
    snprintf(padded, sizeof padded, " %s ", w);
    if (!strstr(in_help, padded)) {
      print_message("controlmap.1 names %s, which no --help lists\n", w);
      missing++;
    }
  }
  assert_int_equal(missing, 0);
}

/* groff formats the page without a warning, with the sections a man page
 * of a command is expected to have. */
static void man_page_formats(void **state) {
  if (shell("command -v groff >/dev/null 2>&1") != 0) {
    print_message("skipped: no groff\n");
    skip();
  }
  /* -P-cbou: plain text, no bold or underline by overstriking. */
  assert_int_equal(shell("groff -man -Tutf8 -ww -P-cbou '%s/docs/controlmap.1' >'%s/man.txt' 2>'%s/warnings'",
                         root, work, work),
                   0);
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/warnings", work);
  char *warnings = file_read(path, NULL);
  assert_non_null(warnings);
  if (*warnings)
    print_message("groff: %s", warnings);
  assert_string_equal(warnings, "");
  free(warnings);
  snprintf(path, sizeof path, "%s/man.txt", work);
  char *text = file_read(path, NULL);
  assert_non_null(text);
  const char *sections[] = {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS",
                            "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"};
  for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
    char heading[64];
    snprintf(heading, sizeof heading, "\n%s\n", sections[i]);
    if (!strstr(text, heading))
      fail_msg("controlmap.1 has no %s section", sections[i]);
  }
  assert_non_null(strstr(text, "CONTROLMAP_STYLE"));
  assert_non_null(strstr(text, "SOURCE_DATE_EPOCH"));
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(man_page_formats),
      cmocka_unit_test(man_lists_every_option),
      cmocka_unit_test(man_examples_run),
      cmocka_unit_test(readme_examples_run),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
