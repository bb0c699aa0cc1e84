/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "namespaces.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/syscall.h>

#include "sync.h"

#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
  const char *name;
  int flag;
} ns_table[SK_NS_COUNT] = {
    [SK_NS_USER] = {"user", CLONE_NEWUSER},       [SK_NS_MOUNT] = {"mount", CLONE_NEWNS},
    [SK_NS_PID] = {"pid", CLONE_NEWPID},          [SK_NS_NET] = {"network", CLONE_NEWNET},
    [SK_NS_IPC] = {"ipc", CLONE_NEWIPC},          [SK_NS_UTS] = {"uts", CLONE_NEWUTS},
    [SK_NS_CGROUP] = {"cgroup", CLONE_NEWCGROUP}, [SK_NS_TIME] = {"time", CLONE_NEWTIME},
};

const char *sk_ns_name(enum sk_ns_kind k) { return ns_table[k].name; }
int sk_ns_clone_flag(enum sk_ns_kind k) { return ns_table[k].flag; }

int sk_ns_kind_from_name(const char *name) {
  for (int k = 0; k < SK_NS_COUNT; k++)
    if (strcmp(ns_table[k].name, name) == 0)
      return k;
  return -1;
}

/* A path is a namespace of the right type when NS_GET_NSTYPE on it answers
 * that type; a regular file or another kind of namespace is refused before
 * anything is created. */
static int check_ns_path(size_t i, enum sk_ns_kind k, const char *path, sk_error **err) {
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return sk_fail_errno(err, "linux.namespaces[%zu] %s: open %s", i, ns_table[k].name, path);
  int type = ioctl(fd, NS_GET_NSTYPE);
  if (type < 0)
    return sk_fail(err, 0, "linux.namespaces[%zu] %s: %s is not a namespace", i,
                   ns_table[k].name, path);
  if (type != ns_table[k].flag)
    return sk_fail(err, 0, "linux.namespaces[%zu] %s: %s is a namespace of another type", i,
                   ns_table[k].name, path);
  return 0;
}

int namespaces_plan(sk_plan *plan, sk_error **err) {
  const oci_linux *lx = plan->config->linux_;
  if (lx == NULL)
    return 0;
  for (size_t i = 0; i < lx->n_namespaces; i++) {
    const oci_namespace *ns = &lx->namespaces[i];
    int k = ns->type ? sk_ns_kind_from_name(ns->type) : -1;
    if (k < 0)
      return sk_fail(err, 0,
                     "linux.namespaces[%zu].type: unknown namespace type \"%s\" (known: user, "
                     "mount, pid, network, ipc, uts, cgroup, time)",
                     i, ns->type ? ns->type : "");
    if (plan->ns[k].wanted)
      return sk_fail(err, 0, "linux.namespaces[%zu]: duplicate namespace type \"%s\"", i,
                     ns->type);
    plan->ns[k].wanted = true;
    if (ns->path != NULL && ns->path[0] != '\0') {
      if (check_ns_path(i, k, ns->path, err) < 0)
        return -1;
      plan->ns[k].path = ns->path;
    }
  }
  plan->clone_flags = namespaces_clone_flags(plan);

  if ((plan->config->hostname || plan->config->domainname) && !plan->ns[SK_NS_UTS].wanted)
    return sk_fail(err, 0, "%s: setting it requires a uts namespace in linux.namespaces",
                   plan->config->hostname ? "hostname" : "domainname");
  if ((lx->time_boottime.present || lx->time_monotonic.present) && !sk_plan_new_ns(plan, SK_NS_TIME))
    return sk_fail(err, 0, "linux.timeOffsets: requires a new time namespace in linux.namespaces");
  if (sk_plan_new_ns(plan, SK_NS_USER) && lx->n_uid_mappings == 0)
    return sk_fail(err, 0, "linux.uidMappings: a new user namespace needs uid mappings");
  if (sk_plan_new_ns(plan, SK_NS_USER) && lx->n_gid_mappings == 0)
    return sk_fail(err, 0, "linux.gidMappings: a new user namespace needs gid mappings");
  return 0;
}

