/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small writer helpers shared by the config, state and features writers. */
#include "internal.h"

void oci_write_strv(oci_json_writer *w, const char *key, char *const *v, size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, key);
  oci_jw_begin_array(w);
  for (size_t i = 0; v && i < n; i++)
    oci_jw_string(w, v[i]);
  oci_jw_end_array(w);
}

void oci_write_map(oci_json_writer *w, const char *key, const oci_map *m) {
  if (m->keys == NULL && m->len == 0)
    return;
  oci_jw_key(w, key);
  oci_jw_begin_object(w);
  for (size_t i = 0; i < m->len; i++)
    oci_jw_kv_string(w, m->keys[i], m->values[i]);
  oci_jw_end_object(w);
}

void oci_write_id_mappings(oci_json_writer *w, const char *key,
                           const oci_id_mapping *v, size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, key);
  oci_jw_begin_array(w);
  for (size_t i = 0; v && i < n; i++) {
    oci_jw_begin_object(w);
    oci_jw_kv_uint(w, "containerID", v[i].container_id);
    oci_jw_kv_uint(w, "hostID", v[i].host_id);
    oci_jw_kv_uint(w, "size", v[i].size);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
}

void oci_write_opt_string(oci_json_writer *w, const char *key, const char *s) {
  if (s)
    oci_jw_kv_string(w, key, s);
}
