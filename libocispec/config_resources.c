/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing of linux.resources (the cgroup settings). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Allocate the sub-struct for object `key` of `obj` into *out and set the
 * path; returns 1 when present, 0 when absent, -1 on error. */
static int open_sub(op_ctx *c, const oj_node *obj, const char *key, size_t size,
                    void *out, const oj_node **o, size_t *mark) {
  if (op_obj(c, obj, key, false, o) < 0)
    return -1;
  if (*o == NULL)
    return 0;
  void *p = calloc(1, size);
  if (p == NULL)
    return op_fail(c, "out of memory");
  *(void **)out = p;
  *mark = op_push_key(c, key);
  return 1;
}

static int parse_device_cgroup(op_ctx *c, const oj_node *obj, void *elem) {
  oci_device_cgroup *d = elem;
  const oj_node *allow;
  if (op_field(c, obj, "allow", true, &allow) < 0 ||
      op_bool(c, obj, "allow", &d->allow, NULL) < 0 ||
      op_str(c, obj, "type", false, &d->type) < 0 ||
      op_i64(c, obj, "major", false, &d->major, &d->has_major) < 0 ||
      op_i64(c, obj, "minor", false, &d->minor, &d->has_minor) < 0 ||
      op_str(c, obj, "access", false, &d->access) < 0)
    return -1;
  return 0;
}

