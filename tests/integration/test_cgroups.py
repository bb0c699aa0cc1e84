# SPDX-License-Identifier: GPL-2.0-or-later
"""The container's cgroup: where it is made (linux.cgroupsPath, default
/skiff/<id>), that the container's processes are in it in every hierarchy,
what the container sees of it (cgroup namespace), and that delete removes
it everywhere, frozen or not.

Adapts to the host's layout (cgroup_helpers.LAYOUT: v1, hybrid, v2)."""

import os

import pytest

import cgroup_helpers as cgh
from cgroup_helpers import Cgroup, created
from helpers import sh


def _placement(pid, cg):
  """The pid's cgroup in every hierarchy is cg.path."""
  paths = cgh.cgroup_of_pid(pid)
  for name in cgh.V1:
    if name in paths:
      assert paths[name] == cg.path, (name, paths)
  if cgh.V2_ROOT is not None:
    assert paths[""] == cg.path, paths
  for d in cg.all_dirs():
    assert d.is_dir(), f"missing {d}"
    assert pid in [int(x) for x in (d / "cgroup.procs").read_text().split()], d


def test_default_path_is_skiff_id(rt, bundle):
  with created(rt, bundle) as (cid, cg):
    assert cg.path == f"/skiff/{cid}"
    _placement(rt.state(cid)["pid"], cg)


def test_absolute_cgroups_path(rt, bundle, ctx):
  path = f"/skiff-itest/{ctx.token}/abs"
  bundle.config["linux"]["cgroupsPath"] = path
  with created(rt, bundle) as (cid, cg):
    assert cg.path == path
    _placement(rt.state(cid)["pid"], cg)
  # the leaf is removed; the parents made for it may stay (as runc)
  parent = Cgroup(f"/skiff-itest/{ctx.token}")
  for d in parent.existing_dirs():
    d.rmdir()


def test_relative_cgroups_path(rt, bundle, ctx):
  bundle.config["linux"]["cgroupsPath"] = f"{ctx.token}/rel"
  with created(rt, bundle) as (cid, cg):
    # relative to a runtime-chosen place (spec: runtime-determined)
    assert cg.path.endswith(f"/{ctx.token}/rel"), cg.path
    _placement(rt.state(cid)["pid"], cg)
  for d in Cgroup(cg.path.rsplit("/", 1)[0]).existing_dirs():
    d.rmdir()


def test_cgroups_path_dot_components_normalised(rt, bundle, ctx):
  bundle.config["linux"]["cgroupsPath"] = f"/skiff//./{ctx.token}-dots/"
  with created(rt, bundle) as (cid, cg):
    assert cg.path == f"/skiff/{ctx.token}-dots"


def test_children_stay_in_the_cgroup(rt, bundle):
  script = "sleep 300 & sleep 300 & exec sleep 300"
  cid = cgh.start_sleeper(rt, bundle, script)
  cg = cgh.container_cgroup(rt, cid)
  assert cgh.wait_for_procs(cg, 3), cg.procs()
  for pid in cg.procs():
    _placement(pid, cg)
  rt.remove(cid)
  cgh.assert_gone(cg)


def test_cgroup_namespace_shows_root(rt, bundle):
  bundle.set_namespace("cgroup")
  out = rt.output(bundle, ["cat", "/proc/self/cgroup"])
  lines = out.splitlines()
  assert lines, out
  for line in lines:
    assert line.split(":", 2)[2] == "/", out


def test_without_cgroup_namespace_shows_host_path(rt, bundle):
  bundle.drop_namespace("cgroup")
  cid = rt.new_id("run")
  out = rt.output(bundle, ["cat", "/proc/self/cgroup"], cid=cid)
  for line in out.splitlines():
    path = line.split(":", 2)[2]
    if line.split(":")[1] in ("", "pids", "memory", "freezer"):
      assert path == f"/skiff/{cid}", out


def _limit_file():
  if cgh.LAYOUT == "v2":
    return "memory.max"
  if "memory" in cgh.V1:
    return "memory/memory.limit_in_bytes"
  return None


