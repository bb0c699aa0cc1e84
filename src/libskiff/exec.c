/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `skiff exec`: a new process in a running (or created) container.
 *
 * The runtime joins the container's pid (and time) namespace "for children"
 * and clone3()s the process straight into the container's cgroup; the child
 * joins the other namespaces with one setns() on the init's pidfd (the
 * kernel enters the user namespace first), applies the process attributes
 * and calls execve. Same handshake as create (sync.h): GO from the runtime
 * once the child is in its cgroup, ERROR from the child if anything fails;
 * an EOF means execve succeeded (the socket is close-on-exec). */
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "keyring.h"
#include "log.h"
#include "lsm.h"
#include "process.h"
#include "seccomp_filter.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Everything the child needs, decided before the clone. */
struct exec_plan {
  oci_process proc;        /* borrowed strings; arrays below owned */
  oci_process *from_file;  /* --process, owned */
  oci_config *config;      /* the container's saved config, owned */
  oci_capabilities caps;
  char **argv, **envp, **bounding, **effective, **permitted, **ambient;
  uint32_t *gids;
  struct sk_seccomp_plan seccomp;
  unsigned long join_flags;     /* namespaces the child joins */
  unsigned long children_flags; /* joined by the runtime for its children */
  bool in_userns;
  char *state_json; /* for a seccomp listener, else NULL ("{}") */
  pid_t host_pid;   /* the child's pid as the runtime sees it */
  bool new_keyring; /* the container has its own session keyring */
  const char *container_id;
  bool has_oom_score_adj; /* written by the runtime, see spawn_exec */
  int oom_score_adj;
  int pidfd, console_fd, preserve_fds;
  pid_t init_pid;
};

static void exec_plan_clear(struct exec_plan *x) {
  free(x->argv);
  free(x->envp);
  free(x->bounding);
  free(x->effective);
  free(x->permitted);
  free(x->ambient);
  free(x->gids);
  if (x->from_file)
    oci_process_free(x->from_file);
  if (x->config)
    oci_config_free(x->config);
  seccomp_plan_clear(&x->seccomp);
  free(x->state_json);
  sk_closep(&x->pidfd);
  sk_closep(&x->console_fd);
}


/* Strict "N" -> uint32 (`--user 1` means uid 1, never a name). */
static bool parse_id(const char *s, size_t len, uint32_t *out) {
  if (len == 0 || len > 10)
    return false;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  if (v > UINT32_MAX)
    return false;
  *out = (uint32_t)v;
  return true;
}

/* The config's env with --env entries replacing those of the same name. */
static char **merge_env(char **base, size_t n_base, char *const *extra, sk_error **err) {
  size_t n_extra = sk_strv_length((const char *const *)extra);
  char **env = calloc(n_base + n_extra + 1, sizeof(char *));
  if (env == NULL) {
    sk_fail(err, ENOMEM, "--env");
    return NULL;
  }
  size_t n = 0;
  for (size_t i = 0; i < n_base; i++)
    env[n++] = base[i];
  for (size_t i = 0; i < n_extra; i++) {
    const char *eq = strchr(extra[i], '=');
    if (eq == NULL || eq == extra[i]) {
      free(env);
      sk_fail(err, 0, "--env \"%s\": expected NAME=VALUE", extra[i]);
      return NULL;
    }
    size_t klen = (size_t)(eq - extra[i]) + 1;
    size_t k = 0;
    while (k < n && strncmp(env[k], extra[i], klen) != 0)
      k++;
    env[k] = extra[i];
    if (k == n)
      n++;
  }
  return env;
}

/* A capability set plus the --cap names not already in it. */
static char **add_caps(char **set, size_t n_set, char *const *add, size_t *n_out) {
  size_t n_add = sk_strv_length((const char *const *)add);
  char **v = calloc(n_set + n_add + 1, sizeof(char *));
  if (v == NULL)
    return NULL;
  size_t n = 0;
  for (size_t i = 0; i < n_set; i++)
    v[n++] = set[i];
  for (size_t i = 0; i < n_add; i++) {
    bool have = false;
    for (size_t k = 0; k < n && !have; k++)
      have = strcmp(v[k], add[i]) == 0;
    if (!have)
      v[n++] = add[i];
  }
  *n_out = n;
  return v;
}

/* --cap adds to bounding, effective, permitted and ambient; never to
 * inheritable (CVE-2022-29162: inheritable caps would be kept across the
 * execve of a file with matching file capabilities). */
