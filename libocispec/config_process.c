/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing of the process object (config "process", or `exec --process`). */
#include <stdlib.h>

#include "internal.h"

static int parse_console_size(op_ctx *c, const oj_node *obj, oci_process *p) {
  const oj_node *o;
  if (op_obj(c, obj, "consoleSize", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, "consoleSize");
  if (op_u64(c, o, "height", true, &p->console_height, NULL) < 0 ||
      op_u64(c, o, "width", true, &p->console_width, NULL) < 0)
    return -1;
  op_pop(c, m);
  p->has_console_size = true;
  return 0;
}

static int parse_user(op_ctx *c, const oj_node *obj, oci_user *u) {
  const oj_node *o;
  if (op_obj(c, obj, "user", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  size_t m = op_push_key(c, "user");
  if (op_u32(c, o, "uid", false, &u->uid, NULL) < 0 ||
      op_u32(c, o, "gid", false, &u->gid, NULL) < 0 ||
      op_u32(c, o, "umask", false, &u->umask, &u->has_umask) < 0 ||
      op_u32v(c, o, "additionalGids", &u->additional_gids, &u->n_additional_gids) < 0 ||
      op_str(c, o, "username", false, &u->username) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_capabilities(op_ctx *c, const oj_node *obj, oci_process *p) {
  const oj_node *o;
  if (op_obj(c, obj, "capabilities", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  oci_capabilities *caps = calloc(1, sizeof *caps);
  if (caps == NULL)
    return op_fail(c, "out of memory");
  p->capabilities = caps;
  size_t m = op_push_key(c, "capabilities");
  if (op_strv(c, o, "bounding", &caps->bounding, &caps->n_bounding) < 0 ||
      op_strv(c, o, "effective", &caps->effective, &caps->n_effective) < 0 ||
      op_strv(c, o, "inheritable", &caps->inheritable, &caps->n_inheritable) < 0 ||
      op_strv(c, o, "permitted", &caps->permitted, &caps->n_permitted) < 0 ||
      op_strv(c, o, "ambient", &caps->ambient, &caps->n_ambient) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_rlimit(op_ctx *c, const oj_node *obj, void *elem) {
  oci_rlimit *r = elem;
  return (op_str(c, obj, "type", true, &r->type) < 0 ||
          op_u64(c, obj, "soft", true, &r->soft, NULL) < 0 ||
          op_u64(c, obj, "hard", true, &r->hard, NULL) < 0)
             ? -1
             : 0;
}

static int parse_io_priority(op_ctx *c, const oj_node *obj, oci_process *p) {
  const oj_node *o;
  if (op_obj(c, obj, "ioPriority", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  oci_io_priority *io = calloc(1, sizeof *io);
  if (io == NULL)
    return op_fail(c, "out of memory");
  p->io_priority = io;
  size_t m = op_push_key(c, "ioPriority");
  if (op_str(c, o, "class", true, &io->klass) < 0 ||
      op_i32(c, o, "priority", false, &io->priority, NULL) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_scheduler(op_ctx *c, const oj_node *obj, oci_process *p) {
  const oj_node *o;
  if (op_obj(c, obj, "scheduler", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  oci_scheduler *s = calloc(1, sizeof *s);
  if (s == NULL)
    return op_fail(c, "out of memory");
  p->scheduler = s;
  size_t m = op_push_key(c, "scheduler");
  if (op_str(c, o, "policy", true, &s->policy) < 0 ||
      op_i32(c, o, "nice", false, &s->nice, &s->has_nice) < 0 ||
      op_i32(c, o, "priority", false, &s->priority, &s->has_priority) < 0 ||
      op_strv(c, o, "flags", &s->flags, &s->n_flags) < 0 ||
      op_u64(c, o, "runtime", false, &s->runtime, &s->has_runtime) < 0 ||
      op_u64(c, o, "deadline", false, &s->deadline, &s->has_deadline) < 0 ||
      op_u64(c, o, "period", false, &s->period, &s->has_period) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

static int parse_cpu_affinity(op_ctx *c, const oj_node *obj, oci_process *p) {
  const oj_node *o;
  if (op_obj(c, obj, "execCPUAffinity", false, &o) < 0)
    return -1;
  if (o == NULL)
    return 0;
  oci_cpu_affinity *a = calloc(1, sizeof *a);
  if (a == NULL)
    return op_fail(c, "out of memory");
  p->exec_cpu_affinity = a;
  size_t m = op_push_key(c, "execCPUAffinity");
  if (op_str(c, o, "initial", false, &a->initial) < 0 ||
      op_str(c, o, "final", false, &a->final) < 0)
    return -1;
  op_pop(c, m);
  return 0;
}

int oci_parse_process(op_ctx *c, const oj_node *o, oci_process *p) {
  if (op_bool(c, o, "terminal", &p->terminal, NULL) < 0 ||
      parse_console_size(c, o, p) < 0 || parse_user(c, o, &p->user) < 0 ||
      op_strv(c, o, "args", &p->args, &p->n_args) < 0 ||
      op_str(c, o, "commandLine", false, &p->command_line) < 0 ||
      op_strv(c, o, "env", &p->env, &p->n_env) < 0 ||
      op_str(c, o, "cwd", true, &p->cwd) < 0 || parse_capabilities(c, o, p) < 0 ||
      op_obj_array(c, o, "rlimits", sizeof(oci_rlimit), &p->rlimits, &p->n_rlimits,
                   parse_rlimit) < 0 ||
      op_bool(c, o, "noNewPrivileges", &p->no_new_privileges, NULL) < 0 ||
      op_str(c, o, "apparmorProfile", false, &p->apparmor_profile) < 0 ||
      op_i32(c, o, "oomScoreAdj", false, &p->oom_score_adj, &p->has_oom_score_adj) < 0 ||
      op_str(c, o, "selinuxLabel", false, &p->selinux_label) < 0 ||
      parse_io_priority(c, o, p) < 0 || parse_scheduler(c, o, p) < 0 ||
      parse_cpu_affinity(c, o, p) < 0)
    return -1;
  return 0;
}
