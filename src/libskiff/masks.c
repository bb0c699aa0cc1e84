/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.maskedPaths and linux.readonlyPaths. Paths that do not exist in the
 * container are skipped (config-linux.md); symlinks are resolved inside the
 * rootfs, so a masked path pointing out of it masks nothing outside. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "paths.h"
#include "rootfs_internal.h"
#include "util.h"

/* The host's /dev/null, checked to really be char 1:3 before anything is
 * bound from it: runc's CVE-2025-31133 was a /dev/null replaced by a
 * symlink, which turned masking into a bind of an arbitrary file. */
static int open_null(sk_error **err) {
  _cleanup_close_ int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0)
    return sk_fail_errno(err, "/dev/null");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
    return sk_fail(err, 0, "/dev/null is not the null device (char 1:3)");
  return sk_steal_fd(&fd);
}

static int mask_one(int rootfd, const char *path, int *nullfd, sk_error **err) {
  _cleanup_close_ int fd = sk_path_open(rootfd, path, SK_PATH_NOCREATE);
  if (fd < 0)
    return errno == ENOENT ? 0 : sk_fail_errno(err, "open");
  struct stat st;
  if (fstat(fd, &st) < 0)
    return sk_fail_errno(err, "stat");
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", sk_fd_path(fd).s, "tmpfs", MS_RDONLY, NULL) < 0)
      return sk_fail_errno(err, "mount read-only tmpfs");
    return 0;
  }
  if (*nullfd < 0 && (*nullfd = open_null(err)) < 0)
    return -1;
  if (mount(sk_fd_path(*nullfd).s, sk_fd_path(fd).s, NULL, MS_BIND, NULL) < 0)
    return sk_fail_errno(err, "bind /dev/null");
  return 0;
}

static int readonly_one(int rootfd, const char *path, sk_error **err) {
  _cleanup_close_ int fd = sk_path_open(rootfd, path, SK_PATH_NOCREATE);
  if (fd < 0)
    return errno == ENOENT ? 0 : sk_fail_errno(err, "open");
  /* Recursive: a submount (e.g. binfmt_misc under /proc/sys) must not stay
   * writable under a read-only path. */
  _cleanup_close_ int tree = sk_tree_clone(fd, "", true);
  if (tree < 0)
    return sk_fail_errno(err, "open_tree");
  struct sk_tree_attrs a = {.rec_set = MOUNT_ATTR_RDONLY};
  const char *what;
  if (sk_tree_attach(tree, fd, &a, &what) < 0)
    return sk_fail_errno(err, "%s", what);
  return 0;
}

int rootfs_apply_masks(const sk_plan *plan, int rootfd, sk_error **err) {
  const oci_linux *lx = plan->config->linux_;
  if (lx == NULL)
    return 0;
  _cleanup_close_ int nullfd = -1;
  /* Read-only paths first, then masks, in runc's order. */
  for (size_t i = 0; i < lx->n_readonly_paths; i++)
    if (readonly_one(rootfd, lx->readonly_paths[i], err) < 0)
      return sk_wrap(err, "linux.readonlyPaths[%zu] %s", i, lx->readonly_paths[i]);
  for (size_t i = 0; i < lx->n_masked_paths; i++)
    if (mask_one(rootfd, lx->masked_paths[i], &nullfd, err) < 0)
      return sk_wrap(err, "linux.maskedPaths[%zu] %s", i, lx->masked_paths[i]);
  return 0;
}
