/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's cgroup, on whatever layout the host has (pure v2, v1,
 * hybrid v1 + unified) and with either driver (cgroupfs, systemd).
 *
 * Lifecycle as the runtime uses it:
 *   create:  cgroup_plan (while planning: validate linux.cgroupsPath and
 *            linux.resources, no side effects)
 *            cgroup_create (make the cgroup(s), apply resources; on v2 gives
 *            an fd for clone3(CLONE_INTO_CGROUP))
 *            clone3 ... ; cgroup_enter(pid) (v1 / no CLONE_INTO_CGROUP)
 *            the cgroup's path is saved in state.json (cgroup_path())
 *   later:   cgroup_open (from the saved path) for pause/resume/update/ps/
 *            events/kill --all/delete
 *   delete:  cgroup_destroy (thaw, kill leftovers, rmdir with retries) */
#ifndef SKIFF_CGROUP_H
#define SKIFF_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

typedef struct sk_cgroup sk_cgroup;

struct sk_cgroup_opts {
  const char *id;           /* container id (default name, systemd unit) */
  const char *cgroups_path; /* linux.cgroupsPath, may be NULL */
  bool systemd;             /* --systemd-cgroup */
  const oci_resources *resources; /* may be NULL */
  bool rootless;            /* failures to create are warnings, as runc */
};

/* Validate only (config errors before anything exists). */
int cgroup_plan(const struct sk_cgroup_opts *o, sk_error **err);
/* Create the cgroup and apply linux.resources. */
int cgroup_create(const struct sk_cgroup_opts *o, sk_cgroup **out, sk_error **err);
/* fd of the v2 cgroup directory for CLONE_INTO_CGROUP, or -1 (v1). */
int cgroup_clone_fd(const sk_cgroup *cg);
/* Move `pid` into the cgroup (every v1 hierarchy + unified). No-op for
 * what CLONE_INTO_CGROUP already did. */
int cgroup_enter(sk_cgroup *cg, pid_t pid, sk_error **err);
/* `exec --cgroup`: move `pid` (already in the container's cgroup) into
 * the existing sub-cgroup `spec` of it: "path" for every hierarchy, or
 * "ctrl[,ctrl]:path" for those v1 controllers (runc's forms). */
int cgroup_enter_sub(sk_cgroup *cg, const char *spec, pid_t pid, sk_error **err);
/* A string to save in state.json, from which cgroup_open finds it again. */
const char *cgroup_path(const sk_cgroup *cg);
int cgroup_open(const char *saved_path, bool systemd, const char *id, sk_cgroup **out,
                sk_error **err);
/* Remove everything created (kill what is left first). */
int cgroup_destroy(sk_cgroup *cg, sk_error **err);
void cgroup_free(sk_cgroup **cg);
#define _cleanup_cgroup_ __attribute__((cleanup(cgroup_free)))

int cgroup_freeze(sk_cgroup *cg, bool frozen, sk_error **err);
bool cgroup_is_frozen(sk_cgroup *cg);
/* pids in the cgroup (NULL-terminated, malloc'd). */
int cgroup_pids(sk_cgroup *cg, pid_t **pids, size_t *n, sk_error **err);
/* Signal every process (cgroup.kill on v2 for SIGKILL where present). */
int cgroup_kill_all(sk_cgroup *cg, int sig, sk_error **err);
/* Apply new resources (skiff update). */
int cgroup_update(sk_cgroup *cg, const oci_resources *r, sk_error **err);

/* runc-compatible stats for `events --stats` (JSON object text "data" of a
 * runc stats event: cpu, memory, pids, blkio, hugetlb). */
int cgroup_stats_json(sk_cgroup *cg, char **json, sk_error **err);

/* What the host offers (features). */
bool cgroup_host_has_v1(void);
bool cgroup_host_has_v2(void);

#endif