@cgh.need("memory")
def test_sys_fs_cgroup_is_the_containers_own(rt, bundle):
  """With a cgroup namespace the container's /sys/fs/cgroup shows its own
  cgroup at the top: the memory limit read there is the container's."""
  bundle.set_namespace("cgroup")
  cgh.resources(bundle)["memory"] = {"limit": 96 * 1024 * 1024}
  out = rt.output(bundle, ["cat", "/sys/fs/cgroup/" + _limit_file()])
  assert out.strip() == str(96 * 1024 * 1024)


@cgh.need("memory")
def test_sys_fs_cgroup_is_read_only(rt, bundle):
  bundle.set_namespace("cgroup")
  res = rt.run_container(bundle, sh(
      f"echo 1 > /sys/fs/cgroup/{_limit_file()} && echo wrote"))
  assert "wrote" not in res.out
  assert "Read-only file system" in res.err, res


def test_delete_removes_cgroup_everywhere(rt, bundle):
  cid = cgh.start_sleeper(rt, bundle)
  cg = cgh.container_cgroup(rt, cid)
  assert len(cg.existing_dirs()) == len(cg.all_dirs())
  assert rt("kill", cid, "KILL").rc == 0
  rt.wait_status(cid, "stopped")
  res = rt("delete", cid)
  assert res.rc == 0, res
  cgh.assert_gone(cg)


def test_delete_force_of_paused_container(rt, bundle):
  """A frozen cgroup cannot be emptied: delete must thaw it first."""
  cid = cgh.start_sleeper(rt, bundle, "sleep 300 & exec sleep 300")
  cg = cgh.container_cgroup(rt, cid)
  pids = cg.procs()
  assert rt("pause", cid).rc == 0
  assert cg.frozen()
  res = rt("delete", "--force", cid)
  assert res.rc == 0, res
  assert cgh.wait_gone(pids), pids
  cgh.assert_gone(cg)


def test_run_removes_cgroup_on_exit(rt, bundle):
  cid = rt.new_id("run")
  res = rt.run_container(bundle, sh("exit 3"), cid=cid)
  assert res.rc == 3, res
  cgh.assert_gone(Cgroup(f"/skiff/{cid}"))


@pytest.mark.skipif(cgh.LAYOUT == "v2", reason="pure v2: a cgroup holding the runtime "
                    "cannot have children with controllers (no internal processes)")
def test_relative_cgroups_path_is_under_the_runtimes_own_cgroup(rt, bundle, ctx):
  """As runc: a relative linux.cgroupsPath is taken under the cgroup the
  runtime itself runs in (the unified hierarchy's where there is one)."""
  import json
  import subprocess
  v2 = "/sys/fs/cgroup" if cgh.LAYOUT == "v2" else "/sys/fs/cgroup/unified"
  if not os.path.isdir(v2):
    pytest.skip("no cgroup2 hierarchy")
  own = f"/{ctx.token}-own"
  os.mkdir(v2 + own)
  try:
    bundle.config["linux"]["cgroupsPath"] = "rel"
    bundle.write()
    cid = rt.new_id()
    script = (f'echo $$ > {v2}{own}/cgroup.procs && exec "$@"')
    # the init keeps stdio: no pipes (they would never reach EOF)
    errf = ctx.tmp / "create.err"
    with open(errf, "w") as err:
      res = subprocess.run(["sh", "-c", script, "sh", rt.binary, "--root", str(rt.root),
                            "create", "--bundle", str(bundle.path), cid],
                           env=rt.env(), stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=err, timeout=30)
    assert res.returncode == 0, errf.read_text()
    with open(rt.root / cid / "state.json") as f:
      assert json.load(f)["cgroupPath"] == f"{own}/rel"
    cg = Cgroup(f"{own}/rel")
    assert rt.state(cid)["pid"] in cg.procs()
    assert rt("delete", "--force", cid).rc == 0
  finally:
    for d in Cgroup(own).existing_dirs():
      d.rmdir()
