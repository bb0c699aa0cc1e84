/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging as runc does it: `--log FILE` receives one line per message,
 * `--log-format text` (time="..." level=error msg="...") or `json`
 * ({"level":"error","msg":"...","time":"..."}), so that shims can show our
 * errors. Errors also go to stderr. Without --log, messages go to stderr. */
#ifndef SKIFF_LOG_H
#define SKIFF_LOG_H

#include <stdbool.h>

#include "error.h"

enum sk_log_level { SK_LOG_ERROR, SK_LOG_WARNING, SK_LOG_INFO, SK_LOG_DEBUG };

/* `path` NULL: stderr only. `format` "text" or "json". */
int sk_log_open(const char *path, const char *format, bool debug, sk_error **err);
/* The log fd, for passing to children (hooks) or -1. */
int sk_log_fd(void);
bool sk_log_json(void);
/* false: never write to stderr (the container's init). */
void sk_log_to_stderr(bool on);
void sk_log(enum sk_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define sk_debug(...) sk_log(SK_LOG_DEBUG, __VA_ARGS__)
#define sk_warn(...) sk_log(SK_LOG_WARNING, __VA_ARGS__)
/* Print an error: to the log as level error, and to stderr as
 * "skiff: <msg>". */
void sk_log_error(const sk_error *e);

#endif
