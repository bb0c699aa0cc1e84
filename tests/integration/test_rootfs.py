# SPDX-License-Identifier: GPL-2.0-or-later
"""The container's filesystem: root, mounts, devices, masked and readonly
paths."""

import os
import subprocess
import time

import pytest

from helpers import sh, wait_for


def parse_mountinfo(text):
  """mount point -> (mount options, fstype, super options, optional fields)"""
  mounts = {}
  for line in text.splitlines():
    left, _, right = line.partition(" - ")
    f = left.split()
    r = right.split()
    if len(f) < 6 or len(r) < 3:
      continue
    mounts[f[4]] = (f[5].split(","), r[0], r[2].split(","), f[6:])
  return mounts


def test_root_path_absolute(rt, bundle):
  bundle.config["root"]["path"] = str(bundle.rootfs)
  assert rt.output(bundle, ["cat", "/etc/marker"]) == "rootfs-marker\n"


def test_root_path_relative_other_name(rt, bundle):
  os.rename(bundle.rootfs, bundle.path / "otherroot")
  (bundle.path / "otherroot" / "etc" / "marker").write_text("other\n")
  bundle.config["root"]["path"] = "otherroot"
  assert rt.output(bundle, ["cat", "/etc/marker"]) == "other\n"


def test_root_is_the_rootfs(rt, bundle):
  out = rt.output(bundle, ["ls", "/"])
  assert sorted(out.split()) == sorted(os.listdir(bundle.rootfs))


def test_readonly_root(rt, bundle):
  bundle.config["root"]["readonly"] = True
  res = rt.run_container(bundle, sh(
      "touch /newfile || echo denied; touch /dev/shm/ok && echo shm-ok; "
      "grep ' / ' /proc/self/mountinfo"))
  assert res.rc == 0, res
  lines = res.out.splitlines()
  assert lines[0] == "denied"
  assert lines[1] == "shm-ok"
  assert "ro" in lines[2].split()[5].split(","), lines[2]
  assert "Read-only file system" in res.err
  assert not (bundle.rootfs / "newfile").exists()


def test_no_pivot(rt, bundle):
  cid = rt.create(bundle, extra=["--no-pivot"], args=sh(
      "{ ls /; cat /etc/marker; readlink /proc/self/root; } > /tmp/out"))
  assert rt("start", cid).rc == 0
  rt.wait_status(cid, "stopped")
  out = (bundle.rootfs / "tmp" / "out").read_text().splitlines()
  assert rt("delete", cid).rc == 0
  assert "rootfs-marker" in out
  listing = out[:out.index("rootfs-marker")]
  assert sorted(listing) == sorted(os.listdir(bundle.rootfs))
  assert out[-1] == "/"


@pytest.fixture
def shared_bundle(bundle):
  """The bundle dir as a shared bind mount on the host, so host mounts
  below it can propagate into the container."""
  p = str(bundle.path)
  subprocess.run(["mount", "--bind", p, p], check=True)
  subprocess.run(["mount", "--make-shared", p], check=True)
  yield bundle
  subprocess.run(["umount", "-R", p], check=False)


def _propagation(rt, bundle, mode):
  probe = bundle.rootfs / "mnt" / "probe"
  probe.mkdir()
  bundle.config["linux"]["rootfsPropagation"] = mode
  bundle.set_args(sh(
      "touch /tmp/ready; i=0; "
      "while [ ! -e /mnt/probe/hello ] && [ $i -lt 30 ]; do "
      "sleep 0.1; i=$((i+1)); done; ls /mnt/probe; echo end"))
  bundle.write()
  cid = rt.new_id()
  proc = rt.popen("run", "--bundle", bundle.path, cid)
  try:
    assert wait_for((bundle.rootfs / "tmp" / "ready").exists), \
        rt.finish(proc, timeout=2)
    subprocess.run(["mount", "-t", "tmpfs", "probe", str(probe)], check=True)
    (probe / "hello").write_text("hi\n")
    res = rt.finish(proc)
  finally:
    subprocess.run(["umount", "-l", str(probe)], check=False)
  assert res.rc == 0, res
  return res.out.split()


