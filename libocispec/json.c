/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The only file of skiff that talks to yajl: it builds the oj_node tree from
 * yajl's parse callbacks and implements the oci_jw_* writer on yajl_gen. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "json.h"
#include "oci_json.h"

/* Deep enough for any real document, shallow enough that the recursive
 * walkers (free, spec parsers) cannot run out of stack on hostile input. */
#define OJ_MAX_DEPTH 256

/* ---- reading ---- */

typedef struct {
  oj_node *root;
  oj_node *cur; /* the open container values are added to */
  char *key;    /* key waiting for its value when cur is an object */
  size_t depth;
  const char *why; /* reason when a callback cancels the parse */
} builder;

static int add_node(builder *b, oj_node *n) {
  if (b->cur == NULL) {
    b->root = n;
    return 0;
  }
  oj_node *p = b->cur;
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 4;
    oj_node **items = realloc(p->items, cap * sizeof *items);
    if (items == NULL)
      return -1;
    p->items = items;
    if (p->kind == OJ_OBJECT) {
      char **keys = realloc(p->keys, cap * sizeof *keys);
      if (keys == NULL)
        return -1;
      p->keys = keys;
    }
    p->cap = cap;
  }
  if (p->kind == OJ_OBJECT) {
    p->keys[p->n] = b->key;
    b->key = NULL;
  }
  p->items[p->n++] = n;
  n->parent = p;
  return 0;
}

static oj_node *new_node(builder *b, oj_kind kind) {
  oj_node *n = calloc(1, sizeof *n);
  if (n == NULL) {
    b->why = "out of memory";
    return NULL;
  }
  n->kind = kind;
  if (add_node(b, n) < 0) {
    free(n);
    b->why = "out of memory";
    return NULL;
  }
  return n;
}

static int on_null(void *ctx) { return new_node(ctx, OJ_NULL) != NULL; }

static int on_bool(void *ctx, int v) {
  oj_node *n = new_node(ctx, OJ_BOOL);
  if (n == NULL)
    return 0;
  n->boolean = v != 0;
  return 1;
}

static int set_text(builder *b, oj_node *n, const unsigned char *s, size_t len) {
  n->text = malloc(len + 1);
  if (n->text == NULL) {
    b->why = "out of memory";
    return 0;
  }
  memcpy(n->text, s, len);
  n->text[len] = '\0';
  n->text_len = len;
  return 1;
}

