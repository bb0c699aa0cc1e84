/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rootfs_prepare and rootfs_enter: propagation, the rootfs bind, the order
 * of the steps, pivot_root (or MS_MOVE + chroot) and the read-only root. */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "util.h"

/* linux.rootfsPropagation as MS_* (always recursive); 0 if unknown. */
static unsigned long root_propagation(const sk_plan *plan, const char **name) {
  const oci_linux *lx = plan->config->linux_;
  const char *p = lx ? lx->rootfs_propagation : NULL;
  *name = p;
  if (p == NULL)
    return MS_SLAVE | MS_REC; /* runc's default */
  if (p[0] == 'r')            /* runc also takes "rshared" etc. */
    p++;
  static const struct {
    const char *name;
    unsigned long flag;
  } table[] = {
      {"shared", MS_SHARED}, {"slave", MS_SLAVE},
      {"private", MS_PRIVATE}, {"unbindable", MS_UNBINDABLE},
  };
  for (size_t i = 0; i < SK_ARRAY_SIZE(table); i++)
    if (strcmp(p, table[i].name) == 0)
      return table[i].flag | MS_REC;
  return 0;
}

static int mnt_id(const char *path, uint64_t *id) {
  struct statx stx;
  if (statx(AT_FDCWD, path, AT_NO_AUTOMOUNT, STATX_MNT_ID, &stx) < 0)
    return -1;
  *id = stx.stx_mnt_id;
  return 0;
}

/* pivot_root(2) fails with EINVAL when the parent mount of the new root is
 * shared. With rootfsPropagation "shared", make the mount that holds the
 * rootfs directory private (only that one). It is found without reading
 * mountinfo: walk up from the rootfs' parent directory while the mount id
 * stays the same; the last such directory is that mount's root. Host paths
 * only, the bundle is not hostile. */
static int make_parent_private(const char *rootfs, sk_error **err) {
  _cleanup_free_ char *dir = strdup(rootfs);
  if (dir == NULL)
    return sk_fail(err, ENOMEM, "rootfs parent");
  char *slash = strrchr(dir, '/');
  if (slash == NULL)
    return sk_fail(err, EINVAL, "rootfs %s is not absolute", rootfs);
  *(slash == dir ? slash + 1 : slash) = '\0';
  uint64_t id, up_id;
  if (mnt_id(dir, &id) < 0)
    return sk_fail_errno(err, "statx %s", dir);
  while (strcmp(dir, "/") != 0) {
    slash = strrchr(dir, '/');
    char saved = slash == dir ? slash[1] : slash[0];
    *(slash == dir ? slash + 1 : slash) = '\0';
    if (mnt_id(dir, &up_id) < 0)
      return sk_fail_errno(err, "statx %s", dir);
    if (up_id != id) {
      *(slash == dir ? slash + 1 : slash) = saved; /* back down: the root */
      break;
    }
  }
  if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) < 0)
    return sk_fail_errno(err, "make the rootfs' parent mount %s private", dir);
  return 0;
}

