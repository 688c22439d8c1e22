/* Write every test fixture into the folder given as the only argument, for
 * the command-line tests. */

#include "support/fixtures.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: mkfixtures FOLDER\n");
    return 2;
  }
  if (mkdir(argv[1], 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "mkfixtures: %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  for (size_t i = 0; i < fixture_count; i++)
    if (fixtures[i].write(argv[1]) != 0) {
      fprintf(stderr, "mkfixtures: cannot write fixture %s into %s\n",
              fixtures[i].name, argv[1]);
      return 1;
    }
  return 0;
}
