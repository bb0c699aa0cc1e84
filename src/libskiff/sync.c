/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sync.h"

#include <string.h>
#include <sys/socket.h>

int sync_send(int fd, enum sk_msg_type type, int errnum, const char *payload, sk_error **err) {
  struct sk_msg msg = {.type = type, .errnum = errnum};
  size_t len = 0;
  if (payload) {
    len = strnlen(payload, SK_MSG_MAX_PAYLOAD - 1);
    memcpy(msg.payload, payload, len);
  }
  msg.payload[len] = '\0';
  size_t total = offsetof(struct sk_msg, payload) + len + 1;
  for (;;) {
    ssize_t n = send(fd, &msg, total, MSG_NOSIGNAL);
    if (n >= 0)
      return 0;
    if (errno != EINTR)
      return sk_fail_errno(err, "sync: send");
  }
}

int sync_recv(int fd, struct sk_msg *msg, sk_error **err) {
  for (;;) {
    ssize_t n = recv(fd, msg, sizeof(*msg), 0);
    if (n == 0)
      return 0;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if (errno == ECONNRESET)
        return 0;
      return sk_fail_errno(err, "sync: receive");
    }
    if ((size_t)n < offsetof(struct sk_msg, payload) + 1)
      return sk_fail(err, EPROTO, "sync: short message");
    msg->payload[SK_MSG_MAX_PAYLOAD - 1] = '\0';
    ((char *)msg)[n < (ssize_t)sizeof(*msg) ? n : (ssize_t)sizeof(*msg) - 1] = '\0';
    return 1;
  }
}

void sync_send_error(int fd, const sk_error *e) {
  sk_error *ignored = NULL;
  sync_send(fd, SK_MSG_ERROR, e ? e->errnum : 0, e && e->msg ? e->msg : "unknown error",
            &ignored);
  sk_error_free(&ignored);
}
