/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* parse -> validate -> plan: everything checked here is reported before
 * any state dir, process or mount exists. */
#include "plan.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "hooks.h"
#include "namespaces.h"
#include "process.h"
#include "rootfs.h"
#include "lsm.h"
#include "scheduling.h"
#include "sysctl.h"
#include "util.h"

void plan_free(sk_plan **pp) {
  sk_plan *p = *pp;
  if (p == NULL)
    return;
  free(p->id);
  free(p->bundle);
  free(p->rootfs);
  if (p->config)
    oci_config_free(p->config);
  free(p->config_json);
  free(p->argv);
  free(p->envp);
  seccomp_plan_clear(&p->seccomp);
  free(p->cgroup_resources.devices);
  mounts_close_premade(p);
  sk_closep(&p->console_fd);
  sk_closep(&p->exec_done_fd);
  free(p->console_socket);
  free(p->pid_file);
  free(p);
  *pp = NULL;
}

static char **null_terminated(char **v, size_t n) {
  char **r = calloc(n + 1, sizeof(char *));
  if (r && n)
    memcpy(r, v, n * sizeof(char *));
  return r;
}

static int load_config(sk_plan *p, sk_error **err) {
  _cleanup_free_ char *path = NULL;
  if (asprintf(&path, "%s/config.json", p->bundle) < 0)
    return sk_fail(err, ENOMEM, "config.json");
  if (sk_read_file(path, &p->config_json, &p->config_json_len, err) < 0)
    return -1;
  _cleanup_free_ char *perr = NULL;
  p->config = oci_config_parse_data(p->config_json, p->config_json_len, &perr);
  if (p->config == NULL)
    return sk_fail(err, 0, "%s: %s", path, perr ? perr : "invalid config");
  return 0;
}

static int validate_terminal(const sk_plan *p, const struct sk_plan_opts *o, sk_error **err) {
  bool terminal = p->config->process->terminal;
  if (terminal && o->console_socket == NULL && !o->attach_terminal)
    return sk_fail(err, 0,
                   "process.terminal is true: --console-socket is required, the engine "
                   "receives the terminal through it");
  if (!terminal && o->console_socket != NULL)
    return sk_fail(err, 0, "--console-socket given but process.terminal is false");
  return 0;
}

/* Socket activation as runc does it: with LISTEN_FDS=N in our environment,
 * fds 3..3+N-1 go to the container too, and its process gets LISTEN_FDS=N
 * and LISTEN_PID=1 (it is pid 1 of its namespace, or the nearest thing). */
static char **listen_fds_env(sk_plan *p, const oci_process *proc) {
  const char *v = getenv("LISTEN_FDS");
  char *end = NULL;
  long n = v ? strtol(v, &end, 10) : 0;
  /* Only fds meant for us (sd_listen_fds' rule): a LISTEN_FDS inherited
   * from a socket-activated ancestor names fds that are not ours to pass. */
  const char *pid = getenv("LISTEN_PID");
  if (v == NULL || *end != '\0' || n <= 0 || n > 1000 || pid == NULL ||
      strtol(pid, NULL, 10) != (long)getpid())
    return null_terminated(proc->env, proc->n_env);
  p->preserve_fds += (int)n;
  char **env = calloc(proc->n_env + 3, sizeof(char *));
  if (env == NULL)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < proc->n_env; i++)
    if (strncmp(proc->env[i], "LISTEN_FDS=", 11) != 0 && strncmp(proc->env[i], "LISTEN_PID=", 11) != 0)
      env[k++] = proc->env[i];
  snprintf(p->listen_fds_env, sizeof(p->listen_fds_env), "LISTEN_FDS=%ld", n);
  env[k++] = p->listen_fds_env;
  env[k++] = "LISTEN_PID=1";
  return env;
}

/* The preserved fds (--preserve-fds, LISTEN_FDS) must be the caller's:
 * were one missing, one of our own fds (the state dir lock) could take its
 * number and reach the container. */
