/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A "cgroup" mount on a v1 or hybrid host: what runc builds, a tmpfs with
 * one directory per hierarchy of the host, each a bind of the container's
 * own cgroup in that hierarchy (and the host's symlinks such as
 * cpu -> cpu,cpuacct). The container sees its cgroup, not the host's
 * tree. On a pure v2 host mounts.c mounts a fresh cgroup2 instead. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "rootfs_internal.h"
#include "util.h"

#define HOST_CGROUP_ROOT "/sys/fs/cgroup"

/* Bind <hierarchy>/<cgroup_path> onto `name` in the tmpfs. */
static int bind_hierarchy(int tmpfs, const char *name, const char *cgroup_path,
                          const struct sk_tree_attrs *a, sk_error **err) {
  char src[PATH_MAX];
  snprintf(src, sizeof(src), HOST_CGROUP_ROOT "/%s%s", name, cgroup_path);
  if (mkdirat(tmpfs, name, 0755) < 0 && errno != EEXIST)
    return sk_fail_errno(err, "mkdir %s", name);
  _cleanup_close_ int tree = sk_tree_clone(AT_FDCWD, src, false);
  if (tree < 0) {
    if (errno == ENOENT)
      return 0; /* a hierarchy the container has no cgroup in: left empty */
    return sk_fail_errno(err, "bind %s", src);
  }
  _cleanup_close_ int target = openat(tmpfs, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  const char *what = "open";
  if (target < 0 || sk_tree_attach(tree, target, a, &what) < 0)
    return sk_fail_errno(err, "bind %s: %s", src, what);
  return 0;
}

int sk_mount_cgroup_v1(int dest, const char *cgroup_path, unsigned long flags,
                       int (*reopen)(void *ctx, sk_error **err), void *ctx, sk_error **err) {
  if (mount("cgroup", sk_fd_path(dest).s, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
            "mode=755") < 0)
    return sk_fail_errno(err, "mount tmpfs for the cgroup hierarchies");
  _cleanup_close_ int top = reopen(ctx, err);
  if (top < 0)
    return -1;
  _cleanup_close_ int tmpfs = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = opendir(HOST_CGROUP_ROOT);
  if (tmpfs < 0 || d == NULL) {
    if (d)
      closedir(d);
    return sk_fail_errno(err, "read %s", HOST_CGROUP_ROOT);
  }
  bool ro = (flags & MS_RDONLY) != 0;
  struct sk_tree_attrs a = {
      .top_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
                 (ro ? MOUNT_ATTR_RDONLY : 0),
  };
  int r = 0;
  struct dirent *de;
  while (r == 0 && (de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    if (de->d_type == DT_LNK) {
      char target[PATH_MAX];
      ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
      if (n > 0) {
        target[n] = '\0';
        if (symlinkat(target, tmpfs, de->d_name) < 0 && errno != EEXIST)
          r = sk_fail_errno(err, "symlink %s", de->d_name);
      }
    } else if (de->d_type == DT_DIR) {
      r = bind_hierarchy(tmpfs, de->d_name, cgroup_path, &a, err);
    }
  }
  closedir(d);
  if (r == 0 && ro) {
    struct mount_attr ma = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(top, "", AT_EMPTY_PATH, &ma, sizeof(ma)) < 0)
      r = sk_fail_errno(err, "make the cgroup tmpfs read-only");
  }
  return r;
}
