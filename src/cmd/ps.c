/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `skiff ps`: the pids of the container's cgroup; as a table, the lines of
 * ps(1) (with the given options, default -ef) for those pids, as runc
 * does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "oci_json.h"
#include "util.h"

static const char usage[] =
    "Usage: skiff ps [--format table|json] ID [PS OPTIONS]\n"
    "List the processes of a container.\n\n"
    "  -f, --format FORMAT  table (default: ps(1) output) or json (an array of pids)\n";

static bool has_pid(const pid_t *pids, size_t n, long pid) {
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Run ps with `args`, print the header and the lines of our pids. */
static int print_table(char **args, int nargs, const pid_t *pids, size_t n) {
  char **argv = calloc((size_t)nargs + 3, sizeof(char *));
  if (argv == NULL)
    return 1;
  argv[0] = "ps";
  if (nargs == 0)
    argv[1] = "-ef";
  for (int i = 0; i < nargs; i++)
    argv[1 + i] = args[i];
  int fds[2];
  if (pipe(fds) < 0) {
    free(argv);
    return 1;
  }
  pid_t child = fork();
  if (child == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execvp("ps", argv);
    _exit(127);
  }
  free(argv);
  close(fds[1]);
  FILE *f = fdopen(fds[0], "r");
  char *line = NULL;
  size_t cap = 0;
  int pid_col = -1, status = 0;
  for (bool header = true; f && getline(&line, &cap, f) > 0; header = false) {
    _cleanup_free_ char *copy = strdup(line);
    char *save = NULL, *tok = strtok_r(copy, " \t\n", &save);
    if (header) {
      for (int col = 0; tok; col++, tok = strtok_r(NULL, " \t\n", &save))
        if (strcmp(tok, "PID") == 0)
          pid_col = col;
      fputs(line, stdout);
      continue;
    }
    for (int col = 0; tok && col < pid_col; col++)
      tok = strtok_r(NULL, " \t\n", &save);
    if (tok && has_pid(pids, n, strtol(tok, NULL, 10)))
      fputs(line, stdout);
  }
  free(line);
  if (f)
    fclose(f);
  waitpid(child, &status, 0);
  if (pid_col < 0) {
    fprintf(stderr, "skiff: ps: no PID column in the output of ps\n");
    return 1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int cmd_ps(const struct sk_global *g, int argc, char **argv) {
  static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0}};
  bool json = false;
  int c;
  while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
    if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
      json = strcmp(optarg, "json") == 0;
    else if (c == 'f')
      return cmd_usage_error("ps", "--format: unknown format \"%s\" (table or json)", optarg);
    else if (c == 'h') {
      fputs(usage, stdout);
      return 0;
    } else
      return cmd_usage_error("ps", "unknown option");
  }
  if (!cmd_want_args("ps", argc, argv, 1, 1000))
    return 1;
  sk_error *err = NULL;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (container_pids(g, argv[optind], &pids, &n, &err) < 0)
    return cmd_fail(&err);
  if (!json)
    return print_table(argv + optind + 1, argc - optind - 1, pids, n);
  oci_json_writer *w = oci_jw_new(false);
  oci_jw_begin_array(w);
  for (size_t i = 0; i < n; i++)
    oci_jw_int(w, pids[i]);
  oci_jw_end_array(w);
  char *doc = oci_jw_finish(w);
  if (doc)
    puts(doc);
  free(doc);
  return 0;
}
