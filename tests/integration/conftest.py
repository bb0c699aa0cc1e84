# SPDX-License-Identifier: GPL-2.0-or-later
"""Fixtures of the integration suite.

Run as root: SKIFF=/path/to/runtime /usr/bin/python3 -m pytest tests/integration
Every test gets its own directory, --root and id prefix (the "token"); after
each test an autouse check looks for what the test or the runtime left
behind: state dirs, mounts, processes, cgroups, then removes it all.
"""

import os
import secrets
import time

import pytest

import helpers
from helpers import Bundle, Runtime


def pytest_report_header(config):
  return f"runtime: {helpers.RUNTIME}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
  outcome = yield
  rep = outcome.get_result()
  setattr(item, "rep_" + rep.when, rep)


@pytest.fixture(scope="session")
def busybox():
  if os.geteuid() != 0:
    pytest.skip("integration tests need root")
  path = helpers.find_static_busybox()
  if not path:
    pytest.skip("no static busybox (install busybox-static)")
  if not os.access(helpers.RUNTIME, os.X_OK):
    pytest.skip(f"runtime binary not found: {helpers.RUNTIME} (set SKIFF)")
  return path


@pytest.fixture(scope="session")
def rootfs_template(busybox):
  d = helpers.new_test_dir()
  template = helpers.build_rootfs_template(busybox, d / "rootfs")
  yield template
  helpers.safe_rmtree(d)


class Context:
  def __init__(self, tmp, token):
    self.tmp = tmp
    self.token = token
    self.root = tmp / "root"
    self.work = tmp / "work"
    self.work.mkdir()


@pytest.fixture(autouse=True)
def ctx(request, rootfs_template):
  tmp = helpers.new_test_dir()
  token = "it" + secrets.token_hex(4)
  mounts_before = helpers.mountinfo()
  c = Context(tmp, token)
  c.runtime = Runtime(helpers.RUNTIME, c.root, c.work, token)
  yield c

  problems = _leak_check(c, mounts_before)
  call = getattr(request.node, "rep_call", None)
  if problems and call is not None and call.passed:
    pytest.fail("leaked after the test:\n  " + "\n  ".join(problems),
                pytrace=False)
  elif problems:
    print("leaks after a failed test:\n  " + "\n  ".join(problems))


def _container_dirs(root):
  try:
    return sorted(p.name for p in root.iterdir())
  except FileNotFoundError:
    return []


def _leak_check(c, mounts_before):
  """Report and clean up what remains.  The runtime gets the first go at
  cleaning (kill + delete --force), then whatever is still there is
  reported and removed by hand."""
  problems = []
  rt = c.runtime
  left = _container_dirs(c.root)
  if left:
    problems.append(f"container state left in {c.root}: {left}")
  for cid in set(left) | set(rt.ids):
    if (c.root / cid).exists():
      rt("kill", "--all", cid, "KILL", timeout=10)
      rt("delete", "--force", cid, timeout=10)

  clean = helpers.wait_for(
      lambda: not helpers.leaked_processes(c.token, c.tmp, rt.seen_pids),
      timeout=3.0)
  if not clean:
    procs = helpers.leaked_processes(c.token, c.tmp, rt.seen_pids)
    for pid, cmd, why in procs:
      problems.append(f"process {pid} ({cmd}) still alive: {why}")
      if pid <= 1:
        continue
      try:
        os.kill(pid, 9)
      except ProcessLookupError:
        pass
    time.sleep(0.2)

  new_mounts = [
      line for line in helpers.mountinfo() - mounts_before
      if str(c.tmp) in line or c.token in line
  ]
  for line in new_mounts:
    problems.append(f"mount left: {line}")
  helpers.umount_under(new_mounts)

  clean = helpers.wait_for(lambda: not helpers.leaked_cgroups(c.token),
                           timeout=2.0)
  if not clean:
    cgroups = helpers.leaked_cgroups(c.token)
    for path in cgroups:
      problems.append(f"cgroup left: {path}")
    helpers.remove_cgroups(cgroups)

  for cid in _container_dirs(c.root):
    if cid not in left:
      problems.append(f"container state reappeared: {c.root / cid}")
  if not any(str(c.tmp) in line for line in helpers.mountinfo()):
    helpers.safe_rmtree(c.tmp)
  return problems


@pytest.fixture
def rt(ctx):
  """The runtime, bound to this test's --root."""
  return ctx.runtime


@pytest.fixture
def make_bundle(ctx, rootfs_template):
  """Factory: make_bundle(name) -> a fresh Bundle under the test dir."""
  def make(name="bundle"):
    return Bundle(ctx.tmp / name, rootfs_template, ctx.token)
  return make


@pytest.fixture
def bundle(make_bundle):
  return make_bundle()