static int on_number(void *ctx, const char *s, size_t len) {
  oj_node *n = new_node(ctx, OJ_NUMBER);
  return n != NULL && set_text(ctx, n, (const unsigned char *)s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len) {
  oj_node *n = new_node(ctx, OJ_STRING);
  return n != NULL && set_text(ctx, n, s, len);
}

static int open_container(builder *b, oj_kind kind) {
  if (b->depth >= OJ_MAX_DEPTH) {
    b->why = "nested deeper than 256 levels";
    return 0;
  }
  oj_node *n = new_node(b, kind);
  if (n == NULL)
    return 0;
  b->cur = n;
  b->depth++;
  return 1;
}

static int close_container(void *ctx) {
  builder *b = ctx;
  b->cur = b->cur->parent;
  b->depth--;
  return 1;
}

static int on_start_map(void *ctx) { return open_container(ctx, OJ_OBJECT); }
static int on_start_array(void *ctx) { return open_container(ctx, OJ_ARRAY); }

static int on_map_key(void *ctx, const unsigned char *s, size_t len) {
  builder *b = ctx;
  free(b->key);
  b->key = malloc(len + 1);
  if (b->key == NULL) {
    b->why = "out of memory";
    return 0;
  }
  /* A key with an embedded \u0000 must not match a field name that is its
   * prefix ("cwd\u0000x" is not "cwd"): 0xff never occurs in UTF-8. */
  for (size_t i = 0; i < len; i++)
    b->key[i] = s[i] ? (char)s[i] : (char)0xff;
  b->key[len] = '\0';
  return 1;
}

static const yajl_callbacks callbacks = {
    .yajl_null = on_null,
    .yajl_boolean = on_bool,
    .yajl_number = on_number,
    .yajl_string = on_string,
    .yajl_start_map = on_start_map,
    .yajl_map_key = on_map_key,
    .yajl_end_map = close_container,
    .yajl_start_array = on_start_array,
    .yajl_end_array = close_container,
};

void oj_free(oj_node *n) {
  if (n == NULL)
    return;
  for (size_t i = 0; i < n->n; i++) {
    if (n->keys)
      free(n->keys[i]);
    oj_free(n->items[i]);
  }
  free(n->keys);
  free(n->items);
  free(n->text);
  free(n);
}

static char *dup_error(const char *msg, size_t offset) {
  char *out = NULL;
  size_t len = strlen(msg);
  while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
    len--;
  if (asprintf(&out, "%.*s at byte %zu", (int)len, msg, offset) < 0)
    return NULL;
  return out;
}

oj_node *oj_parse(const char *data, size_t len, char **err) {
  builder b = {0};
  yajl_handle h = yajl_alloc(&callbacks, NULL, &b);
  if (h == NULL) {
    *err = strdup("out of memory");
    return NULL;
  }
  yajl_status st = yajl_parse(h, (const unsigned char *)data, len);
  /* The offset is yajl's count of bytes consumed, i.e. the 1-based position
   * of the offending character; an error at the end (premature EOF) is at
   * the length of the document. */
  size_t off = yajl_get_bytes_consumed(h);
  if (st == yajl_status_ok) {
    st = yajl_complete_parse(h);
    off = len;
  }
  if (st != yajl_status_ok) {
    if (st == yajl_status_client_canceled) {
      char *msg = NULL;
      if (asprintf(&msg, "parse error: %s", b.why ? b.why : "cancelled") >= 0) {
        *err = dup_error(msg, off);
        free(msg);
      }
    } else {
      unsigned char *msg = yajl_get_error(h, 0, (const unsigned char *)data, len);
      *err = dup_error(msg ? (const char *)msg : "parse error", off);
      if (msg)
        yajl_free_error(h, msg);
    }
    yajl_free(h);
    free(b.key);
    oj_free(b.root);
    return NULL;
  }
  yajl_free(h);
  free(b.key);
  if (b.root == NULL) {
    *err = strdup("parse error: empty document at byte 0");
    return NULL;
  }
  return b.root;
}

const oj_node *oj_get(const oj_node *obj, const char *key) {
  if (obj == NULL || obj->kind != OJ_OBJECT)
    return NULL;
  for (size_t i = obj->n; i > 0; i--)
    if (strcmp(obj->keys[i - 1], key) == 0)
      return obj->items[i - 1];
  return NULL;
}

char *oci_json_get_top_string(const char *data, size_t len, const char *key) {
  char *err = NULL;
  oj_node *root = oj_parse(data, len, &err);
  free(err);
  if (root == NULL)
    return NULL;
  char *out = NULL;
  const oj_node *v = oj_get(root, key);
  if (v && (v->kind == OJ_STRING || v->kind == OJ_NUMBER))
    out = strdup(v->text);
  oj_free(root);
  return out;
}

/* ---- writing ---- */

struct oci_json_writer {
  yajl_gen g;
  bool failed;
  size_t depth; /* open objects and arrays, to catch unfinished documents */
  bool pretty;
};

oci_json_writer *oci_jw_new(bool pretty) {
  oci_json_writer *w = calloc(1, sizeof *w);
  if (w == NULL)
    return NULL;
  w->g = yajl_gen_alloc(NULL);
  if (w->g == NULL) {
    free(w);
    return NULL;
  }
  w->pretty = pretty;
  return w;
}

static void check(oci_json_writer *w, yajl_gen_status st) {
  if (st != yajl_gen_status_ok)
    w->failed = true;
}

/* Every entry point accepts the NULL of a failed oci_jw_new(), so callers
 * need to check only the result of oci_jw_finish(). */
void oci_jw_begin_object(oci_json_writer *w) {
  if (w == NULL)
    return;
  check(w, yajl_gen_map_open(w->g));
  w->depth++;
}

void oci_jw_end_object(oci_json_writer *w) {
  if (w == NULL)
    return;
  check(w, yajl_gen_map_close(w->g));
  w->depth--;
}

void oci_jw_begin_array(oci_json_writer *w) {
  if (w == NULL)
    return;
  check(w, yajl_gen_array_open(w->g));
  w->depth++;
}

void oci_jw_end_array(oci_json_writer *w) {
  if (w == NULL)
    return;
  check(w, yajl_gen_array_close(w->g));
  w->depth--;
}

/* Length of the valid UTF-8 sequence at s (at most `left` bytes), 0 if
 * invalid: overlong forms, surrogates and code points above U+10FFFF are
 * rejected as RFC 3629 requires. */
static size_t utf8_seq_len(const unsigned char *s, size_t left) {
  unsigned char c = s[0];
  size_t n;
  unsigned int cp;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (left < n)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

/* yajl_gen copies invalid UTF-8 through as is, which makes the document
 * unreadable for strict parsers: write U+FFFD for each bad byte instead. */
static void write_string(oci_json_writer *w, const char *s) {
  if (w == NULL)
    return;
  const unsigned char *u = (const unsigned char *)s;
  size_t len = strlen(s), i = 0;
  while (i < len) {
    size_t k = utf8_seq_len(u + i, len - i);
    if (k == 0)
      break;
    i += k;
  }
  if (i == len) {
    check(w, yajl_gen_string(w->g, u, len));
    return;
  }
  unsigned char *fixed = malloc(len * 3 + 1);
  if (fixed == NULL) {
    w->failed = true;
    return;
  }
  size_t o = 0;
  for (i = 0; i < len;) {
    size_t k = utf8_seq_len(u + i, len - i);
    if (k == 0) {
      memcpy(fixed + o, "\xef\xbf\xbd", 3);
      o += 3;
      i++;
    } else {
      memcpy(fixed + o, u + i, k);
      o += k;
      i += k;
    }
  }
  check(w, yajl_gen_string(w->g, fixed, o));
  free(fixed);
}

void oci_jw_key(oci_json_writer *w, const char *key) {
  if (w == NULL)
    return;
  if (key == NULL) {
    w->failed = true;
    return;
  }
  write_string(w, key);
}

void oci_jw_string(oci_json_writer *w, const char *s) {
  if (s == NULL)
    oci_jw_null(w);
  else
    write_string(w, s);
}

static void write_number_text(oci_json_writer *w, const char *text) {
  if (w == NULL)
    return;
  check(w, yajl_gen_number(w->g, text, strlen(text)));
}

void oci_jw_int(oci_json_writer *w, int64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)v);
  write_number_text(w, buf);
}

