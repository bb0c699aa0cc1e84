/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Releasing config structs. Every function accepts partly filled structs
 * (what a failed parse leaves behind). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void oci_strv_free(char **v, size_t n) {
  if (v == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

void oci_map_clear(oci_map *m) {
  if (m == NULL)
    return;
  oci_strv_free(m->keys, m->len);
  oci_strv_free(m->values, m->len);
  memset(m, 0, sizeof *m);
}

const char *oci_map_get(const oci_map *m, const char *key) {
  if (m == NULL || key == NULL)
    return NULL;
  for (size_t i = m->len; i > 0; i--)
    if (m->keys[i - 1] && strcmp(m->keys[i - 1], key) == 0)
      return m->values[i - 1];
  return NULL;
}

static void hooks_free(oci_hook *v, size_t n) {
  for (size_t i = 0; v && i < n; i++) {
    free(v[i].path);
    oci_strv_free(v[i].args, v[i].n_args);
    oci_strv_free(v[i].env, v[i].n_env);
  }
  free(v);
}

static void mounts_free(oci_mount *v, size_t n) {
  for (size_t i = 0; v && i < n; i++) {
    free(v[i].destination);
    free(v[i].type);
    free(v[i].source);
    oci_strv_free(v[i].options, v[i].n_options);
    free(v[i].uid_mappings);
    free(v[i].gid_mappings);
  }
  free(v);
}

void oci_process_clear(oci_process *p) {
  free(p->user.additional_gids);
  free(p->user.username);
  oci_strv_free(p->args, p->n_args);
  free(p->command_line);
  oci_strv_free(p->env, p->n_env);
  free(p->cwd);
  if (p->capabilities) {
    oci_capabilities *c = p->capabilities;
    oci_strv_free(c->bounding, c->n_bounding);
    oci_strv_free(c->effective, c->n_effective);
    oci_strv_free(c->inheritable, c->n_inheritable);
    oci_strv_free(c->permitted, c->n_permitted);
    oci_strv_free(c->ambient, c->n_ambient);
    free(c);
  }
  for (size_t i = 0; p->rlimits && i < p->n_rlimits; i++)
    free(p->rlimits[i].type);
  free(p->rlimits);
  free(p->apparmor_profile);
  free(p->selinux_label);
  if (p->io_priority) {
    free(p->io_priority->klass);
    free(p->io_priority);
  }
  if (p->scheduler) {
    free(p->scheduler->policy);
    oci_strv_free(p->scheduler->flags, p->scheduler->n_flags);
    free(p->scheduler);
  }
  if (p->exec_cpu_affinity) {
    free(p->exec_cpu_affinity->initial);
    free(p->exec_cpu_affinity->final);
    free(p->exec_cpu_affinity);
  }
  memset(p, 0, sizeof *p);
}

void oci_process_free(oci_process *p) {
  if (p == NULL)
    return;
  oci_process_clear(p);
  free(p);
}

void oci_seccomp_clear(oci_seccomp *s) {
  free(s->default_action);
  oci_strv_free(s->architectures, s->n_architectures);
  oci_strv_free(s->flags, s->n_flags);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++) {
    oci_syscall *sc = &s->syscalls[i];
    oci_strv_free(sc->names, sc->n_names);
    free(sc->action);
    for (size_t j = 0; sc->args && j < sc->n_args; j++)
      free(sc->args[j].op);
    free(sc->args);
  }
  free(s->syscalls);
  memset(s, 0, sizeof *s);
}

void oci_resources_clear(oci_resources *r) {
  for (size_t i = 0; r->devices && i < r->n_devices; i++) {
    free(r->devices[i].type);
    free(r->devices[i].access);
  }
  free(r->devices);
  free(r->memory);
  if (r->cpu) {
    free(r->cpu->cpus);
    free(r->cpu->mems);
    free(r->cpu);
  }
  if (r->block_io) {
    oci_blkio *b = r->block_io;
    free(b->weight_device);
    free(b->throttle_read_bps);
    free(b->throttle_write_bps);
    free(b->throttle_read_iops);
    free(b->throttle_write_iops);
    free(b);
  }
  for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++)
    free(r->hugepage_limits[i].page_size);
  free(r->hugepage_limits);
  if (r->network) {
    for (size_t i = 0; r->network->priorities && i < r->network->n_priorities; i++)
      free(r->network->priorities[i].name);
    free(r->network->priorities);
    free(r->network);
  }
  for (size_t i = 0; r->rdma && i < r->n_rdma; i++)
    free(r->rdma[i].device);
  free(r->rdma);
  oci_map_clear(&r->unified);
  memset(r, 0, sizeof *r);
}

void oci_linux_clear(oci_linux *l) {
  for (size_t i = 0; l->namespaces && i < l->n_namespaces; i++) {
    free(l->namespaces[i].type);
    free(l->namespaces[i].path);
  }
  free(l->namespaces);
  free(l->uid_mappings);
  free(l->gid_mappings);
  for (size_t i = 0; l->devices && i < l->n_devices; i++) {
    free(l->devices[i].type);
    free(l->devices[i].path);
  }
  free(l->devices);
  for (size_t i = 0; l->net_devices && i < l->n_net_devices; i++) {
    free(l->net_devices[i].name);
    free(l->net_devices[i].new_name);
  }
  free(l->net_devices);
  free(l->cgroups_path);
  if (l->resources) {
    oci_resources_clear(l->resources);
    free(l->resources);
  }
  free(l->rootfs_propagation);
  if (l->seccomp) {
    oci_seccomp_clear(l->seccomp);
    free(l->seccomp);
  }
  oci_map_clear(&l->sysctl);
  oci_strv_free(l->masked_paths, l->n_masked_paths);
  oci_strv_free(l->readonly_paths, l->n_readonly_paths);
  free(l->mount_label);
  if (l->intel_rdt) {
    free(l->intel_rdt->clos_id);
    oci_strv_free(l->intel_rdt->schemata, l->intel_rdt->n_schemata);
    free(l->intel_rdt->l3_cache_schema);
    free(l->intel_rdt->mem_bw_schema);
    free(l->intel_rdt);
  }
  if (l->memory_policy) {
    free(l->memory_policy->mode);
    free(l->memory_policy->nodes);
    oci_strv_free(l->memory_policy->flags, l->memory_policy->n_flags);
    free(l->memory_policy);
  }
  if (l->personality) {
    free(l->personality->domain);
    oci_strv_free(l->personality->flags, l->personality->n_flags);
    free(l->personality);
  }
  memset(l, 0, sizeof *l);
}

void oci_config_free(oci_config *c) {
  if (c == NULL)
    return;
  free(c->oci_version);
  if (c->root) {
    free(c->root->path);
    free(c->root);
  }
  mounts_free(c->mounts, c->n_mounts);
  oci_process_free(c->process);
  free(c->hostname);
  free(c->domainname);
  if (c->hooks) {
    oci_hooks *h = c->hooks;
    hooks_free(h->prestart, h->n_prestart);
    hooks_free(h->create_runtime, h->n_create_runtime);
    hooks_free(h->create_container, h->n_create_container);
    hooks_free(h->start_container, h->n_start_container);
    hooks_free(h->poststart, h->n_poststart);
    hooks_free(h->poststop, h->n_poststop);
    free(h);
  }
  oci_map_clear(&c->annotations);
  if (c->linux_) {
    oci_linux_clear(c->linux_);
    free(c->linux_);
  }
  free(c);
}
