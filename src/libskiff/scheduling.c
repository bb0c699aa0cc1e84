/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "scheduling.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

struct name_value {
  const char *name;
  unsigned long value;
};

static const struct name_value policies[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6}, {NULL, 0}};
static const struct name_value sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01}, {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},    {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},   {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40}, {NULL, 0}};
static const struct name_value io_classes[] = {
    {"IOPRIO_CLASS_RT", 1}, {"IOPRIO_CLASS_BE", 2}, {"IOPRIO_CLASS_IDLE", 3}, {NULL, 0}};
static const struct name_value mpol_modes[] = {
    {"MPOL_DEFAULT", 0},        {"MPOL_PREFERRED", 1}, {"MPOL_BIND", 2},
    {"MPOL_INTERLEAVE", 3},     {"MPOL_LOCAL", 4},     {"MPOL_PREFERRED_MANY", 5},
    {"MPOL_WEIGHTED_INTERLEAVE", 6}, {NULL, 0}};
static const struct name_value mpol_flags[] = {{"MPOL_F_NUMA_BALANCING", 1u << 13},
                                               {"MPOL_F_RELATIVE_NODES", 1u << 14},
                                               {"MPOL_F_STATIC_NODES", 1u << 15},
                                               {NULL, 0}};

static int lookup(const struct name_value *t, const char *name, unsigned long *v) {
  for (size_t i = 0; name && t[i].name; i++)
    if (strcmp(t[i].name, name) == 0) {
      *v = t[i].value;
      return 0;
    }
  return -1;
}

struct sched_attr_v1 {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
};

static int scheduler_attr(const oci_scheduler *s, struct sched_attr_v1 *a, sk_error **err) {
  unsigned long v;
  memset(a, 0, sizeof(*a));
  a->size = sizeof(*a);
  if (lookup(policies, s->policy, &v) < 0)
    return sk_fail(err, 0, "process.scheduler.policy: unknown policy \"%s\"",
                   s->policy ? s->policy : "");
  a->sched_policy = (uint32_t)v;
  for (size_t i = 0; i < s->n_flags; i++) {
    if (lookup(sched_flags, s->flags[i], &v) < 0)
      return sk_fail(err, 0, "process.scheduler.flags[%zu]: unknown flag \"%s\"", i, s->flags[i]);
    a->sched_flags |= v;
  }
  if (s->has_nice && (s->nice < -20 || s->nice > 19))
    return sk_fail(err, 0, "process.scheduler.nice: %d is out of range (-20..19)", s->nice);
  a->sched_nice = s->has_nice ? s->nice : 0;
  a->sched_priority = s->has_priority ? (uint32_t)s->priority : 0;
  a->sched_runtime = s->has_runtime ? s->runtime : 0;
  a->sched_deadline = s->has_deadline ? s->deadline : 0;
  a->sched_period = s->has_period ? s->period : 0;
  bool realtime = a->sched_policy == 1 || a->sched_policy == 2;
  if (realtime && (!s->has_priority || s->priority < 1 || s->priority > 99))
    return sk_fail(err, 0, "process.scheduler.priority: %s needs a priority of 1..99",
                   s->policy);
  if (!realtime && s->has_priority && s->priority != 0)
    return sk_fail(err, 0, "process.scheduler.priority: must be 0 with %s", s->policy);
  if (a->sched_policy == 6 && (a->sched_runtime == 0 || a->sched_deadline == 0))
    return sk_fail(err, 0, "process.scheduler: SCHED_DEADLINE needs runtime and deadline");
  return 0;
}

static int memory_policy(const oci_memory_policy *m, bool apply, sk_error **err) {
  unsigned long mode, flags = 0, v;
  if (lookup(mpol_modes, m->mode, &mode) < 0)
    return sk_fail(err, 0, "linux.memoryPolicy.mode: unknown mode \"%s\"",
                   m->mode ? m->mode : "");
  for (size_t i = 0; i < m->n_flags; i++) {
    if (lookup(mpol_flags, m->flags[i], &v) < 0)
      return sk_fail(err, 0, "linux.memoryPolicy.flags[%zu]: unknown flag \"%s\"", i,
                     m->flags[i]);
    flags |= v;
  }
  unsigned long mask[16];
  if (sk_parse_num_list(m->nodes ? m->nodes : "", mask, 16 * 8 * sizeof(unsigned long)) < 0)
    return sk_fail(err, 0, "linux.memoryPolicy.nodes: invalid node list \"%s\"%s", m->nodes,
                   errno == ERANGE ? " (a node is out of range)" : "");
  if (!apply)
    return 0;
  bool empty = m->nodes == NULL || m->nodes[0] == '\0';
  if (syscall(SYS_set_mempolicy, (int)(mode | flags), empty ? NULL : mask,
              empty ? 0 : 16 * 8 * sizeof(unsigned long)) < 0)
    return sk_fail_errno(err, "linux.memoryPolicy: set_mempolicy");
  return 0;
}

static int personality_value(const oci_personality *p, unsigned long *v, sk_error **err) {
  if (p->domain == NULL || strcmp(p->domain, "LINUX") == 0)
    *v = PER_LINUX;
  else if (strcmp(p->domain, "LINUX32") == 0)
    *v = PER_LINUX32;
  else
    return sk_fail(err, 0, "linux.personality.domain: unknown domain \"%s\" (LINUX or LINUX32)",
                   p->domain);
  if (p->n_flags > 0)
    return sk_fail(err, 0, "linux.personality.flags: no flag is supported (got \"%s\")",
                   p->flags[0]);
  return 0;
}

static int check_all(const sk_plan *plan, bool apply, sk_error **err) {
  const oci_process *proc = plan->config->process;
  const oci_linux *lx = plan->config->linux_;
  if (proc->scheduler) {
    struct sched_attr_v1 a;
    if (scheduler_attr(proc->scheduler, &a, err) < 0)
      return -1;
    if (apply && syscall(SYS_sched_setattr, 0, &a, 0) < 0)
      return sk_fail_errno(err, "process.scheduler: sched_setattr %s", proc->scheduler->policy);
  }
  if (proc->io_priority) {
    unsigned long klass;
    if (lookup(io_classes, proc->io_priority->klass, &klass) < 0)
      return sk_fail(err, 0, "process.ioPriority.class: unknown class \"%s\"",
                     proc->io_priority->klass ? proc->io_priority->klass : "");
    int prio = proc->io_priority->priority;
    if (prio < 0 || prio > 7)
      return sk_fail(err, 0, "process.ioPriority.priority: %d is out of range (0..7)", prio);
    /* IOPRIO_PRIO_VALUE(class, data) = class << 13 | data; IOPRIO_WHO_PROCESS = 1 */
    if (apply && syscall(SYS_ioprio_set, 1, 0, (int)(klass << 13 | (unsigned long)prio)) < 0)
      return sk_fail_errno(err, "process.ioPriority: ioprio_set %s",
                           proc->io_priority->klass);
  }
  if (lx->personality) {
    unsigned long v = PER_LINUX;
    if (personality_value(lx->personality, &v, err) < 0)
      return -1;
    if (apply && personality(v) < 0)
      return sk_fail_errno(err, "linux.personality: personality");
  }
  if (lx->memory_policy && memory_policy(lx->memory_policy, apply, err) < 0)
    return -1;
  return 0;
}

int sched_validate(const sk_plan *plan, sk_error **err) { return check_all(plan, false, err); }
int sched_apply(const sk_plan *plan, sk_error **err) { return check_all(plan, true, err); }
