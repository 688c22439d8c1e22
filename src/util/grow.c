/* The one growable array of the library: every list that grows by
 * appending (scene items, labels, legend entries, errors, frames...)
 * makes room through cm__grow, so the overflow checks are written once. */

#include "util_internal.h"

#include <stdint.h>
#include <stdlib.h>

int cm__grow(void **items, size_t *cap, size_t need, size_t item_size) {
  if (need <= *cap)
    return CM_OK;
  size_t n = *cap ? *cap : 16;
  while (n < need) {
    if (n > SIZE_MAX / 2)
      return CM_ENOMEM;
    n *= 2;
  }
  if (item_size == 0 || n > SIZE_MAX / item_size)
    return CM_ENOMEM;
  void *p = realloc(*items, n * item_size);
  if (!p)
    return CM_ENOMEM;
  *items = p;
  *cap = n;
  return CM_OK;
}
