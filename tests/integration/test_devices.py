# SPDX-License-Identifier: GPL-2.0-or-later
"""linux.devices (c, b, u, p with major/minor/fileMode/uid/gid), the
default devices, the /dev symlinks, /dev/ptmx, devices in a user namespace
(bind-mounted host nodes) and bad device entries."""

import os
import stat

import pytest

from fs_helpers import (create_fails, parse_mountinfo, split_mountinfo,
                        top_mount, userns_config, with_mountinfo)
from helpers import sh


def _dev(path, kind, major=None, minor=None, **kw):
  d = {"path": path, "type": kind}
  if major is not None:
    d["major"], d["minor"] = major, minor
  d.update(kw)
  return d


def test_char_device_with_mode_and_owner(rt, bundle):
  bundle.config["linux"]["devices"] = [
      _dev("/dev/myzero", "c", 1, 5, fileMode=0o604, uid=1000, gid=20)]
  out = rt.output(bundle, sh(
      "stat -c '%F %t:%T %a %u %g' /dev/myzero; "
      "head -c 3 /dev/myzero | od -An -tx1"))
  lines = out.splitlines()
  assert lines[0] == "character special file 1:5 604 1000 20"
  assert lines[1].split() == ["00", "00", "00"]


def test_block_device(rt, bundle):
  bundle.config["linux"]["devices"] = [
      _dev("/dev/myloop", "b", 7, 0, fileMode=0o600, uid=0, gid=6)]
  out = rt.output(bundle, ["stat", "-c", "%F %t:%T %a %u %g", "/dev/myloop"])
  assert out == "block special file 7:0 600 0 6\n"


def test_unbuffered_char_device(rt, bundle):
  bundle.config["linux"]["devices"] = [
      _dev("/dev/myfull", "u", 1, 7, fileMode=0o666)]
  out = rt.output(bundle, sh(
      "stat -c '%F %t:%T' /dev/myfull; "
      "echo x > /dev/myfull 2>/dev/null || echo enospc"))
  assert out == "character special file 1:7\nenospc\n"


def test_fifo_device(rt, bundle):
  bundle.config["linux"]["devices"] = [
      _dev("/dev/myfifo", "p", fileMode=0o620, uid=1000, gid=1000)]
  bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
  out = rt.output(bundle, sh(
      "stat -c '%F %a %u %g' /dev/myfifo; "
      "(echo through-fifo > /dev/myfifo &) ; cat /dev/myfifo"))
  assert out.splitlines() == ["fifo 620 1000 1000", "through-fifo"]


def test_device_in_nested_directory(rt, bundle):
  bundle.config["linux"]["devices"] = [
      _dev("/dev/sub/dir/null2", "c", 1, 3, fileMode=0o666)]
  out = rt.output(bundle, sh("stat -c '%F %t:%T' /dev/sub/dir/null2; "
                             "stat -c %F /dev/sub/dir"))
  assert out == "character special file 1:3\ndirectory\n"
  # made in the container's /dev tmpfs, not in the image
  assert not (bundle.rootfs / "dev" / "sub").exists()


def test_device_outside_dev(rt, bundle):
  bundle.config["linux"]["devices"] = [
      _dev("/mnt/null3", "c", 1, 3, fileMode=0o666)]
  out = rt.output(bundle, sh("stat -c '%F %t:%T' /mnt/null3; "
                             "echo x > /mnt/null3 && echo ok"))
  assert out == "character special file 1:3\nok\n"


def test_device_replaces_image_file(rt, bundle):
  (bundle.rootfs / "mnt" / "node").write_text("image file\n")
  bundle.config["linux"]["devices"] = [
      _dev("/mnt/node", "c", 1, 3, fileMode=0o666)]
  out = rt.output(bundle, ["stat", "-c", "%F %t:%T", "/mnt/node"])
  assert out == "character special file 1:3\n"


def test_configured_device_overrides_default(rt, bundle):
  bundle.config["linux"]["devices"] = [
      _dev("/dev/null", "c", 1, 3, fileMode=0o600, uid=1000, gid=1000)]
  out = rt.output(bundle, ["stat", "-c", "%a %u %g %t:%T", "/dev/null"])
  assert out == "600 1000 1000 1:3\n"


def test_device_mode_not_masked_by_umask(rt, bundle):
  old = os.umask(0o077)
  try:
    bundle.config["linux"]["devices"] = [
        _dev("/dev/wide", "c", 1, 3, fileMode=0o666)]
    out = rt.output(bundle, ["stat", "-c", "%a", "/dev/wide"])
  finally:
    os.umask(old)
  assert out == "666\n"


def test_default_devices_modes(rt, bundle):
  names = ["null", "zero", "full", "random", "urandom", "tty"]
  out = rt.output(bundle, ["stat", "-c", "%n %a %u %g"] +
                  [f"/dev/{n}" for n in names])
  for line in out.splitlines():
    assert line.split()[1:] == ["666", "0", "0"], line


