/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The attributes of the container's process (config.md "process"), applied
 * by the init process after pivot_root:
 *   process_find_executable  (PATH lookup of args[0] with the container's PATH)
 *   process_apply            (rlimits, oomScoreAdj, umask, bounding set,
 *                             groups, gid, uid, capabilities, cwd,
 *                             noNewPrivileges; process.c explains the order)
 * then the init waits for `start` and calls execve itself.
 *
 * Implementation: process.c (lookup, identity, cwd, the order), rlimits.c,
 * caps.c (libcap). */
#ifndef SKIFF_PROCESS_H
#define SKIFF_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "oci_spec.h"

/* Resolve args[0]: as given when it contains a '/', else the first
 * executable match in the PATH of process.env (default
 * "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").
 * Not found: "exec: \"foo\": executable file not found in $PATH" (runc's
 * words, which engines match on). A relative args[0] ("./x") or relative
 * PATH entry is taken relative to process.cwd, so the result does not depend
 * on whether process_apply has already changed directory. *path is malloc'd. */
int process_find_executable(const oci_process *p, char **path, sk_error **err);

/* Everything of `p` that changes this process, up to (not including) execve
 * and seccomp. `in_userns`: we are root in a new user namespace (setgroups
 * may be denied there; skip it when additionalGids is empty). The whole
 * config is checked (rlimit and capability names, cwd) before anything is
 * changed. */
int process_apply(const oci_process *p, bool in_userns, sk_error **err);

/* Capability name <-> number, for config checks and `features`. Names are
 * the spec's ("CAP_SYS_ADMIN"), matched exactly. */
int caps_from_name(const char *name); /* -1 when no kernel has it */
/* NULL-terminated list of every capability name this libcap knows. */
const char *const *caps_all_names(void);
/* Highest capability number of the running kernel
 * (/proc/sys/kernel/cap_last_cap, else probed). */
int caps_kernel_last(void);

/* rlimit name ("RLIMIT_NOFILE") -> RLIMIT_* resource; -1 when unknown. */
int rlimit_from_name(const char *name);

/* The steps of process_apply, for its files (and tests). */

/* process.capabilities as bit masks (bit n = capability n); capabilities
 * this kernel lacks are left out. */
typedef struct sk_caps {
  uint64_t bounding, effective, permitted, inheritable, ambient;
} sk_caps;
/* `c` NULL (no capabilities object): every set empty, as runc does. Unknown
 * name: error; known to libcap but not to this kernel: warning on stderr. */
int caps_parse(const oci_capabilities *c, sk_caps *out, sk_error **err);
/* PR_CAPBSET_DROP every capability not in `keep` (needs CAP_SETPCAP). */
int caps_apply_bounding(uint64_t keep, sk_error **err);
/* Effective/permitted/inheritable (capset), then the ambient set. */
int caps_apply_sets(const sk_caps *caps, sk_error **err);

/* Check process.rlimits (known names, soft <= hard, no duplicates). */
int rlimits_check(const oci_process *p, sk_error **err);
int rlimits_apply(const oci_process *p, sk_error **err);

#endif
