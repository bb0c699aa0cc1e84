/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Cleanup attributes and small helpers used everywhere. */
#ifndef SKIFF_UTIL_H
#define SKIFF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "error.h"

static inline void sk_freep(void *p) { free(*(void **)p); }
static inline void sk_closep(int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
  *fd = -1;
}
static inline void sk_fclosep(FILE **f) {
  if (*f)
    fclose(*f);
  *f = NULL;
}
void sk_strv_free(char **v);
static inline void sk_strv_freep(char ***v) {
  sk_strv_free(*v);
  *v = NULL;
}

#define _cleanup_free_ __attribute__((cleanup(sk_freep)))
#define _cleanup_close_ __attribute__((cleanup(sk_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(sk_fclosep)))
#define _cleanup_strv_ __attribute__((cleanup(sk_strv_freep)))

/* Hand an fd out of a _cleanup_close_ variable. */
static inline int sk_steal_fd(int *fd) {
  int r = *fd;
  *fd = -1;
  return r;
}
static inline void *sk_steal_ptr(void *pp) {
  void **p = pp;
  void *r = *p;
  *p = NULL;
  return r;
}

#define SK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Whole-buffer I/O retrying on EINTR and short transfers. */
int sk_write_all(int fd, const void *buf, size_t len, sk_error **err);
/* Read a whole file (at most `max` bytes) into a NUL-terminated buffer. */
int sk_read_file(const char *path, char **out, size_t *len, sk_error **err);
int sk_read_fd_all(int fd, char **out, size_t *len, sk_error **err);
/* Write `data` to `path` atomically: temp file in the same dir, fsync-less
 * (state lives on tmpfs), rename. */
int sk_write_file_atomic(int dirfd, const char *name, const char *data,
                         size_t len, sk_error **err);
/* Write a short string to an existing file (cgroup/proc knobs). */
int sk_write_at(int dirfd, const char *name, const char *data, sk_error **err);
/* Close every fd from `first` up, except those in `keep` (-1 entries
 * ignored; the array is sorted in place): close_range over the gaps, a
 * handful of syscalls. */
void sk_close_fds_except(unsigned int first, int *keep, size_t n);
/* Mark every fd from `first` up close-on-exec. */
void sk_cloexec_from(unsigned int first);
/* Length of a NULL-terminated vector (0 for NULL). */
size_t sk_strv_length(const char *const *v);
/* A kernel-style list of numbers ("0-3,5", spaces allowed around the
 * commas) as a bit mask of `bits` bits. -1 with errno EINVAL when it is
 * malformed, ERANGE when a number does not fit. */
int sk_parse_num_list(const char *s, unsigned long *mask, size_t bits);
/* mkdir -p with mode for each created component. */
int sk_mkdir_p(const char *path, mode_t mode, sk_error **err);

#endif