unsigned long namespaces_clone_flags(const sk_plan *plan) {
  /* Joining a user namespace by path: the new namespaces must be owned by
   * it, so they are all unshared by the child after setns(user). */
  if (plan->ns[SK_NS_USER].path != NULL)
    return 0;
  unsigned long flags = 0;
  for (int k = 0; k < SK_NS_COUNT; k++) {
    if (k == SK_NS_CGROUP || k == SK_NS_TIME)
      continue;
    if (sk_plan_new_ns(plan, k))
      flags |= (unsigned long)ns_table[k].flag;
  }
  return flags;
}

static int join_ns(enum sk_ns_kind k, const char *path, sk_error **err) {
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return sk_fail_errno(err, "join %s namespace: open %s", ns_table[k].name, path);
  if (setns(fd, ns_table[k].flag) < 0)
    return sk_fail_errno(err, "join %s namespace %s: setns", ns_table[k].name, path);
  return 0;
}

static const char *const proc_ns_names[SK_NS_COUNT] = {
    [SK_NS_USER] = "user", [SK_NS_MOUNT] = "mnt", [SK_NS_PID] = "pid",
    [SK_NS_NET] = "net",   [SK_NS_IPC] = "ipc",   [SK_NS_UTS] = "uts",
    [SK_NS_CGROUP] = "cgroup", [SK_NS_TIME] = "time"};

/* Namespaces given by path that the runtime joins before the clone, for
 * the init to inherit: a pid namespace (it applies to children only), and,
 * with a new user namespace, the others the init could no longer join once
 * it is inside it (they belong to another user namespace: EPERM). A mount
 * namespace is not among them: the init must mount in its own. */
static bool joined_by_runtime(const sk_plan *plan, enum sk_ns_kind k) {
  if (plan->ns[k].path == NULL || plan->ns[SK_NS_USER].path != NULL)
    return false;
  if (k == SK_NS_PID)
    return true;
  return sk_plan_new_ns(plan, SK_NS_USER) &&
         (k == SK_NS_NET || k == SK_NS_IPC || k == SK_NS_UTS || k == SK_NS_CGROUP ||
          k == SK_NS_TIME);
}

int namespaces_join_for_children(const sk_plan *plan, struct sk_ns_saved *saved,
                                 sk_error **err) {
  for (int k = 0; k < SK_NS_COUNT; k++)
    saved->fd[k] = -1;
  for (int k = 0; k < SK_NS_COUNT; k++) {
    if (!joined_by_runtime(plan, k))
      continue;
    char own[64];
    snprintf(own, sizeof(own), "/proc/self/ns/%s", proc_ns_names[k]);
    saved->fd[k] = open(own, O_RDONLY | O_CLOEXEC);
    if (saved->fd[k] < 0)
      return sk_fail_errno(err, "open %s", own);
    if (join_ns(k, plan->ns[k].path, err) < 0)
      return -1;
  }
  return 0;
}

int namespaces_restore(struct sk_ns_saved *saved, sk_error **err) {
  int r = 0;
  for (int k = 0; k < SK_NS_COUNT; k++) {
    if (saved->fd[k] < 0)
      continue;
    if (r == 0 && setns(saved->fd[k], sk_ns_clone_flag(k)) < 0)
      r = sk_fail_errno(err, "return to the runtime's %s namespace", sk_ns_name(k));
    sk_closep(&saved->fd[k]);
  }
  return r;
}

static int write_map(pid_t pid, const char *file, const oci_id_mapping *m, size_t n,
                     sk_error **err) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
  _cleanup_free_ char *buf = malloc(n * 36 + 1);
  if (buf == NULL)
    return sk_fail(err, ENOMEM, "write %s", path);
  size_t off = 0;
  for (size_t i = 0; i < n; i++)
    off += (size_t)sprintf(buf + off, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return sk_fail_errno(err, "open %s", path);
  /* The kernel takes the whole map in one write. */
  if (write(fd, buf, off) != (ssize_t)off)
    return sk_fail_errno(err, "write %s", path);
  return 0;
}

int namespaces_write_id_maps(const sk_plan *plan, pid_t pid, sk_error **err) {
  const oci_linux *lx = plan->config->linux_;
  if (!sk_plan_new_ns(plan, SK_NS_USER) || lx == NULL)
    return 0;
  if (lx->n_uid_mappings && write_map(pid, "uid_map", lx->uid_mappings, lx->n_uid_mappings, err) < 0)
    return sk_wrap(err, "linux.uidMappings");
  if (lx->n_gid_mappings && write_map(pid, "gid_map", lx->gid_mappings, lx->n_gid_mappings, err) < 0)
    return sk_wrap(err, "linux.gidMappings");
  return 0;
}

