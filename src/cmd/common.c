/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

int cmd_fail(sk_error **err) {
  sk_log_error(*err);
  sk_error_free(err);
  return 1;
}

int cmd_usage_error(const char *command, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  sk_error *e = NULL;
  sk_fail(&e, 0, "%s: %s (see 'skiff %s --help')", command, msg ? msg : "usage error", command);
  free(msg);
  return cmd_fail(&e);
}

bool cmd_parse_uint(const char *s, int *out) {
  if (s == NULL || *s < '0' || *s > '9')
    return false;
  char *end;
  long v = strtol(s, &end, 10);
  if (*end != '\0' || v < 0 || v > 1 << 20)
    return false;
  *out = (int)v;
  return true;
}

bool cmd_want_args(const char *command, int argc, char **argv, int min, int max) {
  int n = argc - optind;
  (void)argv;
  if (n < min) {
    cmd_usage_error(command, min == 1 ? "a container id is required" : "missing arguments");
    return false;
  }
  if (n > max) {
    cmd_usage_error(command, "unexpected argument \"%s\"", argv[optind + max]);
    return false;
  }
  return true;
}