int rootfs_prepare(const sk_plan *plan, sk_error **err) {
  const char *pname;
  unsigned long prop = root_propagation(plan, &pname);
  if (prop == 0)
    return sk_fail(err, EINVAL, "linux.rootfsPropagation: unknown value \"%s\"", pname);
  /* The whole tree first: nothing mounted from now on may propagate back to
   * the host (rslave), or whatever the config asked. */
  /* An unbindable tree would refuse the rootfs bind below (EINVAL): keep it
   * private until the rootfs is /, then make that unbindable. */
  unsigned long before = (prop & MS_UNBINDABLE) ? MS_PRIVATE | MS_REC : prop;
  if (mount(NULL, "/", NULL, before, NULL) < 0)
    return sk_fail_errno(err, "linux.rootfsPropagation: set on /");
  if ((prop & MS_SHARED) && make_parent_private(plan->rootfs, err) < 0)
    return sk_wrap(err, "linux.rootfsPropagation");
  /* pivot_root needs the new root to be a mount point. */
  if (mount(plan->rootfs, plan->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return sk_fail_errno(err, "root.path %s: bind onto itself", plan->rootfs);
  _cleanup_close_ int rootfd = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return sk_fail_errno(err, "root.path %s: open", plan->rootfs);

  bool dev_is_bind;
  if (rootfs_mount_entries(plan, rootfd, &dev_is_bind, err) < 0)
    return -1;
  /* A /dev bound from the host brings its own nodes (runc: same). */
  if (!dev_is_bind && rootfs_create_devices(plan, rootfd, err) < 0)
    return -1;
  return rootfs_apply_masks(plan, rootfd, err);
}

/* Read-only root. mount_setattr only adds MOUNT_ATTR_RDONLY, so the locked
 * flags of the mount (nosuid, nodev, noexec, atime in a user namespace)
 * stay as they are; before 5.12 the remount must repeat them itself. */
static int make_root_readonly(sk_error **err) {
  struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};
  if (mount_setattr(AT_FDCWD, "/", 0, &a, sizeof(a)) == 0)
    return 0;
  if (errno != ENOSYS)
    return sk_fail_errno(err, "root.readonly: make / read-only");
  struct statvfs sv;
  if (statvfs("/", &sv) < 0)
    return sk_fail_errno(err, "root.readonly: statvfs /");
  static const struct {
    unsigned long st, ms;
  } keep[] = {
      {ST_NOSUID, MS_NOSUID}, {ST_NODEV, MS_NODEV}, {ST_NOEXEC, MS_NOEXEC},
      {ST_NOATIME, MS_NOATIME}, {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
  };
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
  for (size_t i = 0; i < SK_ARRAY_SIZE(keep); i++)
    if (sv.f_flag & keep[i].st)
      flags |= keep[i].ms;
  if (mount(NULL, "/", NULL, flags, NULL) < 0)
    return sk_fail_errno(err, "root.readonly: remount / read-only");
  return 0;
}

int rootfs_enter(const sk_plan *plan, sk_error **err) {
  _cleanup_close_ int rootfd = open(plan->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return sk_fail_errno(err, "root.path %s: open", plan->rootfs);
  if (fchdir(rootfd) < 0)
    return sk_fail_errno(err, "root.path %s: chdir", plan->rootfs);
  if (plan->no_pivot) {
    /* --no-pivot (rootfs on a ramfs, where pivot_root is refused): move the
     * rootfs mount over / and chroot into it. */
    if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
      return sk_fail_errno(err, "--no-pivot: move the rootfs onto /");
    if (chroot(".") < 0)
      return sk_fail_errno(err, "--no-pivot: chroot");
  } else {
    /* pivot_root(".", "."): with the same directory as new root and put_old,
     * the old root ends up mounted on top of the new one, at ".", and no
     * directory for it is needed in the image. umount2(".", MNT_DETACH)
     * then resolves "." to that top mount (umount follows mounts on the
     * last component) and detaches the whole old tree. No need to make it
     * rslave first: its parent, the rootfs mount, is slave or private at
     * this point (the shared case bound it under a private parent), so the
     * unmount does not propagate to the host. */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
      return sk_fail_errno(err, "pivot_root");
    if (umount2(".", MNT_DETACH) < 0)
      return sk_fail_errno(err, "pivot_root: detach the old root");
  }
  if (chdir("/") < 0)
    return sk_fail_errno(err, "chdir /");
  const char *pname;
  unsigned long prop = root_propagation(plan, &pname);
  /* Shared: the rootfs was bound under a private parent and so is private;
   * unbindable: it was kept private. Now that it is /, make it (and all
   * below) what was asked. */
  if ((prop & (MS_SHARED | MS_UNBINDABLE)) && mount(NULL, "/", NULL, prop, NULL) < 0)
    return sk_fail_errno(err, "linux.rootfsPropagation: set on the new /");
  if (plan->config->root != NULL && plan->config->root->readonly)
    return make_root_readonly(err);
  return 0;
}
