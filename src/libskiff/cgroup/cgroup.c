/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Layout detection, linux.cgroupsPath handling, driver choice and the
 * public entry points of cgroup.h. The per-layout work is in v1.c, v2.c,
 * resources_*.c, freeze.c, stats.c and systemd.c. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "log.h"
#include "util.h"

const char *const cg_v1_names[CG_V1_COUNT] = {
    [CG_V1_CPU] = "cpu",         [CG_V1_CPUACCT] = "cpuacct", [CG_V1_CPUSET] = "cpuset",
    [CG_V1_MEMORY] = "memory",   [CG_V1_DEVICES] = "devices", [CG_V1_FREEZER] = "freezer",
    [CG_V1_PIDS] = "pids",       [CG_V1_BLKIO] = "blkio",     [CG_V1_NET_CLS] = "net_cls",
    [CG_V1_NET_PRIO] = "net_prio", [CG_V1_HUGETLB] = "hugetlb", [CG_V1_RDMA] = "rdma",
    [CG_V1_PERF_EVENT] = "perf_event", [CG_V1_MISC] = "misc",
    [CG_V1_NAME_SYSTEMD] = "systemd",
};

static const struct {
  const char *name;
  unsigned bit;
} v2_names[] = {
    {"cpu", CG_V2_CPU},         {"cpuset", CG_V2_CPUSET}, {"io", CG_V2_IO},
    {"memory", CG_V2_MEMORY},   {"pids", CG_V2_PIDS},     {"hugetlb", CG_V2_HUGETLB},
    {"rdma", CG_V2_RDMA},       {"misc", CG_V2_MISC},
};

/* Two statfs calls at most, once per process: no mountinfo scan. */
enum cg_layout cg_host_layout(void) {
  static int cached = -1;
  if (cached >= 0)
    return (enum cg_layout)cached;
  struct statfs s;
  if (statfs(CG_ROOT, &s) == 0 && (unsigned long)s.f_type == CGROUP2_SUPER_MAGIC)
    cached = CG_LAYOUT_V2;
  else if (statfs(CG_UNIFIED_ROOT, &s) == 0 &&
           (unsigned long)s.f_type == CGROUP2_SUPER_MAGIC)
    cached = CG_LAYOUT_HYBRID;
  else
    cached = CG_LAYOUT_V1;
  return (enum cg_layout)cached;
}

bool cgroup_host_has_v1(void) { return cg_host_layout() != CG_LAYOUT_V2; }
bool cgroup_host_has_v2(void) { return cg_host_layout() != CG_LAYOUT_V1; }

sk_cgroup *cg_new(void) {
  sk_cgroup *cg = calloc(1, sizeof(*cg));
  if (cg)
    cg->v2_fd = -1;
  return cg;
}

static unsigned parse_v2_controllers(const char *s) {
  unsigned mask = 0;
  while (s && *s) {
    size_t len = strcspn(s, " \n");
    for (size_t i = 0; i < SK_ARRAY_SIZE(v2_names); i++)
      if (strlen(v2_names[i].name) == len && strncmp(s, v2_names[i].name, len) == 0)
        mask |= v2_names[i].bit;
    s += len;
    s += strspn(s, " \n");
  }
  return mask;
}

const char *cg_v2_name(unsigned bit) {
  for (size_t i = 0; i < SK_ARRAY_SIZE(v2_names); i++)
    if (v2_names[i].bit == bit)
      return v2_names[i].name;
  return "?";
}

int cg_locate(sk_cgroup *cg, sk_error **err) {
  cg->layout = cg_host_layout();
  if (cg->layout != CG_LAYOUT_V2) {
    dev_t seen[CG_V1_COUNT];
    size_t n_seen = 0;
    for (int c = 0; c < CG_V1_COUNT; c++) {
      char root[256];
      snprintf(root, sizeof(root), CG_ROOT "/%s", cg_v1_names[c]);
      struct stat st;
      /* follows cpu -> cpu,cpuacct style symlinks of combined mounts */
      if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
        continue;
      bool primary = true;
      for (size_t i = 0; i < n_seen; i++)
        if (seen[i] == st.st_dev)
          primary = false;
      if (primary)
        seen[n_seen++] = st.st_dev;
      if (asprintf(&cg->v1[c].dir, "%s%s", root, cg->path) < 0)
        return sk_fail(err, ENOMEM, "cgroup path");
      cg->v1[c].primary = primary;
    }
  }
  if (cg->layout != CG_LAYOUT_V1) {
    cg->v2_root = strdup(cg->layout == CG_LAYOUT_V2 ? CG_ROOT : CG_UNIFIED_ROOT);
    if (cg->v2_root == NULL || asprintf(&cg->v2_dir, "%s%s", cg->v2_root, cg->path) < 0)
      return sk_fail(err, ENOMEM, "cgroup path");
    _cleanup_free_ char *ctrls = cg_read(cg->v2_root, "cgroup.controllers");
    cg->v2_ctrls = parse_v2_controllers(ctrls);
  }
  return 0;
}