def test_rootfs_propagation_private_blocks_host_mounts(rt, shared_bundle):
  """Even below a shared host mount, a private root receives nothing."""
  assert _propagation(rt, shared_bundle, "private") == ["end"]
  mounts = parse_mountinfo(rt.output(shared_bundle,
                                     ["cat", "/proc/self/mountinfo"]))
  assert mounts["/"][3] == [], mounts["/"]


def test_rootfs_propagation_slave_is_not_shared(rt, shared_bundle):
  shared_bundle.config["linux"]["rootfsPropagation"] = "slave"
  mounts = parse_mountinfo(rt.output(shared_bundle,
                                     ["cat", "/proc/self/mountinfo"]))
  tags = mounts["/"][3]
  assert not any(t.startswith("shared:") for t in tags), mounts["/"]


def test_rootfs_propagation_shared(rt, bundle):
  # The host's / is not shared here, so nothing propagates back out: the
  # container's root just becomes a member of a peer group.
  bundle.config["linux"]["rootfsPropagation"] = "shared"
  mounts = parse_mountinfo(rt.output(bundle, ["cat", "/proc/self/mountinfo"]))
  tags = mounts["/"][3]
  assert any(t.startswith("shared:") for t in tags), mounts["/"]


def test_default_mounts(rt, bundle):
  mounts = parse_mountinfo(rt.output(bundle, ["cat", "/proc/self/mountinfo"]))
  want = {"/proc": "proc", "/dev": "tmpfs", "/dev/pts": "devpts",
          "/dev/shm": "tmpfs", "/dev/mqueue": "mqueue", "/sys": "sysfs"}
  for dest, fstype in want.items():
    assert dest in mounts, f"{dest} not mounted: {sorted(mounts)}"
    assert mounts[dest][1] == fstype, (dest, mounts[dest])
  assert "ro" in mounts["/sys"][0]
  for opt in ("nosuid", "noexec", "nodev"):
    assert opt in mounts["/dev/shm"][0]
  assert "/sys/fs/cgroup" in mounts
  assert mounts["/sys/fs/cgroup"][1] in ("cgroup", "cgroup2", "tmpfs")


def test_cgroup_mount_lists_controllers(rt, bundle):
  out = rt.output(bundle, ["ls", "/sys/fs/cgroup"])
  assert out.split(), "empty /sys/fs/cgroup"


def test_bind_mount_rw(rt, bundle, ctx):
  data = ctx.tmp / "data"
  data.mkdir()
  (data / "in.txt").write_text("from-host\n")
  bundle.config["mounts"].append({
      "destination": "/data", "type": "bind", "source": str(data),
      "options": ["rbind", "rw"]})
  out = rt.output(bundle, sh("cat /data/in.txt; echo from-container > "
                             "/data/out.txt"))
  assert out == "from-host\n"
  assert (data / "out.txt").read_text() == "from-container\n"


def test_bind_mount_ro(rt, bundle, ctx):
  data = ctx.tmp / "data"
  data.mkdir()
  (data / "in.txt").write_text("from-host\n")
  bundle.config["mounts"].append({
      "destination": "/data", "type": "bind", "source": str(data),
      "options": ["bind", "ro"]})
  res = rt.run_container(bundle, sh(
      "cat /data/in.txt; touch /data/new || echo denied"))
  assert res.rc == 0, res
  assert res.out == "from-host\ndenied\n"
  assert "Read-only file system" in res.err
  assert not (data / "new").exists()


def test_bind_mount_file(rt, bundle, ctx):
  f = ctx.tmp / "single.txt"
  f.write_text("one file\n")
  bundle.config["mounts"].append({
      "destination": "/etc/single.txt", "type": "bind", "source": str(f),
      "options": ["bind", "ro"]})
  assert rt.output(bundle, ["cat", "/etc/single.txt"]) == "one file\n"


def test_mount_destination_created(rt, bundle):
  bundle.config["mounts"].append({
      "destination": "/deep/er/scratch", "type": "tmpfs", "source": "tmpfs",
      "options": ["size=1m", "mode=700"]})
  out = rt.output(bundle, sh("stat -c %a /deep/er/scratch; "
                             "grep ' /deep/er/scratch ' /proc/self/mountinfo"))
  lines = out.splitlines()
  assert lines[0] == "700"
  assert " tmpfs " in lines[1] and "size=1024k" in lines[1], lines[1]


