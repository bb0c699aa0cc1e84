/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the cgroup files share: the sk_cgroup struct, the host layout, and
 * the writers that name the field and the file in their errors. */
#ifndef SKIFF_CGROUP_INTERNAL_H
#define SKIFF_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"

#define CG_ROOT "/sys/fs/cgroup"
#define CG_UNIFIED_ROOT "/sys/fs/cgroup/unified"

enum cg_layout { CG_LAYOUT_V1, CG_LAYOUT_HYBRID, CG_LAYOUT_V2 };

/* v1 hierarchies, by the name of their directory under /sys/fs/cgroup.
 * Combined mounts (cpu,cpuacct) show up as symlinks with both names. */
enum cg_v1 {
  CG_V1_CPU,
  CG_V1_CPUACCT,
  CG_V1_CPUSET,
  CG_V1_MEMORY,
  CG_V1_DEVICES,
  CG_V1_FREEZER,
  CG_V1_PIDS,
  CG_V1_BLKIO,
  CG_V1_NET_CLS,
  CG_V1_NET_PRIO,
  CG_V1_HUGETLB,
  CG_V1_RDMA,
  CG_V1_PERF_EVENT,
  CG_V1_MISC,
  CG_V1_NAME_SYSTEMD, /* the named "systemd" hierarchy: process tracking */
  CG_V1_COUNT
};
extern const char *const cg_v1_names[CG_V1_COUNT];

/* cgroup2 controllers, as a bit mask. */
enum cg_v2 {
  CG_V2_CPU = 1u << 0,
  CG_V2_CPUSET = 1u << 1,
  CG_V2_IO = 1u << 2,
  CG_V2_MEMORY = 1u << 3,
  CG_V2_PIDS = 1u << 4,
  CG_V2_HUGETLB = 1u << 5,
  CG_V2_RDMA = 1u << 6,
  CG_V2_MISC = 1u << 7,
};

struct cg_v1_dir {
  char *dir;    /* /sys/fs/cgroup/<name><path>, NULL when not mounted */
  bool primary; /* first name of its hierarchy: mkdir/rmdir/enter here */
};

struct sk_cgroup {
  enum cg_layout layout;
  bool systemd;
  bool rootless;
  char *path; /* "/skiff/<id>": the same below every hierarchy root */
  char *unit; /* systemd scope name, NULL with cgroupfs */
  bool unit_started; /* we started it: ours to stop when create fails */
  char *v2_root; /* /sys/fs/cgroup or /sys/fs/cgroup/unified, or NULL */
  char *v2_dir;  /* v2_root + path */
  int v2_fd;     /* O_PATH|O_DIRECTORY fd of v2_dir, or -1 */
  unsigned v2_ctrls; /* controllers the cgroup2 root offers */
  struct cg_v1_dir v1[CG_V1_COUNT];
  /* systemd driver: where this process was before it joined the scope, to
   * go back there once the init is in (/proc/self/cgroup text, or NULL). */
  char *self_cgroups;
};

/* cgroup.c */
enum cg_layout cg_host_layout(void);
/* Fill layout, v1 dirs, v2 root/dir and controllers for cg->path. */
int cg_locate(sk_cgroup *cg, sk_error **err);
sk_cgroup *cg_new(void);
const char *cg_v2_name(unsigned bit);
/* Which hierarchy has the v1 controller / the v2 controller. */
static inline const char *cg_v1_dir(const sk_cgroup *cg, enum cg_v1 c) {
  return cg->v1[c].dir;
}
static inline bool cg_has_v2(const sk_cgroup *cg, unsigned ctrl) {
  return cg->v2_dir != NULL && (cg->v2_ctrls & ctrl) != 0;
}

/* files.c: write `value` to dir/file; on failure the error reads
 * "<field>: write <file>: <strerror>". `field` may be NULL. */
int cg_write(const char *dir, const char *file, const char *value, const char *field,
             sk_error **err);
