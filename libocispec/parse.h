/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Typed field readers over the oj_node tree, shared by the config, state and
 * features parsers. They keep the JSON path of the value being read so that
 * every error names it: `process.rlimits[0].soft: ...`.
 *
 * Conventions: every reader returns 0 or -1 (with ctx->err set); a missing
 * field or a JSON null is "absent"; absent optional fields leave the output
 * untouched; allocated results are stored in the output at once, so that the
 * caller's _free() releases them even when a later field fails. Only types,
 * integer ranges and required fields are checked, never enum values. */
#ifndef OCISPEC_PARSE_H
#define OCISPEC_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "oci_spec.h"

typedef struct {
  char *path; /* "" at the top of the document */
  size_t len;
  size_t cap;
  bool oom;
  char *err; /* the first error, "path: message" */
} op_ctx;

int op_ctx_init(op_ctx *c);
/* Hand the error out (allocated; "out of memory" as a fallback) and free the
 * context. */
char *op_ctx_take_error(op_ctx *c);
void op_ctx_clear(op_ctx *c);

/* Set the error for the current path. Returns -1. */
int op_fail(op_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Path stack: push returns a mark for op_pop. */
size_t op_push_key(op_ctx *c, const char *key);     /* .key */
size_t op_push_index(op_ctx *c, size_t i);          /* [i] */
size_t op_push_map_key(op_ctx *c, const char *key); /* ["key"] */
void op_pop(op_ctx *c, size_t mark);

/* The field `key` of `obj`, NULL when missing or null. With `required`, a
 * missing field is an error ("missing required field"); *out is NULL then. */
int op_field(op_ctx *c, const oj_node *obj, const char *key, bool required,
             const oj_node **out);

/* Check the node at the current path is an object / array / the top-level
 * document is an object. */
int op_expect_object(op_ctx *c, const oj_node *n);
int op_expect_top_object(op_ctx *c, const oj_node *n);

/* Values at the current path. */
int op_value_string(op_ctx *c, const oj_node *n, char **out);
int op_value_uint(op_ctx *c, const oj_node *n, uint64_t max, const char *type,
                  uint64_t *out);
int op_value_int(op_ctx *c, const oj_node *n, int64_t min, int64_t max,
                 const char *type, int64_t *out);

/* Fields of an object. `has` may be NULL; it is set to true when present. */
int op_str(op_ctx *c, const oj_node *obj, const char *key, bool required, char **out);
int op_bool(op_ctx *c, const oj_node *obj, const char *key, bool *out, bool *has);
int op_uint(op_ctx *c, const oj_node *obj, const char *key, bool required,
            uint64_t max, const char *type, uint64_t *out, bool *has);
int op_int(op_ctx *c, const oj_node *obj, const char *key, bool required,
           int64_t min, int64_t max, const char *type, int64_t *out, bool *has);
int op_u64(op_ctx *c, const oj_node *obj, const char *key, bool required,
           uint64_t *out, bool *has);
int op_u32(op_ctx *c, const oj_node *obj, const char *key, bool required,
           uint32_t *out, bool *has);
int op_u16(op_ctx *c, const oj_node *obj, const char *key, bool required,
           uint16_t *out, bool *has);
int op_i64(op_ctx *c, const oj_node *obj, const char *key, bool required,
           int64_t *out, bool *has);
int op_i32(op_ctx *c, const oj_node *obj, const char *key, bool required,
           int32_t *out, bool *has);
/* Array of strings: NULL-terminated as well as counted; an empty array
 * gives a non-NULL pointer so that writing it back keeps it. */
int op_strv(op_ctx *c, const oj_node *obj, const char *key, char ***out, size_t *n);
/* Array of uint32. */
int op_u32v(op_ctx *c, const oj_node *obj, const char *key, uint32_t **out, size_t *n);
/* Object of strings, in document order; a repeated key keeps its last value. */
int op_map(op_ctx *c, const oj_node *obj, const char *key, oci_map *out);

/* Sub-object `key`: *out NULL when absent. */
int op_obj(op_ctx *c, const oj_node *obj, const char *key, bool required,
           const oj_node **out);

/* Array of objects: allocates `*out` (zeroed elements of `size` bytes, count
 * in *n) and calls fn on each, with the path set to `key[i]`. */
typedef int (*op_item_fn)(op_ctx *c, const oj_node *item, void *elem);
int op_obj_array(op_ctx *c, const oj_node *obj, const char *key, size_t size,
                 void *out, size_t *n, op_item_fn fn);

/* Object used as a map of objects (netDevices, rdma): allocates `*out` as
 * above and calls fn with the key, the path set to `key["name"]`. */
typedef int (*op_entry_fn)(op_ctx *c, const char *name, const oj_node *value,
                           void *elem);
int op_obj_map(op_ctx *c, const oj_node *obj, const char *key, size_t size,
               void *out, size_t *n, op_entry_fn fn);

#endif
