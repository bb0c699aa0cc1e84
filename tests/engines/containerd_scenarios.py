# SPDX-License-Identifier: GPL-2.0-or-later
"""containerd (runc v2 shim) driving the runtime through `ctr run
--runc-binary PATH --runc-root DIR`.

containerd runs on private paths under the work dir (root, state, grpc and
ttrpc sockets, the opt dir; the CRI plugin off), so the host's containerd,
if any, is untouched. The image is an OCI archive built here from the
busybox rootfs (oci-layout, index.json, manifest, config and one gzipped
layer) and loaded with `ctr image import`. What stays outside the work dir:
the shim's socket under /run/containerd/s/ (the shim removes it on exit)."""

import gzip
import hashlib
import io
import json
import os
import signal
import subprocess
import tarfile
import time
from pathlib import Path

import lib
from lib import Failure, check, run, wait_for

IMAGE = "docker.io/library/skiffbox:latest"
NAMESPACE = "skiff-engines"
RUN_DIRS = ["/run/containerd/s", "/run/containerd"]


def _blob(layout, data, media_type):
  digest = hashlib.sha256(data).hexdigest()
  (layout / "blobs" / "sha256" / digest).write_bytes(data)
  return {"mediaType": media_type, "digest": f"sha256:{digest}",
          "size": len(data)}


