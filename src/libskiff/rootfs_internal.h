/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The steps of rootfs_prepare, one file each, and what they share. */
#ifndef SKIFF_ROOTFS_INTERNAL_H
#define SKIFF_ROOTFS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "plan.h"

/* mounts.c: every mounts[] entry, in order. Sets *dev_is_bind when "/dev"
 * is a bind mount (then the host's nodes are used and no device is made). */
int rootfs_mount_entries(const sk_plan *plan, int rootfd, bool *dev_is_bind,
                         sk_error **err);

/* devices.c: default devices, linux.devices, /dev symlinks and ptmx. */
int rootfs_create_devices(const sk_plan *plan, int rootfd, sk_error **err);

/* masks.c: linux.maskedPaths and linux.readonlyPaths. */
int rootfs_apply_masks(const sk_plan *plan, int rootfd, sk_error **err);

/* copyup.c: copy the contents of directory `srcdir` into `dstdir` (modes,
 * owners, symlinks as symlinks; device nodes skipped where mknod is denied). */
int sk_copy_up(int srcdir, int dstdir, sk_error **err);

/* idmap.c: fd of a new user namespace with the uidMappings/gidMappings of
 * `m` (container_id host_id size, as /proc/PID/uid_map takes them), or -1. */
int sk_idmap_userns(const oci_mount *m, sk_error **err);

/* mount_tree.c: bind mounts with the new mount API. A clone of a tree is
 * made detached (open_tree), its attributes are set while nobody can see it
 * (mount_setattr), then it is attached onto an fd (move_mount with
 * MOVE_MOUNT_T_EMPTY_PATH): no path under the rootfs is ever resolved by
 * these calls, and a read-only bind is read-only from its first instant. */
struct sk_tree_attrs {
  uint64_t top_set, top_clr; /* MOUNT_ATTR_* of the top mount */
  uint64_t rec_set, rec_clr; /* MOUNT_ATTR_* of every mount of the tree */
  int userns_fd;             /* with MOUNT_ATTR_IDMAP in top_set or rec_set */
};
/* Detached clone of `path` at `dirfd` ("" with dirfd: the fd itself), with
 * its submounts when `recursive`. Returns the fd or -1 with errno. */
int sk_tree_clone(int dirfd, const char *path, bool recursive);
/* cgroup_mount.c: a "cgroup" mount on a v1/hybrid host onto `dest`: a tmpfs
 * with the container's cgroup (`cgroup_path`) of every host hierarchy bound
 * under it. `reopen` gives the new mount's fd. */
int sk_mount_cgroup_v1(int dest, const char *cgroup_path, unsigned long flags,
                       int (*reopen)(void *ctx, sk_error **err), void *ctx, sk_error **err);
/* Apply `a` to the detached `tree`. -1 with errno. */
int sk_tree_setattr(int tree, const struct sk_tree_attrs *a);
/* Apply `a` to `tree` and attach it onto `destfd`. -1 with errno set and
 * *what naming the syscall that failed. */
int sk_tree_attach(int tree, int destfd, const struct sk_tree_attrs *a,
                   const char **what);
/* MOUNT_ATTR_* atime mode of the MS_* atime bits of `flags`. */
uint64_t sk_atime_attr(unsigned long flags);

#endif
