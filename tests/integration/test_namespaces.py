# SPDX-License-Identifier: GPL-2.0-or-later
"""Namespaces, checked from inside the container."""

import os
import subprocess

import pytest

from helpers import host_ns, ns_inode, sh


def ns_of(rt, bundle, kinds):
  out = rt.output(bundle, sh(" ; ".join(
      f"readlink /proc/self/ns/{k}" for k in kinds)))
  lines = out.split()
  assert len(lines) == len(kinds), out
  return dict(zip(kinds, lines))


def test_default_namespaces_are_new(rt, bundle):
  kinds = ["pid", "net", "ipc", "uts", "mnt"]
  inside = ns_of(rt, bundle, kinds)
  for k in kinds:
    assert inside[k].startswith(k + ":["), inside
    assert inside[k] != host_ns(k), f"{k} namespace shared with the host"


def test_pid_namespace_init_is_pid1(rt, bundle):
  out = rt.output(bundle, sh("echo $$; ps -o pid,args"))
  lines = out.splitlines()
  assert lines[0] == "1"
  pids = [l.split()[0] for l in lines[2:]]
  # only the shell and ps run in the namespace
  assert pids[0] == "1" and len(pids) <= 3, out


def test_without_pid_namespace_shares_host(rt, bundle):
  bundle.drop_namespace("pid")
  out = rt.output(bundle, sh("readlink /proc/self/ns/pid; echo $$"))
  ns, pid = out.split()
  assert ns == host_ns("pid")
  assert int(pid) != 1


def test_network_namespace_has_only_lo(rt, bundle):
  out = rt.output(bundle, sh("ls /sys/class/net; ip -o link show"))
  devs = out.split("\n", 1)[0].split()
  assert "lo" in out
  links = [l.split(":")[1].strip() for l in out.splitlines() if ": " in l
           and l.split(":")[0].strip().isdigit()]
  assert links == ["lo"], out
  assert devs in (["lo"], []) or devs == ["lo"], out


def test_without_network_namespace_sees_host_links(rt, bundle):
  bundle.drop_namespace("network")
  out = rt.output(bundle, sh("readlink /proc/self/ns/net"))
  assert out.strip() == host_ns("net")


def test_uts_hostname_and_domainname(rt, bundle):
  bundle.config["hostname"] = "box-one"
  bundle.config["domainname"] = "example.test"
  host_before = os.uname().nodename
  out = rt.output(bundle, sh("hostname; cat /proc/sys/kernel/domainname"))
  assert out.splitlines() == ["box-one", "example.test"]
  assert os.uname().nodename == host_before


def test_cgroup_namespace(rt, bundle):
  bundle.set_namespace("cgroup")
  out = rt.output(bundle, sh("readlink /proc/self/ns/cgroup; "
                             "cat /proc/self/cgroup"))
  lines = out.splitlines()
  assert lines[0].startswith("cgroup:[") and lines[0] != host_ns("cgroup")
  for line in lines[1:]:
    assert line.endswith(":/"), f"cgroup path not rooted in the ns: {out}"


def _userns(bundle):
  bundle.set_namespace("user")
  bundle.config["linux"]["uidMappings"] = [
      {"containerID": 0, "hostID": 100000, "size": 65536}]
  bundle.config["linux"]["gidMappings"] = [
      {"containerID": 0, "hostID": 100000, "size": 65536}]


def test_user_namespace_mappings(rt, bundle):
  _userns(bundle)
  out = rt.output(bundle, sh(
      "readlink /proc/self/ns/user; cat /proc/self/uid_map; "
      "cat /proc/self/gid_map; id -u; id -g"))
  lines = out.splitlines()
  assert lines[0] != host_ns("user")
  assert lines[1].split() == ["0", "100000", "65536"]
  assert lines[2].split() == ["0", "100000", "65536"]
  assert lines[3:] == ["0", "0"]


def test_user_namespace_process_runs_as_mapped_host_uid(rt, bundle):
  _userns(bundle)
  bundle.config["process"]["args"] = sh(
      "touch /tmp/owned; sleep 0.3")
  res = rt.run_container(bundle)
  assert res.rc == 0, res
  st = (bundle.rootfs / "tmp" / "owned").stat()
  assert (st.st_uid, st.st_gid) == (100000, 100000)


def test_time_namespace_offsets(rt, bundle):
  bundle.set_namespace("time")
  offset = 10 * 86400
  bundle.config["linux"]["timeOffsets"] = {
      "boottime": {"secs": offset, "nanosecs": 0},
      "monotonic": {"secs": offset, "nanosecs": 0}}
  with open("/proc/uptime") as f:
    before = float(f.read().split()[0])
  out = rt.output(bundle, sh("readlink /proc/self/ns/time; cat /proc/uptime"))
  with open("/proc/uptime") as f:
    after = float(f.read().split()[0])
  lines = out.splitlines()
  assert lines[0] != host_ns("time")
  inside = float(lines[1].split()[0])
  assert before + offset - 1 <= inside <= after + offset + 1, out


@pytest.fixture
def persistent_ns(ctx):
  """Make a namespace of a kind that lives on a bind mount under the test
  dir (unshare --KIND=FILE); unmounted at teardown."""
  made = []

  def make(kind, name):
    path = ctx.tmp / name
    path.touch()
    subprocess.run(["unshare", f"--{kind}={path}", "true"], check=True)
    made.append(path)
    return path

  yield make
  for path in made:
    subprocess.run(["umount", str(path)], check=False)


def test_join_network_namespace_by_path(rt, bundle, persistent_ns):
  path = persistent_ns("net", "netns")
  bundle.set_namespace("network", path=path)
  out = rt.output(bundle, sh("readlink /proc/self/ns/net"))
  assert ns_inode(out) == os.stat(path).st_ino


def test_join_ipc_and_uts_by_path(rt, bundle, persistent_ns):
  ipc = persistent_ns("ipc", "ipcns")
  uts = persistent_ns("uts", "utsns")
  bundle.set_namespace("ipc", path=ipc)
  bundle.set_namespace("uts", path=uts)
  # A hostname needs a new uts namespace; the joined one keeps its own.
  bundle.config.pop("hostname", None)
  out = rt.output(bundle, sh("readlink /proc/self/ns/ipc; "
                             "readlink /proc/self/ns/uts"))
  lines = out.splitlines()
  assert ns_inode(lines[0]) == os.stat(ipc).st_ino
  assert ns_inode(lines[1]) == os.stat(uts).st_ino


def test_two_containers_share_a_joined_netns(rt, make_bundle,
                                             persistent_ns):
  path = persistent_ns("net", "netns")
  seen = []
  for name in ("a", "b"):
    b = make_bundle(name)
    b.set_namespace("network", path=path)
    seen.append(ns_inode(rt.output(b, sh("readlink /proc/self/ns/net"))))
  assert seen[0] == seen[1] == os.stat(path).st_ino
