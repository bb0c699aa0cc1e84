/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "simple.h"

static const char pause_usage[] = "Usage: skiff pause ID\n"
                                  "Freeze every process of a running container.\n";
static const char resume_usage[] = "Usage: skiff resume ID\n"
                                   "Thaw a paused container.\n";

static int pause_or_resume(const struct sk_global *g, int argc, char **argv, bool pause) {
  const char *name = pause ? "pause" : "resume";
  int r = simple_parse(name, pause ? pause_usage : resume_usage, argc, argv, NULL, "", NULL);
  if (r != 0)
    return r < 0 ? 0 : r;
  if (!cmd_want_args(name, argc, argv, 1, 1))
    return 1;
  sk_error *err = NULL;
  if (container_pause(g, argv[optind], pause, &err) < 0)
    return cmd_fail(&err);
  return 0;
}

int cmd_pause(const struct sk_global *g, int argc, char **argv) {
  return pause_or_resume(g, argc, argv, true);
}

int cmd_resume(const struct sk_global *g, int argc, char **argv) {
  return pause_or_resume(g, argc, argv, false);
}
