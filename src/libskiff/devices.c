/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Device nodes of the container: the default set (config-linux.md "Default
 * Devices"), linux.devices, the /dev symlinks and /dev/ptmx.
 *
 * Each node is made with mknodat() in its resolved parent directory, so the
 * last component is never followed. In a user namespace mknod of a device
 * is denied (CAP_MKNOD counts only in the initial namespace): the host's
 * node is bind-mounted onto an empty file instead, as runc does. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "paths.h"
#include "rootfs_internal.h"
#include "util.h"

struct node {
  const char *path;
  mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
  unsigned major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

static const struct node default_nodes[] = {
    {"/dev/null", S_IFCHR, 1, 3, 0666, 0, 0},
    {"/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0},
    {"/dev/full", S_IFCHR, 1, 7, 0666, 0, 0},
    {"/dev/random", S_IFCHR, 1, 8, 0666, 0, 0},
    {"/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0},
    {"/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0},
};

/* Called with umask 0: the node gets exactly fileMode. */
static int make_node(int dir, const char *base, const struct node *n, sk_error **err) {
  int r = mknodat(dir, base, n->type | (n->mode & 07777), makedev(n->major, n->minor));
  if (r < 0 && errno == EEXIST) {
    /* The image has something there: replace it (unlinkat does not follow;
     * a directory stays and the mknod fails). */
    if (unlinkat(dir, base, 0) == 0)
      r = mknodat(dir, base, n->type | (n->mode & 07777), makedev(n->major, n->minor));
    else
      errno = EEXIST;
  }
  if (r < 0)
    return sk_fail_errno(err, "mknod");
  if (fchownat(dir, base, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return sk_fail_errno(err, "chown %u:%u", n->uid, n->gid);
  return 0;
}

static int bind_node(int dir, const char *base, const struct node *n, sk_error **err) {
  _cleanup_close_ int tree = sk_tree_clone(AT_FDCWD, n->path, false);
  if (tree < 0)
    return sk_fail_errno(err, "bind the host's %s", n->path);
  _cleanup_close_ int target = openat(dir, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
  if (target < 0 && errno == EEXIST) {
    /* Mount over whatever non-symlink is there already. */
    target = openat(dir, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (target >= 0 && fstat(target, &st) == 0 && S_ISLNK(st.st_mode)) {
      close(target);
      target = -1;
      errno = ELOOP;
    }
  }
  if (target < 0)
    return sk_fail_errno(err, "create the mount point");
  struct sk_tree_attrs a = {0};
  const char *what;
  if (sk_tree_attach(tree, target, &a, &what) < 0)
    return sk_fail_errno(err, "bind the host's %s: %s", n->path, what);
  return 0;
}

/* `devfd`: the container's /dev, resolved once; a node directly in it (all
 * the default ones) needs no resolution of its own. */
static int create_node(int rootfd, int devfd, const struct node *n, bool userns,
                       sk_error **err) {
  char base[NAME_MAX + 1];
  _cleanup_close_ int own = -1;
  int dir = devfd;
  const char *name = n->path + 5;
  if (strncmp(n->path, "/dev/", 5) != 0 || strchr(name, '/') != NULL || name[0] == '\0' ||
      strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
    dir = own = sk_path_open_parent(rootfd, n->path, base, sizeof(base));
    if (dir < 0)
      return sk_fail_errno(err, "parent directory");
    name = base;
  }
  /* A fifo needs no privilege: mknod works in a user namespace too. */
  if (userns && n->type != S_IFIFO)
    return bind_node(dir, name, n, err);
  return make_node(dir, name, n, err);
}

static int node_from_config(const oci_device *d, struct node *n, sk_error **err) {
  if (d->path == NULL || d->path[0] != '/')
    return sk_fail(err, EINVAL, "path must be absolute");
  if (d->type == NULL || d->type[1] != '\0')
    return sk_fail(err, EINVAL, "type must be one of c b u p");
  switch (d->type[0]) {
  case 'c':
  case 'u':
    n->type = S_IFCHR;
    break;
  case 'b':
    n->type = S_IFBLK;
    break;
  case 'p':
    n->type = S_IFIFO;
    break;
  default:
    return sk_fail(err, EINVAL, "type must be one of c b u p, not \"%s\"", d->type);
  }
  if (n->type != S_IFIFO && (!d->has_major || !d->has_minor))
    return sk_fail(err, EINVAL, "a \"%s\" device needs major and minor", d->type);
  n->path = d->path;
  n->major = n->type == S_IFIFO ? 0 : (unsigned)d->major;
  n->minor = n->type == S_IFIFO ? 0 : (unsigned)d->minor;
  n->mode = d->has_file_mode ? d->file_mode : 0666;
  n->uid = d->has_uid ? d->uid : 0;
  n->gid = d->has_gid ? d->gid : 0;
  return 0;
}

static bool configured(const oci_linux *lx, const char *path) {
  for (size_t i = 0; lx != NULL && i < lx->n_devices; i++)
    if (lx->devices[i].path != NULL && strcmp(lx->devices[i].path, path) == 0)
      return true;
  return false;
}

static int dev_symlinks(int dev, bool keep_ptmx, sk_error **err) {
  static const char *const links[][2] = {
      {"fd", "/proc/self/fd"},
      {"stdin", "/proc/self/fd/0"},
      {"stdout", "/proc/self/fd/1"},
      {"stderr", "/proc/self/fd/2"},
  };
  for (size_t i = 0; i < SK_ARRAY_SIZE(links); i++)
    if (symlinkat(links[i][1], dev, links[i][0]) < 0 && errno != EEXIST)
      return sk_fail_errno(err, "/dev/%s: symlink", links[i][0]);
  if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 &&
      errno != EEXIST)
    return sk_fail_errno(err, "/dev/core: symlink");
  /* /dev/ptmx must be the multiplexer of the container's own devpts
   * instance (mounted with newinstance), whatever the image had there,
   * unless linux.devices asks for a /dev/ptmx node. */
  if (keep_ptmx)
    return 0;
  if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
    return sk_fail_errno(err, "/dev/ptmx: remove");
  if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
    return sk_fail_errno(err, "/dev/ptmx: symlink");
  return 0;
}

static int create_all(const sk_plan *plan, int rootfd, int devfd, sk_error **err) {
  const oci_linux *lx = plan->config->linux_;
  bool userns = sk_plan_has_userns(plan);
  for (size_t i = 0; i < SK_ARRAY_SIZE(default_nodes); i++) {
    const struct node *n = &default_nodes[i];
    if (!configured(lx, n->path) && create_node(rootfd, devfd, n, userns, err) < 0)
      return sk_wrap(err, "default device %s", n->path);
  }
  for (size_t i = 0; lx != NULL && i < lx->n_devices; i++) {
    struct node n;
    if (node_from_config(&lx->devices[i], &n, err) < 0 ||
        create_node(rootfd, devfd, &n, userns, err) < 0)
      return sk_wrap(err, "linux.devices[%zu] %s", i,
                     lx->devices[i].path ? lx->devices[i].path : "");
  }
  return dev_symlinks(devfd, configured(lx, "/dev/ptmx"), err);
}

int rootfs_create_devices(const sk_plan *plan, int rootfd, sk_error **err) {
  _cleanup_close_ int devfd = sk_path_open(rootfd, "/dev", SK_PATH_DIR);
  if (devfd < 0)
    return sk_fail_errno(err, "/dev");
  mode_t old = umask(0); /* nodes get exactly their fileMode */
  int r = create_all(plan, rootfd, devfd, err);
  umask(old);
  return r;
}
