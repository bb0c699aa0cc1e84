/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing of the "linux" object of config.json, except resources and
 * seccomp which have their own files. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int oci_parse_id_mapping(op_ctx *c, const oj_node *obj, void *elem) {
  oci_id_mapping *m = elem;
  return (op_u32(c, obj, "containerID", true, &m->container_id, NULL) < 0 ||
          op_u32(c, obj, "hostID", true, &m->host_id, NULL) < 0 ||
          op_u32(c, obj, "size", true, &m->size, NULL) < 0)
             ? -1
             : 0;
}

static int parse_namespace(op_ctx *c, const oj_node *obj, void *elem) {
  oci_namespace *ns = elem;
  return (op_str(c, obj, "type", true, &ns->type) < 0 ||
          op_str(c, obj, "path", false, &ns->path) < 0)
             ? -1
             : 0;
}

static int parse_device(op_ctx *c, const oj_node *obj, void *elem) {
  oci_device *d = elem;
  uint64_t mode;
  bool has_mode = false;
  /* FileMode is 0..511 in the schema: permission bits only, in decimal. */
  if (op_str(c, obj, "type", true, &d->type) < 0 ||
      op_str(c, obj, "path", true, &d->path) < 0 ||
      op_i64(c, obj, "major", false, &d->major, &d->has_major) < 0 ||
      op_i64(c, obj, "minor", false, &d->minor, &d->has_minor) < 0 ||
      op_uint(c, obj, "fileMode", false, 0777, "a file mode (0 to 511, decimal)",
              &mode, &has_mode) < 0 ||
      op_u32(c, obj, "uid", false, &d->uid, &d->has_uid) < 0 ||
      op_u32(c, obj, "gid", false, &d->gid, &d->has_gid) < 0)
    return -1;
  d->has_file_mode = has_mode;
  if (has_mode)
    d->file_mode = (uint32_t)mode;
  return 0;
}

static int parse_net_device(op_ctx *c, const char *name, const oj_node *obj,
                            void *elem) {
  oci_net_device *d = elem;
  d->name = strdup(name);
  if (d->name == NULL)
    return op_fail(c, "out of memory");
  return op_str(c, obj, "name", false, &d->new_name);
}

static int parse_intel_rdt(op_ctx *c, const oj_node *obj, oci_linux *l) {
  const oj_node *o;
  if (op_obj(c, obj, "intelRdt", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  oci_intel_rdt *r = calloc(1, sizeof *r);
  if (r == NULL)
    return op_fail(c, "out of memory");
  l->intel_rdt = r;
  size_t m = op_push_key(c, "intelRdt");
  if (op_str(c, o, "closID", false, &r->clos_id) < 0 ||
      op_strv(c, o, "schemata", &r->schemata, &r->n_schemata) < 0 ||
      op_str(c, o, "l3CacheSchema", false, &r->l3_cache_schema) < 0 ||
      op_str(c, o, "memBwSchema", false, &r->mem_bw_schema) < 0 ||
      op_bool(c, o, "enableMonitoring", &r->enable_monitoring,
              &r->has_enable_monitoring) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_memory_policy(op_ctx *c, const oj_node *obj, oci_linux *l) {
  const oj_node *o;
  if (op_obj(c, obj, "memoryPolicy", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  oci_memory_policy *p = calloc(1, sizeof *p);
  if (p == NULL)
    return op_fail(c, "out of memory");
  l->memory_policy = p;
  size_t m = op_push_key(c, "memoryPolicy");
  if (op_str(c, o, "mode", false, &p->mode) < 0 ||
      op_str(c, o, "nodes", false, &p->nodes) < 0 ||
      op_strv(c, o, "flags", &p->flags, &p->n_flags) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_personality(op_ctx *c, const oj_node *obj, oci_linux *l) {
  const oj_node *o;
  if (op_obj(c, obj, "personality", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  oci_personality *p = calloc(1, sizeof *p);
  if (p == NULL)
    return op_fail(c, "out of memory");
  l->personality = p;
  size_t m = op_push_key(c, "personality");
  if (op_str(c, o, "domain", false, &p->domain) < 0 ||
      op_strv(c, o, "flags", &p->flags, &p->n_flags) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_time_offset(op_ctx *c, const oj_node *obj, const char *key,
                             oci_time_offset *t) {
  const oj_node *o;
  if (op_obj(c, obj, key, false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, key);
  if (op_i64(c, o, "secs", false, &t->secs, NULL) < 0 ||
      op_u32(c, o, "nanosecs", false, &t->nanosecs, NULL) < 0)
    return -1;
  op_pop(c, m);
  t->present = true;
  return 0;
}

static int parse_time_offsets(op_ctx *c, const oj_node *obj, oci_linux *l) {
  const oj_node *o;
  if (op_obj(c, obj, "timeOffsets", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, "timeOffsets");
  if (parse_time_offset(c, o, "boottime", &l->time_boottime) < 0 ||
      parse_time_offset(c, o, "monotonic", &l->time_monotonic) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_sub_resources(op_ctx *c, const oj_node *obj, oci_linux *l) {
  const oj_node *o;
  if (op_obj(c, obj, "resources", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  l->resources = calloc(1, sizeof *l->resources);
  if (l->resources == NULL)
    return op_fail(c, "out of memory");
  size_t m = op_push_key(c, "resources");
  if (oci_parse_resources(c, o, l->resources) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_sub_seccomp(op_ctx *c, const oj_node *obj, oci_linux *l) {
  const oj_node *o;
  if (op_obj(c, obj, "seccomp", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  l->seccomp = calloc(1, sizeof *l->seccomp);
  if (l->seccomp == NULL)
    return op_fail(c, "out of memory");
  size_t m = op_push_key(c, "seccomp");
  if (oci_parse_seccomp(c, o, l->seccomp) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

int oci_parse_linux(op_ctx *c, const oj_node *o, oci_linux *l) {
  if (op_obj_array(c, o, "namespaces", sizeof(oci_namespace), &l->namespaces,
                   &l->n_namespaces, parse_namespace) < 0 ||
      op_obj_array(c, o, "uidMappings", sizeof(oci_id_mapping), &l->uid_mappings,
                   &l->n_uid_mappings, oci_parse_id_mapping) < 0 ||
      op_obj_array(c, o, "gidMappings", sizeof(oci_id_mapping), &l->gid_mappings,
                   &l->n_gid_mappings, oci_parse_id_mapping) < 0 ||
      op_obj_array(c, o, "devices", sizeof(oci_device), &l->devices, &l->n_devices,
                   parse_device) < 0 ||
      op_obj_map(c, o, "netDevices", sizeof(oci_net_device), &l->net_devices,
                 &l->n_net_devices, parse_net_device) < 0 ||
      op_str(c, o, "cgroupsPath", false, &l->cgroups_path) < 0 ||
      parse_sub_resources(c, o, l) < 0 ||
      op_str(c, o, "rootfsPropagation", false, &l->rootfs_propagation) < 0 ||
      parse_sub_seccomp(c, o, l) < 0 || op_map(c, o, "sysctl", &l->sysctl) < 0 ||
      op_strv(c, o, "maskedPaths", &l->masked_paths, &l->n_masked_paths) < 0 ||
      op_strv(c, o, "readonlyPaths", &l->readonly_paths, &l->n_readonly_paths) < 0 ||
      op_str(c, o, "mountLabel", false, &l->mount_label) < 0 ||
      parse_intel_rdt(c, o, l) < 0 || parse_memory_policy(c, o, l) < 0 ||
      parse_personality(c, o, l) < 0 || parse_time_offsets(c, o, l) < 0)
    return -1;
  return 0;
}
