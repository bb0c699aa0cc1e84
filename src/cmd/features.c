/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `skiff features` (features.md): what this build really supports. Every
 * list here must only grow when the feature is implemented and tested. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "oci_spec.h"
#include "lsm.h"
#include "mount_options.h"
#include "process.h"
#include "seccomp_filter.h"
#include "simple.h"
#include "util.h"

#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char usage[] = "Usage: skiff features\n"
                            "Print the features of this runtime as JSON (features.md).\n";

static char *const hooks[] = {"prestart",       "createRuntime", "createContainer",
                              "startContainer", "poststart",     "poststop"};
static char *const namespaces[] = {"cgroup", "ipc", "mount", "network", "pid", "time", "user",
                                   "uts"};

#define N(a) (sizeof(a) / sizeof((a)[0]))


/* A flag this kernel knows makes seccomp() fail on the NULL program with
 * EFAULT; an unknown one with EINVAL. */
static size_t supported_seccomp_flags(char **out) {
  static const unsigned long values[] = {1UL << 0, 1UL << 1, 1UL << 2, 1UL << 5};
  size_t n = 0;
  for (size_t i = 0; seccomp_flag_names[i]; i++) {
    unsigned long flags = values[i];
    if (values[i] == (1UL << 5))
      flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, NULL) < 0 && errno == EFAULT)
      out[n++] = (char *)seccomp_flag_names[i];
  }
  return n;
}

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
  f.n_hooks = N(hooks);
  f.mount_options = (char **)sk_mount_option_names();
  f.n_mount_options = sk_strv_length(sk_mount_option_names());
  f.idmap_enabled = true;
  /* The drivers of src/libskiff/cgroup: cgroupfs v1 and v2, systemd (the
   * user instance when rootless), rdma limits. */
  f.cgroup_v1 = f.cgroup_v2 = f.cgroup_systemd = f.cgroup_systemd_user = true;
  f.cgroup_rdma = true;
  f.apparmor_enabled = lsm_apparmor_enabled();
  f.selinux_enabled = lsm_selinux_enabled();
  f.namespaces = (char **)namespaces;
  f.n_namespaces = N(namespaces);
  const char *const *caps = caps_all_names();
  size_t ncaps = 0;
  while (caps && caps[ncaps])
    ncaps++;
  f.capabilities = (char **)caps;
  f.n_capabilities = ncaps;
  f.seccomp_enabled = true;
  f.seccomp_actions = (char **)seccomp_action_names;
  f.n_seccomp_actions = sk_strv_length(seccomp_action_names);
  f.seccomp_operators = (char **)seccomp_operator_names;
  f.n_seccomp_operators = sk_strv_length(seccomp_operator_names);
  f.seccomp_archs = (char **)seccomp_arch_names;
  f.n_seccomp_archs = sk_strv_length(seccomp_arch_names);
  f.seccomp_known_flags = (char **)seccomp_flag_names;
  f.n_seccomp_known_flags = sk_strv_length(seccomp_flag_names);
  char *supported[8];
  f.seccomp_supported_flags = supported;
  f.n_seccomp_supported_flags = supported_seccomp_flags(supported);
  char *json = oci_features_to_json(&f, true);
  if (json == NULL)
    return 1;
  puts(json);
  free(json);
  return 0;
}
