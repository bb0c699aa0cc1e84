# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers of the filesystem tests (mounts, devices, masks, user namespaces,
attacks): mountinfo parsing, mount entries, error checks and a snapshot of a
host directory to prove it untouched."""

import os
import subprocess
from pathlib import Path

from helpers import sh


class Mount:
  """One line of /proc/self/mountinfo."""

  def __init__(self, line):
    left, _, right = line.partition(" - ")
    f = left.split()
    r = right.split()
    self.line = line
    self.mount_id = int(f[0])
    self.parent_id = int(f[1])
    self.devno = f[2]
    self.root = _unescape(f[3])
    self.point = _unescape(f[4])
    self.opts = set(f[5].split(","))
    self.optional = f[6:]
    self.fstype = r[0] if r else ""
    self.source = _unescape(r[1]) if len(r) > 1 else ""
    self.super = r[2].split(",") if len(r) > 2 else []

  def super_opt(self, key):
    """Value of key=value in the super options, or None."""
    for o in self.super:
      if o.startswith(key + "="):
        return o.split("=", 1)[1]
    return None

  def propagation(self):
    """shared / slave / private / unbindable from the optional fields."""
    tags = [t.split(":")[0] for t in self.optional]
    if "unbindable" in tags:
      return "unbindable"
    if "shared" in tags:
      return "shared"
    if "master" in tags:
      return "slave"
    return "private"

  def __repr__(self):
    return f"<Mount {self.line}>"


def _unescape(s):
  return (s.replace("\\040", " ").replace("\\011", "\t")
          .replace("\\012", "\n").replace("\\134", "\\"))


def parse_mountinfo(text):
  """List of Mount, in mountinfo order (later mounts last)."""
  return [Mount(l) for l in text.splitlines() if " - " in l]


def mounts_at(text, point):
  return [m for m in parse_mountinfo(text) if m.point == point]


def top_mount(text, point):
  """The last (visible) mount on point; AssertionError if none."""
  found = mounts_at(text, point)
  assert found, f"nothing mounted on {point}:\n{text}"
  return found[-1]


MOUNTINFO_MARK = "@@mountinfo@@"


def with_mountinfo(script):
  """Script that runs `script`, then prints the mountinfo after a marker."""
  return sh(f"{script}\necho {MOUNTINFO_MARK}; cat /proc/self/mountinfo")


def split_mountinfo(out):
  """(output before the marker, mountinfo text)"""
  before, _, after = out.partition(MOUNTINFO_MARK + "\n")
  return before, after


def container_mount(rt, bundle, dest, script="true"):
  """Run the container, return (script output, the top Mount on dest)."""
  out = rt.output(bundle, with_mountinfo(script))
  before, info = split_mountinfo(out)
  return before, top_mount(info, dest)


def tmpfs_mount(dest, *options):
  return {"destination": dest, "type": "tmpfs", "source": "tmpfs",
          "options": list(options)}


def bind_mount(source, dest, *options):
  return {"destination": dest, "type": "bind", "source": str(source),
          "options": list(options) or ["bind"]}


# ----------------------------------------------------------------------------
# Errors


def assert_fails(res, *needles):
  """rc 1, exactly one non-empty line on stderr, holding every needle."""
  assert res.rc == 1, res
  lines = [l for l in res.err.splitlines() if l.strip()]
  assert len(lines) == 1, f"want one error line on stderr: {res}"
  for needle in needles:
    assert str(needle) in res.err, f"stderr lacks {needle!r}: {res}"


def create_fails(rt, bundle, *needles):
  """`create` fails with a message holding needles; no state left."""
  bundle.write()
  cid = rt.new_id()
  res = rt("create", "--bundle", bundle.path, cid)
  assert_fails(res, *needles)
  assert not rt.state_dir(cid).exists(), "state left behind"
  assert rt("state", cid).rc != 0
  return res


def run_fails(rt, bundle, *needles):
  """`run` fails before the process starts, with one clear message."""
  cid = rt.new_id("run")
  res = rt.run_container(bundle, cid=cid)
  assert_fails(res, *needles)
  assert not rt.state_dir(cid).exists(), "state left behind"
  return res


# ----------------------------------------------------------------------------
# Host state snapshots (attacks)


def snapshot(path):
  """{relative path: (mode, uid, gid, size, mtime_ns, symlink target or
  content)} of everything under path, without following symlinks."""
  path = Path(path)
  snap = {}
  for dirpath, dirnames, filenames in os.walk(path):
    for name in dirnames + filenames + [""]:
      p = Path(dirpath) / name if name else Path(dirpath)
      try:
        st = os.lstat(p)
      except FileNotFoundError:
        continue
      extra = None
      if os.path.islink(p):
        extra = os.readlink(p)
      elif p.is_file():
        extra = p.read_bytes()
      snap[str(p.relative_to(path))] = (st.st_mode, st.st_uid, st.st_gid,
                                        st.st_size, st.st_mtime_ns, extra)
  return snap


def host_victim(ctx, name="victim"):
  """A host directory outside every rootfs holding a file; a test points a
  symlink at it and checks that it is untouched afterwards."""
  d = ctx.tmp / name
  d.mkdir()
  (d / "precious").write_text("host data\n")
  (d / "sub").mkdir()
  (d / "sub" / "inner").write_text("inner\n")
  return d


def host_mounts_under(path):
  """Mount points on the host at or below path."""
  path = str(path)
  with open("/proc/self/mountinfo") as f:
    return [m.point for m in parse_mountinfo(f.read())
            if m.point == path or m.point.startswith(path + "/")]


def userns_config(bundle, host_id=100000, size=65536):
  bundle.set_namespace("user")
  bundle.config["linux"]["uidMappings"] = [
      {"containerID": 0, "hostID": host_id, "size": size}]
  bundle.config["linux"]["gidMappings"] = [
      {"containerID": 0, "hostID": host_id, "size": size}]


def chown_tree(path, uid, gid):
  subprocess.run(["chown", "-R", "-h", f"{uid}:{gid}", str(path)], check=True)
