/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state document (runtime.md "State", state-schema.json). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int parse_state(op_ctx *c, const oj_node *o, oci_state *s) {
  int64_t pid = 0;
  bool has_pid = false;
  if (op_expect_top_object(c, o) < 0 ||
      op_str(c, o, "ociVersion", true, &s->oci_version) < 0 ||
      op_str(c, o, "id", true, &s->id) < 0 ||
      op_str(c, o, "status", true, &s->status) < 0 ||
      op_int(c, o, "pid", false, 0, INT_MAX, "a pid", &pid, &has_pid) < 0 ||
      op_str(c, o, "bundle", true, &s->bundle) < 0 ||
      op_map(c, o, "annotations", &s->annotations) < 0)
    return -1;
  s->has_pid = has_pid;
  s->pid = (int)pid;
  return 0;
}

oci_state *oci_state_parse_data(const char *data, size_t len, char **err) {
  *err = NULL;
  oj_node *root = oj_parse(data, len, err);
  if (root == NULL)
    return NULL;
  op_ctx c;
  oci_state *s = calloc(1, sizeof *s);
  if (s == NULL || op_ctx_init(&c) < 0) {
    free(s);
    oj_free(root);
    *err = strdup("out of memory");
    return NULL;
  }
  if (parse_state(&c, root, s) < 0) {
    *err = op_ctx_take_error(&c);
    oci_state_free(s);
    s = NULL;
  } else {
    op_ctx_clear(&c);
  }
  oj_free(root);
  return s;
}

char *oci_state_to_json(const oci_state *s, bool pretty) {
  oci_json_writer *w = oci_jw_new(pretty);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "ociVersion", s->oci_version ? s->oci_version : OCI_SPEC_VERSION);
  oci_jw_kv_string(w, "id", s->id);
  oci_jw_kv_string(w, "status", s->status);
  if (s->has_pid)
    oci_jw_kv_int(w, "pid", s->pid);
  oci_jw_kv_string(w, "bundle", s->bundle);
  oci_write_map(w, "annotations", &s->annotations);
  oci_jw_end_object(w);
  return oci_jw_finish(w);
}

void oci_state_free(oci_state *s) {
  if (s == NULL)
    return;
  free(s->oci_version);
  free(s->id);
  free(s->status);
  free(s->bundle);
  oci_map_clear(&s->annotations);
  free(s);
}
