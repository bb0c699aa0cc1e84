/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SKIFF_CREATE_OPTS_H
#define SKIFF_CREATE_OPTS_H
#include <stdbool.h>

#include "plan.h"

/* The flags `create` and `run` share (run: detach and keep non-NULL).
 * Returns 0 to go on, -1 after printing help, or an exit status. */
int create_opts_parse(const char *command, const char *help, int argc, char **argv,
                      struct sk_plan_opts *o, bool *detach, bool *keep);
#endif
