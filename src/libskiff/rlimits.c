/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.rlimits: names -> RLIMIT_* resources, checks, setrlimit. */
#include "process.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "util.h"

static const struct {
  const char *name;
  int resource;
} rlimit_table[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

int rlimit_from_name(const char *name) {
  if (name == NULL)
    return -1;
  for (size_t i = 0; i < SK_ARRAY_SIZE(rlimit_table); i++)
    if (strcmp(rlimit_table[i].name, name) == 0)
      return rlimit_table[i].resource;
  return -1;
}

/* "unlimited" for RLIM_INFINITY (the JSON's 18446744073709551615). */
static const char *limit_str(uint64_t v, char buf[24]) {
  if (v == (uint64_t)RLIM_INFINITY)
    return "unlimited";
  snprintf(buf, 24, "%" PRIu64, v);
  return buf;
}

int rlimits_check(const oci_process *p, sk_error **err) {
  char s1[24], s2[24];
  for (size_t i = 0; i < p->n_rlimits; i++) {
    const oci_rlimit *r = &p->rlimits[i];
    const char *type = r->type ? r->type : "";
    if (rlimit_from_name(type) < 0)
      return sk_fail(err, 0, "process.rlimits[%zu]: unknown rlimit \"%s\"", i, type);
    if (r->soft > r->hard)
      return sk_fail(err, 0,
                     "process.rlimits[%zu]: %s: soft limit %s is greater than hard limit %s",
                     i, type, limit_str(r->soft, s1), limit_str(r->hard, s2));
    /* config.md: duplicated types are an error. */
    for (size_t j = 0; j < i; j++)
      if (p->rlimits[j].type && strcmp(p->rlimits[j].type, type) == 0)
        return sk_fail(err, 0, "process.rlimits[%zu]: %s: duplicate of process.rlimits[%zu]",
                       i, type, j);
  }
  return 0;
}

int rlimits_apply(const oci_process *p, sk_error **err) {
  char s1[24], s2[24];
  for (size_t i = 0; i < p->n_rlimits; i++) {
    const oci_rlimit *r = &p->rlimits[i];
    int res = rlimit_from_name(r->type);
    if (res < 0)
      return sk_fail(err, 0, "process.rlimits[%zu]: unknown rlimit \"%s\"", i,
                     r->type ? r->type : "");
    struct rlimit old, want = {.rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard};
    if (setrlimit(res, &want) == 0)
      continue;
    int e = errno;
    /* Raising a hard limit needs CAP_SYS_RESOURCE, which root in a user
     * namespace (or a runtime started without it) does not have in the
     * initial namespace where rlimits are checked. Say so. */
    if (e == EPERM && getrlimit(res, &old) == 0 && want.rlim_max > old.rlim_max)
      return sk_fail(err, e,
                     "process.rlimits[%zu]: %s: raising the hard limit from %s to %s "
                     "needs CAP_SYS_RESOURCE: setrlimit",
                     i, r->type, limit_str(old.rlim_max, s1), limit_str(r->hard, s2));
    return sk_fail(err, e, "process.rlimits[%zu]: %s: setrlimit soft %s hard %s", i, r->type,
                   limit_str(r->soft, s1), limit_str(r->hard, s2));
  }
  return 0;
}
