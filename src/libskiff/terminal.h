/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.terminal: the init makes a pty in the container's own devpts
 * instance, sends the master to the engine over --console-socket
 * (SCM_RIGHTS, as runc does) and makes the peer its controlling terminal
 * and stdio. The peer is obtained with TIOCGPTPEER from the master, never
 * by reopening /dev/pts/N by path (a path the container could swap). */
#ifndef SKIFF_TERMINAL_H
#define SKIFF_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

/* Runtime side: connect to --console-socket (before the clone, because the
 * path is the host's). */
int terminal_connect(const char *path, sk_error **err);
/* Init side, after pivot_root: make the pty, apply consoleSize, bind it
 * onto /dev/console, send the master over `console_fd`, and take the peer
 * as controlling terminal and fds 0-2. */
/* `container_console`: also bind it onto /dev/console (the init; not an
 * exec'd process). */
int terminal_setup(const oci_process *p, int console_fd, bool container_console,
                   sk_error **err);
/* Runtime side (`run` without --console-socket): receive the master. */
int terminal_recv_master(int sock, sk_error **err);
/* Copy between our stdin/stdout and the master until `pid` exits (the
 * caller's terminal is put in raw mode meanwhile; SIGWINCH resizes), and
 * forward the other signals to `pid`. Returns the exit status as a shell
 * would (128+N for signal N). */
int terminal_forward(int master, pid_t pid);

#endif
