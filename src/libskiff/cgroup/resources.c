/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources dispatch: each group goes to the hierarchy that has its
 * controller on this host (a v1 hierarchy if mounted, else the cgroup2
 * one, which covers hybrid hosts), and linux.resources.unified last so that
 * its keys win. Also the checks that need no cgroup. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_internal.h"
#include "log.h"
#include "util.h"

#define F "linux.resources."

static int missing(const char *field, const char *ctrl, sk_error **err) {
  return sk_fail(err, EOPNOTSUPP, F "%s: the %s controller is not available on this host",
                 field, ctrl);
}

static bool memory_set(const oci_memory *m) {
  return m && ((m->has_limit && m->limit) || (m->has_reservation && m->reservation) ||
               (m->has_swap && m->swap) || (m->has_kernel && m->kernel) ||
               (m->has_kernel_tcp && m->kernel_tcp) || m->has_swappiness ||
               (m->has_disable_oom_killer && m->disable_oom_killer) || m->has_use_hierarchy);
}

static bool cpu_set(const oci_cpu *c) {
  return c && ((c->has_shares && c->shares) || (c->has_quota && c->quota) ||
               (c->has_period && c->period) || c->has_burst ||
               (c->has_realtime_runtime && c->realtime_runtime) ||
               (c->has_realtime_period && c->realtime_period) || c->has_idle);
}

static bool blkio_set(const oci_blkio *b) {
  return b && ((b->has_weight && b->weight) || (b->has_leaf_weight && b->leaf_weight) ||
               b->n_weight_device || b->n_throttle_read_bps || b->n_throttle_write_bps ||
               b->n_throttle_read_iops || b->n_throttle_write_iops);
}

static int apply_devices(sk_cgroup *cg, const oci_resources *r, sk_error **err) {
  if (r->n_devices == 0)
    return 0;
  if (cg_v1_dir(cg, CG_V1_DEVICES))
    return cg_v1_devices(cg_v1_dir(cg, CG_V1_DEVICES), r->devices, r->n_devices, err);
  if (cg->v2_fd >= 0) {
    if (cg_devices_ebpf_apply(cg->v2_fd, r->devices, r->n_devices, err) < 0)
      return sk_wrap(err, F "devices");
    return 0;
  }
  return missing("devices", "devices", err);
}

int cg_apply_resources(sk_cgroup *cg, const oci_resources *r, sk_error **err) {
  const char *d;
  if (apply_devices(cg, r, err) < 0)
    return -1;
  if (memory_set(r->memory)) {
    if ((d = cg_v1_dir(cg, CG_V1_MEMORY)) ? cg_v1_memory(d, r->memory, err) < 0
        : cg_has_v2(cg, CG_V2_MEMORY)     ? cg_v2_memory(cg->v2_dir, r->memory, err) < 0
                                          : missing("memory", "memory", err) < 0)
      return -1;
  }
  if (cpu_set(r->cpu)) {
    if ((d = cg_v1_dir(cg, CG_V1_CPU)) ? cg_v1_cpu(d, r->cpu, err) < 0
        : cg_has_v2(cg, CG_V2_CPU)     ? cg_v2_cpu(cg->v2_dir, r->cpu, err) < 0
                                       : missing("cpu", "cpu", err) < 0)
      return -1;
  }
  if (r->cpu && ((r->cpu->cpus && *r->cpu->cpus) || (r->cpu->mems && *r->cpu->mems))) {
    if ((d = cg_v1_dir(cg, CG_V1_CPUSET)) ? cg_v1_cpuset(d, r->cpu, err) < 0
        : cg_has_v2(cg, CG_V2_CPUSET)     ? cg_v2_cpuset(cg->v2_dir, r->cpu, err) < 0
                                          : missing("cpu.cpus", "cpuset", err) < 0)
      return -1;
  }
  if (r->has_pids_limit && r->pids_limit != 0) {
    if ((d = cg_v1_dir(cg, CG_V1_PIDS)) ? cg_v1_pids(d, r->pids_limit, err) < 0
        : cg_has_v2(cg, CG_V2_PIDS)     ? cg_v2_pids(cg->v2_dir, r->pids_limit, err) < 0
                                        : missing("pids.limit", "pids", err) < 0)
      return -1;
  }
  if (blkio_set(r->block_io)) {
    if ((d = cg_v1_dir(cg, CG_V1_BLKIO)) ? cg_v1_blkio(d, r->block_io, err) < 0
        : cg_has_v2(cg, CG_V2_IO)        ? cg_v2_io(cg->v2_dir, r->block_io, err) < 0
                                         : missing("blockIO", "blkio/io", err) < 0)
      return -1;
  }
  if (r->n_hugepage_limits) {
    if ((d = cg_v1_dir(cg, CG_V1_HUGETLB))
            ? cg_v1_hugetlb(d, r->hugepage_limits, r->n_hugepage_limits, err) < 0
        : cg_has_v2(cg, CG_V2_HUGETLB)
            ? cg_v2_hugetlb(cg->v2_dir, r->hugepage_limits, r->n_hugepage_limits, err) < 0
            : missing("hugepageLimits", "hugetlb", err) < 0)
      return -1;
  }
  if (r->network) {
    /* net_cls/net_prio exist only on v1; runc skips them elsewhere */
    if (r->network->has_class_id) {
      if ((d = cg_v1_dir(cg, CG_V1_NET_CLS)) != NULL) {
        if (cg_v1_net_cls(d, r->network, err) < 0)
          return -1;
      } else {
        sk_warn(F "network.classID: no net_cls controller on this host; ignored");
      }
    }
    if (r->network->n_priorities) {
      if ((d = cg_v1_dir(cg, CG_V1_NET_PRIO)) != NULL) {
        if (cg_v1_net_prio(d, r->network, err) < 0)
          return -1;
      } else {
        sk_warn(F "network.priorities: no net_prio controller on this host; ignored");
      }
    }
  }
  if (r->n_rdma) {
    if ((d = cg_v1_dir(cg, CG_V1_RDMA)) ? cg_v1_rdma(d, r->rdma, r->n_rdma, err) < 0
        : cg_has_v2(cg, CG_V2_RDMA)     ? cg_v2_rdma(cg->v2_dir, r->rdma, r->n_rdma, err) < 0
                                        : missing("rdma", "rdma", err) < 0)
      return -1;
  }
  if (r->unified.len && cg_apply_unified(cg, &r->unified, err) < 0)
    return -1;
  return 0;
}

