# SPDX-License-Identifier: GPL-2.0-or-later
"""linux.resources: each field read back from the cgroup file it maps to
on this host's layout (v1 file names, or cgroup2 ones with runc's
conversions), and where cheap its effect seen from inside the container."""

import os

import pytest

import cgroup_helpers as cgh
from cgroup_helpers import created, resources
from helpers import DEFAULT_CAPS, sh

MiB = 1024 * 1024


def _v1_mem_has_swap():
  d = cgh.V1.get("memory")
  return d is not None and (d / "memory.memsw.limit_in_bytes").exists()


# -- memory -----------------------------------------------------------------


@cgh.need("memory")
def test_memory_limit_and_reservation(rt, bundle):
  resources(bundle)["memory"] = {"limit": 64 * MiB, "reservation": 32 * MiB}
  with created(rt, bundle) as (_, cg):
    if cg.is_v1("memory"):
      assert cg.value("memory", "memory.limit_in_bytes") == str(64 * MiB)
      assert cg.value("memory", "memory.soft_limit_in_bytes") == str(32 * MiB)
    else:
      assert cg.value("memory", "memory.max") == str(64 * MiB)
      assert cg.value("memory", "memory.low") == str(32 * MiB)


@cgh.need("memory")
def test_memory_swap(rt, bundle):
  if cgh.LAYOUT != "v2" and not _v1_mem_has_swap():
    pytest.skip("no swap accounting (memory.memsw.*) on this host")
  resources(bundle)["memory"] = {"limit": 64 * MiB, "swap": 96 * MiB}
  with created(rt, bundle) as (_, cg):
    if cg.is_v1("memory"):
      assert cg.value("memory", "memory.memsw.limit_in_bytes") == str(96 * MiB)
    else:
      # the spec's swap is memory+swap; swap.max is swap alone
      assert cg.value("memory", "memory.swap.max") == str(32 * MiB)


@cgh.need("memory")
def test_memory_unlimited(rt, bundle):
  resources(bundle)["memory"] = {"limit": -1, "swap": -1}
  with created(rt, bundle) as (_, cg):
    if cg.is_v1("memory"):
      assert int(cg.value("memory", "memory.limit_in_bytes")) >= 1 << 62
    else:
      assert cg.value("memory", "memory.max") == "max"


@cgh.need("memory")
@cgh.only_v1
def test_memory_swappiness_and_oom_killer(rt, bundle):
  resources(bundle)["memory"] = {"swappiness": 7, "disableOOMKiller": True}
  with created(rt, bundle) as (_, cg):
    assert cg.value("memory", "memory.swappiness") == "7"
    oom = dict(l.split() for l in cg.read("memory", "memory.oom_control").splitlines())
    assert oom["oom_kill_disable"] == "1"


@cgh.need("memory")
def test_memory_limit_enforced(rt, bundle):
  """dd's 64 MiB buffer cannot fit in 16 MiB without swap: the kernel
  OOM-kills it inside the container."""
  mem = {"limit": 16 * MiB}
  if cgh.LAYOUT == "v2" or _v1_mem_has_swap():
    mem["swap"] = 16 * MiB  # memory+swap == memory: no swap
  resources(bundle)["memory"] = mem
  res = rt.run_container(bundle, sh(
      "dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo dd=$?"))
  assert res.rc == 0, res
  assert res.out.strip() in ("dd=137", "dd=9"), res
  ok = rt.run_container(bundle, sh(
      "dd if=/dev/zero of=/dev/null bs=4M count=1 2>/dev/null; echo dd=$?"))
  assert ok.out.strip() == "dd=0", ok


# -- cpu --------------------------------------------------------------------


