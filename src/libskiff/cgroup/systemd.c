/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The systemd driver: linux.cgroupsPath "slice:prefix:name" becomes a
 * transient scope "prefix-name.scope" in that slice, made over D-Bus with
 * StartTransientUnit (Delegate=yes) and waited for through JobRemoved.
 * Resources systemd knows go in as unit properties so that a daemon-reload
 * keeps them; all of them are then written to the files as with cgroupfs.
 *
 * systemd needs a process to start a scope: this process joins it, the
 * init is cloned into it, and cgroup_enter puts this process back where it
 * was (cg_systemd_leave). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "util.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

int cg_systemd_parse(const char *cgroups_path, const char *id, char **slice, char **unit,
                     sk_error **err) {
  _cleanup_free_ char *s = NULL;
  const char *parts[3] = {"", "skiff", id};
  if (cgroups_path && *cgroups_path) {
    s = strdup(cgroups_path);
    if (s == NULL)
      return sk_fail(err, ENOMEM, "linux.cgroupsPath");
    char *a = s, *b = strchr(a, ':'), *c = b ? strchr(b + 1, ':') : NULL;
    if (b == NULL || c == NULL || strchr(c + 1, ':'))
      return sk_fail(err, EINVAL,
                     "linux.cgroupsPath \"%s\": the systemd driver needs \"slice:prefix:name\"",
                     cgroups_path);
    *b = *c = '\0';
    parts[0] = a;
    parts[1] = b + 1;
    parts[2] = c + 1;
  }
  if (parts[2] == NULL || *parts[2] == '\0' || strchr(parts[2], '/') ||
      strchr(parts[1], '/'))
    return sk_fail(err, EINVAL, "linux.cgroupsPath \"%s\": bad unit name",
                   cgroups_path ? cgroups_path : "");
  if (*parts[0] && (strchr(parts[0], '/') || strlen(parts[0]) < 7 ||
                    strcmp(parts[0] + strlen(parts[0]) - 6, ".slice") != 0))
    return sk_fail(err, EINVAL, "linux.cgroupsPath \"%s\": \"%s\" is not a .slice",
                   cgroups_path, parts[0]);
  size_t nl = strlen(parts[2]);
  if (nl > 6 && strcmp(parts[2] + nl - 6, ".slice") == 0)
    return sk_fail(err, EOPNOTSUPP,
                   "linux.cgroupsPath \"%s\": a slice as the container unit is not supported",
                   cgroups_path);
  *slice = strdup(*parts[0] ? parts[0] : "system.slice");
  if (*parts[1] ? asprintf(unit, "%s-%s.scope", parts[1], parts[2]) < 0
                : asprintf(unit, "%s.scope", parts[2]) < 0)
    *unit = NULL;
  if (*slice == NULL || *unit == NULL)
    return sk_fail(err, ENOMEM, "linux.cgroupsPath");
  return 0;
}

/* "a-b-c.slice" lives at /a.slice/a-b.slice/a-b-c.slice; "-.slice" is the
 * root. */
char *cg_systemd_slice_path(const char *slice) {
  if (strcmp(slice, "-.slice") == 0)
    return strdup("");
  size_t base = strlen(slice) - 6;
  char *out = malloc(2 * (base + 7) * (base + 1) + 1);
  if (out == NULL)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i <= base; i++) {
    if (i == base || slice[i] == '-') {
      o += sprintf(out + o, "/%.*s.slice", (int)i, slice);
    }
  }
  out[o] = '\0';
  return out;
}

struct job_wait {
  const char *job;
  bool done;
  char result[32];
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret) {
  struct job_wait *w = userdata;
  uint32_t id;
  const char *path, *unit, *result;
  if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
    return 0;
  if (w->job && strcmp(path, w->job) == 0) {
    w->done = true;
    snprintf(w->result, sizeof(w->result), "%s", result);
  }
  return 0;
}

