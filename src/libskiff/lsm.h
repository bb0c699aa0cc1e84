/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.apparmorProfile and process.selinuxLabel: the label the user
 * process gets at execve, written to /proc/<pid>/attr through a verified
 * procfs handle. Asking for an LSM the host does not run is a config error
 * (a silently unconfined container is worse than one that does not start). */
#ifndef SKIFF_LSM_H
#define SKIFF_LSM_H

#include <stdbool.h>

#include "error.h"
#include "oci_spec.h"

bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);
int lsm_validate(const oci_process *p, sk_error **err);
/* In the init after pivot_root (the container's /proc). */
int lsm_apply(const oci_process *p, sk_error **err);

#endif
