/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's init: the cloned child, from the parent's go to execve.
 * The order of the steps is the order of this file's init_main(). */
#include "init.h"

#include <alloca.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hooks.h"
#include "keyring.h"
#include "log.h"
#include "namespaces.h"
#include "process.h"
#include "rootfs.h"
#include "seccomp_filter.h"
#include "sync.h"
#include "lsm.h"
#include "scheduling.h"
#include "sysctl.h"
#include "terminal.h"
#include "util.h"

static void exit_on_signal(int sig) { _exit(128 + sig); }

/* As pid 1 of its namespace the waiting init ignores every signal it has
 * no handler for, so `kill ID TERM` of a created container would do
 * nothing; with these it dies as the user process would. execve resets
 * them. */
static void die_on_termination_signals(void) {
  static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM};
  struct sigaction sa = {.sa_handler = exit_on_signal};
  for (size_t i = 0; i < SK_ARRAY_SIZE(sigs); i++)
    sigaction(sigs[i], &sa, NULL);
}

/* Block until `start` writes to exec.fifo. */
static int wait_for_start(int fifo_rd, sk_error **err) {
  int flags = fcntl(fifo_rd, F_GETFL);
  if (flags < 0 || fcntl(fifo_rd, F_SETFL, flags & ~O_NONBLOCK) < 0)
    return sk_fail_errno(err, "exec.fifo: fcntl");
  char byte;
  for (;;) {
    ssize_t n = read(fifo_rd, &byte, 1);
    if (n == 1)
      return 0;
    if (n < 0 && errno == EINTR)
      continue;
    return sk_fail(err, n < 0 ? errno : EPIPE, "exec.fifo: wait for start");
  }
}

/* createRuntime and prestart run in the runtime: ask the parent and wait;
 * then createContainer here, in the container's namespaces, before
 * pivot_root. */
static int run_create_hooks(const sk_plan *plan, int syncfd, pid_t host_pid, sk_error **err) {
  const oci_hooks *h = plan->config->hooks;
  if (h == NULL)
    return 0;
  if (h->n_prestart || h->n_create_runtime) {
    struct sk_msg msg;
    if (sync_send(syncfd, SK_MSG_HOOKS, 0, NULL, err) < 0)
      return -1;
    int r = sync_recv(syncfd, &msg, err);
    if (r <= 0 || msg.type != SK_MSG_HOOKS_DONE)
      return r < 0 ? -1 : sk_fail(err, EPROTO, "the runtime's hooks did not complete");
  }
  if (h->n_create_container == 0)
    return 0;
  _cleanup_free_ char *state = plan_state_json(plan, host_pid, "creating");
  return hooks_run("createContainer", h->create_container, h->n_create_container,
                   state ? state : "{}", err);
}

static int run_start_hooks(const sk_plan *plan, pid_t host_pid, sk_error **err) {
  const oci_hooks *h = plan->config->hooks;
  if (h == NULL || h->n_start_container == 0)
    return 0;
  _cleanup_free_ char *state = plan_state_json(plan, host_pid, "created");
  return hooks_run("startContainer", h->start_container, h->n_start_container,
                   state ? state : "{}", err);
}

static int install_seccomp(const sk_plan *plan, pid_t host_pid, sk_error **err) {
  if (plan->seccomp.bpf == NULL)
    return 0;
  _cleanup_free_ char *state =
      plan->seccomp.notify ? plan_state_json(plan, host_pid, "creating") : NULL;
  return seccomp_install(&plan->seccomp, state ? state : "{}", host_pid, err);
}

