/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of process.h: every case runs in a forked child (it changes
 * the child's uid, capabilities, rlimits, ...), builds an oci_process by
 * hand, calls the function and checks the effect from inside the child
 * (/proc/self/status, getrlimit, umask, getcwd). The exit code of the child
 * is the verdict; its diagnostics go to stderr. Needs root. */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static char tmpdir[] = "/tmp/skiff-test-process-XXXXXX";

#define CHECK(cond, ...)                                                  \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "    %s:%d: check failed: %s: ", __FILE__, __LINE__, \
              #cond);                                                     \
      fprintf(stderr, __VA_ARGS__);                                       \
      fputc('\n', stderr);                                                \
      return 1;                                                           \
    }                                                                     \
  } while (0)

/* ---- helpers ---------------------------------------------------------- */

static char *default_args[] = {"/bin/true", NULL};

/* A minimal valid process: root, cwd "/", no capabilities object. */
static oci_process base_process(void) {
  oci_process p = {0};
  p.args = default_args;
  p.n_args = 1;
  p.cwd = "/";
  return p;
}

/* Every capability the test holds, in the bounding, effective and
 * permitted sets: for cases that call process_apply more than once in the
 * same child. */
static oci_capabilities all_caps;
static char *held[65];
static oci_capabilities *full_caps(void) {
  const char *const *names = caps_all_names();
  size_t n = 0;
  cap_t cur = cap_get_proc();
  for (size_t i = 0; names[i] && n < 64; i++) {
    cap_flag_value_t v = CAP_CLEAR;
    int c = caps_from_name(names[i]);
    if (c <= caps_kernel_last() && cap_get_flag(cur, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
      held[n++] = (char *)names[i];
  }
  cap_free(cur);
  all_caps = (oci_capabilities){.bounding = held, .n_bounding = n,
                                .effective = held, .n_effective = n,
                                .permitted = held, .n_permitted = n};
  return &all_caps;
}

static const char *msg(sk_error *err) { return err && err->msg ? err->msg : "(no error)"; }

/* Value of "Key:" in /proc/self/status, whitespace-trimmed, into out. */
static bool status_value(const char *key, char *out, size_t n) {
  FILE *f = fopen("/proc/self/status", "re");
  if (f == NULL)
    return false;
  char line[512];
  size_t kl = strlen(key);
  bool found = false;
  while (fgets(line, sizeof(line), f)) {
    if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
      char *v = line + kl + 1;
      while (*v == ' ' || *v == '\t')
        v++;
      size_t l = strlen(v);
      while (l > 0 && (v[l - 1] == '\n' || v[l - 1] == ' ' || v[l - 1] == '\t'))
        v[--l] = '\0';
      snprintf(out, n, "%s", v);
      found = true;
      break;
    }
  }
  fclose(f);
  return found;
}

static uint64_t status_hex(const char *key) {
  char v[64];
  if (!status_value(key, v, sizeof(v)))
    return UINT64_MAX;
  return strtoull(v, NULL, 16);
}

static uint64_t mask_of(char **names, size_t n) {
  uint64_t m = 0;
  for (size_t i = 0; i < n; i++)
    m |= UINT64_C(1) << caps_from_name(names[i]);
  return m;
}

static mode_t current_umask(void) {
  mode_t m = umask(0);
  umask(m);
  return m;
}

static int write_file(const char *path, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return -1;
  if (write(fd, "#!/bin/sh\n", 10) != 10) {
    close(fd);
    return -1;
  }
  close(fd);
  return chmod(path, mode);
}

/* Take CAP_SYS_RESOURCE out of the effective set, so the rlimit/oom
 * behaviour does not depend on whether the test runner has it. */
static void drop_sys_resource(void) {
  cap_t c = cap_get_proc();
  cap_value_t v = CAP_SYS_RESOURCE;
  if (c && cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) == 0)
    cap_set_proc(c);
  cap_free(c);
}

/* ---- process_find_executable ------------------------------------------- */

static int t_empty_args(void) {
  _cleanup_error_ sk_error *err = NULL;
  char *path = NULL;
  oci_process p = base_process();
  p.n_args = 0;
  p.args = NULL;
  int r = process_find_executable(&p, &path, &err);
  CHECK(r == -1 && strcmp(msg(err), "process.args: must not be empty") == 0, "%s", msg(err));
  return 0;
}

