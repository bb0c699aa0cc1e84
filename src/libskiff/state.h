/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The --root directory: one directory per container, holding
 *   state.json   written once, atomically, when create succeeds
 *   exec.fifo    exists from create until start: the init blocks on it
 *   config.json  the config the container was created with
 * Every command takes a flock on the container directory (exclusive for
 * commands that change it, shared for readers), so that concurrent commands
 * on one id cannot corrupt it. */
#ifndef SKIFF_STATE_H
#define SKIFF_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "oci_spec.h"

#define SK_DEFAULT_ROOT "/run/skiff"

enum sk_status { SK_CREATING, SK_CREATED, SK_RUNNING, SK_PAUSED, SK_STOPPED };
const char *sk_status_name(enum sk_status s);

typedef struct sk_container {
  char *root;     /* the --root dir */
  char *id;
  int dirfd;      /* <root>/<id>, locked */
  /* from state.json (absent while creating) */
  oci_state *state;
  unsigned long long pid_start_time; /* field 22 of /proc/<pid>/stat */
  char *rootfs;
  char *created; /* RFC 3339 */
  char *owner;
  bool post_hooks; /* the config has poststart or poststop hooks */
  char *cgroup_path; /* cgroup_path() of its cgroup, NULL if none */
  bool systemd_cgroup;
  bool no_new_keyring; /* created with --no-new-keyring */
} sk_container;

/* A container id: 1..1024 chars of [A-Za-z0-9_+.-], not "." or "..". */
int state_check_id(const char *id, sk_error **err);

/* Make <root>/<id> (error if the id is taken) and lock it exclusively. */
int state_create_dir(const char *root, const char *id, sk_container **out, sk_error **err);
/* Open and lock an existing container; loads state.json when present.
 * `exclusive`: for commands that change the container. */
int state_open(const char *root, const char *id, bool exclusive, sk_container **out,
               sk_error **err);
/* Write state.json from c->state and the extras. */
int state_save(sk_container *c, sk_error **err);
/* Remove the container directory and everything in it. */
int state_remove(sk_container *c, sk_error **err);
void state_close(sk_container **c);
#define _cleanup_container_ __attribute__((cleanup(state_close)))

/* The live status: stopped when the init is gone (or a zombie, or its pid
 * was reused: start time differs), paused when its cgroup is frozen,
 * created while exec.fifo exists, otherwise running. */
enum sk_status state_status(const sk_container *c);

/* Start time of `pid` (field 22 of /proc/<pid>/stat); 0 if gone. Sets
 * *zombie when the process has exited but is not reaped. */
unsigned long long state_pid_start_time(pid_t pid, bool *zombie);

/* Names of the containers under `root` (NULL-terminated, sorted). */
int state_list_ids(const char *root, char ***ids, sk_error **err);

#endif
