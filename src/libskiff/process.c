/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container process: finding the executable in the container's PATH and
 * process_apply, which sets everything of config.md "process" on the init
 * process in the one order that works (explained at process_apply). */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* ---- args[0] lookup ---------------------------------------------------- */

/* The value of the last PATH= in env (runc sets the variables one by one,
 * so the last one wins), or NULL. */
static const char *env_path(const oci_process *p) {
  const char *found = NULL;
  for (size_t i = 0; i < p->n_env; i++)
    if (p->env[i] && strncmp(p->env[i], "PATH=", 5) == 0)
      found = p->env[i] + 5;
  return found;
}

/* `name` made absolute against process.cwd when it is relative and the cwd
 * is usable; otherwise a copy of `name`. NULL on ENOMEM. */
static char *against_cwd(const oci_process *p, const char *name) {
  char *out = NULL;
  if (name[0] == '/' || p->cwd == NULL || p->cwd[0] != '/')
    return strdup(name);
  size_t l = strlen(p->cwd);
  const char *sep = (l > 0 && p->cwd[l - 1] == '/') ? "" : "/";
  if (asprintf(&out, "%s%s%s", p->cwd, sep, name) < 0)
    return NULL;
  return out;
}

/* A regular file with an exec bit (what Go's exec.LookPath accepts). */
static bool is_executable_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0;
}

static int check_given_path(const oci_process *p, const char *name, char **path,
                            sk_error **err) {
  _cleanup_free_ char *full = against_cwd(p, name);
  if (full == NULL)
    return sk_fail(err, ENOMEM, "exec: \"%s\"", name);
  struct stat st;
  if (stat(full, &st) < 0)
    return sk_fail_errno(err, "exec: \"%s\": stat %s", name, full);
  if (S_ISDIR(st.st_mode))
    return sk_fail(err, EISDIR, "exec: \"%s\"", name);
  if (!S_ISREG(st.st_mode))
    return sk_fail(err, EACCES, "exec: \"%s\": not a regular file", name);
  if ((st.st_mode & 0111) == 0)
    return sk_fail(err, EACCES, "exec: \"%s\": no exec permission bit", name);
  *path = sk_steal_ptr(&full);
  return 0;
}

