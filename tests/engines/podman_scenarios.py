# SPDX-License-Identifier: GPL-2.0-or-later
"""podman (with conmon) driving the runtime through `--runtime PATH`.

podman gets a private configuration under the work dir (CONTAINERS_CONF,
CONTAINERS_STORAGE_CONF, its own graphroot/runroot/tmp_dir/events log), so
the host's storage and configuration are untouched: cgroup_manager=cgroupfs,
events_logger=file, no network namespace setup (netns=none: no CNI, no
iptables), and default ulimits no higher than ours (podman's default
nofile/nproc of 1048576 cannot be set without CAP_SYS_RESOURCE here, with
runc as with skiff). The image is `podman import`ed from a busybox rootfs
tar."""

import json
import os
import resource
import subprocess
import tarfile
import time
from pathlib import Path

import lib
from lib import Failure, check, run, wait_for

IMAGE = "localhost/skiffbox:latest"
SECCOMP_PROFILE = "/usr/share/containers/seccomp.json"
INIT = "/usr/bin/catatonit"


class Podman:
  name = "podman"

  def __init__(self, base, runtime):
    self.base = Path(base)
    self.runtime = runtime
    self.current = runtime
    self.base.mkdir(parents=True, exist_ok=True)
    self.had_libpod_parent = os.path.exists("/sys/fs/cgroup/memory/libpod_parent") \
        or os.path.exists("/sys/fs/cgroup/libpod_parent")
    self._write_config()
    rootfs = lib.build_rootfs(self.base / "rootfs")
    tar = self.base / "rootfs.tar"
    with tarfile.open(tar, "w") as t:
      t.add(rootfs, arcname=".")
    self.pm("import", tar, IMAGE, check_rc=0, timeout=120)

  def _write_config(self):
    b = self.base
    # Lowering a limit needs no capability: stay well below any hard limit.
    nofile = min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], 4096)
    nproc = min(resource.getrlimit(resource.RLIMIT_NPROC)[1], 4096)
    lim = str
    (b / "containers.conf").write_text(f"""[containers]
netns = "none"
log_driver = "k8s-file"
default_ulimits = ["nofile={lim(nofile)}:{lim(nofile)}", "nproc={lim(nproc)}:{lim(nproc)}"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "{b}/events.log"
tmp_dir = "{b}/tmp"
init_path = "{INIT}"
static_dir = "{b}/storage/libpod"
volume_path = "{b}/storage/volumes"
[network]
network_config_dir = "{b}/net"
""")
    (b / "storage.conf").write_text(f"""[storage]
driver = "overlay"
graphroot = "{b}/storage"
runroot = "{b}/run"
""")
    self.env = dict(os.environ)
    self.env.update({
        "CONTAINERS_CONF": str(b / "containers.conf"),
        "CONTAINERS_STORAGE_CONF": str(b / "storage.conf"),
        "CONTAINERS_REGISTRIES_CONF": str(b / "registries.conf"),
    })
    (b / "registries.conf").write_text("unqualified-search-registries = []\n")

  # -- plumbing -----------------------------------------------------------

  def use_runtime(self, runtime):
    self.current = runtime

  def pm(self, *args, **kw):
    return run(["podman", "--runtime", self.current, *args], env=self.env,
               **kw)

  def out(self, *args, **kw):
    """`podman run --rm IMAGE` + args that must exit 0; returns stdout."""
    res = self.pm("run", "--rm", *args, **kw)
    if res.rc != 0:
      raise Failure(f"podman run failed\n{res}")
    return res.out

  def detached(self, *opts, cmd=("sleep", "1000")):
    res = self.pm("run", "-d", *opts, IMAGE, *cmd)
    if res.rc != 0:
      raise Failure(f"podman run -d failed\n{res}")
    return res.out.strip().splitlines()[-1]

  def inspect(self, cid, fmt):
    return self.pm("inspect", "--format", fmt, cid, check_rc=0).out.strip()

  def after_scenario(self):
    self.pm("rm", "-af", "-t", "0", timeout=120)

  def close(self):
    self.after_scenario()
    run(["podman", "--runtime", self.runtime, "system", "reset", "-f"],
        env=self.env, timeout=120)
    # Anything podman left mounted under our dir.
    with open("/proc/self/mountinfo") as f:
      mounts = [l.split()[4] for l in f if str(self.base) in l.split()[4]]
    for m in sorted(mounts, key=len, reverse=True):
      subprocess.run(["umount", "-l", m], stderr=subprocess.DEVNULL)
    # podman's parent cgroup (and conmon's), when it made them.
    if not self.had_libpod_parent:
      lib.remove_empty_cgroups("libpod_parent")


