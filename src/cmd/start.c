/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "simple.h"

static const char usage[] = "Usage: skiff start ID\n"
                            "Run the process of a created container.\n";

int cmd_start(const struct sk_global *g, int argc, char **argv) {
  int r = simple_parse("start", usage, argc, argv, NULL, "", NULL);
  if (r != 0)
    return r < 0 ? 0 : r;
  if (!cmd_want_args("start", argc, argv, 1, 1))
    return 1;
  sk_error *err = NULL;
  if (container_start(g, argv[optind], &err) < 0)
    return cmd_fail(&err);
  return 0;
}