/* linux.cgroupsPath for cgroupfs: absolute paths are relative to each
 * hierarchy root, relative ones are put under the root too (runc's
 * simplest compatible choice), absent means /skiff/<id>. ".." is refused:
 * it would let a config escape into another cgroup. */
/* The runtime's own cgroup, the parent of a relative linux.cgroupsPath as
 * in runc: the unified hierarchy's ("0::") where there is one, else the
 * first v1 hierarchy's. One path serves every hierarchy here, so on a v1
 * host where our own cgroups differ between hierarchies the first one
 * decides. "" for the root. */
static char *own_cgroup(void) {
  FILE *f = fopen("/proc/self/cgroup", "re");
  char line[4096], *first = NULL, *unified = NULL;
  while (f && fgets(line, sizeof(line), f)) {
    line[strcspn(line, "\n")] = '\0';
    char *c2 = strchr(line, ':') ? strchr(strchr(line, ':') + 1, ':') : NULL;
    if (c2 == NULL)
      continue;
    const char *path = strcmp(c2 + 1, "/") == 0 ? "" : c2 + 1;
    if (strncmp(line, "0::", 3) == 0 && unified == NULL)
      unified = strdup(path);
    else if (first == NULL)
      first = strdup(path);
  }
  if (f)
    fclose(f);
  if (unified) {
    free(first);
    return unified;
  }
  return first ? first : strdup("");
}

static int normalize_path(const char *in, const char *id, char **out, sk_error **err) {
  if (in == NULL || *in == '\0') {
    if (id == NULL || *id == '\0' || strchr(id, '/') || strcmp(id, "..") == 0 ||
        strcmp(id, ".") == 0)
      return sk_fail(err, EINVAL, "linux.cgroupsPath: absent and no usable container id");
    if (asprintf(out, "/skiff/%s", id) < 0)
      return sk_fail(err, ENOMEM, "linux.cgroupsPath");
    return 0;
  }
  _cleanup_free_ char *joined = NULL;
  if (in[0] != '/') {
    _cleanup_free_ char *own = own_cgroup();
    if (own == NULL || asprintf(&joined, "%s/%s", own, in) < 0)
      return sk_fail(err, ENOMEM, "linux.cgroupsPath");
    in = joined;
  }
  size_t len = strlen(in);
  char *p = malloc(len + 2);
  if (p == NULL)
    return sk_fail(err, ENOMEM, "linux.cgroupsPath");
  size_t o = 0;
  const char *s = in;
  while (*s) {
    while (*s == '/')
      s++;
    size_t n = strcspn(s, "/");
    if (n == 0)
      break;
    if (n == 2 && strncmp(s, "..", 2) == 0) {
      free(p);
      return sk_fail(err, EINVAL, "linux.cgroupsPath %s: \"..\" components are not allowed",
                     in);
    }
    if (!(n == 1 && *s == '.')) {
      p[o++] = '/';
      memcpy(p + o, s, n);
      o += n;
    }
    s += n;
  }
  p[o] = '\0';
  if (o == 0) {
    free(p);
    return sk_fail(err, EINVAL, "linux.cgroupsPath %s: the root cgroup cannot be used", in);
  }
  *out = p;
  return 0;
}

int cgroup_plan(const struct sk_cgroup_opts *o, sk_error **err) {
  if (o->systemd) {
    _cleanup_free_ char *slice = NULL, *unit = NULL;
    if (cg_systemd_parse(o->cgroups_path, o->id, &slice, &unit, err) < 0)
      return -1;
  } else {
    _cleanup_free_ char *p = NULL;
    if (normalize_path(o->cgroups_path, o->id, &p, err) < 0)
      return -1;
  }
  if (o->resources && cg_check_resources(o->resources, err) < 0)
    return -1;
  return 0;
}

