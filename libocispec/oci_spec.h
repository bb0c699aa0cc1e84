/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The OCI runtime-spec 1.3 types as C structs: config.json (generic and Linux
 * parts), the state document and the features document.
 *
 * Conventions:
 *  - strings are NUL-terminated heap strings, NULL when the field is absent;
 *  - arrays are a pointer plus a `n_<name>` count (0 and NULL when absent;
 *    an empty array that is in the document parses to a non-NULL pointer with
 *    count 0, and is written back as []); string arrays from the parser are
 *    also NULL-terminated (args can go straight to execve);
 *  - optional scalars have a `has_<name>` flag beside them;
 *  - objects that may be absent are pointers, NULL when absent;
 *  - string maps (annotations, sysctl, unified) are oci_map, in document order.
 * Everything is owned by the top-level struct and released by its _free(). */
#ifndef OCI_SPEC_H
#define OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCI_SPEC_VERSION "1.3.0"

typedef struct {
  char **keys;
  char **values;
  size_t len;
} oci_map;

typedef struct {
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
} oci_id_mapping;

typedef struct {
  char *path;
  char **args;
  size_t n_args;
  char **env;
  size_t n_env;
  bool has_timeout;
  int64_t timeout; /* seconds, >= 1 */
} oci_hook;

typedef struct {
  char *destination; /* required */
  char *type;
  char *source;
  char **options;
  size_t n_options;
  oci_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  oci_id_mapping *gid_mappings;
  size_t n_gid_mappings;
} oci_mount;

typedef struct {
  char *type; /* "RLIMIT_NOFILE", ... */
  uint64_t soft;
  uint64_t hard;
} oci_rlimit;

typedef struct {
  char **bounding;
  size_t n_bounding;
  char **effective;
  size_t n_effective;
  char **inheritable;
  size_t n_inheritable;
  char **permitted;
  size_t n_permitted;
  char **ambient;
  size_t n_ambient;
} oci_capabilities;

typedef struct {
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username;
} oci_user;

typedef struct {
  char *policy; /* "SCHED_OTHER", ... required */
  bool has_nice;
  int32_t nice;
  bool has_priority;
  int32_t priority;
  char **flags;
  size_t n_flags;
  bool has_runtime;
  uint64_t runtime;
  bool has_deadline;
  uint64_t deadline;
  bool has_period;
  uint64_t period;
} oci_scheduler;

typedef struct {
  char *klass; /* "class": IOPRIO_CLASS_RT|BE|IDLE, required */
  int32_t priority;
} oci_io_priority;

typedef struct {
  char *initial;
  char *final;
} oci_cpu_affinity;

typedef struct {
  bool terminal;
  bool has_console_size;
  uint64_t console_height;
  uint64_t console_width;
  oci_user user;
  char **args;
  size_t n_args;
  char *command_line;
  char **env;
  size_t n_env;
  char *cwd; /* required */
  oci_capabilities *capabilities;
  oci_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int32_t oom_score_adj;
  char *selinux_label;
  oci_io_priority *io_priority;
  oci_scheduler *scheduler;
  oci_cpu_affinity *exec_cpu_affinity;
} oci_process;

typedef struct {
  char *path; /* required */
  bool readonly;
} oci_root;

typedef struct {
  char *type; /* mount pid network uts ipc user cgroup time */
  char *path;
} oci_namespace;

typedef struct {
  char *type; /* "c" "b" "u" "p" */
  char *path;
  bool has_major;
  int64_t major;
  bool has_minor;
  int64_t minor;
  bool has_file_mode;
  uint32_t file_mode;
  bool has_uid;
  uint32_t uid;
  bool has_gid;
  uint32_t gid;
} oci_device;

typedef struct {
  bool allow;
  char *type; /* "a" "c" "b", NULL = all */
  bool has_major;
  int64_t major; /* absent = wildcard */
  bool has_minor;
  int64_t minor;
  char *access; /* "rwm" */
} oci_device_cgroup;

typedef struct {
  bool has_limit;
  int64_t limit;
  bool has_reservation;
  int64_t reservation;
  bool has_swap;
  int64_t swap;
  bool has_kernel;
  int64_t kernel;
  bool has_kernel_tcp;
  int64_t kernel_tcp;
  bool has_swappiness;
  uint64_t swappiness;
  bool has_disable_oom_killer;
  bool disable_oom_killer;
  bool has_use_hierarchy;
  bool use_hierarchy;
  bool has_check_before_update;
  bool check_before_update;
} oci_memory;