# -- scenarios -----------------------------------------------------------------
# Each takes the Podman engine; the first docstring line is its name.


def run_rm_exit_status(p):
  """run --rm: output and exit status of the command"""
  res = p.pm("run", "--rm", IMAGE, "sh", "-c",
             "cat /etc/marker; echo to-stderr >&2; exit 42")
  check(res.rc == 42, f"exit status {res.rc}, wanted 42\n{res}")
  check("engine-marker" in res.out, f"no output\n{res}")
  check("to-stderr" in res.err, f"stderr lost\n{res}")
  res = p.pm("ps", "-a", "--format", "{{.ID}}", check_rc=0)
  check(res.out.strip() == "", f"--rm left a container: {res.out}")


def run_d_exec_stop_rm(p):
  """run -d, exec (output, status, env, user), stop, rm"""
  cid = p.detached("--env", "FROMRUN=1")
  check(p.inspect(cid, "{{.State.Status}}") == "running", "not running")
  res = p.pm("exec", cid, "sh", "-c", "echo $FROMRUN; cat /etc/marker; exit 5")
  check(res.rc == 5, f"exec exit status {res.rc}\n{res}")
  check(res.out.split() == ["1", "engine-marker"], f"exec output\n{res}")
  res = p.pm("exec", "--user", "1000:1000", "--env", "X=y", "--workdir",
             "/tmp", cid, "sh", "-c", "id -u; echo $X; pwd", check_rc=0)
  check(res.out.split() == ["1000", "y", "/tmp"], f"exec options\n{res}")
  res = p.pm("exec", "-d", cid, "sh", "-c", "echo bg > /tmp/bg", check_rc=0)
  check(wait_for(lambda: p.pm("exec", cid, "cat", "/tmp/bg").out == "bg\n"),
        "exec -d did not run")
  t0 = time.monotonic()
  p.pm("stop", "-t", "2", cid, check_rc=0)
  check(p.inspect(cid, "{{.State.Status}}") in ("exited", "stopped"),
        "not stopped after stop")
  check(time.monotonic() - t0 < 20, "stop took too long")
  p.pm("rm", cid, check_rc=0)
  res = p.pm("ps", "-a", "--format", "{{.ID}}", check_rc=0)
  check(cid[:12] not in res.out, f"still listed after rm: {res.out}")


def run_tty(p):
  """run -t: the command sees a tty (pty via the console socket)"""
  res = p.pm("run", "--rm", "-t", IMAGE, "sh", "-c", "tty; stty size; exit 3")
  check(res.rc == 3, f"exit status {res.rc}\n{res}")
  check("/dev/pts/" in res.out, f"not a pty\n{res}")


def exec_tty(p):
  """exec -t into a running container: a pty, the exit status kept"""
  cid = p.detached()
  res = lib.run_in_pty(["podman", "--runtime", p.current, "exec", "-t", cid,
                        "sh", "-c", "tty; exit 4"], env=p.env)
  check(res.rc == 4, f"exit status {res.rc}\n{res}")
  check("/dev/pts/" in res.out, f"not a pty\n{res}")


def memory_limit(p):
  """--memory: the limit is set and enforced (OOM kill)"""
  cid = p.detached("--memory", "32m", "--memory-swap", "32m")
  pid = int(p.inspect(cid, "{{.State.Pid}}"))
  limit = lib.host_cgroup_file(pid, "memory", "memory.limit_in_bytes")
  check(int(limit) == 32 * 1024 * 1024, f"memory.limit_in_bytes={limit}")
  # The shell keeps the command substitution's output in memory: 96 MiB
  # of it cannot fit in 32 (no swap either), the kernel OOM-kills it.
  res = p.pm("exec", cid, "sh", "-c", "a=$(head -c 100663296 /dev/zero | "
             "tr '\\0' a); echo survived ${#a}")
  check("survived" not in res.out and res.rc != 0,
        f"96 MiB fitted in a 32 MiB container\n{res}")


