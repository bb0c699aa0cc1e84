/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's init process, from clone to execve. */
#ifndef SKIFF_INIT_H
#define SKIFF_INIT_H

#include "plan.h"

/* Runs in the cloned child; never returns. Any failure is sent to the
 * parent over `syncfd` and the process exits 1. */
_Noreturn void init_main(const sk_plan *plan, int syncfd, int fifo_rd, int fifo_wr);

#endif
