/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unix_socket.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "util.h"

int sk_unix_connect(const char *path, sk_error **err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(addr.sun_path))
    return sk_fail(err, ENAMETOOLONG, "%s", path);
  strcpy(addr.sun_path, path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return sk_fail_errno(err, "socket");
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return sk_fail_errno(err, "%s: connect", path);
  return sk_steal_fd(&fd);
}

union fd_control {
  char buf[CMSG_SPACE(sizeof(int))];
  struct cmsghdr align;
};

int sk_send_fd(int sock, int fd, const void *data, size_t len, sk_error **err) {
  struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
  union fd_control control;
  memset(&control, 0, sizeof(control));
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof(control.buf)};
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &fd, sizeof(int));
  if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
    return sk_fail_errno(err, "send");
  return 0;
}

int sk_recv_fd(int sock, sk_error **err) {
  char data[256];
  struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
  union fd_control control;
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof(control.buf)};
  if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0)
    return sk_fail_errno(err, "receive");
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
    return sk_fail(err, EPROTO, "no fd received");
  int fd;
  memcpy(&fd, CMSG_DATA(cm), sizeof(int));
  return fd;
}
