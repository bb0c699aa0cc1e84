/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define MAX_DEPTH 256 /* directories deep */
#define MAX_LINKS 40  /* symlinks followed, as the kernel's MAXSYMLINKS */

static int use_fallback; /* openat2 returned ENOSYS once, or a test asked */

void sk_path_force_fallback(int on) { use_fallback = on; }

sk_fdpath sk_fd_path(int fd) {
  sk_fdpath p;
  snprintf(p.s, sizeof(p.s), "/proc/self/fd/%d", fd);
  return p;
}

/* Next component of *rest (skipping slashes) into comp; false at the end. */
static bool next_component(const char **rest, char *comp, size_t compsz) {
  const char *s = *rest;
  while (*s == '/')
    s++;
  if (*s == '\0') {
    *rest = s;
    return false;
  }
  const char *e = strchrnul(s, '/');
  size_t len = (size_t)(e - s);
  if (len >= compsz)
    len = compsz - 1; /* NAME_MAX is smaller than compsz: ENAMETOOLONG below */
  memcpy(comp, s, len);
  comp[len] = '\0';
  *rest = e;
  return true;
}

static bool at_end(const char *rest) {
  while (*rest == '/')
    rest++;
  return *rest == '\0';
}

/* Create one missing component `comp` in `dir`. EEXIST is not an error: the
 * caller looks the name up again (someone else created it, maybe a
 * symlink, which the lookup then follows inside the root). */
static int create_component(int dir, const char *comp, bool file) {
  if (file) {
    int fd = openat(dir, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
      close(fd);
      return 0;
    }
  } else if (mkdirat(dir, comp, 0755) == 0) {
    return 0;
  }
  return errno == EEXIST ? 0 : -1;
}

/* The manual walk: every component is opened with O_NOFOLLOW relative to the
 * directory reached so far; symlinks are read and their target spliced in
 * front of the rest of the path; ".." pops a stack of directory fds and
 * stops at the root. Nothing is ever resolved by the kernel across a
 * symlink, so nothing escapes rootfd. */
static int walk(int rootfd, const char *path, enum sk_path_create create) {
  int stack[MAX_DEPTH];
  size_t depth = 0; /* stack[0..depth-1] are owned fds below rootfd */
  int links = 0, result = -1, saved = 0;
  char comp[NAME_MAX + 2];
  _cleanup_free_ char *buf = strdup(path);
  if (buf == NULL)
    return -1;
  const char *rest = buf;

  while (next_component(&rest, comp, sizeof(comp))) {
    if (strlen(comp) > NAME_MAX) {
      saved = ENAMETOOLONG;
      goto out;
    }
    if (strcmp(comp, ".") == 0)
      continue;
    if (strcmp(comp, "..") == 0) {
      if (depth > 0)
        close(stack[--depth]);
      continue;
    }
    int cur = depth > 0 ? stack[depth - 1] : rootfd;
    bool last = at_end(rest);
    int fd = -1;
    for (int tries = 0; tries < 8; tries++) {
      fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0 || errno != ENOENT || create == SK_PATH_NOCREATE)
        break;
      if (create_component(cur, comp, last && create == SK_PATH_FILE) < 0)
        break;
    }
    if (fd < 0) {
      saved = errno;
      goto out;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
      saved = errno;
      close(fd);
      goto out;
    }
    if (S_ISLNK(st.st_mode)) {
      char target[PATH_MAX];
      ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);
      close(fd);
      if (n < 0 || ++links > MAX_LINKS) {
        saved = n < 0 ? errno : ELOOP;
        goto out;
      }
      target[n] = '\0';
      if (n == 0) {
        saved = ENOENT;
        goto out;
      }
      /* New remaining path: target, then what was left after the link. */
      char *next = NULL;
      if (asprintf(&next, "%s/%s", target, rest) < 0) {
        saved = ENOMEM;
        goto out;
      }
      free(buf);
      buf = next;
      rest = buf;
      if (target[0] == '/')
        while (depth > 0)
          close(stack[--depth]);
      continue;
    }
    if (!S_ISDIR(st.st_mode) && !last) {
      close(fd);
      saved = ENOTDIR;
      goto out;
    }
    if (depth == MAX_DEPTH) {
      close(fd);
      saved = ENAMETOOLONG;
      goto out;
    }
    stack[depth++] = fd;
  }

  if (depth > 0) {
    result = stack[--depth];
  } else {
    result = openat(rootfd, ".", O_PATH | O_CLOEXEC);
    if (result < 0)
      saved = errno;
  }
out:
  while (depth > 0)
    close(stack[--depth]);
  if (result < 0)
    errno = saved ? saved : EINVAL;
  return result;
}

int sk_path_open(int rootfd, const char *path, enum sk_path_create create) {
  if (!use_fallback) {
    struct open_how how = {
        .flags = O_PATH | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd;
    int tries = 0;
    do /* EAGAIN: a concurrent rename made ".." unsafe to check; retry */
      fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN && ++tries < 16);
    if (fd >= 0)
      return fd;
    if (errno == ENOSYS)
      use_fallback = 1;
    else if (errno != ENOENT || create == SK_PATH_NOCREATE)
      return -1;
  }
  return walk(rootfd, path, create);
}

int sk_path_open_parent(int rootfd, const char *path, char *base, size_t basesz) {
  size_t len = strlen(path);
  while (len > 0 && path[len - 1] == '/')
    len--;
  size_t start = len;
  while (start > 0 && path[start - 1] != '/')
    start--;
  size_t blen = len - start;
  if (blen == 0 || blen >= basesz || (blen == 1 && path[start] == '.') ||
      (blen == 2 && path[start] == '.' && path[start + 1] == '.')) {
    errno = blen >= basesz ? ENAMETOOLONG : EINVAL;
    return -1;
  }
  memcpy(base, path + start, blen);
  base[blen] = '\0';
  _cleanup_free_ char *parent = strndup(path, start);
  if (parent == NULL)
    return -1;
  return sk_path_open(rootfd, parent[0] ? parent : "/", SK_PATH_DIR);
}
