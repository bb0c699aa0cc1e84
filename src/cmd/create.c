/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "create_opts.h"

static const char usage[] =
    "Usage: skiff create [OPTIONS] ID\n"
    "Create a container from a bundle; its process waits for `skiff start`.\n\n"
    "  -b, --bundle DIR         bundle directory (default: current directory)\n"
    "      --pid-file FILE      write the init's pid to FILE\n"
    "      --console-socket S   unix socket to receive the terminal's master fd\n"
    "      --no-pivot           use MS_MOVE + chroot instead of pivot_root\n"
    "      --no-new-keyring     keep the caller's session keyring\n"
    "      --preserve-fds N     pass N fds (from 3) to the container process\n"
    "  -h, --help               show this help\n";

int create_opts_parse(const char *command, const char *help, int argc, char **argv,
                      struct sk_plan_opts *o, bool *detach, bool *keep) {
  enum { OPT_PID = 256, OPT_CONSOLE, OPT_NOPIVOT, OPT_NOKEYRING, OPT_PRESERVE, OPT_KEEP };
  static const struct option long_opts[] = {
      {"bundle", required_argument, NULL, 'b'},
      {"pid-file", required_argument, NULL, OPT_PID},
      {"console-socket", required_argument, NULL, OPT_CONSOLE},
      {"no-pivot", no_argument, NULL, OPT_NOPIVOT},
      {"no-new-keyring", no_argument, NULL, OPT_NOKEYRING},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
      {"detach", no_argument, NULL, 'd'},
      {"keep", no_argument, NULL, OPT_KEEP},
      {"help", no_argument, NULL, 'h'},
      {0},
  };
  bool is_run = detach != NULL;
  int c;
  while ((c = getopt_long(argc, argv, is_run ? "+b:dh" : "+b:h", long_opts, NULL)) != -1) {
    switch (c) {
    case 'b':
      o->bundle = optarg;
      break;
    case OPT_PID:
      o->pid_file = optarg;
      break;
    case OPT_CONSOLE:
      o->console_socket = optarg;
      break;
    case OPT_NOPIVOT:
      o->no_pivot = true;
      break;
    case OPT_NOKEYRING:
      o->no_new_keyring = true;
      break;
    case OPT_PRESERVE:
      if (!cmd_parse_uint(optarg, &o->preserve_fds))
        return cmd_usage_error(command, "--preserve-fds: \"%s\" is not a number", optarg);
      break;
    case 'd':
      if (!is_run)
        return cmd_usage_error(command, "unknown option -d");
      *detach = true;
      break;
    case OPT_KEEP:
      if (!is_run)
        return cmd_usage_error(command, "unknown option --keep");
      *keep = true;
      break;
    case 'h':
      fputs(help, stdout);
      return -1;
    default:
      return cmd_usage_error(command, "unknown option");
    }
  }
  if (!cmd_want_args(command, argc, argv, 1, 1))
    return 1;
  o->id = argv[optind];
  return 0;
}

int cmd_create(const struct sk_global *g, int argc, char **argv) {
  struct sk_plan_opts o = {0};
  int r = create_opts_parse("create", usage, argc, argv, &o, NULL, NULL);
  if (r != 0)
    return r < 0 ? 0 : r;
  sk_error *err = NULL;
  if (container_create(g, &o, &err) < 0)
    return cmd_fail(&err);
  return 0;
}
