# SPDX-License-Identifier: GPL-2.0-or-later
"""A hostile rootfs: symlinks that point out of the rootfs under mount
destinations, device paths and masked paths; /dev and /dev/null swapped in
the image; /proc faked or covered; mounts over procfs; a racing process
swapping directories for symlinks. Every test is a regression test showing
the host untouched: the victim directory unchanged and nothing mounted on
the host, whether the runtime refuses the config or resolves the path
inside the rootfs."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fs_helpers import (assert_fails, bind_mount, create_fails,
                        host_mounts_under, host_victim, parse_mountinfo,
                        snapshot, split_mountinfo, tmpfs_mount, top_mount,
                        with_mountinfo)
from helpers import sh

TOOLS = Path(__file__).resolve().parent / "tools"


@pytest.fixture
def victim(ctx):
  """A host directory outside the rootfs; checked untouched at the end."""
  d = host_victim(ctx)
  before = snapshot(d)
  yield d
  assert host_mounts_under(d) == [], "something was mounted on the victim"
  assert snapshot(d) == before, "the victim directory was modified"


def _escape_links(bundle, victim):
  """Symlinks in the image that point at the victim: absolute, relative
  with enough ../ to leave any root, and through /proc/self/root."""
  depth = len(bundle.rootfs.parts) + 2
  return {
      "absolute": str(victim),
      "dotdot": "../" * depth + str(victim).lstrip("/"),
      "procroot": "/proc/self/root" + str(victim),
  }


LINK_KINDS = ["absolute", "dotdot", "procroot"]


def _run_maybe_refused(rt, bundle, script, needle):
  """Run; the runtime may refuse (one clear error naming `needle`) or
  resolve inside the rootfs. Returns the Result."""
  res = rt.run_container(bundle, with_mountinfo(script))
  if res.rc != 0:
    assert_fails(res, needle)
  return res


# ----------------------------------------------------------------------------
# Mount destinations


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_mount_destination_symlink_out(rt, bundle, victim, kind):
  link = _escape_links(bundle, victim)[kind]
  (bundle.rootfs / "mnt" / "evil").symlink_to(link)
  bundle.config["mounts"].append(tmpfs_mount("/mnt/evil", "size=1m"))
  res = _run_maybe_refused(rt, bundle, "touch /mnt/evil/made-by-container",
                           "mounts[7]")
  if res.rc == 0:
    _, info = split_mountinfo(res.out)
    # the tmpfs is somewhere inside the container's root
    assert [m for m in parse_mountinfo(info)
            if m.fstype == "tmpfs" and m.super_opt("size") == "1024k"]


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_mount_destination_through_symlink_dir(rt, bundle, victim, ctx, kind):
  link = _escape_links(bundle, victim)[kind]
  (bundle.rootfs / "mnt" / "evil").symlink_to(link)
  src = ctx.tmp / "vol"
  src.mkdir()
  (src / "from-vol").write_text("vol\n")
  bundle.config["mounts"].append(bind_mount(src, "/mnt/evil/sub/dest",
                                            "rbind"))
  res = _run_maybe_refused(rt, bundle, "cat /mnt/evil/sub/dest/from-vol",
                           "mounts[7]")
  if res.rc == 0:
    assert res.out.startswith("vol\n")


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_bind_file_destination_symlink_out(rt, bundle, victim, ctx, kind):
  """A file bind onto a symlink to a host file: the host file must not be
  covered or truncated."""
  link = _escape_links(bundle, victim)[kind] + "/precious"
  (bundle.rootfs / "etc" / "evil").symlink_to(link)
  f = ctx.tmp / "payload"
  f.write_text("payload\n")
  bundle.config["mounts"].append(bind_mount(f, "/etc/evil", "bind"))
  _run_maybe_refused(rt, bundle, "cat /etc/evil", "mounts[7]")


def test_mount_destination_dotdot_in_path(rt, bundle, victim):
  rel = "/../../../../../../../.." + str(victim) + "/dotdot"
  bundle.config["mounts"].append(tmpfs_mount(rel, "size=1m"))
  res = _run_maybe_refused(rt, bundle, "true", "mounts[7]")
  if res.rc == 0:
    assert (bundle.rootfs / str(victim).lstrip("/") / "dotdot").is_dir()


def test_symlink_loop_destination(rt, bundle):
  (bundle.rootfs / "mnt" / "a").symlink_to("b")
  (bundle.rootfs / "mnt" / "b").symlink_to("a")
  bundle.config["mounts"].append(tmpfs_mount("/mnt/a/x", "size=1m"))
  create_fails(rt, bundle, "mounts[7]", "/mnt/a/x")


# ----------------------------------------------------------------------------
# Device paths, /dev in the image


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_device_path_through_symlink(rt, bundle, victim, kind):
  link = _escape_links(bundle, victim)[kind]
  (bundle.rootfs / "mnt" / "evil").symlink_to(link)
  bundle.config["linux"]["devices"] = [
      {"path": "/mnt/evil/node", "type": "c", "major": 1, "minor": 3,
       "fileMode": 0o666}]
  res = rt.run_container(bundle, ["true"])
  if res.rc != 0:
    assert_fails(res, "devices[0]")


def test_device_path_is_symlink_out(rt, bundle, victim):
  """The device's own name is a symlink to a host file: it is replaced,
  the host file is neither unlinked nor turned into a node."""
  (bundle.rootfs / "mnt" / "node").symlink_to(str(victim / "precious"))
  bundle.config["linux"]["devices"] = [
      {"path": "/mnt/node", "type": "c", "major": 1, "minor": 3,
       "fileMode": 0o666}]
  res = rt.run_container(bundle, ["stat", "-c", "%F", "/mnt/node"])
  if res.rc != 0:
    assert_fails(res, "devices[0]")
  else:
    assert res.out == "character special file\n"


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_image_dev_symlink_to_host_dir(rt, bundle, victim, kind):
  """The image's /dev is a symlink to a host directory and no tmpfs is
  mounted on it: default devices and /dev symlinks land inside the
  rootfs."""
  link = _escape_links(bundle, victim)[kind]
  os.rmdir(bundle.rootfs / "dev")
  (bundle.rootfs / "dev").symlink_to(link)
  for dest in ("/dev", "/dev/pts", "/dev/shm", "/dev/mqueue"):
    bundle.drop_mount(dest)
  res = rt.run_container(bundle, sh("echo x > /dev/null && echo ok"))
  if res.rc != 0:
    assert_fails(res)
  else:
    assert res.out == "ok\n"


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_image_dev_symlink_with_dev_tmpfs(rt, bundle, victim, kind):
  link = _escape_links(bundle, victim)[kind]
  os.rmdir(bundle.rootfs / "dev")
  (bundle.rootfs / "dev").symlink_to(link)
  res = rt.run_container(bundle, sh("echo x > /dev/null && echo ok"))
  if res.rc != 0:
    assert_fails(res, "mounts[1]")
  else:
    assert res.out == "ok\n"


# ----------------------------------------------------------------------------
# maskedPaths / readonlyPaths through symlinks; /dev/null swapped


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_masked_path_through_symlink(rt, bundle, victim, kind):
  link = _escape_links(bundle, victim)[kind]
  (bundle.rootfs / "mnt" / "evil").symlink_to(link)
  bundle.config["linux"]["maskedPaths"] += ["/mnt/evil/precious",
                                            "/mnt/evil/sub"]
  bundle.config["linux"]["readonlyPaths"] += ["/mnt/evil"]
  res = rt.run_container(bundle, ["true"])
  if res.rc != 0:
    assert_fails(res, "Paths[")


@pytest.mark.parametrize("kind", LINK_KINDS)
def test_masked_path_is_symlink_out(rt, bundle, victim, kind):
  """The masked path itself is a symlink to a host file/dir."""
  link = _escape_links(bundle, victim)[kind]
  (bundle.rootfs / "etc" / "masked-file").symlink_to(link + "/precious")
  (bundle.rootfs / "etc" / "masked-dir").symlink_to(link + "/sub")
  bundle.config["linux"]["maskedPaths"] += ["/etc/masked-file",
                                            "/etc/masked-dir"]
  res = rt.run_container(bundle, ["true"])
  if res.rc != 0:
    assert_fails(res, "maskedPaths[")


@pytest.mark.parametrize("what", ["symlink", "file", "dir"])
def test_image_dev_null_replaced_before_masking(rt, bundle, victim, what):
  """CVE-2025-31133: the container's /dev/null is not a device. Masking
  must never bind what it points at (the victim file) over a masked
  path."""
  (bundle.rootfs / "etc" / "secret").write_text("secret\n")
  null = bundle.rootfs / "dev" / "null"
  if what == "symlink":
    null.symlink_to(str(victim / "precious"))
  elif what == "file":
    null.write_text("fake null\n")
  else:
    null.mkdir()
  # no tmpfs on /dev: the image's /dev is the container's
  for dest in ("/dev", "/dev/pts", "/dev/shm", "/dev/mqueue"):
    bundle.drop_mount(dest)
  bundle.config["linux"]["maskedPaths"] += ["/etc/secret"]
  res = rt.run_container(bundle, sh(
      "cat /etc/secret | wc -c; stat -c '%F %t:%T' /etc/secret"))
  if res.rc != 0:
    assert_fails(res)
    return
  assert [l.strip() for l in res.out.splitlines()] == [
      "0", "character special file 1:3"]
  assert (bundle.rootfs / "etc" / "secret").read_text() == "secret\n"


def test_dev_null_bind_from_container_volume(rt, bundle, ctx, victim):
  """/dev is a bind mount of a directory whose null is a symlink to the
  victim (a shared /dev between containers, as in CVE-2025-31133)."""
  shared_dev = ctx.tmp / "shareddev"
  shared_dev.mkdir()
  (shared_dev / "null").symlink_to(str(victim / "precious"))
  bundle.drop_mount("/dev")
  for dest in ("/dev/pts", "/dev/shm", "/dev/mqueue"):
    bundle.drop_mount(dest)
  bundle.config["mounts"].insert(1, bind_mount(shared_dev, "/dev", "rbind"))
  (bundle.rootfs / "etc" / "secret").write_text("secret\n")
  bundle.config["linux"]["maskedPaths"] += ["/etc/secret"]
  res = rt.run_container(bundle, sh("stat -c '%F %t:%T' /etc/secret; "
                                    "cat /etc/secret | wc -c"))
  if res.rc != 0:
    assert_fails(res)
    return
  lines = [l.strip() for l in res.out.splitlines()]
  assert lines == ["character special file 1:3", "0"]


# ----------------------------------------------------------------------------
# /proc faked or covered


def _fake_proc(root):
  fake = root / "fakeproc"
  (fake / "sys" / "net" / "ipv4").mkdir(parents=True)
  (fake / "sys" / "net" / "ipv4" / "ip_forward").write_text("fake\n")
  (fake / "self" / "attr").mkdir(parents=True)
  (fake / "self" / "attr" / "exec").write_text("fake\n")
  return fake


def test_image_proc_is_symlink(rt, bundle, victim):
  """/proc in the image is a symlink to a directory of fake files: proc is
  mounted where it resolves inside the root, sysctl goes to the real
  procfs, masks cover the real files."""
  fake = _fake_proc(bundle.rootfs)
  before = snapshot(fake)
  os.rmdir(bundle.rootfs / "proc")
  (bundle.rootfs / "proc").symlink_to("/fakeproc")
  bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
  res = rt.run_container(bundle, sh(
      "cat /proc/sys/net/ipv4/ip_forward; stat -f -c %T /proc/self; "
      "cat /proc/timer_list | wc -c; "
      "echo 1 > /proc/sys/kernel/hostname 2>/dev/null || echo ro"))
  if res.rc != 0:
    assert_fails(res)
  else:
    lines = [l.strip() for l in res.out.splitlines()]
    assert lines == ["1", "proc", "0", "ro"], res
  # the fake files were shadowed, never written
  subprocess.run(["true"])
  assert snapshot(fake) == before


def test_image_proc_symlink_to_host(rt, bundle, victim):
  os.rmdir(bundle.rootfs / "proc")
  (bundle.rootfs / "proc").symlink_to(str(victim))
  res = rt.run_container(bundle, ["cat", "/proc/self/comm"])
  if res.rc != 0:
    assert_fails(res)
  else:
    assert res.out == "cat\n"


def test_volume_on_proc_instead_of_procfs(rt, bundle, ctx):
  """A volume (not procfs) on /proc: sysctl must not be written into it
  and nothing the runtime writes through /proc may land there."""
  vol = ctx.tmp / "procvol"
  vol.mkdir()
  fake = _fake_proc(ctx.tmp / "procvol-src")
  vol = fake
  before = snapshot(vol)
  bundle.drop_mount("/proc")
  bundle.config["mounts"].insert(0, bind_mount(vol, "/proc", "rbind"))
  bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
  bundle.config["linux"]["maskedPaths"] = []
  bundle.config["linux"]["readonlyPaths"] = []
  res = rt.run_container(bundle, ["cat", "/proc/sys/net/ipv4/ip_forward"])
  if res.rc != 0:
    assert_fails(res)
  else:
    assert res.out == "fake\n"
  assert snapshot(vol) == before


def test_volume_over_proc_after_procfs_refused(rt, bundle, ctx):
  vol = ctx.tmp / "procvol"
  vol.mkdir()
  bundle.config["mounts"].append(bind_mount(vol, "/proc", "rbind"))
  create_fails(rt, bundle, "mounts[7]", "/proc")


@pytest.mark.parametrize("dest", [
    "/proc/sys", "/proc/sys/kernel", "/proc/self/attr", "/proc/1",
    "/proc/sysrq-trigger", "/proc/kcore", "/proc/self/fd"])
def test_mount_under_proc_refused(rt, bundle, ctx, dest):
  src = ctx.tmp / "src"
  src.mkdir()
  f = ctx.tmp / "srcfile"
  f.write_text("fake\n")
  bundle.config["mounts"].append(bind_mount(f, dest, "bind"))
  create_fails(rt, bundle, "mounts[7]", dest)


def test_tmpfs_under_proc_refused(rt, bundle):
  bundle.config["mounts"].append(tmpfs_mount("/proc/sys", "size=1m"))
  create_fails(rt, bundle, "mounts[7]", "/proc/sys")


def test_mount_onto_proc_through_symlink_refused(rt, bundle, ctx):
  """CVE-2019-19921: a destination that resolves into procfs through a
  symlink is as refused as the plain path."""
  (bundle.rootfs / "mnt" / "toproc").symlink_to("/proc/sys/kernel")
  f = ctx.tmp / "srcdir"
  f.mkdir()
  bundle.config["mounts"].append(bind_mount(f, "/mnt/toproc", "rbind"))
  create_fails(rt, bundle, "mounts[7]")


LXCFS_FILES = ["/proc/cpuinfo", "/proc/meminfo", "/proc/stat",
               "/proc/uptime", "/proc/loadavg", "/proc/diskstats",
               "/proc/swaps", "/proc/slabinfo"]


@pytest.mark.parametrize("dest", LXCFS_FILES)
def test_lxcfs_files_may_be_mounted(rt, bundle, ctx, dest):
  if not os.path.exists(dest):
    pytest.skip(f"{dest} missing on this kernel")
  f = ctx.tmp / "lxcfs-file"
  f.write_text("from lxcfs\n")
  bundle.config["mounts"].append(bind_mount(f, dest, "bind", "ro"))
  assert rt.output(bundle, ["cat", dest]) == "from lxcfs\n"


def test_procfs_mounted_twice_allowed(rt, bundle):
  bundle.config["mounts"].append(
      {"destination": "/proc", "type": "proc", "source": "proc"})
  out = rt.output(bundle, ["cat", "/proc/self/comm"])
  assert out == "cat\n"


# ----------------------------------------------------------------------------
# A racing process swapping rootfs directories for symlinks


def test_race_swapped_directories(rt, bundle, ctx, victim):
  """While skiff starts containers again and again, a helper swaps
  /mnt/race between a directory and symlinks leaving the rootfs. Every
  container either fails cleanly or gets its mounts inside its root; the
  host victim is never touched."""
  links = _escape_links(bundle, victim)
  targets = [links["absolute"], links["dotdot"], links["procroot"],
             "/proc/self/cwd"]
  src = ctx.tmp / "racevol"
  src.mkdir()
  (src / "vol-marker").write_text("vol\n")
  bundle.config["mounts"] += [
      {"destination": "/mnt/race/tmp", "type": "tmpfs", "source": "racefs",
       "options": ["size=1m"]},
      bind_mount(src, "/mnt/race/vol", "rbind", "ro"),
  ]
  bundle.config["linux"]["devices"] = [
      {"path": "/mnt/race/node", "type": "c", "major": 1, "minor": 3}]
  bundle.config["linux"]["maskedPaths"] += ["/mnt/race/masked"]
  bundle.config["linux"]["readonlyPaths"] += ["/mnt/race/ro"]
  # the tmpfs is visible inside the root, wherever the race sent it
  bundle.set_args(sh("grep -c ' racefs ' /proc/self/mountinfo; true"))
  bundle.write()
  racer = subprocess.Popen(
      [sys.executable, str(TOOLS / "fs_racer.py"),
       str(bundle.rootfs / "mnt"), "race", *targets],
      stdout=subprocess.PIPE, text=True)
  ok = failed = 0
  errors = set()
  deadline = time.monotonic() + 55
  try:
    for i in range(200):
      if time.monotonic() > deadline:
        break
      res = rt("run", "--bundle", bundle.path, rt.new_id("race"))
      if res.rc == 0:
        ok += 1
        assert res.out == "1\n", res
      else:
        failed += 1
        assert res.rc == 1, res
        assert [l for l in res.err.splitlines() if l.strip()], res
        errors.add(res.err.strip())
      assert host_mounts_under(victim) == []
  finally:
    racer.terminate()
    swaps = int(racer.communicate(timeout=10)[0] or 0)
  assert ok + failed >= 50, (ok, failed)
  assert swaps > 0
  print(f"race: {ok} ok, {failed} refused, {swaps} swaps")
  for e in sorted(errors):
    print("  " + e)
