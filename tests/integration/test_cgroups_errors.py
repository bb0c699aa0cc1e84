# SPDX-License-Identifier: GPL-2.0-or-later
"""Bad cgroup input: the error names the field, the exit status is 1 and
nothing is left behind in any hierarchy (nor state, nor process). Plus the
systemd driver where systemd is not running (fails fast and clearly)."""

import os
import time

import pytest

import cgroup_helpers as cgh
from cgroup_helpers import Cgroup, resources

SYSTEMD_RUNNING = os.path.isdir("/run/systemd/system")


def _create_fails(rt, bundle, *want, extra=(), global_args=()):
  bundle.write()
  cid = rt.new_id()
  res = rt("create", "--bundle", bundle.path, *extra, cid,
           global_args=global_args)
  assert res.rc == 1, res
  for w in want:
    assert w in res.err, (w, res)
  assert len(res.err.strip().splitlines()) == 1, res
  assert not rt.state_dir(cid).exists()
  cgh.assert_gone(Cgroup(f"/skiff/{cid}"))
  return res


def test_cgroups_path_dotdot(rt, bundle, ctx):
  bundle.config["linux"]["cgroupsPath"] = f"/skiff/../{ctx.token}-esc"
  _create_fails(rt, bundle, "linux.cgroupsPath", '".."')
  cgh.assert_gone(Cgroup(f"/{ctx.token}-esc"))


def test_cgroups_path_relative_dotdot(rt, bundle, ctx):
  bundle.config["linux"]["cgroupsPath"] = f"../../{ctx.token}"
  _create_fails(rt, bundle, "linux.cgroupsPath", '".."')


def test_cgroups_path_root(rt, bundle):
  bundle.config["linux"]["cgroupsPath"] = "/"
  _create_fails(rt, bundle, "linux.cgroupsPath")


@cgh.only_v2_or_hybrid
def test_unified_unknown_key(rt, bundle):
  resources(bundle)["unified"] = {"bogus.knob": "1"}
  _create_fails(rt, bundle, "linux.resources.unified", "bogus.knob")


@cgh.only_v2_or_hybrid
def test_unified_key_without_dot(rt, bundle):
  resources(bundle)["unified"] = {"nodot": "1"}
  _create_fails(rt, bundle, "linux.resources.unified", "nodot")


@cgh.only_v2_or_hybrid
def test_unified_key_path_escape(rt, bundle):
  resources(bundle)["unified"] = {"../memory.max": "1"}
  _create_fails(rt, bundle, "linux.resources.unified")


@cgh.only_v2_or_hybrid
def test_unified_controller_not_on_cgroup2(rt, bundle):
  """On a hybrid host memory is a v1 controller: unified.memory.max has
  no file to go to."""
  if "memory" in cgh.V2_CTRLS:
    pytest.skip("memory is on the cgroup2 hierarchy here")
  resources(bundle)["unified"] = {"memory.max": "1000000"}
  _create_fails(rt, bundle, "linux.resources.unified", "memory.max")


@cgh.only_v2_or_hybrid
def test_unified_unknown_file_of_known_controller(rt, bundle):
  ctrl = "pids" if "pids" in cgh.V2_CTRLS else "hugetlb"
  if ctrl not in cgh.V2_CTRLS:
    pytest.skip("no controller on the cgroup2 hierarchy")
  resources(bundle)["unified"] = {f"{ctrl}.nonexistent": "1"}
  _create_fails(rt, bundle, "linux.resources.unified", f"{ctrl}.nonexistent")


@cgh.only_v2_or_hybrid
def test_unified_value_rejected_by_kernel(rt, bundle):
  if "pids" in cgh.V2_CTRLS:
    key = "pids.max"
  elif "hugetlb" in cgh.V2_CTRLS and cgh.hugepage_sizes():
    key = f"hugetlb.{cgh.hugepage_sizes()[0]}.max"
  else:
    pytest.skip("no controller on the cgroup2 hierarchy")
  resources(bundle)["unified"] = {key: "-7"}
  _create_fails(rt, bundle, f"linux.resources.unified.{key}", "Invalid argument")


@pytest.mark.skipif(cgh.LAYOUT != "v1", reason="for hosts without cgroup2")
def test_unified_on_v1_host(rt, bundle):
  resources(bundle)["unified"] = {"pids.max": "10"}
  _create_fails(rt, bundle, "linux.resources.unified", "cgroup v2")


@cgh.need("cpu")
def test_cpu_period_too_small(rt, bundle):
  resources(bundle)["cpu"] = {"quota": 500, "period": 100}
  _create_fails(rt, bundle, "linux.resources.cpu.", "Invalid argument")


@cgh.need("cpu")
def test_cpu_quota_below_1ms(rt, bundle):
  # (any negative quota is "unlimited" to the kernel: not an error)
  resources(bundle)["cpu"] = {"quota": 500, "period": 100000}
  _create_fails(rt, bundle, "linux.resources.cpu.quota", "Invalid argument")


