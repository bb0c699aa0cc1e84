# SPDX-License-Identifier: GPL-2.0-or-later
"""hooks: all six kinds, each in the namespaces runtime-config says, in
order, with the state on stdin and their args/env/timeout; failing hooks
and bad hook entries."""

import json
import os
import time

import pytest

from helpers import host_ns, sh

KINDS = ["prestart", "createRuntime", "createContainer", "startContainer",
         "poststart", "poststop"]
# runtime-spec config.md: where each kind runs
IN_CONTAINER = {"createContainer", "startContainer"}
STATUS = {"prestart": "creating", "createRuntime": "creating",
          "createContainer": "creating", "startContainer": "created",
          "poststart": "running", "poststop": "stopped"}
NS = ("mnt", "pid", "net", "uts", "ipc")

# Records its namespaces, stdin, args and environment into $2/$1.*, and
# appends its kind to $2/order. Works with dash (host) and busybox sh.
HOOK = """#!/bin/sh
kind=$1; dir=$2
cat > "$dir/$kind.state"
for n in mnt pid net uts ipc; do
  echo "$n=$(readlink /proc/self/ns/$n)"
done > "$dir/$kind.ns"
printf '%s\\n' "$@" > "$dir/$kind.args"
env > "$dir/$kind.env"
[ -n "$HOOK_SLEEP" ] && sleep "$HOOK_SLEEP"
echo "$kind" >> "$dir/order"
exit ${HOOK_EXIT:-0}
"""


def write_script(path, text, mode=0o755):
  path.write_text(text)
  path.chmod(mode)
  return str(path)


class HookSetup:
  def __init__(self, ctx, bundle):
    self.bundle = bundle
    self.host_dir = ctx.tmp / "hooklog"
    self.host_dir.mkdir()
    self.host_dir.chmod(0o777)
    self.host_script = write_script(ctx.tmp / "hook.sh", HOOK)
    write_script(bundle.rootfs / "hook.sh", HOOK)
    bundle.config["mounts"].append({
        "destination": "/hooklog", "type": "bind",
        "source": str(self.host_dir), "options": ["rbind", "rw"]})
    bundle.config["hooks"] = {}

  def add(self, kind, env=(), timeout=None, extra_args=()):
    # startContainer's path resolves in the container; the others on the
    # host (createContainer runs before pivot_root)
    path = "/hook.sh" if kind == "startContainer" else self.host_script
    d = "/hooklog" if kind == "startContainer" else str(self.host_dir)
    hook = {"path": path, "args": [path, kind, d, *extra_args],
            "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", f"HOOKVAR={kind}",
                    *env]}
    if timeout is not None:
      hook["timeout"] = timeout
    self.bundle.config["hooks"].setdefault(kind, []).append(hook)

  def read(self, kind, what):
    return (self.host_dir / f"{kind}.{what}").read_text()

  def ns(self, kind):
    return dict(l.split("=", 1) for l in self.read(kind, "ns").splitlines())

  def order(self):
    p = self.host_dir / "order"
    return p.read_text().split() if p.exists() else []


def run_lifecycle(rt, bundle):
  """create, start, wait for the exit, delete; returns (cid, pid, the
  container process's namespaces)."""
  bundle.config["process"]["args"] = sh(
      "for n in mnt pid net uts ipc; do "
      "echo \"$n=$(readlink /proc/self/ns/$n)\"; done > /hooklog/container.ns")
  cid = rt.create(bundle)
  pid = rt.state(cid)["pid"]
  res = rt("start", cid)
  assert res.rc == 0, res
  rt.wait_status(cid, "stopped")
  res = rt("delete", cid)
  assert res.rc == 0, res
  return cid, pid


def test_all_hooks_namespaces_state_args_env(rt, bundle, ctx):
  hooks = HookSetup(ctx, bundle)
  for kind in KINDS:
    hooks.add(kind, extra_args=["extra arg"])
  cid, pid = run_lifecycle(rt, bundle)
  container_ns = dict(
      l.split("=", 1) for l in
      (hooks.host_dir / "container.ns").read_text().splitlines())
  for kind in KINDS:
    ns = hooks.ns(kind)
    want = container_ns if kind in IN_CONTAINER else {
        n: host_ns(n) for n in NS}
    assert ns == want, kind
    state = json.loads(hooks.read(kind, "state"))
    assert state["id"] == cid, kind
    assert state["bundle"] == str(bundle.path), kind
    assert state["status"] == STATUS[kind], kind
    assert "ociVersion" in state
    if kind != "poststop":
      assert state["pid"] == pid, kind
    args = hooks.read(kind, "args").splitlines()
    assert args[0] == kind and args[2] == "extra arg", kind
    env = dict(l.split("=", 1) for l in hooks.read(kind, "env").splitlines()
               if "=" in l)
    assert env.get("HOOKVAR") == kind
    # only the hook's env: nothing of the runtime's
    assert "SKIFF_ITEST_TOKEN" not in env, kind


def test_hooks_run_in_order(rt, bundle, ctx):
  hooks = HookSetup(ctx, bundle)
  for kind in KINDS:
    hooks.add(kind)
  hooks.add("prestart", env=["HOOK_SLEEP=0.2"])
  run_lifecycle(rt, bundle)
  assert hooks.order() == ["prestart", "prestart", "createRuntime",
                           "createContainer", "startContainer",
                           "poststart", "poststop"]