def build_oci_archive(rootfs, dest):
  """An OCI image layout holding one image (one layer: the rootfs), packed
  into the tar `ctr image import` reads."""
  rootfs = Path(rootfs)
  layout = Path(str(dest) + ".d")
  (layout / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
  raw = io.BytesIO()
  with tarfile.open(fileobj=raw, mode="w") as t:
    for child in sorted(rootfs.iterdir()):
      t.add(child, arcname=child.name)
  raw = raw.getvalue()
  layer = _blob(layout, gzip.compress(raw, mtime=0),
                "application/vnd.oci.image.layer.v1.tar+gzip")
  config = {
      "architecture": "amd64", "os": "linux",
      "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"], "WorkingDir": "/"},
      "rootfs": {"type": "layers",
                 "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]},
  }
  cfg = _blob(layout, json.dumps(config).encode(),
              "application/vnd.oci.image.config.v1+json")
  manifest = {"schemaVersion": 2,
              "mediaType": "application/vnd.oci.image.manifest.v1+json",
              "config": cfg, "layers": [layer]}
  man = _blob(layout, json.dumps(manifest).encode(),
              "application/vnd.oci.image.manifest.v1+json")
  man["annotations"] = {"io.containerd.image.name": IMAGE,
                        "org.opencontainers.image.ref.name": "latest"}
  man["platform"] = {"architecture": "amd64", "os": "linux"}
  (layout / "index.json").write_text(json.dumps(
      {"schemaVersion": 2, "manifests": [man]}))
  (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
  with tarfile.open(dest, "w") as t:
    for child in sorted(layout.iterdir()):
      t.add(child, arcname=child.name)
  return dest


class Containerd:
  name = "containerd"

  def __init__(self, base, runtime):
    self.base = Path(base)
    self.runtime = runtime
    self.current = runtime
    self.base.mkdir(parents=True, exist_ok=True)
    self.had_run = [d for d in RUN_DIRS if os.path.isdir(d)]
    self.sock = self.base / "c.sock"
    self.runc_root = self.base / "runc-root"
    self.fifo_dir = self.base / "fifo"
    b = self.base
    (b / "config.toml").write_text(f"""version = 2
root = "{b}/root"
state = "{b}/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "{self.sock}"
[ttrpc]
  address = "{self.sock}.ttrpc"
[debug]
  address = "{b}/debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "{b}/opt"
""")
    self.log = open(b / "containerd.log", "wb")
    self.proc = subprocess.Popen(
        ["containerd", "--config", str(b / "config.toml")],
        stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
        start_new_session=True)
    if not wait_for(lambda: self.sock.exists(), timeout=20):
      self.close()
      raise Failure("containerd did not come up:\n" +
                    (b / "containerd.log").read_text()[-3000:])
    rootfs = lib.build_rootfs(b / "rootfs")
    archive = build_oci_archive(rootfs, b / "image.tar")
    self.ctr("image", "import", archive, check_rc=0, timeout=120)
    self.counter = 0

  # -- plumbing -----------------------------------------------------------

  def use_runtime(self, runtime):
    self.current = runtime

  def ctr(self, *args, **kw):
    return run(["ctr", "--address", self.sock, "--namespace", NAMESPACE,
                *args], **kw)

  def run_opts(self):
    return ["--runc-binary", self.current, "--runc-root", self.runc_root,
            "--fifo-dir", self.fifo_dir]

  def exec(self, cid, exec_id, *args, opts=(), **kw):
    return self.ctr("task", "exec", "--fifo-dir", self.fifo_dir, *opts,
                    "--exec-id", exec_id, cid, *args, **kw)

  def new_id(self, name):
    self.counter += 1
    return f"{name}{self.counter}"

  def detached(self, cid, *opts, cmd=("sleep", "1000")):
    res = self.ctr("run", "-d", *self.run_opts(), *opts, IMAGE, cid, *cmd)
    if res.rc != 0:
      raise Failure(f"ctr run -d failed\n{res}")
    check(wait_for(lambda: self.task_status(cid) == "RUNNING"),
          f"task {cid} not running: {self.task_status(cid)}")
    return cid

  def tasks(self):
    res = self.ctr("task", "ls", check_rc=0)
    rows = {}
    for line in res.out.splitlines()[1:]:
      f = line.split()
      if len(f) >= 3:
        rows[f[0]] = (int(f[1]), f[2])
    return rows

  def task_status(self, cid):
    return self.tasks().get(cid, (0, None))[1]

  def task_pid(self, cid):
    return self.tasks()[cid][0]

  def bind(self, host, dest):
    return ["--mount", f"type=bind,src={host},dst={dest},options=rbind:rw"]

  def after_scenario(self):
    res = self.ctr("container", "ls", "-q")
    for cid in res.out.split():
      self.ctr("task", "kill", "-s", "SIGKILL", cid)
      wait_for(lambda: self.task_status(cid) in (None, "STOPPED"), timeout=5)
      self.ctr("task", "delete", "-f", cid)
      self.ctr("container", "delete", cid)

  def close(self):
    try:
      if self.proc.poll() is None:
        self.after_scenario()
        self.ctr("image", "rm", IMAGE)
    finally:
      if self.proc.poll() is None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
          self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
          os.killpg(self.proc.pid, signal.SIGKILL)
          self.proc.wait()
      self.log.close()
      with open("/proc/self/mountinfo") as f:
        mounts = [l.split()[4] for l in f if str(self.base) in l.split()[4]]
      for m in sorted(mounts, key=len, reverse=True):
        subprocess.run(["umount", "-l", m], stderr=subprocess.DEVNULL)
      # ctr's default cgroup parent is /<namespace>; the shim's socket dir
      # is a fixed path under /run/containerd.
      lib.remove_empty_cgroups(NAMESPACE)
      lib.remove_empty_dirs([d for d in RUN_DIRS if d not in self.had_run])


# -- scenarios -----------------------------------------------------------------


def run_rm_exit_status(c):
  """ctr run --rm: output and exit status"""
  cid = c.new_id("rm")
  res = c.ctr("run", "--rm", *c.run_opts(), IMAGE, cid, "sh", "-c",
              "cat /etc/marker; hostname; exit 42")
  check(res.rc == 42, f"exit status {res.rc}\n{res}")
  check(res.out.split()[:1] == ["engine-marker"], f"output\n{res}")
  check(cid not in c.ctr("container", "ls", "-q", check_rc=0).out,
        "--rm left the container")


def task_exec(c):
  """detached task + ctr task exec (output, status, cwd, user)"""
  cid = c.detached(c.new_id("exec"))
  res = c.exec(cid, "e1", "sh", "-c", "cat /etc/marker; echo $$; exit 5")
  check(res.rc == 5, f"exec status {res.rc}\n{res}")
  lines = res.out.split()
  check(lines[:1] == ["engine-marker"], f"exec output\n{res}")
  check(len(lines) > 1 and int(lines[1]) > 1, f"not in the pid ns\n{res}")
  res = c.exec(cid, "e2", "sh", "-c", "pwd; id -u",
               opts=("--cwd", "/tmp", "--user", "1000"), check_rc=0)
  check(res.out.split() == ["/tmp", "1000"], f"exec options\n{res}")
  res = lib.run_in_pty(["ctr", "--address", c.sock, "--namespace", NAMESPACE,
                        "task", "exec", "--fifo-dir", c.fifo_dir,
                        "--exec-id", "e3", "--tty", cid, "tty"])
  check(res.rc == 0 and "/dev/pts/" in res.out, f"exec --tty\n{res}")


def task_kill(c):
  """ctr task kill: the task stops, its exit status is reported"""
  cid = c.detached(c.new_id("kill"), cmd=(
      "sh", "-c", "trap 'exit 7' TERM; while :; do sleep 0.1; done"))
  pid = c.task_pid(cid)
  c.ctr("task", "kill", cid, check_rc=0)  # SIGTERM, trapped
  check(wait_for(lambda: c.task_status(cid) == "STOPPED"),
        f"status {c.task_status(cid)} after SIGTERM")
  check(not os.path.exists(f"/proc/{pid}") or
        "Z" in open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0],
        "process alive")
  res = c.ctr("task", "delete", cid, check_rc=0)
  check("exit code 7" in res.out + res.err, f"exit status not 7: {res}")
  cid = c.detached(c.new_id("kill"))
  c.ctr("task", "kill", "-s", "SIGKILL", cid, check_rc=0)
  check(wait_for(lambda: c.task_status(cid) == "STOPPED"),
        f"status {c.task_status(cid)} after SIGKILL")


