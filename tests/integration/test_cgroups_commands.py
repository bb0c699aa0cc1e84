# SPDX-License-Identifier: GPL-2.0-or-later
"""The commands that work through the container's cgroup: pause/resume,
update (runc's flags and --resources FILE), ps, events --stats and
kill --all; each checked in the cgroup files and by its effect."""

import json

import pytest

import cgroup_helpers as cgh
from cgroup_helpers import resources
import helpers

MiB = 1024 * 1024

TICKER = "while :; do echo x >> /tmp/ticks; usleep 20000; done"


def _ticks(bundle):
  return cgh.file_size(bundle.rootfs / "tmp" / "ticks")


def _proc_state(pid):
  with open(f"/proc/{pid}/stat") as f:
    return f.read().rsplit(")", 1)[1].split()[0]


def test_pause_resume(rt, bundle):
  cid = cgh.start_sleeper(rt, bundle, TICKER)
  cg = cgh.container_cgroup(rt, cid)
  assert helpers.wait_for(lambda: _ticks(bundle) > 0)
  assert rt("pause", cid).rc == 0
  assert rt.status(cid) == "paused"
  assert cg.frozen()
  pid = rt.state(cid)["pid"]
  if "freezer" in cgh.V1:
    # a v1-frozen task sleeps uninterruptibly (D; T on old kernels); the
    # v2 freezer parks tasks in an ordinary sleep (S)
    assert _proc_state(pid) in ("D", "T"), _proc_state(pid)
  before = _ticks(bundle)
  cgh.settle(0.4)
  assert _ticks(bundle) == before, "the container ran while paused"

  assert rt("resume", cid).rc == 0
  assert rt.status(cid) == "running"
  assert not cg.frozen()
  assert helpers.wait_for(lambda: _ticks(bundle) > before), "no progress"
  rt.remove(cid)
  cgh.assert_gone(cg)


def test_pause_twice_and_resume_running_fail(rt, bundle):
  cid = cgh.start_sleeper(rt, bundle)
  res = rt("resume", cid)
  assert res.rc == 1 and cid in res.err and "not paused" in res.err, res
  assert rt("pause", cid).rc == 0
  res = rt("pause", cid)
  assert res.rc == 1 and cid in res.err, res
  assert rt.status(cid) == "paused"
  rt.remove(cid)


def test_kill_of_paused_container(rt, bundle):
  """SIGKILL escapes the v2 freezer at once; the v1 freezer holds it
  until resume."""
  cid = cgh.start_sleeper(rt, bundle)
  pid = rt.state(cid)["pid"]
  assert rt("pause", cid).rc == 0
  assert rt("kill", cid, "KILL").rc == 0
  if "freezer" in cgh.V1:
    cgh.settle(0.2)
    assert helpers.pid_alive(pid), "a v1-frozen task died before the thaw"
    assert rt("resume", cid).rc == 0
  assert cgh.wait_gone([pid])
  rt.wait_status(cid, "stopped")
  rt.remove(cid)


def test_ps_json_is_the_cgroup(rt, bundle):
  cid = cgh.start_sleeper(rt, bundle, "sleep 300 & sleep 300 & exec sleep 300")
  cg = cgh.container_cgroup(rt, cid)
  assert cgh.wait_for_procs(cg, 3)
  res = rt("ps", "--format", "json", cid)
  assert res.rc == 0, res
  pids = json.loads(res.out)
  assert sorted(pids) == cg.procs()
  assert rt.state(cid)["pid"] in pids
  assert len(pids) == 3
  rt.remove(cid)


def test_ps_table(rt, bundle):
  cid = cgh.start_sleeper(rt, bundle)
  res = rt("ps", cid)
  assert res.rc == 0, res
  lines = res.lines()
  assert "PID" in lines[0]
  assert any("sleep 300" in l for l in lines[1:]), res
  rt.remove(cid)