static int setup_container(const sk_plan *plan, int syncfd, char **exe, pid_t *host_pid,
                           sk_error **err) {
  struct sk_msg msg;
  int r = sync_recv(syncfd, &msg, err);
  if (r <= 0 || msg.type != SK_MSG_GO)
    return r < 0 ? -1 : sk_fail(err, EPROTO, "the runtime went away before the go");
  *host_pid = (pid_t)atoi(msg.payload);

  /* A session of its own, always: otherwise the container shares the
   * caller's controlling terminal and could inject input into it through
   * /dev/tty (TIOCSTI, CVE-2017-5226). */
  if (setsid() < 0)
    return sk_fail_errno(err, "setsid");
  if (namespaces_enter(plan, syncfd, err) < 0)
    return -1;
  if (!plan->no_new_keyring && sk_join_session_keyring(plan->id, err) < 0)
    return -1;
  if (sysctl_apply(plan, err) < 0)
    return -1;
  if (rootfs_prepare(plan, err) < 0)
    return -1;
  if (run_create_hooks(plan, syncfd, *host_pid, err) < 0)
    return -1;
  if (seccomp_connect_listener(&plan->seccomp, err) < 0)
    return -1;
  if (rootfs_enter(plan, err) < 0)
    return -1;
  if (plan->config->process->terminal && terminal_setup(plan->config->process, plan->console_fd, true, err) < 0)
    return -1;
  if (plan->console_fd >= 0)
    close(plan->console_fd);
  const oci_process *proc = plan->config->process;
  if (process_find_executable(proc, exe, err) < 0)
    return -1;
  /* Scheduling and labels need the privileges process_apply gives up. */
  if (sched_apply(plan, err) < 0 || lsm_apply(proc, err) < 0)
    return -1;
  /* Without noNewPrivileges a filter can only be loaded while we still
   * hold CAP_SYS_ADMIN, i.e. before the process's identity is applied. */
  if (!proc->no_new_privileges && install_seccomp(plan, *host_pid, err) < 0)
    return -1;
  if (process_apply(proc, sk_plan_has_userns(plan), err) < 0)
    return -1;
  return 0;
}

_Noreturn void init_main(const sk_plan *plan, int syncfd, int fifo_rd, int fifo_wr) {
  sk_error *err = NULL;
  char *exe = NULL;
  pid_t host_pid = 0;

  /* The state dir lock above all: a waiting init must not hold it. */
  /* Messages of the init go to --log only: its stderr is the container's. */
  sk_log_to_stderr(false);
  size_t n_mounts = plan->premade_trees ? plan->config->n_mounts : 0;
  int *keep = alloca((6 + n_mounts) * sizeof(int));
  size_t n_keep = 0;
  keep[n_keep++] = syncfd;
  keep[n_keep++] = fifo_rd;
  keep[n_keep++] = fifo_wr;
  keep[n_keep++] = sk_log_fd();
  keep[n_keep++] = plan->console_fd;
  keep[n_keep++] = plan->exec_done_fd;
  for (size_t i = 0; i < n_mounts; i++)
    keep[n_keep++] = plan->premade_trees[i];
  sk_close_fds_except(3 + (unsigned int)plan->preserve_fds, keep, n_keep);
  if (setup_container(plan, syncfd, &exe, &host_pid, &err) < 0) {
    sync_send_error(syncfd, err);
    _exit(1);
  }
  /* Nothing of the runtime may reach the user process: everything above
   * the preserved fds is close-on-exec (the sync socket and exec.fifo are
   * already). */
  sk_cloexec_from(3 + (unsigned int)plan->preserve_fds);
  /* CVE-2019-5736: from now on processes exec'd into the container may see
   * us, and until execve we are skiff: non-dumpable, they cannot open
   * /proc/<pid>/exe (the host binary). execve makes the user process
   * dumpable again. Not earlier: in a user namespace a non-dumpable
   * process cannot write its own /proc/self files. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (sync_send(syncfd, SK_MSG_READY, 0, NULL, &err) < 0)
    _exit(1);
  /* Until the runtime has saved the container, the init must not outlive
   * it: a killed `create` would leave an init nobody knows of. Its death
   * closes the socket (EOF), as does a failure after READY. */
  struct sk_msg msg;
  if (sync_recv(syncfd, &msg, &err) <= 0 || msg.type != SK_MSG_COMMIT)
    _exit(1);
  close(syncfd);

  die_on_termination_signals();
  if (wait_for_start(fifo_rd, &err) < 0) {
    fprintf(stderr, "skiff init: %s\n", err->msg);
    _exit(1);
  }
  if (run_start_hooks(plan, host_pid, &err) < 0) {
    fprintf(stderr, "skiff init: %s\n", err->msg);
    _exit(1);
  }
  /* As late as possible: the filter constrains nothing of our setup. */
  if (plan->config->process->no_new_privileges && install_seccomp(plan, host_pid, &err) < 0) {
    fprintf(stderr, "skiff init: %s\n", err->msg);
    _exit(1);
  }
  execve(exe, plan->argv, plan->envp);
  fprintf(stderr, "skiff init: exec %s: %s\n", exe, strerror(errno));
  _exit(127);
}
