# SPDX-License-Identifier: GPL-2.0-or-later
"""process.terminal: the pty comes from the container's devpts, is the
controlling terminal, its master goes to --console-socket, consoleSize is
applied before start, /dev/console is the pty; `run` without a console
socket attaches the caller's terminal; `create` without one is an error."""

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time

from helpers import sh
from proc_helpers import FdReceiver

PROBE_SCRIPT = ("tty; [ -t 0 ] && echo stdin-is-tty; [ -t 1 ] && echo "
                "stdout-is-tty; stty size; "
                "stat -c 'console %t:%T' /dev/console; "
                "stat -c 'pts0 %t:%T' /dev/pts/0; "
                "echo ctty $(cut -d' ' -f7 /proc/1/stat); "
                "grep -c devpts /proc/self/mountinfo")


def read_all(fd, timeout=10.0):
  """Read a pty master until EIO (every slave fd closed) or timeout."""
  data = b""
  deadline = time.monotonic() + timeout
  while time.monotonic() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if not r:
      continue
    try:
      chunk = os.read(fd, 4096)
    except OSError:
      break
    if not chunk:
      break
    data += chunk
  return data.decode(errors="replace").replace("\r\n", "\n")


def test_console_socket_receives_master(rt, bundle, ctx):
  recv = FdReceiver(ctx.tmp / "console.sock")
  try:
    bundle.config["process"]["terminal"] = True
    bundle.config["process"]["consoleSize"] = {"height": 33, "width": 101}
    cid = rt.create(bundle, args=sh(PROBE_SCRIPT),
                    extra=["--console-socket", recv.path])
    recv.wait()
    assert len(recv.fds) == 1, recv.message
    master = recv.fds[0]
    # the size is there before start
    rows, cols = struct.unpack("HHHH", fcntl.ioctl(
        master, termios.TIOCGWINSZ, b"\0" * 8))[:2]
    assert (rows, cols) == (33, 101)
    res = rt("start", cid)
    assert res.rc == 0, res
    out = read_all(master)
    rt.wait_status(cid, "stopped")
    rt.remove(cid)
  finally:
    recv.close()
  lines = out.splitlines()
  assert lines[0] == "/dev/pts/0"
  assert "stdin-is-tty" in lines and "stdout-is-tty" in lines
  assert "33 101" in lines
  console = [l for l in lines if l.startswith("console ")][0].split()[1]
  pts0 = [l for l in lines if l.startswith("pts0 ")][0].split()[1]
  assert console == pts0 == "88:0"  # major 136 in hex, minor 0
  # the controlling terminal of the container's first process (tty_nr in
  # /proc/PID/stat: major 136 << 8 | minor 0)
  assert "ctty 34816" in lines, out


def test_pty_is_in_the_containers_devpts(rt, bundle, ctx):
  """/dev/pts/0 inside, whatever the host's pty numbers are: a new devpts
  instance with only the container's pty."""
  recv = FdReceiver(ctx.tmp / "console.sock")
  try:
    bundle.config["process"]["terminal"] = True
    cid = rt.create(bundle, args=sh("ls /dev/pts; readlink /proc/self/fd/0"),
                    extra=["--console-socket", recv.path])
    recv.wait()
    master = recv.fds[0]
    assert rt("start", cid).rc == 0
    out = read_all(master)
    rt.wait_status(cid, "stopped")
    rt.remove(cid)
  finally:
    recv.close()
  assert out.split() == ["0", "ptmx", "/dev/pts/0"]


def test_console_socket_input_reaches_the_process(rt, bundle, ctx):
  recv = FdReceiver(ctx.tmp / "console.sock")
  try:
    bundle.config["process"]["terminal"] = True
    cid = rt.create(bundle, args=sh("read line; echo got:$line"),
                    extra=["--console-socket", recv.path])
    recv.wait()
    master = recv.fds[0]
    assert rt("start", cid).rc == 0
    os.write(master, b"hello\n")
    out = read_all(master)
    rt.wait_status(cid, "stopped")
    rt.remove(cid)
  finally:
    recv.close()
  assert "got:hello" in out.splitlines()


def test_run_attaches_the_callers_terminal(rt, bundle):
  bundle.config["process"]["terminal"] = True
  bundle.set_args(sh("tty; [ -t 0 ] && echo stdin-is-tty; stty size"))
  bundle.write()
  master, slave = pty.openpty()
  fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 41, 121, 0, 0))
  cid = rt.new_id("tty")
  proc = subprocess.Popen(
      [rt.binary, "--root", str(rt.root), "run", "--bundle",
       str(bundle.path), cid],
      stdin=slave, stdout=slave, stderr=slave, env=rt.env(),
      start_new_session=True)
  os.close(slave)
  try:
    out = read_all(master, timeout=15)
    rc = proc.wait(timeout=15)
  finally:
    if proc.poll() is None:
      proc.kill()
      proc.wait()
    os.close(master)
  assert rc == 0, out
  lines = out.splitlines()
  assert "/dev/pts/0" in lines, out
  assert "stdin-is-tty" in lines
  assert "41 121" in lines


def test_create_with_terminal_needs_console_socket(rt, bundle):
  bundle.config["process"]["terminal"] = True
  bundle.write()
  res = rt("create", "--bundle", bundle.path, rt.new_id())
  assert res.rc == 1, res
  assert "--console-socket" in res.err and "terminal" in res.err, res


def test_console_socket_without_terminal_is_an_error(rt, bundle, ctx):
  recv = FdReceiver(ctx.tmp / "console.sock")
  try:
    bundle.write()
    res = rt("create", "--bundle", bundle.path, "--console-socket",
             recv.path, rt.new_id())
  finally:
    recv.close()
  assert res.rc == 1, res
  assert "--console-socket" in res.err, res


def test_console_socket_missing(rt, bundle, ctx):
  bundle.config["process"]["terminal"] = True
  bundle.write()
  res = rt("create", "--bundle", bundle.path, "--console-socket",
           ctx.tmp / "nobody-listens.sock", rt.new_id())
  assert res.rc == 1, res
  assert "--console-socket" in res.err and "nobody-listens.sock" in res.err
