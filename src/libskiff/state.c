/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "state.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "oci_json.h"
#include "util.h"

static const char *const status_names[] = {"creating", "created", "running", "paused",
                                           "stopped"};

const char *sk_status_name(enum sk_status s) { return status_names[s]; }

int state_check_id(const char *id, sk_error **err) {
  size_t len = strlen(id);
  if (len == 0)
    return sk_fail(err, 0, "invalid container id: it is empty");
  if (len > 1024)
    return sk_fail(err, 0, "invalid container id: longer than 1024 characters");
  if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return sk_fail(err, 0, "invalid container id \"%s\"", id);
  for (const char *p = id; *p; p++) {
    char ch = *p;
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '.' || ch == '+';
    if (!ok)
      return sk_fail(err, 0,
                     "invalid container id \"%s\": only letters, digits and _ + - . are allowed",
                     id);
  }
  return 0;
}

static int open_root(const char *root, bool create, sk_error **err) {
  if (create && sk_mkdir_p(root, 0700, err) < 0)
    return sk_wrap(err, "--root");
  int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return sk_fail_errno(err, "--root: open %s", root);
  return fd;
}

static sk_container *container_new(const char *root, const char *id) {
  sk_container *c = calloc(1, sizeof(*c));
  if (c == NULL)
    return NULL;
  c->dirfd = -1;
  c->root = strdup(root);
  c->id = strdup(id);
  if (c->root == NULL || c->id == NULL)
    state_close(&c);
  return c;
}

int state_create_dir(const char *root, const char *id, sk_container **out, sk_error **err) {
  if (state_check_id(id, err) < 0)
    return -1;
  _cleanup_close_ int rootfd = open_root(root, true, err);
  if (rootfd < 0)
    return -1;
  if (mkdirat(rootfd, id, 0700) < 0) {
    if (errno == EEXIST)
      return sk_fail(err, 0, "container \"%s\" already exists", id);
    return sk_fail_errno(err, "mkdir %s/%s", root, id);
  }
  sk_container *c = container_new(root, id);
  if (c == NULL) {
    unlinkat(rootfd, id, AT_REMOVEDIR);
    return sk_fail(err, ENOMEM, "create state");
  }
  c->dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (c->dirfd < 0 || flock(c->dirfd, LOCK_EX) < 0) {
    int e = errno;
    unlinkat(rootfd, id, AT_REMOVEDIR);
    state_close(&c);
    return sk_fail(err, e, "open %s/%s", root, id);
  }
  *out = c;
  return 0;
}

static int load_state(sk_container *c, sk_error **err) {
  _cleanup_close_ int fd = openat(c->dirfd, "state.json", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return 0; /* creating */
    return sk_fail_errno(err, "container \"%s\": open state.json", c->id);
  }
  _cleanup_free_ char *data = NULL;
  size_t len = 0;
  if (sk_read_fd_all(fd, &data, &len, err) < 0)
    return sk_wrap(err, "container \"%s\": state.json", c->id);
  _cleanup_free_ char *perr = NULL;
  c->state = oci_state_parse_data(data, len, &perr);
  if (c->state == NULL)
    return sk_fail(err, 0, "container \"%s\": state.json: %s", c->id, perr ? perr : "invalid");
  _cleanup_free_ char *start = oci_json_get_top_string(data, len, "pidStartTime");
  if (start)
    c->pid_start_time = strtoull(start, NULL, 10);
  c->rootfs = oci_json_get_top_string(data, len, "rootfs");
  c->created = oci_json_get_top_string(data, len, "created");
  c->owner = oci_json_get_top_string(data, len, "owner");
  c->cgroup_path = oci_json_get_top_string(data, len, "cgroupPath");
  _cleanup_free_ char *systemd = oci_json_get_top_string(data, len, "systemdCgroup");
  c->systemd_cgroup = systemd && strcmp(systemd, "1") == 0;
  _cleanup_free_ char *keyring = oci_json_get_top_string(data, len, "noNewKeyring");
  c->no_new_keyring = keyring && strcmp(keyring, "1") == 0;
  _cleanup_free_ char *hooks = oci_json_get_top_string(data, len, "postHooks");
  c->post_hooks = hooks && strcmp(hooks, "1") == 0;
  return 0;
}

