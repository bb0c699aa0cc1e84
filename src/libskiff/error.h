/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one error type of skiff: an errno plus a message chain.
 *
 * Functions that can fail return int (0 on success, -1 on failure) and take
 * `sk_error **err` as their last argument. The innermost failure creates the
 * error with sk_fail()/sk_fail_errno(); every caller on the way out may add
 * where it happened with sk_wrap(), which prepends "context: ". The result
 * reads outside-in:
 *   linux.mounts[3] /data: mount tmpfs: Invalid argument
 */
#ifndef SKIFF_ERROR_H
#define SKIFF_ERROR_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>

typedef struct sk_error {
  int errnum; /* 0 when there is no errno behind the failure */
  char *msg;  /* the whole chain, strerror(errnum) included */
} sk_error;

/* New error with `errnum` (0: none); strerror(errnum) is appended. Returns -1.
 * If *err is already set, it is replaced (the old one is freed). */
int sk_fail(sk_error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* sk_fail with the current errno. */
#define sk_fail_errno(err, ...) sk_fail((err), errno, __VA_ARGS__)
/* Prepend "fmt: " to an existing error. Returns -1. */
int sk_wrap(sk_error **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sk_error_free(sk_error **err);
/* Move an error out (for passing over a pipe etc.). */
static inline sk_error *sk_error_steal(sk_error **err) {
  sk_error *e = *err;
  *err = NULL;
  return e;
}

#define _cleanup_error_ __attribute__((cleanup(sk_error_free)))

#endif
