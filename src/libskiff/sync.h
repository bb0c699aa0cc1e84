/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The messages between the runtime (parent) and the container's init over
 * their SOCK_SEQPACKET socketpair. One message per packet:
 *
 *   parent -> init   SK_MSG_GO       namespaces' id maps written (and the
 *                                    init placed in its cgroup): go on
 *   init -> parent   SK_MSG_READY    everything is set up; the init now
 *                                    waits on exec.fifo for `start`
 *   init -> parent   SK_MSG_ERROR    errnum + message; the init exits
 *   init -> parent   SK_MSG_HOOKS    mounts done: run the prestart and
 *                                    createRuntime hooks now (only sent
 *                                    when the config has some)
 *   parent -> init   SK_MSG_HOOKS_DONE  they succeeded: go on
 *   init -> parent   SK_MSG_NEWPID   the init forked into its pid namespace
 *                                    (user namespace given by path): this
 *                                    message's SCM_CREDENTIALS name the new
 *                                    init, the old one exits
 *   parent -> init   SK_MSG_COMMIT   after READY: the state is saved, the
 *                                    container exists; an EOF instead (the
 *                                    runtime failed or died) ends the init
 *
 * An EOF without READY or ERROR means the init died; the parent reports
 * its wait status. */
#ifndef SKIFF_SYNC_H
#define SKIFF_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

enum sk_msg_type {
  SK_MSG_GO = 1,
  SK_MSG_READY,
  SK_MSG_ERROR,
  SK_MSG_HOOKS,
  SK_MSG_HOOKS_DONE,
  SK_MSG_COMMIT,
  SK_MSG_NEWPID
};

#define SK_MSG_MAX_PAYLOAD 4000

struct sk_msg {
  uint32_t type;
  int32_t errnum;
  char payload[SK_MSG_MAX_PAYLOAD]; /* NUL-terminated */
};

int sync_send(int fd, enum sk_msg_type type, int errnum, const char *payload, sk_error **err);
/* Returns 1 with the message, 0 on EOF, -1 on error. */
int sync_recv(int fd, struct sk_msg *msg, sk_error **err);
/* SK_MSG_NEWPID with our pid as SCM_CREDENTIALS. */
int sync_send_own_pid(int fd, sk_error **err);
/* sync_recv that also gives the sender's pid (SO_PASSCRED must be on). */
int sync_recv_from(int fd, struct sk_msg *msg, pid_t *sender, sk_error **err);
/* Send an error to the parent (best effort, used on the init's way out). */
void sync_send_error(int fd, const sk_error *e);

#endif
