/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pause/resume (v1 freezer.state, v2 cgroup.freeze), the pid list and
 * kill --all. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util.h"

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

bool cg_frozen_v1(const char *dir) {
  _cleanup_free_ char *s = cg_read(dir, "freezer.state");
  return s && strncmp(s, "FROZEN", 6) == 0;
}

bool cg_frozen_v2(const char *dir) {
  _cleanup_free_ char *s = cg_read(dir, "cgroup.events");
  const char *f = s ? strstr(s, "frozen ") : NULL;
  return f && f[7] == '1';
}

/* The v1 freezer can sit in FREEZING while a task is in an uninterruptible
 * sleep: write FROZEN again until it sticks (runc does the same), and give
 * up after ~5 s, thawing what was frozen. */
int cg_freeze_v1(const char *dir, bool frozen, sk_error **err) {
  if (!frozen)
    return cg_write(dir, "freezer.state", "THAWED", NULL, err);
  for (int i = 0; i < 1000; i++) {
    if (cg_write(dir, "freezer.state", "FROZEN", NULL, err) < 0)
      return -1;
    if (cg_frozen_v1(dir))
      return 0;
    sleep_ms(i < 10 ? 1 : 5);
  }
  sk_error *ignored = NULL;
  cg_write(dir, "freezer.state", "THAWED", NULL, &ignored);
  sk_error_free(&ignored);
  return sk_fail(err, ETIMEDOUT, "freeze %s: still FREEZING after 5s", dir);
}

/* cgroup.freeze is a request; cgroup.events says when it is done. */
int cg_freeze_v2(const char *dir, bool frozen, sk_error **err) {
  if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", NULL, err) < 0)
    return -1;
  for (int i = 0; i < 1000; i++) {
    if (cg_frozen_v2(dir) == frozen)
      return 0;
    sleep_ms(i < 10 ? 1 : 5);
  }
  return sk_fail(err, ETIMEDOUT, "%s %s: cgroup.events not %s after 5s",
                 frozen ? "freeze" : "thaw", dir, frozen ? "frozen" : "thawed");
}

int cgroup_freeze(sk_cgroup *cg, bool frozen, sk_error **err) {
  const char *d = cg_v1_dir(cg, CG_V1_FREEZER);
  if (d)
    return cg_freeze_v1(d, frozen, err);
  if (cg->v2_dir)
    return cg_freeze_v2(cg->v2_dir, frozen, err);
  return sk_fail(err, EOPNOTSUPP, "%s: no freezer on this host", frozen ? "pause" : "resume");
}

bool cgroup_is_frozen(sk_cgroup *cg) {
  const char *d = cg_v1_dir(cg, CG_V1_FREEZER);
  if (d)
    return cg_frozen_v1(d);
  return cg->v2_dir && cg_frozen_v2(cg->v2_dir);
}

int cg_procs_of(const char *dir, pid_t **pids, size_t *n, sk_error **err) {
  _cleanup_free_ char *s = cg_read(dir, "cgroup.procs");
  if (s == NULL)
    return sk_fail_errno(err, "read %s/cgroup.procs", dir);
  size_t cap = 1;
  for (const char *p = s; *p; p++)
    cap += *p == '\n';
  pid_t *v = calloc(cap + 1, sizeof(pid_t));
  if (v == NULL)
    return sk_fail(err, ENOMEM, "read %s/cgroup.procs", dir);
  size_t k = 0;
  for (char *p = s, *end; *p; p = end) {
    long x = strtol(p, &end, 10);
    if (end == p)
      break;
    if (x > 0 && k < cap)
      v[k++] = (pid_t)x;
    while (*end == '\n' || *end == ' ')
      end++;
  }
  v[k] = 0;
  *pids = v;
  *n = k;
  return 0;
}

/* Every process is in the unified hierarchy too (cgroup_enter puts it
 * there), so on hybrid hosts that is the list to read; else the v1
 * hierarchies that track processes. */
static const char *procs_dir(const sk_cgroup *cg) {
  if (cg->v2_dir)
    return cg->v2_dir;
  static const enum cg_v1 order[] = {CG_V1_PIDS, CG_V1_FREEZER, CG_V1_MEMORY,
                                     CG_V1_NAME_SYSTEMD, CG_V1_CPU, CG_V1_DEVICES};
  for (size_t i = 0; i < SK_ARRAY_SIZE(order); i++)
    if (cg->v1[order[i]].dir)
      return cg->v1[order[i]].dir;
  for (int c = 0; c < CG_V1_COUNT; c++)
    if (cg->v1[c].dir)
      return cg->v1[c].dir;
  return NULL;
}

int cgroup_pids(sk_cgroup *cg, pid_t **pids, size_t *n, sk_error **err) {
  const char *d = procs_dir(cg);
  if (d == NULL)
    return sk_fail(err, ENOENT, "cgroup %s: no hierarchy to list processes from", cg->path);
  return cg_procs_of(d, pids, n, err);
}

static int signal_each(const char *dir, int sig, sk_error **err) {
  _cleanup_free_ pid_t *pids = NULL;
  size_t n;
  if (cg_procs_of(dir, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (kill(pids[i], sig) < 0 && errno != ESRCH)
      return sk_fail_errno(err, "kill %d", (int)pids[i]);
  return 0;
}

int cgroup_kill_all(sk_cgroup *cg, int sig, sk_error **err) {
  /* cgroup.kill (Linux 5.14) kills atomically, forks included */
  if (sig == SIGKILL && cg->v2_dir && cg_file_exists(cg->v2_dir, "cgroup.kill"))
    return cg_write(cg->v2_dir, "cgroup.kill", "1", NULL, err);
  const char *d = procs_dir(cg);
  if (d == NULL)
    return sk_fail(err, ENOENT, "cgroup %s: no hierarchy to list processes from", cg->path);
  /* Frozen, nothing can fork out of the list while we walk it. */
  bool was_frozen = cgroup_is_frozen(cg);
  sk_error *ferr = NULL;
  bool froze = !was_frozen && cgroup_freeze(cg, true, &ferr) == 0;
  sk_error_free(&ferr);
  int rc = signal_each(d, sig, err);
  if (froze) {
    cgroup_freeze(cg, false, &ferr);
    sk_error_free(&ferr);
  }
  return rc;
}
