/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SKIFF_SIGNALS_H
#define SKIFF_SIGNALS_H

#include "error.h"

#include <signal.h>

/* Block every signal but the synchronous faults, and put them in *set:
 * a foreground run/exec receives them (sigwaitinfo or signalfd) and
 * forwards them to the container's process. */
void signals_block_forwardable(sigset_t *set);

/* "KILL", "SIGKILL", "9", "SIGRTMIN+3" -> number. */
int signal_parse(const char *s, int *sig, sk_error **err);

#endif