typedef struct {
  bool has_shares;
  uint64_t shares;
  bool has_quota;
  int64_t quota;
  bool has_burst;
  uint64_t burst;
  bool has_period;
  uint64_t period;
  bool has_realtime_runtime;
  int64_t realtime_runtime;
  bool has_realtime_period;
  uint64_t realtime_period;
  char *cpus;
  char *mems;
  bool has_idle;
  int64_t idle;
} oci_cpu;

typedef struct {
  int64_t major;
  int64_t minor;
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
} oci_blkio_weight_device;

typedef struct {
  int64_t major;
  int64_t minor;
  uint64_t rate;
} oci_blkio_throttle;

typedef struct {
  bool has_weight;
  uint16_t weight;
  bool has_leaf_weight;
  uint16_t leaf_weight;
  oci_blkio_weight_device *weight_device;
  size_t n_weight_device;
  oci_blkio_throttle *throttle_read_bps;
  size_t n_throttle_read_bps;
  oci_blkio_throttle *throttle_write_bps;
  size_t n_throttle_write_bps;
  oci_blkio_throttle *throttle_read_iops;
  size_t n_throttle_read_iops;
  oci_blkio_throttle *throttle_write_iops;
  size_t n_throttle_write_iops;
} oci_blkio;

typedef struct {
  char *page_size; /* "2MB" */
  uint64_t limit;
} oci_hugepage_limit;

typedef struct {
  char *name;
  uint32_t priority;
} oci_net_priority;

typedef struct {
  bool has_class_id;
  uint32_t class_id;
  oci_net_priority *priorities;
  size_t n_priorities;
} oci_network;

typedef struct {
  char *device; /* the map key */
  bool has_hca_handles;
  uint32_t hca_handles;
  bool has_hca_objects;
  uint32_t hca_objects;
} oci_rdma;

typedef struct {
  oci_device_cgroup *devices;
  size_t n_devices;
  oci_memory *memory;
  oci_cpu *cpu;
  bool has_pids_limit;
  int64_t pids_limit;
  oci_blkio *block_io;
  oci_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  oci_network *network;
  oci_rdma *rdma;
  size_t n_rdma;
  oci_map unified;
} oci_resources;

typedef struct {
  uint32_t index;
  uint64_t value;
  bool has_value_two;
  uint64_t value_two;
  char *op; /* SCMP_CMP_* */
} oci_syscall_arg;

typedef struct {
  char **names;
  size_t n_names;
  char *action; /* SCMP_ACT_* */
  bool has_errno_ret;
  uint32_t errno_ret;
  oci_syscall_arg *args;
  size_t n_args;
} oci_syscall;

typedef struct {
  char *default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures;
  size_t n_architectures;
  char **flags;
  size_t n_flags;
  char *listener_path;
  char *listener_metadata;
  oci_syscall *syscalls;
  size_t n_syscalls;
} oci_seccomp;

typedef struct {
  char *clos_id;
  char **schemata;
  size_t n_schemata;
  char *l3_cache_schema;
  char *mem_bw_schema;
  bool has_enable_monitoring;
  bool enable_monitoring;
} oci_intel_rdt;

typedef struct {
  char *mode; /* MPOL_* */
  char *nodes;
  char **flags;
  size_t n_flags;
} oci_memory_policy;

typedef struct {
  char *domain; /* LINUX | LINUX32 */
  char **flags;
  size_t n_flags;
} oci_personality;

typedef struct {
  bool present;
  int64_t secs;
  uint32_t nanosecs;
} oci_time_offset;

typedef struct {
  char *name;     /* the host interface, the map key */
  char *new_name; /* "name" inside the container, may be NULL */
} oci_net_device;

typedef struct {
  oci_namespace *namespaces;
  size_t n_namespaces;
  oci_id_mapping *uid_mappings;
  size_t n_uid_mappings;
  oci_id_mapping *gid_mappings;
  size_t n_gid_mappings;
  oci_device *devices;
  size_t n_devices;
  oci_net_device *net_devices;
  size_t n_net_devices;
  char *cgroups_path;
  oci_resources *resources;
  char *rootfs_propagation;
  oci_seccomp *seccomp;
  oci_map sysctl;
  char **masked_paths;
  size_t n_masked_paths;
  char **readonly_paths;
  size_t n_readonly_paths;
  char *mount_label;
  oci_intel_rdt *intel_rdt;
  oci_memory_policy *memory_policy;
  oci_personality *personality;
  oci_time_offset time_boottime;
  oci_time_offset time_monotonic;
} oci_linux;

