/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The features document (features.md, features-schema.json and
 * features-linux.json). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* `{"enabled": bool}` objects: linux.<key>.enabled */
static int parse_enabled(op_ctx *c, const oj_node *obj, const char *key, bool *out) {
  const oj_node *o;
  if (op_obj(c, obj, key, false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, key);
  if (op_bool(c, o, "enabled", out, NULL) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_cgroup(op_ctx *c, const oj_node *obj, oci_features *f) {
  const oj_node *o;
  if (op_obj(c, obj, "cgroup", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, "cgroup");
  if (op_bool(c, o, "v1", &f->cgroup_v1, NULL) < 0 ||
      op_bool(c, o, "v2", &f->cgroup_v2, NULL) < 0 ||
      op_bool(c, o, "systemd", &f->cgroup_systemd, NULL) < 0 ||
      op_bool(c, o, "systemdUser", &f->cgroup_systemd_user, NULL) < 0 ||
      op_bool(c, o, "rdma", &f->cgroup_rdma, NULL) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_seccomp(op_ctx *c, const oj_node *obj, oci_features *f) {
  const oj_node *o;
  if (op_obj(c, obj, "seccomp", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, "seccomp");
  if (op_bool(c, o, "enabled", &f->seccomp_enabled, NULL) < 0 ||
      op_strv(c, o, "actions", &f->seccomp_actions, &f->n_seccomp_actions) < 0 ||
      op_strv(c, o, "operators", &f->seccomp_operators, &f->n_seccomp_operators) < 0 ||
      op_strv(c, o, "archs", &f->seccomp_archs, &f->n_seccomp_archs) < 0 ||
      op_strv(c, o, "knownFlags", &f->seccomp_known_flags, &f->n_seccomp_known_flags) < 0 ||
      op_strv(c, o, "supportedFlags", &f->seccomp_supported_flags,
              &f->n_seccomp_supported_flags) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_mount_extensions(op_ctx *c, const oj_node *obj, oci_features *f) {
  const oj_node *o;
  if (op_obj(c, obj, "mountExtensions", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, "mountExtensions");
  if (parse_enabled(c, o, "idmap", &f->idmap_enabled) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_linux(op_ctx *c, const oj_node *obj, oci_features *f) {
  const oj_node *o;
  if (op_obj(c, obj, "linux", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, "linux");
  if (op_strv(c, o, "namespaces", &f->namespaces, &f->n_namespaces) < 0 ||
      op_strv(c, o, "capabilities", &f->capabilities, &f->n_capabilities) < 0 ||
      parse_cgroup(c, o, f) < 0 || parse_seccomp(c, o, f) < 0 ||
      parse_enabled(c, o, "apparmor", &f->apparmor_enabled) < 0 ||
      parse_enabled(c, o, "selinux", &f->selinux_enabled) < 0 ||
      parse_enabled(c, o, "intelRdt", &f->intel_rdt_enabled) < 0 ||
      parse_mount_extensions(c, o, f) < 0 ||
      parse_enabled(c, o, "netDevices", &f->net_devices_enabled) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_features(op_ctx *c, const oj_node *o, oci_features *f) {
  if (op_expect_top_object(c, o) < 0 ||
      op_str(c, o, "ociVersionMin", true, &f->oci_version_min) < 0 ||
      op_str(c, o, "ociVersionMax", true, &f->oci_version_max) < 0 ||
      op_strv(c, o, "hooks", &f->hooks, &f->n_hooks) < 0 ||
      op_strv(c, o, "mountOptions", &f->mount_options, &f->n_mount_options) < 0 ||
      op_map(c, o, "annotations", &f->annotations) < 0 ||
      op_strv(c, o, "potentiallyUnsafeConfigAnnotations",
              &f->potentially_unsafe_annotations,
              &f->n_potentially_unsafe_annotations) < 0 ||
      parse_linux(c, o, f) < 0)
    return -1;
  return 0;
}

oci_features *oci_features_parse_data(const char *data, size_t len, char **err) {
  *err = NULL;
  oj_node *root = oj_parse(data, len, err);
  if (root == NULL)
    return NULL;
  op_ctx c;
  oci_features *f = calloc(1, sizeof *f);
  if (f == NULL || op_ctx_init(&c) < 0) {
    free(f);
    oj_free(root);
    *err = strdup("out of memory");
    return NULL;
  }
  if (parse_features(&c, root, f) < 0) {
    *err = op_ctx_take_error(&c);
    oci_features_free(f);
    f = NULL;
  } else {
    op_ctx_clear(&c);
  }
  oj_free(root);
  return f;
}

static void write_enabled(oci_json_writer *w, const char *key, bool enabled) {
  oci_jw_key(w, key);
  oci_jw_begin_object(w);
  oci_jw_kv_bool(w, "enabled", enabled);
  oci_jw_end_object(w);
}

static void write_linux(oci_json_writer *w, const oci_features *f) {
  oci_jw_key(w, "linux");
  oci_jw_begin_object(w);
  oci_write_strv(w, "namespaces", f->namespaces, f->n_namespaces);
  oci_write_strv(w, "capabilities", f->capabilities, f->n_capabilities);
  oci_jw_key(w, "cgroup");
  oci_jw_begin_object(w);
  oci_jw_kv_bool(w, "v1", f->cgroup_v1);
  oci_jw_kv_bool(w, "v2", f->cgroup_v2);
  oci_jw_kv_bool(w, "systemd", f->cgroup_systemd);
  oci_jw_kv_bool(w, "systemdUser", f->cgroup_systemd_user);
  oci_jw_kv_bool(w, "rdma", f->cgroup_rdma);
  oci_jw_end_object(w);
  oci_jw_key(w, "seccomp");
  oci_jw_begin_object(w);
  oci_jw_kv_bool(w, "enabled", f->seccomp_enabled);
  oci_write_strv(w, "actions", f->seccomp_actions, f->n_seccomp_actions);
  oci_write_strv(w, "operators", f->seccomp_operators, f->n_seccomp_operators);
  oci_write_strv(w, "archs", f->seccomp_archs, f->n_seccomp_archs);
  oci_write_strv(w, "knownFlags", f->seccomp_known_flags, f->n_seccomp_known_flags);
  oci_write_strv(w, "supportedFlags", f->seccomp_supported_flags,
                 f->n_seccomp_supported_flags);
  oci_jw_end_object(w);
  write_enabled(w, "apparmor", f->apparmor_enabled);
  write_enabled(w, "selinux", f->selinux_enabled);
  write_enabled(w, "intelRdt", f->intel_rdt_enabled);
  oci_jw_key(w, "mountExtensions");
  oci_jw_begin_object(w);
  write_enabled(w, "idmap", f->idmap_enabled);
  oci_jw_end_object(w);
  write_enabled(w, "netDevices", f->net_devices_enabled);
  oci_jw_end_object(w);
}

char *oci_features_to_json(const oci_features *f, bool pretty) {
  oci_json_writer *w = oci_jw_new(pretty);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "ociVersionMin", f->oci_version_min ? f->oci_version_min : "1.0.0");
  oci_jw_kv_string(w, "ociVersionMax",
                   f->oci_version_max ? f->oci_version_max : OCI_SPEC_VERSION);
  oci_write_strv(w, "hooks", f->hooks, f->n_hooks);
  oci_write_strv(w, "mountOptions", f->mount_options, f->n_mount_options);
  oci_write_map(w, "annotations", &f->annotations);
  oci_write_strv(w, "potentiallyUnsafeConfigAnnotations", f->potentially_unsafe_annotations,
                 f->n_potentially_unsafe_annotations);
  write_linux(w, f);
  oci_jw_end_object(w);
  return oci_jw_finish(w);
}

void oci_features_free(oci_features *f) {
  if (f == NULL)
    return;
  free(f->oci_version_min);
  free(f->oci_version_max);
  oci_strv_free(f->hooks, f->n_hooks);
  oci_strv_free(f->mount_options, f->n_mount_options);
  oci_map_clear(&f->annotations);
  oci_strv_free(f->potentially_unsafe_annotations, f->n_potentially_unsafe_annotations);
  oci_strv_free(f->namespaces, f->n_namespaces);
  oci_strv_free(f->capabilities, f->n_capabilities);
  oci_strv_free(f->seccomp_actions, f->n_seccomp_actions);
  oci_strv_free(f->seccomp_operators, f->n_seccomp_operators);
  oci_strv_free(f->seccomp_archs, f->n_seccomp_archs);
  oci_strv_free(f->seccomp_known_flags, f->n_seccomp_known_flags);
  oci_strv_free(f->seccomp_supported_flags, f->n_seccomp_supported_flags);
  free(f);
}
