/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `skiff features` (features.md): what this build really supports. Every
 * list here must only grow when the feature is implemented and tested. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "oci_spec.h"
#include "process.h"
#include "simple.h"

static const char usage[] = "Usage: skiff features\n"
                            "Print the features of this runtime as JSON (features.md).\n";

static char *const hooks[] = {NULL};
static char *const namespaces[] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user",
                                   "uts"};
static char *const mount_options[] = {
    "async",     "atime",     "bind",        "defaults",   "dev",        "diratime",
    "dirsync",   "exec",      "mand",        "noatime",    "nodev",      "nodiratime",
    "noexec",    "nomand",    "norelatime",  "nostrictatime", "nosuid",  "nosymfollow",
    "private",   "rbind",     "relatime",    "remount",    "ro",         "rprivate",
    "rshared",   "rslave",    "runbindable", "rw",         "shared",     "slave",
    "strictatime", "suid",    "symfollow",   "sync",       "unbindable",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int cmd_features(const struct sk_global *g, int argc, char **argv) {
  int r = simple_parse("features", usage, argc, argv, NULL, "", NULL);
  if (r != 0)
    return r < 0 ? 0 : r;
  if (!cmd_want_args("features", argc, argv, 0, 0))
    return 1;
  oci_features f = {0};
  f.oci_version_min = "1.0.0";
  f.oci_version_max = OCI_SPEC_VERSION;
  f.hooks = (char **)hooks;
  f.n_hooks = 0;
  f.mount_options = (char **)mount_options;
  f.n_mount_options = N(mount_options);
  f.namespaces = (char **)namespaces;
  f.n_namespaces = N(namespaces);
  const char *const *caps = caps_all_names();
  size_t ncaps = 0;
  while (caps && caps[ncaps])
    ncaps++;
  f.capabilities = (char **)caps;
  f.n_capabilities = ncaps;
  char *json = oci_features_to_json(&f, true);
  if (json == NULL)
    return 1;
  puts(json);
  free(json);
  return 0;
}
