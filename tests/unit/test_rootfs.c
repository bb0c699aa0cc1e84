/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rootfs_prepare + rootfs_enter, case by case, each in a forked child in new
 * namespaces (a mount namespace always; user, pid, net, ipc as the case
 * says) on a scratch rootfs holding busybox. The child checks the effects
 * from inside; the parent checks that nothing leaked to the host. Must run
 * as root. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "plan.h"
#include "rootfs.h"

/* Counters shared with the children (MAP_SHARED survives fork). */
static struct counts {
  int passed, failed;
} *counts;
static int cases_passed, cases_failed;

#define CHECK(cond, ...)                                                        \
  do {                                                                          \
    if (cond) {                                                                 \
      __atomic_add_fetch(&counts->passed, 1, __ATOMIC_SEQ_CST);                 \
    } else {                                                                    \
      __atomic_add_fetch(&counts->failed, 1, __ATOMIC_SEQ_CST);                 \
      fprintf(stderr, "    FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);       \
      fprintf(stderr, __VA_ARGS__);                                             \
      fputc('\n', stderr);                                                      \
    }                                                                           \
  } while (0)

enum { NS_USER = 1, NS_PID = 2, NS_NET = 4, NS_IPC = 8 };
#define ROOT_MAP 100000 /* container root in the user namespace cases */

struct tc {
  char bundle[128], rootfs[160], outside[160];
  oci_config cfg;
  oci_root root;
  oci_linux lx;
  oci_mount mounts[32];
  oci_device devs[8];
  char *masked[16], *ro[16];
  sk_plan plan;
  unsigned ns;
};

static bool host_kcore;

/* --- building the case --- */

static char *fmt(const char *f, ...) {
  va_list ap;
  char *s = NULL;
  va_start(ap, f);
  if (vasprintf(&s, f, ap) < 0)
    abort();
  va_end(ap);
  return s;
}

static void add_mount(struct tc *t, const char *dest, const char *type, const char *src,
                      const char *opts) {
  oci_mount *m = &t->mounts[t->cfg.n_mounts++];
  memset(m, 0, sizeof(*m));
  m->destination = strdup(dest);
  m->type = type ? strdup(type) : NULL;
  m->source = src ? strdup(src) : NULL;
  if (opts) {
    char *copy = strdup(opts), *save = NULL;
    m->options = calloc(32, sizeof(char *));
    for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
      m->options[m->n_options++] = w;
  }
}

static void add_device(struct tc *t, const char *type, const char *path, long maj, long min,
                       int mode, int uid, int gid) {
  oci_device *d = &t->devs[t->lx.n_devices++];
  memset(d, 0, sizeof(*d));
  d->type = strdup(type);
  d->path = strdup(path);
  d->has_major = d->has_minor = maj >= 0;
  d->major = maj;
  d->minor = min;
  d->has_file_mode = mode >= 0;
  d->file_mode = (uint32_t)mode;
  d->has_uid = uid >= 0;
  d->uid = (uint32_t)uid;
  d->has_gid = gid >= 0;
  d->gid = (uint32_t)gid;
}

/* runc's default spec (`runc spec`). */
static void default_mounts(struct tc *t) {
  add_mount(t, "/proc", "proc", "proc", NULL);
  add_mount(t, "/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k");
  add_mount(t, "/dev/pts", "devpts", "devpts",
            "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5");
  add_mount(t, "/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k");
  add_mount(t, "/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev");
  add_mount(t, "/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro");
  add_mount(t, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro");
}

static void default_masks(struct tc *t) {
  static const char *masked[] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                 "/proc/latency_stats", "/proc/timer_list",
                                 "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                                 "/proc/scsi"};
  static const char *ro[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                             "/proc/sysrq-trigger"};
  for (size_t i = 0; i < sizeof(masked) / sizeof(*masked); i++)
    t->masked[t->lx.n_masked_paths++] = strdup(masked[i]);
  for (size_t i = 0; i < sizeof(ro) / sizeof(*ro); i++)
    t->ro[t->lx.n_readonly_paths++] = strdup(ro[i]);
}

static void write_file(const char *path, const char *data) {
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    perror(path);
    return;
  }
  fputs(data, f);
  fclose(f);
}

static char *read_small(const char *path) {
  static char buf[4096];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n < 0)
    return NULL;
  buf[n] = '\0';
  return buf;
}

static void sh(const char *f, ...) {
  va_list ap;
  char *cmd = NULL;
  va_start(ap, f);
  if (vasprintf(&cmd, f, ap) < 0)
    abort();
  va_end(ap);
  if (system(cmd) != 0)
    fprintf(stderr, "    command failed: %s\n", cmd);
  free(cmd);
}

static void tc_init(struct tc *t, unsigned ns) {
  memset(t, 0, sizeof(*t));
  t->ns = ns;
  snprintf(t->bundle, sizeof(t->bundle), "/tmp/skiff-rootfs-XXXXXX");
  if (mkdtemp(t->bundle) == NULL || chmod(t->bundle, 0755) < 0)
    abort();
  snprintf(t->rootfs, sizeof(t->rootfs), "%s/rootfs", t->bundle);
  snprintf(t->outside, sizeof(t->outside), "%s/outside", t->bundle);
  sh("mkdir -p %s/bin %s/proc %s/sys %s/dev %s/etc %s/tmp %s %s/src/dir/sub", t->rootfs,
     t->rootfs, t->rootfs, t->rootfs, t->rootfs, t->rootfs, t->outside, t->bundle);
  sh("cp /bin/busybox %s/bin/busybox", t->rootfs);
  write_file(fmt("%s/secret", t->outside), "host secret");
  write_file(fmt("%s/src/dir/hello", t->bundle), "hello");
  write_file(fmt("%s/src/file", t->bundle), "a file");

  t->cfg.root = &t->root;
  t->root.path = t->rootfs;
  t->cfg.linux_ = &t->lx;
  t->cfg.mounts = t->mounts;
  t->lx.devices = t->devs;
  t->lx.masked_paths = t->masked;
  t->lx.readonly_paths = t->ro;
  t->plan.rootfs = t->rootfs;
  t->plan.bundle = t->bundle;
  t->plan.config = &t->cfg;
  t->plan.ns[SK_NS_MOUNT].wanted = true;
  t->plan.ns[SK_NS_USER].wanted = ns & NS_USER;
  t->plan.ns[SK_NS_PID].wanted = ns & NS_PID;
  t->plan.ns[SK_NS_NET].wanted = ns & NS_NET;
  t->plan.ns[SK_NS_IPC].wanted = ns & NS_IPC;
}

/* --- checks from inside --- */

static bool is_ro(const char *path) {
  struct statvfs sv;
  return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

static long fstype(const char *path) {
  struct statfs sfs;
  return statfs(path, &sfs) == 0 ? (long)sfs.f_type : -1;
}

static bool is_dev(const char *path, mode_t type, unsigned maj, unsigned min, mode_t mode) {
  struct stat st;
  if (stat(path, &st) < 0)
    return false;
  return (st.st_mode & S_IFMT) == type && major(st.st_rdev) == maj &&
         minor(st.st_rdev) == min && (mode == (mode_t)-1 || (st.st_mode & 07777) == mode);
}

static bool link_is(const char *path, const char *target) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path, buf, sizeof(buf) - 1);
  if (n < 0)
    return false;
  buf[n] = '\0';
  return strcmp(buf, target) == 0;
}

/* The last (top) mountinfo line whose mount point is `mp`, or NULL. */
static char *mountinfo(const char *mp) {
  static char found[1024];
  char line[1024];
  bool any = false;
  FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL)
    return NULL;
  while (fgets(line, sizeof(line), f)) {
    char point[512];
    if (sscanf(line, "%*s %*s %*s %*s %511s", point) == 1 && strcmp(point, mp) == 0) {
      snprintf(found, sizeof(found), "%s", line);
      any = true;
    }
  }
  fclose(f);
  return any ? found : NULL;
}

