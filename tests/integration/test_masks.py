# SPDX-License-Identifier: GPL-2.0-or-later
"""linux.maskedPaths (files covered by /dev/null, directories by an empty
read-only tmpfs) and linux.readonlyPaths, seen from inside the container;
paths that do not exist are skipped."""

from fs_helpers import split_mountinfo, top_mount, with_mountinfo
from helpers import sh


def test_masked_file_is_null_device(rt, bundle):
  (bundle.rootfs / "etc" / "secret").write_text("secret\n")
  bundle.config["linux"]["maskedPaths"] = ["/etc/secret"]
  out = rt.output(bundle, with_mountinfo(
      "stat -c '%F %t:%T' /etc/secret; cat /etc/secret | wc -c; "
      "echo overwrite > /etc/secret && echo write-swallowed"))
  before, info = split_mountinfo(out)
  lines = [l.strip() for l in before.splitlines()]
  assert lines == ["character special file 1:3", "0", "write-swallowed"]
  m = top_mount(info, "/etc/secret")
  assert m.root == "/null" or m.fstype == "devtmpfs", m
  assert (bundle.rootfs / "etc" / "secret").read_text() == "secret\n"


def test_masked_dir_is_empty_readonly_tmpfs(rt, bundle):
  d = bundle.rootfs / "etc" / "secrets"
  d.mkdir()
  (d / "key").write_text("k\n")
  bundle.config["linux"]["maskedPaths"] = ["/etc/secrets"]
  out = rt.output(bundle, with_mountinfo(
      "ls -A /etc/secrets | wc -l; touch /etc/secrets/x 2>/dev/null || "
      "echo denied"))
  before, info = split_mountinfo(out)
  assert [l.strip() for l in before.splitlines()] == ["0", "denied"]
  m = top_mount(info, "/etc/secrets")
  assert m.fstype == "tmpfs" and "ro" in m.opts, m
  assert (d / "key").read_text() == "k\n"


def test_default_proc_masks(rt, bundle):
  out = rt.output(bundle, sh(
      "cat /proc/timer_list /proc/sched_debug /proc/keys 2>/dev/null | wc -c;"
      " ls -A /proc/scsi 2>/dev/null | wc -l; ls -A /sys/firmware | wc -l"))
  assert [l.strip() for l in out.splitlines()] == ["0", "0", "0"]


def test_nonexistent_paths_skipped(rt, bundle):
  bundle.config["linux"]["maskedPaths"] += ["/no/such/file", "/etc/nope"]
  bundle.config["linux"]["readonlyPaths"] += ["/no/such/dir"]
  assert rt.output(bundle, ["cat", "/etc/marker"]) == "rootfs-marker\n"
  assert not (bundle.rootfs / "no").exists()
  assert not (bundle.rootfs / "etc" / "nope").exists()


def test_masked_path_symlink_resolved_inside_root(rt, bundle):
  (bundle.rootfs / "etc" / "real").write_text("real secret\n")
  (bundle.rootfs / "etc" / "alias").symlink_to("/etc/real")
  bundle.config["linux"]["maskedPaths"] = ["/etc/alias"]
  out = rt.output(bundle, sh("cat /etc/real | wc -c; readlink /etc/alias"))
  assert [l.strip() for l in out.splitlines()] == ["0", "/etc/real"]


def test_readonly_path_dir(rt, bundle):
  d = bundle.rootfs / "etc" / "conf"
  d.mkdir()
  (d / "f").write_text("v\n")
  bundle.config["linux"]["readonlyPaths"] = ["/etc/conf"]
  out = rt.output(bundle, with_mountinfo(
      "cat /etc/conf/f; echo x > /etc/conf/f 2>/dev/null || echo denied; "
      "touch /etc/other && echo rest-writable"))
  before, info = split_mountinfo(out)
  assert before.splitlines() == ["v", "denied", "rest-writable"]
  assert "ro" in top_mount(info, "/etc/conf").opts
  assert (d / "f").read_text() == "v\n"


def test_readonly_path_file(rt, bundle):
  bundle.config["linux"]["readonlyPaths"] = ["/etc/marker"]
  out = rt.output(bundle, sh(
      "echo x > /etc/marker 2>/dev/null || echo denied; cat /etc/marker"))
  assert out == "denied\nrootfs-marker\n"


def test_readonly_path_covers_submounts(rt, bundle):
  bundle.config["mounts"].append({
      "destination": "/data/sub", "type": "tmpfs", "source": "tmpfs",
      "options": ["size=1m"]})
  bundle.config["linux"]["readonlyPaths"] = ["/data"]
  out = rt.output(bundle, with_mountinfo(
      "touch /data/sub/x 2>/dev/null || echo sub-denied"))
  before, info = split_mountinfo(out)
  assert before == "sub-denied\n"
  assert "ro" in top_mount(info, "/data/sub").opts


def test_proc_sys_readonly_by_default(rt, bundle):
  bundle.config["process"]["capabilities"]["bounding"] += ["CAP_SYS_ADMIN"]
  bundle.config["process"]["capabilities"]["effective"] += ["CAP_SYS_ADMIN"]
  bundle.config["process"]["capabilities"]["permitted"] += ["CAP_SYS_ADMIN"]
  with open("/proc/sys/kernel/core_pattern") as f:
    host = f.read()
  out = rt.output(bundle, sh(
      "echo '|/bin/evil' > /proc/sys/kernel/core_pattern 2>/dev/null || "
      "echo denied; echo 1 > /proc/sysrq-trigger 2>/dev/null || echo denied"))
  assert out == "denied\ndenied\n"
  with open("/proc/sys/kernel/core_pattern") as f:
    assert f.read() == host


def test_masked_and_readonly_same_path(rt, bundle):
  d = bundle.rootfs / "etc" / "both"
  d.mkdir()
  (d / "f").write_text("x\n")
  bundle.config["linux"]["maskedPaths"] = ["/etc/both"]
  bundle.config["linux"]["readonlyPaths"] = ["/etc/both"]
  out = rt.output(bundle, sh("ls -A /etc/both | wc -l"))
  assert out.strip() == "0"