typedef struct {
  oci_hook *prestart;
  size_t n_prestart;
  oci_hook *create_runtime;
  size_t n_create_runtime;
  oci_hook *create_container;
  size_t n_create_container;
  oci_hook *start_container;
  size_t n_start_container;
  oci_hook *poststart;
  size_t n_poststart;
  oci_hook *poststop;
  size_t n_poststop;
} oci_hooks;

typedef struct {
  char *oci_version; /* required */
  oci_root *root;
  oci_mount *mounts;
  size_t n_mounts;
  oci_process *process;
  char *hostname;
  char *domainname;
  oci_hooks *hooks;
  oci_map annotations;
  oci_linux *linux_; /* "linux" (a macro name in GNU C, hence the underscore) */
} oci_config;

/* The state document (runtime.md "State"). */
typedef struct {
  char *oci_version;
  char *id;
  char *status; /* creating created running stopped (and "paused", as runc prints) */
  bool has_pid;
  int pid;
  char *bundle;
  oci_map annotations;
} oci_state;

/* The features document (features.md); strings arrays as above. */
typedef struct {
  char *oci_version_min;
  char *oci_version_max;
  char **hooks;
  size_t n_hooks;
  char **mount_options;
  size_t n_mount_options;
  oci_map annotations;
  char **potentially_unsafe_annotations;
  size_t n_potentially_unsafe_annotations;
  /* linux */
  char **namespaces;
  size_t n_namespaces;
  char **capabilities;
  size_t n_capabilities;
  bool cgroup_v1, cgroup_v2, cgroup_systemd, cgroup_systemd_user, cgroup_rdma;
  bool seccomp_enabled;
  char **seccomp_actions;
  size_t n_seccomp_actions;
  char **seccomp_operators;
  size_t n_seccomp_operators;
  char **seccomp_archs;
  size_t n_seccomp_archs;
  char **seccomp_known_flags;
  size_t n_seccomp_known_flags;
  char **seccomp_supported_flags;
  size_t n_seccomp_supported_flags;
  bool apparmor_enabled;
  bool selinux_enabled;
  bool intel_rdt_enabled;
  bool idmap_enabled;
  bool net_devices_enabled;
} oci_features;

/* Parsing. On failure these return NULL and set *err to a malloc'd message
 * that names the JSON path of the bad field, e.g.
 *   `process.user.uid: expected a non-negative integer, got "abc"`
 * or, for malformed JSON, the yajl message with its byte offset ("at byte N":
 * the 1-based position of the offending character, the document length for a
 * premature end). Unknown fields are ignored; null is the same as absent.
 * Only JSON types, integer ranges and required fields are checked: enum
 * values (namespace types, seccomp actions, ...) are left to the runtime.
 * oci_config_parse_file's error starts with the file path. */
oci_config *oci_config_parse_file(const char *path, char **err);
oci_config *oci_config_parse_data(const char *data, size_t len, char **err);
/* A process object alone (runc exec --process FILE); paths in errors are
 * relative to the object ("cwd", "user.uid"). */
oci_process *oci_process_parse_data(const char *data, size_t len, char **err);
oci_state *oci_state_parse_data(const char *data, size_t len, char **err);
oci_features *oci_features_parse_data(const char *data, size_t len, char **err);

/* Generation: malloc'd, NUL-terminated, pretty (tab-indented, like runc)
 * when `pretty`, no trailing newline. NULL on ENOMEM. Absent fields are left
 * out, as are false bools that have no has_ flag (terminal, readonly,
 * noNewPrivileges), as Go's omitempty does; a NULL ociVersion is written as
 * OCI_SPEC_VERSION. */
char *oci_config_to_json(const oci_config *c, bool pretty);
char *oci_state_to_json(const oci_state *s, bool pretty);
char *oci_features_to_json(const oci_features *f, bool pretty);

/* The config `skiff spec` writes: the content of `runc spec` (runc 1.1) with
 * ociVersion OCI_SPEC_VERSION, but terminal false, hostname "skiff" and no
 * ambient capabilities (see spec_default.c) ("sh", the
 * default mounts, masked and read-only paths, a deny-all device cgroup rule,
 * namespaces pid network ipc uts mount). With `rootless`, like `runc spec
 * --rootless`: a user namespace with mappings for `uid`/`gid`, no network
 * namespace, /sys bind-mounted, no gid=5 on devpts, no resources. */
oci_config *oci_config_new_default(bool rootless, uint32_t uid, uint32_t gid);

void oci_config_free(oci_config *c);
void oci_process_free(oci_process *p);
void oci_state_free(oci_state *s);
void oci_features_free(oci_features *f);
void oci_map_clear(oci_map *m);
/* Value for `key`, or NULL. */
const char *oci_map_get(const oci_map *m, const char *key);

#endif