static int append_props(sd_bus_message *m, const char *slice, const oci_resources *r,
                        bool v2) {
  int rc = 0;
#define PROP(name, sig, ...)                                                     \
  do {                                                                           \
    if (rc >= 0)                                                                 \
      rc = sd_bus_message_append(m, "(sv)", name, sig, __VA_ARGS__);             \
  } while (0)
  PROP("Description", "s", "skiff container");
  PROP("Slice", "s", slice);
  PROP("Delegate", "b", 1);
  PROP("DefaultDependencies", "b", 0);
  PROP("PIDs", "au", 1, (uint32_t)getpid());
  PROP("MemoryAccounting", "b", 1);
  PROP("CPUAccounting", "b", 1);
  PROP("TasksAccounting", "b", 1);
  if (r && r->memory && r->memory->has_limit && r->memory->limit > 0)
    PROP(v2 ? "MemoryMax" : "MemoryLimit", "t", (uint64_t)r->memory->limit);
  if (r && r->cpu && r->cpu->has_shares && r->cpu->shares > 0) {
    if (v2) {
      PROP("CPUWeight", "t", cg_shares_to_weight(r->cpu->shares));
    } else {
      PROP("CPUShares", "t", r->cpu->shares);
    }
  }
  if (r && r->cpu && r->cpu->has_quota && r->cpu->quota > 0) {
    uint64_t period = r->cpu->has_period && r->cpu->period ? r->cpu->period : 100000;
    /* systemd keeps this per second, in 10 ms steps: round up as runc */
    uint64_t per_sec = (uint64_t)r->cpu->quota * 1000000 / period;
    per_sec = (per_sec + 9999) / 10000 * 10000;
    PROP("CPUQuotaPerSecUSec", "t", per_sec);
  }
  if (r && r->has_pids_limit && r->pids_limit != 0)
    PROP("TasksMax", "t", r->pids_limit > 0 ? (uint64_t)r->pids_limit : UINT64_MAX);
#undef PROP
  return rc;
}

static int start_unit(sd_bus *bus, const char *unit, const char *slice,
                      const oci_resources *r, bool v2, struct job_wait *w, char **job,
                      sd_bus_error *e) {
  __attribute__((cleanup(sd_bus_message_unrefp))) sd_bus_message *m = NULL, *reply = NULL;
  int rc = sd_bus_message_new_method_call(bus, &m, SD_DEST, SD_PATH, SD_MANAGER,
                                          "StartTransientUnit");
  if (rc >= 0)
    rc = sd_bus_message_append(m, "ss", unit, "fail");
  if (rc >= 0)
    rc = sd_bus_message_open_container(m, 'a', "(sv)");
  if (rc >= 0)
    rc = append_props(m, slice, r, v2);
  if (rc >= 0)
    rc = sd_bus_message_close_container(m);
  if (rc >= 0)
    rc = sd_bus_message_append(m, "a(sa(sv))", 0);
  if (rc < 0)
    return rc;
  rc = sd_bus_call(bus, m, 30 * 1000000ull, e, &reply);
  if (rc < 0)
    return rc;
  const char *path;
  rc = sd_bus_message_read(reply, "o", &path);
  if (rc < 0)
    return rc;
  *job = strdup(path);
  w->job = *job;
  return 0;
}

/* What /proc/self/cgroup says now, to come back to it (cg_systemd_leave). */
static char *self_cgroups(void) {
  char *s = NULL;
  size_t len;
  sk_error *e = NULL;
  if (sk_read_file("/proc/self/cgroup", &s, &len, &e) < 0)
    sk_error_free(&e);
  return s;
}

