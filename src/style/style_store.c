/* Storage for a parsed style: one arena for everything it keeps (so freeing
 * a style is one walk), and growable arrays for lists built while parsing. */

#include "style_internal.h"
#include "util_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK_SIZE = 8192 };

struct style_chunk {
  style_chunk *next;
  size_t used, size;
  max_align_t data[];
};

void *cm__style_alloc(style_arena *a, size_t size) {
  size_t align = sizeof(max_align_t);
  if (size > SIZE_MAX / 2) {
    a->failed = 1;
    return NULL;
  }
  size = size ? (size + align - 1) / align * align : align;
  style_chunk *c = a->head;
  if (!c || c->size - c->used < size) {
    size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
    c = malloc(sizeof *c + cap);
    if (!c) {
      a->failed = 1;
      return NULL;
    }
    c->next = a->head;
    c->used = 0;
    c->size = cap;
    a->head = c;
  }
  void *p = (char *)c->data + c->used;
  c->used += size;
  memset(p, 0, size);
  return p;
}

char *cm__style_strndup(style_arena *a, const char *s, size_t n) {
  char *copy = cm__style_alloc(a, n + 1);
  if (copy && n)
    memcpy(copy, s, n);
  return copy;
}

char *cm__style_strdup(style_arena *a, const char *s) {
  return cm__style_strndup(a, s, strlen(s));
}

void cm__style_arena_free(style_arena *a) {
  style_chunk *c = a->head;
  while (c) {
    style_chunk *next = c->next;
    free(c);
    c = next;
  }
  a->head = NULL;
}

void *cm__style_vec_push(style_vec *v) {
  if (cm__grow(&v->items, &v->cap, v->count + 1, v->size) != CM_OK)
    return NULL;
  char *slot = (char *)v->items + v->count * v->size;
  memset(slot, 0, v->size);
  v->count++;
  return slot;
}

void *cm__style_vec_at(const style_vec *v, size_t i) {
  return (char *)v->items + i * v->size;
}

void cm__style_vec_free(style_vec *v) {
  free(v->items);
  v->items = NULL;
  v->count = v->cap = 0;
}