int process_find_executable(const oci_process *p, char **path, sk_error **err) {
  *path = NULL;
  if (p->n_args == 0 || p->args == NULL || p->args[0] == NULL)
    return sk_fail(err, 0, "process.args: must not be empty");
  const char *name = p->args[0];
  if (name[0] == '\0')
    return sk_fail(err, 0, "process.args[0]: must not be empty");
  if (strchr(name, '/') != NULL)
    return check_given_path(p, name, path, err);

  const char *search = env_path(p);
  if (search == NULL)
    search = DEFAULT_PATH;
  /* An empty PATH= searches nowhere; an empty entry inside it means the
   * current directory (POSIX), taken as process.cwd. */
  const char *s = search;
  while (*search != '\0') {
    const char *end = strchrnul(s, ':');
    int dlen = (int)(end - s);
    _cleanup_free_ char *cand = NULL;
    if (asprintf(&cand, "%.*s/%s", dlen ? dlen : 1, dlen ? s : ".", name) < 0)
      return sk_fail(err, ENOMEM, "exec: \"%s\"", name);
    _cleanup_free_ char *full = against_cwd(p, cand);
    if (full == NULL)
      return sk_fail(err, ENOMEM, "exec: \"%s\"", name);
    if (is_executable_file(full)) {
      *path = sk_steal_ptr(&full);
      return 0;
    }
    if (*end == '\0')
      break; /* that was the last entry */
    s = end + 1;
  }
  return sk_fail(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

/* ---- the steps of process_apply ----------------------------------------- */

static int set_oom_score_adj(int32_t v, sk_error **err) {
  char buf[16];
  int len = snprintf(buf, sizeof(buf), "%d", (int)v);
  _cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return sk_fail_errno(err, "process.oomScoreAdj: open /proc/self/oom_score_adj");
  ssize_t n;
  do
    n = write(fd, buf, (size_t)len);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    int e = errno;
    /* The kernel refuses to lower it (below oom_score_adj_min) without
     * CAP_SYS_RESOURCE. */
    return sk_fail(err, e, "process.oomScoreAdj: write %d to /proc/self/oom_score_adj%s",
                   (int)v, e == EACCES ? " (lowering it needs CAP_SYS_RESOURCE)" : "");
  }
  return 0;
}

/* "deny" in /proc/self/setgroups: an unprivileged user namespace where the
 * gid map was written without setgroups (user_namespaces(7)). */
static int set_groups(const oci_user *u, bool in_userns, sk_error **err) {
  if (u->n_additional_gids == 0) {
    /* Drop the runtime's own supplementary groups. In a user namespace
     * whose setgroups is "deny" this fails with EPERM, and there are none
     * worth dropping (they show as the overflow gid and grant nothing).
     * Tried rather than read from /proc/self/setgroups: an exec'd process
     * sees the container's /proc, which the container controls. */
    if (setgroups(0, NULL) < 0 && !(in_userns && errno == EPERM))
      return sk_fail_errno(err, "process.user.additionalGids: setgroups([])");
    return 0;
  }
  _Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits");
  if (setgroups(u->n_additional_gids, (const gid_t *)u->additional_gids) < 0) {
    int e = errno;
    const char *why = "";
    if (in_userns && e == EPERM)
      why = " (setgroups is denied in this user namespace)";
    else if (in_userns && e == EINVAL)
      why = " (a gid is not mapped in the user namespace)";
    return sk_fail(err, e, "process.user.additionalGids: setgroups%s", why);
  }
  return 0;
}

/* Groups, gid, then uid: setgroups and setresgid need CAP_SETGID, which
 * leaves the effective set with the uid change. PR_SET_KEEPCAPS keeps the
 * permitted set across a change away from uid 0 so that caps_apply_sets can
 * still grant the configured capabilities to a non-root user (the kernel
 * clears the effective and ambient sets regardless). */
static int set_identity(const oci_user *u, bool in_userns, sk_error **err) {
  const char *unmapped = in_userns ? " (not mapped in the user namespace?)" : "";
  if (set_groups(u, in_userns, err) < 0)
    return -1;
  if (setresgid(u->gid, u->gid, u->gid) < 0) {
    int e = errno;
    return sk_fail(err, e, "process.user.gid %u: setresgid%s", u->gid,
                   e == EINVAL ? unmapped : "");
  }
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return sk_fail_errno(err, "process.user.uid: prctl(PR_SET_KEEPCAPS, 1)");
  if (setresuid(u->uid, u->uid, u->uid) < 0) {
    int e = errno;
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    return sk_fail(err, e, "process.user.uid %u: setresuid%s", u->uid,
                   e == EINVAL ? unmapped : "");
  }
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return sk_fail_errno(err, "process.user.uid: prctl(PR_SET_KEEPCAPS, 0)");
  return 0;
}

static int enter_cwd(const oci_process *p, sk_error **err) {
  if (chdir(p->cwd) < 0) {
    int e = errno;
    if (e == EACCES)
      return sk_fail(err, e,
                     "process.cwd %s: chdir as uid %u gid %u (the container user may "
                     "not search one of its directories)",
                     p->cwd, p->user.uid, p->user.gid);
    return sk_fail(err, e, "process.cwd %s: chdir", p->cwd);
  }
  /* CVE-2024-21626: a cwd such as /proc/self/fd/N with N a leaked host
   * directory lands outside the container's root. The kernel's getcwd then
   * answers a path starting with "(unreachable)" (glibc's getcwd() hides it
   * behind ENOENT, so ask the kernel directly). */
  char buf[PATH_MAX];
  if (syscall(SYS_getcwd, buf, sizeof(buf)) < 0)
    return sk_fail_errno(err, "process.cwd %s: getcwd", p->cwd);
  if (buf[0] != '/')
    return sk_fail(err, 0,
                   "process.cwd %s: the working directory is outside the container's "
                   "root (getcwd: %s)",
                   p->cwd, buf);
  return 0;
}

/* ---- process_apply -------------------------------------------------------- */

/* The order, and why:
 *  0. Check everything that can be checked (cwd, rlimit and capability
 *     names) first, so that a bad config changes nothing.
 *  1. rlimits: raising a hard limit needs CAP_SYS_RESOURCE, still held (if at
 *     all) before the capabilities are reduced.
 *  2. oomScoreAdj: lowering it needs CAP_SYS_RESOURCE too.
 *  3. umask: needs nothing; 0022 when user.umask is absent, as runc does.
 *  4. bounding set: PR_CAPBSET_DROP needs CAP_SETPCAP in the effective set,
 *     which the uid change and the capset below may take away. Dropping from
 *     the bounding set leaves the effective set alone, so 5 still works.
 *  5. groups, gid, uid (with PR_SET_KEEPCAPS, see set_identity).
 *  6. effective/permitted/inheritable, then ambient: after the uid change,
 *     which clears the effective and ambient sets of a non-root user.
 *  7. cwd: after the identity change and the capset, so the directory is
 *     entered with the rights the container process will have (runc, too,
 *     retries after the user change a chdir that root could not do), then
 *     checked for an escape.
 *  8. noNewPrivileges: last; it only matters from execve on, and the
 *     seccomp filter loaded after us relies on it for unprivileged users. */
int process_apply(const oci_process *p, bool in_userns, sk_error **err) {
  sk_caps caps;
  if (p->cwd == NULL || p->cwd[0] != '/')
    return sk_fail(err, 0, "process.cwd: must be an absolute path");
  if (rlimits_check(p, err) < 0 || caps_parse(p->capabilities, &caps, err) < 0)
    return -1;

  if (rlimits_apply(p, err) < 0)
    return -1;
  if (p->has_oom_score_adj && set_oom_score_adj(p->oom_score_adj, err) < 0)
    return -1;
  umask(p->user.has_umask ? (mode_t)(p->user.umask & 0777) : 0022);
  if (caps_apply_bounding(caps.bounding, err) < 0)
    return -1;
  if (set_identity(&p->user, in_userns, err) < 0)
    return -1;
  if (caps_apply_sets(&caps, err) < 0)
    return -1;
  if (enter_cwd(p, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sk_fail_errno(err, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}