static int write_time_offsets(const oci_linux *lx, sk_error **err) {
  char buf[128];
  int n = 0;
  if (lx->time_monotonic.present)
    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
                  (long long)lx->time_monotonic.secs, lx->time_monotonic.nanosecs);
  if (lx->time_boottime.present)
    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
                  (long long)lx->time_boottime.secs, lx->time_boottime.nanosecs);
  if (n == 0)
    return 0;
  _cleanup_close_ int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return sk_fail_errno(err, "linux.timeOffsets: open /proc/self/timens_offsets");
  if (write(fd, buf, (size_t)n) != n)
    return sk_fail_errno(err, "linux.timeOffsets: write /proc/self/timens_offsets");
  return 0;
}

/* Fork (CLONE_PARENT: a child of the runtime, which reaps this process)
 * into the pid namespace made or joined "for children"; the child tells
 * the runtime its pid with SCM_CREDENTIALS (the kernel translates it) and
 * carries on as the container's init. */
static int become_pid_ns_init(int syncfd, sk_error **err) {
  struct clone_args args;
  memset(&args, 0, sizeof(args));
  args.flags = CLONE_PARENT;
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
  if (pid < 0)
    return sk_fail_errno(err, "fork into the pid namespace");
  if (pid > 0)
    _exit(0);
  return sync_send_own_pid(syncfd, err);
}

int namespaces_enter(const sk_plan *plan, int syncfd, sk_error **err) {
  const oci_linux *lx = plan->config->linux_;
  bool user_by_path = plan->ns[SK_NS_USER].path != NULL;

  if (user_by_path && join_ns(SK_NS_USER, plan->ns[SK_NS_USER].path, err) < 0)
    return -1;
  for (int k = SK_NS_MOUNT; k < SK_NS_COUNT; k++) {
    if (plan->ns[k].path == NULL)
      continue;
    if (joined_by_runtime(plan, k))
      continue; /* inherited from the runtime (see joined_by_runtime) */
    /* (a pid namespace by path applies to our children: see below) */
    if (join_ns(k, plan->ns[k].path, err) < 0)
      return -1;
  }

  unsigned long late = 0;
  if (user_by_path) {
    for (int k = SK_NS_MOUNT; k < SK_NS_COUNT; k++)
      if (sk_plan_new_ns(plan, k) && k != SK_NS_TIME)
        late |= (unsigned long)ns_table[k].flag;
  } else if (sk_plan_new_ns(plan, SK_NS_CGROUP)) {
    /* Unshared here, after the parent placed us in the container's cgroup,
     * so that the namespace's root is that cgroup. */
    late |= CLONE_NEWCGROUP;
  }
  if (late && unshare((int)late) < 0)
    return sk_fail_errno(err, "unshare namespaces");
  /* A pid namespace, new or by path, entered after a user namespace given by
   * path applies only to our children: the init goes on in one. */
  if (user_by_path && plan->ns[SK_NS_PID].wanted && become_pid_ns_init(syncfd, err) < 0)
    return -1;

  /* A new time namespace applies to the children of the unsharer and, since
   * Linux 5.x, to the process itself at execve: offsets must be written
   * before any process has entered it, which clone(CLONE_NEWTIME) would not
   * allow. */
  if (sk_plan_new_ns(plan, SK_NS_TIME)) {
    if (unshare(CLONE_NEWTIME) < 0)
      return sk_fail_errno(err, "unshare time namespace");
    if (lx && write_time_offsets(lx, err) < 0)
      return -1;
  }

  if (sk_plan_new_ns(plan, SK_NS_USER) || user_by_path) {
    /* Become the namespace's root (our host uid is unmapped there). */
    if (setresgid(0, 0, 0) < 0)
      return sk_fail_errno(err, "user namespace: setresgid(0)");
    if (setresuid(0, 0, 0) < 0)
      return sk_fail_errno(err, "user namespace: setresuid(0)");
  }

  const char *hostname = plan->config->hostname;
  const char *domainname = plan->config->domainname;
  if (hostname && sethostname(hostname, strlen(hostname)) < 0)
    return sk_fail_errno(err, "hostname \"%s\": sethostname", hostname);
  if (domainname && setdomainname(domainname, strlen(domainname)) < 0)
    return sk_fail_errno(err, "domainname \"%s\": setdomainname", domainname);
  return 0;
}
