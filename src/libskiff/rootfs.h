/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's filesystem, built by the init process in its new mount
 * namespace. Everything under plan->rootfs is treated as hostile: paths are
 * resolved with openat2(RESOLVE_IN_ROOT) and mounts are made on the resolved
 * fds, never on a path string that the rootfs could redirect. */
#ifndef SKIFF_ROOTFS_H
#define SKIFF_ROOTFS_H

#include "error.h"
#include "plan.h"

/* Before pivot_root, with the host's /proc still visible:
 *  - set the propagation of / (linux.rootfsPropagation; default rslave as
 *    runc), bind the rootfs onto itself so that it is a mount point;
 *  - mount every mounts[] entry in order (destinations created inside the
 *    rootfs as needed);
 *  - create the default devices and linux.devices (bind-mounting the host
 *    nodes in a user namespace), the /dev symlinks, /dev/pts/ptmx;
 *  - mask linux.maskedPaths and make linux.readonlyPaths read-only.
 * Errors name the config entry: "mounts[3] /data: mount tmpfs: ...". */
int rootfs_prepare(const sk_plan *plan, sk_error **err);

/* Runtime side, before the clone. An idmapped mount needs CAP_SYS_ADMIN
 * over the filesystem's own user namespace, which root in the container's
 * user namespace lacks: for such a container the runtime clones and
 * idmaps those bind trees itself and the init only attaches them
 * (plan->premade_trees). A no-op for other containers. */
int mounts_prepare_idmapped(sk_plan *plan, sk_error **err);
void mounts_close_premade(sk_plan *plan);

/* pivot_root into the rootfs (MS_MOVE + chroot with --no-pivot), detach the
 * old root, chdir("/"), then make / read-only if root.readonly. */
int rootfs_enter(const sk_plan *plan, sk_error **err);

#endif
