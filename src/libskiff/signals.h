/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SKIFF_SIGNALS_H
#define SKIFF_SIGNALS_H

#include "error.h"

/* "KILL", "SIGKILL", "9", "SIGRTMIN+3" -> number. */
int signal_parse(const char *s, int *sig, sk_error **err);

#endif