static bool busybox_runs(const char *applet) {
  pid_t p = fork();
  if (p == 0) {
    execl("/bin/busybox", "busybox", applet, (char *)NULL);
    _exit(127);
  }
  int st;
  return p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static bool write_fails(const char *path, int err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) {
    close(fd);
    return false;
  }
  return errno == err;
}

/* --- the cases --- */

struct tcase {
  const char *name;
  unsigned ns;
  void (*setup)(struct tc *t);        /* parent, before fork */
  void (*in_child)(struct tc *t);     /* child, new namespaces, before prepare */
  void (*before_enter)(struct tc *t); /* child, after prepare: host view */
  void (*inside)(struct tc *t);       /* child, after enter */
  void (*after)(struct tc *t);        /* parent, after the child exited */
  const char *expect_err;             /* rootfs_prepare must fail with this */
};

static void setup_default(struct tc *t) {
  default_mounts(t);
  default_masks(t);
  t->root.readonly = true;
}

static void inside_default(struct tc *t) {
  CHECK(is_ro("/"), "/ is read-only");
  CHECK(write_fails("/newfile", EROFS), "create in / fails: %m");
  CHECK(getpid() == 1, "pid 1 in the pid namespace");
  CHECK(is_dev("/dev/null", S_IFCHR, 1, 3, 0666), "/dev/null");
  CHECK(is_dev("/dev/zero", S_IFCHR, 1, 5, 0666), "/dev/zero");
  CHECK(is_dev("/dev/full", S_IFCHR, 1, 7, 0666), "/dev/full");
  CHECK(is_dev("/dev/random", S_IFCHR, 1, 8, 0666), "/dev/random");
  CHECK(is_dev("/dev/urandom", S_IFCHR, 1, 9, 0666), "/dev/urandom");
  CHECK(is_dev("/dev/tty", S_IFCHR, 5, 0, 0666), "/dev/tty");
  CHECK(link_is("/dev/fd", "/proc/self/fd"), "/dev/fd");
  CHECK(link_is("/dev/stdin", "/proc/self/fd/0"), "/dev/stdin");
  CHECK(link_is("/dev/stdout", "/proc/self/fd/1"), "/dev/stdout");
  CHECK(link_is("/dev/stderr", "/proc/self/fd/2"), "/dev/stderr");
  CHECK(link_is("/dev/ptmx", "pts/ptmx"), "/dev/ptmx");
  CHECK(host_kcore == link_is("/dev/core", "/proc/kcore"), "/dev/core iff the host has kcore");
  int ptmx = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  CHECK(ptmx >= 0, "open /dev/ptmx: %m");
  if (ptmx >= 0)
    close(ptmx);
  CHECK(fstype("/proc") == PROC_SUPER_MAGIC, "/proc is proc");
  CHECK(fstype("/dev") == TMPFS_MAGIC, "/dev is tmpfs");
  struct statvfs sv;
  CHECK(statvfs("/dev", &sv) == 0 && (sv.f_flag & ST_NOSUID) && !(sv.f_flag & ST_RDONLY),
        "/dev nosuid rw");
  CHECK(fstype("/dev/pts") == DEVPTS_SUPER_MAGIC, "/dev/pts is devpts");
  CHECK(fstype("/dev/shm") == TMPFS_MAGIC, "/dev/shm is tmpfs");
  CHECK(fstype("/dev/mqueue") == 0x19800202, "/dev/mqueue is mqueue");
  CHECK(fstype("/sys") == SYSFS_MAGIC && is_ro("/sys"), "/sys is read-only sysfs");
  CHECK(is_ro("/sys/fs/cgroup"), "/sys/fs/cgroup read-only");
  char *keys = read_small("/proc/keys");
  CHECK(keys != NULL && keys[0] == '\0', "/proc/keys masked (reads empty)");
  CHECK(fstype("/proc/acpi") == TMPFS_MAGIC && is_ro("/proc/acpi"), "/proc/acpi masked dir");
  CHECK(is_ro("/proc/sys"), "/proc/sys read-only");
  CHECK(write_fails("/proc/sys/kernel/domainname", EROFS), "write /proc/sys fails: %m");
  if (access("/proc/sysrq-trigger", F_OK) == 0)
    CHECK(write_fails("/proc/sysrq-trigger", EROFS), "write /proc/sysrq-trigger fails: %m");
  CHECK(busybox_runs("true"), "busybox runs");
  CHECK(mountinfo("/") != NULL, "/ in mountinfo");
  struct stat st;
  CHECK(stat("/tmp/skiff-rootfs-host-marker", &st) < 0, "the host is not visible");
}

