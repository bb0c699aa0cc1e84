/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "spawn.h"

#include <fcntl.h>
#include <stdio.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init.h"
#include "log.h"
#include "namespaces.h"
#include "sync.h"
#include "util.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* clone3 without a new stack behaves like fork: the child continues on a
 * copy of our stack. We are single-threaded, so that is safe. Falls back to
 * clone(2) on kernels without clone3. */
static pid_t clone_init(unsigned long flags, int cgroup_fd, int *pidfd) {
  struct clone_args args;
  memset(&args, 0, sizeof(args));
  args.flags = flags | CLONE_PIDFD;
  args.pidfd = (uint64_t)(uintptr_t)pidfd;
  args.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)cgroup_fd;
  }
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
  if (pid < 0 && cgroup_fd >= 0 && (errno == EINVAL || errno == E2BIG || errno == EOPNOTSUPP)) {
    /* Kernels before 5.7: no CLONE_INTO_CGROUP; cgroup_enter() moves it. */
    args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
    args.cgroup = 0;
    pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
  }
  if (pid < 0 && errno == ENOSYS) {
    *pidfd = -1;
    pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
  }
  return pid;
}

static void describe_exit(int status, char *buf, size_t len) {
  if (WIFEXITED(status))
    snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
  else
    snprintf(buf, len, "ended with wait status %d", status);
}

int spawn_commit(struct sk_spawned *s, sk_error **err) {
  int r = sync_send(s->syncfd, SK_MSG_COMMIT, 0, NULL, err);
  sk_closep(&s->syncfd);
  return r;
}

void spawn_abort(struct sk_spawned *s) {
  sk_closep(&s->syncfd);
  if (s->pid <= 0) {
    sk_closep(&s->pidfd);
    return;
  }
  if (s->pidfd >= 0)
    syscall(SYS_pidfd_send_signal, s->pidfd, SIGKILL, NULL, 0);
  else
    kill(s->pid, SIGKILL);
  while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  if (s->pidfd >= 0)
    close(s->pidfd);
  s->pid = -1;
  s->pidfd = -1;
}

/* The init forked into its pid namespace (namespaces.c,
 * become_pid_ns_init): reap the old one, follow the new one. */
static int switch_to_new_init(struct sk_spawned *s, pid_t pid, sk_error **err) {
  if (pid <= 0)
    return sk_fail(err, EPROTO, "the container init's new pid was not received");
  while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
    ;
  sk_closep(&s->pidfd);
  s->pid = pid;
  s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (s->pidfd < 0)
    return sk_fail_errno(err, "pidfd_open of the container init %d", pid);
  return 0;
}

/* Wait for READY, running the runtime's hooks when asked; an ERROR message
 * carries the init's own error chain. */
static int wait_ready(const sk_plan *plan, struct sk_spawned *s, int syncfd,
                      sk_runtime_hooks_fn hooks, sk_error **err) {
  struct sk_msg msg;
  pid_t sender;
  int r;
  while ((r = sync_recv_from(syncfd, &msg, &sender, err)) == 1 &&
         (msg.type == SK_MSG_HOOKS || msg.type == SK_MSG_NEWPID)) {
    if (msg.type == SK_MSG_NEWPID) {
      if (switch_to_new_init(s, sender, err) < 0)
        return -1;
      continue;
    }
    if (hooks && hooks(plan, s->pid, err) < 0)
      return -1;
    if (sync_send(syncfd, SK_MSG_HOOKS_DONE, 0, NULL, err) < 0)
      return -1;
  }
  if (r < 0)
    return -1;
  if (r == 1 && msg.type == SK_MSG_READY)
    return 0;
  if (r == 1 && msg.type == SK_MSG_ERROR) {
    sk_fail(err, 0, "%s", msg.payload);
    (*err)->errnum = msg.errnum;
    return -1;
  }
  /* EOF: the init died without a word (a signal, an OOM kill...). */
  int status = 0;
  char what[128] = "ended";
  if (waitpid(s->pid, &status, 0) == s->pid) {
    describe_exit(status, what, sizeof(what));
    s->pid = -1;
  }
  return sk_fail(err, 0, "container init %s before it was ready", what);
}

int spawn_init(const sk_plan *plan, sk_cgroup *cg, int fifo_rd, int fifo_wr,
               sk_runtime_hooks_fn hooks, struct sk_spawned *out, sk_error **err) {
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return sk_fail_errno(err, "socketpair");
  _cleanup_close_ int parent_end = sp[0];
  _cleanup_close_ int child_end = sp[1];
  /* The init may tell us its new pid through SCM_CREDENTIALS. */
  int on = 1;
  if (plan->ns[SK_NS_USER].path && plan->ns[SK_NS_PID].wanted &&
      setsockopt(parent_end, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0)
    return sk_fail_errno(err, "socket: SO_PASSCRED");

  struct sk_ns_saved saved;
  if (namespaces_join_for_children(plan, &saved, err) < 0) {
    sk_error *ignored = NULL;
    namespaces_restore(&saved, &ignored);
    sk_error_free(&ignored);
    return -1;
  }

  struct sk_spawned s = {.pid = -1, .pidfd = -1, .syncfd = -1};
  s.pid = clone_init(plan->clone_flags, cg ? cgroup_clone_fd(cg) : -1, &s.pidfd);
  int clone_errno = errno;
  int restored = 0;
  if (s.pid != 0) /* back in our own namespaces; the child keeps what it inherited */
    restored = namespaces_restore(&saved, err);
  errno = clone_errno;
  if (s.pid < 0 && restored < 0)
    return -1;
  if (s.pid < 0)
    return sk_fail_errno(err, "clone the container init (namespace flags 0x%lx)",
                         plan->clone_flags);
  if (s.pid == 0) {
    close(parent_end);
    init_main(plan, child_end, fifo_rd, fifo_wr);
  }
  sk_closep(&child_end);
  if (restored < 0)
    goto fail;

  if (namespaces_write_id_maps(plan, s.pid, err) < 0)
    goto fail;
  sk_debug("container %s: init %d cloned", plan->id, s.pid);
  if (cg && cgroup_enter(cg, s.pid, err) < 0)
    goto fail;
  sk_debug("container %s: init in its cgroup", plan->id);
  /* The go carries the init's pid as we see it (for the seccomp listener's
   * container process state). */
  char pidbuf[16];
  snprintf(pidbuf, sizeof(pidbuf), "%d", s.pid);
  if (sync_send(parent_end, SK_MSG_GO, 0, pidbuf, err) < 0)
    goto fail;
  if (wait_ready(plan, &s, parent_end, hooks, err) < 0)
    goto fail;
  s.syncfd = sk_steal_fd(&parent_end);
  *out = s;
  return 0;

fail:
  spawn_abort(&s);
  return -1;
}
