/* Before a batch writes, the temporary files an earlier run of the same
 * outputs left when it was killed (SIGKILL, a power cut) are removed. */

#include "util_internal.h"
#include "batch_internal.h"

#include <stdlib.h>

size_t cm_batch_sweep(const cm_batch *b) {
  size_t n = b->animation ? 1 : b->count;
  const char **paths = malloc((n ? n : 1) * sizeof *paths);
  if (!paths)
    return 0;
  for (size_t i = 0; i < n; i++)
    paths[i] = b->animation ? b->anim_path : b->frames[i].output;
  size_t removed = cm__atomic_sweep(paths, n);
  free(paths);
  return removed;
}
