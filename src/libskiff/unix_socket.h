/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unix sockets for passing fds: the console socket (pty master) and the
 * seccomp listener (notify fd). */
#ifndef SKIFF_UNIX_SOCKET_H
#define SKIFF_UNIX_SOCKET_H

#include <stddef.h>

#include "error.h"

/* A connected SOCK_STREAM socket to `path` (close-on-exec). */
int sk_unix_connect(const char *path, sk_error **err);
/* Send `fd` with SCM_RIGHTS along with `len` bytes of `data`. */
int sk_send_fd(int sock, int fd, const void *data, size_t len, sk_error **err);
/* Receive one fd (close-on-exec); the data that came with it is dropped. */
int sk_recv_fd(int sock, sk_error **err);

#endif
