/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The user namespace of an idmapped mount ("idmap"/"ridmap" with the
 * mount's uidMappings/gidMappings): a short-lived child unshares a user
 * namespace, we write its maps and keep an fd of the namespace, the child
 * exits. The fd goes to mount_setattr(MOUNT_ATTR_IDMAP). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootfs_internal.h"
#include "util.h"

static int write_map(const char *pid, const char *file, const oci_id_mapping *m, size_t n,
                     sk_error **err) {
  char buf[4096], path[64];
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id,
                     m[i].host_id, m[i].size);
    if (w < 0 || (size_t)w >= sizeof(buf) - len)
      return sk_fail(err, E2BIG, "%s", file);
    len += (size_t)w;
  }
  snprintf(path, sizeof(path), "/proc/%s/%s", pid, file);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
    return sk_fail_errno(err, "write %s", file);
  return 0;
}

int sk_idmap_userns(const oci_mount *m, sk_error **err) {
  if (m->n_uid_mappings == 0 || m->n_gid_mappings == 0)
    return sk_fail(err, EINVAL, "idmap needs uidMappings and gidMappings");
  int up[2], down[2];
  if (pipe2(up, O_CLOEXEC) < 0)
    return sk_fail_errno(err, "pipe");
  if (pipe2(down, O_CLOEXEC) < 0) {
    close(up[0]);
    close(up[1]);
    return sk_fail_errno(err, "pipe");
  }
  pid_t pid = fork();
  if (pid < 0) {
    int saved = errno;
    close(up[0]), close(up[1]), close(down[0]), close(down[1]);
    return sk_fail(err, saved, "fork");
  }
  if (pid == 0) {
    /* Only our ends: the read on `down` must see EOF when the parent
     * closes its write end. */
    close(up[0]);
    close(down[1]);
    /* Our pid as the host's /proc knows it (fork() answered in our pid
     * namespace), then the new namespace; wait until the parent is done. */
    char self[32] = "";
    ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
    if (n <= 0 || unshare(CLONE_NEWUSER) < 0)
      _exit(1);
    if (write(up[1], self, (size_t)n) != n)
      _exit(1);
    char b;
    (void)!read(down[0], &b, 1);
    _exit(0);
  }
  close(up[1]);
  close(down[0]);
  char hostpid[32] = "";
  ssize_t n = read(up[0], hostpid, sizeof(hostpid) - 1);
  close(up[0]);
  int fd = -1;
  if (n <= 0) {
    sk_fail(err, ECHILD, "create the user namespace");
  } else if (write_map(hostpid, "uid_map", m->uid_mappings, m->n_uid_mappings, err) == 0 &&
             write_map(hostpid, "gid_map", m->gid_mappings, m->n_gid_mappings, err) == 0) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%s/ns/user", hostpid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      sk_fail_errno(err, "open %s", path);
  }
  close(down[1]); /* the child's read returns: it exits */
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return fd;
}