def pause_resume(c):
  """ctr task pause / resume: frozen, then running again"""
  out = c.base / "pause-out"
  out.mkdir(exist_ok=True)
  cid = c.detached(c.new_id("pause"), *c.bind(out, "/out"), cmd=(
      "sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /out/n; "
      "sleep 0.05; done"))
  n = out / "n"
  check(wait_for(n.exists), "loop not running")
  c.ctr("task", "pause", cid, check_rc=0)
  check(c.task_status(cid) == "PAUSED", f"status {c.task_status(cid)}")
  time.sleep(0.3)
  a = n.read_text()
  time.sleep(0.5)
  check(n.read_text() == a, "ran while paused")
  c.ctr("task", "resume", cid, check_rc=0)
  check(c.task_status(cid) == "RUNNING", f"status {c.task_status(cid)}")
  check(wait_for(lambda: n.read_text() != a), "still frozen after resume")


def metrics(c):
  """ctr task metrics: memory and pids of the task's cgroup"""
  cid = c.detached(c.new_id("metrics"), cmd=(
      "sh", "-c", "sleep 1000 & sleep 1000"))
  res = c.ctr("task", "metrics", "--format", "json", cid, check_rc=0)
  data = json.loads(res.out)
  text = json.dumps(data).lower()
  check("memory" in text and "pids" in text, f"metrics: {res.out[:2000]}")
  pids = data.get("pids", data.get("Pids", {}))
  cur = pids.get("current", pids.get("Current", 0)) if isinstance(pids, dict) else 0
  check(cur >= 2, f"pids.current {cur}, wanted >= 2: {res.out[:2000]}")


def task_ps(c):
  """ctr task ps: the init and an exec'd process"""
  cid = c.detached(c.new_id("ps"))
  init = c.task_pid(cid)
  c.exec(cid, "bg", "sleep", "999", opts=("-d",), check_rc=0)
  def both():
    res = c.ctr("task", "ps", cid)
    pids = {int(l.split()[0]) for l in res.out.splitlines()[1:]
            if l.split() and l.split()[0].isdigit()}
    return pids if init in pids and len(pids) >= 2 else None
  pids = wait_for(both, timeout=5)
  check(pids, f"ps: {c.ctr('task', 'ps', cid)}")


def restart_same_id(c):
  """kill + task delete + task start again: same container id, new task"""
  out = c.base / "restart-out"
  out.mkdir(exist_ok=True)
  cid = c.detached(c.new_id("restart"), *c.bind(out, "/out"), cmd=(
      "sh", "-c", "echo started >> /out/log; sleep 1000"))
  first = c.task_pid(cid)
  c.ctr("task", "kill", "-s", "SIGKILL", cid, check_rc=0)
  check(wait_for(lambda: c.task_status(cid) == "STOPPED"), "not stopped")
  c.ctr("task", "delete", cid, check_rc=0)
  res = c.ctr("task", "start", "--fifo-dir", c.fifo_dir, "-d", cid)
  check(res.rc == 0, f"task start again\n{res}")
  check(wait_for(lambda: c.task_status(cid) == "RUNNING"), "not running")
  check(c.task_pid(cid) != first, "same pid as before")
  check(wait_for(lambda: (out / "log").read_text().count("started") == 2),
        f"log: {(out / 'log').read_text()}")
  res = c.exec(cid, "after", "cat", "/etc/marker")
  check(res.rc == 0 and "engine-marker" in res.out, f"exec after restart\n{res}")


def failed_start(c):
  """a task that fails to start: the runtime's error reaches ctr"""
  cid = c.new_id("fail")
  res = c.ctr("run", "--rm", *c.run_opts(), IMAGE, cid, "/no/such/binary")
  check(res.rc != 0, f"started\n{res}")
  check("/no/such/binary" in res.err, f"error text lost\n{res}")


SCENARIOS = [run_rm_exit_status, task_exec, task_kill, pause_resume, metrics,
             task_ps, restart_same_id, failed_start]
