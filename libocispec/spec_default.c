/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The config `skiff spec` writes. Its content follows what `runc spec`
 * (runc 1.1) generates, with three differences: terminal is false (the
 * config runs as-is from a script or a test, with no console socket), the
 * hostname is "skiff", and there is no ambient set (an ambient capability
 * must also be inheritable, which runc's default is not: runc 1.2 dropped
 * it for that reason). The document is written with the JSON writer and read
 * back with the parser, so the struct is built by the same code as any
 * config.json. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void strings(oci_json_writer *w, const char *key, const char *const *v) {
  oci_jw_key(w, key);
  oci_jw_begin_array(w);
  for (; *v; v++)
    oci_jw_string(w, *v);
  oci_jw_end_array(w);
}

static void mount(oci_json_writer *w, const char *dest, const char *type,
                  const char *source, const char *const *options) {
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "destination", dest);
  oci_jw_kv_string(w, "type", type);
  oci_jw_kv_string(w, "source", source);
  if (options)
    strings(w, "options", options);
  oci_jw_end_object(w);
}

static void id_mapping(oci_json_writer *w, const char *key, uint32_t host_id) {
  oci_jw_key(w, key);
  oci_jw_begin_array(w);
  oci_jw_begin_object(w);
  oci_jw_kv_uint(w, "containerID", 0);
  oci_jw_kv_uint(w, "hostID", host_id);
  oci_jw_kv_uint(w, "size", 1);
  oci_jw_end_object(w);
  oci_jw_end_array(w);
}

static void write_process(oci_json_writer *w) {
  static const char *const args[] = {"sh", NULL};
  static const char *const env[] = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
      NULL};
  static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL",
                                     "CAP_NET_BIND_SERVICE", NULL};
  oci_jw_key(w, "process");
  oci_jw_begin_object(w);
  oci_jw_kv_bool(w, "terminal", false);
  oci_jw_key(w, "user");
  oci_jw_begin_object(w);
  oci_jw_kv_uint(w, "uid", 0);
  oci_jw_kv_uint(w, "gid", 0);
  oci_jw_end_object(w);
  strings(w, "args", args);
  strings(w, "env", env);
  oci_jw_kv_string(w, "cwd", "/");
  oci_jw_key(w, "capabilities");
  oci_jw_begin_object(w);
  strings(w, "bounding", caps);
  strings(w, "effective", caps);
  strings(w, "permitted", caps);
  oci_jw_end_object(w);
  oci_jw_key(w, "rlimits");
  oci_jw_begin_array(w);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "type", "RLIMIT_NOFILE");
  oci_jw_kv_uint(w, "hard", 1024);
  oci_jw_kv_uint(w, "soft", 1024);
  oci_jw_end_object(w);
  oci_jw_end_array(w);
  oci_jw_kv_bool(w, "noNewPrivileges", true);
  oci_jw_end_object(w);
}

static void write_mounts(oci_json_writer *w, bool rootless) {
  static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k",
                                    NULL};
  /* gid=5 (tty) is unmapped in a rootless user namespace. */
  static const char *const pts[] = {"nosuid",       "noexec",    "newinstance",
                                    "ptmxmode=0666", "mode=0620", "gid=5", NULL};
  static const char *const pts_rootless[] = {"nosuid",        "noexec",
                                             "newinstance",   "ptmxmode=0666",
                                             "mode=0620",     NULL};
  static const char *const shm[] = {"nosuid", "noexec", "nodev", "mode=1777",
                                    "size=65536k", NULL};
  static const char *const mqueue[] = {"nosuid", "noexec", "nodev", NULL};
  static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
  /* sysfs cannot be mounted without owning the network namespace: bind it. */
  static const char *const sys_rootless[] = {"rbind", "nosuid", "noexec", "nodev", "ro",
                                             NULL};
  static const char *const cgroup[] = {"nosuid", "noexec", "nodev", "relatime", "ro",
                                       NULL};
  oci_jw_key(w, "mounts");
  oci_jw_begin_array(w);
  mount(w, "/proc", "proc", "proc", NULL);
  mount(w, "/dev", "tmpfs", "tmpfs", dev);
  mount(w, "/dev/pts", "devpts", "devpts", rootless ? pts_rootless : pts);
  mount(w, "/dev/shm", "tmpfs", "shm", shm);
  mount(w, "/dev/mqueue", "mqueue", "mqueue", mqueue);
  if (rootless)
    mount(w, "/sys", "none", "/sys", sys_rootless);
  else
    mount(w, "/sys", "sysfs", "sysfs", sys);
  mount(w, "/sys/fs/cgroup", "cgroup", "cgroup", cgroup);
  oci_jw_end_array(w);
}

static void write_linux(oci_json_writer *w, bool rootless, uint32_t uid, uint32_t gid) {
  static const char *const masked[] = {
      "/proc/acpi",      "/proc/asound",        "/proc/kcore",
      "/proc/keys",      "/proc/latency_stats", "/proc/timer_list",
      "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
      "/proc/scsi",      NULL};
  static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq",
                                         "/proc/sys", "/proc/sysrq-trigger", NULL};
  static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", NULL};
  static const char *const ns_rootless[] = {"pid", "ipc", "uts", "mount", "user", NULL};
  oci_jw_key(w, "linux");
  oci_jw_begin_object(w);
  if (rootless) {
    id_mapping(w, "uidMappings", uid);
    id_mapping(w, "gidMappings", gid);
  } else {
    /* Deny all devices; the runtime adds its default allow list. */
    oci_jw_key(w, "resources");
    oci_jw_begin_object(w);
    oci_jw_key(w, "devices");
    oci_jw_begin_array(w);
    oci_jw_begin_object(w);
    oci_jw_kv_bool(w, "allow", false);
    oci_jw_kv_string(w, "access", "rwm");
    oci_jw_end_object(w);
    oci_jw_end_array(w);
    oci_jw_end_object(w);
  }
  oci_jw_key(w, "namespaces");
  oci_jw_begin_array(w);
  for (const char *const *t = rootless ? ns_rootless : ns; *t; t++) {
    oci_jw_begin_object(w);
    oci_jw_kv_string(w, "type", *t);
    oci_jw_end_object(w);
  }
  oci_jw_end_array(w);
  strings(w, "maskedPaths", masked);
  strings(w, "readonlyPaths", readonly);
  oci_jw_end_object(w);
}

oci_config *oci_config_new_default(bool rootless, uint32_t uid, uint32_t gid) {
  oci_json_writer *w = oci_jw_new(false);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "ociVersion", OCI_SPEC_VERSION);
  write_process(w);
  oci_jw_key(w, "root");
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "path", "rootfs");
  oci_jw_kv_bool(w, "readonly", true);
  oci_jw_end_object(w);
  oci_jw_kv_string(w, "hostname", "skiff");
  write_mounts(w, rootless);
  write_linux(w, rootless, uid, gid);
  oci_jw_end_object(w);
  char *doc = oci_jw_finish(w);
  if (doc == NULL)
    return NULL;
  char *err = NULL;
  oci_config *c = oci_config_parse_data(doc, strlen(doc), &err);
  free(err);
  free(doc);
  return c;
}
