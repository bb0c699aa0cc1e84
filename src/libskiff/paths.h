/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Safe resolution of paths inside a hostile root directory.
 *
 * A path is resolved as if `rootfd` were "/": absolute symlinks restart at
 * rootfd, ".." never climbs above it. The kernel does this with openat2
 * (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS); when openat2 is missing
 * (ENOSYS, kernels before 5.6) and whenever components must be created, a
 * component-by-component walk with O_NOFOLLOW follows symlinks by hand,
 * within the root. */
#ifndef SKIFF_PATHS_H
#define SKIFF_PATHS_H

#include "error.h"

enum sk_path_create {
  SK_PATH_NOCREATE, /* missing component: ENOENT */
  SK_PATH_DIR,      /* create missing directories, the last one included */
  SK_PATH_FILE,     /* create missing directories, the last one an empty file */
};

/* O_PATH|O_CLOEXEC fd of `path` inside `rootfd` (symlinks followed within
 * the root; the last component too). Returns the fd, or -1 with errno set
 * (ENOENT when missing and SK_PATH_NOCREATE). No sk_error: callers decide
 * whether a missing path is an error and name the config entry. */
int sk_path_open(int rootfd, const char *path, enum sk_path_create create);

/* Resolve (creating directories as needed) the parent directory of `path`
 * inside `rootfd` and return an O_PATH fd of it; *base points at the last
 * component inside `path` (which must not be "", "." or ".."; EINVAL).
 * The last component is not resolved: use it with *at() calls that do not
 * follow symlinks (mknodat, symlinkat, O_NOFOLLOW). */
int sk_path_open_parent(int rootfd, const char *path, char *base, size_t basesz);

/* "/proc/self/fd/N" for mount(2) on an fd: the host's /proc is trusted while
 * rootfs_prepare runs. */
typedef struct { char s[32]; } sk_fdpath;
sk_fdpath sk_fd_path(int fd);

/* For tests: force the manual walk as if openat2 did not exist. */
void sk_path_force_fallback(int on);

#endif
