/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sync.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

int sync_send_own_pid(int fd, sk_error **err) {
  struct sk_msg msg = {.type = SK_MSG_NEWPID};
  struct iovec iov = {.iov_base = &msg, .iov_len = offsetof(struct sk_msg, payload) + 1};
  union {
    char buf[CMSG_SPACE(sizeof(struct ucred))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof(control));
  struct msghdr mh = {.msg_iov = &iov,
                      .msg_iovlen = 1,
                      .msg_control = control.buf,
                      .msg_controllen = sizeof(control.buf)};
  struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_CREDENTIALS;
  cm->cmsg_len = CMSG_LEN(sizeof(struct ucred));
  struct ucred cred = {.pid = getpid(), .uid = getuid(), .gid = getgid()};
  memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
  if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
    return sk_fail_errno(err, "sync: send our pid");
  return 0;
}

int sync_recv_from(int fd, struct sk_msg *msg, pid_t *sender, sk_error **err) {
  union {
    char buf[CMSG_SPACE(sizeof(struct ucred))];
    struct cmsghdr align;
  } control;
  for (;;) {
    struct iovec iov = {.iov_base = msg, .iov_len = sizeof(*msg)};
    struct msghdr mh = {.msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = control.buf,
                        .msg_controllen = sizeof(control.buf)};
    ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0 || (n < 0 && errno == ECONNRESET))
      return 0;
    if (n < 0)
      return sk_fail_errno(err, "sync: receive");
    if ((size_t)n < offsetof(struct sk_msg, payload) + 1)
      return sk_fail(err, EPROTO, "sync: short message");
    ((char *)msg)[(size_t)n < sizeof(*msg) ? (size_t)n : sizeof(*msg) - 1] = '\0';
    *sender = 0;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
      if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
        struct ucred cred;
        memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
        *sender = cred.pid;
      }
    return 1;
  }
}
