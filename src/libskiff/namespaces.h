/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.namespaces: which are created, which are joined by path, and the
 * pieces applied to a new namespace (id maps, hostname, time offsets). */
#ifndef SKIFF_NAMESPACES_H
#define SKIFF_NAMESPACES_H

#include <sys/types.h>

#include "error.h"
#include "plan.h"

/* Fill plan->ns[] and plan->clone_flags from linux.namespaces; checks the
 * types, duplicates and that each path is a namespace of that type. */
int namespaces_plan(sk_plan *plan, sk_error **err);

/* Namespaces that clone3() creates directly. cgroup and time namespaces are
 * unshared by the init itself (see init.c), and when a user namespace is
 * joined by path everything is unshared in the child after joining it. */
unsigned long namespaces_clone_flags(const sk_plan *plan);

/* Parent side, around the clone: join the namespaces given by path that
 * the init must inherit rather than join itself (pid; with a new user
 * namespace also net, ipc, uts, cgroup, time), saving ours, and return to
 * ours right after the clone: the runtime's hooks run in the runtime's
 * namespaces. */
struct sk_ns_saved {
  int fd[SK_NS_COUNT];
};
int namespaces_join_for_children(const sk_plan *plan, struct sk_ns_saved *saved,
                                 sk_error **err);
int namespaces_restore(struct sk_ns_saved *saved, sk_error **err);

/* Parent side, after clone: write uid_map and gid_map of the new user
 * namespace of `pid`. */
int namespaces_write_id_maps(const sk_plan *plan, pid_t pid, sk_error **err);

/* Child side, after the parent's go: join the namespaces given by path (the
 * user namespace first), unshare the remaining new ones (cgroup after the
 * cgroup placement, time with linux.timeOffsets), become root in a new user
 * namespace, set hostname and domainname. */
int namespaces_enter(const sk_plan *plan, int syncfd, sk_error **err);

#endif
