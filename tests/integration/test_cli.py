# SPDX-License-Identifier: GPL-2.0-or-later
"""The command line beyond the lifecycle: --version, --help, spec, list,
features and --log."""

import json
import os
import re

import pytest

from helpers import sh

COMMAND_FLAGS = {
    "create": ["--bundle", "--pid-file", "--console-socket", "--no-pivot",
               "--no-new-keyring", "--preserve-fds"],
    "start": [],
    "run": ["--bundle", "--detach", "--pid-file", "--keep"],
    "state": [],
    "kill": ["--all"],
    "delete": ["--force"],
    "list": ["--format", "--quiet"],
    "spec": ["--bundle", "--rootless"],
    "features": [],
}
GLOBAL_FLAGS = ["--root", "--log", "--log-format", "--debug",
                "--systemd-cgroup"]
ALL_NAMESPACES = {"pid", "network", "ipc", "uts", "mount", "user", "cgroup",
                  "time"}


def test_version(rt):
  res = rt("--version", root=False)
  assert res.rc == 0, res
  lines = res.out.splitlines()
  assert re.match(r"^\S+ version \S+", lines[0]), res.out
  assert any(re.match(r"^spec: \d+\.\d+\.\d+", l) for l in lines), res.out


def test_version_reports_spec_1_3(rt):
  res = rt("--version", root=False)
  assert res.rc == 0, res
  spec = [l for l in res.out.splitlines() if l.startswith("spec: ")]
  assert spec and spec[0].split()[1].startswith("1.3"), res.out


def test_help_lists_commands_and_global_flags(rt):
  res = rt("--help", root=False)
  assert res.rc == 0, res
  for cmd in COMMAND_FLAGS:
    assert re.search(rf"^\s+{cmd}\b", res.out, re.M), f"{cmd} not listed"
  for flag in GLOBAL_FLAGS:
    assert flag in res.out, f"{flag} not in --help"


@pytest.mark.parametrize("cmd", sorted(COMMAND_FLAGS))
def test_command_help(rt, cmd):
  res = rt(cmd, "--help", root=False)
  assert res.rc == 0, res
  assert cmd in res.out
  for flag in COMMAND_FLAGS[cmd]:
    assert flag in res.out, f"{cmd} --help lacks {flag}"


def test_unknown_command_fails(rt):
  res = rt("no-such-command")
  assert res.rc != 0
  assert "no-such-command" in res.err + res.out


# -- spec ---------------------------------------------------------------------


def test_spec_default_config(rt, bundle):
  res = rt("spec", "--bundle", bundle.path, root=False)
  assert res.rc == 0, res
  cfg = json.loads(bundle.config_path.read_text())
  assert cfg["ociVersion"].startswith("1.")
  assert cfg["process"].get("terminal", False) is False
  assert cfg["root"]["path"] == "rootfs"
  assert cfg["process"]["cwd"] == "/"
  assert any(e.startswith("PATH=") for e in cfg["process"]["env"])
  types = {n["type"] for n in cfg["linux"]["namespaces"]}
  assert {"pid", "network", "ipc", "uts", "mount"} <= types
  dests = {m["destination"] for m in cfg["mounts"]}
  assert {"/proc", "/dev", "/dev/pts", "/dev/shm", "/sys"} <= dests
  assert cfg["linux"]["maskedPaths"] and cfg["linux"]["readonlyPaths"]
  assert cfg["process"]["capabilities"]["bounding"]


def test_spec_runs_as_is(rt, bundle):
  res = rt("spec", "--bundle", bundle.path, root=False)
  assert res.rc == 0, res
  cfg = json.loads(bundle.config_path.read_text())
  cfg["process"]["args"] = sh("echo from-spec; hostname")
  bundle.config = cfg
  out = rt.output(bundle, None)
  assert out.splitlines()[0] == "from-spec"
  assert out.splitlines()[1] == cfg.get("hostname", out.splitlines()[1])


def test_spec_in_current_directory(rt, ctx):
  d = ctx.tmp / "cwdspec"
  d.mkdir()
  res = rt("spec", cwd=d, root=False)
  assert res.rc == 0, res
  assert "process" in json.loads((d / "config.json").read_text())


def test_spec_refuses_to_overwrite(rt, bundle):
  bundle.config_path.write_text('{"mine": true}\n')
  res = rt("spec", "--bundle", bundle.path, root=False)
  assert res.rc != 0, res
  assert "config.json" in res.err
  assert bundle.config_path.read_text() == '{"mine": true}\n'


def test_spec_rootless(rt, bundle):
  res = rt("spec", "--rootless", "--bundle", bundle.path, root=False)
  assert res.rc == 0, res
  cfg = json.loads(bundle.config_path.read_text())
  types = {n["type"] for n in cfg["linux"]["namespaces"]}
  assert "user" in types
  assert cfg["linux"]["uidMappings"] and cfg["linux"]["gidMappings"]


# -- list ---------------------------------------------------------------------


