# SPDX-License-Identifier: GPL-2.0-or-later
"""Container lifecycle: create/start/kill/delete/run and the status
transitions of the OCI runtime.md, including the operations that must fail."""

import array
import os
import signal
import socket
import time

from helpers import leaked_processes, pid_alive, sh, wait_for

LOOP = "while :; do sleep 0.1; done"


def test_create_start_kill_delete(rt, bundle):
  marker = bundle.rootfs / "tmp" / "started"
  bundle.config["annotations"] = {"org.example.key": "value"}
  cid = rt.create(bundle, args=sh(f"touch /tmp/started; {LOOP}"))

  st = rt.state(cid)
  assert st["id"] == cid
  assert st["status"] == "created"
  assert st["ociVersion"]
  assert os.path.realpath(st["bundle"]) == os.path.realpath(bundle.path)
  assert st["annotations"] == {"org.example.key": "value"}
  pid = st["pid"]
  assert pid > 0 and pid_alive(pid)
  assert rt.state_dir(cid).is_dir()
  time.sleep(0.2)
  assert not marker.exists(), "process.args ran before start"

  res = rt("start", cid)
  assert res.rc == 0, res
  assert wait_for(marker.exists), "process.args did not run after start"
  st = rt.state(cid)
  assert st["status"] == "running"
  assert st["pid"] == pid

  res = rt("kill", cid, "KILL")
  assert res.rc == 0, res
  rt.wait_status(cid, "stopped")
  assert wait_for(lambda: not pid_alive(pid))

  res = rt("delete", cid)
  assert res.rc == 0, res
  assert not rt.state_dir(cid).exists()
  assert rt("state", cid).rc != 0


def test_pid_file_matches_state(rt, bundle, ctx):
  pidfile = ctx.tmp / "init.pid"
  cid = rt.create(bundle, args=sh(LOOP), extra=["--pid-file", pidfile])
  pid = rt.state(cid)["pid"]
  assert int(pidfile.read_text().strip()) == pid
  rt.remove(cid)
  assert not pid_alive(pid)


def test_start_twice_fails(rt, bundle):
  cid = rt.create(bundle, args=sh(LOOP))
  assert rt("start", cid).rc == 0
  assert rt.status(cid) == "running"
  res = rt("start", cid)
  assert res.rc != 0, res
  assert res.err.strip(), "no error message"
  assert rt.status(cid) == "running"
  rt.remove(cid)


def test_start_of_stopped_fails(rt, bundle):
  marker = bundle.rootfs / "tmp" / "runs"
  cid = rt.create(bundle, args=sh("echo x >> /tmp/runs"))
  assert rt("start", cid).rc == 0
  rt.wait_status(cid, "stopped")
  res = rt("start", cid)
  assert res.rc != 0, res
  assert rt.status(cid) == "stopped"
  assert marker.read_text() == "x\n", "process ran twice"
  res = rt("delete", cid)
  assert res.rc == 0, res
  assert not rt.state_dir(cid).exists()


def test_stopped_promptly_and_delete_removes_all(rt, bundle):
  cid = rt.create(bundle, args=["true"])
  pid = rt.state(cid)["pid"]
  assert rt("start", cid).rc == 0
  rt.wait_status(cid, "stopped", timeout=2.0)
  assert not pid_alive(pid)
  assert rt.state_dir(cid).exists()
  res = rt("delete", cid)
  assert res.rc == 0, res
  assert not rt.state_dir(cid).exists()
  res = rt("state", cid)
  assert res.rc != 0


def test_delete_running_without_force_fails(rt, bundle):
  cid = rt.create(bundle, args=sh(LOOP))
  assert rt("start", cid).rc == 0
  pid = rt.state(cid)["pid"]
  res = rt("delete", cid)
  assert res.rc != 0, res
  assert res.err.strip()
  assert rt.status(cid) == "running"
  assert pid_alive(pid)
  res = rt("delete", "--force", cid)
  assert res.rc == 0, res
  assert not rt.state_dir(cid).exists()
  assert wait_for(lambda: not pid_alive(pid))