static int apply_cap_flags(struct exec_plan *x, const struct sk_exec_opts *o, sk_error **err) {
  for (size_t i = 0; o->caps && o->caps[i]; i++)
    if (caps_from_name(o->caps[i]) < 0)
      return sk_fail(err, 0, "--cap: unknown capability \"%s\"", o->caps[i]);
  const oci_capabilities *base = x->proc.capabilities;
  oci_capabilities empty = {0};
  if (base == NULL)
    base = &empty;
  x->caps = *base;
  if (sk_strv_length((const char *const *)o->caps) == 0) {
    x->proc.capabilities = base == &empty ? NULL : (oci_capabilities *)base;
    return 0;
  }
  x->bounding = add_caps(base->bounding, base->n_bounding, o->caps, &x->caps.n_bounding);
  x->effective = add_caps(base->effective, base->n_effective, o->caps, &x->caps.n_effective);
  x->permitted = add_caps(base->permitted, base->n_permitted, o->caps, &x->caps.n_permitted);
  x->ambient = add_caps(base->ambient, base->n_ambient, o->caps, &x->caps.n_ambient);
  if (!x->bounding || !x->effective || !x->permitted || !x->ambient)
    return sk_fail(err, ENOMEM, "--cap");
  x->caps.bounding = x->bounding;
  x->caps.effective = x->effective;
  x->caps.permitted = x->permitted;
  x->caps.ambient = x->ambient;
  x->proc.capabilities = &x->caps;
  return 0;
}

static int apply_user_flags(struct exec_plan *x, const struct sk_exec_opts *o, sk_error **err) {
  if (o->user) {
    const char *colon = strchr(o->user, ':');
    size_t ulen = colon ? (size_t)(colon - o->user) : strlen(o->user);
    if (!parse_id(o->user, ulen, &x->proc.user.uid) ||
        (colon && !parse_id(colon + 1, strlen(colon + 1), &x->proc.user.gid)))
      return sk_fail(err, 0, "--user \"%s\": expected a numeric UID[:GID]", o->user);
  }
  /* --additional-gids adds to the config's groups, as runc does. */
  size_t n = sk_strv_length((const char *const *)o->additional_gids), base = x->proc.user.n_additional_gids;
  if (n) {
    x->gids = calloc(base + n, sizeof(uint32_t));
    if (x->gids == NULL)
      return sk_fail(err, ENOMEM, "--additional-gids");
    if (base)
      memcpy(x->gids, x->proc.user.additional_gids, base * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++)
      if (!parse_id(o->additional_gids[i], strlen(o->additional_gids[i]), &x->gids[base + i]))
        return sk_fail(err, 0, "--additional-gids \"%s\": expected a numeric GID",
                       o->additional_gids[i]);
    x->proc.user.additional_gids = x->gids;
    x->proc.user.n_additional_gids = base + n;
  }
  return 0;
}

/* The process: --process FILE as given, else the config's process with
 * the command line's changes. */
static int build_process(struct exec_plan *x, const struct sk_exec_opts *o, sk_error **err) {
  if (o->process_file) {
    _cleanup_free_ char *data = NULL;
    size_t len = 0;
    if (sk_read_file(o->process_file, &data, &len, err) < 0)
      return sk_wrap(err, "--process");
    _cleanup_free_ char *perr = NULL;
    x->from_file = oci_process_parse_data(data, len, &perr);
    if (x->from_file == NULL)
      return sk_fail(err, 0, "--process %s: %s", o->process_file, perr ? perr : "invalid");
    x->proc = *x->from_file;
  } else {
    const oci_process *base = x->config->process;
    if (base)
      x->proc = *base;
    x->proc.terminal = o->tty;
    x->proc.has_console_size = false;
    if (o->cwd)
      x->proc.cwd = (char *)o->cwd;
    if (o->no_new_privs)
      x->proc.no_new_privileges = true;
    if (o->apparmor)
      x->proc.apparmor_profile = (char *)o->apparmor;
    if (o->process_label)
      x->proc.selinux_label = (char *)o->process_label;
    x->proc.args = o->args;
    x->proc.n_args = sk_strv_length((const char *const *)o->args);
    if (apply_user_flags(x, o, err) < 0 || apply_cap_flags(x, o, err) < 0)
      return -1;
  }
  if (x->proc.n_args == 0)
    return sk_fail(err, 0, "exec: a command is required");
  if (x->proc.cwd == NULL || x->proc.cwd[0] != '/')
    return sk_fail(err, 0, "exec: the working directory must be absolute, got \"%s\"",
                   x->proc.cwd ? x->proc.cwd : "");
  x->argv = calloc(x->proc.n_args + 1, sizeof(char *));
  if (x->argv == NULL)
    return sk_fail(err, ENOMEM, "exec");
  memcpy(x->argv, x->proc.args, x->proc.n_args * sizeof(char *));
  x->envp = merge_env(x->proc.env, x->proc.n_env, o->process_file ? NULL : o->env, err);
  if (x->envp == NULL)
    return -1;
  x->proc.args = x->argv;
  x->proc.env = x->envp;
  x->proc.n_env = sk_strv_length((const char *const *)x->envp);
  return lsm_validate(&x->proc, err);
}

