/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading and writing cgroup knobs, with errors that name the field and the
 * file: "linux.resources.memory.limit: write memory.limit_in_bytes: ...". */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util.h"

static int open_knob(const char *dir, const char *file, int flags) {
  char p[4096];
  if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, file) >= sizeof(p)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return open(p, flags | O_CLOEXEC);
}

int cg_write(const char *dir, const char *file, const char *value, const char *field,
             sk_error **err) {
  _cleanup_close_ int fd = open_knob(dir, file, O_WRONLY);
  if (fd < 0) {
    sk_fail_errno(err, "open %s/%s", dir, file);
    return field ? sk_wrap(err, "%s", field) : -1;
  }
  size_t len = strlen(value);
  ssize_t n;
  do
    n = write(fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0 || (size_t)n != len) {
    sk_fail(err, n < 0 ? errno : EIO, "write %s", file);
    return field ? sk_wrap(err, "%s", field) : -1;
  }
  return 0;
}

int cg_writef(const char *dir, const char *file, const char *field, sk_error **err,
              const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  return cg_write(dir, file, buf, field, err);
}

char *cg_read(const char *dir, const char *file) {
  _cleanup_close_ int fd = open_knob(dir, file, O_RDONLY);
  if (fd < 0)
    return NULL;
  char *out = NULL;
  size_t len;
  sk_error *e = NULL;
  if (sk_read_fd_all(fd, &out, &len, &e) < 0) {
    errno = e ? e->errnum : EIO;
    sk_error_free(&e);
    return NULL;
  }
  return out;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out) {
  _cleanup_free_ char *s = cg_read(dir, file);
  if (s == NULL)
    return -1;
  if (strncmp(s, "max", 3) == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s)
    return -1;
  *out = v;
  return 0;
}

bool cg_file_exists(const char *dir, const char *file) {
  char p[4096];
  snprintf(p, sizeof(p), "%s/%s", dir, file);
  return access(p, F_OK) == 0;
}
