/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.sysctl: only keys that belong to a namespace the container has its
 * own copy of are allowed (as runc): ipc keys with an ipc namespace, net.*
 * with a network namespace, kernel.hostname/domainname with a uts one.
 * Anything else would change the host and is refused while planning. */
#ifndef SKIFF_SYSCTL_H
#define SKIFF_SYSCTL_H

#include "error.h"
#include "plan.h"

int sysctl_validate(const sk_plan *plan, sk_error **err);
/* In the init, in its namespaces, before pivot_root (through the host's
 * /proc, which reflects the namespaces of the writer). */
int sysctl_apply(const sk_plan *plan, sk_error **err);

#endif
