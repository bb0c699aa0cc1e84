/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Table-driven checks of the mount option parser (every word of the table
 * of config.md) and of the in-root path resolution (openat2 and the manual
 * walk), which need no namespace. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mount_options.h"
#include "paths.h"

static int passed, failed;

#define CHECK(cond, ...)                                                        \
  do {                                                                          \
    if (cond) {                                                                 \
      passed++;                                                                 \
    } else {                                                                    \
      failed++;                                                                 \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);           \
      fprintf(stderr, __VA_ARGS__);                                             \
      fputc('\n', stderr);                                                      \
    }                                                                           \
  } while (0)

struct expect {
  const char *word;
  unsigned long flags, cleared, prop;
  uint64_t rec_set, rec_clr;
  int rec_atime;
  int special; /* 1 tmpcopyup, 2 idmap, 3 ridmap */
};

static const struct expect table[] = {
    {"ro", MS_RDONLY, 0, 0, 0, 0, -1, 0},
    {"rw", 0, MS_RDONLY, 0, 0, 0, -1, 0},
    {"suid", 0, MS_NOSUID, 0, 0, 0, -1, 0},
    {"nosuid", MS_NOSUID, 0, 0, 0, 0, -1, 0},
    {"dev", 0, MS_NODEV, 0, 0, 0, -1, 0},
    {"nodev", MS_NODEV, 0, 0, 0, 0, -1, 0},
    {"exec", 0, MS_NOEXEC, 0, 0, 0, -1, 0},
    {"noexec", MS_NOEXEC, 0, 0, 0, 0, -1, 0},
    {"sync", MS_SYNCHRONOUS, 0, 0, 0, 0, -1, 0},
    {"async", 0, MS_SYNCHRONOUS, 0, 0, 0, -1, 0},
    {"dirsync", MS_DIRSYNC, 0, 0, 0, 0, -1, 0},
    {"remount", MS_REMOUNT, 0, 0, 0, 0, -1, 0},
    {"mand", MS_MANDLOCK, 0, 0, 0, 0, -1, 0},
    {"nomand", 0, MS_MANDLOCK, 0, 0, 0, -1, 0},
    {"atime", 0, MS_NOATIME, 0, 0, 0, -1, 0},
    {"noatime", MS_NOATIME, 0, 0, 0, 0, -1, 0},
    {"diratime", 0, MS_NODIRATIME, 0, 0, 0, -1, 0},
    {"nodiratime", MS_NODIRATIME, 0, 0, 0, 0, -1, 0},
    {"relatime", MS_RELATIME, 0, 0, 0, 0, -1, 0},
    {"norelatime", 0, MS_RELATIME, 0, 0, 0, -1, 0},
    {"strictatime", MS_STRICTATIME, 0, 0, 0, 0, -1, 0},
    {"nostrictatime", 0, MS_STRICTATIME, 0, 0, 0, -1, 0},
    {"nosymfollow", MS_NOSYMFOLLOW, 0, 0, 0, 0, -1, 0},
    {"symfollow", 0, MS_NOSYMFOLLOW, 0, 0, 0, -1, 0},
    {"defaults", 0, 0, 0, 0, 0, -1, 0},
    {"iversion", MS_I_VERSION, 0, 0, 0, 0, -1, 0},
    {"noiversion", 0, MS_I_VERSION, 0, 0, 0, -1, 0},
    {"lazytime", MS_LAZYTIME, 0, 0, 0, 0, -1, 0},
    {"nolazytime", 0, MS_LAZYTIME, 0, 0, 0, -1, 0},
    {"silent", MS_SILENT, 0, 0, 0, 0, -1, 0},
    {"loud", 0, MS_SILENT, 0, 0, 0, -1, 0},
    {"bind", MS_BIND, 0, 0, 0, 0, -1, 0},
    {"rbind", MS_BIND | MS_REC, 0, 0, 0, 0, -1, 0},
    {"private", 0, 0, MS_PRIVATE, 0, 0, -1, 0},
    {"rprivate", 0, 0, MS_PRIVATE | MS_REC, 0, 0, -1, 0},
    {"shared", 0, 0, MS_SHARED, 0, 0, -1, 0},
    {"rshared", 0, 0, MS_SHARED | MS_REC, 0, 0, -1, 0},
    {"slave", 0, 0, MS_SLAVE, 0, 0, -1, 0},
    {"rslave", 0, 0, MS_SLAVE | MS_REC, 0, 0, -1, 0},
    {"unbindable", 0, 0, MS_UNBINDABLE, 0, 0, -1, 0},
    {"runbindable", 0, 0, MS_UNBINDABLE | MS_REC, 0, 0, -1, 0},
    {"rro", 0, 0, 0, MOUNT_ATTR_RDONLY, 0, -1, 0},
    {"rrw", 0, 0, 0, 0, MOUNT_ATTR_RDONLY, -1, 0},
    {"rnosuid", 0, 0, 0, MOUNT_ATTR_NOSUID, 0, -1, 0},
    {"rsuid", 0, 0, 0, 0, MOUNT_ATTR_NOSUID, -1, 0},
    {"rnodev", 0, 0, 0, MOUNT_ATTR_NODEV, 0, -1, 0},
    {"rdev", 0, 0, 0, 0, MOUNT_ATTR_NODEV, -1, 0},
    {"rnoexec", 0, 0, 0, MOUNT_ATTR_NOEXEC, 0, -1, 0},
    {"rexec", 0, 0, 0, 0, MOUNT_ATTR_NOEXEC, -1, 0},
    {"rnoatime", 0, 0, 0, 0, 0, MOUNT_ATTR_NOATIME, 0},
    {"ratime", 0, 0, 0, 0, 0, MOUNT_ATTR_RELATIME, 0},
    {"rrelatime", 0, 0, 0, 0, 0, MOUNT_ATTR_RELATIME, 0},
    {"rnorelatime", 0, 0, 0, 0, 0, MOUNT_ATTR_STRICTATIME, 0},
    {"rstrictatime", 0, 0, 0, 0, 0, MOUNT_ATTR_STRICTATIME, 0},
    {"rnostrictatime", 0, 0, 0, 0, 0, MOUNT_ATTR_RELATIME, 0},
    {"rnodiratime", 0, 0, 0, MOUNT_ATTR_NODIRATIME, 0, -1, 0},
    {"rdiratime", 0, 0, 0, 0, MOUNT_ATTR_NODIRATIME, -1, 0},
    {"rnosymfollow", 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, 0, -1, 0},
    {"rsymfollow", 0, 0, 0, 0, MOUNT_ATTR_NOSYMFOLLOW, -1, 0},
    {"tmpcopyup", 0, 0, 0, 0, 0, -1, 1},
    {"idmap", 0, 0, 0, 0, 0, -1, 2},
    {"ridmap", 0, 0, 0, 0, 0, -1, 3},
};

