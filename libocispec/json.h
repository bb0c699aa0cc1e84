/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libocispec's internal JSON tree. json.c builds it with yajl (the only file
 * that includes yajl headers); the spec parsers walk it. Numbers keep their
 * source text so that 64-bit integers are never squeezed through a double. */
#ifndef OCISPEC_JSON_H
#define OCISPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
  OJ_NULL,
  OJ_BOOL,
  OJ_NUMBER,
  OJ_STRING,
  OJ_OBJECT,
  OJ_ARRAY,
} oj_kind;

typedef struct oj_node oj_node;
struct oj_node {
  oj_kind kind;
  bool boolean;      /* OJ_BOOL */
  char *text;        /* OJ_STRING: the value; OJ_NUMBER: the source text */
  size_t text_len;   /* may differ from strlen(text) if the string has \u0000 */
  char **keys;       /* OJ_OBJECT: keys[i] names items[i] */
  oj_node **items;   /* OJ_OBJECT values or OJ_ARRAY items */
  size_t n;
  size_t cap;
  oj_node *parent;   /* used while building */
};

/* Parse a whole document. On failure returns NULL and sets *err (malloc'd) to
 * yajl's message followed by " at byte N". */
oj_node *oj_parse(const char *data, size_t len, char **err);
void oj_free(oj_node *n);

/* Value of `key` in an object (the last one if the key repeats, as Go's
 * encoding/json does), or NULL. `obj` must be an OJ_OBJECT. */
const oj_node *oj_get(const oj_node *obj, const char *key);

#endif