static void setup_binds(struct tc *t) {
  add_mount(t, "/proc", "proc", "proc", NULL);
  add_mount(t, "/data", NULL, fmt("%s/src/dir", t->bundle), "rbind,rro");
  add_mount(t, "/data2", "none", fmt("%s/src/dir", t->bundle), "rbind,ro");
  add_mount(t, "/etc/deep/hostfile", "bind", fmt("%s/src/file", t->bundle), "bind,ro");
  add_mount(t, "/rel", NULL, "src/dir", "bind");
  add_mount(t, "/t", "tmpfs", "tmpfs", "nosuid,nodev,noexec,size=1m,mode=700");
  add_mount(t, "/image", "tmpfs", "tmpfs", "tmpcopyup,mode=755");
  add_mount(t, "/p", NULL, fmt("%s/src/dir", t->bundle), "rbind,rprivate");
  add_mount(t, "/r", NULL, fmt("%s/src/dir", t->bundle), "rbind,rnosuid,rnoexec,rnodev");
  add_mount(t, "/typebind", "bind", fmt("%s/src/dir", t->bundle), NULL);
  add_mount(t, "/t", "tmpfs", "tmpfs", "remount,ro,nosuid,nodev,noexec");
  sh("mkdir -p %s/image/d && echo A > %s/image/a && echo B > %s/image/d/b && ln -s a %s/image/l",
     t->rootfs, t->rootfs, t->rootfs, t->rootfs);
  sh("chmod 0710 %s/image/d", t->rootfs);
}

