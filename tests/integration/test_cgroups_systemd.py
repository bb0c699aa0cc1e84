# SPDX-License-Identifier: GPL-2.0-or-later
"""The systemd cgroup driver (--systemd-cgroup): the container's cgroup is
a transient scope "prefix-name.scope" in the slice of linux.cgroupsPath
"slice:prefix:name", made over D-Bus. Needs systemd as PID 1 (run them
with tests/vm/run-systemd.sh); elsewhere only the fail-fast check of
test_cgroups_errors.py applies."""

import os
import subprocess

import pytest

import cgroup_helpers as cgh
from cgroup_helpers import Cgroup, resources
import helpers

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/run/systemd/system"),
    reason="systemd is not PID 1 here (tests/vm/run-systemd.sh)")

SD = ["--systemd-cgroup"]
MiB = 1024 * 1024


def _unit_prop(unit, prop):
  out = subprocess.run(["systemctl", "show", "-p", prop, "--value", unit],
                       capture_output=True, text=True, timeout=30)
  return out.stdout.strip()


def _create(rt, bundle, cgroups_path=None, args=("sleep", "300")):
  if cgroups_path is not None:
    bundle.config["linux"]["cgroupsPath"] = cgroups_path
  bundle.set_args(list(args))
  bundle.write()
  cid = rt.new_id()
  res = rt("create", "--bundle", bundle.path, cid, global_args=SD)
  assert res.rc == 0, res
  return cid


def _delete(rt, cid, unit, cg):
  res = rt("delete", "--force", cid, global_args=SD)
  assert res.rc == 0, res
  assert helpers.wait_for(
      lambda: _unit_prop(unit, "ActiveState") in ("inactive", ""), timeout=10)
  cgh.assert_gone(cg)


def test_scope_in_slice(rt, bundle, ctx):
  cid = _create(rt, bundle, f"system.slice:skiff:{ctx.token}-s")
  unit = f"skiff-{ctx.token}-s.scope"
  assert _unit_prop(unit, "ActiveState") == "active"
  assert _unit_prop(unit, "Slice") == "system.slice"
  cg = cgh.container_cgroup(rt, cid)
  assert cg.path == f"/system.slice/{unit}"
  pid = rt.state(cid)["pid"]
  assert pid in cg.procs()
  # the runtime itself went back where it was
  assert os.getpid() not in cg.procs()
  _delete(rt, cid, unit, cg)


def test_default_unit_name(rt, bundle):
  cid = _create(rt, bundle)
  unit = f"skiff-{cid}.scope"
  assert _unit_prop(unit, "ActiveState") == "active"
  cg = cgh.container_cgroup(rt, cid)
  assert cg.path.endswith("/" + unit)
  _delete(rt, cid, unit, cg)


def test_resources_in_scope(rt, bundle, ctx):
  resources(bundle)["memory"] = {"limit": 96 * MiB}
  resources(bundle)["pids"] = {"limit": 50}
  resources(bundle)["cpu"] = {"quota": 20000, "period": 100000}
  cid = _create(rt, bundle, f"system.slice:skiff:{ctx.token}-r")
  unit = f"skiff-{ctx.token}-r.scope"
  cg = cgh.container_cgroup(rt, cid)
  mem = "memory.limit_in_bytes" if cg.is_v1("memory") else "memory.max"
  assert cg.value("memory", mem) == str(96 * MiB)
  assert cg.value("pids", "pids.max") == "50"
  # systemd knows them too (a daemon-reload keeps them)
  assert _unit_prop(unit, "MemoryMax") == str(96 * MiB)
  assert _unit_prop(unit, "TasksMax") == "50"
  _delete(rt, cid, unit, cg)


def test_start_pause_resume_kill(rt, bundle, ctx):
  cid = _create(rt, bundle, f"system.slice:skiff:{ctx.token}-p",
                args=helpers.sh("sleep 300 & exec sleep 300"))
  unit = f"skiff-{ctx.token}-p.scope"
  assert rt("start", cid, global_args=SD).rc == 0
  cg = cgh.container_cgroup(rt, cid)
  assert cgh.wait_for_procs(cg, 2)
  assert rt("pause", cid, global_args=SD).rc == 0
  assert rt.status(cid) == "paused" and cg.frozen()
  assert rt("resume", cid, global_args=SD).rc == 0
  assert not cg.frozen()
  pids = cg.procs()
  assert rt("kill", "--all", cid, "KILL", global_args=SD).rc == 0
  assert cgh.wait_gone(pids)
  _delete(rt, cid, unit, cg)


def test_update_through_systemd(rt, bundle, ctx):
  cid = _create(rt, bundle, f"system.slice:skiff:{ctx.token}-u")
  unit = f"skiff-{ctx.token}-u.scope"
  cg = cgh.container_cgroup(rt, cid)
  res = rt("update", "--pids-limit", "23", cid, global_args=SD)
  assert res.rc == 0, res
  assert cg.value("pids", "pids.max") == "23"
  _delete(rt, cid, unit, cg)


def test_same_unit_twice_fails(rt, bundle, make_bundle, ctx):
  path = f"system.slice:skiff:{ctx.token}-d"
  cid = _create(rt, bundle, path)
  cg = cgh.container_cgroup(rt, cid)
  other = make_bundle("other")
  other.config["linux"]["cgroupsPath"] = path
  other.write()
  cid2 = rt.new_id()
  res = rt("create", "--bundle", other.path, cid2, global_args=SD)
  assert res.rc == 1, res
  assert f"skiff-{ctx.token}-d.scope" in res.err, res
  assert not rt.state_dir(cid2).exists()
  # the first container is untouched
  assert rt.state(cid)["pid"] in cg.procs()
  _delete(rt, cid, f"skiff-{ctx.token}-d.scope", cg)


def test_bad_resources_stop_the_scope(rt, bundle, ctx):
  resources(bundle)["cpu"] = {"cpus": "4095"}
  bundle.config["linux"]["cgroupsPath"] = f"system.slice:skiff:{ctx.token}-b"
  bundle.write()
  cid = rt.new_id()
  res = rt("create", "--bundle", bundle.path, cid, global_args=SD)
  assert res.rc == 1 and "linux.resources.cpu.cpus" in res.err, res
  unit = f"skiff-{ctx.token}-b.scope"
  assert helpers.wait_for(
      lambda: _unit_prop(unit, "ActiveState") in ("inactive", ""), timeout=10)
  cgh.assert_gone(Cgroup(f"/system.slice/{unit}"))