def test_delete_force_of_created(rt, bundle):
  marker = bundle.rootfs / "tmp" / "ran"
  cid = rt.create(bundle, args=sh("touch /tmp/ran"))
  pid = rt.state(cid)["pid"]
  res = rt("delete", "-f", cid)
  assert res.rc == 0, res
  assert not rt.state_dir(cid).exists()
  assert wait_for(lambda: not pid_alive(pid))
  assert not marker.exists()


def test_kill_created_then_kill_stopped_fails(rt, bundle):
  marker = bundle.rootfs / "tmp" / "ran"
  cid = rt.create(bundle, args=sh("touch /tmp/ran"))
  pid = rt.state(cid)["pid"]
  res = rt("kill", cid, "KILL")
  assert res.rc == 0, res
  rt.wait_status(cid, "stopped")
  assert not pid_alive(pid)
  assert not marker.exists(), "user process ran after kill of created"
  res = rt("kill", cid, "KILL")
  assert res.rc != 0, res
  assert res.err.strip()
  assert rt.status(cid) == "stopped"
  assert rt("delete", cid).rc == 0
  assert not rt.state_dir(cid).exists()


def test_kill_signal_spellings(rt, make_bundle):
  for i, sig in enumerate(["KILL", "SIGKILL", "9"]):
    b = make_bundle(f"b{i}")
    cid = rt.create(b, args=sh(LOOP))
    assert rt("start", cid).rc == 0
    res = rt("kill", cid, sig)
    assert res.rc == 0, res
    rt.wait_status(cid, "stopped")
    assert rt("delete", cid).rc == 0


def test_kill_default_is_sigterm(rt, bundle):
  # pid 1 of a pid namespace only gets signals it has a handler for.
  cid = rt.create(bundle, args=sh(
      f"trap 'echo TERM > /tmp/got; exit 3' TERM; touch /tmp/ready; {LOOP}"))
  assert rt("start", cid).rc == 0
  assert wait_for((bundle.rootfs / "tmp" / "ready").exists)
  res = rt("kill", cid)
  assert res.rc == 0, res
  rt.wait_status(cid, "stopped")
  assert (bundle.rootfs / "tmp" / "got").read_text() == "TERM\n"
  assert rt("delete", cid).rc == 0


def test_kill_all(rt, bundle, ctx):
  """Without a pid namespace the init's children outlive it: --all must
  reach every process of the container."""
  bundle.drop_namespace("pid")
  cid = rt.create(bundle, args=sh(
      f"sleep 1000 & sleep 1000 & touch /tmp/ready; {LOOP}"))
  assert rt("start", cid).rc == 0
  assert wait_for((bundle.rootfs / "tmp" / "ready").exists)
  procs = leaked_processes(ctx.token, ctx.tmp)
  assert len(procs) >= 3, procs
  res = rt("kill", "--all", cid, "KILL")
  assert res.rc == 0, res
  rt.wait_status(cid, "stopped")
  assert wait_for(lambda: not leaked_processes(ctx.token, ctx.tmp)), \
      leaked_processes(ctx.token, ctx.tmp)
  assert rt("delete", cid).rc == 0


def test_init_killed_from_outside_is_stopped(rt, bundle):
  """No runtime command involved: the death of init alone makes the
  container stopped."""
  cid = rt.create(bundle, args=sh(LOOP))
  assert rt("start", cid).rc == 0
  pid = rt.state(cid)["pid"]
  assert pid > 1  # never signal our own process group or init
  os.kill(pid, signal.SIGKILL)
  rt.wait_status(cid, "stopped", timeout=2.0)
  res = rt("delete", cid)
  assert res.rc == 0, res
  assert not rt.state_dir(cid).exists()


def test_run_foreground_exit_status_and_cleanup(rt, bundle):
  cid = rt.new_id()
  res = rt.run_container(bundle, sh("echo out; echo err >&2; exit 7"),
                         cid=cid)
  assert res.rc == 7, res
  assert res.out == "out\n"
  assert "err" in res.err
  assert not rt.state_dir(cid).exists()
  assert rt("state", cid).rc != 0


def test_run_exit_zero(rt, bundle):
  res = rt.run_container(bundle, sh("echo hello"))
  assert res.rc == 0, res
  assert res.out == "hello\n"


