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

/* The cgroup of an opened container (*cg NULL when it has none). */
int container_open_cgroup(const sk_container *c, sk_cgroup **cg, sk_error **err);

/* A pidfd of the container's init, checked against its start time. */
int container_pidfd(const sk_container *c, sk_error **err);
/* Wait for our child `pid`, forwarding the signals we get to it; its exit
 * status as a shell would give it (128+N for signal N). */
int container_wait_forwarding(pid_t pid);
/* The config the container was created with (from its state dir). */
oci_config *container_saved_config(sk_container *c, sk_error **err);

/* `skiff exec` (exec.c). */
struct sk_exec_opts {
  const char *id;
  const char *process_file; /* --process */
  char **args;              /* COMMAND ARGS..., NULL-terminated, or NULL */
  bool tty, detach, no_new_privs, ignore_paused;
  const char *console_socket, *cwd, *pid_file, *apparmor, *process_label, *cgroup;
  const char *user; /* "uid[:gid]" */
  char **env;       /* NULL-terminated K=V */
  char **caps;      /* NULL-terminated */
  char **additional_gids;
  int preserve_fds;
};
int container_exec(const struct sk_global *g, const struct sk_exec_opts *o, int *exit_status,
                   sk_error **err);

/* Operations on the container's cgroup (container_cgroup.c). */
int container_pause(const struct sk_global *g, const char *id, bool pause, sk_error **err);
int container_pids(const struct sk_global *g, const char *id, pid_t **pids, size_t *n,
                   sk_error **err);
int container_update(const struct sk_global *g, const char *id, const oci_resources *r,
                     sk_error **err);
/* {"type":"stats","id":...,"data":{...}} of a running container. */
int container_stats_event(const struct sk_global *g, const char *id, char **json,
                          sk_error **err);

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
