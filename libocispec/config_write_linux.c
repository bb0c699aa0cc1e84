/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json generation: the "linux" object, its resources and seccomp. */
#include "internal.h"

static void write_device_cgroups(oci_json_writer *w, const oci_device_cgroup *v,
                                 size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, "devices");
  oci_jw_begin_array(w);
  for (size_t i = 0; v && i < n; i++) {
    oci_jw_begin_object(w);
    oci_jw_kv_bool(w, "allow", v[i].allow);
    oci_write_opt_string(w, "type", v[i].type);
    if (v[i].has_major)
      oci_jw_kv_int(w, "major", v[i].major);
    if (v[i].has_minor)
      oci_jw_kv_int(w, "minor", v[i].minor);
    oci_write_opt_string(w, "access", v[i].access);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
}

static void write_memory(oci_json_writer *w, const oci_memory *m) {
  oci_jw_key(w, "memory");
  oci_jw_begin_object(w);
  if (m->has_limit)
    oci_jw_kv_int(w, "limit", m->limit);
  if (m->has_reservation)
    oci_jw_kv_int(w, "reservation", m->reservation);
  if (m->has_swap)
    oci_jw_kv_int(w, "swap", m->swap);
  if (m->has_kernel)
    oci_jw_kv_int(w, "kernel", m->kernel);
  if (m->has_kernel_tcp)
    oci_jw_kv_int(w, "kernelTCP", m->kernel_tcp);
  if (m->has_swappiness)
    oci_jw_kv_uint(w, "swappiness", m->swappiness);
  if (m->has_disable_oom_killer)
    oci_jw_kv_bool(w, "disableOOMKiller", m->disable_oom_killer);
  if (m->has_use_hierarchy)
    oci_jw_kv_bool(w, "useHierarchy", m->use_hierarchy);
  if (m->has_check_before_update)
    oci_jw_kv_bool(w, "checkBeforeUpdate", m->check_before_update);
  oci_jw_end_object(w);
}

static void write_cpu(oci_json_writer *w, const oci_cpu *c) {
  oci_jw_key(w, "cpu");
  oci_jw_begin_object(w);
  if (c->has_shares)
    oci_jw_kv_uint(w, "shares", c->shares);
  if (c->has_quota)
    oci_jw_kv_int(w, "quota", c->quota);
  if (c->has_burst)
    oci_jw_kv_uint(w, "burst", c->burst);
  if (c->has_period)
    oci_jw_kv_uint(w, "period", c->period);
  if (c->has_realtime_runtime)
    oci_jw_kv_int(w, "realtimeRuntime", c->realtime_runtime);
  if (c->has_realtime_period)
    oci_jw_kv_uint(w, "realtimePeriod", c->realtime_period);
  oci_write_opt_string(w, "cpus", c->cpus);
  oci_write_opt_string(w, "mems", c->mems);
  if (c->has_idle)
    oci_jw_kv_int(w, "idle", c->idle);
  oci_jw_end_object(w);
}

static void write_throttles(oci_json_writer *w, const char *key,
                            const oci_blkio_throttle *v, size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, key);
  oci_jw_begin_array(w);
  for (size_t i = 0; v && i < n; i++) {
    oci_jw_begin_object(w);
    oci_jw_kv_int(w, "major", v[i].major);
    oci_jw_kv_int(w, "minor", v[i].minor);
    oci_jw_kv_uint(w, "rate", v[i].rate);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
}

static void write_block_io(oci_json_writer *w, const oci_blkio *b) {
  oci_jw_key(w, "blockIO");
  oci_jw_begin_object(w);
  if (b->has_weight)
    oci_jw_kv_uint(w, "weight", b->weight);
  if (b->has_leaf_weight)
    oci_jw_kv_uint(w, "leafWeight", b->leaf_weight);
  if (b->weight_device || b->n_weight_device) {
    oci_jw_key(w, "weightDevice");
    oci_jw_begin_array(w);
    for (size_t i = 0; b->weight_device && i < b->n_weight_device; i++) {
      const oci_blkio_weight_device *d = &b->weight_device[i];
      oci_jw_begin_object(w);
      oci_jw_kv_int(w, "major", d->major);
      oci_jw_kv_int(w, "minor", d->minor);
      if (d->has_weight)
        oci_jw_kv_uint(w, "weight", d->weight);
      if (d->has_leaf_weight)
        oci_jw_kv_uint(w, "leafWeight", d->leaf_weight);
      oci_jw_end_object(w);
    }
    oci_jw_end_array(w);
  }
  write_throttles(w, "throttleReadBpsDevice", b->throttle_read_bps, b->n_throttle_read_bps);
  write_throttles(w, "throttleWriteBpsDevice", b->throttle_write_bps,
                  b->n_throttle_write_bps);
  write_throttles(w, "throttleReadIOPSDevice", b->throttle_read_iops,
                  b->n_throttle_read_iops);
  write_throttles(w, "throttleWriteIOPSDevice", b->throttle_write_iops,
                  b->n_throttle_write_iops);
  oci_jw_end_object(w);
}

