# SPDX-License-Identifier: GPL-2.0-or-later
"""Edges of the isolation between the caller and the container: sessions,
keyrings, exec's identity flags, preserved fds, namespaces given by path,
pausing a created container."""

import os
import subprocess

import pytest

from exec_helpers import exec_out, start_container
from fs_helpers import chown_tree, userns_config
from helpers import sh
from proc_helpers import install_probe

# pid and session id of the shell itself, from /proc/self/stat
SID = "read -r l < /proc/self/stat; set -- $l; echo $1 $6"


def _pid_and_sid(out):
  pid, sid = out.split()
  return int(pid), int(sid)


def test_container_process_has_its_own_session(rt, bundle):
  """CVE-2017-5226: without a session of its own the container shares the
  caller's controlling terminal (TIOCSTI through /dev/tty)."""
  pid, sid = _pid_and_sid(rt.output(bundle, sh(SID)))
  assert pid == sid


def test_container_without_pid_namespace_has_its_own_session(rt, bundle):
  bundle.drop_namespace("pid")
  pid, sid = _pid_and_sid(rt.output(bundle, sh(SID)))
  assert pid == sid
  assert sid != os.getsid(0)


def test_exec_process_has_its_own_session(rt, bundle):
  cid = start_container(rt, bundle)
  pid, sid = _pid_and_sid(exec_out(rt, cid, "sh", "-c", SID))
  assert pid == sid
  rt.remove(cid)


def test_exec_joins_the_containers_session_keyring(rt, bundle):
  probe = install_probe(bundle)
  cid = start_container(rt, bundle)
  out = exec_out(rt, cid, probe, "keyring")
  assert out.startswith("keyring;") and cid in out.split(";", 4)[-1], out
  rt.remove(cid)


def test_exec_user_without_gid_keeps_the_config_gid(rt, bundle):
  bundle.config["process"]["user"] = {"uid": 0, "gid": 100}
  cid = start_container(rt, bundle)
  assert exec_out(rt, cid, "sh", "-c", "id -u; id -g",
                  extra=["--user", "1000"]) == "1000\n100\n"
  rt.remove(cid)


def test_exec_additional_gids_add_to_the_config(rt, bundle):
  bundle.config["process"]["user"] = {"uid": 0, "gid": 0, "additionalGids": [10]}
  cid = start_container(rt, bundle)
  groups = exec_out(rt, cid, "id", "-G", extra=["--additional-gids", "20"]).split()
  assert "10" in groups and "20" in groups, groups
  rt.remove(cid)


def test_preserve_fds_must_be_open(rt, bundle):
  """Were fd 3 missing, one of the runtime's own fds would take its number
  and be handed to the container."""
  bundle.write()
  cid = rt.new_id()
  res = rt("run", "--bundle", bundle.path, "--preserve-fds", "4", cid)
  assert res.rc == 1, res
  assert "fd 3 is not open" in res.err, res
  assert rt.status(cid) is None


def test_sysctl_on_the_hosts_network_namespace_by_path_is_refused(rt, bundle):
  bundle.set_namespace("network", path="/proc/self/ns/net")
  bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
  bundle.write()
  cid = rt.new_id()
  res = rt("create", "--bundle", bundle.path, cid)
  assert res.rc == 1, res
  assert 'linux.sysctl["net.ipv4.ip_forward"]' in res.err and "host's" in res.err, res
  assert rt.status(cid) is None


def test_pause_and_resume_a_created_container(rt, bundle):
  cid = rt.create(bundle, args=sh("echo started > /tmp/ran"))
  assert rt("pause", cid).rc == 0
  assert rt.status(cid) == "paused"
  res = rt("start", cid)
  assert res.rc == 1 and "paused" in res.err, res
  assert rt("resume", cid).rc == 0
  assert rt.status(cid) == "created"
  assert rt("start", cid).rc == 0
  rt.wait_status(cid, "stopped")
  assert (bundle.rootfs / "tmp" / "ran").read_text() == "started\n"
  assert rt("delete", cid).rc == 0


@pytest.fixture
def host_netns(ctx):
  """A network namespace of the host's user namespace, at a path."""
  name = f"sk{ctx.token}"[:15]
  if subprocess.run(["ip", "netns", "add", name], capture_output=True).returncode:
    pytest.skip("ip netns add failed")
  yield f"/run/netns/{name}"
  subprocess.run(["ip", "netns", "del", name], capture_output=True)


def test_new_user_namespace_with_a_network_namespace_by_path(rt, bundle, host_netns):
  """Kubernetes pods with user namespaces: a new user namespace, the pod's
  network namespace (owned by the host's user namespace) by path. The init
  could not join it from inside its new user namespace: the runtime joins
  it for the clone."""
  userns_config(bundle, host_id=300000)
  chown_tree(bundle.rootfs, 300000, 300000)
  bundle.set_namespace("network", path=host_netns)
  out = rt.output(bundle, sh("readlink /proc/self/ns/net; id -u"))
  want = f"net:[{os.stat(host_netns).st_ino}]"
  assert out.split() == [want, "0"], out


def test_user_namespace_by_path_with_a_new_pid_namespace(rt, bundle, make_bundle):
  """CRI-O/podman pods with a user namespace: each container joins the
  pod's user namespace by path and has a pid namespace of its own. That
  pid namespace must belong to the joined user namespace, so the init is
  forked into it after joining (and the runtime follows the new pid)."""
  userns_config(bundle, host_id=300000)
  chown_tree(bundle.rootfs, 300000, 300000)
  pod = start_container(rt, bundle)
  pod_pid = rt.state(pod)["pid"]
  other = make_bundle("member")
  chown_tree(other.rootfs, 300000, 300000)
  other.set_namespace("user", path=f"/proc/{pod_pid}/ns/user")
  other.config["linux"].pop("uidMappings", None)
  other.config["linux"].pop("gidMappings", None)
  out = rt.output(other, sh("echo $$; readlink /proc/self/ns/user; "
                            "readlink /proc/self/ns/pid; id -u"))
  pid, userns, pidns, uid = out.split()
  assert pid == "1" and uid == "0", out
  assert userns == os.readlink(f"/proc/{pod_pid}/ns/user")
  assert pidns != os.readlink(f"/proc/{pod_pid}/ns/pid")
  rt.remove(pod)
