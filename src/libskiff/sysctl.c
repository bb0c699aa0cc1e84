/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sysctl.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "procfs.h"
#include "util.h"

static const char *const ipc_keys[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
                                       "kernel.sem",    "kernel.shmall", "kernel.shmmax",
                                       "kernel.shmmni", "kernel.shm_rmid_forced", NULL};

static bool in_list(const char *key, const char *const *list) {
  for (size_t i = 0; list[i]; i++)
    if (strcmp(list[i], key) == 0)
      return true;
  return false;
}

static bool same_ns_as_ours(const char *path, const char *kind) {
  static const struct {
    const char *kind, *proc;
  } names[] = {{"network", "net"}, {"ipc", "ipc"}, {"uts", "uts"}};
  for (size_t i = 0; i < SK_ARRAY_SIZE(names); i++) {
    if (strcmp(names[i].kind, kind) != 0)
      continue;
    char ours[64];
    struct stat a, b;
    snprintf(ours, sizeof(ours), "/proc/self/ns/%s", names[i].proc);
    return stat(path, &a) == 0 && stat(ours, &b) == 0 && a.st_ino == b.st_ino &&
           a.st_dev == b.st_dev;
  }
  return false;
}

static int check_key(const sk_plan *plan, const char *name, sk_error **err) {
  if (name[0] == '\0' || name[0] == '/' || strstr(name, "..") != NULL)
    return sk_fail(err, 0, "linux.sysctl[\"%s\"]: not a valid sysctl name", name);
  /* sysctl_apply takes "net/ipv4/ip_forward" as sysctl(8) does: classify
   * the dotted form. */
  char key[256];
  if (snprintf(key, sizeof(key), "%s", name) >= (int)sizeof(key))
    return sk_fail(err, ENAMETOOLONG, "linux.sysctl[\"%s\"]", name);
  for (char *p = key; *p; p++)
    if (*p == '/')
      *p = '.';
  const char *need = NULL;
  enum sk_ns_kind kind = SK_NS_COUNT;
  if (in_list(key, ipc_keys) || strncmp(key, "fs.mqueue.", 10) == 0) {
    kind = SK_NS_IPC;
    need = "an ipc namespace";
  } else if (strncmp(key, "net.", 4) == 0) {
    kind = SK_NS_NET;
    need = "a network namespace";
  } else if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0) {
    kind = SK_NS_UTS;
    need = "a uts namespace";
  } else {
    return sk_fail(err, 0,
                   "linux.sysctl[\"%s\"]: not a namespaced sysctl: setting it would change the "
                   "host",
                   name);
  }
  if (!plan->ns[kind].wanted)
    return sk_fail(err, 0, "linux.sysctl[\"%s\"]: requires %s in linux.namespaces", name, need);
  /* A namespace joined by path is somebody else's, allowed as runc does,
   * unless it is the host's own. */
  if (plan->ns[kind].path && same_ns_as_ours(plan->ns[kind].path, sk_ns_name(kind)))
    return sk_fail(err, 0, "linux.sysctl[\"%s\"]: the %s namespace %s is the host's", name,
                   sk_ns_name(kind), plan->ns[kind].path);
  return 0;
}

int sysctl_validate(const sk_plan *plan, sk_error **err) {
  const oci_map *m = &plan->config->linux_->sysctl;
  for (size_t i = 0; i < m->len; i++)
    if (check_key(plan, m->keys[i], err) < 0)
      return -1;
  return 0;
}

int sysctl_apply(const sk_plan *plan, sk_error **err) {
  const oci_map *m = &plan->config->linux_->sysctl;
  for (size_t i = 0; i < m->len; i++) {
    char path[512];
    int n = snprintf(path, sizeof(path), "sys/%s", m->keys[i]);
    if (n < 0 || (size_t)n >= sizeof(path))
      return sk_fail(err, ENAMETOOLONG, "linux.sysctl[\"%s\"]", m->keys[i]);
    /* net.ipv4.ip_forward -> sys/net/ipv4/ip_forward (a key may already
     * use slashes, as sysctl(8) accepts). */
    for (char *p = path + 4; *p; p++)
      if (*p == '.')
        *p = '/';
    if (procfs_write("/proc", path, m->values[i], err) < 0)
      return sk_wrap(err, "linux.sysctl[\"%s\"]", m->keys[i]);
  }
  return 0;
}
