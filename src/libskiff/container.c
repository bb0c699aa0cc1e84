/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "container.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "hooks.h"
#include "rootfs.h"
#include "log.h"
#include "signals.h"
#include "spawn.h"
#include "terminal.h"
#include "util.h"

static char *now_rfc3339(void) {
  struct timespec ts;
  struct tm tm;
  char buf[64];
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof(buf) - n, ".%09ldZ", ts.tv_nsec);
  return strdup(buf);
}

static char *owner_name(void) {
  struct passwd *pw = getpwuid(geteuid());
  if (pw)
    return strdup(pw->pw_name);
  char buf[32];
  snprintf(buf, sizeof(buf), "#%u", geteuid());
  return strdup(buf);
}

static int write_pid_file(const char *path, pid_t pid, sk_error **err) {
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "%d", pid);
  /* Written to a temp file then renamed, so that a reader polling for it
   * never sees it empty. */
  _cleanup_free_ char *tmp = NULL;
  if (asprintf(&tmp, "%s.skiff-tmp", path) < 0)
    return sk_fail(err, ENOMEM, "--pid-file");
  _cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return sk_fail_errno(err, "--pid-file: create %s", tmp);
  if (sk_write_all(fd, buf, (size_t)n, err) < 0 || rename(tmp, path) < 0) {
    int e = errno;
    unlink(tmp);
    if (*err)
      return sk_wrap(err, "--pid-file %s", path);
    return sk_fail(err, e, "--pid-file: rename to %s", path);
  }
  return 0;
}

/* exec.done: the init inherits its write end, close-on-exec; `start` waits
 * for the end of file that its execve (or death) makes. So `start` returns
 * once the user process runs: the poststart hooks come after the init's
 * startContainer hooks and execve (runtime.md), and no process exec'd into
 * the container meets a (non-dumpable) init still running skiff's code. */