/* Which of the init's namespaces differ from ours. */
static void plan_namespaces(struct exec_plan *x) {
  static const struct {
    const char *name;
    unsigned long flag;
  } kinds[] = {{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},      {"pid", CLONE_NEWPID},
               {"net", CLONE_NEWNET},   {"ipc", CLONE_NEWIPC},     {"uts", CLONE_NEWUTS},
               {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME}};
  for (size_t i = 0; i < SK_ARRAY_SIZE(kinds); i++) {
    char theirs[64], ours[64];
    struct stat a, b;
    snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", x->init_pid, kinds[i].name);
    snprintf(ours, sizeof(ours), "/proc/self/ns/%s", kinds[i].name);
    if (stat(theirs, &a) < 0 || stat(ours, &b) < 0 ||
        (a.st_ino == b.st_ino && a.st_dev == b.st_dev))
      continue;
    /* pid and time apply to children: the runtime joins them before the
     * clone; the rest the child joins. */
    if (kinds[i].flag == CLONE_NEWPID || kinds[i].flag == CLONE_NEWTIME)
      x->children_flags |= kinds[i].flag;
    else
      x->join_flags |= kinds[i].flag;
    if (kinds[i].flag == CLONE_NEWUSER)
      x->in_userns = true;
  }
}

/* execCPUAffinity: "initial" before joining the container's cgroup (set in
 * the runtime, inherited by the clone), "final" after it (in the child). */
static int set_affinity(const char *field, const char *list, sk_error **err) {
  if (list == NULL || list[0] == '\0')
    return 0;
  cpu_set_t set;
  /* cpu_set_t is an array of unsigned long bits */
  if (sk_parse_num_list(list, (unsigned long *)&set, CPU_SETSIZE) < 0)
    return sk_fail(err, 0, "process.execCPUAffinity.%s: invalid CPU list \"%s\"", field, list);
  if (sched_setaffinity(0, sizeof(set), &set) < 0)
    return sk_fail_errno(err, "process.execCPUAffinity.%s \"%s\"", field, list);
  return 0;
}

