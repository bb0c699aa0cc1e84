/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define HOOK_OUTPUT_MAX 2048

static char **null_terminated(char *const *v, size_t n, const char *first) {
  char **r = calloc(n + 2, sizeof(char *));
  if (r == NULL)
    return NULL;
  size_t k = 0;
  if (n == 0 && first)
    r[k++] = (char *)first;
  for (size_t i = 0; i < n; i++)
    r[k++] = v[i];
  return r;
}

static long remaining_ms(const struct timespec *deadline) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Feed stdin, collect stdout+stderr, wait for the exit or the timeout. */
static int supervise(pid_t pid, int pidfd, int *in, int out, const char *state_json,
                     const oci_hook *h, char *output, int *status, sk_error **err) {
  size_t in_len = strlen(state_json), in_off = 0, out_len = 0;
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += h->has_timeout ? h->timeout : 0;
  bool exited = false;
  while (!exited) {
    struct pollfd p[3] = {{.fd = pidfd, .events = POLLIN},
                          {.fd = out, .events = POLLIN},
                          {.fd = *in, .events = POLLOUT}};
    long wait = h->has_timeout ? remaining_ms(&deadline) : -1;
    if (h->has_timeout && wait <= 0) {
      kill(pid, SIGKILL);
      waitpid(pid, status, 0);
      return sk_fail(err, ETIMEDOUT, "timed out after %llds", (long long)h->timeout);
    }
    int r = poll(p, 3, (int)wait);
    if (r < 0 && errno != EINTR)
      return sk_fail_errno(err, "poll");
    if (p[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
      ssize_t n = write(*in, state_json + in_off, in_len - in_off);
      if (n > 0)
        in_off += (size_t)n;
      /* All written (or the hook closed its stdin: fine): close our end,
       * so a hook reading its stdin to the end (cat, jq) sees EOF. */
      if (n < 0 || in_off == in_len)
        sk_closep(in);
    }
    if (p[1].revents & (POLLIN | POLLHUP)) {
      char buf[512];
      ssize_t n = read(out, buf, sizeof(buf));
      if (n > 0) {
        size_t take = (size_t)n;
        if (out_len + take > HOOK_OUTPUT_MAX - 1)
          take = HOOK_OUTPUT_MAX - 1 - out_len;
        memcpy(output + out_len, buf, take);
        out_len += take;
      } else if (n == 0) {
        out = -1;
      }
    }
    if (p[0].revents & POLLIN)
      exited = true;
  }
  /* Drain what is left of the output, without waiting for a grandchild
   * that keeps the pipe open (a hook that daemonizes). */
  if (out >= 0)
    fcntl(out, F_SETFL, O_NONBLOCK);
  ssize_t n;
  while (out >= 0 && out_len < HOOK_OUTPUT_MAX - 1 &&
         (n = read(out, output + out_len, HOOK_OUTPUT_MAX - 1 - out_len)) > 0)
    out_len += (size_t)n;
  output[out_len] = '\0';
  while (out_len > 0 && (output[out_len - 1] == '\n' || output[out_len - 1] == ' '))
    output[--out_len] = '\0';
  if (waitpid(pid, status, 0) < 0)
    return sk_fail_errno(err, "wait");
  return 0;
}

static int run_one(const oci_hook *h, const char *state_json, sk_error **err) {
  _cleanup_free_ char **argv = null_terminated(h->args, h->n_args, h->path);
  _cleanup_free_ char **envp = null_terminated(h->env, h->n_env, NULL);
  if (argv == NULL || envp == NULL)
    return sk_fail(err, ENOMEM, "run");
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) < 0)
    return sk_fail_errno(err, "pipe");
  if (pipe2(out, O_CLOEXEC) < 0) {
    close(in[0]);
    close(in[1]);
    return sk_fail_errno(err, "pipe");
  }
  _cleanup_close_ int in_w = in[1];
  _cleanup_close_ int out_r = out[0];
  pid_t pid = fork();
  if (pid < 0) {
    close(in[0]);
    close(out[1]);
    return sk_fail_errno(err, "fork");
  }
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    execve(h->path, argv, envp);
    dprintf(2, "exec %s: %s", h->path, strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  /* Non-blocking stdin: a hook that never reads must not block us. */
  fcntl(in_w, F_SETFL, O_NONBLOCK);
  _cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return sk_fail_errno(err, "pidfd_open");
  }
  char output[HOOK_OUTPUT_MAX];
  int status = 0;
  if (supervise(pid, pidfd, &in_w, out_r, state_json, h, output, &status, err) < 0)
    return -1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  char what[64];
  if (WIFEXITED(status))
    snprintf(what, sizeof(what), "exited with status %d", WEXITSTATUS(status));
  else
    snprintf(what, sizeof(what), "killed by signal %d", WTERMSIG(status));
  return sk_fail(err, 0, "%s%s%s", what, output[0] ? ": " : "", output);
}

int hooks_run(const char *kind, const oci_hook *hooks, size_t n, const char *state_json,
              sk_error **err) {
  for (size_t i = 0; i < n; i++)
    if (run_one(&hooks[i], state_json, err) < 0)
      return sk_wrap(err, "hooks.%s[%zu] %s", kind, i, hooks[i].path);
  return 0;
}

static int validate_kind(const char *kind, const oci_hook *hooks, size_t n, bool check_exec,
                         sk_error **err) {
  for (size_t i = 0; i < n; i++) {
    const char *path = hooks[i].path;
    if (path == NULL || path[0] != '/')
      return sk_fail(err, 0, "hooks.%s[%zu].path: must be an absolute path, got \"%s\"", kind, i,
                     path ? path : "");
    if (hooks[i].has_timeout && hooks[i].timeout < 1)
      return sk_fail(err, 0, "hooks.%s[%zu].timeout: must be at least 1 second", kind, i);
    if (check_exec) {
      struct stat st;
      if (stat(path, &st) < 0)
        return sk_fail_errno(err, "hooks.%s[%zu].path %s", kind, i, path);
      if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
        return sk_fail(err, 0, "hooks.%s[%zu].path %s: not an executable file", kind, i, path);
    }
  }
  return 0;
}

int hooks_validate(const oci_hooks *h, sk_error **err) {
  if (h == NULL)
    return 0;
  /* Hooks that run in the runtime's mount namespace must exist now; the
   * container's ones resolve in its namespace and are checked when run. */
  if (validate_kind("prestart", h->prestart, h->n_prestart, true, err) < 0 ||
      validate_kind("createRuntime", h->create_runtime, h->n_create_runtime, true, err) < 0 ||
      validate_kind("createContainer", h->create_container, h->n_create_container, false, err) <
          0 ||
      validate_kind("startContainer", h->start_container, h->n_start_container, false, err) < 0 ||
      validate_kind("poststart", h->poststart, h->n_poststart, true, err) < 0 ||
      validate_kind("poststop", h->poststop, h->n_poststop, true, err) < 0)
    return -1;
  return 0;
}
