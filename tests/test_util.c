/* The growable array every list of the library uses: it doubles, keeps
 * what it held, and refuses a size whose byte count would wrap around
 * rather than allocating a short block. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util_internal.h"

#include <stdlib.h>

static void grows_and_keeps(void **state) {
  int *items = NULL;
  size_t cap = 0;
  for (int i = 0; i < 1000; i++) {
    assert_int_equal(cm__grow((void **)&items, &cap, (size_t)i + 1, sizeof *items), CM_OK);
    assert_true(cap >= (size_t)i + 1);
    items[i] = i * 7;
  }
  for (int i = 0; i < 1000; i++)
    assert_int_equal(items[i], i * 7);
  assert_int_equal(cap, 1024); /* 16 doubled six times */
  size_t before = cap;
  assert_int_equal(cm__grow((void **)&items, &cap, 10, sizeof *items), CM_OK);
  assert_int_equal(cap, before); /* room enough: unchanged */
  free(items);
}

static void refuses_wrapping_sizes(void **state) {
  char *items = NULL;
  size_t cap = 0;
  assert_int_equal(cm__grow((void **)&items, &cap, 4, SIZE_MAX / 2), CM_ENOMEM);
  assert_null(items);
  assert_int_equal(cap, 0);
  assert_int_equal(cm__grow((void **)&items, &cap, SIZE_MAX, 1), CM_ENOMEM);
  assert_int_equal(cm__grow((void **)&items, &cap, 1, 0), CM_ENOMEM);
  assert_int_equal(cm__grow((void **)&items, &cap, 100, 1), CM_OK);
  void *kept = items;
  size_t kept_cap = cap;
  assert_int_equal(cm__grow((void **)&items, &cap, SIZE_MAX / 2 + 2, 2), CM_ENOMEM);
  assert_ptr_equal(items, kept); /* a refusal leaves the array as it was */
  assert_int_equal(cap, kept_cap);
  free(items);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(grows_and_keeps),
      cmocka_unit_test(refuses_wrapping_sizes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
