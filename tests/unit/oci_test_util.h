/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the libocispec unit tests share: TAP-like checks, reading a file,
 * and finding the runtime-spec's schema examples (OCI_SCHEMA_TEST_DIR, or
 * ../shared next to the source tree; NULL when absent, and the tests that
 * need them skip). */
#ifndef OCI_TEST_UTIL_H
#define OCI_TEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int n_pass, n_fail;

static void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static void check(bool ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%s %d - ", ok ? "ok" : "not ok", n_pass + n_fail + 1);
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  if (ok)
    n_pass++;
  else
    n_fail++;
}

__attribute__((unused)) static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return NULL;
  char *buf = NULL;
  size_t cap = 0;
  FILE *m = open_memstream(&buf, &cap);
  char chunk[4096];
  size_t r;
  while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
    fwrite(chunk, 1, r, m);
  fclose(f);
  fclose(m);
  *len = cap;
  return buf;
}

__attribute__((unused)) static const char *schema_test_dir(void) {
  static char buf[4096];
  const char *env = getenv("OCI_SCHEMA_TEST_DIR");
  if (env && *env)
    return env;
  const char *rel[] = {"/../shared/oci-runtime-spec/schema/test",
                       "/../../shared/oci-runtime-spec/schema/test"};
  for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
    struct stat st;
    snprintf(buf, sizeof buf, "%s%s", TOP_SRCDIR, rel[i]);
    if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
      return buf;
  }
  return NULL;
}

#endif
