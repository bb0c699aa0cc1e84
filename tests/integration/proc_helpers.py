# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers of the process/seccomp/terminal/fd/hook tests: the static probe
program (tools/proc_probe.c, compiled once per session), a console-socket
receiver and a seccomp notify agent."""

import array
import atexit
import ctypes
import errno
import functools
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import threading
from pathlib import Path

import pytest

import helpers

TOOLS = Path(__file__).resolve().parent / "tools"


@functools.lru_cache(maxsize=None)
def _build_probe():
  cc = shutil.which("cc") or shutil.which("gcc")
  if not cc:
    return None, "no C compiler"
  out_dir = helpers.BASE_TMP / f"proc_probe.{os.getpid()}"
  out_dir.mkdir(parents=True, exist_ok=True)
  atexit.register(shutil.rmtree, out_dir, True)
  out = out_dir / "proc_probe"
  res = subprocess.run([cc, "-static", "-O1", "-o", str(out),
                        str(TOOLS / "proc_probe.c"), "-lpthread"],
                       capture_output=True, text=True)
  if res.returncode != 0:
    return None, f"cannot build the probe: {res.stderr.strip()}"
  return out, None


def install_probe(bundle):
  """Copy the probe to /bin/proc_probe in the bundle's rootfs."""
  path, why = _build_probe()
  if path is None:
    pytest.skip(why)
  dest = bundle.rootfs / "bin" / "proc_probe"
  shutil.copy2(path, dest)
  dest.chmod(0o755)
  return "/bin/proc_probe"


def parse_kv(line):
  """'ret=-1 errno=42' -> {'ret': -1, 'errno': 42} (ints where they are)."""
  out = {}
  for word in line.split():
    key, _, value = word.partition("=")
    try:
      out[key] = int(value, 0)
    except ValueError:
      out[key] = value
  return out


def syscall_nr(name):
  """x86_64 syscall numbers of the syscalls the tests use."""
  return {"getpriority": 140, "getppid": 110, "getpid": 39, "mkdir": 83,
          "uname": 63, "getcwd": 79, "mkdirat": 258}[name]


# ----------------------------------------------------------------------------
# Receiving fds over a unix socket (console socket, seccomp listener)


def recv_fds(conn, maxfds=4, bufsize=65536):
  """One message and the fds passed with it (SCM_RIGHTS)."""
  fds = array.array("i")
  msg, anc, _flags, _addr = conn.recvmsg(
      bufsize, socket.CMSG_SPACE(maxfds * fds.itemsize))
  for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
      usable = len(data) - len(data) % fds.itemsize
      fds.frombytes(data[:usable])
  return msg, list(fds)


class FdReceiver:
  """A listening unix socket; a background thread accepts one connection
  and keeps what it sent: .message (bytes) and .fds."""

  def __init__(self, path):
    self.path = str(path)
    self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    self.sock.bind(self.path)
    self.sock.listen(1)
    self.sock.settimeout(30)
    self.message = None
    self.fds = []
    self.error = None
    self.done = threading.Event()
    self.thread = threading.Thread(target=self._run, daemon=True)
    self.thread.start()

  def _run(self):
    try:
      conn, _ = self.sock.accept()
      with conn:
        self.message, self.fds = recv_fds(conn)
        self.on_received()
    except Exception as exc:  # reported by wait()
      self.error = exc
    finally:
      self.done.set()

  def on_received(self):
    pass

  def wait(self, timeout=10):
    assert self.done.wait(timeout), f"nothing received on {self.path}"
    if self.error:
      raise self.error

  def close(self):
    self.sock.close()
    for fd in self.fds:
      try:
        os.close(fd)
      except OSError:
        pass
    self.fds = []


# ----------------------------------------------------------------------------
# Seccomp user notification (linux/seccomp.h)

def _iowr(kind, nr, size):
  return (3 << 30) | (size << 16) | (ord(kind) << 8) | nr


# struct seccomp_notif: id u64, pid u32, flags u32, seccomp_data (nr i32,
# arch u32, ip u64, args[6] u64) = 80 bytes; seccomp_notif_resp: id u64,
# val s64, error s32, flags u32 = 24 bytes.
NOTIF = struct.Struct("=QIIiIQ6Q")
NOTIF_RESP = struct.Struct("=QqiI")
SECCOMP_IOCTL_NOTIF_RECV = _iowr("!", 0, NOTIF.size)
SECCOMP_IOCTL_NOTIF_SEND = _iowr("!", 1, NOTIF_RESP.size)

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ioctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)


def _ioctl(fd, request, buf):
  if _libc.ioctl(fd, request, ctypes.addressof(buf)) < 0:
    e = ctypes.get_errno()
    raise OSError(e, os.strerror(e))


class NotifyAgent(FdReceiver):
  """A seccomp agent: receives the listener fd and the container state on
  listenerPath, then answers every notification with success (return value
  0) without doing the syscall. .seen lists the syscall numbers."""

  def __init__(self, path):
    self.seen = []
    self.stop = threading.Event()
    super().__init__(path)

  def on_received(self):
    if not self.fds:
      return
    fd = self.fds[0]
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while not self.stop.is_set():
      events = poller.poll(200)
      if not events:
        continue
      _, ev = events[0]
      if ev & (select.POLLHUP | select.POLLERR) and not ev & select.POLLIN:
        return  # the filter's last user is gone
      req = ctypes.create_string_buffer(NOTIF.size)
      try:
        _ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req)
      except OSError as e:
        if e.errno in (errno.EINTR, errno.ENOENT):
          continue
        raise
      nid, _pid, _flags, nr = NOTIF.unpack(req.raw)[:4]
      self.seen.append(nr)
      resp = ctypes.create_string_buffer(NOTIF_RESP.pack(nid, 0, 0, 0),
                                         NOTIF_RESP.size)
      try:
        _ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp)
      except OSError as e:
        if e.errno != errno.ENOENT:  # the caller died meanwhile
          raise

  def document(self):
    return json.loads(self.message.decode())

  def close(self):
    self.stop.set()
    self.thread.join(5)
    super().close()
