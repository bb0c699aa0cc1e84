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

#include "util.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

int terminal_connect(const char *path, sk_error **err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof(addr.sun_path))
    return sk_fail(err, ENAMETOOLONG, "--console-socket %s", path);
  strcpy(addr.sun_path, path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return sk_fail_errno(err, "--console-socket: socket");
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
    return sk_fail_errno(err, "--console-socket %s: connect", path);
  return sk_steal_fd(&fd);
}

static int send_fd(int sock, int fd, const char *name, sk_error **err) {
  struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
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
    return sk_fail_errno(err, "--console-socket: send the terminal");
  return 0;
}

int terminal_recv_master(int sock, sk_error **err) {
  char name[256];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof(name)};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof(control.buf)};
  if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0)
    return sk_fail_errno(err, "terminal: receive the master");
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
    return sk_fail(err, EPROTO, "terminal: no master received");
  int fd;
  memcpy(&fd, CMSG_DATA(cm), sizeof(int));
  return fd;
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
  if (send_fd(console_fd, master, name, err) < 0)
    return -1;
  if (setsid() < 0)
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
  sigfillset(&set);
  sigdelset(&set, SIGSEGV);
  sigdelset(&set, SIGBUS);
  sigdelset(&set, SIGILL);
  sigdelset(&set, SIGFPE);
  sigprocmask(SIG_BLOCK, &set, NULL);
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