def pids_limit(p):
  """--pids-limit: pids.max set, forking beyond the limit fails inside"""
  cid = p.detached("--pids-limit", "8")
  pid = int(p.inspect(cid, "{{.State.Pid}}"))
  limit = lib.host_cgroup_file(pid, "pids", "pids.max")
  check(limit == "8", f"pids.max={limit}")
  res = p.pm("exec", cid, "sh", "-c",
             "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done; "
             "echo all-started")
  check("all-started" not in res.out, f"12 forks under a limit of 8\n{res}")
  check("fork" in res.err.lower() or "resource" in res.err.lower(),
        f"no fork failure reported\n{res}")


def cpus_quota(p):
  """--cpus 0.5: CFS quota 50000/100000 on the container's cgroup"""
  cid = p.detached("--cpus", "0.5")
  pid = int(p.inspect(cid, "{{.State.Pid}}"))
  quota = lib.host_cgroup_file(pid, "cpu", "cpu.cfs_quota_us")
  period = lib.host_cgroup_file(pid, "cpu", "cpu.cfs_period_us")
  check((quota, period) == ("50000", "100000"), f"quota {quota}/{period}")


def cgroup_view(p):
  """/sys/fs/cgroup inside shows the container's own cgroup (limits readable)"""
  out = p.out("--memory", "64m", "--pids-limit", "10", IMAGE, "sh", "-c",
              "cat /sys/fs/cgroup/memory/memory.limit_in_bytes "
              "/sys/fs/cgroup/pids/pids.max 2>&1 || "
              "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max")
  check(out.split()[:2] in (["67108864", "10"],),
        f"limits not visible in the container's cgroup mount: {out}")


def caps(p):
  """--cap-drop ALL --cap-add NET_RAW,CHOWN: exactly those capabilities"""
  out = p.out("--cap-drop", "ALL", "--cap-add", "NET_RAW", "--cap-add",
              "CHOWN", IMAGE, "grep", "^Cap", "/proc/self/status")
  st = lib.status_fields(out)
  want = (1 << 13) | (1 << 0)
  for k in ("CapEff", "CapPrm", "CapBnd"):
    check(int(st[k], 16) == want, f"{k}={st[k]}, wanted {want:x}\n{out}")
  out = p.out("--cap-drop", "CHOWN", IMAGE, "sh", "-c",
              "grep CapEff /proc/self/status; chown 1000 /tmp && echo chowned; true")
  check("chowned" not in out, f"chown worked without CAP_CHOWN: {out}")


def read_only(p):
  """--read-only: the root is read-only, /tmp stays writable"""
  res = p.pm("run", "--rm", "--read-only", IMAGE, "sh", "-c",
             "touch /etc/x 2>&1; touch /tmp/ok && echo tmp-ok")
  check("Read-only file system" in res.out, f"/etc writable\n{res}")
  check("tmp-ok" in res.out, f"/tmp not writable\n{res}")


def user(p):
  """--user 1000:1000: uid, gid, file ownership"""
  vol = p.base / "vol-user"
  vol.mkdir(exist_ok=True)
  vol.chmod(0o777)
  out = p.out("--user", "1000:1000", "-v", f"{vol}:/out", IMAGE, "sh", "-c",
              "id -u; id -g; grep Uid /proc/self/status; touch /out/f")
  lines = out.splitlines()
  check(lines[:2] == ["1000", "1000"], f"ids: {out}")
  st = (vol / "f").stat()
  check((st.st_uid, st.st_gid) == (1000, 1000), f"file owned by {st.st_uid}")


def seccomp(p):
  """--security-opt seccomp=<podman's default profile>: filter in force"""
  res = p.pm("run", "--rm", "--security-opt", f"seccomp={SECCOMP_PROFILE}",
             "--cap-add", "SYS_ADMIN", IMAGE, "sh", "-c",
             "grep -E '^Seccomp' /proc/self/status; "
             "unshare -U true 2>&1 || true; echo done")
  check(res.rc == 0, f"run failed\n{res}")
  st = lib.status_fields(res.out)
  check(st.get("Seccomp") == "2", f"no seccomp filter\n{res}")
  res = p.pm("run", "--rm", "--security-opt", "seccomp=unconfined", IMAGE,
             "grep", "^Seccomp:", "/proc/self/status", check_rc=0)
  check(res.out.split()[-1] == "0", f"unconfined is filtered\n{res}")