static int t_missing_absolute(void) {
  _cleanup_error_ sk_error *err = NULL;
  char *path = NULL;
  char *args[] = {"/nonexistent/x", NULL};
  oci_process p = base_process();
  p.args = args;
  int r = process_find_executable(&p, &path, &err);
  CHECK(r == -1 &&
            strcmp(msg(err),
                   "exec: \"/nonexistent/x\": stat /nonexistent/x: No such file or directory") == 0,
        "%s", msg(err));
  return 0;
}

static int t_absolute_not_executable(void) {
  _cleanup_error_ sk_error *err = NULL;
  char *path = NULL;
  _cleanup_free_ char *plain = NULL;
  if (asprintf(&plain, "%s/bin1/prog", tmpdir) < 0)
    return 1;
  char *args[] = {plain, NULL};
  oci_process p = base_process();
  p.args = args;
  int r = process_find_executable(&p, &path, &err);
  CHECK(r == -1 && strstr(msg(err), "Permission denied"), "%s", msg(err));

  char *dir_args[] = {"/tmp", NULL};
  p.args = dir_args;
  r = process_find_executable(&p, &path, &err);
  CHECK(r == -1 && strcmp(msg(err), "exec: \"/tmp\": Is a directory") == 0, "%s", msg(err));
  return 0;
}

static int t_absolute_found(void) {
  _cleanup_error_ sk_error *err = NULL;
  _cleanup_free_ char *path = NULL;
  _cleanup_free_ char *want = NULL;
  if (asprintf(&want, "%s/bin2/prog", tmpdir) < 0)
    return 1;
  char *args[] = {want, "arg", NULL};
  oci_process p = base_process();
  p.args = args;
  p.n_args = 2;
  int r = process_find_executable(&p, &path, &err);
  CHECK(r == 0 && strcmp(path, want) == 0, "%s -> %s", msg(err), path ? path : "(null)");
  return 0;
}

/* PATH from env; a non-executable match and a directory are skipped. */
static int t_path_from_env(void) {
  _cleanup_error_ sk_error *err = NULL;
  _cleanup_free_ char *path = NULL, *env_path = NULL, *want = NULL;
  if (asprintf(&env_path, "PATH=/nonexistent:%s/dir:%s/bin1:%s/bin2", tmpdir, tmpdir, tmpdir) < 0 ||
      asprintf(&want, "%s/bin2/prog", tmpdir) < 0)
    return 1;
  char *args[] = {"prog", NULL};
  char *env[] = {"FOO=1", "PATH=/wrong", env_path, "BAR=2", NULL};
  oci_process p = base_process();
  p.args = args;
  p.env = env;
  p.n_env = 4;
  int r = process_find_executable(&p, &path, &err);
  CHECK(r == 0 && strcmp(path, want) == 0, "%s -> %s", msg(err), path ? path : "(null)");
  return 0;
}

static int t_path_not_found(void) {
  _cleanup_error_ sk_error *err = NULL;
  char *path = NULL;
  _cleanup_free_ char *env_path = NULL;
  if (asprintf(&env_path, "PATH=%s/bin1", tmpdir) < 0)
    return 1;
  char *args[] = {"skiff-no-such-prog", NULL};
  oci_process p = base_process();
  p.args = args;
  int r = process_find_executable(&p, &path, &err);
  CHECK(r == -1 && strcmp(msg(err),
                          "exec: \"skiff-no-such-prog\": executable file not found in $PATH") == 0,
        "%s", msg(err));
  /* The env's PATH replaces the default: "sh" is not in bin1. */
  char *sh_args[] = {"sh", NULL};
  char *env[] = {env_path, NULL};
  p.args = sh_args;
  p.env = env;
  p.n_env = 1;
  r = process_find_executable(&p, &path, &err);
  CHECK(r == -1 && strcmp(msg(err), "exec: \"sh\": executable file not found in $PATH") == 0,
        "%s", msg(err));
  return 0;
}