static int remove_dirs(sk_cgroup *cg, sk_error **err) {
  int rc = 0;
  for (int c = 0; c < CG_V1_COUNT; c++)
    if (cg->v1[c].dir && cg->v1[c].primary && cg_rmdir_retry(cg->v1[c].dir, err) < 0)
      rc = -1;
  if (cg->v2_dir && cg_rmdir_retry(cg->v2_dir, err) < 0)
    rc = -1;
  return rc;
}

int cgroup_create(const struct sk_cgroup_opts *o, sk_cgroup **out, sk_error **err) {
  if (cgroup_plan(o, err) < 0)
    return -1;
  sk_cgroup *cg = cg_new();
  if (cg == NULL)
    return sk_fail(err, ENOMEM, "cgroup");
  cg->rootless = o->rootless;
  cg->systemd = o->systemd;
  int rc;
  if (o->systemd) {
    _cleanup_free_ char *slice = NULL;
    rc = cg_systemd_parse(o->cgroups_path, o->id, &slice, &cg->unit, err);
    if (rc == 0)
      rc = cg_systemd_start(cg, slice, o->resources, err);
  } else {
    rc = normalize_path(o->cgroups_path, o->id, &cg->path, err);
  }
  if (rc == 0)
    rc = cg_locate(cg, err);
  if (rc == 0)
    rc = cg_v1_create(cg, err);
  if (rc == 0)
    rc = cg_v2_create(cg, err);
  if (rc == 0 && o->resources)
    rc = cg_apply_resources(cg, o->resources, err);
  if (rc < 0) {
    if (o->rootless && cg->path) {
      /* as runc: without the right to make cgroups, run without them */
      sk_warn("cgroup %s: %s (ignored: rootless)", cg->path, (*err)->msg);
      sk_error_free(err);
      *out = cg;
      return 0;
    }
    sk_error *ignored = NULL;
    if (cg->path && !o->systemd)
      remove_dirs(cg, &ignored);
    /* Only a unit we started: a name clash is another container's. */
    if (o->systemd && cg->unit_started) {
      /* this process joined the scope to start it: leave before stopping
       * it, or systemd's SIGTERM to the scope kills the runtime too */
      cg_systemd_leave(cg);
      cg_systemd_stop(cg, &ignored);
    }
    sk_error_free(&ignored);
    cgroup_free(&cg);
    return -1;
  }
  *out = cg;
  return 0;
}

int cgroup_clone_fd(const sk_cgroup *cg) { return cg ? cg->v2_fd : -1; }

const char *cgroup_path(const sk_cgroup *cg) { return cg ? cg->path : NULL; }

int cgroup_enter(sk_cgroup *cg, pid_t pid, sk_error **err) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  for (int c = 0; c < CG_V1_COUNT; c++) {
    if (cg->v1[c].dir == NULL || !cg->v1[c].primary)
      continue;
    if (cg_write(cg->v1[c].dir, "cgroup.procs", buf, NULL, err) < 0) {
      if (cg->rootless) {
        sk_warn("cgroup %s: %s (ignored: rootless)", cg->v1[c].dir, (*err)->msg);
        sk_error_free(err);
        continue;
      }
      return sk_wrap(err, "cgroup %s: enter pid %d", cg_v1_names[c], (int)pid);
    }
  }
  /* Writing a pid that CLONE_INTO_CGROUP already put there is a no-op. */
  if (cg->v2_dir && cg_write(cg->v2_dir, "cgroup.procs", buf, NULL, err) < 0) {
    if (!cg->rootless)
      return sk_wrap(err, "cgroup %s: enter pid %d", cg->v2_dir, (int)pid);
    sk_warn("cgroup %s: %s (ignored: rootless)", cg->v2_dir, (*err)->msg);
    sk_error_free(err);
  }
  if (cg->systemd)
    cg_systemd_leave(cg);
  return 0;
}

static bool listed(const char *list, size_t len, const char *name) {
  for (const char *p = list; p < list + len;) {
    size_t n = strcspn(p, ",");
    if (n > (size_t)(list + len - p))
      n = (size_t)(list + len - p);
    if (n == strlen(name) && strncmp(p, name, n) == 0)
      return true;
    p += n + 1;
  }
  return false;
}