static int make_exec_done(sk_container *c, sk_plan *plan, sk_error **err) {
  if (mkfifoat(c->dirfd, "exec.done", 0600) < 0)
    return sk_fail_errno(err, "create exec.done");
  /* A reader for the moment, so that opening the writer does not block. */
  _cleanup_close_ int rd = openat(c->dirfd, "exec.done", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  plan->exec_done_fd = rd < 0 ? -1 : openat(c->dirfd, "exec.done", O_WRONLY | O_CLOEXEC);
  if (plan->exec_done_fd < 0)
    return sk_fail_errno(err, "open exec.done");
  return 0;
}

/* Opened before the start byte is written, while the init still holds the
 * write end: a fifo reader opened after its last writer is gone gets no
 * POLLHUP until a new writer comes, which would never happen. */
static int open_exec_done(sk_container *c) {
  return openat(c->dirfd, "exec.done", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
}

/* Until the init's execve closed the write end, or the init died. */
static void wait_exec_done(sk_container *c, int fd) {
  if (fd < 0)
    return;
  sk_error *ignored = NULL;
  _cleanup_close_ int pidfd = container_pidfd(c, &ignored);
  sk_error_free(&ignored);
  struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
  while (poll(p, pidfd >= 0 ? 2 : 1, -1) < 0 && errno == EINTR)
    ;
  unlinkat(c->dirfd, "exec.done", 0);
}

/* exec.fifo: both ends are opened here and inherited by the init, which
 * blocks reading it; `start` opens it for writing and writes one byte. */
static int make_exec_fifo(sk_container *c, int *rd, int *wr, sk_error **err) {
  if (mkfifoat(c->dirfd, "exec.fifo", 0600) < 0)
    return sk_fail_errno(err, "create exec.fifo");
  *rd = openat(c->dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (*rd < 0)
    return sk_fail_errno(err, "open exec.fifo");
  *wr = openat(c->dirfd, "exec.fifo", O_WRONLY | O_CLOEXEC);
  if (*wr < 0)
    return sk_fail_errno(err, "open exec.fifo");
  return 0;
}

static int save_created_state(sk_container *c, const sk_plan *plan, pid_t pid, sk_error **err) {
  oci_state *s = calloc(1, sizeof(*s));
  if (s == NULL)
    return sk_fail(err, ENOMEM, "state");
  c->state = s;
  s->oci_version = strdup(plan->config->oci_version ? plan->config->oci_version : OCI_SPEC_VERSION);
  s->id = strdup(plan->id);
  s->status = strdup("created");
  s->has_pid = true;
  s->pid = pid;
  s->bundle = strdup(plan->bundle);
  const oci_map *a = &plan->config->annotations;
  if (a->len) {
    s->annotations.keys = calloc(a->len, sizeof(char *));
    s->annotations.values = calloc(a->len, sizeof(char *));
    if (s->annotations.keys == NULL || s->annotations.values == NULL)
      return sk_fail(err, ENOMEM, "state");
    for (size_t i = 0; i < a->len; i++) {
      s->annotations.keys[i] = strdup(a->keys[i]);
      s->annotations.values[i] = strdup(a->values[i]);
      s->annotations.len++;
    }
  }
  c->pid_start_time = state_pid_start_time(pid, NULL);
  c->rootfs = strdup(plan->rootfs);
  c->created = now_rfc3339();
  c->owner = owner_name();
  const oci_hooks *h = plan->config->hooks;
  c->post_hooks = h && (h->n_poststart || h->n_poststop);
  c->no_new_keyring = plan->no_new_keyring;
  if (sk_write_file_atomic(c->dirfd, "config.json", plan->config_json, plan->config_json_len,
                           err) < 0)
    return -1;
  return state_save(c, err);
}

static int run_runtime_hooks(const sk_plan *plan, pid_t pid, sk_error **err) {
  const oci_hooks *h = plan->config->hooks;
  _cleanup_free_ char *state = plan_state_json(plan, pid, "creating");
  if (state == NULL)
    return sk_fail(err, ENOMEM, "hooks");
  if (hooks_run("prestart", h->prestart, h->n_prestart, state, err) < 0)
    return -1;
  return hooks_run("createRuntime", h->create_runtime, h->n_create_runtime, state, err);
}

/* The config a container was created with (saved in its state dir). */
oci_config *container_saved_config(sk_container *c, sk_error **err) {
  _cleanup_close_ int fd = openat(c->dirfd, "config.json", O_RDONLY | O_CLOEXEC);
  _cleanup_free_ char *data = NULL;
  size_t len = 0;
  if (fd < 0) {
    sk_fail_errno(err, "container \"%s\": open its config.json", c->id);
    return NULL;
  }
  if (sk_read_fd_all(fd, &data, &len, err) < 0)
    return NULL;
  _cleanup_free_ char *perr = NULL;
  oci_config *cfg = oci_config_parse_data(data, len, &perr);
  if (cfg == NULL)
    sk_fail(err, 0, "container \"%s\": its config.json: %s", c->id, perr ? perr : "invalid");
  return cfg;
}

static char *container_state_json(sk_container *c, const char *status) {
  char *saved = c->state->status;
  c->state->status = (char *)status;
  char *json = oci_state_to_json(c->state, false);
  c->state->status = saved;
  return json;
}

/* Runs the post hooks of `kind` ("poststart" or "poststop") if any. */
static int run_post_hooks(sk_container *c, const char *kind, const char *status, sk_error **err) {
  if (!c->post_hooks || c->state == NULL)
    return 0;
  oci_config *cfg = container_saved_config(c, err);
  if (cfg == NULL)
    return -1;
  int r = 0;
  const oci_hooks *h = cfg->hooks;
  bool start = strcmp(kind, "poststart") == 0;
  size_t n = h ? (start ? h->n_poststart : h->n_poststop) : 0;
  if (n > 0) {
    _cleanup_free_ char *state = container_state_json(c, status);
    r = hooks_run(kind, start ? h->poststart : h->poststop, n, state ? state : "{}", err);
  }
  oci_config_free(cfg);
  return r;
}

/* The create operation up to a waiting init. On success the container is
 * locked and saved; on failure nothing of it is left. */
struct sk_cgroup_opts plan_cgroup_opts(const sk_plan *plan) {
  const oci_linux *lx = plan->config->linux_;
  return (struct sk_cgroup_opts){.id = plan->id,
                                 .cgroups_path = lx->cgroups_path,
                                 .systemd = plan->systemd_cgroup,
                                 .resources = &plan->cgroup_resources,
                                 .rootless = geteuid() != 0};
}

/* The fd the init sends the pty master to: the engine's --console-socket,
 * or (run in the foreground) one end of a socketpair whose other end we
 * keep in *ours. */
static int open_console_channel(sk_plan *plan, int *ours, sk_error **err) {
  if (!plan->config->process->terminal)
    return 0;
  if (plan->console_socket) {
    plan->console_fd = terminal_connect(plan->console_socket, err);
    return plan->console_fd < 0 ? -1 : 0;
  }
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
    return sk_fail_errno(err, "terminal: socketpair");
  *ours = sp[0];
  plan->console_fd = sp[1];
  return 0;
}

static int create_locked(const struct sk_global *g, sk_plan *plan, sk_container **out,
                         struct sk_spawned *spawned, int *master, sk_error **err) {
  _cleanup_container_ sk_container *c = NULL;
  if (state_create_dir(g->root, plan->id, &c, err) < 0)
    return -1;

  _cleanup_close_ int fifo_rd = -1;
  _cleanup_close_ int fifo_wr = -1;
  _cleanup_close_ int console_ours = -1;
  struct sk_spawned s = {.pid = -1, .pidfd = -1, .syncfd = -1};
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  struct sk_cgroup_opts cg_opts = plan_cgroup_opts(plan);
  if (make_exec_fifo(c, &fifo_rd, &fifo_wr, err) < 0 || make_exec_done(c, plan, err) < 0)
    goto fail;
  if (open_console_channel(plan, &console_ours, err) < 0)
    goto fail;
  sk_debug("container %s: planned, state dir made", plan->id);
  if (mounts_prepare_idmapped(plan, err) < 0 || cgroup_create(&cg_opts, &cg, err) < 0)
    goto fail;
  sk_debug("container %s: cgroup %s ready", plan->id, cg ? cgroup_path(cg) : "(none)");
  if (cg && (c->cgroup_path = strdup(cgroup_path(cg))) == NULL) {
    sk_fail(err, ENOMEM, "cgroup");
    goto fail;
  }
  c->systemd_cgroup = plan->systemd_cgroup;
  plan->cgroup_path = c->cgroup_path;
  int r = spawn_init(plan, cg, fifo_rd, fifo_wr, run_runtime_hooks, &s, err);
  sk_closep(&plan->console_fd);
  sk_closep(&plan->exec_done_fd);
  mounts_close_premade(plan);
  if (r < 0)
    goto fail;
  if (console_ours >= 0 && (*master = terminal_recv_master(console_ours, err)) < 0)
    goto fail;
  if (save_created_state(c, plan, s.pid, err) < 0)
    goto fail;
  if (plan->pid_file && write_pid_file(plan->pid_file, s.pid, err) < 0)
    goto fail;
  if (spawn_commit(&s, err) < 0)
    goto fail;
  sk_debug("container %s created: init pid %d, bundle %s, rootfs %s", plan->id, s.pid,
           plan->bundle, plan->rootfs);
  *spawned = s;
  *out = sk_steal_ptr(&c);
  return 0;

fail:
  spawn_abort(&s);
  sk_error *ignored = NULL;
  if (cg && cgroup_destroy(cg, &ignored) < 0) {
    sk_warn("%s", ignored->msg);
    sk_error_free(&ignored);
  }
  state_remove(c, &ignored);
  sk_error_free(&ignored);
  return -1;
}

static struct sk_plan_opts with_globals(const struct sk_global *g, const struct sk_plan_opts *o) {
  struct sk_plan_opts r = *o;
  r.systemd_cgroup = g->systemd_cgroup;
  return r;
}

int container_create(const struct sk_global *g, const struct sk_plan_opts *o, sk_error **err) {
  struct sk_plan_opts opts = with_globals(g, o);
  _cleanup_plan_ sk_plan *plan = NULL;
  if (plan_build(&opts, &plan, err) < 0)
    return -1;
  _cleanup_container_ sk_container *c = NULL;
  struct sk_spawned s;
  int master = -1;
  if (create_locked(g, plan, &c, &s, &master, err) < 0)
    return -1;
  if (s.pidfd >= 0)
    close(s.pidfd);
  return 0;
}

/* Write the start byte. ENXIO: no reader, the init is gone. */
static int signal_start(sk_container *c, sk_error **err) {
  _cleanup_close_ int fd = openat(c->dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENXIO)
      return sk_fail(err, 0, "container \"%s\": its init process is gone", c->id);
    return sk_fail_errno(err, "container \"%s\": open exec.fifo", c->id);
  }
  if (write(fd, "0", 1) != 1)
    return sk_fail_errno(err, "container \"%s\": write exec.fifo", c->id);
  unlinkat(c->dirfd, "exec.fifo", 0);
  return 0;
}

static int delete_locked(sk_container *c, bool force, sk_error **err);

static int start_locked(sk_container *c, sk_error **err) {
  enum sk_status st = state_status(c);
  if (st != SK_CREATED)
    return sk_fail(err, 0, "container \"%s\" is %s: only a created container can be started",
                   c->id, sk_status_name(st));
  _cleanup_close_ int done = open_exec_done(c);
  if (signal_start(c, err) < 0)
    return -1;
  sk_debug("container %s started", c->id);
  /* Waiting for the execve and the poststart hooks may take long (hooks
   * have their own timeouts): let state, kill and delete in meanwhile. */
  flock(c->dirfd, LOCK_UN);
  wait_exec_done(c, done);
  if (run_post_hooks(c, "poststart", "running", err) < 0) {
    /* runtime.md: a failed poststart hook stops and deletes the container. */
    sk_error *ignored = NULL;
    flock(c->dirfd, LOCK_EX);
    delete_locked(c, true, &ignored);
    sk_error_free(&ignored);
    return -1;
  }
  return 0;
}

int container_start(const struct sk_global *g, const char *id, sk_error **err) {
  _cleanup_container_ sk_container *c = NULL;
  if (state_open(g->root, id, true, &c, err) < 0)
    return -1;
  return start_locked(c, err);
}

int container_pidfd(const sk_container *c, sk_error **err) {
  int fd = (int)syscall(SYS_pidfd_open, c->state->pid, 0);
  if (fd < 0)
    return sk_fail_errno(err, "container \"%s\": pidfd_open %d", c->id, c->state->pid);
  /* The pid may have been reused between the status check and the open:
   * the start time tells. */
  if (state_pid_start_time(c->state->pid, NULL) != c->pid_start_time) {
    close(fd);
    return sk_fail(err, ESRCH, "container \"%s\": its init process is gone", c->id);
  }
  return fd;
}

/* Every process of the container, for kill --all (until cgroups track
 * them): the processes in the init's mount namespace. Every container has
 * its own one (plan.c requires it), so this never reaches the host's. */
static int kill_all_in_mntns(const sk_container *c, int sig, sk_error **err) {
  char path[300];
  struct stat init_ns, st;
  snprintf(path, sizeof(path), "/proc/%d/ns/mnt", c->state->pid);
  if (stat(path, &init_ns) < 0)
    return sk_fail_errno(err, "container \"%s\": %s", c->id, path);
  if (stat("/proc/self/ns/mnt", &st) == 0 && st.st_ino == init_ns.st_ino &&
      st.st_dev == init_ns.st_dev)
    return sk_fail(err, 0, "container \"%s\": shares our mount namespace", c->id);
  DIR *d = opendir("/proc");
  if (d == NULL)
    return sk_fail_errno(err, "open /proc");
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] < '0' || de->d_name[0] > '9')
      continue;
    snprintf(path, sizeof(path), "/proc/%s/ns/mnt", de->d_name);
    if (stat(path, &st) == 0 && st.st_ino == init_ns.st_ino && st.st_dev == init_ns.st_dev)
      kill(atoi(de->d_name), sig);
  }
  closedir(d);
  return 0;
}

