/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.seccomp: the filter is compiled to BPF in the runtime process while
 * planning (so every error is a config error, reported before anything
 * exists), and the init loads it with one seccomp(2) call as late as it can:
 * right before execve when noNewPrivileges is set, otherwise before it gives
 * up CAP_SYS_ADMIN (a filter needs one or the other). */
#ifndef SKIFF_SECCOMP_FILTER_H
#define SKIFF_SECCOMP_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

struct sk_seccomp_plan {
  void *bpf;           /* struct sock_filter[] */
  size_t bpf_len;      /* number of instructions */
  unsigned int flags;  /* SECCOMP_FILTER_FLAG_* */
  bool notify;         /* an SCMP_ACT_NOTIFY is used: send the listener fd */
  char *listener_path;
  char *listener_metadata;
};

/* Validate and compile; *out stays zeroed when the config has no filter. */
int seccomp_plan(const oci_seccomp *s, struct sk_seccomp_plan *out, sk_error **err);
void seccomp_plan_clear(struct sk_seccomp_plan *p);

/* In the init: install the filter. With a listener, send its fd and the
 * container process state (`state_json`: the state document, `host_pid`:
 * the init's pid as the runtime sees it) to listenerPath. */
int seccomp_install(const struct sk_seccomp_plan *p, const char *state_json, pid_t host_pid,
                    sk_error **err);

/* In the init, before pivot_root: connect to listenerPath, a path of the
 * runtime's mount namespace that the container's root no longer shows. The
 * connection is used (and closed) by seccomp_install. No-op without NOTIFY. */
int seccomp_connect_listener(const struct sk_seccomp_plan *p, sk_error **err);

/* For `features`: NULL-terminated names. */
extern const char *const seccomp_action_names[];
extern const char *const seccomp_operator_names[];
extern const char *const seccomp_arch_names[];
extern const char *const seccomp_flag_names[];

#endif
