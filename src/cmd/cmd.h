/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One function per command; each parses its own flags (runc's names) and
 * returns the process exit status. */
#ifndef SKIFF_CMD_H
#define SKIFF_CMD_H

#include <getopt.h>
#include <stdbool.h>

#include "container.h"
#include "error.h"

struct sk_command {
  const char *name;
  const char *summary;
  const char *usage; /* flags, one per line */
  int (*run)(const struct sk_global *g, int argc, char **argv);
};

int cmd_create(const struct sk_global *g, int argc, char **argv);
int cmd_start(const struct sk_global *g, int argc, char **argv);
int cmd_run(const struct sk_global *g, int argc, char **argv);
int cmd_state(const struct sk_global *g, int argc, char **argv);
int cmd_kill(const struct sk_global *g, int argc, char **argv);
int cmd_delete(const struct sk_global *g, int argc, char **argv);
int cmd_list(const struct sk_global *g, int argc, char **argv);
int cmd_spec(const struct sk_global *g, int argc, char **argv);
int cmd_features(const struct sk_global *g, int argc, char **argv);
int cmd_pause(const struct sk_global *g, int argc, char **argv);
int cmd_resume(const struct sk_global *g, int argc, char **argv);
int cmd_ps(const struct sk_global *g, int argc, char **argv);
int cmd_update(const struct sk_global *g, int argc, char **argv);
int cmd_events(const struct sk_global *g, int argc, char **argv);
int cmd_exec(const struct sk_global *g, int argc, char **argv);
int cmd_not_yet(const struct sk_global *g, int argc, char **argv);

/* Report an error (log + stderr) and return exit status 1. */
int cmd_fail(sk_error **err);
/* Usage error: "<command>: <msg>" plus a hint; returns 1. */
int cmd_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* `--help` handling: prints the command's usage, returns true if it did. */
bool cmd_print_help(const char *command);
/* Strict non-negative int parse. */
bool cmd_parse_uint(const char *s, int *out);
/* Exactly `n` positional arguments left after getopt, else usage error. */
bool cmd_want_args(const char *command, int argc, char **argv, int min, int max);

#endif
