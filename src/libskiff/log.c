/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oci_json.h"
#include "util.h"

static int log_fd = -1;
static bool log_is_json;
static bool log_debug;
static bool log_stderr = true;

void sk_log_to_stderr(bool on) { log_stderr = on; }

static const char *const level_names[] = {"error", "warning", "info", "debug"};

int sk_log_open(const char *path, const char *format, bool debug, sk_error **err) {
  log_debug = debug;
  if (format != NULL) {
    if (strcmp(format, "json") == 0)
      log_is_json = true;
    else if (strcmp(format, "text") != 0)
      return sk_fail(err, 0, "--log-format: unknown format \"%s\" (use text or json)", format);
  }
  if (path == NULL || path[0] == '\0')
    return 0;
  /* The log is opened first thing, so that every later failure reaches it.
   * O_APPEND: shims hand the same file to every call. */
  log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0)
    return sk_fail_errno(err, "--log: open %s", path);
  return 0;
}

int sk_log_fd(void) { return log_fd; }
bool sk_log_json(void) { return log_is_json; }

static void format_time(char *buf, size_t len) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

static void write_line(enum sk_log_level level, const char *msg) {
  char when[64];
  format_time(when, sizeof(when));
  _cleanup_free_ char *line = NULL;
  if (log_is_json) {
    oci_json_writer *w = oci_jw_new(false);
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "level", level_names[level]);
    oci_jw_kv_string(w, "msg", msg);
    oci_jw_kv_string(w, "time", when);
    oci_jw_end_object(w);
    _cleanup_free_ char *doc = oci_jw_finish(w);
    if (doc == NULL || asprintf(&line, "%s\n", doc) < 0)
      return;
  } else {
    /* text: the logfmt runc writes; quote the message. */
    _cleanup_free_ char *quoted = malloc(strlen(msg) * 2 + 3);
    if (quoted == NULL)
      return;
    char *q = quoted;
    *q++ = '"';
    for (const char *p = msg; *p; p++) {
      if (*p == '"' || *p == '\\')
        *q++ = '\\';
      *q++ = *p == '\n' ? ' ' : *p;
    }
    *q++ = '"';
    *q = '\0';
    if (asprintf(&line, "time=\"%s\" level=%s msg=%s\n", when, level_names[level], quoted) < 0)
      return;
  }
  sk_error *ignored = NULL;
  sk_write_all(log_fd, line, strlen(line), &ignored);
  sk_error_free(&ignored);
}

static void vlog(enum sk_log_level level, const char *fmt, va_list ap) {
  if (level == SK_LOG_DEBUG && !log_debug)
    return;
  _cleanup_free_ char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    return;
  if (log_fd >= 0)
    write_line(level, msg);
  /* Without --log, warnings and debug go to stderr; errors always do (by
   * sk_log_error). */
  if (log_fd < 0 && level != SK_LOG_ERROR && log_stderr)
    fprintf(stderr, "skiff: %s: %s\n", level_names[level], msg);
}

void sk_log(enum sk_log_level level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(level, fmt, ap);
  va_end(ap);
}

void sk_log_error(const sk_error *e) {
  const char *msg = e && e->msg ? e->msg : "unknown error";
  if (log_fd >= 0)
    write_line(SK_LOG_ERROR, msg);
  fprintf(stderr, "skiff: %s\n", msg);
}