static int t_default_path(void) {
  _cleanup_error_ sk_error *err = NULL;
  _cleanup_free_ char *path = NULL;
  char *args[] = {"sh", NULL};
  oci_process p = base_process();
  p.args = args;
  int r = process_find_executable(&p, &path, &err);
  CHECK(r == 0, "%s", msg(err));
  size_t l = strlen(path);
  CHECK(path[0] == '/' && l > 3 && strcmp(path + l - 3, "/sh") == 0 && access(path, X_OK) == 0,
        "got %s", path);
  return 0;
}

/* "./prog" and relative PATH entries are taken from process.cwd. */
static int t_relative_against_cwd(void) {
  _cleanup_error_ sk_error *err = NULL;
  _cleanup_free_ char *path = NULL, *cwd = NULL, *want = NULL;
  if (asprintf(&cwd, "%s/bin2", tmpdir) < 0 || asprintf(&want, "%s/bin2/./prog", tmpdir) < 0)
    return 1;
  char *args[] = {"./prog", NULL};
  oci_process p = base_process();
  p.args = args;
  p.cwd = cwd;
  int r = process_find_executable(&p, &path, &err);
  CHECK(r == 0 && strcmp(path, want) == 0, "%s -> %s", msg(err), path ? path : "(null)");
  free(path);
  path = NULL;

  char *prog_args[] = {"prog", NULL};
  char *env[] = {"PATH=bin1:bin2", NULL};
  p.args = prog_args;
  p.env = env;
  p.n_env = 1;
  p.cwd = tmpdir;
  free(want);
  if (asprintf(&want, "%s/bin2/prog", tmpdir) < 0)
    return 1;
  r = process_find_executable(&p, &path, &err);
  CHECK(r == 0 && strcmp(path, want) == 0, "%s -> %s", msg(err), path ? path : "(null)");
  free(path);
  path = NULL;

  /* An empty entry (here the trailing one) is the cwd. */
  char *env2[] = {"PATH=/nonexistent:", NULL};
  p.env = env2;
  p.cwd = cwd;
  free(want);
  if (asprintf(&want, "%s/bin2/./prog", tmpdir) < 0)
    return 1;
  r = process_find_executable(&p, &path, &err);
  CHECK(r == 0 && strcmp(path, want) == 0, "%s -> %s", msg(err), path ? path : "(null)");
  return 0;
}

/* ---- process_apply: rlimits, oom, umask -------------------------------- */

