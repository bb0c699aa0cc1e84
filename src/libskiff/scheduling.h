/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How the container's process is scheduled: process.scheduler
 * (sched_setattr, every policy and flag of the spec, SCHED_DEADLINE
 * included), process.ioPriority (ioprio_set), linux.personality and
 * linux.memoryPolicy (set_mempolicy). Names are checked while planning; the
 * init applies them before it gives up its capabilities (a real-time policy
 * needs CAP_SYS_NICE, an RT io class CAP_SYS_ADMIN). */
#ifndef SKIFF_SCHEDULING_H
#define SKIFF_SCHEDULING_H

#include "error.h"
#include "plan.h"

int sched_validate(const sk_plan *plan, sk_error **err);
int sched_apply(const sk_plan *plan, sk_error **err);

#endif