static int check_preserved_fds(const sk_plan *p, sk_error **err) {
  for (int fd = 3; fd < 3 + p->preserve_fds; fd++)
    if (fcntl(fd, F_GETFD) < 0)
      return sk_fail(err, EBADF, "--preserve-fds/LISTEN_FDS: fd %d is not open", fd);
  return 0;
}

static int validate_process(sk_plan *p, sk_error **err) {
  const oci_process *proc = p->config->process;
  if (proc == NULL)
    return sk_fail(err, 0, "process: missing (config.json has no process to run)");
  if (proc->n_args == 0 || proc->args[0] == NULL || proc->args[0][0] == '\0')
    return sk_fail(err, 0, "process.args: must not be empty");
  if (proc->cwd == NULL || proc->cwd[0] != '/')
    return sk_fail(err, 0, "process.cwd: must be an absolute path, got \"%s\"",
                   proc->cwd ? proc->cwd : "");
  /* Names and limits are checked here too, so that a bad one is reported
   * before anything is created (the init checks them again as it applies
   * them). */
  sk_caps caps;
  if (rlimits_check(proc, err) < 0 || caps_parse(proc->capabilities, &caps, err) < 0)
    return -1;
  p->argv = null_terminated(proc->args, proc->n_args);
  p->envp = listen_fds_env(p, proc);
  if (p->argv == NULL || p->envp == NULL)
    return sk_fail(err, ENOMEM, "process");
  return 0;
}

static int resolve_rootfs(sk_plan *p, sk_error **err) {
  const oci_root *root = p->config->root;
  if (root == NULL || root->path == NULL || root->path[0] == '\0')
    return sk_fail(err, 0, "root.path: missing");
  _cleanup_free_ char *joined = NULL;
  if (root->path[0] == '/')
    joined = strdup(root->path);
  else if (asprintf(&joined, "%s/%s", p->bundle, root->path) < 0)
    joined = NULL;
  if (joined == NULL)
    return sk_fail(err, ENOMEM, "root.path");
  p->rootfs = realpath(joined, NULL);
  if (p->rootfs == NULL)
    return sk_fail_errno(err, "root.path: rootfs %s", joined);
  struct stat st;
  if (stat(p->rootfs, &st) < 0)
    return sk_fail_errno(err, "root.path: rootfs %s", p->rootfs);
  if (!S_ISDIR(st.st_mode))
    return sk_fail(err, ENOTDIR, "root.path: rootfs %s", p->rootfs);
  return 0;
}

/* The device cgroup rules: the config's, then (as runc does) allow rules
 * for the devices every container gets and for linux.devices, so that a
 * "deny all" rule in the config does not break /dev/null. mknod of any
 * device is allowed: what exists in /dev is decided by linux.devices. */
static int plan_cgroup_resources(sk_plan *p, sk_error **err) {
  static const struct {
    const char *type;
    int64_t major, minor; /* -1: any */
    const char *access;
  } defaults[] = {
      {"c", -1, -1, "m"}, {"b", -1, -1, "m"},   {"c", 1, 3, "rwm"},  {"c", 1, 5, "rwm"},
      {"c", 1, 7, "rwm"}, {"c", 1, 8, "rwm"},   {"c", 1, 9, "rwm"},  {"c", 5, 0, "rwm"},
      {"c", 5, 1, "rwm"}, {"c", 5, 2, "rwm"},   {"c", 136, -1, "rwm"}, {"c", 10, 200, "rwm"},
  };
  const oci_linux *lx = p->config->linux_;
  if (lx->resources)
    p->cgroup_resources = *lx->resources;
  size_t n_cfg = p->cgroup_resources.n_devices;
  size_t n = n_cfg + SK_ARRAY_SIZE(defaults) + lx->n_devices;
  oci_device_cgroup *d = calloc(n, sizeof(*d));
  if (d == NULL)
    return sk_fail(err, ENOMEM, "linux.resources.devices");
  if (n_cfg)
    memcpy(d, p->cgroup_resources.devices, n_cfg * sizeof(*d));
  size_t k = n_cfg;
  for (size_t i = 0; i < SK_ARRAY_SIZE(defaults); i++, k++)
    d[k] = (oci_device_cgroup){.allow = true,
                               .type = (char *)defaults[i].type,
                               .has_major = defaults[i].major >= 0,
                               .major = defaults[i].major,
                               .has_minor = defaults[i].minor >= 0,
                               .minor = defaults[i].minor,
                               .access = (char *)defaults[i].access};
  for (size_t i = 0; i < lx->n_devices; i++) {
    const oci_device *dev = &lx->devices[i];
    if (dev->type == NULL || (strcmp(dev->type, "c") != 0 && strcmp(dev->type, "b") != 0 &&
                              strcmp(dev->type, "u") != 0))
      continue; /* fifos need no rule */
    d[k++] = (oci_device_cgroup){.allow = true,
                                 .type = strcmp(dev->type, "b") == 0 ? "b" : "c",
                                 .has_major = dev->has_major,
                                 .major = dev->major,
                                 .has_minor = dev->has_minor,
                                 .minor = dev->minor,
                                 .access = "rwm"};
  }
  p->cgroup_resources.devices = d;
  p->cgroup_resources.n_devices = k;
  return 0;
}

