/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

static const char usage[] =
    "Usage: skiff exec [OPTIONS] ID [COMMAND [ARGS...]]\n"
    "Run a new process in a running container; exits with its status.\n\n"
    "  -p, --process FILE        the process as a config.json \"process\" object\n"
    "  -t, --tty                 allocate a pseudo-terminal\n"
    "      --console-socket S    unix socket to receive the terminal's master fd\n"
    "      --cwd DIR             working directory in the container\n"
    "  -e, --env NAME=VALUE      set an environment variable (repeatable)\n"
    "  -u, --user UID[:GID]      numeric user (and group)\n"
    "  -g, --additional-gids G   an additional numeric group (repeatable)\n"
    "  -c, --cap CAP             add a capability (repeatable; never inheritable)\n"
    "      --no-new-privs        set no_new_privileges\n"
    "      --apparmor PROFILE    AppArmor profile\n"
    "      --process-label L     SELinux label\n"
    "  -d, --detach              return once the process runs\n"
    "      --pid-file FILE       write the process's pid to FILE\n"
    "      --preserve-fds N      pass N fds (from 3) to the process\n"
    "      --cgroup [CTRL:]PATH  an existing sub-cgroup of the container's to run in\n"
    "      --ignore-paused       allow exec into a paused container\n";

/* Append to a NULL-terminated vector. */
static bool push(char ***v, size_t *n, char *s) {
  char **nv = realloc(*v, (*n + 2) * sizeof(char *));
  if (nv == NULL)
    return false;
  nv[(*n)++] = s;
  nv[*n] = NULL;
  *v = nv;
  return true;
}

int cmd_exec(const struct sk_global *g, int argc, char **argv) {
  enum { O_CONSOLE = 256, O_CWD, O_PID, O_LABEL, O_APPARMOR, O_NNP, O_PRESERVE, O_CGROUP,
         O_IGNORE };
  static const struct option opts[] = {
      {"process", required_argument, NULL, 'p'},
      {"tty", no_argument, NULL, 't'},
      {"console-socket", required_argument, NULL, O_CONSOLE},
      {"cwd", required_argument, NULL, O_CWD},
      {"env", required_argument, NULL, 'e'},
      {"user", required_argument, NULL, 'u'},
      {"additional-gids", required_argument, NULL, 'g'},
      {"cap", required_argument, NULL, 'c'},
      {"no-new-privs", no_argument, NULL, O_NNP},
      {"apparmor", required_argument, NULL, O_APPARMOR},
      {"process-label", required_argument, NULL, O_LABEL},
      {"detach", no_argument, NULL, 'd'},
      {"pid-file", required_argument, NULL, O_PID},
      {"preserve-fds", required_argument, NULL, O_PRESERVE},
      {"cgroup", required_argument, NULL, O_CGROUP},
      {"ignore-paused", no_argument, NULL, O_IGNORE},
      {"help", no_argument, NULL, 'h'},
      {0},
  };
  struct sk_exec_opts o = {0};
  size_t n_env = 0, n_caps = 0, n_gids = 0;
  bool ok = true;
  int c, status = 1;
  while (ok && (c = getopt_long(argc, argv, "+p:te:u:g:c:dh", opts, NULL)) != -1) {
    switch (c) {
    case 'p': o.process_file = optarg; break;
    case 't': o.tty = true; break;
    case O_CONSOLE: o.console_socket = optarg; break;
    case O_CWD: o.cwd = optarg; break;
    case 'e': ok = push(&o.env, &n_env, optarg); break;
    case 'u': o.user = optarg; break;
    case 'g': ok = push(&o.additional_gids, &n_gids, optarg); break;
    case 'c': ok = push(&o.caps, &n_caps, optarg); break;
    case O_NNP: o.no_new_privs = true; break;
    case O_APPARMOR: o.apparmor = optarg; break;
    case O_LABEL: o.process_label = optarg; break;
    case 'd': o.detach = true; break;
    case O_PID: o.pid_file = optarg; break;
    case O_CGROUP: o.cgroup = optarg; break;
    case O_IGNORE: o.ignore_paused = true; break;
    case O_PRESERVE:
      if (!cmd_parse_uint(optarg, &o.preserve_fds)) {
        cmd_usage_error("exec", "--preserve-fds: \"%s\" is not a number", optarg);
        goto out;
      }
      break;
    case 'h':
      fputs(usage, stdout);
      status = 0;
      goto out;
    default:
      cmd_usage_error("exec", "unknown option");
      goto out;
    }
  }
  if (!ok || !cmd_want_args("exec", argc, argv, 1, 1 << 20))
    goto out;
  o.id = argv[optind];
  if (argc - optind > 1)
    o.args = argv + optind + 1;
  else if (o.process_file == NULL) {
    cmd_usage_error("exec", "a command is required (or --process FILE)");
    goto out;
  }
  sk_error *err = NULL;
  int exit_status = 0;
  if (container_exec(g, &o, &exit_status, &err) < 0)
    status = cmd_fail(&err);
  else
    status = exit_status;
out:
  free(o.env);
  free(o.caps);
  free(o.additional_gids);
  return status;
}