static void child_binds(struct tc *t) {
  /* A submount inside the bind source, in the child's namespace only. */
  if (mount("tmpfs", fmt("%s/src/dir/sub", t->bundle), "tmpfs", 0, NULL) < 0)
    perror("mount sub");
}

static void inside_binds(struct tc *t) {
  char *s = read_small("/data/hello");
  CHECK(s && strcmp(s, "hello") == 0, "/data/hello");
  CHECK(is_ro("/data") && is_ro("/data/sub"), "rro: top and submount read-only");
  CHECK(write_fails("/data/sub/x", EROFS), "write in rro submount: %m");
  CHECK(is_ro("/data2") && !is_ro("/data2/sub"), "ro: only the top read-only");
  s = read_small("/etc/deep/hostfile");
  CHECK(s && strcmp(s, "a file") == 0, "file bind created as a file");
  CHECK(write_fails("/etc/deep/hostfile", EROFS), "ro file bind");
  s = read_small("/rel/hello");
  CHECK(s && strcmp(s, "hello") == 0, "source relative to the bundle");
  CHECK(!is_ro("/rel"), "rw bind");
  struct statvfs sv;
  CHECK(statvfs("/t", &sv) == 0 && (sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC)) ==
                                       (ST_NOSUID | ST_NODEV | ST_NOEXEC),
        "tmpfs nosuid,nodev,noexec");
  struct stat st;
  CHECK(stat("/t", &st) == 0 && (st.st_mode & 07777) == 0700, "tmpfs mode=700");
  CHECK(is_ro("/t"), "remount,ro");
  CHECK(fstype("/image") == TMPFS_MAGIC, "tmpcopyup is a tmpfs");
  s = read_small("/image/a");
  CHECK(s && strcmp(s, "A\n") == 0, "tmpcopyup copied a");
  s = read_small("/image/d/b");
  CHECK(s && strcmp(s, "B\n") == 0, "tmpcopyup copied d/b");
  CHECK(stat("/image/d", &st) == 0 && (st.st_mode & 07777) == 0710, "tmpcopyup kept modes");
  CHECK(link_is("/image/l", "a"), "tmpcopyup kept the symlink");
  char *mi = mountinfo("/p");
  CHECK(mi && !strstr(mi, "shared:") && !strstr(mi, "master:"), "rprivate: %s", mi);
  CHECK(statvfs("/r/sub", &sv) == 0 && (sv.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC)) ==
                                           (ST_NOSUID | ST_NODEV | ST_NOEXEC),
        "rnosuid,rnoexec,rnodev reach the submount");
  CHECK(!is_ro("/r/sub"), "rnosuid does not make it read-only");
  s = read_small("/typebind/hello");
  CHECK(s && mountinfo("/typebind/sub"), "type bind without options is recursive");
}

static void setup_devices(struct tc *t) {
  add_mount(t, "/dev", "tmpfs", "tmpfs", "mode=755");
  add_device(t, "c", "/dev/mynull", 1, 3, 0600, 1, 2);
  add_device(t, "p", "/dev/fifo", -1, -1, 0640, -1, -1);
  add_device(t, "b", "/dev/sub/loopx", 7, 0, 0660, -1, 6);
  add_device(t, "u", "/dev/zero2", 1, 5, -1, -1, -1);
  add_device(t, "c", "/dev/null", 1, 3, 0644, -1, -1);
}