def test_list(rt, make_bundle):
  a, b = make_bundle("a"), make_bundle("b")
  ca = rt.create(a, args=sh("sleep 100"))
  cb = rt.create(b, args=sh("sleep 100"))
  pids = {ca: rt.state(ca)["pid"], cb: rt.state(cb)["pid"]}

  res = rt("list")
  assert res.rc == 0, res
  lines = res.out.splitlines()
  assert lines[0].split() == ["ID", "PID", "STATUS", "BUNDLE", "CREATED",
                              "OWNER"]
  rows = {l.split()[0]: l.split() for l in lines[1:] if l.strip()}
  assert set(rows) == {ca, cb}
  for cid, bdl in ((ca, a), (cb, b)):
    assert rows[cid][1] == str(pids[cid])
    assert rows[cid][2] == "created"
    assert os.path.realpath(rows[cid][3]) == os.path.realpath(bdl.path)

  res = rt("list", "-q")
  assert res.rc == 0, res
  assert sorted(res.out.split()) == sorted([ca, cb])

  res = rt("list", "--format", "json")
  assert res.rc == 0, res
  items = {c["id"]: c for c in json.loads(res.out)}
  assert set(items) == {ca, cb}
  for cid, bdl in ((ca, a), (cb, b)):
    assert items[cid]["pid"] == pids[cid]
    assert items[cid]["status"] == "created"
    assert os.path.realpath(items[cid]["bundle"]) == \
        os.path.realpath(bdl.path)

  assert rt("start", ca).rc == 0
  rows = {l.split()[0]: l.split() for l in rt("list").out.splitlines()[1:]}
  assert rows[ca][2] == "running" and rows[cb][2] == "created"

  rt.remove(ca)
  rt.remove(cb)
  res = rt("list", "-q")
  assert res.rc == 0 and res.out.strip() == "", res


# -- features -----------------------------------------------------------------


def _features(rt):
  res = rt("features", root=False)
  assert res.rc == 0, res
  return json.loads(res.out)


def test_features_shape(rt):
  f = _features(rt)
  assert re.match(r"^1\.\d+\.\d+", f["ociVersionMin"])
  assert re.match(r"^1\.\d+\.\d+", f["ociVersionMax"])
  for key in ("hooks", "mountOptions"):
    if key in f:
      assert isinstance(f[key], list)
      assert all(isinstance(x, str) for x in f[key])
  for opt in ("ro", "rbind", "nosuid", "nodev", "noexec"):
    assert opt in f["mountOptions"]
  linux = f["linux"]
  assert {"pid", "network", "mount", "user"} <= set(linux["namespaces"])
  assert "CAP_SYS_ADMIN" in linux["capabilities"]
  assert set(linux["namespaces"]) <= ALL_NAMESPACES


def test_features_oci_version_max_is_1_3(rt):
  assert _features(rt)["ociVersionMax"].startswith("1.3.")


def test_features_all_namespaces(rt):
  assert set(_features(rt)["linux"]["namespaces"]) == ALL_NAMESPACES


# -- --log --------------------------------------------------------------------


def _json_lines(path):
  records = []
  for line in path.read_text().splitlines():
    if not line.strip():
      continue
    rec = json.loads(line)
    assert isinstance(rec, dict), line
    for key in ("level", "msg", "time"):
      assert key in rec, f"{key} missing: {line}"
    records.append(rec)
  return records


def test_log_json_error_goes_to_log_and_stderr(rt, ctx):
  log = ctx.tmp / "log.json"
  cid = rt.new_id("ghost")
  res = rt("state", cid, global_args=["--log", log, "--log-format", "json"])
  assert res.rc == 1, res
  assert res.err.strip()
  errors = [r for r in _json_lines(log) if r["level"] == "error"]
  assert errors, log.read_text()
  assert errors[-1]["msg"] in res.err


def test_log_json_debug_is_all_json(rt, bundle, ctx):
  log = ctx.tmp / "debug.json"
  g = ["--log", log, "--log-format", "json", "--debug"]
  bundle.set_args(["true"])
  bundle.write()
  cid = rt.new_id()
  assert rt("create", "--bundle", bundle.path, cid, global_args=g).rc == 0
  assert rt("start", cid, global_args=g).rc == 0
  rt.wait_status(cid, "stopped")
  assert rt("delete", cid, global_args=g).rc == 0
  records = _json_lines(log)
  assert records, "--debug logged nothing"
  assert {r["level"] for r in records} <= {"debug", "info", "warning",
                                           "error", "fatal"}


def test_log_text_format(rt, ctx):
  log = ctx.tmp / "log.txt"
  cid = rt.new_id("ghost")
  res = rt("state", cid, global_args=["--log", log, "--log-format", "text"])
  assert res.rc == 1, res
  text = log.read_text()
  assert "error" in text
  with pytest.raises(ValueError):
    json.loads(text.splitlines()[0])


def test_root_dir_holds_state(rt, bundle):
  cid = rt.create(bundle, args=sh("sleep 100"))
  assert rt.state_dir(cid).is_dir()
  assert os.listdir(rt.state_dir(cid)), "empty state dir"
  rt.remove(cid)
  assert not rt.state_dir(cid).exists()
