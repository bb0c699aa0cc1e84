/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap) {
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    return NULL;
  return s;
}

int sk_fail(sk_error **err, int errnum, const char *fmt, ...) {
  if (err == NULL)
    return -1;
  va_list ap;
  va_start(ap, fmt);
  char *what = vformat(fmt, ap);
  va_end(ap);

  sk_error_free(err);
  sk_error *e = calloc(1, sizeof(*e));
  if (e == NULL) {
    free(what);
    return -1;
  }
  e->errnum = errnum;
  if (errnum != 0) {
    if (asprintf(&e->msg, "%s: %s", what ? what : "error", strerror(errnum)) < 0)
      e->msg = NULL;
    free(what);
  } else {
    e->msg = what;
  }
  if (e->msg == NULL)
    e->msg = strdup("out of memory while reporting an error");
  *err = e;
  return -1;
}

int sk_wrap(sk_error **err, const char *fmt, ...) {
  if (err == NULL || *err == NULL)
    return -1;
  va_list ap;
  va_start(ap, fmt);
  char *ctx = vformat(fmt, ap);
  va_end(ap);
  char *joined = NULL;
  if (ctx != NULL && asprintf(&joined, "%s: %s", ctx, (*err)->msg) >= 0) {
    free((*err)->msg);
    (*err)->msg = joined;
  }
  free(ctx);
  return -1;
}

void sk_error_free(sk_error **err) {
  if (err == NULL || *err == NULL)
    return;
  free((*err)->msg);
  free(*err);
  *err = NULL;
}
