/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources on cgroup v1 files. As runc, a zero value means "not
 * set" for the limits where zero makes no sense (memory, shares, pids). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_internal.h"
#include "log.h"
#include "util.h"

#define F "linux.resources."

static int check_before_update(const char *dir, const char *usage_file, int64_t limit,
                               sk_error **err) {
  uint64_t usage;
  if (limit <= 0 || cg_read_u64(dir, usage_file, &usage) < 0)
    return 0;
  if (usage > (uint64_t)limit)
    return sk_fail(err, EBUSY,
                   F "memory.limit: %" PRId64 " is below the current usage %" PRIu64
                     " (checkBeforeUpdate)",
                   limit, usage);
  return 0;
}

int cg_v1_memory(const char *dir, const oci_memory *m, sk_error **err) {
  if (m->has_check_before_update && m->check_before_update && m->has_limit &&
      check_before_update(dir, "memory.usage_in_bytes", m->limit, err) < 0)
    return -1;
  bool limit = m->has_limit && m->limit != 0, swap = m->has_swap && m->swap != 0;
  /* memsw.limit must stay >= limit: when raising, memsw goes first. A
   * refused limit is retried after memsw. */
  if (limit) {
    sk_error *first = NULL;
    if (cg_writef(dir, "memory.limit_in_bytes", F "memory.limit", &first, "%" PRId64,
                  m->limit) < 0) {
      if (!swap) {
        *err = first;
        return -1;
      }
      sk_error_free(&first);
      if (cg_writef(dir, "memory.memsw.limit_in_bytes", F "memory.swap", err, "%" PRId64,
                    m->swap) < 0)
        return -1;
      if (cg_writef(dir, "memory.limit_in_bytes", F "memory.limit", err, "%" PRId64,
                    m->limit) < 0)
        return -1;
      swap = false;
    }
  }
  if (swap && cg_writef(dir, "memory.memsw.limit_in_bytes", F "memory.swap", err,
                        "%" PRId64, m->swap) < 0)
    return -1;
  if (m->has_reservation && m->reservation != 0 &&
      cg_writef(dir, "memory.soft_limit_in_bytes", F "memory.reservation", err, "%" PRId64,
                m->reservation) < 0)
    return -1;
  /* Kernel memory accounting cannot be limited any more (kmem.limit_in_bytes
   * is refused since Linux 5.16 and gone in 6.x): runc ignores it too. */
  if (m->has_kernel && m->kernel != 0)
    sk_warn(F "memory.kernel: kernel memory limits are not supported; ignored");
  if (m->has_kernel_tcp && m->kernel_tcp != 0 &&
      cg_writef(dir, "memory.kmem.tcp.limit_in_bytes", F "memory.kernelTCP", err,
                "%" PRId64, m->kernel_tcp) < 0)
    return -1;
  if (m->has_swappiness) {
    if (m->swappiness > 100)
      return sk_fail(err, EINVAL, F "memory.swappiness: %" PRIu64 " is above 100",
                     m->swappiness);
    if (cg_writef(dir, "memory.swappiness", F "memory.swappiness", err, "%" PRIu64,
                  m->swappiness) < 0)
      return -1;
  }
  if (m->has_disable_oom_killer && m->disable_oom_killer &&
      cg_write(dir, "memory.oom_control", "1", F "memory.disableOOMKiller", err) < 0)
    return -1;
  if (m->has_use_hierarchy &&
      cg_write(dir, "memory.use_hierarchy", m->use_hierarchy ? "1" : "0",
               F "memory.useHierarchy", err) < 0)
    return -1;
  return 0;
}