static void test_table(void) {
  size_t n = sizeof(table) / sizeof(table[0]);
  for (size_t i = 0; i < n; i++) {
    const struct expect *x = &table[i];
    char *words[] = {(char *)x->word};
    sk_mount_opts o;
    sk_error *err = NULL;
    CHECK(sk_mount_opts_parse(words, 1, &o, &err) == 0, "%s: parse", x->word);
    CHECK(o.flags == x->flags, "%s: flags %#lx", x->word, o.flags);
    CHECK(o.cleared == x->cleared, "%s: cleared %#lx", x->word, o.cleared);
    CHECK(o.propagation == x->prop, "%s: propagation %#lx", x->word, o.propagation);
    CHECK(o.rec_set == x->rec_set, "%s: rec_set %#llx", x->word, (unsigned long long)o.rec_set);
    CHECK(o.rec_clr == x->rec_clr, "%s: rec_clr %#llx", x->word, (unsigned long long)o.rec_clr);
    CHECK(o.rec_atime == x->rec_atime, "%s: rec_atime %d", x->word, o.rec_atime);
    CHECK(o.tmpcopyup == (x->special == 1), "%s: tmpcopyup", x->word);
    CHECK(o.idmap == (x->special >= 2), "%s: idmap", x->word);
    CHECK(o.idmap_recursive == (x->special == 3), "%s: ridmap", x->word);
    CHECK(o.data == NULL && o.unknown == NULL, "%s: data %s", x->word, o.data);
    CHECK(sk_mount_option_known(x->word), "%s: known", x->word);
    sk_mount_opts_clear(&o);
  }
  size_t listed = 0;
  for (const char *const *p = sk_mount_option_names(); *p; p++)
    listed++;
  CHECK(listed == n, "the table lists %zu words, the test %zu", listed, n);
}