/* The container's cgroup from its saved path; *cg stays NULL when it has
 * none. */
int container_open_cgroup(const sk_container *c, sk_cgroup **cg, sk_error **err) {
  *cg = NULL;
  if (c->cgroup_path == NULL)
    return 0;
  if (cgroup_open(c->cgroup_path, c->systemd_cgroup, c->id, cg, err) < 0)
    return sk_wrap(err, "container \"%s\"", c->id);
  return 0;
}

static int kill_locked(sk_container *c, int sig, bool all, sk_error **err) {
  enum sk_status st = state_status(c);
  if (st == SK_STOPPED || st == SK_CREATING)
    return sk_fail(err, 0, "container \"%s\" is %s: nothing to signal", c->id, sk_status_name(st));
  _cleanup_close_ int pidfd = container_pidfd(c, err);
  if (pidfd < 0)
    return -1;
  sk_debug("container %s: signal %d to %s", c->id, sig, all ? "all its processes" : "its init");
  if (all) {
    _cleanup_cgroup_ sk_cgroup *cg = NULL;
    if (container_open_cgroup(c, &cg, err) < 0)
      return -1;
    if (cg ? cgroup_kill_all(cg, sig, err) < 0 : kill_all_in_mntns(c, sig, err) < 0)
      return -1;
  }
  if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 && !(all && errno == ESRCH))
    return sk_fail_errno(err, "container \"%s\": signal %d", c->id, sig);
  return 0;
}