@cgh.need("cpuset")
def test_cpuset_cpus_nonexistent(rt, bundle):
  resources(bundle)["cpu"] = {"cpus": "4095"}
  _create_fails(rt, bundle, "linux.resources.cpu.cpus")


@cgh.need("cpuset")
def test_cpuset_mems_garbage(rt, bundle):
  resources(bundle)["cpu"] = {"mems": "zero"}
  _create_fails(rt, bundle, "linux.resources.cpu.mems")


@cgh.need("memory")
@cgh.only_v1
def test_memory_swappiness_above_100(rt, bundle):
  resources(bundle)["memory"] = {"swappiness": 200}
  _create_fails(rt, bundle, "linux.resources.memory.swappiness")


@cgh.need("memory")
def test_memory_swap_below_limit(rt, bundle):
  if cgh.LAYOUT != "v2" and not (
      cgh.V1["memory"] / "memory.memsw.limit_in_bytes").exists():
    pytest.skip("no swap accounting")
  resources(bundle)["memory"] = {"limit": 64 << 20, "swap": 32 << 20}
  _create_fails(rt, bundle, "linux.resources.memory.")


@cgh.need("blkio")
def test_blkio_weight_out_of_range(rt, bundle):
  if cgh.LAYOUT == "v2":
    pytest.skip("io.weight: runc clamps the converted weight")
  resources(bundle)["blockIO"] = {"weight": 5000}
  _create_fails(rt, bundle, "linux.resources.blockIO.weight")


@cgh.need("blkio")
def test_blkio_throttle_unknown_device(rt, bundle):
  resources(bundle)["blockIO"] = {
      "throttleReadBpsDevice": [{"major": 4095, "minor": 4095, "rate": 1}]}
  _create_fails(rt, bundle, "linux.resources.blockIO.throttleReadBpsDevice[0]",
                "4095:4095")


@cgh.need("hugetlb")
def test_hugepage_size_not_offered(rt, bundle):
  resources(bundle)["hugepageLimits"] = [{"pageSize": "3MB", "limit": 1}]
  _create_fails(rt, bundle, "linux.resources.hugepageLimits[0]", "3MB")


@cgh.need("hugetlb")
def test_hugepage_size_path_escape(rt, bundle):
  resources(bundle)["hugepageLimits"] = [{"pageSize": "../2MB", "limit": 1}]
  _create_fails(rt, bundle, "linux.resources.hugepageLimits[0]")


def test_device_rule_bad_type(rt, bundle):
  resources(bundle)["devices"] = [{"allow": True, "type": "x", "access": "r"}]
  _create_fails(rt, bundle, "linux.resources.devices[0]", '"x"')


def test_device_rule_bad_access(rt, bundle):
  resources(bundle)["devices"] = [
      {"allow": False, "access": "rwm"},
      {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwx"}]
  _create_fails(rt, bundle, "linux.resources.devices[1]", "rwx")


def test_run_with_bad_resources_leaves_nothing(rt, bundle):
  resources(bundle)["cpu"] = {"cpus": "4095"}
  bundle.set_args(["true"])
  bundle.write()
  cid = rt.new_id("run")
  res = rt("run", "--bundle", bundle.path, cid)
  assert res.rc == 1 and "linux.resources.cpu.cpus" in res.err, res
  assert not rt.state_dir(cid).exists()
  cgh.assert_gone(Cgroup(f"/skiff/{cid}"))


# -- systemd driver -----------------------------------------------------------


def test_systemd_path_needs_three_parts(rt, bundle, ctx):
  bundle.config["linux"]["cgroupsPath"] = f"system.slice:{ctx.token}"
  _create_fails(rt, bundle, "linux.cgroupsPath", "slice:prefix:name",
                global_args=["--systemd-cgroup"])


def test_systemd_path_not_a_slice(rt, bundle, ctx):
  bundle.config["linux"]["cgroupsPath"] = f"system:skiff:{ctx.token}"
  _create_fails(rt, bundle, "linux.cgroupsPath", "slice",
                global_args=["--systemd-cgroup"])


def test_systemd_path_with_slash(rt, bundle, ctx):
  bundle.config["linux"]["cgroupsPath"] = f"system.slice:skiff:a/{ctx.token}"
  _create_fails(rt, bundle, "linux.cgroupsPath",
                global_args=["--systemd-cgroup"])


@pytest.mark.skipif(SYSTEMD_RUNNING, reason="systemd runs here (see "
                    "test_cgroups_systemd.py)")
def test_systemd_driver_without_systemd_fails_fast(rt, bundle, ctx):
  bundle.config["linux"]["cgroupsPath"] = f"system.slice:skiff:{ctx.token}"
  t0 = time.monotonic()
  res = _create_fails(rt, bundle, "systemd", global_args=["--systemd-cgroup"])
  assert time.monotonic() - t0 < 5, "the systemd driver hung"
  cgh.assert_gone(Cgroup(f"/system.slice/skiff-{ctx.token}.scope"))