static void inside_devices(struct tc *t) {
  struct stat st;
  CHECK(is_dev("/dev/mynull", S_IFCHR, 1, 3, 0600), "c device with fileMode");
  CHECK(stat("/dev/mynull", &st) == 0 && st.st_uid == 1 && st.st_gid == 2, "uid/gid");
  CHECK(stat("/dev/fifo", &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0640,
        "fifo");
  CHECK(is_dev("/dev/sub/loopx", S_IFBLK, 7, 0, 0660), "block device in a new directory");
  CHECK(stat("/dev/sub/loopx", &st) == 0 && st.st_gid == 6, "block gid");
  CHECK(is_dev("/dev/zero2", S_IFCHR, 1, 5, 0666), "u is a char device, default mode 0666");
  CHECK(is_dev("/dev/null", S_IFCHR, 1, 3, 0644), "linux.devices overrides a default");
  CHECK(is_dev("/dev/tty", S_IFCHR, 5, 0, 0666), "defaults still made");
}

/* The attacks: symlinks in the image that point at a host directory. */
static void setup_attack(struct tc *t) {
  sh("mkdir -p %s/hostdev", t->outside);
  sh("ln -s %s %s/evil-abs", t->outside, t->rootfs);
  sh("ln -s ../../../../../../../..%s %s/evil-rel", t->outside, t->rootfs);
  sh("rmdir %s/dev && ln -s %s/hostdev %s/dev", t->rootfs, t->outside, t->rootfs);
  sh("ln -s %s/secret %s/etc/evil-mask", t->outside, t->rootfs);
  sh("ln -s ../../../../../..%s %s/etc/evil-ro", t->outside, t->rootfs);
  add_mount(t, "/evil-abs/mnt", "tmpfs", "tmpfs", NULL);
  add_mount(t, "/evil-rel/f", NULL, fmt("%s/src/file", t->bundle), "bind");
  add_mount(t, "/evil-rel/d/", NULL, fmt("%s/src/dir", t->bundle), "rbind");
  add_device(t, "c", "/evil-abs/devnode", 1, 3, 0666, -1, -1);
  t->masked[t->lx.n_masked_paths++] = strdup("/etc/evil-mask");
  t->ro[t->lx.n_readonly_paths++] = strdup("/etc/evil-ro");
}

static unsigned long long mnt_id(const char *path) {
  struct statx stx;
  if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0)
    return 0;
  return stx.stx_mnt_id;
}

static void outside_untouched(struct tc *t) {
  struct stat st;
  CHECK(lstat(fmt("%s/mnt", t->outside), &st) < 0, "no mnt outside");
  CHECK(lstat(fmt("%s/f", t->outside), &st) < 0, "no f outside");
  CHECK(lstat(fmt("%s/d", t->outside), &st) < 0, "no d outside");
  CHECK(lstat(fmt("%s/devnode", t->outside), &st) < 0, "no devnode outside");
  CHECK(lstat(fmt("%s/hostdev/null", t->outside), &st) < 0, "no null in host dev dir");
  char *s = read_small(fmt("%s/secret", t->outside));
  CHECK(s && strcmp(s, "host secret") == 0, "host secret not masked");
  CHECK(!write_fails(fmt("%s/secret", t->outside), EROFS), "host dir still writable");
}

static void before_enter_attack(struct tc *t) {
  outside_untouched(t);
  CHECK(mnt_id(t->outside) == mnt_id(t->bundle), "nothing mounted on the outside dir");
}

static void inside_attack(struct tc *t) {
  CHECK(fstype("/evil-abs/mnt") == TMPFS_MAGIC, "tmpfs mounted inside the root");
  char *s = read_small("/evil-rel/f");
  CHECK(s && strcmp(s, "a file") == 0, "file bound inside the root");
  CHECK(is_dev("/dev/null", S_IFCHR, 1, 3, 0666), "devices made through /dev symlink, inside");
  CHECK(is_dev("/evil-abs/devnode", S_IFCHR, 1, 3, 0666), "device through symlink, inside");
  struct stat st;
  CHECK(stat("/etc/evil-mask", &st) < 0 && errno == ENOENT, "dangling mask target skipped");
}

/* The same attacks with the manual walk that replaces openat2 on old kernels. */
static void child_force_walk(struct tc *t) { sk_path_force_fallback(1); }

static void setup_userns(struct tc *t) {
  setup_default(t);
  sh("chown -R %d:%d %s", ROOT_MAP, ROOT_MAP, t->rootfs);
}

static void inside_userns(struct tc *t) {
  CHECK(getuid() == 0, "root in the user namespace");
  CHECK(is_ro("/"), "/ read-only in a user namespace");
  CHECK(is_dev("/dev/null", S_IFCHR, 1, 3, (mode_t)-1), "/dev/null is the host node");
  CHECK(mountinfo("/dev/null") != NULL, "/dev/null is a bind mount");
  CHECK(is_dev("/dev/tty", S_IFCHR, 5, 0, (mode_t)-1), "/dev/tty");
  CHECK(link_is("/dev/ptmx", "pts/ptmx"), "/dev/ptmx");
  CHECK(fstype("/proc") == PROC_SUPER_MAGIC, "/proc");
  CHECK(fstype("/sys") == SYSFS_MAGIC && is_ro("/sys"), "/sys");
  CHECK(is_ro("/sys/fs/cgroup"), "cgroup read-only");
  char *keys = read_small("/proc/keys");
  CHECK(keys != NULL && keys[0] == '\0', "/proc/keys masked");
  /* (host-owned files: EACCES would come before EROFS, check the mount) */
  CHECK(is_ro("/proc/sys") && is_ro("/proc/sys/kernel"), "/proc/sys read-only");
  CHECK(busybox_runs("true"), "busybox runs");
}