int cg_v1_cpu(const char *dir, const oci_cpu *c, sk_error **err) {
  if (c->has_shares && c->shares != 0 &&
      cg_writef(dir, "cpu.shares", F "cpu.shares", err, "%" PRIu64, c->shares) < 0)
    return -1;
  if (c->has_period && c->period != 0 &&
      cg_writef(dir, "cpu.cfs_period_us", F "cpu.period", err, "%" PRIu64, c->period) < 0)
    return -1;
  if (c->has_quota && c->quota != 0 &&
      cg_writef(dir, "cpu.cfs_quota_us", F "cpu.quota", err, "%" PRId64, c->quota) < 0)
    return -1;
  if (c->has_burst &&
      cg_writef(dir, "cpu.cfs_burst_us", F "cpu.burst", err, "%" PRIu64, c->burst) < 0)
    return -1;
  /* rt period before runtime: the runtime is checked against it */
  if (c->has_realtime_period && c->realtime_period != 0 &&
      cg_writef(dir, "cpu.rt_period_us", F "cpu.realtimePeriod", err, "%" PRIu64,
                c->realtime_period) < 0)
    return -1;
  if (c->has_realtime_runtime && c->realtime_runtime != 0 &&
      cg_writef(dir, "cpu.rt_runtime_us", F "cpu.realtimeRuntime", err, "%" PRId64,
                c->realtime_runtime) < 0)
    return -1;
  if (c->has_idle &&
      cg_writef(dir, "cpu.idle", F "cpu.idle", err, "%" PRId64, c->idle) < 0)
    return -1;
  return 0;
}

int cg_v1_cpuset(const char *dir, const oci_cpu *c, sk_error **err) {
  if (c->cpus && *c->cpus && cg_write(dir, "cpuset.cpus", c->cpus, F "cpu.cpus", err) < 0)
    return -1;
  if (c->mems && *c->mems && cg_write(dir, "cpuset.mems", c->mems, F "cpu.mems", err) < 0)
    return -1;
  return 0;
}

int cg_v1_pids(const char *dir, int64_t limit, sk_error **err) {
  if (limit == 0)
    return 0;
  if (limit < 0)
    return cg_write(dir, "pids.max", "max", F "pids.limit", err);
  return cg_writef(dir, "pids.max", F "pids.limit", err, "%" PRId64, limit);
}

static int write_throttle(const char *dir, const char *file, const char *field,
                          const oci_blkio_throttle *t, size_t n, sk_error **err) {
  for (size_t i = 0; i < n; i++)
    if (cg_writef(dir, file, NULL, err, "%" PRId64 ":%" PRId64 " %" PRIu64, t[i].major,
                  t[i].minor, t[i].rate) < 0)
      return sk_wrap(err, F "blockIO.%s[%zu] %" PRId64 ":%" PRId64, field, i, t[i].major,
                     t[i].minor);
  return 0;
}

int cg_v1_blkio(const char *dir, const oci_blkio *b, sk_error **err) {
  /* CFQ's blkio.weight is gone from current kernels; BFQ offers
   * blkio.bfq.weight with the same 10..1000 range. */
  const char *wfile = cg_file_exists(dir, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
  const char *wdfile = cg_file_exists(dir, "blkio.weight_device") ? "blkio.weight_device"
                                                                   : "blkio.bfq.weight_device";
  if (b->has_weight && b->weight != 0 &&
      cg_writef(dir, wfile, F "blockIO.weight", err, "%u", b->weight) < 0)
    return -1;
  if (b->has_leaf_weight && b->leaf_weight != 0 &&
      cg_writef(dir, "blkio.leaf_weight", F "blockIO.leafWeight", err, "%u",
                b->leaf_weight) < 0)
    return -1;
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const oci_blkio_weight_device *d = &b->weight_device[i];
    if (d->has_weight && cg_writef(dir, wdfile, NULL, err, "%" PRId64 ":%" PRId64 " %u",
                                   d->major, d->minor, d->weight) < 0)
      return sk_wrap(err, F "blockIO.weightDevice[%zu] %" PRId64 ":%" PRId64, i, d->major,
                     d->minor);
    if (d->has_leaf_weight &&
        cg_writef(dir, "blkio.leaf_weight_device", NULL, err, "%" PRId64 ":%" PRId64 " %u",
                  d->major, d->minor, d->leaf_weight) < 0)
      return sk_wrap(err, F "blockIO.weightDevice[%zu] %" PRId64 ":%" PRId64 " leafWeight",
                     i, d->major, d->minor);
  }
  if (write_throttle(dir, "blkio.throttle.read_bps_device", "throttleReadBpsDevice",
                     b->throttle_read_bps, b->n_throttle_read_bps, err) < 0 ||
      write_throttle(dir, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice",
                     b->throttle_write_bps, b->n_throttle_write_bps, err) < 0 ||
      write_throttle(dir, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice",
                     b->throttle_read_iops, b->n_throttle_read_iops, err) < 0 ||
      write_throttle(dir, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice",
                     b->throttle_write_iops, b->n_throttle_write_iops, err) < 0)
    return -1;
  return 0;
}