def test_default_devices(rt, bundle):
  out = rt.output(bundle, ["stat", "-c", "%n %F %t:%T",
                           "/dev/null", "/dev/zero", "/dev/full",
                           "/dev/random", "/dev/urandom", "/dev/tty"])
  got = [l.split(" ", 1) for l in out.splitlines()]
  want = {"/dev/null": "1:3", "/dev/zero": "1:5", "/dev/full": "1:7",
          "/dev/random": "1:8", "/dev/urandom": "1:9", "/dev/tty": "5:0"}
  assert [g[0] for g in got] == list(want)
  for name, rest in got:
    assert rest == f"character special file {want[name]}", (name, rest)


def test_default_devices_work(rt, bundle):
  out = rt.output(bundle, sh(
      "echo x > /dev/null && echo null-ok; "
      "head -c 4 /dev/zero | od -An -tx1; "
      "echo y > /dev/full || echo full-enospc; "
      "head -c 8 /dev/urandom | wc -c"))
  lines = [l.strip() for l in out.splitlines()]
  assert lines == ["null-ok", "00 00 00 00", "full-enospc", "8"]


def test_dev_symlinks(rt, bundle):
  names = ["fd", "stdin", "stdout", "stderr", "ptmx"]
  out = rt.output(bundle, sh(" ; ".join(f"readlink /dev/{n}" for n in names)))
  assert out.splitlines() == ["/proc/self/fd", "/proc/self/fd/0",
                              "/proc/self/fd/1", "/proc/self/fd/2",
                              "pts/ptmx"]


@pytest.mark.skipif(not os.path.exists("/proc/kcore"),
                    reason="no /proc/kcore on this host")
def test_dev_core_when_kcore(rt, bundle):
  assert rt.output(bundle, ["readlink", "/dev/core"]) == "/proc/kcore\n"


def test_linux_devices(rt, bundle):
  bundle.config["linux"]["devices"] = [{
      "path": "/dev/mynull", "type": "c", "major": 1, "minor": 3,
      "fileMode": 0o666, "uid": 1000, "gid": 1000}]
  out = rt.output(bundle, sh("stat -c '%F %t:%T %a %u %g' /dev/mynull; "
                             "echo x > /dev/mynull && echo ok"))
  assert out.splitlines() == ["character special file 1:3 666 1000 1000",
                              "ok"]


def test_masked_paths(rt, bundle):
  (bundle.rootfs / "etc" / "secret.txt").write_text("secret\n")
  (bundle.rootfs / "etc" / "secretdir").mkdir()
  (bundle.rootfs / "etc" / "secretdir" / "key").write_text("k\n")
  bundle.config["linux"]["maskedPaths"] += ["/etc/secret.txt",
                                            "/etc/secretdir",
                                            "/etc/does-not-exist"]
  res = rt.run_container(bundle, sh(
      "cat /etc/secret.txt | wc -c; ls -A /etc/secretdir | wc -l; "
      "cat /proc/kcore 2>/dev/null | wc -c; echo end"))
  assert res.rc == 0, res
  assert [l.strip() for l in res.out.splitlines()] == ["0", "0", "0", "end"]
  # the host copy is untouched
  assert (bundle.rootfs / "etc" / "secret.txt").read_text() == "secret\n"


def test_readonly_paths(rt, bundle):
  (bundle.rootfs / "etc" / "rodir").mkdir()
  (bundle.rootfs / "etc" / "rodir" / "f").write_text("readable\n")
  bundle.config["linux"]["readonlyPaths"] += ["/etc/rodir"]
  res = rt.run_container(bundle, sh(
      "cat /etc/rodir/f; touch /etc/rodir/new || echo ro-denied; "
      "echo changed > /proc/sys/kernel/hostname || echo sys-denied; "
      "hostname"))
  assert res.rc == 0, res
  assert res.out.splitlines() == ["readable", "ro-denied", "sys-denied",
                                  "itest"]
  assert "Read-only file system" in res.err
  assert not (bundle.rootfs / "etc" / "rodir" / "new").exists()


def test_process_cwd_inside_rootfs(rt, bundle):
  bundle.config["process"]["cwd"] = "/etc"
  assert rt.output(bundle, sh("pwd; cat marker")) == "/etc\nrootfs-marker\n"