def test_run_killed_by_signal_returns_128_plus_n(rt, bundle):
  cid = rt.new_id()
  bundle.set_args(sh(f"touch /tmp/ready; {LOOP}"))
  bundle.write()
  proc = rt.popen("run", "--bundle", bundle.path, cid)
  assert wait_for((bundle.rootfs / "tmp" / "ready").exists), \
      rt.finish(proc, timeout=1)
  res = rt("kill", cid, "KILL")
  assert res.rc == 0, res
  res = rt.finish(proc)
  assert res.rc == 128 + 9, res
  assert wait_for(lambda: not rt.state_dir(cid).exists())


def test_run_keep(rt, bundle):
  cid = rt.new_id()
  res = rt.run_container(bundle, sh("echo kept; exit 3"), cid=cid,
                         extra=["--keep"])
  assert res.rc == 3, res
  assert res.out == "kept\n"
  st = rt.state(cid)
  assert st["status"] == "stopped"
  assert rt("delete", cid).rc == 0
  assert not rt.state_dir(cid).exists()


def test_run_detach(rt, bundle, ctx):
  cid = rt.new_id()
  pidfile = ctx.tmp / "pid"
  bundle.set_args(sh(f"echo detached > /tmp/out; {LOOP}"))
  bundle.write()
  t0 = time.monotonic()
  res = rt("run", "-d", "--bundle", bundle.path, "--pid-file", pidfile, cid,
           timeout=15)
  assert res.rc == 0, res
  assert time.monotonic() - t0 < 10
  st = rt.state(cid)
  assert st["status"] == "running"
  assert int(pidfile.read_text()) == st["pid"]
  assert wait_for(lambda: (bundle.rootfs / "tmp" / "out").exists())
  assert (bundle.rootfs / "tmp" / "out").read_text() == "detached\n"
  rt.remove(cid)


def test_preserve_fds(rt, bundle, ctx):
  target = ctx.tmp / "fd3.txt"
  bundle.set_args(sh("echo preserved >&3"))
  bundle.write()
  cid = rt.new_id()
  with open(target, "w") as f:
    # --preserve-fds counts from fd 3: the runtime gets our file there.
    res = rt("create", "--bundle", bundle.path, "--preserve-fds", "1", cid,
             fds={3: f.fileno()})
  assert res.rc == 0, res
  assert rt("start", cid).rc == 0
  rt.wait_status(cid, "stopped")
  assert target.read_text() == "preserved\n"
  assert rt("delete", cid).rc == 0


def test_console_socket(rt, bundle, ctx):
  """terminal: true + --console-socket: the runtime sends the pty master
  over the socket; the container's output comes out of it."""
  sock_path = ctx.tmp / "console.sock"
  srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  srv.bind(str(sock_path))
  srv.listen(1)
  srv.settimeout(20)
  bundle.config["process"]["terminal"] = True
  bundle.set_args(sh("tty; echo hello-tty"))
  bundle.write()
  cid = rt.new_id()
  res = rt("create", "--bundle", bundle.path, "--console-socket", sock_path,
           cid)
  assert res.rc == 0, res
  conn, _ = srv.accept()
  conn.settimeout(10)
  fds = array.array("i")
  _, anc, _, _ = conn.recvmsg(1024, socket.CMSG_SPACE(4 * fds.itemsize))
  for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
      fds.frombytes(data[:len(data) - (len(data) % fds.itemsize)])
  conn.close()
  srv.close()
  assert len(fds) == 1, "no fd received on the console socket"
  master = fds[0]
  assert rt("start", cid).rc == 0
  out = b""
  deadline = time.monotonic() + 10
  while b"hello-tty" not in out and time.monotonic() < deadline:
    try:
      chunk = os.read(master, 4096)
    except OSError:
      break
    if not chunk:
      break
    out += chunk
  os.close(master)
  text = out.decode(errors="replace")
  assert "/dev/pts/" in text or "/dev/console" in text, text
  assert "hello-tty" in text
  rt.wait_status(cid, "stopped")
  assert rt("delete", cid).rc == 0