static void write_network(oci_json_writer *w, const oci_network *n) {
  oci_jw_key(w, "network");
  oci_jw_begin_object(w);
  if (n->has_class_id)
    oci_jw_kv_uint(w, "classID", n->class_id);
  if (n->priorities || n->n_priorities) {
    oci_jw_key(w, "priorities");
    oci_jw_begin_array(w);
    for (size_t i = 0; n->priorities && i < n->n_priorities; i++) {
      oci_jw_begin_object(w);
      oci_jw_kv_string(w, "name", n->priorities[i].name);
      oci_jw_kv_uint(w, "priority", n->priorities[i].priority);
      oci_jw_end_object(w);
    }
    oci_jw_end_array(w);
  }
  oci_jw_end_object(w);
}

void oci_write_resources(oci_json_writer *w, const char *key, const oci_resources *r) {
  oci_jw_key(w, key);
  oci_jw_begin_object(w);
  write_device_cgroups(w, r->devices, r->n_devices);
  if (r->memory)
    write_memory(w, r->memory);
  if (r->cpu)
    write_cpu(w, r->cpu);
  if (r->has_pids_limit) {
    oci_jw_key(w, "pids");
    oci_jw_begin_object(w);
    oci_jw_kv_int(w, "limit", r->pids_limit);
    oci_jw_end_object(w);
  }
  if (r->block_io)
    write_block_io(w, r->block_io);
  if (r->hugepage_limits || r->n_hugepage_limits) {
    oci_jw_key(w, "hugepageLimits");
    oci_jw_begin_array(w);
    for (size_t i = 0; r->hugepage_limits && i < r->n_hugepage_limits; i++) {
      oci_jw_begin_object(w);
      oci_jw_kv_string(w, "pageSize", r->hugepage_limits[i].page_size);
      oci_jw_kv_uint(w, "limit", r->hugepage_limits[i].limit);
      oci_jw_end_object(w);
    }
    oci_jw_end_array(w);
  }
  if (r->network)
    write_network(w, r->network);
  if (r->rdma || r->n_rdma) {
    oci_jw_key(w, "rdma");
    oci_jw_begin_object(w);
    for (size_t i = 0; r->rdma && i < r->n_rdma; i++) {
      oci_jw_key(w, r->rdma[i].device);
      oci_jw_begin_object(w);
      if (r->rdma[i].has_hca_handles)
        oci_jw_kv_uint(w, "hcaHandles", r->rdma[i].hca_handles);
      if (r->rdma[i].has_hca_objects)
        oci_jw_kv_uint(w, "hcaObjects", r->rdma[i].hca_objects);
      oci_jw_end_object(w);
    }
    oci_jw_end_object(w);
  }
  oci_write_map(w, "unified", &r->unified);
  oci_jw_end_object(w);
}

static void write_syscall(oci_json_writer *w, const oci_syscall *s) {
  oci_jw_begin_object(w);
  oci_write_strv(w, "names", s->names, s->n_names);
  oci_jw_kv_string(w, "action", s->action);
  if (s->has_errno_ret)
    oci_jw_kv_uint(w, "errnoRet", s->errno_ret);
  if (s->args || s->n_args) {
    oci_jw_key(w, "args");
    oci_jw_begin_array(w);
    for (size_t i = 0; s->args && i < s->n_args; i++) {
      const oci_syscall_arg *a = &s->args[i];
      oci_jw_begin_object(w);
      oci_jw_kv_uint(w, "index", a->index);
      oci_jw_kv_uint(w, "value", a->value);
      if (a->has_value_two)
        oci_jw_kv_uint(w, "valueTwo", a->value_two);
      oci_jw_kv_string(w, "op", a->op);
      oci_jw_end_object(w);
    }
    oci_jw_end_array(w);
  }
  oci_jw_end_object(w);
}

void oci_write_seccomp(oci_json_writer *w, const char *key, const oci_seccomp *s) {
  oci_jw_key(w, key);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "defaultAction", s->default_action);
  if (s->has_default_errno_ret)
    oci_jw_kv_uint(w, "defaultErrnoRet", s->default_errno_ret);
  oci_write_strv(w, "architectures", s->architectures, s->n_architectures);
  oci_write_strv(w, "flags", s->flags, s->n_flags);
  oci_write_opt_string(w, "listenerPath", s->listener_path);
  oci_write_opt_string(w, "listenerMetadata", s->listener_metadata);
  if (s->syscalls || s->n_syscalls) {
    oci_jw_key(w, "syscalls");
    oci_jw_begin_array(w);
    for (size_t i = 0; s->syscalls && i < s->n_syscalls; i++)
      write_syscall(w, &s->syscalls[i]);
    oci_jw_end_array(w);
  }
  oci_jw_end_object(w);
}

