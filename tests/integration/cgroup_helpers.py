# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers of the cgroup tests: the host's layout and where a container's
cgroup files are in it.

The layout is detected from /sys/fs/cgroup (pure v2, v1 hybrid with
cgroup2 at /sys/fs/cgroup/unified, or plain v1); SKIFF_CGROUP_LAYOUT
(v1, hybrid, v2) overrides the detection, e.g. to make a VM run fail
loudly when the guest did not come up the way it should.

Each resource is found by controller: `Cgroup.dir(ctrl)` is the v1
hierarchy's directory when the host mounts that controller as v1, else the
cgroup2 directory when the unified hierarchy offers it, else None. The
tests branch on `Cgroup.is_v1(ctrl)` for the file names."""

import json
import os
import time
from pathlib import Path

import pytest

import helpers

ROOT = Path("/sys/fs/cgroup")
UNIFIED = ROOT / "unified"

# v1 hierarchy directory names under /sys/fs/cgroup
V1_NAMES = ("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
            "pids", "blkio", "net_cls", "net_prio", "hugetlb", "rdma",
            "perf_event", "misc", "systemd")


def _detect_layout():
  if (ROOT / "cgroup.controllers").exists():
    return "v2"
  if (UNIFIED / "cgroup.controllers").exists():
    return "hybrid"
  return "v1"


LAYOUT = os.environ.get("SKIFF_CGROUP_LAYOUT") or _detect_layout()
assert LAYOUT in ("v1", "hybrid", "v2"), f"SKIFF_CGROUP_LAYOUT={LAYOUT!r}"
V2_ROOT = {"v2": ROOT, "hybrid": UNIFIED}.get(LAYOUT)


def v1_hierarchies():
  """{name: root} of the mounted v1 hierarchies (combined mounts appear
  under each of their names)."""
  if LAYOUT == "v2":
    return {}
  found = {}
  for name in V1_NAMES:
    p = ROOT / name
    if p.is_dir() and not (p / "cgroup.controllers").exists():
      found[name] = p
  return found


def v2_controllers():
  if V2_ROOT is None:
    return set()
  try:
    return set((V2_ROOT / "cgroup.controllers").read_text().split())
  except OSError:
    return set()


V1 = v1_hierarchies()
V2_CTRLS = v2_controllers()

# v1 name -> cgroup2 name where they differ
_V2_NAME = {"blkio": "io"}


def have(ctrl):
  """True when the host has the controller (v1 name) in either kind."""
  return ctrl in V1 or _V2_NAME.get(ctrl, ctrl) in V2_CTRLS


def need(ctrl):
  """pytest mark: skip when the host lacks the controller."""
  return pytest.mark.skipif(not have(ctrl),
                            reason=f"no {ctrl} controller on this host")


only_v1 = pytest.mark.skipif(LAYOUT == "v2", reason="cgroup v1 only")
only_v2_or_hybrid = pytest.mark.skipif(LAYOUT == "v1",
                                       reason="needs a cgroup2 hierarchy")
only_pure_v2 = pytest.mark.skipif(LAYOUT != "v2", reason="pure cgroup v2 only")


class Cgroup:
  """A container's cgroup: the same relative path below every hierarchy."""

  def __init__(self, path):
    assert path.startswith("/"), path
    self.path = path

  def v1_dir(self, ctrl):
    root = V1.get(ctrl)
    return Path(str(root) + self.path) if root else None

  def v2_dir(self):
    return Path(str(V2_ROOT) + self.path) if V2_ROOT else None

  def is_v1(self, ctrl):
    return ctrl in V1

  def dir(self, ctrl):
    if ctrl in V1:
      return self.v1_dir(ctrl)
    if _V2_NAME.get(ctrl, ctrl) in V2_CTRLS:
      return self.v2_dir()
    return None

  def read(self, ctrl, name):
    d = self.dir(ctrl)
    assert d is not None, f"no {ctrl} controller"
    return (d / name).read_text()

  def value(self, ctrl, name):
    return self.read(ctrl, name).strip()

  def all_dirs(self):
    """Every directory this cgroup has or should have (one per v1
    hierarchy, plus the cgroup2 one)."""
    dirs = [Path(str(root) + self.path) for root in V1.values()]
    if V2_ROOT is not None:
      dirs.append(self.v2_dir())
    return dirs

  def existing_dirs(self):
    return [d for d in self.all_dirs() if d.is_dir()]

  def procs(self):
    """pids in the cgroup: the cgroup2 list when there is one (every
    process is there on hybrid hosts too), else pids/freezer/memory."""
    for d in ([self.v2_dir()] if V2_ROOT else []) + [
        self.v1_dir(c) for c in ("pids", "freezer", "memory") if c in V1]:
      try:
        return sorted(int(x) for x in (d / "cgroup.procs").read_text().split())
      except FileNotFoundError:
        continue
    return []

  def frozen(self):
    if "freezer" in V1:
      return self.value("freezer", "freezer.state") == "FROZEN"
    events = (self.v2_dir() / "cgroup.events").read_text()
    return "frozen 1" in events.splitlines()