static int validate_linux(sk_plan *p, sk_error **err) {
  if (p->config->linux_ == NULL)
    return sk_fail(err, 0, "linux: missing (skiff runs Linux containers)");
  if (namespaces_plan(p, err) < 0)
    return -1;
  /* Without a mount namespace every mount of the container would land on
   * the host. */
  if (!p->ns[SK_NS_MOUNT].wanted)
    return sk_fail(err, 0, "linux.namespaces: a mount namespace is required");
  if (plan_cgroup_resources(p, err) < 0)
    return -1;
  struct sk_cgroup_opts cg = {.id = p->id,
                              .cgroups_path = p->config->linux_->cgroups_path,
                              .systemd = p->systemd_cgroup,
                              .resources = &p->cgroup_resources,
                              .rootless = geteuid() != 0};
  if (cgroup_plan(&cg, err) < 0)
    return -1;
  if (sysctl_validate(p, err) < 0 || sched_validate(p, err) < 0 ||
      lsm_validate(p->config->process, err) < 0)
    return -1;
  return seccomp_plan(p->config->linux_->seccomp, &p->seccomp, err);
}

char *plan_state_json(const sk_plan *p, pid_t pid, const char *status) {
  oci_state st = {.oci_version = (char *)OCI_SPEC_VERSION,
                  .id = p->id,
                  .status = (char *)status,
                  .has_pid = pid > 0,
                  .pid = pid,
                  .bundle = p->bundle,
                  .annotations = p->config->annotations};
  return oci_state_to_json(&st, false);
}

int plan_build(const struct sk_plan_opts *o, sk_plan **out, sk_error **err) {
  _cleanup_plan_ sk_plan *p = calloc(1, sizeof(*p));
  if (p == NULL)
    return sk_fail(err, ENOMEM, "plan");
  p->id = strdup(o->id);
  p->bundle = realpath(o->bundle ? o->bundle : ".", NULL);
  if (p->bundle == NULL)
    return sk_fail_errno(err, "bundle %s", o->bundle ? o->bundle : ".");
  p->no_pivot = o->no_pivot;
  p->no_new_keyring = o->no_new_keyring;
  p->preserve_fds = o->preserve_fds;
  p->systemd_cgroup = o->systemd_cgroup;
  p->console_fd = -1;
  p->premade_trees = NULL;
  p->exec_done_fd = -1;
  if (o->console_socket)
    p->console_socket = strdup(o->console_socket);
  if (o->pid_file)
    p->pid_file = strdup(o->pid_file);

  if (load_config(p, err) < 0)
    return -1;
  if (hooks_validate(p->config->hooks, err) < 0)
    return -1;
  if (validate_process(p, err) < 0 || check_preserved_fds(p, err) < 0 ||
      validate_terminal(p, o, err) < 0 || resolve_rootfs(p, err) < 0 || validate_linux(p, err) < 0)
    return -1;
  *out = sk_steal_ptr(&p);
  return 0;
}
