/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json generation: top level, mounts, hooks and process. Fields come
 * in the order runc writes them; absent ones (NULL, has_ false, false bools
 * that Go would omit) are left out. */
#include "internal.h"

static void write_user(oci_json_writer *w, const oci_user *u) {
  oci_jw_key(w, "user");
  oci_jw_begin_object(w);
  oci_jw_kv_uint(w, "uid", u->uid);
  oci_jw_kv_uint(w, "gid", u->gid);
  if (u->has_umask)
    oci_jw_kv_uint(w, "umask", u->umask);
  if (u->additional_gids || u->n_additional_gids) {
    oci_jw_key(w, "additionalGids");
    oci_jw_begin_array(w);
    for (size_t i = 0; u->additional_gids && i < u->n_additional_gids; i++)
      oci_jw_uint(w, u->additional_gids[i]);
    oci_jw_end_array(w);
  }
  oci_write_opt_string(w, "username", u->username);
  oci_jw_end_object(w);
}

static void write_capabilities(oci_json_writer *w, const oci_capabilities *c) {
  oci_jw_key(w, "capabilities");
  oci_jw_begin_object(w);
  oci_write_strv(w, "bounding", c->bounding, c->n_bounding);
  oci_write_strv(w, "effective", c->effective, c->n_effective);
  oci_write_strv(w, "inheritable", c->inheritable, c->n_inheritable);
  oci_write_strv(w, "permitted", c->permitted, c->n_permitted);
  oci_write_strv(w, "ambient", c->ambient, c->n_ambient);
  oci_jw_end_object(w);
}

static void write_rlimits(oci_json_writer *w, const oci_rlimit *v, size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, "rlimits");
  oci_jw_begin_array(w);
  for (size_t i = 0; v && i < n; i++) {
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "type", v[i].type);
    oci_jw_kv_uint(w, "hard", v[i].hard);
    oci_jw_kv_uint(w, "soft", v[i].soft);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
}

static void write_scheduler(oci_json_writer *w, const oci_scheduler *s) {
  oci_jw_key(w, "scheduler");
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "policy", s->policy);
  if (s->has_nice)
    oci_jw_kv_int(w, "nice", s->nice);
  if (s->has_priority)
    oci_jw_kv_int(w, "priority", s->priority);
  oci_write_strv(w, "flags", s->flags, s->n_flags);
  if (s->has_runtime)
    oci_jw_kv_uint(w, "runtime", s->runtime);
  if (s->has_deadline)
    oci_jw_kv_uint(w, "deadline", s->deadline);
  if (s->has_period)
    oci_jw_kv_uint(w, "period", s->period);
  oci_jw_end_object(w);
}

void oci_write_process(oci_json_writer *w, const char *key, const oci_process *p) {
  oci_jw_key(w, key);
  oci_jw_begin_object(w);
  if (p->terminal)
    oci_jw_kv_bool(w, "terminal", true);
  if (p->has_console_size) {
    oci_jw_key(w, "consoleSize");
    oci_jw_begin_object(w);
    oci_jw_kv_uint(w, "height", p->console_height);
    oci_jw_kv_uint(w, "width", p->console_width);
    oci_jw_end_object(w);
  }
  write_user(w, &p->user);
  oci_write_strv(w, "args", p->args, p->n_args);
  oci_write_opt_string(w, "commandLine", p->command_line);
  oci_write_strv(w, "env", p->env, p->n_env);
  oci_write_opt_string(w, "cwd", p->cwd);
  if (p->capabilities)
    write_capabilities(w, p->capabilities);
  write_rlimits(w, p->rlimits, p->n_rlimits);
  if (p->no_new_privileges)
    oci_jw_kv_bool(w, "noNewPrivileges", true);
  oci_write_opt_string(w, "apparmorProfile", p->apparmor_profile);
  if (p->has_oom_score_adj)
    oci_jw_kv_int(w, "oomScoreAdj", p->oom_score_adj);
  if (p->scheduler)
    write_scheduler(w, p->scheduler);
  oci_write_opt_string(w, "selinuxLabel", p->selinux_label);
  if (p->io_priority) {
    oci_jw_key(w, "ioPriority");
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "class", p->io_priority->klass);
    oci_jw_kv_int(w, "priority", p->io_priority->priority);
    oci_jw_end_object(w);
  }
  if (p->exec_cpu_affinity) {
    oci_jw_key(w, "execCPUAffinity");
    oci_jw_begin_object(w);
    oci_write_opt_string(w, "initial", p->exec_cpu_affinity->initial);
    oci_write_opt_string(w, "final", p->exec_cpu_affinity->final);
    oci_jw_end_object(w);
  }
  oci_jw_end_object(w);
}

static void write_mounts(oci_json_writer *w, const oci_mount *v, size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, "mounts");
  oci_jw_begin_array(w);
  for (size_t i = 0; v && i < n; i++) {
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "destination", v[i].destination);
    oci_write_opt_string(w, "type", v[i].type);
    oci_write_opt_string(w, "source", v[i].source);
    oci_write_strv(w, "options", v[i].options, v[i].n_options);
    oci_write_id_mappings(w, "uidMappings", v[i].uid_mappings, v[i].n_uid_mappings);
    oci_write_id_mappings(w, "gidMappings", v[i].gid_mappings, v[i].n_gid_mappings);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
}

static void write_hook_list(oci_json_writer *w, const char *key, const oci_hook *v,
                            size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, key);
  oci_jw_begin_array(w);
  for (size_t i = 0; v && i < n; i++) {
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "path", v[i].path);
    oci_write_strv(w, "args", v[i].args, v[i].n_args);
    oci_write_strv(w, "env", v[i].env, v[i].n_env);
    if (v[i].has_timeout)
      oci_jw_kv_int(w, "timeout", v[i].timeout);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
}

static void write_hooks(oci_json_writer *w, const oci_hooks *h) {
  oci_jw_key(w, "hooks");
  oci_jw_begin_object(w);
  write_hook_list(w, "prestart", h->prestart, h->n_prestart);
  write_hook_list(w, "createRuntime", h->create_runtime, h->n_create_runtime);
  write_hook_list(w, "createContainer", h->create_container, h->n_create_container);
  write_hook_list(w, "startContainer", h->start_container, h->n_start_container);
  write_hook_list(w, "poststart", h->poststart, h->n_poststart);
  write_hook_list(w, "poststop", h->poststop, h->n_poststop);
  oci_jw_end_object(w);
}

char *oci_config_to_json(const oci_config *c, bool pretty) {
  oci_json_writer *w = oci_jw_new(pretty);
  if (w == NULL)
    return NULL;
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "ociVersion", c->oci_version ? c->oci_version : OCI_SPEC_VERSION);
  if (c->process)
    oci_write_process(w, "process", c->process);
  if (c->root) {
    oci_jw_key(w, "root");
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "path", c->root->path);
    if (c->root->readonly)
      oci_jw_kv_bool(w, "readonly", true);
    oci_jw_end_object(w);
  }
  oci_write_opt_string(w, "hostname", c->hostname);
  oci_write_opt_string(w, "domainname", c->domainname);
  write_mounts(w, c->mounts, c->n_mounts);
  if (c->hooks)
    write_hooks(w, c->hooks);
  oci_write_map(w, "annotations", &c->annotations);
  if (c->linux_)
    oci_write_linux(w, "linux", c->linux_);
  oci_jw_end_object(w);
  return oci_jw_finish(w);
}