def pause_unpause(p):
  """pause freezes the processes, unpause thaws them"""
  vol = p.base / "vol-pause"
  vol.mkdir(exist_ok=True)
  cid = p.detached("-v", f"{vol}:/out", cmd=(
      "sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /out/n; "
      "sleep 0.05; done"))
  n = vol / "n"
  check(wait_for(n.exists), "the loop did not start")
  p.pm("pause", cid, check_rc=0)
  check(p.inspect(cid, "{{.State.Status}}") == "paused", "status not paused")
  time.sleep(0.3)
  a = n.read_text()
  time.sleep(0.5)
  check(n.read_text() == a, "the container ran while paused")
  p.pm("unpause", cid, check_rc=0)
  check(p.inspect(cid, "{{.State.Status}}") == "running", "not running")
  check(wait_for(lambda: n.read_text() != a), "still frozen after unpause")


def top(p):
  """top lists the container's processes"""
  cid = p.detached(cmd=("sh", "-c", "sleep 1001 & sleep 1002"))
  time.sleep(0.3)
  res = p.pm("top", cid, check_rc=0)
  check("sleep 1001" in res.out and "sleep 1002" in res.out, f"{res}")


def stats(p):
  """stats --no-stream reports memory and pids"""
  cid = p.detached()
  res = p.pm("stats", "--no-stream", "--format", "json", cid, check_rc=0)
  data = json.loads(res.out)
  entry = data[0] if isinstance(data, list) else data
  text = json.dumps(entry).lower()
  check(entry.get("pids") not in (None, "0", "--"), f"no pids: {res.out}")
  check("mem_usage" in text, f"no memory usage: {res.out}")
  check(not entry["mem_usage"].startswith("0B"), f"zero memory: {res.out}")


def init(p):
  """--init: catatonit is pid 1 and reaps; the command's status is kept"""
  res = p.pm("run", "--rm", "--init", IMAGE, "sh", "-c",
             "cat /proc/1/cmdline | tr '\\0' ' '; echo; exit 9")
  check(res.rc == 9, f"exit status {res.rc}\n{res}")
  check("catatonit" in res.out or "init" in res.out, f"pid 1: {res.out}")


def tmpfs(p):
  """--tmpfs: a tmpfs with the given options"""
  out = p.out("--tmpfs", "/scratch:size=1m,mode=1777", IMAGE, "sh", "-c",
              "grep ' /scratch ' /proc/mounts; touch /scratch/x && echo w; "
              "stat -c %a /scratch")
  check(" tmpfs " in out and "size=1024k" in out, f"mount: {out}")
  check(out.split()[-2:] == ["w", "1777"], f"{out}")


def volumes(p):
  """-v bind volumes: read-write, :ro"""
  rw = p.base / "vol-rw"
  ro = p.base / "vol-ro"
  rw.mkdir(exist_ok=True)
  ro.mkdir(exist_ok=True)
  (ro / "in").write_text("from-host\n")
  res = p.pm("run", "--rm", "-v", f"{rw}:/rw", "-v", f"{ro}:/ro:ro", IMAGE,
             "sh", "-c", "echo from-container > /rw/out; cat /ro/in; "
             "touch /ro/nope 2>&1; true")
  check(res.rc == 0, f"{res}")
  check((rw / "out").read_text() == "from-container\n", "rw volume")
  check("from-host" in res.out, f"ro volume content\n{res}")
  check("Read-only" in res.out and not (ro / "nope").exists(), f"{res}")


def failed_start(p):
  """a container that fails to start: the runtime's error reaches podman"""
  res = p.pm("run", "--rm", IMAGE, "/no/such/binary")
  check(res.rc in (126, 127), f"exit status {res.rc}\n{res}")
  check("/no/such/binary" in res.err, f"error text lost\n{res}")
  res = p.pm("run", "--rm", "--workdir", "/etc/marker", IMAGE, "true")
  check(res.rc != 0, f"started with a file as cwd\n{res}")
  check("marker" in res.err, f"error text lost\n{res}")
  res = p.pm("ps", "-a", "--format", "{{.ID}}", check_rc=0)
  check(res.out.strip() == "", f"failed runs left containers: {res.out}")


SCENARIOS = [run_rm_exit_status, run_d_exec_stop_rm, run_tty, exec_tty,
             memory_limit,
             pids_limit, cpus_quota, cgroup_view, caps, read_only, user,
             seccomp, pause_unpause, top, stats, init, tmpfs, volumes,
             failed_start]