/* "memory.max" -> controller "memory"; "cgroup.*" is core. */
static int unified_key_controller(const char *key, char *ctrl, size_t size) {
  const char *dot = strchr(key, '.');
  if (dot == NULL || dot == key || dot[1] == '\0' || strchr(key, '/') || key[0] == '.' ||
      (size_t)(dot - key) >= size)
    return -1;
  memcpy(ctrl, key, dot - key);
  ctrl[dot - key] = '\0';
  return 0;
}

static unsigned v2_bit(const char *ctrl) {
  static const unsigned bits[] = {CG_V2_CPU,    CG_V2_CPUSET,  CG_V2_IO,   CG_V2_MEMORY,
                                  CG_V2_PIDS,   CG_V2_HUGETLB, CG_V2_RDMA, CG_V2_MISC};
  for (size_t i = 0; i < SK_ARRAY_SIZE(bits); i++)
    if (strcmp(cg_v2_name(bits[i]), ctrl) == 0)
      return bits[i];
  return 0;
}

static int check_key(const char *key, unsigned host_ctrls, sk_error **err) {
  char ctrl[32];
  if (key == NULL || unified_key_controller(key, ctrl, sizeof(ctrl)) < 0)
    return sk_fail(err, EINVAL, F "unified: invalid key \"%s\"", key ? key : "");
  if (strcmp(ctrl, "cgroup") == 0)
    return 0;
  unsigned bit = v2_bit(ctrl);
  if (bit == 0)
    return sk_fail(err, EINVAL, F "unified.%s: unknown controller \"%s\"", key, ctrl);
  if (!(host_ctrls & bit))
    return sk_fail(err, EOPNOTSUPP,
                   F "unified.%s: the %s controller is not on this host's cgroup2 hierarchy",
                   key, ctrl);
  return 0;
}

int cg_check_unified(const oci_map *unified, sk_error **err) {
  enum cg_layout l = cg_host_layout();
  if (l == CG_LAYOUT_V1)
    return sk_fail(err, EINVAL, F "unified: cgroup v2 is not available on this host");
  _cleanup_free_ char *c =
      cg_read(l == CG_LAYOUT_V2 ? CG_ROOT : CG_UNIFIED_ROOT, "cgroup.controllers");
  unsigned ctrls = 0;
  for (const char *s = c; s && *s;) {
    size_t len = strcspn(s, " \n");
    char name[32];
    if (len < sizeof(name)) {
      memcpy(name, s, len);
      name[len] = '\0';
      ctrls |= v2_bit(name);
    }
    s += len;
    s += strspn(s, " \n");
  }
  for (size_t i = 0; i < unified->len; i++)
    if (check_key(unified->keys[i], ctrls, err) < 0)
      return -1;
  return 0;
}

int cg_apply_unified(sk_cgroup *cg, const oci_map *unified, sk_error **err) {
  if (cg->v2_dir == NULL)
    return sk_fail(err, EINVAL, F "unified: cgroup v2 is not available on this host");
  for (size_t i = 0; i < unified->len; i++) {
    const char *key = unified->keys[i];
    if (check_key(key, cg->v2_ctrls, err) < 0)
      return -1;
    if (!cg_file_exists(cg->v2_dir, key))
      return sk_fail(err, ENOENT, F "unified.%s: no such file in %s", key, cg->v2_dir);
    char field[300];
    snprintf(field, sizeof(field), F "unified.%s", key);
    if (cg_write(cg->v2_dir, key, unified->values[i] ? unified->values[i] : "", field, err) <
        0)
      return -1;
  }
  return 0;
}

int cg_check_resources(const oci_resources *r, sk_error **err) {
  for (size_t i = 0; i < r->n_devices; i++) {
    const oci_device_cgroup *d = &r->devices[i];
    if (d->type && strcmp(d->type, "a") && strcmp(d->type, "b") && strcmp(d->type, "c"))
      return sk_fail(err, EINVAL, F "devices[%zu]: type \"%s\" is not a, b or c", i, d->type);
    if (d->access && (d->access[0] == '\0' || strspn(d->access, "rwm") != strlen(d->access)))
      return sk_fail(err, EINVAL, F "devices[%zu]: access \"%s\" is not a subset of rwm", i,
                     d->access);
  }
  if (r->unified.len && cg_check_unified(&r->unified, err) < 0)
    return -1;
  return 0;
}