static int t_rlimits(void) {
  _cleanup_error_ sk_error *err = NULL;
  oci_rlimit rl[] = {{"RLIMIT_NOFILE", 512, 1024}, {"RLIMIT_CORE", 0, 0}};
  oci_process p = base_process();
  p.rlimits = rl;
  p.n_rlimits = 2;
  CHECK(process_apply(&p, false, &err) == 0, "%s", msg(err));
  struct rlimit r;
  CHECK(getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur == 512 && r.rlim_max == 1024,
        "NOFILE %lu/%lu", (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
  CHECK(getrlimit(RLIMIT_CORE, &r) == 0 && r.rlim_cur == 0 && r.rlim_max == 0, "CORE %lu/%lu",
        (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
  CHECK(rlimit_from_name("RLIMIT_RTTIME") == RLIMIT_RTTIME && rlimit_from_name("NOFILE") == -1,
        "rlimit_from_name");
  return 0;
}

static int t_rlimit_unknown(void) {
  _cleanup_error_ sk_error *err = NULL;
  oci_rlimit rl[] = {{"RLIMIT_NOFILE", 512, 1024}, {"RLIMIT_CORE", 0, 0},
                     {"RLIMIT_FOO", 1, 1}};
  oci_process p = base_process();
  p.rlimits = rl;
  p.n_rlimits = 3;
  umask(0);
  int r = process_apply(&p, false, &err);
  CHECK(r == -1 && strcmp(msg(err), "process.rlimits[2]: unknown rlimit \"RLIMIT_FOO\"") == 0,
        "%s", msg(err));
  /* Checked before anything changed. */
  struct rlimit cur;
  CHECK(getrlimit(RLIMIT_NOFILE, &cur) == 0 && cur.rlim_cur != 512, "NOFILE was applied");
  CHECK(current_umask() == 0, "umask was applied");
  return 0;
}

static int t_rlimit_soft_above_hard(void) {
  _cleanup_error_ sk_error *err = NULL;
  oci_rlimit rl[] = {{"RLIMIT_NOFILE", 2048, 1024}};
  oci_process p = base_process();
  p.rlimits = rl;
  p.n_rlimits = 1;
  int r = process_apply(&p, false, &err);
  CHECK(r == -1 && strcmp(msg(err), "process.rlimits[0]: RLIMIT_NOFILE: soft limit 2048 is "
                                    "greater than hard limit 1024") == 0,
        "%s", msg(err));
  oci_rlimit dup[] = {{"RLIMIT_NOFILE", 10, 10}, {"RLIMIT_NOFILE", 20, 20}};
  p.rlimits = dup;
  p.n_rlimits = 2;
  r = process_apply(&p, false, &err);
  CHECK(r == -1 && strstr(msg(err), "process.rlimits[1]: RLIMIT_NOFILE: duplicate"), "%s",
        msg(err));
  return 0;
}

static int t_rlimit_raise_hard(void) {
  _cleanup_error_ sk_error *err = NULL;
  drop_sys_resource();
  struct rlimit low = {100, 1000};
  CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0, "setrlimit: %s", strerror(errno));
  oci_rlimit rl[] = {{"RLIMIT_NOFILE", 100, 2000}};
  oci_process p = base_process();
  p.rlimits = rl;
  p.n_rlimits = 1;
  int r = process_apply(&p, false, &err);
  CHECK(r == -1 && strcmp(msg(err), "process.rlimits[0]: RLIMIT_NOFILE: raising the hard limit "
                                    "from 1000 to 2000 needs CAP_SYS_RESOURCE: setrlimit: "
                                    "Operation not permitted") == 0,
        "%s", msg(err));
  return 0;
}

static int read_oom(void) {
  char buf[16] = "";
  int fd = open("/proc/self/oom_score_adj", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -10000;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  return n > 0 ? atoi(buf) : -10000;
}

static int t_oom_score_adj(void) {
  _cleanup_error_ sk_error *err = NULL;
  int cur = read_oom();
  CHECK(cur > -10000, "read oom_score_adj");
  /* Only raise it: lowering needs CAP_SYS_RESOURCE. */
  int want = cur + 100 > 1000 ? 1000 : cur + 100;
  oci_process p = base_process();
  p.has_oom_score_adj = true;
  p.oom_score_adj = want;
  CHECK(process_apply(&p, false, &err) == 0, "%s", msg(err));
  CHECK(read_oom() == want, "oom_score_adj %d, want %d", read_oom(), want);

  p.oom_score_adj = 2000;
  int r = process_apply(&p, false, &err);
  CHECK(r == -1 && strstr(msg(err), "process.oomScoreAdj: write 2000") &&
            strstr(msg(err), "Invalid argument"),
        "%s", msg(err));
  return 0;
}

static int t_umask(void) {
  _cleanup_error_ sk_error *err = NULL;
  oci_process p = base_process();
  p.capabilities = full_caps();
  umask(0777);
  CHECK(process_apply(&p, false, &err) == 0, "%s", msg(err));
  CHECK(current_umask() == 0022, "default umask %03o", (unsigned)current_umask());
  p.user.has_umask = true;
  p.user.umask = 0077;
  CHECK(process_apply(&p, false, &err) == 0, "%s", msg(err));
  CHECK(current_umask() == 0077, "umask %03o", (unsigned)current_umask());
  return 0;
}

/* ---- process_apply: identity and capabilities ------------------------- */

static int t_user_and_caps(void) {
  _cleanup_error_ sk_error *err = NULL;
  char *full[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  char *bind[] = {"CAP_NET_BIND_SERVICE"};
  oci_capabilities caps = {.bounding = full, .n_bounding = 3,
                           .effective = full, .n_effective = 3,
                           .permitted = full, .n_permitted = 3,
                           .inheritable = bind, .n_inheritable = 1,
                           .ambient = bind, .n_ambient = 1};
  uint32_t gids[] = {10, 20};
  oci_process p = base_process();
  p.user.uid = 1000;
  p.user.gid = 1001;
  p.user.additional_gids = gids;
  p.user.n_additional_gids = 2;
  p.capabilities = &caps;
  CHECK(process_apply(&p, false, &err) == 0, "%s", msg(err));

  char v[128];
  CHECK(status_value("Uid", v, sizeof(v)) && strcmp(v, "1000\t1000\t1000\t1000") == 0, "Uid %s", v);
  CHECK(status_value("Gid", v, sizeof(v)) && strcmp(v, "1001\t1001\t1001\t1001") == 0, "Gid %s", v);
  CHECK(status_value("Groups", v, sizeof(v)) && strcmp(v, "10 20") == 0, "Groups %s", v);
  uint64_t all = mask_of(full, 3), amb = mask_of(bind, 1);
  CHECK(status_hex("CapBnd") == all, "CapBnd %016" PRIx64, status_hex("CapBnd"));
  CHECK(status_hex("CapEff") == all, "CapEff %016" PRIx64, status_hex("CapEff"));
  CHECK(status_hex("CapPrm") == all, "CapPrm %016" PRIx64, status_hex("CapPrm"));
  CHECK(status_hex("CapInh") == amb, "CapInh %016" PRIx64, status_hex("CapInh"));
  CHECK(status_hex("CapAmb") == amb, "CapAmb %016" PRIx64, status_hex("CapAmb"));
  CHECK(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0, "keepcaps left on");

  /* After execve, a non-root process keeps exactly its ambient set. */
  FILE *f = popen("grep '^CapEff' /proc/self/status", "r");
  CHECK(f != NULL, "popen");
  char line[128] = "";
  char *got = fgets(line, sizeof(line), f);
  pclose(f);
  CHECK(got && strtoull(line + 7, NULL, 16) == amb, "after exec: %s", line);
  return 0;
}

/* No capabilities object: nothing at all, bounding set included (runc). */
static int t_no_capabilities(void) {
  _cleanup_error_ sk_error *err = NULL;
  oci_process p = base_process();
  CHECK(process_apply(&p, false, &err) == 0, "%s", msg(err));
  CHECK(status_hex("CapBnd") == 0, "CapBnd %016" PRIx64, status_hex("CapBnd"));
  CHECK(status_hex("CapEff") == 0, "CapEff %016" PRIx64, status_hex("CapEff"));
  CHECK(status_hex("CapPrm") == 0, "CapPrm %016" PRIx64, status_hex("CapPrm"));
  char v[64];
  CHECK(status_value("Groups", v, sizeof(v)) && v[0] == '\0', "Groups '%s'", v);
  CHECK(status_value("NoNewPrivs", v, sizeof(v)) && strcmp(v, "0") == 0, "NoNewPrivs %s", v);
  return 0;
}

static int t_unknown_capability(void) {
  _cleanup_error_ sk_error *err = NULL;
  char *bad[] = {"CAP_CHOWN", "CAP_FOO"};
  oci_capabilities caps = {.bounding = bad, .n_bounding = 2};
  oci_process p = base_process();
  p.capabilities = &caps;
  p.user.uid = 1000;
  int r = process_apply(&p, false, &err);
  CHECK(r == -1 &&
            strcmp(msg(err), "process.capabilities.bounding: unknown capability \"CAP_FOO\"") == 0,
        "%s", msg(err));
  CHECK(getuid() == 0, "uid changed before the error");
  char *lower[] = {"cap_chown"};
  oci_capabilities caps2 = {.effective = lower, .n_effective = 1};
  p.capabilities = &caps2;
  r = process_apply(&p, false, &err);
  CHECK(r == -1 && strcmp(msg(err),
                          "process.capabilities.effective: unknown capability \"cap_chown\"") == 0,
        "%s", msg(err));
  return 0;
}

static int t_effective_not_permitted(void) {
  _cleanup_error_ sk_error *err = NULL;
  char *two[] = {"CAP_CHOWN", "CAP_KILL"};
  char *one[] = {"CAP_CHOWN"};
  oci_capabilities caps = {.bounding = two, .n_bounding = 2, .effective = two, .n_effective = 2,
                           .permitted = one, .n_permitted = 1};
  oci_process p = base_process();
  p.capabilities = &caps;
  int r = process_apply(&p, false, &err);
  CHECK(r == -1 && strcmp(msg(err), "process.capabilities.effective: CAP_KILL is not in the "
                                    "permitted set: capset: Operation not permitted") == 0,
        "%s", msg(err));
  return 0;
}

static int t_ambient_needs_inheritable(void) {
  _cleanup_error_ sk_error *err = NULL;
  char *bind[] = {"CAP_NET_BIND_SERVICE"};
  oci_capabilities caps = {.bounding = bind, .n_bounding = 1, .effective = bind, .n_effective = 1,
                           .permitted = bind, .n_permitted = 1, .ambient = bind, .n_ambient = 1};
  oci_process p = base_process();
  p.user.uid = 1000;
  p.user.gid = 1000;
  p.capabilities = &caps;
  /* Skipped with a warning, as runc 1.1 does: the process starts without it. */
  int r = process_apply(&p, false, &err);
  CHECK(r == 0, "%s", msg(err));
  char v[32];
  CHECK(status_value("CapAmb", v, sizeof(v)) && strcmp(v, "0000000000000000") == 0, "CapAmb %s", v);
  return 0;
}

static int t_no_new_privileges(void) {
  _cleanup_error_ sk_error *err = NULL;
  oci_process p = base_process();
  p.no_new_privileges = true;
  CHECK(process_apply(&p, false, &err) == 0, "%s", msg(err));
  char v[16];
  CHECK(status_value("NoNewPrivs", v, sizeof(v)) && strcmp(v, "1") == 0, "NoNewPrivs %s", v);
  return 0;
}

static int t_caps_names(void) {
  CHECK(caps_from_name("CAP_CHOWN") == 0, "CAP_CHOWN");
  CHECK(caps_from_name("CAP_SYS_ADMIN") == 21, "CAP_SYS_ADMIN");
  CHECK(caps_from_name("CAP_FOO") == -1 && caps_from_name("sys_admin") == -1 &&
            caps_from_name("21") == -1 && caps_from_name("") == -1 && caps_from_name(NULL) == -1,
        "bad names accepted");
  const char *const *all = caps_all_names();
  size_t n = 0;
  for (; all[n]; n++)
    CHECK(caps_from_name(all[n]) >= 0 && strncmp(all[n], "CAP_", 4) == 0, "%s", all[n]);
  CHECK(n >= 38 && strcmp(all[0], "CAP_CHOWN") == 0, "%zu names", n);
  CHECK(caps_kernel_last() >= 37, "cap_last_cap %d", caps_kernel_last());
  return 0;
}

/* A capability libcap knows but the kernel lacks: skipped with a warning.
 * Pretend to be an older kernel by bind-mounting "30" over cap_last_cap. */
static int t_cap_newer_than_kernel(void) {
  _cleanup_error_ sk_error *err = NULL;
  char fake[512], log[512];
  snprintf(fake, sizeof(fake), "%s/cap_last_cap", tmpdir);
  snprintf(log, sizeof(log), "%s/stderr-%d", tmpdir, (int)getpid());
  int fd = open(fake, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0 && write(fd, "30\n", 3) == 3, "write %s", fake);
  close(fd);
  CHECK(unshare(CLONE_NEWNS) == 0, "unshare: %s", strerror(errno));
  CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "private: %s", strerror(errno));
  CHECK(mount(fake, "/proc/sys/kernel/cap_last_cap", NULL, MS_BIND, NULL) == 0, "bind: %s",
        strerror(errno));
  CHECK(caps_kernel_last() == 30, "cap_last_cap %d", caps_kernel_last());

  int saved = dup(2);
  int lfd = open(log, O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(saved >= 0 && lfd >= 0 && dup2(lfd, 2) == 2, "redirect stderr");
  char *names[] = {"CAP_CHOWN", "CAP_BPF"};
  oci_capabilities caps = {.bounding = names, .n_bounding = 2};
  sk_caps out;
  int r = caps_parse(&caps, &out, &err);
  dup2(saved, 2);
  char buf[512] = "";
  ssize_t n = pread(lfd, buf, sizeof(buf) - 1, 0);
  close(lfd);
  unlink(log);
  CHECK(r == 0 && out.bounding == 1, "%s, bounding %" PRIx64, msg(err), out.bounding);
  CHECK(n > 0 && strstr(buf, "warning: process.capabilities.bounding: CAP_BPF is not supported"),
        "stderr: %s", buf);
  return 0;
}

/* In a user namespace whose setgroups is "deny": no additionalGids is fine
 * (setgroups skipped), some is an error that says why. */
static int t_userns_setgroups_deny(void) {
  _cleanup_error_ sk_error *err = NULL;
  if (unshare(CLONE_NEWUSER) < 0) {
    fprintf(stderr, "    unshare(CLONE_NEWUSER): %s: not tested\n", strerror(errno));
    return 0;
  }
  int fd = open("/proc/self/setgroups", O_WRONLY);
  CHECK(fd >= 0 && write(fd, "deny", 4) == 4, "setgroups deny: %s", strerror(errno));
  close(fd);
  fd = open("/proc/self/uid_map", O_WRONLY);
  CHECK(fd >= 0 && write(fd, "0 0 1", 5) == 5, "uid_map: %s", strerror(errno));
  close(fd);
  fd = open("/proc/self/gid_map", O_WRONLY);
  CHECK(fd >= 0 && write(fd, "0 0 1", 5) == 5, "gid_map: %s", strerror(errno));
  close(fd);

  oci_process p = base_process();
  p.capabilities = full_caps();
  CHECK(process_apply(&p, true, &err) == 0, "%s", msg(err));
  uint32_t gids[] = {0};
  p.user.additional_gids = gids;
  p.user.n_additional_gids = 1;
  int r = process_apply(&p, true, &err);
  CHECK(r == -1 && strstr(msg(err), "process.user.additionalGids: setgroups") &&
            strstr(msg(err), "denied in this user namespace"),
        "%s", msg(err));
  return 0;
}

/* ---- process_apply: cwd ------------------------------------------------ */

static int t_cwd(void) {
  _cleanup_error_ sk_error *err = NULL;
  oci_process p = base_process();
  p.capabilities = full_caps();
  p.cwd = "tmp";
  int r = process_apply(&p, false, &err);
  CHECK(r == -1 && strcmp(msg(err), "process.cwd: must be an absolute path") == 0, "%s", msg(err));
  p.cwd = "/nonexistent";
  r = process_apply(&p, false, &err);
  CHECK(r == -1 && strcmp(msg(err), "process.cwd /nonexistent: chdir: No such file or directory") == 0,
        "%s", msg(err));
  p.cwd = tmpdir;
  CHECK(process_apply(&p, false, &err) == 0, "%s", msg(err));
  char buf[4096];
  CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf, tmpdir) == 0, "cwd %s", buf);
  return 0;
}

/* The container user cannot enter a root-only directory: chdir happens
 * after the uid change. */
static int t_cwd_as_user(void) {
  _cleanup_error_ sk_error *err = NULL;
  _cleanup_free_ char *priv = NULL;
  if (asprintf(&priv, "%s/private", tmpdir) < 0)
    return 1;
  oci_process p = base_process();
  p.user.uid = 1000;
  p.user.gid = 1000;
  p.cwd = priv;
  int r = process_apply(&p, false, &err);
  CHECK(r == -1 && strstr(msg(err), "chdir as uid 1000 gid 1000") &&
            strstr(msg(err), "Permission denied"),
        "%s", msg(err));
  return 0;
}

/* CVE-2024-21626: a cwd through /proc/self/fd/N to a directory outside the
 * root. Rebuilt here with chroot into tmpdir/root, /proc bind-mounted in, and
 * an fd on /tmp kept open. */
static int t_cwd_escape(void) {
  _cleanup_error_ sk_error *err = NULL;
  _cleanup_free_ char *root = NULL, *proc = NULL, *cwd = NULL;
  if (asprintf(&root, "%s/root", tmpdir) < 0 || asprintf(&proc, "%s/proc", root) < 0)
    return 1;
  CHECK(unshare(CLONE_NEWNS) == 0, "unshare: %s", strerror(errno));
  CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "private: %s", strerror(errno));
  CHECK(mount("/proc", proc, NULL, MS_BIND | MS_REC, NULL) == 0, "bind /proc: %s",
        strerror(errno));
  int fd = open("/tmp", O_RDONLY | O_DIRECTORY); /* deliberately inherited */
  CHECK(fd >= 0, "open /tmp: %s", strerror(errno));
  CHECK(chroot(root) == 0 && chdir("/") == 0, "chroot: %s", strerror(errno));
  if (asprintf(&cwd, "/proc/self/fd/%d", fd) < 0)
    return 1;
  oci_process p = base_process();
  p.cwd = cwd;
  int r = process_apply(&p, false, &err);
  CHECK(r == -1 && strstr(msg(err), "is outside the container's root") &&
            strstr(msg(err), "(unreachable)"),
        "%s", msg(err));
  return 0;
}

/* ---- runner ------------------------------------------------------------ */

static int passed, failed;

static void run(const char *name, int (*fn)(void)) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(1);
  }
  if (pid == 0)
    _exit(fn() == 0 ? 0 : 1);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    passed++;
    printf("ok   %s\n", name);
  } else {
    failed++;
    printf("FAIL %s (%s %d)\n", name, WIFEXITED(status) ? "exit" : "signal",
           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  }
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  return remove(path);
}

