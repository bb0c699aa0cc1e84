#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Start-up benchmark: N sequential `run` of /bin/true per runtime.

Runtimes are interleaved, one run of each per round (the order rotates every
round so none always goes first), and the script prints, per runtime, the
median/mean/min/p90 wall time of a whole `run`, the ratio of skiff's median
to the others', and the peak RSS of one extra run measured by
`/usr/bin/time -f %M` (the max RSS of the runtime process and the children
it reaped; wait4 on our own fork would count the forked Python too).

  sudo tests/bench/bench.py [-n 50] [--skiff PATH]

skiff is $SKIFF or <repo>/skiff; runc and crun are used when installed.
crun 1.8.1 refuses the cgroup v1 hybrid layout, so it runs in a private
mount namespace (made once, by `unshare -m`) where /sys/fs/cgroup/unified is
unmounted; every runtime is spawned the same way (fork, then a setns for
crun only) so the spawn cost is the same for all.
Not part of the test run.
"""

import argparse
import ctypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLONE_NEWNS = 0x00020000
BUSYBOX = ("/bin/busybox", "/usr/bin/busybox")

CONFIG = """{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false, "user": {"uid": 0, "gid": 0},
    "args": ["/bin/true"],
    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "ambient": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
    "noNewPrivileges": true
  },
  "root": {"path": "rootfs", "readonly": true},
  "hostname": "bench",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
     "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666",
                 "mode=0620", "gid=5"]},
    {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
     "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/sys", "type": "sysfs", "source": "sysfs",
     "options": ["nosuid", "noexec", "nodev", "ro"]},
    {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
     "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}
  ],
  "linux": {
    "resources": {"devices": [{"allow": false, "access": "rwm"}]},
    "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                   {"type": "uts"}, {"type": "mount"}],
    "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore",
                    "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug",
                    "/sys/firmware", "/proc/scsi"],
    "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                      "/proc/sysrq-trigger"]
  }
}
"""


def make_bundle(workdir):
  busybox = next((b for b in BUSYBOX if os.access(b, os.X_OK)), None)
  if not busybox:
    sys.exit("bench: no busybox (install busybox-static)")
  bundle = workdir / "bundle"
  rootfs = bundle / "rootfs"
  for d in ("bin", "proc", "dev", "sys", "tmp", "etc"):
    (rootfs / d).mkdir(parents=True, exist_ok=True)
  shutil.copy2(busybox, rootfs / "bin" / "busybox")
  for applet in ("true", "sh"):
    (rootfs / "bin" / applet).symlink_to("busybox")
  (bundle / "config.json").write_text(CONFIG)
  return bundle


class CrunNamespace:
  """A process holding a mount namespace without /sys/fs/cgroup/unified."""

  def __init__(self):
    self.proc = subprocess.Popen(
        ["unshare", "-m", "--propagation", "private", "sh", "-c",
         "umount /sys/fs/cgroup/unified 2>/dev/null; "
         "echo ready; exec sleep infinity"],
        stdout=subprocess.PIPE, text=True)
    if self.proc.stdout.readline().strip() != "ready":
      raise RuntimeError("unshare -m failed")
    self.fd = os.open(f"/proc/{self.proc.pid}/ns/mnt", os.O_RDONLY)
    libc = ctypes.CDLL(None, use_errno=True)
    self._setns = libc.setns

  def enter(self):
    # runs in the forked child, before exec
    if self._setns(self.fd, CLONE_NEWNS) != 0:
      os._exit(127)

  def close(self):
    os.close(self.fd)
    self.proc.kill()
    self.proc.wait()


class Runtime:
  def __init__(self, name, binary, root, enter=None):
    self.name, self.binary, self.root = name, binary, root
    self.enter = enter
    self.times = []
    self.rss_kb = None
    self.failed = None

  def argv(self, bundle, cid):
    return [self.binary, "--root", str(self.root), "run", "--bundle",
            str(bundle), cid]

  def peak_rss(self, bundle, cid):
    """One run under /usr/bin/time; returns KiB or None."""
    if not os.access("/usr/bin/time", os.X_OK):
      return None
    res = subprocess.run(["/usr/bin/time", "-f", "RSS=%M"] +
                         self.argv(bundle, cid), stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True, preexec_fn=self.enter)
    lines = [l for l in res.stderr.splitlines() if l.startswith("RSS=")]
    if res.returncode != 0 or not lines:
      return None
    return int(lines[-1][4:])

  def run_once(self, bundle, cid):
    argv = self.argv(bundle, cid)
    enter = self.enter or (lambda: None)
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=enter)
    _, status = os.waitpid(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
      self.failed = f"rc={proc.returncode}: {err.strip()}"
      return False
    self.times.append(elapsed)
    return True


def which(name):
  return shutil.which(name, path="/usr/local/sbin:/usr/local/bin:"
                      "/usr/sbin:/usr/bin:/sbin:/bin")


def main():
  ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  ap.add_argument("-n", type=int, default=50, help="rounds (default 50)")
  ap.add_argument("--skiff", default=os.environ.get("SKIFF") or
                  str(REPO / "skiff"))
  ap.add_argument("--no-runc", action="store_true")
  ap.add_argument("--no-crun", action="store_true")
  args = ap.parse_args()
  if os.geteuid() != 0:
    sys.exit("bench: run as root")

  workdir = Path(tempfile.mkdtemp(prefix="skiff-bench-"))
  workdir.chmod(0o755)
  bundle = make_bundle(workdir)
  runtimes = []
  crun_ns = None
  if os.access(args.skiff, os.X_OK):
    runtimes.append(Runtime("skiff", args.skiff, workdir / "root-skiff"))
  else:
    print(f"skiff: {args.skiff} not found, skipped")
  if not args.no_runc and which("runc"):
    runtimes.append(Runtime("runc", which("runc"), workdir / "root-runc"))
  if not args.no_crun and which("crun"):
    crun_ns = CrunNamespace()
    runtimes.append(Runtime("crun", which("crun"), workdir / "root-crun",
                            enter=crun_ns.enter))
  if not runtimes:
    sys.exit("bench: no runtime to measure")

  try:
    for rt in runtimes:  # warm-up: page cache, first-run state dirs
      rt.run_once(bundle, f"warmup-{rt.name}")
      if rt.failed:
        print(f"{rt.name}: warm-up run failed, skipped: {rt.failed}")
    runtimes = [rt for rt in runtimes if not rt.failed]
    for rt in runtimes:
      rt.times.clear()
    for i in range(args.n):
      k = i % len(runtimes)
      for rt in runtimes[k:] + runtimes[:k]:
        if not rt.failed:
          rt.run_once(bundle, f"b{i}-{rt.name}")
    for rt in runtimes:
      rt.rss_kb = rt.peak_rss(bundle, f"rss-{rt.name}")
  finally:
    if crun_ns:
      crun_ns.close()

  print(f"\n{args.n} rounds of `run` /bin/true (busybox rootfs), "
        "wall time per run:")
  print(f"{'runtime':8} {'median':>9} {'mean':>9} {'min':>9} {'p90':>9} "
        f"{'peak RSS':>10}  runs")
  medians = {}
  for rt in runtimes:
    if not rt.times:
      print(f"{rt.name:8} failed: {rt.failed}")
      continue
    t = sorted(rt.times)
    med = statistics.median(t)
    medians[rt.name] = med
    p90 = t[min(len(t) - 1, int(round(0.9 * (len(t) - 1))))]
    rss = f"{rt.rss_kb / 1024:6.1f} MiB" if rt.rss_kb else "         ?"
    print(f"{rt.name:8} {med * 1e3:7.2f}ms {statistics.mean(t) * 1e3:7.2f}ms "
          f"{t[0] * 1e3:7.2f}ms {p90 * 1e3:7.2f}ms "
          f"{rss:>10}  {len(t)}"
          + (f" (stopped: {rt.failed})" if rt.failed else ""))
  if "skiff" in medians:
    for other in ("runc", "crun"):
      if other in medians:
        print(f"skiff/{other} median ratio: "
              f"{medians['skiff'] / medians[other]:.2f}")
  elif len(medians) == 2:
    print(f"crun/runc median ratio: {medians['crun'] / medians['runc']:.2f}")
  shutil.rmtree(workdir, ignore_errors=True)
  return 0 if medians else 1


if __name__ == "__main__":
  sys.exit(main())
