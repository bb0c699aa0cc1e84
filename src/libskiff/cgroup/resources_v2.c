/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources on cgroup2 files, with runc's conversions from the v1
 * units of the spec. Fields that only v1 has are warned about and skipped,
 * as runc does on v2 (kernel memory, swappiness, OOM killer switch,
 * realtime cpu, leaf weights, network classes). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_internal.h"
#include "log.h"
#include "util.h"

#define F "linux.resources."

uint64_t cg_shares_to_weight(uint64_t shares) {
  /* v1 shares 2..262144 onto v2 weight 1..10000 (runc, crun) */
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_blkio_weight_to_io(uint64_t weight) {
  /* v1 blkio weight 10..1000 onto io.weight 1..10000 (runc) */
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

static void skip_v1_only(const char *field) {
  sk_warn(F "%s: not supported on cgroup v2; ignored", field);
}

int cg_v2_memory(const char *dir, const oci_memory *m, sk_error **err) {
  bool limit = m->has_limit && m->limit != 0;
  if (m->has_check_before_update && m->check_before_update && limit && m->limit > 0) {
    uint64_t cur;
    if (cg_read_u64(dir, "memory.current", &cur) == 0 && cur > (uint64_t)m->limit)
      return sk_fail(err, EBUSY,
                     F "memory.limit: %" PRId64 " is below the current usage %" PRIu64
                       " (checkBeforeUpdate)",
                     m->limit, cur);
  }
  /* The spec's swap is memory+swap (v1 memsw); memory.swap.max is swap
   * alone. -1 is unlimited, 0 unset (runc). */
  if (m->has_swap && m->swap != 0) {
    char val[32] = "max";
    if (m->swap > 0) {
      if (!limit || m->limit < 0)
        return sk_fail(err, EINVAL, F "memory.swap: needs memory.limit to be set");
      if (m->swap < m->limit)
        return sk_fail(err, EINVAL,
                       F "memory.swap: %" PRId64 " is below memory.limit %" PRId64
                         " (swap is memory+swap)",
                       m->swap, m->limit);
      snprintf(val, sizeof(val), "%" PRId64, m->swap - m->limit);
    } else if (m->swap != -1) {
      return sk_fail(err, EINVAL, F "memory.swap: %" PRId64 " (expected -1 or > 0)", m->swap);
    }
    if (cg_write(dir, "memory.swap.max", val, F "memory.swap", err) < 0)
      return -1;
  }
  if (limit) {
    if (m->limit == -1) {
      if (cg_write(dir, "memory.max", "max", F "memory.limit", err) < 0)
        return -1;
    } else if (cg_writef(dir, "memory.max", F "memory.limit", err, "%" PRId64, m->limit) < 0)
      return -1;
  }
  if (m->has_reservation && m->reservation != 0) {
    if (m->reservation == -1) {
      if (cg_write(dir, "memory.low", "max", F "memory.reservation", err) < 0)
        return -1;
    } else if (cg_writef(dir, "memory.low", F "memory.reservation", err, "%" PRId64,
                         m->reservation) < 0)
      return -1;
  }
  if (m->has_kernel && m->kernel != 0)
    skip_v1_only("memory.kernel");
  if (m->has_kernel_tcp && m->kernel_tcp != 0)
    skip_v1_only("memory.kernelTCP");
  if (m->has_swappiness)
    skip_v1_only("memory.swappiness");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    skip_v1_only("memory.disableOOMKiller");
  return 0;
}

int cg_v2_cpu(const char *dir, const oci_cpu *c, sk_error **err) {
  if (c->has_shares && c->shares != 0 &&
      cg_writef(dir, "cpu.weight", F "cpu.shares", err, "%" PRIu64,
                cg_shares_to_weight(c->shares)) < 0)
    return -1;
  bool quota = c->has_quota && c->quota != 0, period = c->has_period && c->period != 0;
  if (quota || period) {
    char val[64], q[24] = "max";
    if (quota && c->quota > 0)
      snprintf(q, sizeof(q), "%" PRId64, c->quota);
    if (period)
      snprintf(val, sizeof(val), "%s %" PRIu64, q, c->period);
    else
      snprintf(val, sizeof(val), "%s", q);
    if (cg_write(dir, "cpu.max", val, quota ? F "cpu.quota" : F "cpu.period", err) < 0)
      return -1;
  }
  if (c->has_burst &&
      cg_writef(dir, "cpu.max.burst", F "cpu.burst", err, "%" PRIu64, c->burst) < 0)
    return -1;
  if (c->has_idle && cg_writef(dir, "cpu.idle", F "cpu.idle", err, "%" PRId64, c->idle) < 0)
    return -1;
  if ((c->has_realtime_runtime && c->realtime_runtime != 0) ||
      (c->has_realtime_period && c->realtime_period != 0))
    skip_v1_only("cpu.realtimeRuntime/realtimePeriod");
  return 0;
}

int cg_v2_cpuset(const char *dir, const oci_cpu *c, sk_error **err) {
  if (c->cpus && *c->cpus && cg_write(dir, "cpuset.cpus", c->cpus, F "cpu.cpus", err) < 0)
    return -1;
  if (c->mems && *c->mems && cg_write(dir, "cpuset.mems", c->mems, F "cpu.mems", err) < 0)
    return -1;
  return 0;
}

int cg_v2_pids(const char *dir, int64_t limit, sk_error **err) {
  return cg_v1_pids(dir, limit, err); /* pids.max has the same syntax */
}

static int io_max(const char *dir, const char *key, const char *field,
                  const oci_blkio_throttle *t, size_t n, sk_error **err) {
  for (size_t i = 0; i < n; i++) {
    char val[24] = "max";
    if (t[i].rate != 0)
      snprintf(val, sizeof(val), "%" PRIu64, t[i].rate);
    if (cg_writef(dir, "io.max", NULL, err, "%" PRId64 ":%" PRId64 " %s=%s", t[i].major,
                  t[i].minor, key, val) < 0)
      return sk_wrap(err, F "blockIO.%s[%zu] %" PRId64 ":%" PRId64, field, i, t[i].major,
                     t[i].minor);
  }
  return 0;
}

int cg_v2_io(const char *dir, const oci_blkio *b, sk_error **err) {
  /* io.bfq.weight takes the v1 range as is; io.weight needs converting. */
  bool bfq = cg_file_exists(dir, "io.bfq.weight");
  if (b->has_weight && b->weight != 0) {
    int rc = bfq ? cg_writef(dir, "io.bfq.weight", F "blockIO.weight", err, "%u", b->weight)
                 : cg_writef(dir, "io.weight", F "blockIO.weight", err, "default %" PRIu64,
                             cg_blkio_weight_to_io(b->weight));
    if (rc < 0)
      return -1;
  }
  if (b->has_leaf_weight && b->leaf_weight != 0)
    skip_v1_only("blockIO.leafWeight");
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const oci_blkio_weight_device *d = &b->weight_device[i];
    if (!d->has_weight)
      continue;
    int rc = bfq ? cg_writef(dir, "io.bfq.weight", NULL, err, "%" PRId64 ":%" PRId64 " %u",
                             d->major, d->minor, d->weight)
                 : cg_writef(dir, "io.weight", NULL, err, "%" PRId64 ":%" PRId64 " %" PRIu64,
                             d->major, d->minor, cg_blkio_weight_to_io(d->weight));
    if (rc < 0)
      return sk_wrap(err, F "blockIO.weightDevice[%zu] %" PRId64 ":%" PRId64, i, d->major,
                     d->minor);
  }
  if (io_max(dir, "rbps", "throttleReadBpsDevice", b->throttle_read_bps,
             b->n_throttle_read_bps, err) < 0 ||
      io_max(dir, "wbps", "throttleWriteBpsDevice", b->throttle_write_bps,
             b->n_throttle_write_bps, err) < 0 ||
      io_max(dir, "riops", "throttleReadIOPSDevice", b->throttle_read_iops,
             b->n_throttle_read_iops, err) < 0 ||
      io_max(dir, "wiops", "throttleWriteIOPSDevice", b->throttle_write_iops,
             b->n_throttle_write_iops, err) < 0)
    return -1;
  return 0;
}

int cg_v2_hugetlb(const char *dir, const oci_hugepage_limit *h, size_t n, sk_error **err) {
  return cg_hugetlb_write(dir, h, n, "hugetlb.%s.max", err);
}

int cg_v2_rdma(const char *dir, const oci_rdma *r, size_t n, sk_error **err) {
  return cg_v1_rdma(dir, r, n, err); /* rdma.max has the same syntax */
}
