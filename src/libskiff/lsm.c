/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lsm.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"
#include "util.h"

bool lsm_apparmor_enabled(void) {
  char c = 0;
  _cleanup_close_ int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

bool lsm_selinux_enabled(void) { return access("/sys/fs/selinux/enforce", F_OK) == 0; }

int lsm_validate(const oci_process *p, sk_error **err) {
  if (p->apparmor_profile && p->apparmor_profile[0] && !lsm_apparmor_enabled())
    return sk_fail(err, 0,
                   "process.apparmorProfile \"%s\": AppArmor is not enabled on this host",
                   p->apparmor_profile);
  if (p->selinux_label && p->selinux_label[0] && !lsm_selinux_enabled())
    return sk_fail(err, 0, "process.selinuxLabel \"%s\": SELinux is not enabled on this host",
                   p->selinux_label);
  return 0;
}

int lsm_apply(const oci_process *p, sk_error **err) {
  /* /proc/self is a symlink, which the verified lookup refuses: name our
   * pid as the container's procfs sees it. */
  char path[64];
  pid_t pid = getpid();
  if (p->apparmor_profile && p->apparmor_profile[0]) {
    _cleanup_free_ char *value = NULL;
    if (asprintf(&value, "exec %s", p->apparmor_profile) < 0)
      return sk_fail(err, ENOMEM, "process.apparmorProfile");
    snprintf(path, sizeof(path), "%d/attr/apparmor/exec", pid);
    sk_error *first = NULL;
    if (procfs_write("/proc", path, value, &first) < 0) {
      /* kernels before 5.8 have only the shared attr/exec */
      snprintf(path, sizeof(path), "%d/attr/exec", pid);
      if (procfs_write("/proc", path, value, err) < 0) {
        sk_error_free(&first);
        return sk_wrap(err, "process.apparmorProfile \"%s\"", p->apparmor_profile);
      }
    }
    sk_error_free(&first);
  }
  if (p->selinux_label && p->selinux_label[0]) {
    snprintf(path, sizeof(path), "%d/attr/exec", pid);
    if (procfs_write("/proc", path, p->selinux_label, err) < 0)
      return sk_wrap(err, "process.selinuxLabel \"%s\"", p->selinux_label);
  }
  return 0;
}