int container_kill(const struct sk_global *g, const char *id, int sig, bool all, sk_error **err) {
  _cleanup_container_ sk_container *c = NULL;
  if (state_open(g->root, id, false, &c, err) < 0)
    return -1;
  return kill_locked(c, sig, all, err);
}

/* SIGKILL the init and wait until it is gone (it may not be our child:
 * poll its pidfd, which becomes readable when the process exits). */
static int kill_and_wait(sk_container *c, sk_error **err) {
  _cleanup_close_ int pidfd = container_pidfd(c, err);
  if (pidfd < 0) {
    if ((*err)->errnum == ESRCH) {
      sk_error_free(err);
      return 0;
    }
    return -1;
  }
  if (syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH)
    return sk_fail_errno(err, "container \"%s\": kill", c->id);
  struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
  if (poll(&pfd, 1, 10000) <= 0)
    return sk_fail(err, ETIMEDOUT, "container \"%s\": init did not die after SIGKILL", c->id);
  /* Reap it if it is ours (`run`); harmless otherwise. */
  waitpid(c->state->pid, NULL, WNOHANG);
  return 0;
}

static int delete_locked(sk_container *c, bool force, sk_error **err) {
  enum sk_status st = state_status(c);
  if (st == SK_RUNNING && !force)
    return sk_fail(err, 0,
                   "container \"%s\" is running: stop it first or use delete --force", c->id);
  if (st == SK_CREATING && !force)
    return sk_fail(err, 0, "container \"%s\" is being created", c->id);
  if (st == SK_PAUSED) {
    /* A task frozen by the v1 freezer does not die of SIGKILL until it is
     * thawed: queue the kill first, then thaw, so nothing runs again. */
    _cleanup_cgroup_ sk_cgroup *frozen = NULL;
    if (container_open_cgroup(c, &frozen, err) < 0)
      return -1;
    sk_error *ignored = NULL;
    if (frozen && cgroup_kill_all(frozen, SIGKILL, &ignored) < 0)
      sk_error_free(&ignored);
    if (frozen && cgroup_freeze(frozen, false, err) < 0)
      return -1;
  }
  if (st == SK_RUNNING || st == SK_CREATED || st == SK_PAUSED) {
    if (kill_and_wait(c, err) < 0)
      return -1;
  }
  /* The cgroup goes with whatever is left in it (processes that outlived
   * the init without a pid namespace). */
  _cleanup_cgroup_ sk_cgroup *cg = NULL;
  if (container_open_cgroup(c, &cg, err) < 0 || (cg && cgroup_destroy(cg, err) < 0))
    return -1;
  /* poststop needs the saved config: run before the state dir goes, as a
   * warning only (runtime.md). */
  sk_error *hook_err = NULL;
  if (run_post_hooks(c, "poststop", "stopped", &hook_err) < 0) {
    sk_warn("%s", hook_err->msg);
    sk_error_free(&hook_err);
  }
  sk_debug("container %s deleted (was %s)", c->id, sk_status_name(st));
  return state_remove(c, err);
}