int cgroup_enter_sub(sk_cgroup *cg, const char *spec, pid_t pid, sk_error **err) {
  const char *colon = strchr(spec, ':');
  const char *sub = colon ? colon + 1 : spec;
  size_t ctrl_len = colon ? (size_t)(colon - spec) : 0;
  while (*sub == '/')
    sub++;
  if (*sub == '\0' || strstr(sub, "..") != NULL)
    return sk_fail(err, EINVAL, "--cgroup %s: a path below the container's cgroup is needed", spec);
  char buf[32], dir[4096];
  snprintf(buf, sizeof(buf), "%d", (int)pid);
  bool any = false;
  for (int c = 0; c < CG_V1_COUNT; c++) {
    if (cg->v1[c].dir == NULL || !cg->v1[c].primary ||
        (colon && !listed(spec, ctrl_len, cg_v1_names[c])))
      continue;
    snprintf(dir, sizeof(dir), "%s/%s", cg->v1[c].dir, sub);
    if (cg_write(dir, "cgroup.procs", buf, NULL, err) < 0)
      return sk_wrap(err, "--cgroup %s", spec);
    any = true;
  }
  if (!colon && cg->v2_dir) {
    snprintf(dir, sizeof(dir), "%s/%s", cg->v2_dir, sub);
    if (cg_write(dir, "cgroup.procs", buf, NULL, err) < 0)
      return sk_wrap(err, "--cgroup %s", spec);
    any = true;
  }
  if (!any)
    return sk_fail(err, ENOENT, "--cgroup %s: no such controller in the container's cgroups", spec);
  return 0;
}

int cgroup_open(const char *saved_path, bool systemd, const char *id, sk_cgroup **out,
                sk_error **err) {
  if (saved_path == NULL || saved_path[0] != '/' || strstr(saved_path, "/../") ||
      strcmp(saved_path, "/") == 0)
    return sk_fail(err, EINVAL, "cgroup path %s from state: not a usable cgroup path",
                   saved_path ? saved_path : "(none)");
  sk_cgroup *cg = cg_new();
  if (cg == NULL || (cg->path = strdup(saved_path)) == NULL) {
    cgroup_free(&cg);
    return sk_fail(err, ENOMEM, "cgroup");
  }
  cg->systemd = systemd;
  if (systemd) {
    const char *base = strrchr(saved_path, '/') + 1;
    cg->unit = strdup(base);
  }
  if (cg_locate(cg, err) < 0) {
    cgroup_free(&cg);
    return -1;
  }
  if (cg->v2_dir)
    cg->v2_fd = open(cg->v2_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  (void)id;
  *out = cg;
  return 0;
}

int cgroup_destroy(sk_cgroup *cg, sk_error **err) {
  if (cg == NULL || cg->path == NULL)
    return 0;
  sk_error *ignored = NULL;
  /* A frozen cgroup cannot be emptied: SIGKILL waits for the thaw. */
  if (cgroup_is_frozen(cg))
    cgroup_freeze(cg, false, &ignored);
  sk_error_free(&ignored);
  cgroup_kill_all(cg, SIGKILL, &ignored);
  sk_error_free(&ignored);
  if (cg->systemd)
    cg_systemd_stop(cg, &ignored);
  sk_error_free(&ignored);
  if (cg->v2_fd >= 0) {
    close(cg->v2_fd);
    cg->v2_fd = -1;
  }
  return remove_dirs(cg, err);
}

void cgroup_free(sk_cgroup **pcg) {
  sk_cgroup *cg = *pcg;
  if (cg == NULL)
    return;
  for (int c = 0; c < CG_V1_COUNT; c++)
    free(cg->v1[c].dir);
  if (cg->v2_fd >= 0)
    close(cg->v2_fd);
  free(cg->path);
  free(cg->unit);
  free(cg->v2_root);
  free(cg->v2_dir);
  free(cg->self_cgroups);
  free(cg);
  *pcg = NULL;
}

int cgroup_update(sk_cgroup *cg, const oci_resources *r, sk_error **err) {
  if (r == NULL)
    return 0;
  if (cg_check_resources(r, err) < 0)
    return -1;
  return cg_apply_resources(cg, r, err);
}
