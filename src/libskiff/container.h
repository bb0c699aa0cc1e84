/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container lifecycle (runtime.md "Operations"): the only place that
 * knows the order of the phases. */
#ifndef SKIFF_CONTAINER_H
#define SKIFF_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "cgroup/cgroup.h"
#include "plan.h"
#include "state.h"

struct sk_global {
  const char *root;
  bool systemd_cgroup;
  bool debug;
};

/* The cgroup options of a planned container. */
struct sk_cgroup_opts plan_cgroup_opts(const sk_plan *plan);

int container_create(const struct sk_global *g, const struct sk_plan_opts *o, sk_error **err);
int container_start(const struct sk_global *g, const char *id, sk_error **err);
/* create + start; in the foreground waits for the process, forwarding
 * signals to it, and returns its status as a shell would (128+N for signal
 * N) in *exit_status; deletes the container afterwards unless `keep`. */
int container_run(const struct sk_global *g, const struct sk_plan_opts *o, bool detach,
                  bool keep, int *exit_status, sk_error **err);
int container_kill(const struct sk_global *g, const char *id, int sig, bool all, sk_error **err);
int container_delete(const struct sk_global *g, const char *id, bool force, sk_error **err);
/* The state document of a container (status computed live). */
int container_state(const struct sk_global *g, const char *id, oci_state **out, sk_error **err);

#endif