void oci_jw_uint(oci_json_writer *w, uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
  write_number_text(w, buf);
}

/* The shortest of %.15g..%.17g that reads back as the same double; JSON has
 * no NaN or infinities, those are written as null. */
void oci_jw_double(oci_json_writer *w, double v) {
  if (!isfinite(v)) {
    oci_jw_null(w);
    return;
  }
  char buf[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v)
      break;
  }
  write_number_text(w, buf);
}

void oci_jw_bool(oci_json_writer *w, bool v) {
  if (w)
    check(w, yajl_gen_bool(w->g, v));
}

void oci_jw_null(oci_json_writer *w) {
  if (w)
    check(w, yajl_gen_null(w->g));
}

void oci_jw_kv_string(oci_json_writer *w, const char *key, const char *s) {
  oci_jw_key(w, key);
  oci_jw_string(w, s);
}

void oci_jw_kv_int(oci_json_writer *w, const char *key, int64_t v) {
  oci_jw_key(w, key);
  oci_jw_int(w, v);
}

void oci_jw_kv_uint(oci_json_writer *w, const char *key, uint64_t v) {
  oci_jw_key(w, key);
  oci_jw_uint(w, v);
}

void oci_jw_kv_bool(oci_json_writer *w, const char *key, bool v) {
  oci_jw_key(w, key);
  oci_jw_bool(w, v);
}

/* Indent a compact document with tabs the way Go's json.MarshalIndent does
 * (what runc writes): "{}" and "[]" stay on one line, where yajl's beautify
 * mode would leave a blank line inside. */
static char *indent(const unsigned char *in, size_t len) {
  char *out = NULL;
  size_t out_len = 0;
  FILE *f = open_memstream(&out, &out_len);
  if (f == NULL)
    return NULL;
  size_t level = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = in[i];
    if (in_string) {
      fputc(ch, f);
      if (ch == '\\' && i + 1 < len)
        fputc(in[++i], f);
      else if (ch == '"')
        in_string = false;
      continue;
    }
    switch (ch) {
    case '"':
      in_string = true;
      fputc(ch, f);
      break;
    case '{':
    case '[':
      fputc(ch, f);
      if (i + 1 < len && (in[i + 1] == '}' || in[i + 1] == ']')) {
        fputc(in[++i], f);
        break;
      }
      level++;
      fputc('\n', f);
      for (size_t k = 0; k < level; k++)
        fputc('\t', f);
      break;
    case '}':
    case ']':
      level--;
      fputc('\n', f);
      for (size_t k = 0; k < level; k++)
        fputc('\t', f);
      fputc(ch, f);
      break;
    case ',':
      fputc(',', f);
      fputc('\n', f);
      for (size_t k = 0; k < level; k++)
        fputc('\t', f);
      break;
    case ':':
      fputs(": ", f);
      break;
    default:
      fputc(ch, f);
    }
  }
  if (fclose(f) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

char *oci_jw_finish(oci_json_writer *w) {
  if (w == NULL)
    return NULL;
  char *out = NULL;
  const unsigned char *buf;
  size_t len;
  if (!w->failed && w->depth == 0 &&
      yajl_gen_get_buf(w->g, &buf, &len) == yajl_gen_status_ok && len > 0) {
    if (w->pretty) {
      out = indent(buf, len);
    } else {
      out = malloc(len + 1);
      if (out) {
        memcpy(out, buf, len);
        out[len] = '\0';
      }
    }
  }
  oci_jw_free(w);
  return out;
}

void oci_jw_free(oci_json_writer *w) {
  if (w == NULL)
    return;
  yajl_gen_free(w->g);
  free(w);
}