static void test_combinations(void) {
  char *words[] = {"nosuid", "size=65536k", "ro", "newinstance", "x-systemd.automount",
                   "rw", "mode=755", "noatime", "relatime", "rbind", "bind"};
  sk_mount_opts o;
  sk_error *err = NULL;
  CHECK(sk_mount_opts_parse(words, sizeof(words) / sizeof(words[0]), &o, &err) == 0, "parse");
  CHECK(o.data && strcmp(o.data, "size=65536k,newinstance,mode=755") == 0, "data %s", o.data);
  CHECK(o.unknown && strcmp(o.unknown, "newinstance") == 0, "unknown %s", o.unknown);
  CHECK((o.flags & MS_RDONLY) == 0 && (o.cleared & MS_RDONLY), "rw after ro wins");
  CHECK((o.flags & (MS_NOATIME | MS_RELATIME)) == MS_RELATIME, "last atime mode wins");
  CHECK(o.atime_given, "atime given");
  CHECK((o.flags & (MS_BIND | MS_REC)) == (MS_BIND | MS_REC), "bind keeps rbind's MS_REC");
  CHECK(sk_ms_to_mount_attr(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW) ==
            (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC |
             MOUNT_ATTR_NOSYMFOLLOW),
        "MS to MOUNT_ATTR");
  sk_mount_opts_clear(&o);
  CHECK(!sk_mount_option_known("foo") && !sk_mount_option_known("size=1"), "unknown words");
}

/* --- paths --- */

static char base[256];

static void mk(const char *rel, const char *linkto) {
  char p[PATH_MAX];
  snprintf(p, sizeof(p), "%s/%s", base, rel);
  if (linkto) {
    if (symlink(linkto, p) < 0)
      perror(p);
  } else if (mkdir(p, 0755) < 0) {
    perror(p);
  }
}

static bool exists(const char *rel) {
  char p[PATH_MAX];
  struct stat st;
  snprintf(p, sizeof(p), "%s/%s", base, rel);
  return lstat(p, &st) == 0;
}

/* The fd must be the same inode as base/rel. */
static bool same(int fd, const char *rel) {
  char p[PATH_MAX];
  struct stat a, b;
  snprintf(p, sizeof(p), "%s/%s", base, rel);
  return fd >= 0 && fstat(fd, &a) == 0 && lstat(p, &b) == 0 && a.st_ino == b.st_ino &&
         a.st_dev == b.st_dev;
}