def test_poststart_waits_for_start_container(rt, bundle, ctx):
  """runtime.md: startContainer runs before the user process is executed,
  poststart after; a slow startContainer hook must not be overtaken."""
  hooks = HookSetup(ctx, bundle)
  hooks.add("startContainer", env=["HOOK_SLEEP=1"])
  hooks.add("poststart")
  run_lifecycle(rt, bundle)
  assert hooks.order() == ["startContainer", "poststart"]


def test_hook_timeout(rt, bundle, ctx):
  slow = write_script(ctx.tmp / "slow.sh", "#!/bin/sh\nexec sleep 60\n")
  bundle.config["hooks"] = {"createRuntime": [{"path": slow, "timeout": 1}]}
  bundle.write()
  cid = rt.new_id()
  t0 = time.monotonic()
  res = rt("create", "--bundle", bundle.path, cid)
  elapsed = time.monotonic() - t0
  assert res.rc == 1, res
  assert "hooks.createRuntime[0]" in res.err and "timed out" in res.err, res
  assert elapsed < 10
  assert rt.status(cid) is None


def test_hook_timeout_not_hit(rt, bundle, ctx):
  hooks = HookSetup(ctx, bundle)
  hooks.add("createRuntime", env=["HOOK_SLEEP=0.3"], timeout=5)
  run_lifecycle(rt, bundle)
  assert hooks.order() == ["createRuntime"]


@pytest.mark.parametrize("kind", ["prestart", "createRuntime",
                                  "createContainer"])
def test_failing_create_hook_fails_create(rt, bundle, ctx, kind):
  hooks = HookSetup(ctx, bundle)
  hooks.add(kind, env=["HOOK_EXIT=3"])
  bundle.write()
  cid = rt.new_id()
  res = rt("create", "--bundle", bundle.path, cid)
  assert res.rc == 1, res
  assert f"hooks.{kind}[0]" in res.err and "status 3" in res.err, res
  assert rt.status(cid) is None
  assert not rt.state_dir(cid).exists()


def test_failing_start_container_hook(rt, bundle, ctx):
  """The user process never runs."""
  hooks = HookSetup(ctx, bundle)
  hooks.add("startContainer", env=["HOOK_EXIT=4"])
  bundle.config["process"]["args"] = sh("echo ran > /hooklog/ran")
  cid = rt.create(bundle)
  rt("start", cid)
  rt.wait_status(cid, "stopped")
  rt.remove(cid)
  assert hooks.order() == ["startContainer"]
  assert not (hooks.host_dir / "ran").exists()


def test_failing_poststart_stops_and_deletes(rt, bundle, ctx):
  hooks = HookSetup(ctx, bundle)
  hooks.add("poststart", env=["HOOK_EXIT=5"])
  cid = rt.create(bundle, args=["sleep", "60"])
  pid = rt.state(cid)["pid"]
  res = rt("start", cid)
  assert res.rc == 1, res
  assert "hooks.poststart[0]" in res.err, res
  assert rt.status(cid) is None
  assert not rt.state_dir(cid).exists()
  assert not os.path.exists(f"/proc/{pid}") or \
      open(f"/proc/{pid}/stat").read().split(") ")[1][0] in "ZX"


def test_failing_poststop_is_a_warning(rt, bundle, ctx):
  hooks = HookSetup(ctx, bundle)
  hooks.add("poststop", env=["HOOK_EXIT=6"])
  cid = rt.create(bundle)
  assert rt("start", cid).rc == 0
  rt.wait_status(cid, "stopped")
  res = rt("delete", cid)
  assert res.rc == 0, res
  assert "hooks.poststop[0]" in res.err, res
  assert not rt.state_dir(cid).exists()
  assert hooks.order() == ["poststop"]


@pytest.mark.parametrize("kind", KINDS)
def test_hook_path_not_absolute(rt, bundle, kind):
  bundle.config["hooks"] = {kind: [{"path": "hook.sh"}]}
  res = rt.run_container(bundle, ["echo", "must-not-run"])
  assert res.rc == 1, res
  assert f"hooks.{kind}[0].path" in res.err, res
  assert "must-not-run" not in res.out


@pytest.mark.parametrize("kind", ["prestart", "createRuntime", "poststart",
                                  "poststop"])
def test_hook_not_executable(rt, bundle, ctx, kind):
  path = write_script(ctx.tmp / "noexec.sh", "#!/bin/sh\nexit 0\n", 0o644)
  bundle.config["hooks"] = {kind: [{"path": path}]}
  res = rt.run_container(bundle, ["echo", "must-not-run"])
  assert res.rc == 1, res
  assert f"hooks.{kind}[0]" in res.err and "noexec.sh" in res.err, res
  assert "must-not-run" not in res.out


def test_hook_missing(rt, bundle, ctx):
  bundle.config["hooks"] = {"createRuntime": [
      {"path": str(ctx.tmp / "does-not-exist")}]}
  res = rt.run_container(bundle, ["echo", "must-not-run"])
  assert res.rc == 1, res
  assert "hooks.createRuntime[0]" in res.err and "does-not-exist" in res.err