def test_ptmx_is_the_containers_devpts(rt, bundle):
  out = rt.output(bundle, sh(
      "readlink /dev/ptmx; stat -L -c '%t:%T %a' /dev/ptmx; "
      "stat -c %d /dev/pts/ptmx; stat -L -c %d /dev/ptmx; "
      "stat -c %d /dev/pts"))
  lines = out.splitlines()
  assert lines[0] == "pts/ptmx"
  assert lines[1] == "5:2 666"
  assert lines[2] == lines[3] == lines[4]  # same devpts instance


def test_ptmx_replaces_image_node(rt, bundle):
  (bundle.rootfs / "dev" / "ptmx").write_text("not a ptmx\n")
  bundle.drop_mount("/dev")  # the image's /dev is used as is
  out = rt.output(bundle, ["readlink", "/dev/ptmx"])
  assert out == "pts/ptmx\n"


def test_dev_symlinks_resolve(rt, bundle):
  res = rt.run_container(bundle, sh(
      "echo piped | cat /dev/stdin; echo viafd | cat /dev/fd/0; "
      "echo err >> /dev/stderr; echo out >> /dev/stdout"))
  assert res.rc == 0, res
  assert res.out.splitlines() == ["piped", "viafd", "out"]
  assert res.err == "err\n"


def test_devices_in_user_namespace_are_host_binds(rt, bundle):
  userns_config(bundle)
  bundle.config["linux"]["devices"] = [_dev("/dev/fuse", "c", 10, 229,
                                            fileMode=0o666)]
  out = rt.output(bundle, with_mountinfo(
      "stat -c '%n %F %t:%T' /dev/null /dev/zero /dev/fuse; "
      "echo x > /dev/null && echo null-ok; "
      "head -c 2 /dev/zero | od -An -tx1"))
  before, info = split_mountinfo(out)
  lines = before.splitlines()
  assert lines[:3] == ["/dev/null character special file 1:3",
                       "/dev/zero character special file 1:5",
                       "/dev/fuse character special file a:e5"]
  assert lines[3] == "null-ok"
  assert lines[4].split() == ["00", "00"]
  for name in ("null", "zero", "full", "random", "urandom", "tty", "fuse"):
    m = top_mount(info, f"/dev/{name}")
    assert m.fstype == "devtmpfs" or m.root == f"/{name}", m


def test_fifo_in_user_namespace_is_made_not_bound(rt, bundle):
  userns_config(bundle)
  bundle.config["linux"]["devices"] = [_dev("/dev/myfifo", "p",
                                            fileMode=0o600)]
  out = rt.output(bundle, with_mountinfo("stat -c '%F %a %u' /dev/myfifo"))
  before, info = split_mountinfo(out)
  assert before == "fifo 600 0\n"
  assert not [m for m in parse_mountinfo(info) if m.point == "/dev/myfifo"]


def test_bound_device_cannot_be_changed_from_user_namespace(rt, bundle):
  """The node is the host's: container root (an unprivileged host uid) may
  not chmod or chown it."""
  userns_config(bundle, host_id=300000)
  before = os.stat("/dev/zero")
  out = rt.output(bundle, sh(
      "chmod 600 /dev/zero 2>/dev/null || echo chmod-denied; "
      "chown 5 /dev/zero 2>/dev/null || echo chown-denied"))
  assert out == "chmod-denied\nchown-denied\n"
  after = os.stat("/dev/zero")
  assert (after.st_mode, after.st_uid, after.st_gid) == \
      (before.st_mode, before.st_uid, before.st_gid)


# ----------------------------------------------------------------------------
# Bad device entries


def test_invalid_device_type(rt, bundle):
  bundle.config["linux"]["devices"] = [_dev("/dev/bad", "x", 1, 3)]
  res = create_fails(rt, bundle, "devices[0]")
  assert "type" in res.err


def test_char_device_without_major(rt, bundle):
  bundle.config["linux"]["devices"] = [
      {"path": "/dev/nomajor", "type": "c"}]
  create_fails(rt, bundle, "devices[0]", "major")


def test_relative_device_path(rt, bundle):
  bundle.config["linux"]["devices"] = [
      _dev("/dev/ok", "c", 1, 3), _dev("dev/relative", "c", 1, 3)]
  create_fails(rt, bundle, "devices[1]", "dev/relative")


def test_device_onto_directory(rt, bundle):
  (bundle.rootfs / "mnt" / "adir").mkdir()
  bundle.config["linux"]["devices"] = [_dev("/mnt/adir", "c", 1, 3)]
  create_fails(rt, bundle, "devices[0]", "/mnt/adir")


def test_host_device_nodes_untouched(rt, bundle):
  """Making a device with the same path as a host node never touches the
  host's node (it lives in the container's /dev tmpfs)."""
  before = os.stat("/dev/full")
  bundle.config["linux"]["devices"] = [
      _dev("/dev/full", "c", 1, 7, fileMode=0o600, uid=1000, gid=1000)]
  out = rt.output(bundle, ["stat", "-c", "%a %u", "/dev/full"])
  assert out == "600 1000\n"
  after = os.stat("/dev/full")
  assert stat.S_IMODE(after.st_mode) == stat.S_IMODE(before.st_mode)
  assert after.st_uid == before.st_uid