static void test_paths(int fallback) {
  const char *mode = fallback ? "walk" : "openat2";
  snprintf(base, sizeof(base), "/tmp/skiff-paths-XXXXXX");
  if (mkdtemp(base) == NULL) {
    perror("mkdtemp");
    failed++;
    return;
  }
  char outside[512], abs_out[600];
  mk("root", NULL);
  mk("outside", NULL);
  mk("root/etc", NULL);
  mk("root/usr", NULL);
  mk("root/usr/lib", NULL);
  mk("root/lib", "usr/lib");
  snprintf(outside, sizeof(outside), "%s/outside", base);
  mk("root/abs", outside); /* absolute symlink to a host directory */
  snprintf(abs_out, sizeof(abs_out), "../../../../../../../..%s", outside);
  mk("root/rel", abs_out); /* ../ escape attempt */
  mk("root/etc/up", "../../../../..");
  mk("root/loop1", "loop2");
  mk("root/loop2", "loop1");
  mk("root/dangling", "/newdir/sub");
  char rootp[300];
  snprintf(rootp, sizeof(rootp), "%s/root", base);
  int rootfd = open(rootp, O_PATH | O_DIRECTORY);
  sk_path_force_fallback(fallback);

  int fd = sk_path_open(rootfd, "/lib", SK_PATH_NOCREATE);
  CHECK(same(fd, "root/usr/lib"), "%s: /lib -> usr/lib", mode);
  close(fd);
  fd = sk_path_open(rootfd, "/etc/up/usr/../etc", SK_PATH_NOCREATE);
  CHECK(same(fd, "root/etc"), "%s: .. stops at the root", mode);
  close(fd);
  fd = sk_path_open(rootfd, "/abs/x", SK_PATH_NOCREATE);
  CHECK(fd < 0 && errno == ENOENT, "%s: absolute link does not reach the host", mode);
  fd = sk_path_open(rootfd, "/abs/x/y", SK_PATH_DIR);
  CHECK(fd >= 0, "%s: create through absolute link: %s", mode, strerror(errno));
  close(fd);
  {
    char in[PATH_MAX * 2];
    snprintf(in, sizeof(in), "root%s/x/y", outside);
    CHECK(exists(in), "%s: created inside the root (%s)", mode, in);
  }
  CHECK(!exists("outside/x"), "%s: nothing created outside", mode);
  fd = sk_path_open(rootfd, "/rel/z", SK_PATH_FILE);
  CHECK(fd >= 0, "%s: create a file through a ../ link: %s", mode, strerror(errno));
  struct stat st;
  CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode), "%s: a regular file", mode);
  close(fd);
  CHECK(!exists("outside/z"), "%s: nothing created outside via ../", mode);
  fd = sk_path_open(rootfd, "/loop1", SK_PATH_DIR);
  CHECK(fd < 0 && errno == ELOOP, "%s: symlink loop: %s", mode, strerror(errno));
  fd = sk_path_open(rootfd, "/dangling/file", SK_PATH_FILE);
  CHECK(fd >= 0 && exists("root/newdir/sub/file"), "%s: dangling link target created in root",
        mode);
  close(fd);
  fd = sk_path_open(rootfd, "/newdir/sub/file/x", SK_PATH_DIR);
  CHECK(fd < 0 && errno == ENOTDIR, "%s: file in the middle: %s", mode, strerror(errno));
  fd = sk_path_open(rootfd, "/", SK_PATH_NOCREATE);
  CHECK(same(fd, "root"), "%s: / is the root", mode);
  close(fd);
  char b[NAME_MAX + 1];
  fd = sk_path_open_parent(rootfd, "/abs/dev/fuse", b, sizeof(b));
  CHECK(fd >= 0 && strcmp(b, "fuse") == 0, "%s: parent of /abs/dev/fuse", mode);
  close(fd);
  CHECK(!exists("outside/dev"), "%s: parent created inside", mode);
  fd = sk_path_open_parent(rootfd, "/dev/..", b, sizeof(b));
  CHECK(fd < 0 && errno == EINVAL, "%s: .. as a last component", mode);
  sk_path_force_fallback(0);
  close(rootfd);
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
  if (system(cmd) != 0)
    fprintf(stderr, "cleanup of %s failed\n", base);
}

int main(void) {
  test_table();
  test_combinations();
  test_paths(0);
  test_paths(1);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
