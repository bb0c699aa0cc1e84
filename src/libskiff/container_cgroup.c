/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The operations that act on a container through its cgroup: pause,
 * resume, ps, update, events. */
#include <stdio.h>
#include <string.h>

#include "container.h"
#include "log.h"
#include "util.h"

/* Open a container that must be alive and have a cgroup. */
static int open_live(const struct sk_global *g, const char *id, bool exclusive,
                     sk_container **c, sk_cgroup **cg, sk_error **err) {
  if (state_open(g->root, id, exclusive, c, err) < 0)
    return -1;
  enum sk_status st = state_status(*c);
  if (st == SK_STOPPED || st == SK_CREATING)
    return sk_fail(err, 0, "container \"%s\" is %s", id, sk_status_name(st));
  if (container_open_cgroup(*c, cg, err) < 0)
    return -1;
  if (*cg == NULL)
    return sk_fail(err, ENOTSUP, "container \"%s\" has no cgroup", id);
  return 0;
}

int container_pause(const struct sk_global *g, const char *id, bool pause, sk_error **err) {
  _cleanup_container_ sk_container *c = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (open_live(g, id, true, &c, &cg, err) < 0)
    return -1;
  enum sk_status st = state_status(c);
  if (pause && st != SK_RUNNING && st != SK_CREATED)
    return sk_fail(err, 0, "container \"%s\" is %s: only a running container can be paused", id,
                   sk_status_name(st));
  if (!pause && st != SK_PAUSED)
    return sk_fail(err, 0, "container \"%s\" is %s: it is not paused", id, sk_status_name(st));
  if (cgroup_freeze(cg, pause, err) < 0)
    return sk_wrap(err, "container \"%s\": %s", id, pause ? "pause" : "resume");
  sk_debug("container %s %s", id, pause ? "paused" : "resumed");
  return 0;
}

int container_pids(const struct sk_global *g, const char *id, pid_t **pids, size_t *n,
                   sk_error **err) {
  _cleanup_container_ sk_container *c = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (open_live(g, id, false, &c, &cg, err) < 0)
    return -1;
  return cgroup_pids(cg, pids, n, err);
}

int container_update(const struct sk_global *g, const char *id, const oci_resources *r,
                     sk_error **err) {
  _cleanup_container_ sk_container *c = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (open_live(g, id, true, &c, &cg, err) < 0)
    return -1;
  if (cgroup_update(cg, r, err) < 0)
    return sk_wrap(err, "container \"%s\": update", id);
  return 0;
}

int container_stats_event(const struct sk_global *g, const char *id, char **json,
                          sk_error **err) {
  _cleanup_container_ sk_container *c = NULL;
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (open_live(g, id, false, &c, &cg, err) < 0)
    return -1;
  _cleanup_free_ char *data = NULL;
  if (cgroup_stats_json(cg, &data, err) < 0)
    return sk_wrap(err, "container \"%s\": stats", id);
  /* id is checked by state_check_id: no character needs escaping. */
  if (asprintf(json, "{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}", id, data) < 0)
    return sk_fail(err, ENOMEM, "stats");
  return 0;
}
