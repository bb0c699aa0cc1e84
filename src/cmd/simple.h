/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef SKIFF_CMD_SIMPLE_H
#define SKIFF_CMD_SIMPLE_H
/* Parse the flags of a command that takes only --help and `short_bools`
 * (e.g. "f" for --force): `flags` receives one bool per letter. Returns 0 to
 * go on, -1 after help, or an exit status. */
#include <getopt.h>
#include <stdbool.h>
int simple_parse(const char *command, const char *help, int argc, char **argv,
                 const struct option *extra, const char *shorts, bool *flags);
#endif
