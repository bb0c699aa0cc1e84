/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <signal.h>

#include "cmd.h"
#include "signals.h"
#include "simple.h"

static const char usage[] =
    "Usage: skiff kill [--all] ID [SIGNAL]\n"
    "Send a signal (name or number, default SIGTERM) to the container's init.\n\n"
    "  -a, --all   send it to every process of the container\n";

int cmd_kill(const struct sk_global *g, int argc, char **argv) {
  static const struct option extra[] = {{"all", no_argument, NULL, 'a'}, {0}};
  bool all = false;
  int r = simple_parse("kill", usage, argc, argv, extra, "a", &all);
  if (r != 0)
    return r < 0 ? 0 : r;
  if (!cmd_want_args("kill", argc, argv, 1, 2))
    return 1;
  sk_error *err = NULL;
  int sig = SIGTERM;
  if (argc - optind == 2 && signal_parse(argv[optind + 1], &sig, &err) < 0)
    return cmd_fail(&err);
  if (container_kill(g, argv[optind], sig, all, &err) < 0)
    return cmd_fail(&err);
  return 0;
}
