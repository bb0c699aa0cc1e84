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
 *   parent -> init   SK_MSG_COMMIT   after READY: the state is saved, the
 *                                    container exists; an EOF instead (the
 *                                    runtime failed or died) ends the init
 *
 * An EOF without READY or ERROR means the init died; the parent reports
 * its wait status. */
#ifndef SKIFF_SYNC_H
#define SKIFF_SYNC_H

#include <stdint.h>

#include "error.h"

enum sk_msg_type {
  SK_MSG_GO = 1,
  SK_MSG_READY,
  SK_MSG_ERROR,
  SK_MSG_HOOKS,
  SK_MSG_HOOKS_DONE,
  SK_MSG_COMMIT
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
/* Send an error to the parent (best effort, used on the init's way out). */
void sync_send_error(int fd, const sk_error *e);

#endif
