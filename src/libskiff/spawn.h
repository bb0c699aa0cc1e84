/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Creating the container's init process: clone3 into the new namespaces,
 * the parent's half of the handshake, and cleanup when the init fails. */
#ifndef SKIFF_SPAWN_H
#define SKIFF_SPAWN_H

#include <sys/types.h>

#include "error.h"
#include "cgroup/cgroup.h"
#include "plan.h"

struct sk_spawned {
  pid_t pid;
  int pidfd;
  int syncfd; /* until spawn_commit */
};

/* Tell the waiting init that the container is saved (it stops dying with
 * the runtime). Closes the sync socket. */
int spawn_commit(struct sk_spawned *s, sk_error **err);

/* Clone the init (which runs init_main()), write its id maps, let it go and
 * wait until it is ready (or report its error). `fifo_rd`/`fifo_wr` are the
 * two ends of exec.fifo the init inherits. On failure nothing is left: the
 * init is killed and reaped. */
/* Called when the init asks for the runtime's hooks (prestart,
 * createRuntime): the init's namespaces and mounts exist. */
typedef int (*sk_runtime_hooks_fn)(const sk_plan *plan, pid_t pid, sk_error **err);

/* `cg`: the container's cgroup; on cgroup v2 the init is cloned straight
 * into it (CLONE_INTO_CGROUP), and it is entered before the init goes on
 * (so that a new cgroup namespace is rooted there). */
int spawn_init(const sk_plan *plan, sk_cgroup *cg, int fifo_rd, int fifo_wr,
               sk_runtime_hooks_fn hooks, struct sk_spawned *out, sk_error **err);

/* Kill (SIGKILL) and reap a spawned init; used on failure paths. */
void spawn_abort(struct sk_spawned *s);

#endif