def cgroup_of_pid(pid):
  """{hierarchy: path} from /proc/PID/cgroup: v1 entries by their
  controller names (each name of a combined mount), the cgroup2 entry
  under ""."""
  out = {}
  with open(f"/proc/{pid}/cgroup") as f:
    for line in f:
      _, ctrls, path = line.rstrip("\n").split(":", 2)
      if ctrls == "":
        out[""] = path
      for c in ctrls.split(","):
        if c:
          out[c.replace("name=", "")] = path
  return out


def container_cgroup(rt, cid):
  """The container's Cgroup, read from its init's /proc/PID/cgroup (the
  pids, memory or cgroup2 entry, whichever exists)."""
  pid = rt.state(cid)["pid"]
  paths = cgroup_of_pid(pid)
  for key in ("pids", "memory", "freezer", ""):
    if key in paths and (key in V1 or key == ""):
      return Cgroup(paths[key])
  raise AssertionError(f"no cgroup for pid {pid}: {paths}")


def assert_gone(cg):
  left = cg.existing_dirs()
  assert not left, f"cgroup left behind: {left}"


def start_sleeper(rt, bundle, script="sleep 300", extra_config=None):
  """create + start a container running `script`; returns its id."""
  bundle.set_args(helpers.sh(script))
  cid = rt.create(bundle)
  res = rt("start", cid)
  assert res.rc == 0, res
  rt.wait_status(cid, "running")
  return cid


def host_block_device():
  """(major, minor) of a real block device of the host (not loop, ram,
  zram), the one holding / when possible."""
  root_dev = os.stat("/").st_dev
  want = (os.major(root_dev), os.minor(root_dev))
  candidates = []
  for name in sorted(os.listdir("/sys/block")):
    if name.startswith(("loop", "ram", "zram", "nbd", "dm-", "md", "sr")):
      continue
    try:
      major, minor = map(int, Path(f"/sys/block/{name}/dev").read_text().split(":"))
    except (OSError, ValueError):
      continue
    if (major, minor) == want:
      return want
    candidates.append((major, minor))
  return candidates[0] if candidates else None


def hugepage_sizes():
  """["2MB", "1GB"] as the kernel names them in hugetlb files."""
  sizes = []
  try:
    names = os.listdir("/sys/kernel/mm/hugepages")
  except FileNotFoundError:
    return sizes
  for n in sorted(names, key=lambda s: int(s.split("-")[1].rstrip("kB"))):
    kb = int(n.split("-")[1].rstrip("kB"))
    if kb >= 1 << 20:
      sizes.append(f"{kb >> 20}GB")
    elif kb >= 1 << 10:
      sizes.append(f"{kb >> 10}MB")
    else:
      sizes.append(f"{kb}KB")
  return sizes


def wait_gone(pids, timeout=5.0):
  return helpers.wait_for(lambda: not any(helpers.pid_alive(p) for p in pids),
                          timeout=timeout)


def stats(rt, cid):
  res = rt("events", "--stats", cid)
  assert res.rc == 0, res
  return json.loads(res.out)


def file_size(path):
  try:
    return os.path.getsize(path)
  except FileNotFoundError:
    return 0


def settle(seconds):
  time.sleep(seconds)


class created:
  """with created(rt, bundle) as (cid, cg): a created (not started)
  container and its Cgroup; on exit it is deleted and every hierarchy is
  checked for leftovers."""

  def __init__(self, rt, bundle, args=("sleep", "300")):
    self.rt, self.bundle, self.args = rt, bundle, list(args)

  def __enter__(self):
    self.cid = self.rt.create(self.bundle, args=self.args)
    self.cg = container_cgroup(self.rt, self.cid)
    return self.cid, self.cg

  def __exit__(self, *exc):
    self.rt.remove(self.cid)
    assert_gone(self.cg)
    return False


def resources(bundle):
  return bundle.config["linux"].setdefault("resources", {})


def wait_for_procs(cg, n, timeout=5.0):
  """Wait until the cgroup holds at least n processes."""
  return helpers.wait_for(lambda: len(cg.procs()) >= n, timeout=timeout)