static int make_fixtures(void) {
  char path[512];
  if (mkdtemp(tmpdir) == NULL || chmod(tmpdir, 0755) < 0)
    return -1;
  const char *dirs[] = {"bin1", "bin2", "dir", "dir/prog", "private", "root", "root/proc"};
  for (size_t i = 0; i < SK_ARRAY_SIZE(dirs); i++) {
    snprintf(path, sizeof(path), "%s/%s", tmpdir, dirs[i]);
    if (mkdir(path, strcmp(dirs[i], "private") == 0 ? 0700 : 0755) < 0)
      return -1;
  }
  snprintf(path, sizeof(path), "%s/bin1/prog", tmpdir);
  if (write_file(path, 0644) < 0)
    return -1;
  snprintf(path, sizeof(path), "%s/bin2/prog", tmpdir);
  return write_file(path, 0755);
}

int main(void) {
  if (geteuid() != 0) {
    printf("test_process: needs root, skipped\n");
    return 77;
  }
  if (make_fixtures() < 0) {
    perror("test_process: fixtures");
    return 1;
  }
  run("find_executable: empty args", t_empty_args);
  run("find_executable: missing absolute path", t_missing_absolute);
  run("find_executable: absolute path not executable / a directory", t_absolute_not_executable);
  run("find_executable: absolute path found", t_absolute_found);
  run("find_executable: PATH from env", t_path_from_env);
  run("find_executable: not found in PATH", t_path_not_found);
  run("find_executable: default PATH", t_default_path);
  run("find_executable: relative to cwd", t_relative_against_cwd);
  run("apply: rlimits", t_rlimits);
  run("apply: unknown rlimit", t_rlimit_unknown);
  run("apply: rlimit soft > hard, duplicate", t_rlimit_soft_above_hard);
  run("apply: rlimit raising hard limit without CAP_SYS_RESOURCE", t_rlimit_raise_hard);
  run("apply: oomScoreAdj", t_oom_score_adj);
  run("apply: umask", t_umask);
  run("apply: uid 1000, groups, capabilities kept, ambient", t_user_and_caps);
  run("apply: no capabilities object", t_no_capabilities);
  run("apply: unknown capability", t_unknown_capability);
  run("apply: effective not in permitted", t_effective_not_permitted);
  run("apply: ambient without inheritable is skipped", t_ambient_needs_inheritable);
  run("apply: noNewPrivileges", t_no_new_privileges);
  run("caps: names", t_caps_names);
  run("caps: capability newer than the kernel", t_cap_newer_than_kernel);
  run("apply: user namespace with setgroups denied", t_userns_setgroups_deny);
  run("apply: cwd", t_cwd);
  run("apply: cwd as the container user", t_cwd_as_user);
  run("apply: cwd escaping the root", t_cwd_escape);
  nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