def test_events_stats(rt, bundle):
  cid = cgh.start_sleeper(rt, bundle, "sleep 300 & exec sleep 300")
  cg = cgh.container_cgroup(rt, cid)
  assert cgh.wait_for_procs(cg, 2)
  ev = cgh.stats(rt, cid)
  assert ev["type"] == "stats" and ev["id"] == cid, ev
  data = ev["data"]
  assert data["pids"]["current"] == 2, data["pids"]
  assert data["cpu"]["usage"]["total"] > 0, data["cpu"]
  assert data["memory"]["usage"]["usage"] > 0, data["memory"]
  rt.remove(cid)


def test_kill_all(rt, bundle):
  """kill --all reaches every process of the cgroup, also ones that left
  the init's process tree (reparented) and ones that ignore nothing."""
  cid = cgh.start_sleeper(
      rt, bundle, "sh -c 'sleep 300 & sleep 300 &'; sleep 300 & exec sleep 300")
  cg = cgh.container_cgroup(rt, cid)
  assert cgh.wait_for_procs(cg, 4)
  pids = cg.procs()
  res = rt("kill", "--all", cid, "KILL")
  assert res.rc == 0, res
  assert cgh.wait_gone(pids), [p for p in pids if helpers.pid_alive(p)]
  assert helpers.wait_for(lambda: cg.procs() == [])
  rt.wait_status(cid, "stopped")
  rt.remove(cid)
  cgh.assert_gone(cg)


def test_kill_all_term(rt, bundle):
  cid = cgh.start_sleeper(rt, bundle, "sleep 300 & sleep 300 & wait")
  cg = cgh.container_cgroup(rt, cid)
  assert cgh.wait_for_procs(cg, 3)
  pids = [p for p in cg.procs() if p != rt.state(cid)["pid"]]
  assert rt("kill", "--all", cid, "TERM").rc == 0
  assert cgh.wait_gone(pids)
  rt.remove(cid)


# -- update -----------------------------------------------------------------


def _running(rt, bundle):
  cid = cgh.start_sleeper(rt, bundle)
  return cid, cgh.container_cgroup(rt, cid)


@cgh.need("memory")
def test_update_memory_flags(rt, bundle):
  cid, cg = _running(rt, bundle)
  res = rt("update", "--memory", "80m", "--memory-reservation", "40m", cid)
  assert res.rc == 0, res
  if cg.is_v1("memory"):
    assert cg.value("memory", "memory.limit_in_bytes") == str(80 * MiB)
    assert cg.value("memory", "memory.soft_limit_in_bytes") == str(40 * MiB)
  else:
    assert cg.value("memory", "memory.max") == str(80 * MiB)
    assert cg.value("memory", "memory.low") == str(40 * MiB)
  rt.remove(cid)


@cgh.need("cpu")
def test_update_cpu_flags(rt, bundle):
  cid, cg = _running(rt, bundle)
  res = rt("update", "--cpu-shares", "256", "--cpu-quota", "30000",
           "--cpu-period", "60000", cid)
  assert res.rc == 0, res
  if cg.is_v1("cpu"):
    assert cg.value("cpu", "cpu.shares") == "256"
    assert cg.value("cpu", "cpu.cfs_quota_us") == "30000"
    assert cg.value("cpu", "cpu.cfs_period_us") == "60000"
  else:
    assert cg.value("cpu", "cpu.max") == "30000 60000"
  rt.remove(cid)


@cgh.need("pids")
def test_update_pids_limit_and_effect(rt, bundle):
  cid, cg = _running(rt, bundle)
  assert rt("update", "--pids-limit", "3", cid).rc == 0
  assert cg.value("pids", "pids.max") == "3"
  assert rt("update", "--pids-limit", "-1", cid).rc == 0
  assert cg.value("pids", "pids.max") == "max"
  rt.remove(cid)


@cgh.need("cpuset")
def test_update_cpuset(rt, bundle):
  cid, cg = _running(rt, bundle)
  assert rt("update", "--cpuset-cpus", "0", cid).rc == 0
  assert cg.value("cpuset", "cpuset.cpus") == "0"
  pid = rt.state(cid)["pid"]
  with open(f"/proc/{pid}/status") as f:
    line = [l for l in f if l.startswith("Cpus_allowed_list")][0]
  assert line.split()[1] == "0"
  rt.remove(cid)


