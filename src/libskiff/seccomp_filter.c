/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "seccomp_filter.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "oci_json.h"
#include "unix_socket.h"
#include "util.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

const char *const seccomp_action_names[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",        "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY", NULL};

const char *const seccomp_operator_names[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",
                                              "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
                                              "SCMP_CMP_MASKED_EQ", NULL};
static const enum scmp_compare operator_values[] = {SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE,
                                                    SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT,
                                                    SCMP_CMP_MASKED_EQ};

/* The spec's names and libseccomp's (seccomp_arch_resolve_name). */
const char *const seccomp_arch_names[] = {
    "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",       "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",  "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",    "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",      "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",   "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",   NULL};
static const char *const arch_libseccomp_names[] = {
    "x86",    "x86_64", "x32",     "arm",     "aarch64", "mips",    "mips64",
    "mips64n32", "mipsel", "mipsel64", "mipsel64n32", "ppc", "ppc64", "ppc64le",
    "s390",   "s390x",  "parisc",  "parisc64", "riscv64"};

const char *const seccomp_flag_names[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                          "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                          "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
static const unsigned int flag_values[] = {SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG,
                                           SECCOMP_FILTER_FLAG_SPEC_ALLOW,
                                           SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV};

static int index_of(const char *const *names, const char *name) {
  for (int i = 0; name && names[i]; i++)
    if (strcmp(names[i], name) == 0)
      return i;
  return -1;
}

/* SCMP_ACT_* name -> libseccomp action; errnoRet applies to ERRNO (default
 * EPERM) and TRACE (default EPERM, as runc). */
static int parse_action(const char *field, const char *name, bool has_ret, uint32_t ret,
                        uint32_t *action, bool *notify, sk_error **err) {
  uint32_t r = has_ret ? ret : EPERM;
  switch (index_of(seccomp_action_names, name)) {
  case 0: /* SCMP_ACT_KILL is the thread-killing action */
  case 2:
    *action = SCMP_ACT_KILL_THREAD;
    return 0;
  case 1:
    *action = SCMP_ACT_KILL_PROCESS;
    return 0;
  case 3:
    *action = SCMP_ACT_TRAP;
    return 0;
  case 4:
    *action = SCMP_ACT_ERRNO(r);
    return 0;
  case 5:
    *action = SCMP_ACT_TRACE(r);
    return 0;
  case 6:
    *action = SCMP_ACT_ALLOW;
    return 0;
  case 7:
    *action = SCMP_ACT_LOG;
    return 0;
  case 8:
    *action = SCMP_ACT_NOTIFY;
    *notify = true;
    return 0;
  default:
    return sk_fail(err, 0, "%s: unknown seccomp action \"%s\"", field, name ? name : "");
  }
}

static int add_arches(scmp_filter_ctx ctx, const oci_seccomp *s, sk_error **err) {
  for (size_t i = 0; i < s->n_architectures; i++) {
    int k = index_of(seccomp_arch_names, s->architectures[i]);
    if (k < 0)
      return sk_fail(err, 0, "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"", i,
                     s->architectures[i]);
    uint32_t arch = seccomp_arch_resolve_name(arch_libseccomp_names[k]);
    if (arch == 0) {
      sk_debug("linux.seccomp.architectures[%zu]: %s unknown to this libseccomp, skipped", i,
               s->architectures[i]);
      continue;
    }
    int r = seccomp_arch_add(ctx, arch);
    if (r < 0 && r != -EEXIST)
      return sk_fail(err, -r, "linux.seccomp.architectures[%zu] %s", i, s->architectures[i]);
  }
  return 0;
}

static int build_args(const oci_syscall *sc, size_t i, struct scmp_arg_cmp *cmp, bool *repeated,
                      sk_error **err) {
  unsigned int seen = 0;
  *repeated = false;
  for (size_t a = 0; a < sc->n_args; a++) {
    const oci_syscall_arg *arg = &sc->args[a];
    if (arg->index > 5)
      return sk_fail(err, 0,
                     "linux.seccomp.syscalls[%zu].args[%zu].index: %u is out of range (0-5)", i, a,
                     arg->index);
    int op = index_of(seccomp_operator_names, arg->op);
    if (op < 0)
      return sk_fail(err, 0, "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator \"%s\"",
                     i, a, arg->op ? arg->op : "");
    if (seen & (1u << arg->index))
      *repeated = true;
    seen |= 1u << arg->index;
    cmp[a] = (struct scmp_arg_cmp){.arg = arg->index,
                                   .op = operator_values[op],
                                   .datum_a = arg->value,
                                   .datum_b = arg->value_two};
  }
  return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned int n,
                    const struct scmp_arg_cmp *cmp) {
  int r = seccomp_rule_add_array(ctx, action, nr, n, cmp);
  /* -EACCES: the action equals the default one, nothing to add. */
  return r == -EACCES ? 0 : r;
}

static int add_syscalls(scmp_filter_ctx ctx, const oci_seccomp *s, uint32_t default_action,
                        bool *notify, sk_error **err) {
  for (size_t i = 0; i < s->n_syscalls; i++) {
    const oci_syscall *sc = &s->syscalls[i];
    char field[64];
    snprintf(field, sizeof(field), "linux.seccomp.syscalls[%zu].action", i);
    uint32_t action;
    if (parse_action(field, sc->action, sc->has_errno_ret, sc->errno_ret, &action, notify, err) <
        0)
      return -1;
    if (sc->n_args > 6)
      return sk_fail(err, 0, "linux.seccomp.syscalls[%zu].args: more than 6 arguments", i);
    struct scmp_arg_cmp cmp[6];
    bool repeated;
    if (build_args(sc, i, cmp, &repeated, err) < 0)
      return -1;
    if (action == default_action)
      continue;
    for (size_t n = 0; n < sc->n_names; n++) {
      int nr = seccomp_syscall_resolve_name(sc->names[n]);
      if (nr == __NR_SCMP_ERROR) {
        /* Profiles list syscalls of newer kernels and other arches. */
        sk_debug("linux.seccomp.syscalls[%zu]: syscall \"%s\" unknown to libseccomp, skipped", i,
                 sc->names[n]);
        continue;
      }
      int r = 0;
      if (!repeated) {
        r = add_rule(ctx, action, nr, (unsigned int)sc->n_args, cmp);
      } else {
        /* One comparison per index per rule in libseccomp: several on the
         * same argument mean any of them (one rule each). */
        for (size_t a = 0; a < sc->n_args && r == 0; a++)
          r = add_rule(ctx, action, nr, 1, &cmp[a]);
      }
      if (r < 0)
        return sk_fail(err, -r, "linux.seccomp.syscalls[%zu] %s: add rule", i, sc->names[n]);
    }
  }
  return 0;
}

/* libseccomp 2.5 exports BPF only to an fd: a memfd and read back. */
static int export_bpf(scmp_filter_ctx ctx, struct sk_seccomp_plan *out, sk_error **err) {
  _cleanup_close_ int fd = memfd_create("skiff-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return sk_fail_errno(err, "linux.seccomp: memfd_create");
  int r = seccomp_export_bpf(ctx, fd);
  if (r < 0)
    return sk_fail(err, -r, "linux.seccomp: compile the filter");
  if (lseek(fd, 0, SEEK_SET) < 0)
    return sk_fail_errno(err, "linux.seccomp: lseek");
  char *data = NULL;
  size_t len = 0;
  if (sk_read_fd_all(fd, &data, &len, err) < 0)
    return sk_wrap(err, "linux.seccomp: read the compiled filter");
  out->bpf = data;
  out->bpf_len = len / sizeof(struct sock_filter);
  return 0;
}

int seccomp_plan(const oci_seccomp *s, struct sk_seccomp_plan *out, sk_error **err) {
  memset(out, 0, sizeof(*out));
  if (s == NULL)
    return 0;
  uint32_t default_action;
  bool notify = false;
  if (parse_action("linux.seccomp.defaultAction", s->default_action, s->has_default_errno_ret,
                   s->default_errno_ret, &default_action, &notify, err) < 0)
    return -1;
  for (size_t i = 0; i < s->n_flags; i++) {
    int k = index_of(seccomp_flag_names, s->flags[i]);
    if (k < 0)
      return sk_fail(err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, s->flags[i]);
    out->flags |= flag_values[k];
  }
  scmp_filter_ctx ctx = seccomp_init(default_action);
  if (ctx == NULL)
    return sk_fail(err, EINVAL, "linux.seccomp: seccomp_init");
  int r = add_arches(ctx, s, err);
  if (r == 0)
    r = add_syscalls(ctx, s, default_action, &notify, err);
  if (r == 0)
    r = export_bpf(ctx, out, err);
  seccomp_release(ctx);
  if (r < 0) {
    seccomp_plan_clear(out);
    return -1;
  }
  out->notify = notify;
  if (notify) {
    if (s->listener_path == NULL || s->listener_path[0] == '\0') {
      seccomp_plan_clear(out);
      return sk_fail(err, 0, "linux.seccomp.listenerPath: required with SCMP_ACT_NOTIFY");
    }
    struct stat st;
    int e = stat(s->listener_path, &st) < 0 ? errno : S_ISSOCK(st.st_mode) ? 0 : ENOTSOCK;
    if (e != 0) {
      seccomp_plan_clear(out);
      return sk_fail(err, e, "linux.seccomp.listenerPath %s", s->listener_path);
    }
    /* TSYNC and a listener are exclusive; a single-threaded init needs no
     * TSYNC. */
    out->flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_TSYNC;
    out->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    out->listener_path = strdup(s->listener_path);
    if (s->listener_metadata)
      out->listener_metadata = strdup(s->listener_metadata);
  } else {
    out->flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  }
  return 0;
}

void seccomp_plan_clear(struct sk_seccomp_plan *p) {
  free(p->bpf);
  free(p->listener_path);
  free(p->listener_metadata);
  memset(p, 0, sizeof(*p));
}

/* The connection made by seccomp_connect_listener (init only). */
static int listener_sock = -1;

int seccomp_connect_listener(const struct sk_seccomp_plan *p, sk_error **err) {
  if (!p->notify || listener_sock >= 0)
    return listener_sock >= 0 ? listener_sock : 0;
  listener_sock = sk_unix_connect(p->listener_path, err);
  if (listener_sock < 0)
    return sk_wrap(err, "linux.seccomp.listenerPath");
  return listener_sock;
}

static int send_listener(const struct sk_seccomp_plan *p, int listener, const char *state_json,
                         pid_t host_pid, sk_error **err) {
  oci_json_writer *w = oci_jw_new(false);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "ociVersion", OCI_SPEC_VERSION);
  oci_jw_key(w, "fds");
  oci_jw_begin_array(w);
  oci_jw_string(w, "seccompFd");
  oci_jw_end_array(w);
  oci_jw_kv_int(w, "pid", host_pid);
  if (p->listener_metadata)
    oci_jw_kv_string(w, "metadata", p->listener_metadata);
  oci_jw_end_object(w);
  _cleanup_free_ char *head = oci_jw_finish(w);
  if (head == NULL)
    return sk_fail(err, ENOMEM, "linux.seccomp.listenerPath");
  /* Splice the state document in as "state". */
  _cleanup_free_ char *doc = NULL;
  if (asprintf(&doc, "%.*s,\"state\":%s}", (int)strlen(head) - 1, head, state_json) < 0)
    return sk_fail(err, ENOMEM, "linux.seccomp.listenerPath");

  _cleanup_close_ int sock = listener_sock;
  listener_sock = -1;
  if (sock < 0 && (sock = seccomp_connect_listener(p, err)) < 0)
    return -1;
  if (sk_send_fd(sock, listener, doc, strlen(doc), err) < 0)
    return sk_wrap(err, "linux.seccomp.listenerPath");
  return 0;
}

int seccomp_install(const struct sk_seccomp_plan *p, const char *state_json, pid_t host_pid,
                    sk_error **err) {
  if (p->bpf == NULL)
    return 0;
  struct sock_fprog prog = {.len = (unsigned short)p->bpf_len, .filter = p->bpf};
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
  if (r < 0)
    return sk_fail_errno(err, "linux.seccomp: load the filter");
  if (!p->notify)
    return 0;
  _cleanup_close_ int listener = (int)r;
  return send_listener(p, listener, state_json, host_pid, err);
}
