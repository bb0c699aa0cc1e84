# SPDX-License-Identifier: GPL-2.0-or-later
"""File descriptors reaching the container: --preserve-fds, systemd socket
activation (LISTEN_FDS), nothing else of the runtime; and process.cwd
through /proc/self/fd that must not escape the root."""

import os
import subprocess

import pytest

from helpers import sh


def fd_list(out):
  return sorted(int(x) for x in out.split())


def _files(ctx, n):
  fds = []
  for i in range(n):
    p = ctx.tmp / f"fd{i}.txt"
    p.write_text(f"content-{i}\n")
    fds.append(os.open(p, os.O_RDONLY))
  return fds


def test_preserve_fds_passes_exactly_n(rt, bundle, ctx):
  """fds 3 and 4 preserved, 5 (also open in the runtime) not. `ls` lists
  its own directory fd too: the lowest free one, 5."""
  fds = _files(ctx, 3)
  try:
    bundle.set_args(["ls", "/proc/self/fd"])
    bundle.write()
    res = rt("run", "--bundle", bundle.path, "--preserve-fds", "2",
             rt.new_id(), fds={3: fds[0], 4: fds[1], 5: fds[2]})
  finally:
    for fd in fds:
      os.close(fd)
  assert res.rc == 0, res
  assert fd_list(res.out) == [0, 1, 2, 3, 4, 5]


def test_preserved_fds_are_the_callers(rt, bundle, ctx):
  fds = _files(ctx, 2)
  try:
    bundle.set_args(sh("cat <&3; cat <&4; readlink /proc/self/fd/4"))
    bundle.write()
    res = rt("run", "--bundle", bundle.path, "--preserve-fds", "2",
             rt.new_id(), fds={3: fds[0], 4: fds[1]})
  finally:
    for fd in fds:
      os.close(fd)
  assert res.rc == 0, res
  lines = res.out.splitlines()
  assert lines[:2] == ["content-0", "content-1"]
  assert lines[2].endswith("fd1.txt")


def test_no_runtime_fd_reaches_the_process(rt, bundle, ctx):
  """Without --preserve-fds: only 0-2 (and ls's own fd 3), although the
  runtime had 3 and 4 open, and kept its own (state dir, sync socket,
  exec.fifo, log) to itself."""
  fds = _files(ctx, 2)
  log = ctx.tmp / "skiff.log"
  try:
    bundle.set_args(["ls", "-l", "/proc/self/fd"])
    bundle.write()
    res = rt("run", "--bundle", bundle.path, rt.new_id(),
             fds={3: fds[0], 4: fds[1]},
             global_args=["--log", str(log), "--debug"])
  finally:
    for fd in fds:
      os.close(fd)
  assert res.rc == 0, res
  nums = [int(l.split()[8]) for l in res.out.splitlines()
          if l.startswith("l")]
  assert sorted(nums) == [0, 1, 2, 3], res.out
  assert "fd0.txt" not in res.out and "skiff.log" not in res.out


def test_no_runtime_fd_after_create_and_start(rt, bundle, ctx):
  bundle.config["process"]["args"] = sh(
      "ls /proc/self/fd > /tmp/fds; ls -l /proc/1/fd >> /tmp/fds")
  cid = rt.create(bundle)
  assert rt("start", cid).rc == 0
  rt.wait_status(cid, "stopped")
  rt.remove(cid)
  text = (bundle.rootfs / "tmp" / "fds").read_text()
  assert "exec.fifo" not in text and "socket:" not in text, text


