# SPDX-License-Identifier: GPL-2.0-or-later
"""Containers with a user namespace and uid/gid mappings: the rootfs owned
by the mapped root, /proc and /sys mounted inside it, devices bound from
the host, uid 0 mapped to the host id, files on a bind mount owned by the
mapped host id."""

import os

import pytest

from fs_helpers import (bind_mount, chown_tree, split_mountinfo, top_mount,
                        userns_config, with_mountinfo)
from helpers import sh

HOST_ID = 200000


@pytest.fixture
def ubundle(bundle):
  """A bundle with a user namespace mapping 0..65535 to HOST_ID.., its
  rootfs owned by the mapped root."""
  userns_config(bundle, host_id=HOST_ID)
  chown_tree(bundle.rootfs, HOST_ID, HOST_ID)
  return bundle


def test_rootfs_owner_is_container_root(rt, ubundle):
  out = rt.output(ubundle, sh(
      "stat -c '%u %g' / /etc/marker; touch /etc/new && echo root-writes; "
      "id -u"))
  assert out.splitlines() == ["0 0", "0 0", "root-writes", "0"]
  st = (ubundle.rootfs / "etc" / "new").stat()
  assert (st.st_uid, st.st_gid) == (HOST_ID, HOST_ID)


def test_uid_zero_is_mapped_host_id(rt, ubundle):
  out = rt.output(ubundle, sh("cat /proc/self/uid_map /proc/self/gid_map"))
  rows = [l.split() for l in out.splitlines()]
  assert rows == [["0", str(HOST_ID), "65536"]] * 2


def test_host_root_files_are_nobody(rt, ubundle):
  (ubundle.rootfs / "etc" / "hostowned").write_text("x\n")
  os.chown(ubundle.rootfs / "etc" / "hostowned", 0, 0)
  out = rt.output(ubundle, sh(
      "stat -c '%u %g' /etc/hostowned; "
      "echo y >> /etc/hostowned 2>/dev/null || echo denied"))
  assert out == "65534 65534\ndenied\n"


def test_proc_and_sys_mounted(rt, ubundle):
  out = rt.output(ubundle, with_mountinfo(
      "cat /proc/1/comm; ls /sys/kernel >/dev/null && echo sys-ok"))
  before, info = split_mountinfo(out)
  assert before.splitlines() == ["sh", "sys-ok"]
  assert top_mount(info, "/proc").fstype == "proc"
  assert top_mount(info, "/sys").fstype == "sysfs"


def test_default_devices_are_bound_from_host(rt, ubundle):
  out = rt.output(ubundle, with_mountinfo(
      "stat -c '%t:%T' /dev/null /dev/zero /dev/urandom; "
      "echo x > /dev/null && echo null-ok"))
  before, info = split_mountinfo(out)
  assert before.splitlines() == ["1:3", "1:5", "1:9", "null-ok"]
  for name in ("null", "zero", "full", "random", "urandom", "tty"):
    m = top_mount(info, f"/dev/{name}")
    assert m.root == f"/{name}", m


def test_bind_mount_files_get_mapped_owner(rt, ubundle, ctx):
  vol = ctx.tmp / "vol"
  vol.mkdir()
  os.chown(vol, HOST_ID, HOST_ID)
  ubundle.config["mounts"].append(bind_mount(vol, "/vol", "rbind"))
  out = rt.output(ubundle, sh(
      "echo data > /vol/made; mkdir /vol/dir; stat -c '%u %g' /vol/made"))
  assert out == "0 0\n"
  for name in ("made", "dir"):
    st = (vol / name).stat()
    assert (st.st_uid, st.st_gid) == (HOST_ID, HOST_ID), name


def test_non_root_user_in_user_namespace(rt, ubundle, ctx):
  vol = ctx.tmp / "vol"
  vol.mkdir()
  vol.chmod(0o777)
  ubundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
  ubundle.config["mounts"].append(bind_mount(vol, "/vol", "rbind"))
  out = rt.output(ubundle, sh("id -u; touch /vol/by-user"))
  assert out == "1000\n"
  st = (vol / "by-user").stat()
  assert (st.st_uid, st.st_gid) == (HOST_ID + 1000, HOST_ID + 1000)


def test_tmpfs_in_user_namespace_owned_by_container_root(rt, ubundle):
  ubundle.config["mounts"].append({
      "destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
      "options": ["size=1m", "mode=1777", "uid=1000"]})
  out = rt.output(ubundle, sh("stat -c '%u %a' /scratch; touch /scratch/f "
                              "&& stat -c %u /scratch/f"))
  assert out == "1000 1777\n0\n"


def test_readonly_root_in_user_namespace(rt, ubundle):
  ubundle.config["root"]["readonly"] = True
  out = rt.output(ubundle, with_mountinfo(
      "touch /x 2>/dev/null || echo denied"))
  before, info = split_mountinfo(out)
  assert before == "denied\n"
  assert "ro" in top_mount(info, "/").opts


def test_masks_in_user_namespace(rt, ubundle):
  (ubundle.rootfs / "etc" / "secret").write_text("s\n")
  ubundle.config["linux"]["maskedPaths"] += ["/etc/secret"]
  out = rt.output(ubundle, sh(
      "cat /etc/secret | wc -c; cat /proc/timer_list 2>/dev/null | wc -c; "
      "echo 1 > /proc/sys/kernel/hostname 2>/dev/null || echo ro"))
  assert [l.strip() for l in out.splitlines()] == ["0", "0", "ro"]


def test_user_namespace_cannot_write_host_files(rt, ubundle, ctx):
  """A bind of a root-owned host dir: container root is nobody there."""
  vol = ctx.tmp / "rootvol"
  vol.mkdir()
  (vol / "f").write_text("host\n")
  ubundle.config["mounts"].append(bind_mount(vol, "/vol", "rbind"))
  out = rt.output(ubundle, sh(
      "echo x > /vol/f 2>/dev/null || echo denied; "
      "touch /vol/new 2>/dev/null || echo denied"))
  assert out == "denied\ndenied\n"
  assert (vol / "f").read_text() == "host\n"
  assert sorted(os.listdir(vol)) == ["f"]