static void setup_sysfs_fallback(struct tc *t) {
  add_mount(t, "/proc", "proc", "proc", NULL);
  add_mount(t, "/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro");
  sh("chown -R %d:%d %s", ROOT_MAP, ROOT_MAP, t->rootfs);
}

static void inside_sysfs_fallback(struct tc *t) {
  struct stat st;
  CHECK(fstype("/sys") == SYSFS_MAGIC && is_ro("/sys"), "/sys is the host's, read-only");
  CHECK(stat("/sys/kernel", &st) == 0, "/sys/kernel");
  CHECK(is_ro("/sys/fs/cgroup"), "read-only reaches the submounts");
}

static void setup_proc_userns(struct tc *t) {
  add_mount(t, "/proc", "proc", "proc", NULL);
  sh("chown -R %d:%d %s", ROOT_MAP, ROOT_MAP, t->rootfs);
}

static void setup_nopivot(struct tc *t) {
  add_mount(t, "/proc", "proc", "proc", NULL);
  t->plan.no_pivot = true;
  t->root.readonly = true;
}

static void inside_simple(struct tc *t) {
  struct stat st;
  CHECK(stat("/bin/busybox", &st) == 0, "/bin/busybox");
  CHECK(busybox_runs("true"), "busybox runs");
  CHECK(fstype("/proc") == PROC_SUPER_MAGIC, "/proc");
}

static void inside_nopivot(struct tc *t) {
  inside_simple(t);
  CHECK(is_ro("/"), "read-only root after MS_MOVE");
}

static void child_make_shared(struct tc *t) {
  if (mount(NULL, "/", NULL, MS_SHARED | MS_REC, NULL) < 0)
    perror("make / rshared");
}

/* For rslave to show a master, / must have a peer: make it shared, keep
 * this namespace alive and move to a copy of it. */
static void child_make_peer(struct tc *t) {
  child_make_shared(t);
  if (open("/proc/self/ns/mnt", O_RDONLY) < 0 || unshare(CLONE_NEWNS) < 0)
    perror("new mount namespace");
}

static void setup_prop_default(struct tc *t) { add_mount(t, "/proc", "proc", "proc", NULL); }
static void setup_prop(struct tc *t, const char *p) {
  setup_prop_default(t);
  t->lx.rootfs_propagation = strdup(p);
}
static void setup_shared(struct tc *t) { setup_prop(t, "shared"); }
static void setup_private(struct tc *t) { setup_prop(t, "private"); }
static void setup_unbindable(struct tc *t) { setup_prop(t, "unbindable"); }

static void inside_rslave(struct tc *t) {
  char *mi = mountinfo("/");
  CHECK(mi && strstr(mi, "master:") && !strstr(mi, "shared:"), "default rslave: %s", mi);
}
static void inside_shared(struct tc *t) {
  char *mi = mountinfo("/");
  CHECK(mi && strstr(mi, "shared:"), "shared: %s", mi);
}
static void inside_private(struct tc *t) {
  char *mi = mountinfo("/");
  CHECK(mi && !strstr(mi, "shared:") && !strstr(mi, "master:"), "private: %s", mi);
}
static void inside_unbindable(struct tc *t) {
  char *mi = mountinfo("/");
  CHECK(mi && strstr(mi, "unbindable"), "unbindable: %s", mi);
}

/* error cases */
static void setup_err_source(struct tc *t) {
  add_mount(t, "/data", NULL, "/nonexistent-skiff", "rbind");
}
static void setup_err_option(struct tc *t) {
  add_mount(t, "/proc", "proc", "proc", NULL);
  add_mount(t, "/x", NULL, fmt("%s/src/dir", t->bundle), "bind,foo");
}
static void setup_err_tmpfs(struct tc *t) {
  add_mount(t, "/x", "tmpfs", "tmpfs", "size=bogus");
}
static void setup_err_device(struct tc *t) { add_device(t, "x", "/dev/bad", 1, 3, -1, -1, -1); }
static void setup_err_prop(struct tc *t) { t->lx.rootfs_propagation = strdup("bogus"); }
static void setup_err_type(struct tc *t) { add_mount(t, "/x", NULL, "/tmp", "ro"); }
static oci_id_mapping idmap_1000[] = {{.container_id = 0, .host_id = 1000, .size = 1}};

