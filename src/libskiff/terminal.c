/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "terminal.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "signals.h"
#include "unix_socket.h"
#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int terminal_connect(const char *path, sk_error **err) {
  int fd = sk_unix_connect(path, err);
  return fd < 0 ? sk_wrap(err, "--console-socket") : fd;
}

int terminal_recv_master(int sock, sk_error **err) {
  int fd = sk_recv_fd(sock, err);
  return fd < 0 ? sk_wrap(err, "terminal: receive the master") : fd;
}

/* /dev/console is the pty: bind the peer (through its fd) onto it. */
static int bind_console(int peer, sk_error **err) {
  _cleanup_close_ int fd =
      open("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
  if (fd < 0 && errno != EEXIST)
    return sk_fail_errno(err, "terminal: create /dev/console");
  char src[64];
  snprintf(src, sizeof(src), "/proc/self/fd/%d", peer);
  if (mount(src, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return sk_fail_errno(err, "terminal: bind the pty onto /dev/console");
  return 0;
}

int terminal_setup(const oci_process *p, int console_fd, bool container_console,
                   sk_error **err) {
  _cleanup_close_ int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
  if (master < 0)
    return sk_fail_errno(err, "process.terminal: open /dev/pts/ptmx");
  /* The container's own devpts instance, not something the image put at
   * that path. */
  struct statfs sfs;
  if (fstatfs(master, &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC)
    return sk_fail(err, EXDEV, "process.terminal: /dev/pts/ptmx is not on devpts");
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
    return sk_fail_errno(err, "process.terminal: unlock the pty");
  _cleanup_close_ int peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0)
    return sk_fail_errno(err, "process.terminal: open the pty peer (TIOCGPTPEER)");
  if (p->has_console_size) {
    struct winsize ws = {.ws_row = (unsigned short)p->console_height,
                         .ws_col = (unsigned short)p->console_width};
    if (ioctl(peer, TIOCSWINSZ, &ws) < 0)
      return sk_fail_errno(err, "process.consoleSize: TIOCSWINSZ");
  }
  if (container_console && bind_console(peer, err) < 0)
    return -1;
  unsigned int ptn = 0;
  char name[32] = "/dev/pts/?";
  if (ioctl(master, TIOCGPTN, &ptn) == 0)
    snprintf(name, sizeof(name), "/dev/pts/%u", ptn);
  if (sk_send_fd(console_fd, master, name, strlen(name), err) < 0)
    return sk_wrap(err, "--console-socket: send the terminal");
  /* The init and exec child are session leaders already (no controlling
   * terminal yet): the pty becomes theirs. */
  if (getsid(0) != getpid() && setsid() < 0)
    return sk_fail_errno(err, "process.terminal: setsid");
  if (ioctl(peer, TIOCSCTTY, 0) < 0)
    return sk_fail_errno(err, "process.terminal: make the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(peer, fd) < 0)
      return sk_fail_errno(err, "process.terminal: dup2 onto fd %d", fd);
  /* The user process must own its terminal. */
  if (fchown(0, p->user.uid, p->user.gid) < 0 && errno != EINVAL && errno != EPERM)
    return sk_fail_errno(err, "process.terminal: chown the pty");
  return 0;
}

static void copy_winsize(int from, int to) {
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0)
    ioctl(to, TIOCSWINSZ, &ws);
}

static bool pump(int from, int to) {
  char buf[8192];
  ssize_t n = read(from, buf, sizeof(buf));
  if (n <= 0)
    return n < 0 && errno == EINTR;
  sk_error *ignored = NULL;
  bool ok = sk_write_all(to, buf, (size_t)n, &ignored) == 0;
  sk_error_free(&ignored);
  return ok;
}

int terminal_forward(int master, pid_t pid) {
  sigset_t set;
  signals_block_forwardable(&set);
  _cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC);

  struct termios saved;
  bool raw = isatty(0) && tcgetattr(0, &saved) == 0;
  if (raw) {
    struct termios t = saved;
    cfmakeraw(&t);
    tcsetattr(0, TCSANOW, &t);
    copy_winsize(0, master);
  }
  bool master_open = true, in_open = true;
  int status = 0;
  for (;;) {
    struct pollfd p[3] = {{.fd = sfd, .events = POLLIN},
                          {.fd = master_open ? master : -1, .events = POLLIN},
                          {.fd = in_open ? 0 : -1, .events = POLLIN}};
    if (poll(p, 3, -1) < 0 && errno != EINTR)
      break;
    if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(master, 1))
      master_open = false; /* EIO: every peer fd is closed */
    if ((p[2].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(0, master))
      in_open = false; /* stdin closed: keep showing the output */
    if (p[0].revents & POLLIN) {
      struct signalfd_siginfo si;
      if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
        if (si.ssi_signo == SIGWINCH && raw)
          copy_winsize(0, master);
        else if (si.ssi_signo != SIGCHLD)
          kill(pid, (int)si.ssi_signo);
      }
    }
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) {
      /* Drain what the process wrote last (without waiting for more). */
      fcntl(master, F_SETFL, O_NONBLOCK);
      while (master_open && pump(master, 1))
        ;
      break;
    }
  }
  if (raw)
    tcsetattr(0, TCSANOW, &saved);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