/* "2MB", "1GB", "64KB": digits then a unit, nothing that could walk out of
 * the directory. */
static bool page_size_ok(const char *s) {
  if (s == NULL || !(*s >= '0' && *s <= '9'))
    return false;
  while (*s >= '0' && *s <= '9')
    s++;
  return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

int cg_hugetlb_write(const char *dir, const oci_hugepage_limit *h, size_t n, const char *fmt,
                     sk_error **err) {
  for (size_t i = 0; i < n; i++) {
    if (!page_size_ok(h[i].page_size))
      return sk_fail(err, EINVAL, F "hugepageLimits[%zu]: bad pageSize \"%s\"", i,
                     h[i].page_size ? h[i].page_size : "");
    char file[64];
    snprintf(file, sizeof(file), fmt, h[i].page_size);
    if (!cg_file_exists(dir, file))
      return sk_fail(err, ENOENT, F "hugepageLimits[%zu]: page size %s: not offered by the host",
                     i, h[i].page_size);
    if (cg_writef(dir, file, NULL, err, "%" PRIu64, h[i].limit) < 0)
      return sk_wrap(err, F "hugepageLimits[%zu]", i);
  }
  return 0;
}

int cg_v1_hugetlb(const char *dir, const oci_hugepage_limit *h, size_t n, sk_error **err) {
  return cg_hugetlb_write(dir, h, n, "hugetlb.%s.limit_in_bytes", err);
}

int cg_v1_net_cls(const char *dir, const oci_network *net, sk_error **err) {
  if (net->has_class_id &&
      cg_writef(dir, "net_cls.classid", F "network.classID", err, "%u", net->class_id) < 0)
    return -1;
  return 0;
}

int cg_v1_net_prio(const char *dir, const oci_network *net, sk_error **err) {
  for (size_t i = 0; i < net->n_priorities; i++) {
    const oci_net_priority *p = &net->priorities[i];
    if (p->name == NULL || *p->name == '\0' || strpbrk(p->name, " \n"))
      return sk_fail(err, EINVAL, F "network.priorities[%zu]: bad interface name", i);
    if (cg_writef(dir, "net_prio.ifpriomap", NULL, err, "%s %u", p->name, p->priority) < 0)
      return sk_wrap(err, F "network.priorities[%zu] %s", i, p->name);
  }
  return 0;
}

/* "mlx4_0 hca_handle=2 hca_object=2000": the same syntax on v1 and v2. */
int cg_v1_rdma(const char *dir, const oci_rdma *r, size_t n, sk_error **err) {
  for (size_t i = 0; i < n; i++) {
    char line[256];
    int o = snprintf(line, sizeof(line), "%s", r[i].device ? r[i].device : "");
    if (r[i].has_hca_handles)
      o += snprintf(line + o, sizeof(line) - o, " hca_handle=%u", r[i].hca_handles);
    if (r[i].has_hca_objects)
      snprintf(line + o, sizeof(line) - o, " hca_object=%u", r[i].hca_objects);
    if (cg_write(dir, "rdma.max", line, NULL, err) < 0)
      return sk_wrap(err, F "rdma.%s", r[i].device ? r[i].device : "");
  }
  return 0;
}

void cg_device_rule_string(const oci_device_cgroup *d, char *buf, size_t size) {
  char maj[24] = "*", min[24] = "*";
  if (d->has_major && d->major >= 0)
    snprintf(maj, sizeof(maj), "%" PRId64, d->major);
  if (d->has_minor && d->minor >= 0)
    snprintf(min, sizeof(min), "%" PRId64, d->minor);
  const char *type = d->type && *d->type ? d->type : "a";
  const char *access = d->access && *d->access ? d->access : "rwm";
  snprintf(buf, size, "%s %s:%s %s", type, maj, min, access);
}

/* The rules in order: "a" resets the list (deny all / allow all), later
 * rules add exceptions, exactly the OCI meaning. */
int cg_v1_devices(const char *dir, const oci_device_cgroup *d, size_t n, sk_error **err) {
  for (size_t i = 0; i < n; i++) {
    char rule[80];
    cg_device_rule_string(&d[i], rule, sizeof(rule));
    if (cg_write(dir, d[i].allow ? "devices.allow" : "devices.deny", rule, NULL, err) < 0)
      return sk_wrap(err, F "devices[%zu] %s", i, rule);
  }
  return 0;
}