static void add_idmapped(struct tc *t, const char *dest, const char *opts) {
  add_mount(t, dest, NULL, fmt("%s/src/dir", t->bundle), opts);
  oci_mount *m = &t->mounts[t->cfg.n_mounts - 1];
  m->uid_mappings = m->gid_mappings = idmap_1000;
  m->n_uid_mappings = m->n_gid_mappings = 1;
}

static void setup_idmap(struct tc *t) {
  add_idmapped(t, "/id", "rbind,idmap");
  add_idmapped(t, "/rid", "rbind,ridmap");
}

static void inside_idmap(struct tc *t) {
  struct stat st;
  CHECK(stat("/id/hello", &st) == 0 && st.st_uid == 1000 && st.st_gid == 1000,
        "idmap: root's file shows as 1000 (%u)", st.st_uid);
  CHECK(stat("/id/sub/.", &st) == 0 && st.st_uid == 0, "idmap: submount not mapped (%u)",
        st.st_uid);
  CHECK(stat("/rid/sub/.", &st) == 0 && st.st_uid == 1000, "ridmap: submount mapped (%u)",
        st.st_uid);
}

static void setup_err_idmap(struct tc *t) {
  add_idmapped(t, "/x", "rbind,idmap");
  sh("chown -R %d:%d %s", ROOT_MAP, ROOT_MAP, t->rootfs);
}

/* CVE-2019-19921: a destination that leads into /proc through a symlink. */
static void setup_err_proc(struct tc *t) {
  add_mount(t, "/proc", "proc", "proc", NULL);
  add_mount(t, "/proc/cpuinfo", NULL, fmt("%s/src/file", t->bundle), "bind");
  sh("ln -s /proc/self %s/vol", t->rootfs);
  add_mount(t, "/vol/attr", "tmpfs", "tmpfs", NULL);
}

static const struct tcase cases[] = {
    {"default spec, root.readonly", NS_PID | NS_NET | NS_IPC, setup_default, NULL, NULL,
     inside_default, NULL, NULL},
    {"bind mounts and options", NS_PID, setup_binds, child_binds, NULL, inside_binds, NULL, NULL},
    {"devices", NS_PID, setup_devices, NULL, NULL, inside_devices, NULL, NULL},
    {"symlink attacks", NS_PID, setup_attack, NULL, before_enter_attack, inside_attack,
     outside_untouched, NULL},
    {"symlink attacks, manual walk", NS_PID, setup_attack, child_force_walk,
     before_enter_attack, inside_attack, outside_untouched, NULL},
    {"user namespace, default spec", NS_USER | NS_PID | NS_NET | NS_IPC, setup_userns, NULL,
     NULL, inside_userns, NULL, NULL},
    {"user namespace, sysfs without netns", NS_USER | NS_PID, setup_sysfs_fallback, NULL, NULL,
     inside_sysfs_fallback, NULL, NULL},
    {"user namespace, proc without pidns", NS_USER, setup_proc_userns, NULL, NULL, NULL, NULL,
     "mounts[0] /proc: mount proc (a user namespace can only mount proc for a pid namespace"},
    {"--no-pivot", NS_PID, setup_nopivot, NULL, NULL, inside_nopivot, NULL, NULL},
    {"propagation default rslave", NS_PID, setup_prop_default, child_make_peer, NULL,
     inside_rslave, NULL, NULL},
    {"propagation shared", NS_PID, setup_shared, child_make_shared, NULL, inside_shared, NULL,
     NULL},
    {"propagation private", NS_PID, setup_private, child_make_shared, NULL, inside_private, NULL,
     NULL},
    {"propagation unbindable", NS_PID, setup_unbindable, NULL, NULL, inside_unbindable, NULL,
     NULL},
    {"error: missing bind source", 0, setup_err_source, NULL, NULL, NULL, NULL,
     "mounts[0] /data: bind source /nonexistent-skiff: No such file or directory"},
    {"error: unknown option", 0, setup_err_option, NULL, NULL, NULL, NULL,
     "mounts[1] /x: unknown mount option \"foo\""},
    {"error: bad tmpfs data", 0, setup_err_tmpfs, NULL, NULL, NULL, NULL,
     "mounts[0] /x: mount tmpfs: Invalid argument"},
    {"error: bad device type", 0, setup_err_device, NULL, NULL, NULL, NULL,
     "linux.devices[0] /dev/bad: type must be one of c b u p, not \"x\""},
    {"error: bad rootfsPropagation", 0, setup_err_prop, NULL, NULL, NULL, NULL,
     "linux.rootfsPropagation: unknown value \"bogus\""},
    {"error: mount over procfs", NS_PID, setup_err_proc, NULL, NULL, NULL, NULL,
     "mounts[2] /vol/attr: mounting over procfs is not allowed: Operation not permitted"},
    {"error: no type", 0, setup_err_type, NULL, NULL, NULL, NULL,
     "mounts[0] /x: no type and no bind option"},
    {"idmap and ridmap", NS_PID, setup_idmap, child_binds, NULL, inside_idmap, NULL, NULL},
    {"error: idmap in a user namespace", NS_USER, setup_err_idmap, NULL, NULL, NULL, NULL,
     "mounts[0] /x: idmap mounts in a user namespace: Operation not supported"},
};