int container_delete(const struct sk_global *g, const char *id, bool force, sk_error **err) {
  _cleanup_container_ sk_container *c = NULL;
  if (state_open(g->root, id, true, &c, err) < 0)
    return -1;
  return delete_locked(c, force, err);
}

int container_state(const struct sk_global *g, const char *id, oci_state **out, sk_error **err) {
  _cleanup_container_ sk_container *c = NULL;
  if (state_open(g->root, id, false, &c, err) < 0)
    return -1;
  enum sk_status st = state_status(c);
  if (c->state == NULL) {
    oci_state *s = calloc(1, sizeof(*s));
    if (s == NULL)
      return sk_fail(err, ENOMEM, "state");
    s->oci_version = strdup(OCI_SPEC_VERSION);
    s->id = strdup(id);
    s->bundle = strdup("");
    c->state = s;
  }
  free(c->state->status);
  c->state->status = strdup(sk_status_name(st));
  if (st == SK_STOPPED)
    c->state->pid = 0; /* as runc: a stopped container has no pid */
  *out = sk_steal_ptr(&c->state);
  return 0;
}

int container_wait_forwarding(pid_t pid) {
  /* Forward the signals a user sends to `skiff run` to the container. */
  sigset_t set;
  signals_block_forwardable(&set);
  for (;;) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (r < 0 && errno != EINTR)
      return 255;
    siginfo_t info;
    int sig = sigwaitinfo(&set, &info);
    if (sig > 0 && sig != SIGCHLD)
      kill(pid, sig);
  }
}

