/* SPDX-License-Identifier: GPL-2.0-or-later */
/* skiff: global flags, logging, dispatch to one function per command. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "log.h"
#include "oci_spec.h"
#include "state.h"

static const struct sk_command commands[] = {
    {"checkpoint", "checkpoint a running container (not yet)", NULL, cmd_not_yet},
    {"create", "create a container", NULL, cmd_create},
    {"delete", "delete a container and everything it holds", NULL, cmd_delete},
    {"events", "stream a container's resource usage as JSON", NULL, cmd_events},
    {"exec", "run a new process in a running container", NULL, cmd_exec},
    {"features", "print the features of this runtime", NULL, cmd_features},
    {"kill", "send a signal to a container's init", NULL, cmd_kill},
    {"list", "list containers", NULL, cmd_list},
    {"pause", "freeze a container's processes", NULL, cmd_pause},
    {"ps", "list a container's processes", NULL, cmd_ps},
    {"restore", "restore a checkpointed container (not yet)", NULL, cmd_not_yet},
    {"resume", "thaw a paused container", NULL, cmd_resume},
    {"run", "create and start a container", NULL, cmd_run},
    {"spec", "write a default config.json", NULL, cmd_spec},
    {"start", "run the process of a created container", NULL, cmd_start},
    {"state", "print a container's state", NULL, cmd_state},
    {"update", "change a container's resources", NULL, cmd_update},
};

static void print_version(void) {
  printf("skiff version %s\nspec: %s\n", SKIFF_VERSION, OCI_SPEC_VERSION);
}

static void print_help(void) {
  printf("Usage: skiff [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
         "skiff runs OCI containers (runtime-spec %s) with runc's command line.\n\n"
         "Commands:\n",
         OCI_SPEC_VERSION);
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    printf("  %-11s %s\n", commands[i].name, commands[i].summary);
  printf("\nGlobal options:\n"
         "  --root DIR            state directory (default %s)\n"
         "  --log FILE            write log lines to FILE (errors also go to stderr)\n"
         "  --log-format FORMAT   text (default) or json\n"
         "  --debug               log debug messages\n"
         "  --systemd-cgroup      use the systemd cgroup driver\n"
         "  -v, --version         print the version\n"
         "  -h, --help            show this help\n\n"
         "Run 'skiff COMMAND --help' for a command's options.\n",
         SK_DEFAULT_ROOT);
}

int main(int argc, char **argv) {
  enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_CRIU, OPT_ROOTLESS };
  static const struct option opts[] = {
      {"root", required_argument, NULL, OPT_ROOT},
      {"log", required_argument, NULL, OPT_LOG},
      {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
      {"debug", no_argument, NULL, OPT_DEBUG},
      {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
      {"criu", required_argument, NULL, OPT_CRIU},
      {"rootless", required_argument, NULL, OPT_ROOTLESS},
      {"version", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {0},
  };
  struct sk_global g = {.root = SK_DEFAULT_ROOT};
  const char *log_path = NULL, *log_format = "text";
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
    switch (c) {
    case OPT_ROOT:
      g.root = optarg;
      break;
    case OPT_LOG:
      log_path = optarg;
      break;
    case OPT_LOG_FORMAT:
      log_format = optarg;
      break;
    case OPT_DEBUG:
      g.debug = true;
      break;
    case OPT_SYSTEMD:
      g.systemd_cgroup = true;
      break;
    case OPT_CRIU:
    case OPT_ROOTLESS:
      break; /* accepted for runc compatibility */
    case 'v':
      print_version();
      return 0;
    case 'h':
      print_help();
      return 0;
    default:
      fprintf(stderr, "skiff: unknown global option \"%s\" (see 'skiff --help')\n",
              argv[optind - 1]);
      return 1;
    }
  }
  sk_error *err = NULL;
  if (sk_log_open(log_path, log_format, g.debug, &err) < 0)
    return cmd_fail(&err);
  if (optind >= argc) {
    print_help();
    return 1;
  }
  const char *name = argv[optind];
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
    if (strcmp(commands[i].name, name) != 0)
      continue;
    /* Commands parse from their own name on. */
    int sub_argc = argc - optind;
    char **sub_argv = argv + optind;
    optind = 1;
    opterr = 0;
    return commands[i].run(&g, sub_argc, sub_argv);
  }
  sk_fail(&err, 0, "unknown command \"%s\" (see 'skiff --help')", name);
  return cmd_fail(&err);
}
