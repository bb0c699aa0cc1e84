/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "procfs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

int procfs_open(const char *proc_root, const char *path, int flags, sk_error **err) {
  _cleanup_close_ int root = open(proc_root, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (root < 0)
    return sk_fail_errno(err, "open %s", proc_root);
  struct statfs sfs;
  if (fstatfs(root, &sfs) < 0)
    return sk_fail_errno(err, "fstatfs %s", proc_root);
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return sk_fail(err, EXDEV, "%s is not procfs", proc_root);
  struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                                    RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV};
  int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
  if (fd < 0 && errno == ENOSYS) {
    /* Kernels before 5.6: procfs itself has no symlinks below sys/, and
     * O_NOFOLLOW guards the last component. */
    fd = openat(root, path, flags | O_CLOEXEC | O_NOFOLLOW);
  }
  if (fd < 0)
    return sk_fail_errno(err, "open %s/%s", proc_root, path);
  /* Still procfs after the walk (nothing mounted over a component). */
  if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) {
    close(fd);
    return sk_fail(err, EXDEV, "%s/%s is not on procfs", proc_root, path);
  }
  return fd;
}

int procfs_write(const char *proc_root, const char *path, const char *value, sk_error **err) {
  _cleanup_close_ int fd = procfs_open(proc_root, path, O_WRONLY, err);
  if (fd < 0)
    return -1;
  size_t len = strlen(value);
  ssize_t n = write(fd, value, len);
  if (n < 0)
    return sk_fail_errno(err, "write %s/%s", proc_root, path);
  if ((size_t)n != len)
    return sk_fail(err, EIO, "short write to %s/%s", proc_root, path);
  return 0;
}