int cg_writef(const char *dir, const char *file, const char *field, sk_error **err,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Read a whole small file; NULL on failure (errno set). */
char *cg_read(const char *dir, const char *file);
/* Read one unsigned number ("max" reads as UINT64_MAX). */
int cg_read_u64(const char *dir, const char *file, uint64_t *out);
bool cg_file_exists(const char *dir, const char *file);

/* resources.c: apply linux.resources, each group where the host has its
 * controller (v1 hierarchy first, else the cgroup2 one). */
int cg_apply_resources(sk_cgroup *cg, const oci_resources *r, sk_error **err);
/* Write linux.resources.unified keys as given to the cgroup2 directory. */
int cg_apply_unified(sk_cgroup *cg, const oci_map *unified, sk_error **err);
/* Checks that need no cgroup: device rules, unified keys. */
int cg_check_resources(const oci_resources *r, sk_error **err);
/* Validate linux.resources.unified keys (no writes). */
int cg_check_unified(const oci_map *unified, sk_error **err);
/* The conversions runc and crun apply. */
uint64_t cg_shares_to_weight(uint64_t shares);
uint64_t cg_blkio_weight_to_io(uint64_t weight);

/* resources_v1.c: `dir` is the cgroup's directory in that hierarchy. */
int cg_v1_memory(const char *dir, const oci_memory *m, sk_error **err);
int cg_v1_cpu(const char *dir, const oci_cpu *c, sk_error **err);
int cg_v1_cpuset(const char *dir, const oci_cpu *c, sk_error **err);
int cg_v1_pids(const char *dir, int64_t limit, sk_error **err);
int cg_v1_blkio(const char *dir, const oci_blkio *b, sk_error **err);
int cg_v1_hugetlb(const char *dir, const oci_hugepage_limit *h, size_t n, sk_error **err);
/* Shared by v1 and v2: `fmt` makes the file name from the page size. */
int cg_hugetlb_write(const char *dir, const oci_hugepage_limit *h, size_t n, const char *fmt,
                     sk_error **err);
int cg_v1_net_cls(const char *dir, const oci_network *net, sk_error **err);
int cg_v1_net_prio(const char *dir, const oci_network *net, sk_error **err);
int cg_v1_rdma(const char *dir, const oci_rdma *r, size_t n, sk_error **err);
int cg_v1_devices(const char *dir, const oci_device_cgroup *d, size_t n, sk_error **err);
/* "c 1:3 rwm" ("a *:* rwm" for wildcards), the v1 list syntax. */
void cg_device_rule_string(const oci_device_cgroup *d, char *buf, size_t size);

/* resources_v2.c: `dir` is the cgroup2 directory. */
int cg_v2_memory(const char *dir, const oci_memory *m, sk_error **err);
int cg_v2_cpu(const char *dir, const oci_cpu *c, sk_error **err);
int cg_v2_cpuset(const char *dir, const oci_cpu *c, sk_error **err);
int cg_v2_pids(const char *dir, int64_t limit, sk_error **err);
int cg_v2_io(const char *dir, const oci_blkio *b, sk_error **err);
int cg_v2_hugetlb(const char *dir, const oci_hugepage_limit *h, size_t n, sk_error **err);
int cg_v2_rdma(const char *dir, const oci_rdma *r, size_t n, sk_error **err);

/* devices_ebpf.c: build, load and attach a BPF_CGROUP_DEVICE program that
 * enforces `rules` (OCI order: the last matching rule decides); replaces
 * programs attached before. */
int cg_devices_ebpf_apply(int cgroup_fd, const oci_device_cgroup *rules, size_t n,
                          sk_error **err);
/* Number of device programs attached to the cgroup (BPF_PROG_QUERY). */
int cg_devices_ebpf_count(int cgroup_fd, uint32_t *count, sk_error **err);
/* Detach every device program from the cgroup. */
int cg_devices_ebpf_detach_all(int cgroup_fd, sk_error **err);

/* v1.c / v2.c: make and remove the directories. */
int cg_v1_create(sk_cgroup *cg, sk_error **err);
int cg_v2_create(sk_cgroup *cg, sk_error **err);
int cg_rmdir_retry(const char *dir, sk_error **err);

/* systemd.c */
int cg_systemd_parse(const char *cgroups_path, const char *id, char **slice,
                     char **unit, sk_error **err);
/* "a-b.slice" -> "/a.slice/a-b.slice" (malloc'd). */
char *cg_systemd_slice_path(const char *slice);
int cg_systemd_start(sk_cgroup *cg, const char *slice, const oci_resources *r,
                     sk_error **err);
int cg_systemd_stop(sk_cgroup *cg, sk_error **err);
/* Put this process back where it was before the scope took it. */
void cg_systemd_leave(sk_cgroup *cg);

/* freeze.c: by directory, for either hierarchy kind */
int cg_freeze_v1(const char *dir, bool frozen, sk_error **err);
int cg_freeze_v2(const char *dir, bool frozen, sk_error **err);
bool cg_frozen_v1(const char *dir);
bool cg_frozen_v2(const char *dir);
int cg_procs_of(const char *dir, pid_t **pids, size_t *n, sk_error **err);

#endif
