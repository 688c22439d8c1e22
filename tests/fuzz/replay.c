/* Runs a fuzz harness once on each file given (or each file in a folder
 * given), without libFuzzer: linked with an uninstrumented build, so that
 * valgrind can watch the system libraries (shapelib, PROJ) that the
 * sanitizers do not see into. Prints how many inputs it ran. */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    return -1;
  }
  size_t cap = 1 << 16, n = 0;
  uint8_t *data = malloc(cap);
  size_t got;
  while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *grown = realloc(data, cap *= 2);
      if (!grown)
        free(data);
      data = grown;
    }
  }
  fclose(f);
  if (!data)
    return -1;
  LLVMFuzzerTestOneInput(data, n);
  free(data);
  return 0;
}

static int run_path(const char *path, long *count) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    *count += run_file(path) == 0;
    return 0;
  }
  DIR *d = opendir(path);
  if (!d)
    return -1;
  struct dirent *e;
  char file[4096];
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') {
      snprintf(file, sizeof file, "%s/%s", path, e->d_name);
      *count += run_file(file) == 0;
    }
  closedir(d);
  return 0;
}

int main(int argc, char **argv) {
  long count = 0;
  for (int i = 1; i < argc; i++)
    if (run_path(argv[i], &count) < 0)
      fprintf(stderr, "replay: cannot list %s\n", argv[i]);
  printf("replay: %ld inputs\n", count);
  return 0;
}
