/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "keyring.h"

#include <linux/keyctl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int sk_join_session_keyring(const char *id, sk_error **err) {
  char name[300];
  snprintf(name, sizeof(name), "_ses.%s", id);
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0 && errno != ENOSYS &&
      errno != EPERM && errno != EACCES)
    return sk_fail_errno(err, "join a new session keyring");
  return 0;
}
