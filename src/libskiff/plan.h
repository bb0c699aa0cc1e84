/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The plan: everything decided about a container before anything is created.
 *
 * parse (libocispec) -> validate (validate.c) -> plan (plan.c) -> clone
 * (spawn.c) -> child setup (init.c) -> exec. The plan is built in the
 * runtime process and inherited by the init process through clone(), so the
 * child reads it without any serialisation. */
#ifndef SKIFF_PLAN_H
#define SKIFF_PLAN_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci_spec.h"
#include "seccomp_filter.h"

/* One namespace kind, in the order namespaces must be joined (user first). */
enum sk_ns_kind {
  SK_NS_USER,
  SK_NS_MOUNT,
  SK_NS_PID,
  SK_NS_NET,
  SK_NS_IPC,
  SK_NS_UTS,
  SK_NS_CGROUP,
  SK_NS_TIME,
  SK_NS_COUNT
};

struct sk_ns_plan {
  bool wanted;    /* the config lists this namespace */
  char *path;     /* join this one (NULL: create a new one) */
};

typedef struct sk_plan {
  char *id;
  char *bundle;      /* absolute, canonical */
  char *rootfs;      /* absolute path of root.path */
  oci_config *config;
  char *config_json; /* the raw config.json, saved into the state dir */
  size_t config_json_len;

  char **argv; /* process.args, NULL-terminated (pointers into config) */
  char **envp; /* process.env, NULL-terminated */
  char listen_fds_env[32]; /* "LISTEN_FDS=N" when socket-activated */

  struct sk_ns_plan ns[SK_NS_COUNT];
  struct sk_seccomp_plan seccomp; /* compiled linux.seccomp */
  /* linux.resources with the device rules the container needs appended
   * (see plan_cgroup_resources); devices array owned by the plan. */
  oci_resources cgroup_resources;
  unsigned long clone_flags; /* CLONE_NEW* of the namespaces to create */

  /* from the command line */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  char *console_socket;
  char *pid_file;
  bool systemd_cgroup;

  /* filled by the runtime before the clone */
  int console_fd; /* where the init sends the pty master, or -1 */
  /* Per mounts[] entry: an idmapped bind tree made by the runtime
   * (mounts_prepare_idmapped), or -1. NULL when there is none. */
  int *premade_trees;
  const char *cgroup_path; /* the container's cgroup (cgroup_path()), or NULL */
  /* Write end of exec.done, held by the init until its execve closes it
   * (close-on-exec): `start` returns once that happened. */
  int exec_done_fd;
} sk_plan;

static inline bool sk_plan_new_ns(const sk_plan *p, enum sk_ns_kind k) {
  return p->ns[k].wanted && p->ns[k].path == NULL;
}
static inline bool sk_plan_has_userns(const sk_plan *p) {
  return p->ns[SK_NS_USER].wanted;
}

/* Load <bundle>/config.json, validate it and decide everything: no side
 * effects, so that a config error is reported before anything exists. */
struct sk_plan_opts {
  const char *id;
  const char *bundle; /* NULL: the current directory */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  const char *console_socket;
  const char *pid_file;
  bool systemd_cgroup;
  bool attach_terminal; /* `run` in the foreground: we are the console */
};
#include "error.h"
/* The state document of the planned container (for hooks and the seccomp
 * listener); malloc'd JSON. */
char *plan_state_json(const sk_plan *p, pid_t pid, const char *status);
int plan_build(const struct sk_plan_opts *o, sk_plan **out, sk_error **err);
void plan_free(sk_plan **p);
#define _cleanup_plan_ __attribute__((cleanup(plan_free)))

const char *sk_ns_name(enum sk_ns_kind k);       /* "user", "mount", ... */
int sk_ns_kind_from_name(const char *name);      /* -1 when unknown */
int sk_ns_clone_flag(enum sk_ns_kind k);         /* CLONE_NEWUSER, ... */

#endif