static void child_body(const struct tcase *c, struct tc *t) {
  alarm(30); /* a hung case must not hang `make check` */
  if (c->in_child)
    c->in_child(t);
  sk_error *err = NULL;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int r = rootfs_prepare(&t->plan, &err);
  if (c->expect_err) {
    CHECK(r < 0 && err && strstr(err->msg, c->expect_err), "want error \"%s\", got \"%s\"",
          c->expect_err, err ? err->msg : "success");
    _exit(0);
  }
  CHECK(r == 0, "rootfs_prepare: %s", err ? err->msg : "");
  if (r < 0)
    _exit(1);
  if (c->before_enter)
    c->before_enter(t);
  r = rootfs_enter(&t->plan, &err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  CHECK(r == 0, "rootfs_enter: %s", err ? err->msg : "");
  if (r < 0)
    _exit(1);
  if (c->before_enter == NULL)
    printf("      rootfs_prepare + rootfs_enter: %.2f ms\n",
           (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
  fflush(stdout);
  if (c->inside)
    c->inside(t);
  _exit(0);
}

static void write_map(pid_t pid, const char *what) {
  char path[64];
  snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
  write_file(path, "0 100000 65536\n");
}

static void run_case(const struct tcase *c) {
  struct tc t;
  tc_init(&t, c->ns);
  c->setup(&t);
  int before = counts->failed;
  int sync1[2], sync2[2];
  if (pipe2(sync1, O_CLOEXEC) < 0 || pipe2(sync2, O_CLOEXEC) < 0)
    abort();
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    char b = 0;
    alarm(60);
    if (c->ns & NS_USER) {
      if (unshare(CLONE_NEWUSER) < 0)
        _exit(20);
      if (write(sync1[1], &b, 1) != 1 || read(sync2[0], &b, 1) != 1)
        _exit(21);
      if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        _exit(22);
      (void)setgroups(0, NULL);
    }
    int flags = CLONE_NEWNS | (c->ns & NS_PID ? CLONE_NEWPID : 0) |
                (c->ns & NS_NET ? CLONE_NEWNET : 0) | (c->ns & NS_IPC ? CLONE_NEWIPC : 0);
    if (unshare(flags) < 0) {
      perror("unshare");
      _exit(23);
    }
    if (c->ns & NS_PID) {
      pid_t p = fork();
      if (p == 0)
        child_body(c, &t);
      int st;
      if (p < 0 || waitpid(p, &st, 0) != p)
        _exit(24);
      _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 25);
    }
    child_body(c, &t);
  }
  if (c->ns & NS_USER) {
    char b;
    if (read(sync1[0], &b, 1) == 1) {
      write_map(pid, "uid_map");
      write_map(pid, "gid_map");
    }
    if (write(sync2[1], &b, 1) != 1)
      perror("sync");
  }
  int st = 0;
  waitpid(pid, &st, 0);
  close(sync1[0]);
  close(sync1[1]);
  close(sync2[0]);
  close(sync2[1]);
  bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
  if (!ok)
    fprintf(stderr, "    child exited with status %#x\n", st);
  if (c->after)
    c->after(&t);
  ok = ok && counts->failed == before;
  printf("%s: %s\n", ok ? "ok  " : "FAIL", c->name);
  if (ok)
    cases_passed++;
  else
    cases_failed++;
  /* --one-file-system: never descend into a mount, should one have leaked */
  sh("rm -rf --one-file-system %s", t.bundle);
}

int main(int argc, char **argv) {
  if (geteuid() != 0) {
    printf("not root: skipped\n0 passed, 0 failed\n");
    return 77;
  }
  counts = mmap(NULL, sizeof(*counts), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (counts == MAP_FAILED)
    return 1;
  host_kcore = access("/proc/kcore", F_OK) == 0;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    if (argc < 2 || strstr(cases[i].name, argv[1]))
      run_case(&cases[i]);
  printf("%d checks passed, %d checks failed\n", counts->passed, counts->failed);
  printf("%d passed, %d failed\n", cases_passed, cases_failed);
  return cases_failed ? 1 : 0;
}
