/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.md "POSIX-platform Hooks": each hook is run with the container's
 * state JSON on stdin, its own args and env (nothing inherited), and killed
 * when it outlives its timeout. Where they run:
 *   prestart, createRuntime   the runtime, after the namespaces and mounts
 *                             exist, before pivot_root (create)
 *   createContainer           the init, in the container's namespaces,
 *                             before pivot_root (create)
 *   startContainer            the init, after `start`, before execve
 *   poststart                 the runtime, after the process started (start)
 *   poststop                  the runtime, after the container is deleted
 * A failure of any but poststop fails the operation; a failing poststop is
 * a warning. */
#ifndef SKIFF_HOOKS_H
#define SKIFF_HOOKS_H

#include <stddef.h>

#include "error.h"
#include "oci_spec.h"

/* Run hooks[0..n) in order; stop at the first failure, whose message names
 * `kind` and the index: "hooks.createRuntime[1] /bin/x: exited with status
 * 2: <its stderr>". */
int hooks_run(const char *kind, const oci_hook *hooks, size_t n, const char *state_json,
              sk_error **err);

/* Checks made while planning: absolute path, an executable file. */
int hooks_validate(const oci_hooks *h, sk_error **err);

#endif
