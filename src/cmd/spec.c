/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "oci_spec.h"
#include "util.h"

static const char usage[] =
    "Usage: skiff spec [--bundle DIR] [--rootless]\n"
    "Write a default config.json into the bundle directory.\n\n"
    "  -b, --bundle DIR   where to write it (default: current directory)\n"
    "      --rootless     a config for an unprivileged user (user namespace)\n";

int cmd_spec(const struct sk_global *g, int argc, char **argv) {
  static const struct option opts[] = {{"bundle", required_argument, NULL, 'b'},
                                       {"rootless", no_argument, NULL, 'r'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0}};
  const char *bundle = ".";
  bool rootless = false;
  int c;
  while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
    if (c == 'b')
      bundle = optarg;
    else if (c == 'r')
      rootless = true;
    else if (c == 'h') {
      fputs(usage, stdout);
      return 0;
    } else
      return cmd_usage_error("spec", "unknown option");
  }
  if (!cmd_want_args("spec", argc, argv, 0, 0))
    return 1;
  sk_error *err = NULL;
  oci_config *cfg = oci_config_new_default(rootless, getuid(), getgid());
  char *json = cfg ? oci_config_to_json(cfg, true) : NULL;
  if (cfg)
    oci_config_free(cfg);
  if (json == NULL) {
    sk_fail(&err, ENOMEM, "spec");
    return cmd_fail(&err);
  }
  _cleanup_free_ char *path = NULL;
  if (asprintf(&path, "%s/config.json", bundle) < 0)
    path = NULL;
  int fd = path ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
  if (fd < 0) {
    free(json);
    if (errno == EEXIST)
      sk_fail(&err, 0, "spec: %s already exists: remove it first", path);
    else
      sk_fail_errno(&err, "spec: create %s", path ? path : "config.json");
    return cmd_fail(&err);
  }
  int r = sk_write_all(fd, json, strlen(json), &err);
  if (r == 0)
    r = sk_write_all(fd, "\n", 1, &err);
  close(fd);
  free(json);
  if (r < 0) {
    sk_wrap(&err, "spec: %s", path);
    return cmd_fail(&err);
  }
  return 0;
}
