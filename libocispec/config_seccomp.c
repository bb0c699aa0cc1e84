/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsing of linux.seccomp. Actions, operators, architectures and flags are
 * left as strings for the runtime to check. */
#include "internal.h"

static int parse_arg(op_ctx *c, const oj_node *obj, void *elem) {
  oci_syscall_arg *a = elem;
  return (op_u32(c, obj, "index", true, &a->index, NULL) < 0 ||
          op_u64(c, obj, "value", true, &a->value, NULL) < 0 ||
          op_u64(c, obj, "valueTwo", false, &a->value_two, &a->has_value_two) < 0 ||
          op_str(c, obj, "op", true, &a->op) < 0)
             ? -1
             : 0;
}

static int parse_syscall(op_ctx *c, const oj_node *obj, void *elem) {
  oci_syscall *s = elem;
  const oj_node *names;
  if (op_field(c, obj, "names", true, &names) < 0 ||
      op_strv(c, obj, "names", &s->names, &s->n_names) < 0)
    return -1;
  if (s->n_names == 0) { /* minItems 1 */
    size_t m = op_push_key(c, "names");
    op_fail(c, "expected at least one syscall name");
    op_pop(c, m);
    return -1;
  }
  return (op_str(c, obj, "action", true, &s->action) < 0 ||
          op_u32(c, obj, "errnoRet", false, &s->errno_ret, &s->has_errno_ret) < 0 ||
          op_obj_array(c, obj, "args", sizeof(oci_syscall_arg), &s->args, &s->n_args,
                       parse_arg) < 0)
             ? -1
             : 0;
}

int oci_parse_seccomp(op_ctx *c, const oj_node *o, oci_seccomp *s) {
  return (op_str(c, o, "defaultAction", true, &s->default_action) < 0 ||
          op_u32(c, o, "defaultErrnoRet", false, &s->default_errno_ret,
                 &s->has_default_errno_ret) < 0 ||
          op_strv(c, o, "architectures", &s->architectures, &s->n_architectures) < 0 ||
          op_strv(c, o, "flags", &s->flags, &s->n_flags) < 0 ||
          op_str(c, o, "listenerPath", false, &s->listener_path) < 0 ||
          op_str(c, o, "listenerMetadata", false, &s->listener_metadata) < 0 ||
          op_obj_array(c, o, "syscalls", sizeof(oci_syscall), &s->syscalls,
                       &s->n_syscalls, parse_syscall) < 0)
             ? -1
             : 0;
}
