/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd.h"
#include "create_opts.h"

static const char usage[] =
    "Usage: skiff run [OPTIONS] ID\n"
    "Create and start a container. In the foreground, exits with the container\n"
    "process's status (128+N when killed by signal N) and deletes it.\n\n"
    "  -b, --bundle DIR         bundle directory (default: current directory)\n"
    "  -d, --detach             return once the container runs\n"
    "      --keep               do not delete the container when it exits\n"
    "      --pid-file FILE      write the init's pid to FILE\n"
    "      --console-socket S   unix socket to receive the terminal's master fd\n"
    "      --no-pivot           use MS_MOVE + chroot instead of pivot_root\n"
    "      --no-new-keyring     keep the caller's session keyring\n"
    "      --preserve-fds N     pass N fds (from 3) to the container process\n"
    "  -h, --help               show this help\n";

int cmd_run(const struct sk_global *g, int argc, char **argv) {
  struct sk_plan_opts o = {0};
  bool detach = false, keep = false;
  int r = create_opts_parse("run", usage, argc, argv, &o, &detach, &keep);
  if (r != 0)
    return r < 0 ? 0 : r;
  sk_error *err = NULL;
  int status = 0;
  if (container_run(g, &o, detach, keep, &status, &err) < 0) {
    cmd_fail(&err);
    return status ? status : 1;
  }
  return status;
}