@cgh.need("cpu")
def test_cpu_shares_quota_period(rt, bundle):
  resources(bundle)["cpu"] = {"shares": 512, "quota": 20000, "period": 50000}
  with created(rt, bundle) as (_, cg):
    if cg.is_v1("cpu"):
      assert cg.value("cpu", "cpu.shares") == "512"
      assert cg.value("cpu", "cpu.cfs_quota_us") == "20000"
      assert cg.value("cpu", "cpu.cfs_period_us") == "50000"
    else:
      assert cg.value("cpu", "cpu.weight") == str(1 + (512 - 2) * 9999 // 262142)
      assert cg.value("cpu", "cpu.max") == "20000 50000"


@cgh.need("cpu")
def test_cpu_burst_and_idle(rt, bundle):
  resources(bundle)["cpu"] = {"quota": 20000, "period": 100000, "burst": 10000,
                              "idle": 1}
  with created(rt, bundle) as (_, cg):
    if cg.is_v1("cpu"):
      assert cg.value("cpu", "cpu.cfs_burst_us") == "10000"
    else:
      assert cg.value("cpu", "cpu.max.burst") == "10000"
    assert cg.value("cpu", "cpu.idle") == "1"


@cgh.need("cpu")
def test_cpu_quota_enforced(rt, bundle):
  """10% of one CPU: a busy loop of ~1 s wall gets well under half a
  second of CPU time."""
  resources(bundle)["cpu"] = {"quota": 10000, "period": 100000}
  out = rt.output(bundle, sh(
      "end=$(( $(date +%s) + 2 )); while [ $(date +%s) -lt $end ]; do :; done;"
      " cat /proc/self/stat /proc/$$/stat | tail -1"))
  fields = out.rsplit(")", 1)[1].split()
  ticks = int(fields[11]) + int(fields[12])  # utime + stime of the shell
  hz = os.sysconf("SC_CLK_TCK")
  assert ticks / hz < 0.6, f"{ticks} ticks in ~1.5 s wall at a 10% quota"


@cgh.need("cpuset")
def test_cpuset_cpus_and_mems(rt, bundle):
  resources(bundle)["cpu"] = {"cpus": "0", "mems": "0"}
  with created(rt, bundle) as (_, cg):
    assert cg.value("cpuset", "cpuset.cpus") == "0"
    assert cg.value("cpuset", "cpuset.mems") == "0"
  out = rt.output(bundle, ["grep", "Cpus_allowed_list", "/proc/self/status"])
  assert out.split()[1] == "0", out


@cgh.need("cpu")
@cgh.only_v1
def test_cpu_realtime_period(rt, bundle):
  d = cgh.V1["cpu"]
  if not (d / "cpu.rt_period_us").exists():
    pytest.skip("no CONFIG_RT_GROUP_SCHED")
  resources(bundle)["cpu"] = {"realtimePeriod": 500000}
  with created(rt, bundle) as (_, cg):
    assert cg.value("cpu", "cpu.rt_period_us") == "500000"


# -- pids -------------------------------------------------------------------


@cgh.need("pids")
def test_pids_limit_file(rt, bundle):
  resources(bundle)["pids"] = {"limit": 42}
  with created(rt, bundle) as (_, cg):
    assert cg.value("pids", "pids.max") == "42"


@cgh.need("pids")
def test_pids_limit_unlimited(rt, bundle):
  resources(bundle)["pids"] = {"limit": -1}
  with created(rt, bundle) as (_, cg):
    assert cg.value("pids", "pids.max") == "max"


@cgh.need("pids")
def test_fork_bomb_is_limited(rt, bundle):
  """With pids.max 8 a forking shell stops at 8 processes (init, itself
  and 6 sleeps) and dies of the failed fork; the count uses shell builtins
  only (an ls would need a pid too). The sleeps die with the init."""
  resources(bundle)["pids"] = {"limit": 8}
  res = rt.run_container(bundle, sh(
      "sh -c 'for i in $(seq 20); do sleep 30 & done';"
      " set -- /proc/[0-9]*; echo $#"))
  assert res.rc == 0, res
  assert res.out.split()[0] == "7", res
  assert "fork" in res.err, res


# -- blockIO ----------------------------------------------------------------


@cgh.need("blkio")
def test_blkio_weight(rt, bundle):
  resources(bundle)["blockIO"] = {"weight": 300}
  with created(rt, bundle) as (_, cg):
    if cg.is_v1("blkio"):
      d = cg.dir("blkio")
      name = "blkio.weight" if (d / "blkio.weight").exists() else "blkio.bfq.weight"
      assert cg.value("blkio", name).split()[-1] == "300"
    else:
      d = cg.dir("blkio")
      if (d / "io.bfq.weight").exists():
        assert "default 300" in cg.read("blkio", "io.bfq.weight")
      else:
        want = 1 + (300 - 10) * 9999 // 990
        assert f"default {want}" in cg.read("blkio", "io.weight")


@cgh.need("blkio")
def test_blkio_throttle_per_device(rt, bundle):
  dev = cgh.host_block_device()
  if dev is None:
    pytest.skip("no real block device on this host")
  major, minor = dev
  ent = lambda rate: [{"major": major, "minor": minor, "rate": rate}]
  resources(bundle)["blockIO"] = {
      "throttleReadBpsDevice": ent(1048576),
      "throttleWriteBpsDevice": ent(2097152),
      "throttleReadIOPSDevice": ent(100),
      "throttleWriteIOPSDevice": ent(200),
  }
  with created(rt, bundle) as (_, cg):
    dm = f"{major}:{minor}"
    if cg.is_v1("blkio"):
      for name, want in (("read_bps_device", 1048576),
                         ("write_bps_device", 2097152),
                         ("read_iops_device", 100),
                         ("write_iops_device", 200)):
        text = cg.read("blkio", f"blkio.throttle.{name}")
        assert f"{dm} {want}" in text.splitlines(), (name, text)
    else:
      line = [l for l in cg.read("blkio", "io.max").splitlines()
              if l.startswith(dm + " ")]
      assert line, cg.read("blkio", "io.max")
      kv = dict(x.split("=") for x in line[0].split()[1:])
      assert kv == {"rbps": "1048576", "wbps": "2097152", "riops": "100",
                    "wiops": "200"}


# -- hugetlb ----------------------------------------------------------------


@cgh.need("hugetlb")
def test_hugepage_limits(rt, bundle):
  sizes = cgh.hugepage_sizes()
  if not sizes:
    pytest.skip("no huge page sizes")
  resources(bundle)["hugepageLimits"] = [
      {"pageSize": sizes[0], "limit": 4 * 2 * MiB}]
  with created(rt, bundle) as (_, cg):
    if cg.is_v1("hugetlb"):
      name = f"hugetlb.{sizes[0]}.limit_in_bytes"
    else:
      name = f"hugetlb.{sizes[0]}.max"
    assert cg.value("hugetlb", name) == str(8 * MiB)


# -- network ----------------------------------------------------------------


def test_network_class_and_priorities(rt, bundle):
  resources(bundle)["network"] = {
      "classID": 0x100001, "priorities": [{"name": "lo", "priority": 5}]}
  if "net_cls" not in cgh.V1 or "net_prio" not in cgh.V1:
    # no such controllers (cgroup2, or not mounted): ignored with a warning
    res = rt.run_container(bundle, sh("echo ran"))
    assert res.rc == 0 and res.out == "ran\n", res
    assert "network.classID" in res.err, res
    return
  with created(rt, bundle) as (_, cg):
    assert cg.value("net_cls", "net_cls.classid") == str(0x100001)
    assert "lo 5" in cg.read("net_prio", "net_prio.ifpriomap").splitlines()


# -- devices ----------------------------------------------------------------


def _mknod_bundle(bundle):
  caps = DEFAULT_CAPS + ["CAP_MKNOD"]
  for k in ("bounding", "effective", "permitted"):
    bundle.config["process"]["capabilities"][k] = caps


def test_devices_rules_in_cgroup(rt, bundle):
  resources(bundle)["devices"] = [
      {"allow": False, "access": "rwm"},
      {"allow": True, "type": "c", "major": 1, "minor": 12, "access": "r"},
  ]
  with created(rt, bundle) as (_, cg):
    if cg.is_v1("devices"):
      rules = cg.read("devices", "devices.list").splitlines()
      assert "a *:* rwm" not in rules
      assert "c 1:12 r" in rules, rules
      assert "c 1:3 rwm" in rules, rules  # runc's default /dev/null rule


def test_denied_device_cannot_be_opened(rt, bundle):
  """c 1:12 has no driver: opening it gives ENXIO when the cgroup lets it
  through and EPERM when the cgroup denies it."""
  _mknod_bundle(bundle)
  resources(bundle)["devices"] = [{"allow": False, "access": "rwm"}]
  script = ("mknod /dev/probe c 1 12 && echo made; "
            "cat /dev/probe; echo > /dev/null && echo null-ok")
  res = rt.run_container(bundle, sh(script))
  assert "made" in res.out and "null-ok" in res.out, res
  assert "Operation not permitted" in res.err, res

  resources(bundle)["devices"].append(
      {"allow": True, "type": "c", "major": 1, "minor": 12, "access": "r"})
  res = rt.run_container(bundle, sh(script))
  assert "made" in res.out, res
  assert "No such device or address" in res.err, res
  assert "Operation not permitted" not in res.err, res


def test_mknod_allowed_by_default_rules(rt, bundle):
  """The default rules appended after the config's (runc's "c *:* m")
  let mknod through even with everything denied: only opening is denied."""
  _mknod_bundle(bundle)
  resources(bundle)["devices"] = [{"allow": False, "access": "rwm"}]
  res = rt.run_container(bundle, sh("mknod /dev/p1 c 1 12 && echo made"))
  assert res.out == "made\n", res


# -- unified ----------------------------------------------------------------


@cgh.only_v2_or_hybrid
def test_unified_key_written(rt, bundle):
  if "pids" in cgh.V2_CTRLS:
    key, value = "pids.max", "17"
  elif "hugetlb" in cgh.V2_CTRLS and cgh.hugepage_sizes():
    key, value = f"hugetlb.{cgh.hugepage_sizes()[0]}.max", str(4 * MiB)
  else:
    pytest.skip("no controller on the cgroup2 hierarchy to write to")
  resources(bundle)["unified"] = {key: value}
  with created(rt, bundle) as (_, cg):
    assert (cg.v2_dir() / key).read_text().strip() == value


@cgh.only_pure_v2
def test_unified_wins_over_fields(rt, bundle):
  resources(bundle)["memory"] = {"limit": 64 * MiB}
  resources(bundle)["unified"] = {"memory.max": str(48 * MiB),
                                  "memory.high": str(40 * MiB)}
  with created(rt, bundle) as (_, cg):
    assert cg.value("memory", "memory.max") == str(48 * MiB)
    assert cg.value("memory", "memory.high") == str(40 * MiB)