def test_listen_fds_socket_activation(rt, bundle, ctx):
  """As runc: LISTEN_FDS in the runtime's environment (with LISTEN_PID its
  pid) passes fds 3.. on and sets LISTEN_FDS=N, LISTEN_PID=1 in the
  process's environment."""
  fds = _files(ctx, 1)
  bundle.set_args(sh("echo LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID; "
                     "cat <&3"))
  bundle.write()
  out = ctx.work / "listen.out"
  try:
    with open(out, "wb") as f:
      proc = subprocess.run(
          ["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"', "sh",
           rt.binary, "--root", str(rt.root), "run", "--bundle",
           str(bundle.path), rt.new_id("listen")],
          stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
          pass_fds=(3,), env=rt.env(), timeout=30,
          preexec_fn=lambda: os.dup2(fds[0], 3))
  finally:
    os.close(fds[0])
  text = out.read_text()
  assert proc.returncode == 0, text
  assert text.splitlines() == ["LISTEN_FDS=1 LISTEN_PID=1", "content-0"]


def test_listen_fds_with_preserve_fds(rt, bundle, ctx):
  """Socket activation plus --preserve-fds: the activated fds come first,
  the preserved ones after them (runc adds both to ExtraFiles)."""
  fds = _files(ctx, 2)
  bundle.set_args(sh("echo LISTEN_FDS=$LISTEN_FDS; cat <&3; cat <&4; "
                     "ls /proc/self/fd | wc -l"))
  bundle.write()
  out = ctx.work / "listen.out"

  def place():
    os.dup2(fds[0], 3)
    os.dup2(fds[1], 4)

  try:
    with open(out, "wb") as f:
      proc = subprocess.run(
          ["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@"', "sh",
           rt.binary, "--root", str(rt.root), "run", "--preserve-fds", "1",
           "--bundle", str(bundle.path), rt.new_id("listen")],
          stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
          pass_fds=(3, 4), env=rt.env(), timeout=30, preexec_fn=place)
  finally:
    for fd in fds:
      os.close(fd)
  text = out.read_text()
  assert proc.returncode == 0, text
  # 0-2, 3, 4 and ls's own
  assert text.splitlines() == ["LISTEN_FDS=1", "content-0", "content-1", "6"]


def test_listen_fds_for_another_pid_is_ignored(rt, bundle, ctx):
  """LISTEN_PID names another process: the fds are not ours to pass."""
  fds = _files(ctx, 1)
  bundle.set_args(sh("echo LISTEN_FDS=$LISTEN_FDS; ls /proc/self/fd | wc -l"))
  bundle.write()
  out = ctx.work / "listen.out"
  try:
    with open(out, "wb") as f:
      proc = subprocess.run(
          ["sh", "-c", 'LISTEN_PID=1 LISTEN_FDS=1 exec "$@"', "sh",
           rt.binary, "--root", str(rt.root), "run", "--bundle",
           str(bundle.path), rt.new_id("listen")],
          stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT,
          pass_fds=(3,), env=rt.env(), timeout=30,
          preexec_fn=lambda: os.dup2(fds[0], 3))
  finally:
    os.close(fds[0])
  text = out.read_text()
  assert proc.returncode == 0, text
  assert text.splitlines() == ["LISTEN_FDS=", "4"]


# ---------------------------------------------------------------------------
# cwd


def test_cwd_is_applied(rt, bundle):
  (bundle.rootfs / "srv" / "app").mkdir(parents=True)
  bundle.config["process"]["cwd"] = "/srv/app"
  bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
  out = rt.output(bundle, sh("pwd; readlink /proc/self/cwd; ls -d ."))
  assert out.splitlines() == ["/srv/app", "/srv/app", "."]


@pytest.mark.parametrize("n", range(3, 12))
def test_cwd_through_proc_fd_does_not_escape(rt, bundle, n):
  """CVE-2024-21626: a runtime fd leaked into the init lets cwd
  /proc/self/fd/N point outside the root. Either a clear error or a cwd
  inside the container."""
  bundle.config["process"]["cwd"] = f"/proc/self/fd/{n}"
  res = rt.run_container(bundle, sh("pwd; ls .. >/dev/null && echo listed"))
  if res.rc == 0:
    first = res.out.splitlines()[0] if res.out else ""
    assert first.startswith("/") and "unreachable" not in res.out, res
  else:
    assert res.rc == 1, res
    assert "cwd" in res.err, res
