/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "rootfs_internal.h"

int sk_tree_clone(int dirfd, const char *path, bool recursive) {
  unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  if (recursive)
    flags |= AT_RECURSIVE;
  if (path[0] == '\0')
    flags |= AT_EMPTY_PATH;
  return open_tree(dirfd, path, flags);
}

static int setattr(int tree, unsigned int flags, uint64_t set, uint64_t clr, int userns) {
  if (set == 0 && clr == 0)
    return 0;
  struct mount_attr a = {.attr_set = set, .attr_clr = clr};
  if (set & MOUNT_ATTR_IDMAP)
    a.userns_fd = (uint64_t)userns;
  return mount_setattr(tree, "", AT_EMPTY_PATH | flags, &a, sizeof(a));
}

int sk_tree_setattr(int tree, const struct sk_tree_attrs *a) {
  /* Recursive first, then the top mount, so that "rro,rw" leaves only the
   * top mount writable. */
  if (setattr(tree, AT_RECURSIVE, a->rec_set, a->rec_clr, a->userns_fd) < 0 ||
      setattr(tree, 0, a->top_set, a->top_clr, a->userns_fd) < 0)
    return -1;
  return 0;
}

int sk_tree_attach(int tree, int destfd, const struct sk_tree_attrs *a,
                   const char **what) {
  *what = "mount_setattr";
  if (sk_tree_setattr(tree, a) < 0)
    return -1;
  *what = "move_mount";
  return move_mount(tree, "", destfd, "",
                    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

uint64_t sk_atime_attr(unsigned long flags) {
  if (flags & MS_NOATIME)
    return MOUNT_ATTR_NOATIME;
  if (flags & MS_STRICTATIME)
    return MOUNT_ATTR_STRICTATIME;
  return MOUNT_ATTR_RELATIME;
}