static int exec_child_setup(struct exec_plan *x, int syncfd, char **exe, sk_error **err) {
  struct sk_msg msg;
  int r = sync_recv(syncfd, &msg, err);
  if (r <= 0 || msg.type != SK_MSG_GO)
    return r < 0 ? -1 : sk_fail(err, EPROTO, "the runtime went away before the go");
  x->host_pid = (pid_t)atoi(msg.payload);
  /* listenerPath is a path of the runtime's mount namespace: connect before
   * joining the container's. */
  if (seccomp_connect_listener(&x->seccomp, err) < 0)
    return -1;
  if (x->proc.exec_cpu_affinity && set_affinity("final", x->proc.exec_cpu_affinity->final, err) < 0)
    return -1;
  /* One setns for all: the kernel enters the user namespace first. Joining
   * the mount namespace puts our root and cwd at the container's root. */
  if (x->join_flags && setns(x->pidfd, (int)x->join_flags) < 0)
    return sk_fail_errno(err, "join the container's namespaces (setns 0x%lx)", x->join_flags);
  sk_closep(&x->pidfd);
  /* Out of the caller's session (CVE-2017-5226, see init.c), and a session
   * keyring of the container's, not the caller's. */
  if (setsid() < 0)
    return sk_fail_errno(err, "setsid");
  if (x->new_keyring && sk_join_session_keyring(x->container_id, err) < 0)
    return -1;
  if (x->in_userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
    return sk_fail_errno(err, "become root in the container's user namespace");
  if (x->proc.terminal && terminal_setup(&x->proc, x->console_fd, false, err) < 0)
    return -1;
  sk_closep(&x->console_fd);
  if (lsm_apply(&x->proc, err) < 0)
    return -1;
  if (process_find_executable(&x->proc, exe, err) < 0)
    return -1;
  if (!x->proc.no_new_privileges && seccomp_install(&x->seccomp, x->state_json, x->host_pid, err) < 0)
    return -1;
  if (process_apply(&x->proc, x->in_userns, err) < 0)
    return -1;
  return 0;
}

_Noreturn static void exec_child(struct exec_plan *x, int syncfd) {
  sk_error *err = NULL;
  char *exe = NULL;
  /* CVE-2019-5736: until execve this process is skiff. Non-dumpable, the
   * container's processes cannot open /proc/<pid>/exe (and through it the
   * host's binary) while we are in its namespaces. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  sk_log_to_stderr(false);
  int keep[] = {syncfd, x->pidfd, x->console_fd, sk_log_fd()};
  sk_close_fds_except(3 + (unsigned int)x->preserve_fds, keep, SK_ARRAY_SIZE(keep));
  if (exec_child_setup(x, syncfd, &exe, &err) < 0) {
    sync_send_error(syncfd, err);
    _exit(1);
  }
  sk_cloexec_from(3 + (unsigned int)x->preserve_fds);
  if (x->proc.no_new_privileges &&
      seccomp_install(&x->seccomp, x->state_json, x->host_pid, &err) < 0) {
    sync_send_error(syncfd, err);
    _exit(1);
  }
  execve(exe, x->argv, x->envp);
  sk_fail_errno(&err, "exec %s", exe);
  sync_send_error(syncfd, err);
  _exit(127);
}

static int open_console(struct exec_plan *x, const struct sk_exec_opts *o, int *ours,
                        sk_error **err) {
  if (!x->proc.terminal) {
    if (o->console_socket)
      return sk_fail(err, 0, "--console-socket given but no terminal was requested (--tty)");
    return 0;
  }
  if (o->console_socket) {
    x->console_fd = terminal_connect(o->console_socket, err);
    return x->console_fd < 0 ? -1 : 0;
  }
  if (o->detach)
    return sk_fail(err, 0, "--tty with --detach needs --console-socket");
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
    return sk_fail_errno(err, "terminal: socketpair");
  *ours = sp[0];
  x->console_fd = sp[1];
  return 0;
}

/* Clone the child into the container's cgroup and namespaces and wait
 * until it has called execve (EOF) or failed (ERROR). */
static int spawn_exec(struct exec_plan *x, sk_cgroup *cg, const char *sub_cgroup, pid_t *out,
                      sk_error **err) {
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return sk_fail_errno(err, "socketpair");
  _cleanup_close_ int parent_end = sp[0];
  _cleanup_close_ int child_end = sp[1];
  if (x->children_flags && setns(x->pidfd, (int)x->children_flags) < 0)
    return sk_fail_errno(err, "join the container's pid namespace");
  /* The child is non-dumpable from its first instruction, so in a user
   * namespace it could not write its own /proc/self/oom_score_adj: we do. */
  x->has_oom_score_adj = x->proc.has_oom_score_adj;
  x->oom_score_adj = x->proc.oom_score_adj;
  x->proc.has_oom_score_adj = false;

  struct clone_args args = {.flags = 0, .exit_signal = SIGCHLD};
  int cgfd = cg ? cgroup_clone_fd(cg) : -1;
  if (cgfd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)cgfd;
  }
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
  if (pid < 0 && (errno == ENOSYS || errno == EINVAL) && cgfd >= 0) {
    args.flags = 0;
    args.cgroup = 0;
    pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
  }
  if (pid < 0 && errno == ENOSYS)
    pid = fork();
  if (pid < 0)
    return sk_fail_errno(err, "clone the exec process");
  if (pid == 0) {
    close(parent_end);
    exec_child(x, child_end);
  }
  sk_closep(&child_end);
  if (x->has_oom_score_adj) {
    char path[64], value[16];
    snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
    snprintf(value, sizeof(value), "%d", x->oom_score_adj);
    if (sk_write_at(AT_FDCWD, path, value, err) < 0) {
      sk_wrap(err, "process.oomScoreAdj");
      goto fail;
    }
  }
  if (cg && cgroup_enter(cg, pid, err) < 0)
    goto fail;
  if (sub_cgroup && (cg == NULL ? sk_fail(err, ENOTSUP, "--cgroup: the container has no cgroup")
                                : cgroup_enter_sub(cg, sub_cgroup, pid, err)) < 0)
    goto fail;
  /* The go carries the child's pid as we see it (seccomp listener). */
  char pidbuf[16];
  snprintf(pidbuf, sizeof(pidbuf), "%d", pid);
  if (sync_send(parent_end, SK_MSG_GO, 0, pidbuf, err) < 0)
    goto fail;
  struct sk_msg msg;
  int r = sync_recv(parent_end, &msg, err);
  if (r < 0)
    goto fail;
  if (r == 1 && msg.type == SK_MSG_ERROR) {
    sk_fail(err, 0, "%s", msg.payload);
    (*err)->errnum = msg.errnum;
    goto fail;
  }
  *out = pid;
  return 0;
fail:
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return -1;
}

static int exec_locked(sk_container **cp, struct exec_plan *x, const struct sk_exec_opts *o,
                       int *exit_status, sk_error **err) {
  sk_container *c = *cp;
  enum sk_status st = state_status(c);
  if (st == SK_PAUSED && !o->ignore_paused)
    return sk_fail(err, 0, "container \"%s\" is paused: resume it or use --ignore-paused", c->id);
  if (st != SK_RUNNING && st != SK_CREATED && st != SK_PAUSED)
    return sk_fail(err, 0, "container \"%s\" is %s: cannot exec in it", c->id,
                   sk_status_name(st));
  if ((x->config = container_saved_config(c, err)) == NULL)
    return -1;
  if (build_process(x, o, err) < 0)
    return -1;
  if (x->config->linux_ && seccomp_plan(x->config->linux_->seccomp, &x->seccomp, err) < 0)
    return -1;
  if (x->seccomp.notify) {
    /* The container process state sent with the listener fd. */
    char *saved = c->state->status;
    c->state->status = (char *)sk_status_name(st);
    x->state_json = oci_state_to_json(c->state, false);
    c->state->status = saved;
    if (x->state_json == NULL)
      return sk_fail(err, ENOMEM, "exec: state");
  }
  x->init_pid = c->state->pid;
  x->container_id = c->id;
  x->new_keyring = !c->no_new_keyring;
  if ((x->pidfd = container_pidfd(c, err)) < 0)
    return -1;
  plan_namespaces(x);
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (container_open_cgroup(c, &cg, err) < 0)
    return -1;
  _cleanup_close_ int console_ours = -1;
  if (open_console(x, o, &console_ours, err) < 0)
    return -1;
  if (x->proc.exec_cpu_affinity &&
      set_affinity("initial", x->proc.exec_cpu_affinity->initial, err) < 0)
    return -1;
  /* In a paused container the frozen cgroup stops the child before its
   * execve, so the handshake lasts until `resume`, which needs the lock. */
  if (st == SK_PAUSED)
    state_close(cp);
  pid_t pid = -1;
  if (spawn_exec(x, cg, o->cgroup, &pid, err) < 0)
    return -1;
  sk_closep(&x->console_fd);
  _cleanup_close_ int master = -1;
  if (console_ours >= 0 && (master = terminal_recv_master(console_ours, err)) < 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
  }
  sk_debug("container %s: exec'd %s as pid %d", o->id, x->argv[0], pid);
  if (o->pid_file) {
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", pid);
    _cleanup_close_ int fd = open(o->pid_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || sk_write_all(fd, buf, strlen(buf), err) < 0) {
      if (fd < 0)
        sk_fail_errno(err, "--pid-file %s", o->pid_file);
      kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
      return -1;
    }
  }
  *exit_status = 0;
  if (o->detach)
    return 0;
  /* Others may act on the container while the process runs. */
  state_close(cp);
  *exit_status = master >= 0 ? terminal_forward(master, pid) : container_wait_forwarding(pid);
  return 0;
}

int container_exec(const struct sk_global *g, const struct sk_exec_opts *o, int *exit_status,
                   sk_error **err) {
  sk_container *c = NULL;
  if (state_open(g->root, o->id, false, &c, err) < 0)
    return -1;
  struct exec_plan x = {.pidfd = -1, .console_fd = -1, .preserve_fds = o->preserve_fds};
  int r = exec_locked(&c, &x, o, exit_status, err);
  state_close(&c);
  exec_plan_clear(&x);
  return r;
}