int state_open(const char *root, const char *id, bool exclusive, sk_container **out,
               sk_error **err) {
  if (state_check_id(id, err) < 0)
    return -1;
  _cleanup_close_ int rootfd = open_root(root, false, err);
  if (rootfd < 0) {
    if ((*err)->errnum == ENOENT)
      return sk_fail(err, ENOENT, "container \"%s\" does not exist", id);
    return -1;
  }
  sk_container *c = container_new(root, id);
  if (c == NULL)
    return sk_fail(err, ENOMEM, "open container");
  c->dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (c->dirfd < 0) {
    int e = errno;
    state_close(&c);
    if (e == ENOENT)
      return sk_fail(err, 0, "container \"%s\" does not exist", id);
    return sk_fail(err, e, "container \"%s\": open state dir", id);
  }
  if (flock(c->dirfd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
    int e = errno;
    state_close(&c);
    return sk_fail(err, e, "container \"%s\": lock", id);
  }
  /* A delete that held the lock before us removed the directory. */
  struct stat st;
  if (fstat(c->dirfd, &st) < 0 || st.st_nlink == 0) {
    state_close(&c);
    return sk_fail(err, 0, "container \"%s\" does not exist", id);
  }
  if (load_state(c, err) < 0) {
    state_close(&c);
    return -1;
  }
  *out = c;
  return 0;
}

int state_save(sk_container *c, sk_error **err) {
  const oci_state *s = c->state;
  oci_json_writer *w = oci_jw_new(false);
  oci_jw_begin_object(w);
  oci_jw_kv_string(w, "ociVersion", s->oci_version);
  oci_jw_kv_string(w, "id", s->id);
  oci_jw_kv_string(w, "status", s->status);
  if (s->has_pid)
    oci_jw_kv_int(w, "pid", s->pid);
  oci_jw_kv_string(w, "bundle", s->bundle);
  if (s->annotations.len) {
    oci_jw_key(w, "annotations");
    oci_jw_begin_object(w);
    for (size_t i = 0; i < s->annotations.len; i++)
      oci_jw_kv_string(w, s->annotations.keys[i], s->annotations.values[i]);
    oci_jw_end_object(w);
  }
  oci_jw_kv_uint(w, "pidStartTime", c->pid_start_time);
  if (c->rootfs)
    oci_jw_kv_string(w, "rootfs", c->rootfs);
  if (c->created)
    oci_jw_kv_string(w, "created", c->created);
  if (c->owner)
    oci_jw_kv_string(w, "owner", c->owner);
  if (c->post_hooks)
    oci_jw_kv_int(w, "postHooks", 1);
  if (c->cgroup_path)
    oci_jw_kv_string(w, "cgroupPath", c->cgroup_path);
  if (c->systemd_cgroup)
    oci_jw_kv_int(w, "systemdCgroup", 1);
  if (c->no_new_keyring)
    oci_jw_kv_int(w, "noNewKeyring", 1);
  oci_jw_end_object(w);
  _cleanup_free_ char *doc = oci_jw_finish(w);
  if (doc == NULL)
    return sk_fail(err, ENOMEM, "write state.json");
  if (sk_write_file_atomic(c->dirfd, "state.json", doc, strlen(doc), err) < 0)
    return sk_wrap(err, "container \"%s\": save state", c->id);
  return 0;
}

int state_remove(sk_container *c, sk_error **err) {
  _cleanup_close_ int fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
  if (d == NULL)
    return sk_fail_errno(err, "container \"%s\": read state dir", c->id);
  fd = -1; /* owned by d */
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    if (unlinkat(c->dirfd, de->d_name, 0) < 0 && errno != ENOENT) {
      int e = errno;
      closedir(d);
      return sk_fail(err, e, "container \"%s\": remove %s", c->id, de->d_name);
    }
  }
  closedir(d);
  _cleanup_close_ int rootfd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0 || unlinkat(rootfd, c->id, AT_REMOVEDIR) < 0)
    return sk_fail_errno(err, "container \"%s\": remove %s/%s", c->id, c->root, c->id);
  return 0;
}

void state_close(sk_container **cp) {
  sk_container *c = *cp;
  if (c == NULL)
    return;
  if (c->dirfd >= 0)
    close(c->dirfd); /* drops the flock */
  if (c->state)
    oci_state_free(c->state);
  free(c->root);
  free(c->id);
  free(c->rootfs);
  free(c->created);
  free(c->owner);
  free(c->cgroup_path);
  free(c);
  *cp = NULL;
}

unsigned long long state_pid_start_time(pid_t pid, bool *zombie) {
  char path[64], buf[1024];
  snprintf(path, sizeof(path), "/proc/%d/stat", pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* comm may contain spaces and parentheses: fields start after the last ')'. */
  char *p = strrchr(buf, ')');
  if (p == NULL || p[1] == '\0')
    return 0;
  p += 2; /* field 3: state */
  if (zombie)
    *zombie = (*p == 'Z' || *p == 'X');
  for (int field = 3; field < 22 && p; field++) {
    p = strchr(p, ' ');
    if (p)
      p++;
  }
  return p ? strtoull(p, NULL, 10) : 0;
}

enum sk_status state_status(const sk_container *c) {
  if (c->state == NULL)
    return SK_CREATING;
  if (!c->state->has_pid || c->state->pid <= 0)
    return SK_STOPPED;
  bool zombie = false;
  unsigned long long start = state_pid_start_time(c->state->pid, &zombie);
  if (start == 0 || zombie || start != c->pid_start_time)
    return SK_STOPPED;
  /* Frozen first: a created container can be paused too, and it must then
   * say so (resume takes it back to created). */
  if (c->cgroup_path) {
    sk_cgroup *cg = NULL;
    sk_error *ignored = NULL;
    bool frozen = cgroup_open(c->cgroup_path, c->systemd_cgroup, c->id, &cg, &ignored) == 0 &&
                  cgroup_is_frozen(cg);
    cgroup_free(&cg);
    sk_error_free(&ignored);
    if (frozen)
      return SK_PAUSED;
  }
  if (faccessat(c->dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return SK_CREATED;
  return SK_RUNNING;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int state_list_ids(const char *root, char ***ids, sk_error **err) {
  size_t n = 0, cap = 8;
  char **v = calloc(cap + 1, sizeof(char *));
  if (v == NULL)
    return sk_fail(err, ENOMEM, "list");
  DIR *d = opendir(root);
  if (d == NULL) {
    if (errno == ENOENT) {
      *ids = v;
      return 0;
    }
    free(v);
    return sk_fail_errno(err, "--root: open %s", root);
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.' || de->d_type != DT_DIR)
      continue;
    if (n == cap) {
      char **nv = realloc(v, (cap * 2 + 1) * sizeof(char *));
      if (nv == NULL)
        break;
      v = nv;
      cap *= 2;
    }
    v[n++] = strdup(de->d_name);
    v[n] = NULL;
  }
  closedir(d);
  qsort(v, n, sizeof(char *), cmp_str);
  *ids = v;
  return 0;
}
