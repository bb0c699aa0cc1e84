/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/syscall.h>

void sk_strv_free(char **v) {
  if (v == NULL)
    return;
  for (char **p = v; *p; p++)
    free(*p);
  free(v);
}

int sk_write_all(int fd, const void *buf, size_t len, sk_error **err) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return sk_fail_errno(err, "write");
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int sk_read_fd_all(int fd, char **out, size_t *len, sk_error **err) {
  size_t cap = 4096, used = 0;
  char *buf = malloc(cap);
  if (buf == NULL)
    return sk_fail(err, ENOMEM, "read");
  for (;;) {
    if (used + 1 >= cap) {
      char *n = realloc(buf, cap * 2);
      if (n == NULL) {
        free(buf);
        return sk_fail(err, ENOMEM, "read");
      }
      buf = n;
      cap *= 2;
    }
    ssize_t r = read(fd, buf + used, cap - used - 1);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      free(buf);
      return sk_fail_errno(err, "read");
    }
    if (r == 0)
      break;
    used += (size_t)r;
  }
  buf[used] = '\0';
  *out = buf;
  if (len)
    *len = used;
  return 0;
}

int sk_read_file(const char *path, char **out, size_t *len, sk_error **err) {
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return sk_fail_errno(err, "open %s", path);
  if (sk_read_fd_all(fd, out, len, err) < 0)
    return sk_wrap(err, "%s", path);
  return 0;
}

int sk_write_file_atomic(int dirfd, const char *name, const char *data,
                         size_t len, sk_error **err) {
  char tmp[256];
  snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
  _cleanup_close_ int fd =
      openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return sk_fail_errno(err, "create %s", tmp);
  if (sk_write_all(fd, data, len, err) < 0) {
    unlinkat(dirfd, tmp, 0);
    return sk_wrap(err, "%s", tmp);
  }
  if (renameat(dirfd, tmp, dirfd, name) < 0) {
    int e = errno;
    unlinkat(dirfd, tmp, 0);
    return sk_fail(err, e, "rename %s to %s", tmp, name);
  }
  return 0;
}

int sk_write_at(int dirfd, const char *name, const char *data, sk_error **err) {
  _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return sk_fail_errno(err, "open %s", name);
  size_t len = strlen(data);
  ssize_t n = write(fd, data, len);
  if (n < 0)
    return sk_fail_errno(err, "write %s", name);
  if ((size_t)n != len)
    return sk_fail(err, EIO, "short write to %s", name);
  return 0;
}

int sk_mkdir_p(const char *path, mode_t mode, sk_error **err) {
  _cleanup_free_ char *p = strdup(path);
  if (p == NULL)
    return sk_fail(err, ENOMEM, "mkdir %s", path);
  for (char *s = p + 1; *s; s++) {
    if (*s != '/')
      continue;
    *s = '\0';
    if (mkdir(p, mode) < 0 && errno != EEXIST)
      return sk_fail_errno(err, "mkdir %s", p);
    *s = '/';
  }
  if (mkdir(p, mode) < 0 && errno != EEXIST)
    return sk_fail_errno(err, "mkdir %s", p);
  return 0;
}

/* The highest fd number worth looking at without close_range. */
static unsigned int fd_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1 << 20)
    return 1 << 20;
  return (unsigned int)rl.rlim_cur;
}

/* close_range(from, to, flags), or one fd at a time where the kernel lacks
 * it (before 5.9; CLOSE_RANGE_CLOEXEC before 5.11). */
static void close_or_cloexec_range(unsigned int from, unsigned int to, unsigned int flags) {
  if (syscall(SYS_close_range, from, to, flags) == 0)
    return;
  unsigned int limit = fd_limit();
  if (to > limit)
    to = limit;
  for (unsigned int fd = from; fd <= to && fd < limit; fd++) {
    if (flags & CLOSE_RANGE_CLOEXEC)
      fcntl((int)fd, F_SETFD, FD_CLOEXEC);
    else
      close((int)fd);
  }
}

void sk_cloexec_from(unsigned int first) { close_or_cloexec_range(first, ~0U, CLOSE_RANGE_CLOEXEC); }

void sk_close_fds_except(unsigned int first, int *keep, size_t n) {
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (keep[j] < keep[i]) {
        int t = keep[i];
        keep[i] = keep[j];
        keep[j] = t;
      }
  unsigned int from = first;
  for (size_t i = 0; i < n; i++) {
    if (keep[i] < 0 || (unsigned int)keep[i] < from)
      continue;
    if ((unsigned int)keep[i] > from)
      close_or_cloexec_range(from, (unsigned int)keep[i] - 1, 0);
    from = (unsigned int)keep[i] + 1;
  }
  close_or_cloexec_range(from, ~0U, 0);
}


size_t sk_strv_length(const char *const *v) {
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

int sk_parse_num_list(const char *s, unsigned long *mask, size_t bits) {
  const size_t word = 8 * sizeof(unsigned long);
  memset(mask, 0, (bits + word - 1) / word * sizeof(unsigned long));
  const char *p = s;
  while (*p == ' ')
    p++;
  while (*p) {
    char *end;
    if (*p < '0' || *p > '9')
      return errno = EINVAL, -1;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (*end == '-') {
      p = end + 1;
      if (*p < '0' || *p > '9')
        return errno = EINVAL, -1;
      b = strtoul(p, &end, 10);
    }
    if (b < a)
      return errno = EINVAL, -1;
    if (b >= bits)
      return errno = ERANGE, -1;
    for (unsigned long n = a; n <= b; n++)
      mask[n / word] |= 1UL << (n % word);
    p = end;
    while (*p == ' ')
      p++;
    if (*p == ',')
      p++;
    else if (*p != '\0')
      return errno = EINVAL, -1;
    while (*p == ' ')
      p++;
  }
  return 0;
}
