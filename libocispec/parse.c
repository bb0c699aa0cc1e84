/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Typed readers over the JSON tree with path-naming errors (see parse.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int op_ctx_init(op_ctx *c) {
  memset(c, 0, sizeof *c);
  c->cap = 64;
  c->path = malloc(c->cap);
  if (c->path == NULL)
    return -1;
  c->path[0] = '\0';
  return 0;
}

void op_ctx_clear(op_ctx *c) {
  free(c->path);
  free(c->err);
  memset(c, 0, sizeof *c);
}

char *op_ctx_take_error(op_ctx *c) {
  char *e = c->err;
  c->err = NULL;
  op_ctx_clear(c);
  return e ? e : strdup("out of memory");
}

int op_fail(op_ctx *c, const char *fmt, ...) {
  if (c->err)
    return -1; /* keep the first, innermost error */
  char *msg = NULL;
  va_list ap;
  va_start(ap, fmt);
  int r = vasprintf(&msg, fmt, ap);
  va_end(ap);
  if (r < 0)
    return -1;
  if (c->len == 0) {
    c->err = msg;
    return -1;
  }
  if (asprintf(&c->err, "%s: %s", c->path, msg) < 0)
    c->err = NULL;
  free(msg);
  return -1;
}

static size_t push(op_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t push(op_ctx *c, const char *fmt, ...) {
  size_t mark = c->len;
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int r = vsnprintf(c->path + c->len, c->cap - c->len, fmt, ap);
    va_end(ap);
    if (r < 0)
      return mark;
    if ((size_t)r < c->cap - c->len) {
      c->len += (size_t)r;
      return mark;
    }
    size_t cap = (c->len + (size_t)r + 1) * 2;
    char *p = realloc(c->path, cap);
    if (p == NULL) {
      c->oom = true;
      c->path[mark] = '\0';
      return mark;
    }
    c->path = p;
    c->cap = cap;
  }
}

size_t op_push_key(op_ctx *c, const char *key) {
  return push(c, c->len ? ".%s" : "%s", key);
}

size_t op_push_index(op_ctx *c, size_t i) { return push(c, "[%zu]", i); }

size_t op_push_map_key(op_ctx *c, const char *key) {
  return push(c, "[\"%s\"]", key);
}

void op_pop(op_ctx *c, size_t mark) {
  c->len = mark;
  c->path[mark] = '\0';
}

/* How a value is shown after "got": strings quoted and cut short, numbers as
 * written, containers by kind. */
static void describe(const oj_node *n, char *buf, size_t size) {
  enum { MAX_SHOWN = 48 };
  switch (n->kind) {
  case OJ_NULL:
    snprintf(buf, size, "null");
    return;
  case OJ_BOOL:
    snprintf(buf, size, "%s", n->boolean ? "true" : "false");
    return;
  case OJ_OBJECT:
    snprintf(buf, size, "an object");
    return;
  case OJ_ARRAY:
    snprintf(buf, size, "an array");
    return;
  case OJ_NUMBER:
  case OJ_STRING:
    break;
  }
  bool quote = n->kind == OJ_STRING;
  size_t o = 0, i;
  if (quote)
    buf[o++] = '"';
  for (i = 0; i < n->text_len && i < MAX_SHOWN && o + 8 < size; i++) {
    unsigned char ch = (unsigned char)n->text[i];
    buf[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
  }
  if (i < n->text_len) {
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  if (quote)
    buf[o++] = '"';
  buf[o] = '\0';
}

static int type_error(op_ctx *c, const oj_node *n, const char *expected) {
  char got[80];
  describe(n, got, sizeof got);
  return op_fail(c, "expected %s, got %s", expected, got);
}

int op_field(op_ctx *c, const oj_node *obj, const char *key, bool required,
             const oj_node **out) {
  const oj_node *v = oj_get(obj, key);
  if (v && v->kind == OJ_NULL)
    v = NULL;
  *out = v;
  if (v == NULL && required)
    return op_fail(c, "missing required field \"%s\"", key);
  return 0;
}

int op_expect_object(op_ctx *c, const oj_node *n) {
  return n->kind == OJ_OBJECT ? 0 : type_error(c, n, "an object");
}

int op_expect_top_object(op_ctx *c, const oj_node *n) {
  if (n->kind == OJ_OBJECT)
    return 0;
  char got[80];
  describe(n, got, sizeof got);
  return op_fail(c, "expected a JSON object at the top level, got %s", got);
}

int op_value_string(op_ctx *c, const oj_node *n, char **out) {
  if (n->kind != OJ_STRING)
    return type_error(c, n, "a string");
  /* A \u0000 would silently cut the C string short (a path, an argument). */
  if (strlen(n->text) != n->text_len)
    return op_fail(c, "string contains a NUL character");
  *out = strdup(n->text);
  if (*out == NULL)
    return op_fail(c, "out of memory");
  return 0;
}

/* Integer literal without fraction or exponent: JSON allows 1.0 and 1e3 but
 * like Go's encoding/json we take neither for an integer field. */
static bool is_integer_text(const oj_node *n) {
  return n->kind == OJ_NUMBER && strpbrk(n->text, ".eE") == NULL;
}

/* Magnitude of the decimal digits of `s`; false when above UINT64_MAX. */
static bool digits_to_u64(const char *s, uint64_t *out) {
  uint64_t v = 0;
  for (; *s; s++) {
    unsigned d = (unsigned)(*s - '0');
    if (v > (UINT64_MAX - d) / 10)
      return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

int op_value_uint(op_ctx *c, const oj_node *n, uint64_t max, const char *type,
                  uint64_t *out) {
  if (!is_integer_text(n))
    return type_error(c, n, "a non-negative integer");
  const char *t = n->text;
  uint64_t v;
  if (t[0] == '-') {
    if (digits_to_u64(t + 1, &v) && v == 0) { /* "-0" */
      *out = 0;
      return 0;
    }
    return type_error(c, n, "a non-negative integer");
  }
  if (!digits_to_u64(t, &v) || v > max)
    return op_fail(c, "value %s is out of range for %s", t, type);
  *out = v;
  return 0;
}

int op_value_int(op_ctx *c, const oj_node *n, int64_t min, int64_t max,
                 const char *type, int64_t *out) {
  if (!is_integer_text(n))
    return type_error(c, n, "an integer");
  const char *t = n->text;
  bool neg = t[0] == '-';
  uint64_t mag;
  int64_t v;
  if (neg && min >= 0 && !(digits_to_u64(t + 1, &mag) && mag == 0))
    return type_error(c, n, "a non-negative integer");
  if (!digits_to_u64(t + neg, &mag))
    goto range;
  if (neg) {
    if (mag > (uint64_t)INT64_MAX + 1)
      goto range;
    v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
  } else {
    if (mag > (uint64_t)INT64_MAX)
      goto range;
    v = (int64_t)mag;
  }
  if (v < min || v > max)
    goto range;
  *out = v;
  return 0;
range:
  return op_fail(c, "value %s is out of range for %s", t, type);
}

int op_str(op_ctx *c, const oj_node *obj, const char *key, bool required, char **out) {
  const oj_node *v;
  if (op_field(c, obj, key, required, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  size_t m = op_push_key(c, key);
  free(*out); /* a repeated parse target: keep no stale value */
  *out = NULL;
  int r = op_value_string(c, v, out);
  op_pop(c, m);
  return r;
}

int op_bool(op_ctx *c, const oj_node *obj, const char *key, bool *out, bool *has) {
  const oj_node *v;
  if (op_field(c, obj, key, false, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  if (v->kind != OJ_BOOL) {
    size_t m = op_push_key(c, key);
    type_error(c, v, "a boolean");
    op_pop(c, m);
    return -1;
  }
  *out = v->boolean;
  if (has)
    *has = true;
  return 0;
}

int op_uint(op_ctx *c, const oj_node *obj, const char *key, bool required,
            uint64_t max, const char *type, uint64_t *out, bool *has) {
  const oj_node *v;
  if (op_field(c, obj, key, required, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  size_t m = op_push_key(c, key);
  int r = op_value_uint(c, v, max, type, out);
  op_pop(c, m);
  if (r == 0 && has)
    *has = true;
  return r;
}

int op_int(op_ctx *c, const oj_node *obj, const char *key, bool required,
           int64_t min, int64_t max, const char *type, int64_t *out, bool *has) {
  const oj_node *v;
  if (op_field(c, obj, key, required, &v) < 0)
    return -1;
  if (v == NULL)
    return 0;
  size_t m = op_push_key(c, key);
  int r = op_value_int(c, v, min, max, type, out);
  op_pop(c, m);
  if (r == 0 && has)
    *has = true;
  return r;
}

int op_u64(op_ctx *c, const oj_node *obj, const char *key, bool required,
           uint64_t *out, bool *has) {
  return op_uint(c, obj, key, required, UINT64_MAX, "uint64", out, has);
}

int op_u32(op_ctx *c, const oj_node *obj, const char *key, bool required,
           uint32_t *out, bool *has) {
  uint64_t v;
  bool h = false;
  if (op_uint(c, obj, key, required, UINT32_MAX, "uint32", &v, &h) < 0)
    return -1;
  if (h) {
    *out = (uint32_t)v;
    if (has)
      *has = true;
  }
  return 0;
}

int op_u16(op_ctx *c, const oj_node *obj, const char *key, bool required,
           uint16_t *out, bool *has) {
  uint64_t v;
  bool h = false;
  if (op_uint(c, obj, key, required, UINT16_MAX, "uint16", &v, &h) < 0)
    return -1;
  if (h) {
    *out = (uint16_t)v;
    if (has)
      *has = true;
  }
  return 0;
}

int op_i64(op_ctx *c, const oj_node *obj, const char *key, bool required,
           int64_t *out, bool *has) {
  return op_int(c, obj, key, required, INT64_MIN, INT64_MAX, "int64", out, has);
}

int op_i32(op_ctx *c, const oj_node *obj, const char *key, bool required,
           int32_t *out, bool *has) {
  int64_t v;
  bool h = false;
  if (op_int(c, obj, key, required, INT32_MIN, INT32_MAX, "int32", &v, &h) < 0)
    return -1;
  if (h) {
    *out = (int32_t)v;
    if (has)
      *has = true;
  }
  return 0;
}

/* The array field `key`, NULL when absent; error when not an array. */
static int get_array(op_ctx *c, const oj_node *obj, const char *key,
                     const oj_node **out) {
  if (op_field(c, obj, key, false, out) < 0)
    return -1;
  if (*out && (*out)->kind != OJ_ARRAY) {
    size_t m = op_push_key(c, key);
    type_error(c, *out, "an array");
    op_pop(c, m);
    return -1;
  }
  return 0;
}

static int get_object(op_ctx *c, const oj_node *obj, const char *key,
                      bool required, const oj_node **out) {
  if (op_field(c, obj, key, required, out) < 0)
    return -1;
  if (*out && (*out)->kind != OJ_OBJECT) {
    size_t m = op_push_key(c, key);
    type_error(c, *out, "an object");
    op_pop(c, m);
    return -1;
  }
  return 0;
}

int op_obj(op_ctx *c, const oj_node *obj, const char *key, bool required,
           const oj_node **out) {
  return get_object(c, obj, key, required, out);
}

int op_strv(op_ctx *c, const oj_node *obj, const char *key, char ***out, size_t *n) {
  const oj_node *a;
  if (get_array(c, obj, key, &a) < 0)
    return -1;
  if (a == NULL)
    return 0;
  char **v = calloc(a->n + 1, sizeof *v);
  if (v == NULL)
    return op_fail(c, "out of memory");
  *out = v;
  *n = a->n;
  size_t m = op_push_key(c, key);
  for (size_t i = 0; i < a->n; i++) {
    size_t mi = op_push_index(c, i);
    if (op_value_string(c, a->items[i], &v[i]) < 0)
      return -1;
    op_pop(c, mi);
  }
  op_pop(c, m);
  return 0;
}

int op_u32v(op_ctx *c, const oj_node *obj, const char *key, uint32_t **out, size_t *n) {
  const oj_node *a;
  if (get_array(c, obj, key, &a) < 0)
    return -1;
  if (a == NULL)
    return 0;
  uint32_t *v = calloc(a->n + 1, sizeof *v);
  if (v == NULL)
    return op_fail(c, "out of memory");
  *out = v;
  *n = a->n;
  size_t m = op_push_key(c, key);
  for (size_t i = 0; i < a->n; i++) {
    size_t mi = op_push_index(c, i);
    uint64_t x;
    if (op_value_uint(c, a->items[i], UINT32_MAX, "uint32", &x) < 0)
      return -1;
    v[i] = (uint32_t)x;
    op_pop(c, mi);
  }
  op_pop(c, m);
  return 0;
}

int op_map(op_ctx *c, const oj_node *obj, const char *key, oci_map *out) {
  const oj_node *o;
  if (get_object(c, obj, key, false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  oci_map_clear(out);
  out->keys = calloc(o->n + 1, sizeof *out->keys);
  out->values = calloc(o->n + 1, sizeof *out->values);
  if (out->keys == NULL || out->values == NULL)
    return op_fail(c, "out of memory");
  size_t m = op_push_key(c, key);
  for (size_t i = 0; i < o->n; i++) {
    size_t mi = op_push_map_key(c, o->keys[i]);
    char *val = NULL;
    if (op_value_string(c, o->items[i], &val) < 0)
      return -1;
    op_pop(c, mi);
    size_t j;
    for (j = 0; j < out->len; j++)
      if (strcmp(out->keys[j], o->keys[i]) == 0)
        break;
    if (j < out->len) {
      free(out->values[j]);
      out->values[j] = val;
      continue;
    }
    out->keys[j] = strdup(o->keys[i]);
    out->values[j] = val;
    out->len++;
    if (out->keys[j] == NULL)
      return op_fail(c, "out of memory");
  }
  op_pop(c, m);
  return 0;
}

int op_obj_array(op_ctx *c, const oj_node *obj, const char *key, size_t size,
                 void *out, size_t *n, op_item_fn fn) {
  const oj_node *a;
  if (get_array(c, obj, key, &a) < 0)
    return -1;
  if (a == NULL)
    return 0;
  char *v = calloc(a->n + 1, size);
  if (v == NULL)
    return op_fail(c, "out of memory");
  *(void **)out = v;
  *n = a->n;
  size_t m = op_push_key(c, key);
  for (size_t i = 0; i < a->n; i++) {
    size_t mi = op_push_index(c, i);
    if (op_expect_object(c, a->items[i]) < 0 || fn(c, a->items[i], v + i * size) < 0)
      return -1;
    op_pop(c, mi);
  }
  op_pop(c, m);
  return 0;
}

int op_obj_map(op_ctx *c, const oj_node *obj, const char *key, size_t size,
               void *out, size_t *n, op_entry_fn fn) {
  const oj_node *o;
  if (get_object(c, obj, key, false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  char *v = calloc(o->n + 1, size);
  if (v == NULL)
    return op_fail(c, "out of memory");
  *(void **)out = v;
  *n = 0;
  size_t m = op_push_key(c, key);
  for (size_t i = 0; i < o->n; i++) {
    if (oj_get(o, o->keys[i]) != o->items[i])
      continue; /* a repeated key: the last one wins, as in a Go map */
    size_t mi = op_push_map_key(c, o->keys[i]);
    if (op_expect_object(c, o->items[i]) < 0)
      return -1;
    /* counted before filling, so that _free() sees it on failure */
    char *elem = v + (*n)++ * size;
    if (fn(c, o->keys[i], o->items[i], elem) < 0)
      return -1;
    op_pop(c, mi);
  }
  op_pop(c, m);
  return 0;
}