@cgh.need("blkio")
def test_update_blkio_weight(rt, bundle):
  cid, cg = _running(rt, bundle)
  res = rt("update", "--blkio-weight", "400", cid)
  assert res.rc == 0, res
  d = cg.dir("blkio")
  if cg.is_v1("blkio"):
    name = "blkio.weight" if (d / "blkio.weight").exists() else "blkio.bfq.weight"
    assert cg.value("blkio", name).split()[-1] == "400"
  elif (d / "io.bfq.weight").exists():
    assert "default 400" in cg.read("blkio", "io.bfq.weight")
  rt.remove(cid)


@cgh.need("memory")
@cgh.need("pids")
def test_update_resources_file(rt, bundle, ctx):
  cid, cg = _running(rt, bundle)
  f = ctx.tmp / "res.json"
  f.write_text(json.dumps({"memory": {"limit": 72 * MiB},
                           "pids": {"limit": 33}}))
  res = rt("update", "--resources", f, cid)
  assert res.rc == 0, res
  mem = "memory.limit_in_bytes" if cg.is_v1("memory") else "memory.max"
  assert cg.value("memory", mem) == str(72 * MiB)
  assert cg.value("pids", "pids.max") == "33"
  rt.remove(cid)


@cgh.need("pids")
def test_update_resources_stdin(rt, bundle, ctx):
  cid, cg = _running(rt, bundle)
  f = ctx.tmp / "res.json"
  f.write_text('{"pids": {"limit": 21}}')
  with open(f) as stdin:
    res = rt("update", "-r", "-", cid, stdin=stdin)
  assert res.rc == 0, res
  assert cg.value("pids", "pids.max") == "21"
  rt.remove(cid)


@cgh.need("memory")
def test_update_memory_effect(rt, bundle):
  """Lowering the limit under a running container's needs: its next big
  allocation is OOM-killed."""
  if cgh.LAYOUT != "v2":
    mem_dir = cgh.V1["memory"]
    if not (mem_dir / "memory.memsw.limit_in_bytes").exists():
      pytest.skip("no swap accounting")
  cid = cgh.start_sleeper(
      rt, bundle, "while [ ! -e /tmp/go ]; do usleep 20000; done;"
      " dd if=/dev/zero of=/dev/null bs=64M count=1; echo $? > /tmp/rc;"
      " sleep 300")
  res = rt("update", "--memory", "16m", "--memory-swap", "16m", cid)
  assert res.rc == 0, res
  (bundle.rootfs / "tmp" / "go").write_text("")
  rc = bundle.rootfs / "tmp" / "rc"
  assert helpers.wait_for(rc.exists, timeout=10)
  assert helpers.wait_for(lambda: rc.read_text().strip() != "")
  assert rc.read_text().strip() == "137"
  rt.remove(cid)


def test_update_bad_resources_file(rt, bundle, ctx):
  cid, cg = _running(rt, bundle)
  f = ctx.tmp / "bad.json"
  f.write_text('{"pids": {"limit": "lots"}}')
  res = rt("update", "--resources", f, cid)
  assert res.rc == 1, res
  assert "--resources" in res.err and "limit" in res.err, res
  missing = ctx.tmp / "missing.json"
  res = rt("update", "--resources", missing, cid)
  assert res.rc == 1 and str(missing) in res.err, res
  assert rt.status(cid) == "running"
  rt.remove(cid)


@cgh.only_v2_or_hybrid
def test_update_unknown_unified_key(rt, bundle, ctx):
  cid, cg = _running(rt, bundle)
  f = ctx.tmp / "u.json"
  f.write_text('{"unified": {"bogus.knob": "1"}}')
  res = rt("update", "--resources", f, cid)
  assert res.rc == 1, res
  assert "unified" in res.err and "bogus.knob" in res.err, res
  rt.remove(cid)


def test_update_of_stopped_container_fails(rt, bundle):
  cid, _ = _running(rt, bundle)
  assert rt("kill", cid, "KILL").rc == 0
  rt.wait_status(cid, "stopped")
  res = rt("update", "--pids-limit", "5", cid)
  assert res.rc == 1 and cid in res.err, res
  rt.remove(cid)