int container_run(const struct sk_global *g, const struct sk_plan_opts *o, bool detach,
                  bool keep, int *exit_status, sk_error **err) {
  struct sk_plan_opts opts = with_globals(g, o);
  opts.attach_terminal = !detach;
  _cleanup_plan_ sk_plan *plan = NULL;
  if (plan_build(&opts, &plan, err) < 0)
    return -1;
  _cleanup_container_ sk_container *c = NULL;
  struct sk_spawned s;
  _cleanup_close_ int master = -1;
  if (create_locked(g, plan, &c, &s, &master, err) < 0)
    return -1;
  _cleanup_close_ int pidfd = s.pidfd;
  if (start_locked(c, err) < 0) {
    /* Everything goes, the cgroup included (a failed poststart hook has
     * deleted the container already). */
    sk_error *ignored = NULL;
    struct stat st;
    flock(c->dirfd, LOCK_EX);
    if (fstat(c->dirfd, &st) == 0 && st.st_nlink > 0)
      delete_locked(c, true, &ignored);
    sk_error_free(&ignored);
    spawn_abort(&s);
    pidfd = -1;
    return -1;
  }
  *exit_status = 0;
  if (detach)
    return 0;
  /* Let other commands (state, kill) at the container while it runs. */
  char *id = strdup(c->id);
  state_close(&c);
  *exit_status = master >= 0 ? terminal_forward(master, s.pid) : container_wait_forwarding(s.pid);
  int r = 0;
  if (!keep) {
    r = container_delete(g, id, true, err);
  }
  free(id);
  return r;
}