int cg_systemd_start(sk_cgroup *cg, const char *slice, const oci_resources *r,
                     sk_error **err) {
  if (access("/run/systemd/system", F_OK) < 0)
    return sk_fail(err, 0, "systemd cgroup driver: systemd is not running (no /run/systemd/system)");
  _cleanup_free_ char *sp = cg_systemd_slice_path(slice);
  if (sp == NULL || asprintf(&cg->path, "%s/%s", sp, cg->unit) < 0)
    return sk_fail(err, ENOMEM, "systemd cgroup driver");
  __attribute__((cleanup(sd_bus_flush_close_unrefp))) sd_bus *bus = NULL;
  int rc = cg->rootless ? sd_bus_default_user(&bus) : sd_bus_default_system(&bus);
  if (rc < 0)
    return sk_fail(err, -rc, "systemd cgroup driver: connect to the %s bus",
                   cg->rootless ? "user" : "system");
  struct job_wait w = {0};
  __attribute__((cleanup(sd_bus_slot_unrefp))) sd_bus_slot *slot = NULL;
  rc = sd_bus_match_signal(bus, &slot, SD_DEST, SD_PATH, SD_MANAGER, "JobRemoved",
                           on_job_removed, &w);
  if (rc < 0)
    return sk_fail(err, -rc, "systemd cgroup driver: subscribe to JobRemoved");
  cg->self_cgroups = self_cgroups();
  bool v2 = cg_host_layout() == CG_LAYOUT_V2;
  _cleanup_free_ char *job = NULL;
  for (int attempt = 0;; attempt++) {
    sd_bus_error e = SD_BUS_ERROR_NULL;
    rc = start_unit(bus, cg->unit, slice, r, v2, &w, &job, &e);
    if (rc >= 0) {
      sd_bus_error_free(&e);
      break;
    }
    /* A failed or dead unit of the same name is left from an earlier run:
     * reset it once and try again; a live one is a real conflict. */
    if (attempt == 0 && sd_bus_error_has_name(&e, "org.freedesktop.systemd1.UnitExists")) {
      sd_bus_error e2 = SD_BUS_ERROR_NULL;
      sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "ResetFailedUnit", &e2, NULL, "s",
                         cg->unit);
      sd_bus_error_free(&e2);
      sd_bus_error_free(&e);
      continue;
    }
    sk_fail(err, -rc, "systemd cgroup driver: StartTransientUnit %s%s%s", cg->unit,
            e.message ? ": " : "", e.message ? e.message : "");
    sd_bus_error_free(&e);
    return -1;
  }
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (!w.done) {
    rc = sd_bus_process(bus, NULL);
    if (rc < 0)
      return sk_fail(err, -rc, "systemd cgroup driver: wait for the job of %s", cg->unit);
    if (rc > 0)
      continue;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t left = 30000000 - ((now.tv_sec - start.tv_sec) * 1000000 +
                               (now.tv_nsec - start.tv_nsec) / 1000);
    if (left <= 0)
      return sk_fail(err, ETIMEDOUT, "systemd cgroup driver: job for %s did not finish in 30s",
                     cg->unit);
    rc = sd_bus_wait(bus, (uint64_t)left);
    if (rc < 0)
      return sk_fail(err, -rc, "systemd cgroup driver: wait for the job of %s", cg->unit);
  }
  cg->unit_started = true;
  if (strcmp(w.result, "done") != 0)
    return sk_fail(err, 0, "systemd cgroup driver: starting %s: job %s", cg->unit, w.result);
  return 0;
}

int cg_systemd_stop(sk_cgroup *cg, sk_error **err) {
  if (cg->unit == NULL || access("/run/systemd/system", F_OK) < 0)
    return 0;
  __attribute__((cleanup(sd_bus_flush_close_unrefp))) sd_bus *bus = NULL;
  int rc = cg->rootless ? sd_bus_default_user(&bus) : sd_bus_default_system(&bus);
  if (rc < 0)
    return sk_fail(err, -rc, "systemd cgroup driver: connect to the bus");
  sd_bus_error e = SD_BUS_ERROR_NULL;
  rc = sd_bus_call_method(bus, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit", &e, NULL, "ss",
                          cg->unit, "replace");
  if (rc < 0 && !sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit")) {
    sk_fail(err, -rc, "systemd cgroup driver: StopUnit %s: %s", cg->unit,
            e.message ? e.message : "");
    sd_bus_error_free(&e);
    return -1;
  }
  sd_bus_error_free(&e);
  return 0;
}

void cg_systemd_leave(sk_cgroup *cg) {
  if (cg->self_cgroups == NULL)
    return;
  char pid[24];
  snprintf(pid, sizeof(pid), "%d", (int)getpid());
  /* lines "N:controllers:/path"; empty controllers is the unified one */
  for (char *line = cg->self_cgroups; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2) {
      *c2 = '\0';
      const char *ctrls = c1 + 1, *path = c2 + 1;
      char dir[4096];
      if (*ctrls == '\0' && cg->v2_root)
        snprintf(dir, sizeof(dir), "%s%s", cg->v2_root, path);
      else if (strncmp(ctrls, "name=", 5) == 0)
        snprintf(dir, sizeof(dir), CG_ROOT "/%s%s", ctrls + 5, path);
      else
        snprintf(dir, sizeof(dir), CG_ROOT "/%.*s%s", (int)strcspn(ctrls, ","), ctrls, path);
      sk_error *e = NULL;
      cg_write(dir, "cgroup.procs", pid, NULL, &e);
      sk_error_free(&e);
    }
    line = nl ? nl + 1 : NULL;
  }
  free(cg->self_cgroups);
  cg->self_cgroups = NULL;
}
