# SPDX-License-Identifier: GPL-2.0-or-later
"""Errors: one clear line on stderr naming what failed, exit status 1, and
nothing left behind (the autouse leak check covers mounts, processes and
cgroups; these tests check the state dir)."""

import json
import os

import pytest

from helpers import sh


def assert_fails(res, *needles):
  """rc 1, exactly one non-empty line on stderr, holding every needle."""
  assert res.rc == 1, res
  lines = [l for l in res.err.splitlines() if l.strip()]
  assert len(lines) == 1, f"want one error line on stderr: {res}"
  for needle in needles:
    assert str(needle) in res.err, f"stderr lacks {needle!r}: {res}"


def create_fails(rt, bundle, *needles, write=True):
  if write:
    bundle.write()
  cid = rt.new_id()
  res = rt("create", "--bundle", bundle.path, cid)
  assert_fails(res, *needles)
  assert not rt.state_dir(cid).exists(), "state left behind"
  assert rt("state", cid).rc != 0
  return res


def test_missing_bundle(rt, ctx):
  missing = ctx.tmp / "no-such-bundle"
  cid = rt.new_id()
  res = rt("create", "--bundle", missing, cid)
  assert_fails(res, "no-such-bundle")
  assert not rt.state_dir(cid).exists()


def test_missing_config(rt, bundle):
  create_fails(rt, bundle, "config.json", write=False)


def test_malformed_config(rt, bundle):
  bundle.config_path.write_text('{"ociVersion": "1.0.2", "process": {')
  create_fails(rt, bundle, "config.json", write=False)


def test_wrong_typed_field_names_json_path(rt, bundle):
  bundle.config["process"]["user"]["uid"] = "zero"
  create_fails(rt, bundle, "process.user.uid")


def test_missing_rootfs(rt, bundle):
  bundle.config["root"]["path"] = "no-such-rootfs"
  create_fails(rt, bundle, "no-such-rootfs")


def test_empty_args(rt, bundle):
  bundle.set_args([])
  create_fails(rt, bundle, "args")


def test_unknown_namespace_type(rt, bundle):
  bundle.namespaces().append({"type": "bogusns"})
  create_fails(rt, bundle, "bogusns")


def test_namespace_path_not_a_namespace(rt, bundle, ctx):
  notns = ctx.tmp / "not-a-namespace"
  notns.write_text("plain file\n")
  bundle.set_namespace("network", path=notns)
  create_fails(rt, bundle, "not-a-namespace")


def test_namespace_path_missing(rt, bundle, ctx):
  bundle.set_namespace("network", path=ctx.tmp / "missing-netns")
  create_fails(rt, bundle, "missing-netns")


def test_duplicate_namespace(rt, bundle):
  bundle.namespaces().append({"type": "network"})
  create_fails(rt, bundle, "network")


def test_id_in_use(rt, bundle, make_bundle):
  cid = rt.create(bundle, args=sh("sleep 100"))
  pid = rt.state(cid)["pid"]
  other = make_bundle("other")
  other.write()
  res = rt("create", "--bundle", other.path, cid)
  assert_fails(res, cid)
  st = rt.state(cid)
  assert st["status"] == "created" and st["pid"] == pid
  assert os.path.realpath(st["bundle"]) == os.path.realpath(bundle.path)
  rt.remove(cid)


@pytest.mark.parametrize("bad_id", ["../x", "", "/", "a/b", ".."])
def test_invalid_id(rt, bundle, ctx, bad_id):
  bundle.write()
  before = set(os.listdir(ctx.tmp)) | {"root"}
  res = rt("create", "--bundle", bundle.path, bad_id)
  assert_fails(res)
  assert set(os.listdir(ctx.tmp)) <= before, "something created beside root"
  assert not (ctx.tmp / "x").exists()
  assert not rt.root.exists() or not os.listdir(rt.root)


def test_unknown_signal(rt, bundle):
  cid = rt.create(bundle, args=sh("sleep 100"))
  res = rt("kill", cid, "NOTASIGNAL")
  assert_fails(res, "NOTASIGNAL")
  assert rt.status(cid) == "created"
  rt.remove(cid)


@pytest.mark.parametrize("cmd", ["start", "state", "kill", "delete"])
def test_unknown_id(rt, cmd):
  cid = rt.new_id("ghost")
  res = rt(cmd, cid)
  assert_fails(res, cid)
  assert not rt.state_dir(cid).exists()


def test_executable_not_in_rootfs(rt, bundle):
  bundle.set_args(["no-such-program", "arg"])
  res = create_fails(rt, bundle, "no-such-program")
  assert "executable file not found" in res.err


def test_absolute_executable_missing(rt, bundle):
  bundle.set_args(["/bin/no-such-program"])
  create_fails(rt, bundle, "/bin/no-such-program")


def test_run_executable_not_found(rt, bundle):
  cid = rt.new_id()
  res = rt.run_container(bundle, ["no-such-program"], cid=cid)
  assert_fails(res, "no-such-program", "executable file not found")
  assert not rt.state_dir(cid).exists()


def test_bad_tmpfs_option(rt, bundle):
  bundle.config["mounts"].append({
      "destination": "/scratch", "type": "tmpfs", "source": "tmpfs",
      "options": ["size=notanumber"]})
  create_fails(rt, bundle, "mounts[7]", "/scratch")


def test_bind_source_missing(rt, bundle, ctx):
  bundle.config["mounts"].append({
      "destination": "/data", "type": "bind",
      "source": str(ctx.tmp / "no-such-source"), "options": ["rbind"]})
  create_fails(rt, bundle, "mounts[7]", "/data")


def test_error_in_init_names_cause(rt, bundle, ctx):
  """An error inside the container's init comes back with its cause: here
  the errno text of the failing mount."""
  bundle.config["mounts"].append({
      "destination": "/data", "type": "bind",
      "source": str(ctx.tmp / "no-such-source"), "options": ["rbind"]})
  res = create_fails(rt, bundle, "/data")
  assert "no such file or directory" in res.err.lower()


def test_config_not_an_object(rt, bundle):
  bundle.config_path.write_text(json.dumps(["not", "an", "object"]))
  create_fails(rt, bundle, "config.json", write=False)