static void write_namespaces(oci_json_writer *w, const oci_namespace *v, size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, "namespaces");
  oci_jw_begin_array(w);
  for (size_t i = 0; v && i < n; i++) {
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "type", v[i].type);
    oci_write_opt_string(w, "path", v[i].path);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
}

static void write_devices(oci_json_writer *w, const oci_device *v, size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, "devices");
  oci_jw_begin_array(w);
  for (size_t i = 0; v && i < n; i++) {
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "path", v[i].path);
    oci_jw_kv_string(w, "type", v[i].type);
    if (v[i].has_major)
      oci_jw_kv_int(w, "major", v[i].major);
    if (v[i].has_minor)
      oci_jw_kv_int(w, "minor", v[i].minor);
    if (v[i].has_file_mode)
      oci_jw_kv_uint(w, "fileMode", v[i].file_mode);
    if (v[i].has_uid)
      oci_jw_kv_uint(w, "uid", v[i].uid);
    if (v[i].has_gid)
      oci_jw_kv_uint(w, "gid", v[i].gid);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
}

static void write_net_devices(oci_json_writer *w, const oci_net_device *v, size_t n) {
  if (v == NULL && n == 0)
    return;
  oci_jw_key(w, "netDevices");
  oci_jw_begin_object(w);
  for (size_t i = 0; v && i < n; i++) {
    oci_jw_key(w, v[i].name);
    oci_jw_begin_object(w);
    oci_write_opt_string(w, "name", v[i].new_name);
    oci_jw_end_object(w);
  }
  oci_jw_end_object(w);
}

static void write_time_offset(oci_json_writer *w, const char *key,
                              const oci_time_offset *t) {
  oci_jw_key(w, key);
  oci_jw_begin_object(w);
  oci_jw_kv_int(w, "secs", t->secs);
  oci_jw_kv_uint(w, "nanosecs", t->nanosecs);
  oci_jw_end_object(w);
}

static void write_linux_misc(oci_json_writer *w, const oci_linux *l) {
  if (l->intel_rdt) {
    const oci_intel_rdt *r = l->intel_rdt;
    oci_jw_key(w, "intelRdt");
    oci_jw_begin_object(w);
    oci_write_opt_string(w, "closID", r->clos_id);
    oci_write_strv(w, "schemata", r->schemata, r->n_schemata);
    oci_write_opt_string(w, "l3CacheSchema", r->l3_cache_schema);
    oci_write_opt_string(w, "memBwSchema", r->mem_bw_schema);
    if (r->has_enable_monitoring)
      oci_jw_kv_bool(w, "enableMonitoring", r->enable_monitoring);
    oci_jw_end_object(w);
  }
  if (l->personality) {
    oci_jw_key(w, "personality");
    oci_jw_begin_object(w);
    oci_write_opt_string(w, "domain", l->personality->domain);
    oci_write_strv(w, "flags", l->personality->flags, l->personality->n_flags);
    oci_jw_end_object(w);
  }
  if (l->time_boottime.present || l->time_monotonic.present) {
    oci_jw_key(w, "timeOffsets");
    oci_jw_begin_object(w);
    if (l->time_boottime.present)
      write_time_offset(w, "boottime", &l->time_boottime);
    if (l->time_monotonic.present)
      write_time_offset(w, "monotonic", &l->time_monotonic);
    oci_jw_end_object(w);
  }
  if (l->memory_policy) {
    oci_jw_key(w, "memoryPolicy");
    oci_jw_begin_object(w);
    oci_write_opt_string(w, "mode", l->memory_policy->mode);
    oci_write_opt_string(w, "nodes", l->memory_policy->nodes);
    oci_write_strv(w, "flags", l->memory_policy->flags, l->memory_policy->n_flags);
    oci_jw_end_object(w);
  }
}

void oci_write_linux(oci_json_writer *w, const char *key, const oci_linux *l) {
  oci_jw_key(w, key);
  oci_jw_begin_object(w);
  oci_write_id_mappings(w, "uidMappings", l->uid_mappings, l->n_uid_mappings);
  oci_write_id_mappings(w, "gidMappings", l->gid_mappings, l->n_gid_mappings);
  oci_write_map(w, "sysctl", &l->sysctl);
  if (l->resources)
    oci_write_resources(w, "resources", l->resources);
  oci_write_opt_string(w, "cgroupsPath", l->cgroups_path);
  write_namespaces(w, l->namespaces, l->n_namespaces);
  write_devices(w, l->devices, l->n_devices);
  write_net_devices(w, l->net_devices, l->n_net_devices);
  if (l->seccomp)
    oci_write_seccomp(w, "seccomp", l->seccomp);
  oci_write_opt_string(w, "rootfsPropagation", l->rootfs_propagation);
  oci_write_strv(w, "maskedPaths", l->masked_paths, l->n_masked_paths);
  oci_write_strv(w, "readonlyPaths", l->readonly_paths, l->n_readonly_paths);
  oci_write_opt_string(w, "mountLabel", l->mount_label);
  write_linux_misc(w, l);
  oci_jw_end_object(w);
}
