/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tmpcopyup: copy what a directory of the image holds into the tmpfs mounted
 * over it. Both sides are walked with *at() calls and O_NOFOLLOW only, so a
 * symlink in the image is copied as a symlink and never followed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "util.h"

#define COPY_MAX_DEPTH 64

static int copy_file(int src, int dst, const char *name, const struct stat *st) {
  _cleanup_close_ int in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return -1;
  _cleanup_close_ int out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                   st->st_mode & 07777);
  if (out < 0)
    return -1;
  for (;;) {
    ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
    if (n == 0)
      break;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return -1;
      char buf[65536];
      ssize_t r;
      while ((r = read(in, buf, sizeof(buf))) != 0) {
        if (r < 0) {
          if (errno == EINTR)
            continue;
          return -1;
        }
        for (ssize_t off = 0; off < r;) {
          ssize_t w = write(out, buf + off, (size_t)(r - off));
          if (w < 0 && errno != EINTR)
            return -1;
          if (w > 0)
            off += w;
        }
      }
      break;
    }
  }
  if (fchown(out, st->st_uid, st->st_gid) < 0 || fchmod(out, st->st_mode & 07777) < 0)
    return -1;
  return 0;
}

static int copy_dir(int src, int dst, int depth, char *failed, size_t failedsz) {
  if (depth > COPY_MAX_DEPTH) {
    errno = ELOOP;
    return -1;
  }
  int dupfd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dupfd < 0)
    return -1;
  DIR *d = fdopendir(dupfd);
  if (d == NULL) {
    close(dupfd);
    return -1;
  }
  int ret = 0;
  struct dirent *e;
  while (ret == 0 && (errno = 0, e = readdir(d)) != NULL) {
    const char *name = e->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    snprintf(failed, failedsz, "%s", name);
    struct stat st;
    if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
      ret = -1;
      break;
    }
    switch (st.st_mode & S_IFMT) {
    case S_IFDIR: {
      if (mkdirat(dst, name, st.st_mode & 07777) < 0 && errno != EEXIST) {
        ret = -1;
        break;
      }
      _cleanup_close_ int s2 = openat(src, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      _cleanup_close_ int d2 = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s2 < 0 || d2 < 0 || copy_dir(s2, d2, depth + 1, failed, failedsz) < 0 ||
          fchown(d2, st.st_uid, st.st_gid) < 0 || fchmod(d2, st.st_mode & 07777) < 0)
        ret = -1;
      break;
    }
    case S_IFREG:
      ret = copy_file(src, dst, name, &st);
      break;
    case S_IFLNK: {
      char target[PATH_MAX];
      ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
      if (n < 0) {
        ret = -1;
        break;
      }
      target[n] = '\0';
      if (symlinkat(target, dst, name) < 0 ||
          fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        ret = -1;
      break;
    }
    default:
      /* Device nodes cannot be made in a user namespace: skip those. */
      if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0 && errno != EPERM)
        ret = -1;
      else
        (void)fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
      break;
    }
  }
  if (ret == 0 && errno != 0)
    ret = -1;
  int saved = errno;
  closedir(d);
  errno = saved;
  return ret;
}

int sk_copy_up(int srcdir, int dstdir, sk_error **err) {
  char failed[NAME_MAX + 1] = "";
  if (copy_dir(srcdir, dstdir, 0, failed, sizeof(failed)) < 0)
    return sk_fail_errno(err, "tmpcopyup: copy %s", failed[0] ? failed : ".");
  return 0;
}
