/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The attributes of the container's process (config.md "process"), applied
 * by the init process after pivot_root, in this order:
 *   process_find_executable  (PATH lookup of args[0] with the container's PATH)
 *   process_apply            (rlimits, oomScoreAdj, umask, groups, gid, uid,
 *                             capabilities, noNewPrivileges, cwd)
 * then the init waits for `start` and calls execve itself. */
#ifndef SKIFF_PROCESS_H
#define SKIFF_PROCESS_H

#include <stdbool.h>

#include "error.h"
#include "oci_spec.h"

/* Resolve args[0]: as given when it contains a '/', else the first
 * executable match in the PATH of process.env (default
 * "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").
 * Not found: "exec: \"foo\": executable file not found in $PATH" (runc's
 * words, which engines match on). */
int process_find_executable(const oci_process *p, char **path, sk_error **err);

/* Everything of `p` that changes this process, up to (not including) execve
 * and seccomp. `in_userns`: we are root in a new user namespace (setgroups
 * may be denied there; skip it when additionalGids is empty). */
int process_apply(const oci_process *p, bool in_userns, sk_error **err);

/* Capability name <-> number, for config checks and `features`. */
int caps_from_name(const char *name); /* -1 when no kernel has it */
/* NULL-terminated list of every capability name this libcap knows. */
const char *const *caps_all_names(void);

#endif
