/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v1 directories: one per hierarchy (combined mounts once), cpuset
 * ancestors filled in, removal with retries. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util.h"

/* A new v1 cpuset cgroup starts with empty cpuset.cpus/mems and refuses
 * tasks (ENOSPC) until they are set: copy the parent's into every level we
 * create, as runc does. */
static int cpuset_fill(const char *dir, sk_error **err) {
  _cleanup_free_ char *parent = strdup(dir);
  if (parent == NULL)
    return sk_fail(err, ENOMEM, "cpuset");
  *strrchr(parent, '/') = '\0';
  static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
  for (size_t i = 0; i < SK_ARRAY_SIZE(files); i++) {
    _cleanup_free_ char *cur = cg_read(dir, files[i]);
    if (cur && cur[0] != '\n' && cur[0] != '\0')
      continue;
    _cleanup_free_ char *val = cg_read(parent, files[i]);
    if (val == NULL)
      return sk_fail_errno(err, "read %s/%s", parent, files[i]);
    if (val[0] == '\n' || val[0] == '\0')
      continue;
    if (cg_write(dir, files[i], val, NULL, err) < 0)
      return -1;
  }
  return 0;
}

/* mkdir -p below the hierarchy root, fixing cpuset levels as they come. */
static int mkdir_hierarchy(const char *dir, size_t root_len, bool cpuset, sk_error **err) {
  _cleanup_free_ char *p = strdup(dir);
  if (p == NULL)
    return sk_fail(err, ENOMEM, "mkdir %s", dir);
  for (char *s = p + root_len + 1;; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    if (mkdir(p, 0755) < 0) {
      if (errno != EEXIST)
        return sk_fail_errno(err, "mkdir %s", p);
    }
    if (cpuset && cpuset_fill(p, err) < 0)
      return -1;
    *s = c;
    if (c == '\0')
      break;
  }
  return 0;
}

int cg_v1_create(sk_cgroup *cg, sk_error **err) {
  size_t path_len = strlen(cg->path);
  for (int c = 0; c < CG_V1_COUNT; c++) {
    if (cg->v1[c].dir == NULL || !cg->v1[c].primary)
      continue;
    size_t root_len = strlen(cg->v1[c].dir) - path_len;
    /* cpuset may share a hierarchy with another controller */
    bool cpuset = c == CG_V1_CPUSET;
    if (!cpuset && cg->v1[CG_V1_CPUSET].dir && !cg->v1[CG_V1_CPUSET].primary) {
      _cleanup_free_ char *root = strndup(cg->v1[c].dir, root_len);
      cpuset = root && cg_file_exists(root, "cpuset.cpus");
    }
    if (mkdir_hierarchy(cg->v1[c].dir, root_len, cpuset, err) < 0)
      return sk_wrap(err, "cgroup %s", cg_v1_names[c]);
  }
  return 0;
}

int cg_rmdir_retry(const char *dir, sk_error **err) {
  /* A cgroup whose last task just died stays busy until the kernel has
   * released it: retry for about a second. */
  long delay_ns = 5 * 1000 * 1000;
  for (int i = 0;; i++) {
    if (rmdir(dir) == 0 || errno == ENOENT)
      return 0;
    if (errno != EBUSY || i >= 8)
      return sk_fail_errno(err, "rmdir %s", dir);
    struct timespec ts = {0, delay_ns};
    nanosleep(&ts, NULL);
    if (delay_ns < 200 * 1000 * 1000)
      delay_ns *= 2;
  }
}