static int parse_memory(op_ctx *c, const oj_node *obj, oci_resources *r) {
  const oj_node *o;
  size_t m;
  int p = open_sub(c, obj, "memory", sizeof(oci_memory), &r->memory, &o, &m);
  if (p <= 0)
    return p;
  oci_memory *mem = r->memory;
  if (op_i64(c, o, "limit", false, &mem->limit, &mem->has_limit) < 0 ||
      op_i64(c, o, "reservation", false, &mem->reservation, &mem->has_reservation) < 0 ||
      op_i64(c, o, "swap", false, &mem->swap, &mem->has_swap) < 0 ||
      op_i64(c, o, "kernel", false, &mem->kernel, &mem->has_kernel) < 0 ||
      op_i64(c, o, "kernelTCP", false, &mem->kernel_tcp, &mem->has_kernel_tcp) < 0 ||
      op_u64(c, o, "swappiness", false, &mem->swappiness, &mem->has_swappiness) < 0 ||
      op_bool(c, o, "disableOOMKiller", &mem->disable_oom_killer,
              &mem->has_disable_oom_killer) < 0 ||
      op_bool(c, o, "useHierarchy", &mem->use_hierarchy, &mem->has_use_hierarchy) < 0 ||
      op_bool(c, o, "checkBeforeUpdate", &mem->check_before_update,
              &mem->has_check_before_update) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_cpu(op_ctx *c, const oj_node *obj, oci_resources *r) {
  const oj_node *o;
  size_t m;
  int p = open_sub(c, obj, "cpu", sizeof(oci_cpu), &r->cpu, &o, &m);
  if (p <= 0)
    return p;
  oci_cpu *cpu = r->cpu;
  if (op_u64(c, o, "shares", false, &cpu->shares, &cpu->has_shares) < 0 ||
      op_i64(c, o, "quota", false, &cpu->quota, &cpu->has_quota) < 0 ||
      op_u64(c, o, "burst", false, &cpu->burst, &cpu->has_burst) < 0 ||
      op_u64(c, o, "period", false, &cpu->period, &cpu->has_period) < 0 ||
      op_i64(c, o, "realtimeRuntime", false, &cpu->realtime_runtime,
             &cpu->has_realtime_runtime) < 0 ||
      op_u64(c, o, "realtimePeriod", false, &cpu->realtime_period,
             &cpu->has_realtime_period) < 0 ||
      op_str(c, o, "cpus", false, &cpu->cpus) < 0 ||
      op_str(c, o, "mems", false, &cpu->mems) < 0 ||
      op_i64(c, o, "idle", false, &cpu->idle, &cpu->has_idle) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_pids(op_ctx *c, const oj_node *obj, oci_resources *r) {
  const oj_node *o;
  if (op_obj(c, obj, "pids", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, "pids");
  if (op_i64(c, o, "limit", true, &r->pids_limit, &r->has_pids_limit) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_weight_device(op_ctx *c, const oj_node *obj, void *elem) {
  oci_blkio_weight_device *d = elem;
  return (op_i64(c, obj, "major", true, &d->major, NULL) < 0 ||
          op_i64(c, obj, "minor", true, &d->minor, NULL) < 0 ||
          op_u16(c, obj, "weight", false, &d->weight, &d->has_weight) < 0 ||
          op_u16(c, obj, "leafWeight", false, &d->leaf_weight, &d->has_leaf_weight) < 0)
             ? -1
             : 0;
}

static int parse_throttle(op_ctx *c, const oj_node *obj, void *elem) {
  oci_blkio_throttle *t = elem;
  return (op_i64(c, obj, "major", true, &t->major, NULL) < 0 ||
          op_i64(c, obj, "minor", true, &t->minor, NULL) < 0 ||
          op_u64(c, obj, "rate", false, &t->rate, NULL) < 0)
             ? -1
             : 0;
}

static int parse_block_io(op_ctx *c, const oj_node *obj, oci_resources *r) {
  const oj_node *o;
  size_t m;
  int p = open_sub(c, obj, "blockIO", sizeof(oci_blkio), &r->block_io, &o, &m);
  if (p <= 0)
    return p;
  oci_blkio *b = r->block_io;
  if (op_u16(c, o, "weight", false, &b->weight, &b->has_weight) < 0 ||
      op_u16(c, o, "leafWeight", false, &b->leaf_weight, &b->has_leaf_weight) < 0 ||
      op_obj_array(c, o, "weightDevice", sizeof(oci_blkio_weight_device),
                   &b->weight_device, &b->n_weight_device, parse_weight_device) < 0 ||
      op_obj_array(c, o, "throttleReadBpsDevice", sizeof(oci_blkio_throttle),
                   &b->throttle_read_bps, &b->n_throttle_read_bps, parse_throttle) < 0 ||
      op_obj_array(c, o, "throttleWriteBpsDevice", sizeof(oci_blkio_throttle),
                   &b->throttle_write_bps, &b->n_throttle_write_bps, parse_throttle) < 0 ||
      op_obj_array(c, o, "throttleReadIOPSDevice", sizeof(oci_blkio_throttle),
                   &b->throttle_read_iops, &b->n_throttle_read_iops, parse_throttle) < 0 ||
      op_obj_array(c, o, "throttleWriteIOPSDevice", sizeof(oci_blkio_throttle),
                   &b->throttle_write_iops, &b->n_throttle_write_iops,
                   parse_throttle) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_hugepage_limit(op_ctx *c, const oj_node *obj, void *elem) {
  oci_hugepage_limit *h = elem;
  return (op_str(c, obj, "pageSize", true, &h->page_size) < 0 ||
          op_u64(c, obj, "limit", true, &h->limit, NULL) < 0)
             ? -1
             : 0;
}

static int parse_net_priority(op_ctx *c, const oj_node *obj, void *elem) {
  oci_net_priority *p = elem;
  return (op_str(c, obj, "name", true, &p->name) < 0 ||
          op_u32(c, obj, "priority", true, &p->priority, NULL) < 0)
             ? -1
             : 0;
}

static int parse_network(op_ctx *c, const oj_node *obj, oci_resources *r) {
  const oj_node *o;
  size_t m;
  int p = open_sub(c, obj, "network", sizeof(oci_network), &r->network, &o, &m);
  if (p <= 0)
    return p;
  oci_network *n = r->network;
  if (op_u32(c, o, "classID", false, &n->class_id, &n->has_class_id) < 0 ||
      op_obj_array(c, o, "priorities", sizeof(oci_net_priority), &n->priorities,
                   &n->n_priorities, parse_net_priority) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_rdma(op_ctx *c, const char *name, const oj_node *obj, void *elem) {
  oci_rdma *r = elem;
  r->device = strdup(name);
  if (r->device == NULL)
    return op_fail(c, "out of memory");
  return (op_u32(c, obj, "hcaHandles", false, &r->hca_handles, &r->has_hca_handles) < 0 ||
          op_u32(c, obj, "hcaObjects", false, &r->hca_objects, &r->has_hca_objects) < 0)
             ? -1
             : 0;
}

int oci_parse_resources(op_ctx *c, const oj_node *o, oci_resources *r) {
  if (op_obj_array(c, o, "devices", sizeof(oci_device_cgroup), &r->devices,
                   &r->n_devices, parse_device_cgroup) < 0 ||
      parse_memory(c, o, r) < 0 || parse_cpu(c, o, r) < 0 || parse_pids(c, o, r) < 0 ||
      parse_block_io(c, o, r) < 0 ||
      op_obj_array(c, o, "hugepageLimits", sizeof(oci_hugepage_limit),
                   &r->hugepage_limits, &r->n_hugepage_limits, parse_hugepage_limit) < 0 ||
      parse_network(c, o, r) < 0 ||
      op_obj_map(c, o, "rdma", sizeof(oci_rdma), &r->rdma, &r->n_rdma, parse_rdma) < 0 ||
      op_map(c, o, "unified", &r->unified) < 0)
    return -1;
  return 0;
}
