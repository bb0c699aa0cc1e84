/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup2 directory (pure v2, or the unified hierarchy of a hybrid
 * host): controllers enabled in every ancestor's cgroup.subtree_control,
 * the leaf made, and an fd kept for clone3(CLONE_INTO_CGROUP). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util.h"

static const unsigned all_ctrls[] = {CG_V2_CPU,    CG_V2_CPUSET,  CG_V2_IO,   CG_V2_MEMORY,
                                     CG_V2_PIDS,   CG_V2_HUGETLB, CG_V2_RDMA, CG_V2_MISC};

/* One write for all controllers; if the kernel refuses the set (one
 * controller busy, e.g. cpu with a realtime task), enable them one by one
 * and keep what works. */
static void enable_controllers(const char *dir, unsigned ctrls) {
  char buf[256] = "";
  size_t o = 0;
  for (size_t i = 0; i < SK_ARRAY_SIZE(all_ctrls); i++)
    if (ctrls & all_ctrls[i])
      o += snprintf(buf + o, sizeof(buf) - o, "%s+%s", o ? " " : "", cg_v2_name(all_ctrls[i]));
  if (o == 0)
    return;
  sk_error *e = NULL;
  if (cg_write(dir, "cgroup.subtree_control", buf, NULL, &e) == 0)
    return;
  sk_error_free(&e);
  for (size_t i = 0; i < SK_ARRAY_SIZE(all_ctrls); i++) {
    if (!(ctrls & all_ctrls[i]))
      continue;
    char one[32];
    snprintf(one, sizeof(one), "+%s", cg_v2_name(all_ctrls[i]));
    cg_write(dir, "cgroup.subtree_control", one, NULL, &e);
    sk_error_free(&e);
  }
}

int cg_v2_create(sk_cgroup *cg, sk_error **err) {
  if (cg->v2_dir == NULL)
    return 0;
  _cleanup_free_ char *p = strdup(cg->v2_dir);
  if (p == NULL)
    return sk_fail(err, ENOMEM, "cgroup");
  size_t root_len = strlen(cg->v2_root);
  enable_controllers(cg->v2_root, cg->v2_ctrls);
  for (char *s = p + root_len + 1;; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char c = *s;
    *s = '\0';
    if (mkdir(p, 0755) < 0 && errno != EEXIST)
      return sk_fail_errno(err, "cgroup: mkdir %s", p);
    if (c == '\0')
      break;
    /* an ancestor: the leaf below needs the controllers delegated */
    enable_controllers(p, cg->v2_ctrls);
    *s = c;
  }
  cg->v2_fd = open(cg->v2_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg->v2_fd < 0)
    return sk_fail_errno(err, "cgroup: open %s", cg->v2_dir);
  return 0;
}
