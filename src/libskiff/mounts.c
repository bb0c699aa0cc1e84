/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mounts[] entries of config.md, mounted in order inside the rootfs.
 *
 * Destinations are resolved (and created) inside the rootfs by paths.c into
 * O_PATH fds. Bind mounts use the new mount API (sk_tree_clone/attach: 2-4
 * syscalls, attributes set before the mount is visible); other filesystems
 * take one mount(2) on "/proc/self/fd/N", which the host's /proc turns into
 * exactly the resolved directory, whatever the rootfs does with symlinks. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "mount_options.h"
#include "paths.h"
#include "rootfs_internal.h"
#include "util.h"

struct entry {
  const sk_plan *plan;
  int rootfd;
  const oci_mount *m;
  sk_mount_opts o;
  bool recursive_bind;
};

static bool streq(const char *a, const char *b) {
  return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The fd of what is mounted at the destination now (the top mount). */
static int reopen_dest(const struct entry *e, sk_error **err) {
  int fd = sk_path_open(e->rootfd, e->m->destination, SK_PATH_NOCREATE);
  if (fd < 0)
    sk_fail_errno(err, "open the new mount");
  return fd;
}

static int reopen_entry_dest(void *ctx, sk_error **err) {
  return reopen_dest((const struct entry *)ctx, err);
}

static struct sk_tree_attrs tree_attrs(const sk_mount_opts *o) {
  struct sk_tree_attrs a = {
      .top_set = sk_ms_to_mount_attr(o->flags),
      .top_clr = sk_ms_to_mount_attr(o->cleared) & ~(uint64_t)MOUNT_ATTR__ATIME,
      .rec_set = o->rec_set,
      .rec_clr = o->rec_clr,
  };
  a.top_set &= ~(uint64_t)MOUNT_ATTR__ATIME;
  if (o->atime_given) {
    /* The kernel takes an atime mode with the whole mask cleared. */
    a.top_set |= sk_atime_attr(o->flags);
    a.top_clr |= MOUNT_ATTR__ATIME;
  }
  if (o->rec_atime >= 0) {
    a.rec_set |= (uint64_t)o->rec_atime;
    a.rec_clr |= MOUNT_ATTR__ATIME;
  }
  return a;
}

static int set_propagation(int fd, unsigned long prop, sk_error **err) {
  if (prop == 0)
    return 0;
  if (mount(NULL, sk_fd_path(fd).s, NULL, prop, NULL) < 0)
    return sk_fail_errno(err, "set propagation");
  return 0;
}

/* Host path of a bind source: absolute, or relative to the bundle. */
static char *bind_source(const struct entry *e) {
  const char *src = e->m->source;
  char *out = NULL;
  if (src[0] == '/' || e->plan->bundle == NULL)
    return strdup(src);
  if (asprintf(&out, "%s/%s", e->plan->bundle, src) < 0)
    return NULL;
  return out;
}

/* A mount landing on procfs could hide what the kernel reports there
 * (/proc/self/attr, /proc/sys, ...): CVE-2019-19921 swapped a volume for a
 * symlink into /proc to do exactly that. The resolved fd tells where the
 * mount would really land; there only proc itself and the files that
 * lxcfs-like tools replace are allowed (runc's list). */
static int check_proc_target(const struct entry *e, int dest, sk_error **err) {
  static const char *const allowed[] = {
      "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",  "/proc/stat",
      "/proc/swaps",   "/proc/uptime",    "/proc/loadavg",  "/proc/slabinfo",
      "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
  };
  struct statfs sfs;
  if (streq(e->m->type, "proc") || fstatfs(dest, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return 0;
  for (size_t i = 0; i < SK_ARRAY_SIZE(allowed); i++)
    if (streq(e->m->destination, allowed[i]))
      return 0;
  return sk_fail(err, EPERM, "mounting over procfs is not allowed");
}

static int premade_tree(const struct entry *e) {
  const sk_plan *p = e->plan;
  if (p->premade_trees == NULL)
    return -1;
  return p->premade_trees[e->m - p->config->mounts];
}

static int do_bind(struct entry *e, sk_error **err) {
  if (e->m->source == NULL)
    return sk_fail(err, EINVAL, "bind mount without a source");
  _cleanup_free_ char *src = bind_source(e);
  if (src == NULL)
    return sk_fail(err, ENOMEM, "bind source");
  /* The runtime's idmapped tree, when it made one: the source may not even
   * be reachable from the container's user namespace. */
  int premade = premade_tree(e);
  _cleanup_close_ int tree = premade >= 0 ? -1 : sk_tree_clone(AT_FDCWD, src, e->recursive_bind);
  if (premade >= 0)
    tree = fcntl(premade, F_DUPFD_CLOEXEC, 3);
  if (tree < 0)
    return sk_fail_errno(err, "bind source %s", src);
  struct stat st;
  if (fstat(tree, &st) < 0)
    return sk_fail_errno(err, "bind source %s: stat", src);
  _cleanup_close_ int dest = sk_path_open(e->rootfd, e->m->destination,
                                          S_ISDIR(st.st_mode) ? SK_PATH_DIR : SK_PATH_FILE);
  if (dest < 0)
    return sk_fail_errno(err, "destination");
  if (check_proc_target(e, dest, err) < 0)
    return -1;
  const char *what;
  if (premade >= 0) {
    if (move_mount(tree, "", dest, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return sk_fail_errno(err, "bind %s: move_mount", src);
    return set_propagation(tree, e->o.propagation, err);
  }
  struct sk_tree_attrs a = tree_attrs(&e->o);
  _cleanup_close_ int userns = -1;
  if (e->o.idmap) {
    if ((userns = sk_idmap_userns(e->m, err)) < 0)
      return sk_wrap(err, "%s", e->o.idmap_recursive ? "ridmap" : "idmap");
    a.userns_fd = userns;
    if (e->o.idmap_recursive)
      a.rec_set |= MOUNT_ATTR_IDMAP;
    else
      a.top_set |= MOUNT_ATTR_IDMAP;
  }
  if (sk_tree_attach(tree, dest, &a, &what) < 0)
    return sk_fail_errno(err, "bind %s: %s", src, what);
  return set_propagation(tree, e->o.propagation, err);
}

/* sysfs and cgroup fallbacks: a read-only (etc.) recursive bind of the
 * host's tree. Only ro/nosuid/nodev/noexec are applied, to every submount:
 * atime flags of the host's mounts are locked in a user namespace. */
static int bind_host_tree(struct entry *e, int dest, const char *host, sk_error **err) {
  _cleanup_close_ int tree = sk_tree_clone(AT_FDCWD, host, true);
  if (tree < 0)
    return sk_fail_errno(err, "bind %s", host);
  struct sk_tree_attrs a = {
      .rec_set = sk_ms_to_mount_attr(e->o.flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)),
  };
  const char *what;
  if (sk_tree_attach(tree, dest, &a, &what) < 0)
    return sk_fail_errno(err, "bind %s: %s", host, what);
  return set_propagation(tree, e->o.propagation, err);
}

static bool selinux_enabled(void) {
  static int enabled = -1;
  if (enabled < 0)
    enabled = access("/sys/fs/selinux/enforce", F_OK) == 0;
  return enabled;
}

/* Filesystem data plus the SELinux context= of linux.mountLabel, when the
 * host runs SELinux (elsewhere the option would make the mount fail). */
static char *mount_data(const struct entry *e, const char *type) {
  const oci_linux *lx = e->plan->config->linux_;
  const char *label = lx ? lx->mount_label : NULL;
  bool labelled = label != NULL && !streq(type, "proc") && !streq(type, "sysfs") &&
                  !streq(type, "cgroup") && !streq(type, "cgroup2") && selinux_enabled();
  if (!labelled)
    return e->o.data ? strdup(e->o.data) : NULL;
  char *out = NULL;
  if (asprintf(&out, "%s%scontext=\"%s\"", e->o.data ? e->o.data : "",
               e->o.data ? "," : "", label) < 0)
    return NULL;
  return out;
}

static int after_mount(struct entry *e, int under, sk_error **err) {
  if (!e->o.tmpcopyup && e->o.rec_set == 0 && e->o.rec_clr == 0 && e->o.rec_atime < 0 &&
      e->o.propagation == 0)
    return 0;
  _cleanup_close_ int top = reopen_dest(e, err);
  if (top < 0)
    return -1;
  if (e->o.tmpcopyup) {
    _cleanup_close_ int to = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (to < 0)
      return sk_fail_errno(err, "tmpcopyup: open the tmpfs");
    if (sk_copy_up(under, to, err) < 0)
      return -1;
  }
  struct sk_tree_attrs a = tree_attrs(&e->o);
  if (a.rec_set || a.rec_clr) {
    struct mount_attr ma = {.attr_set = a.rec_set, .attr_clr = a.rec_clr};
    if (mount_setattr(top, "", AT_EMPTY_PATH | AT_RECURSIVE, &ma, sizeof(ma)) < 0)
      return sk_fail_errno(err, "mount_setattr");
  }
  return set_propagation(top, e->o.propagation, err);
}

static bool host_is_cgroup2(void) {
  struct statfs sfs;
  return statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}

/* Where a filesystem that the container may not mount itself is bound from
 * instead: sysfs without its own network namespace (EPERM in a user
 * namespace, as runc does), cgroup2 without a cgroup namespace, mqueue
 * without an ipc namespace. NULL: no fallback. */
static const char *host_fallback(const struct entry *e, const char *type, bool cgroup) {
  if (streq(type, "sysfs") && !sk_plan_new_ns(e->plan, SK_NS_NET))
    return "/sys";
  if (cgroup && !sk_plan_new_ns(e->plan, SK_NS_CGROUP))
    return "/sys/fs/cgroup";
  if (streq(type, "mqueue") && !sk_plan_new_ns(e->plan, SK_NS_IPC))
    return "/dev/mqueue";
  return NULL;
}

static int do_filesystem(struct entry *e, sk_error **err) {
  const char *type = e->m->type;
  bool cgroup = streq(type, "cgroup") || streq(type, "cgroup2");
  _cleanup_close_ int dest = sk_path_open(e->rootfd, e->m->destination, SK_PATH_DIR);
  if (dest < 0)
    return sk_fail_errno(err, "destination");
  if (check_proc_target(e, dest, err) < 0)
    return -1;

  /* cgroup: a fresh cgroup2 on a pure v2 host; on a v1 or hybrid host a
   * tmpfs with the container's cgroup of each hierarchy (cgroup_mount.c). */
  if (cgroup && !host_is_cgroup2()) {
    if (e->plan->cgroup_path == NULL) /* no cgroup of its own (rootless) */
      return bind_host_tree(e, dest, "/sys/fs/cgroup", err);
    return sk_mount_cgroup_v1(dest, e->plan->cgroup_path, e->o.flags, reopen_entry_dest,
                              (void *)e, err);
  }
  if (cgroup)
    type = "cgroup2";

  _cleanup_close_ int under = -1;
  if (e->o.tmpcopyup) {
    under = openat(dest, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (under < 0)
      return sk_fail_errno(err, "tmpcopyup: open the directory");
  }
  _cleanup_free_ char *data = mount_data(e, type);
  const char *source = e->m->source ? e->m->source : type;
  if (mount(source, sk_fd_path(dest).s, type, e->o.flags, data) < 0) {
    int saved = errno;
    const char *host = saved == EPERM ? host_fallback(e, type, cgroup) : NULL;
    if (host != NULL)
      return bind_host_tree(e, dest, host, err);
    if (saved == EPERM && streq(type, "proc") && sk_plan_has_userns(e->plan) &&
        !sk_plan_new_ns(e->plan, SK_NS_PID))
      return sk_fail(err, saved,
                     "mount proc (a user namespace can only mount proc for a pid "
                     "namespace it owns: add a new \"pid\" namespace)");
    return sk_fail(err, saved, "mount %s", type);
  }
  return after_mount(e, under, err);
}

static int do_remount(struct entry *e, sk_error **err) {
  _cleanup_close_ int top = reopen_dest(e, err);
  if (top < 0)
    return -1;
  _cleanup_free_ char *data = mount_data(e, e->m->type);
  if (mount(e->m->source, sk_fd_path(top).s, e->m->type, e->o.flags, data) < 0)
    return sk_fail_errno(err, "remount");
  return 0;
}

static int mount_entry(const sk_plan *plan, int rootfd, const oci_mount *m, bool *dev_is_bind,
                       sk_error **err) {
  struct entry e = {.plan = plan, .rootfd = rootfd, .m = m};
  if (sk_mount_opts_parse(m->options, m->n_options, &e.o, err) < 0)
    return -1;
  /* Mappings without "idmap"/"ridmap" (config.md: the option SHOULD be
   * there so that older runtimes do not silently ignore them): apply them
   * as a non-recursive idmap rather than ignore them. */
  if (m->n_uid_mappings > 0 || m->n_gid_mappings > 0)
    e.o.idmap = true;
  int r;
  bool bind = (e.o.flags & MS_BIND) != 0;
  if (!bind && streq(m->type, "bind")) {
    /* type "bind" without a bind option: recursive, as docker means it */
    e.o.flags |= MS_BIND | MS_REC;
    bind = true;
  }
  e.recursive_bind = (e.o.flags & MS_REC) != 0;
  if (m->destination == NULL || m->destination[0] == '\0')
    r = sk_fail(err, 0, "no destination");
  else if (e.o.idmap && !bind)
    r = sk_fail(err, EOPNOTSUPP, "%s mounts of a non-bind mount",
                e.o.idmap_recursive ? "ridmap" : "idmap");
  else if (e.o.idmap && sk_plan_has_userns(plan) && premade_tree(&e) < 0)
    /* In the container's user namespace only the runtime, before the
     * clone, can make the idmapped tree (mounts_prepare_idmapped). */
    r = sk_fail(err, EOPNOTSUPP, "%s mounts in a user namespace",
                e.o.idmap_recursive ? "ridmap" : "idmap");
  else if (bind && e.o.unknown != NULL)
    /* data means nothing to a bind mount: a word we do not know is a typo */
    r = sk_fail(err, 0, "unknown mount option \"%s\"", e.o.unknown);
  else if (e.o.flags & MS_REMOUNT)
    r = do_remount(&e, err);
  else if (bind)
    r = do_bind(&e, err);
  else if (m->type == NULL || m->type[0] == '\0')
    r = sk_fail(err, 0, "no type and no bind option");
  else
    r = do_filesystem(&e, err);
  if (r == 0 && bind && streq(m->destination, "/dev"))
    *dev_is_bind = true;
  sk_mount_opts_clear(&e.o);
  return r;
}

int rootfs_mount_entries(const sk_plan *plan, int rootfd, bool *dev_is_bind,
                         sk_error **err) {
  const oci_config *c = plan->config;
  *dev_is_bind = false;
  for (size_t i = 0; i < c->n_mounts; i++) {
    const oci_mount *m = &c->mounts[i];
    if (mount_entry(plan, rootfd, m, dev_is_bind, err) < 0)
      return sk_wrap(err, "mounts[%zu] %s", i, m->destination ? m->destination : "");
  }
  return 0;
}

/* The idmapped bind trees of a container with its own user namespace,
 * made here in the runtime with the host's privileges: cloned, every
 * attribute and the idmap applied; the init attaches them as they are. */
int mounts_prepare_idmapped(sk_plan *plan, sk_error **err) {
  const oci_config *c = plan->config;
  if (!sk_plan_has_userns(plan))
    return 0;
  for (size_t i = 0; i < c->n_mounts; i++) {
    const oci_mount *m = &c->mounts[i];
    if (m->n_uid_mappings == 0 && m->n_gid_mappings == 0)
      continue;
    struct entry e = {.plan = plan, .m = m};
    if (sk_mount_opts_parse(m->options, m->n_options, &e.o, err) < 0)
      return sk_wrap(err, "mounts[%zu] %s", i, m->destination);
    bool typed_bind = streq(m->type, "bind") && !(e.o.flags & MS_BIND);
    bool bind = (e.o.flags & MS_BIND) != 0 || typed_bind;
    bool recursive = (e.o.flags & MS_REC) != 0 || typed_bind;
    int r = 0;
    if (bind && m->source != NULL && plan->premade_trees == NULL) {
      plan->premade_trees = malloc(c->n_mounts * sizeof(int));
      if (plan->premade_trees == NULL)
        r = sk_fail(err, ENOMEM, "premade mounts");
      for (size_t k = 0; r == 0 && k < c->n_mounts; k++)
        plan->premade_trees[k] = -1;
    }
    if (r == 0 && bind && m->source != NULL) {
      _cleanup_free_ char *src = bind_source(&e);
      _cleanup_close_ int tree = src ? sk_tree_clone(AT_FDCWD, src, recursive) : -1;
      _cleanup_close_ int userns = -1;
      struct sk_tree_attrs a = tree_attrs(&e.o);
      if (tree < 0)
        r = sk_fail_errno(err, "bind source %s", src ? src : m->source);
      else if ((userns = sk_idmap_userns(m, err)) < 0)
        r = sk_wrap(err, "%s", e.o.idmap_recursive ? "ridmap" : "idmap");
      if (r == 0) {
        a.userns_fd = userns;
        if (e.o.idmap_recursive)
          a.rec_set |= MOUNT_ATTR_IDMAP;
        else
          a.top_set |= MOUNT_ATTR_IDMAP;
        if (sk_tree_setattr(tree, &a) < 0)
          r = sk_fail_errno(err, "bind %s: mount_setattr", src);
        else
          plan->premade_trees[i] = sk_steal_fd(&tree);
      }
    }
    sk_mount_opts_clear(&e.o);
    if (r < 0)
      return sk_wrap(err, "mounts[%zu] %s", i, m->destination);
  }
  return 0;
}

void mounts_close_premade(sk_plan *plan) {
  if (plan->premade_trees == NULL)
    return;
  for (size_t i = 0; i < plan->config->n_mounts; i++)
    if (plan->premade_trees[i] >= 0)
      close(plan->premade_trees[i]);
  free(plan->premade_trees);
  plan->premade_trees = NULL;
}
