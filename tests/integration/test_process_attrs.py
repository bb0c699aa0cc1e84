# SPDX-License-Identifier: GPL-2.0-or-later
"""process.* attributes beyond the basics of test_process.py: the five
capability sets and their errors, every rlimit, oomScoreAdj, user, LSM
labels, ioPriority, scheduler, linux.personality, linux.memoryPolicy,
PATH lookup and the session keyring."""

import os
import resource

import pytest

from helpers import cap_mask, sh
from proc_helpers import install_probe, parse_kv


def status_fields(text):
  fields = {}
  for line in text.splitlines():
    key, sep, value = line.partition(":")
    if sep:
      fields[key] = value.strip()
  return fields


def caps_of(rt, bundle):
  st = status_fields(rt.output(bundle, ["cat", "/proc/self/status"]))
  return {k: int(st[k], 16) for k in
          ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}


def assert_config_error(res, *words):
  assert res.rc == 1, res
  for word in words:
    assert word in res.err, res


# ---------------------------------------------------------------------------
# capabilities


@pytest.mark.parametrize("nnp", [True, False])
def test_capabilities_five_distinct_sets(rt, bundle, nnp):
  """Each set is applied on its own: none is derived from another."""
  bnd = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_KILL",
         "CAP_SETGID", "CAP_SETUID", "CAP_NET_RAW"]
  prm = ["CAP_CHOWN", "CAP_FOWNER", "CAP_KILL", "CAP_NET_RAW"]
  eff = ["CAP_CHOWN", "CAP_KILL"]
  inh = ["CAP_KILL", "CAP_NET_RAW", "CAP_SETUID"]
  amb = ["CAP_KILL"]
  bundle.config["process"]["noNewPrivileges"] = nnp
  bundle.config["process"]["capabilities"] = {
      "bounding": bnd, "permitted": prm, "effective": eff,
      "inheritable": inh, "ambient": amb}
  caps = caps_of(rt, bundle)
  assert caps["CapBnd"] == cap_mask(bnd)
  assert caps["CapInh"] == cap_mask(inh)
  assert caps["CapAmb"] == cap_mask(amb)
  # uid 0's execve of a file without capabilities: P' = I | bounding, and
  # E' = P'; with no_new_privs the kernel caps P' at the old permitted set.
  # So these show the permitted (nnp) or bounding and inheritable sets the
  # runtime left behind.
  want = cap_mask(prm) if nnp else cap_mask(bnd) | cap_mask(inh)
  assert caps["CapPrm"] == want
  assert caps["CapEff"] == want


def test_non_root_keeps_ambient_caps_and_uses_them(rt, bundle):
  """uid 1000 with CAP_CHOWN in ambient can chown a root file."""
  f = bundle.rootfs / "tmp" / "owned-by-root"
  f.write_text("x")
  want = ["CAP_CHOWN"]
  bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
  bundle.config["process"]["capabilities"] = {
      k: want for k in ("bounding", "effective", "permitted", "inheritable",
                        "ambient")}
  out = rt.output(bundle, sh("chown 1000 /tmp/owned-by-root && echo ok; "
                             "grep CapEff /proc/self/status"))
  lines = out.splitlines()
  assert lines[0] == "ok"
  assert int(lines[1].split()[1], 16) == cap_mask(want)
  assert f.stat().st_uid == 1000


def test_non_root_without_ambient_loses_caps(rt, bundle):
  bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
  bundle.config["process"]["capabilities"] = {
      k: ["CAP_CHOWN"] for k in ("bounding", "effective", "permitted")}
  caps = caps_of(rt, bundle)
  assert caps["CapBnd"] == cap_mask(["CAP_CHOWN"])
  assert caps["CapEff"] == caps["CapPrm"] == caps["CapAmb"] == 0


@pytest.mark.parametrize("kind", ["bounding", "effective", "permitted",
                                  "inheritable", "ambient"])
def test_unknown_capability_is_an_error(rt, bundle, kind):
  bundle.config["process"]["capabilities"][kind] = [
      "CAP_KILL", "CAP_NO_SUCH_THING"]
  res = rt.run_container(bundle)
  assert_config_error(res, "CAP_NO_SUCH_THING", kind)


# ---------------------------------------------------------------------------
# rlimits

# RLIMIT_* name -> (number in linux/resource.h (the resource module lacks
# some), row in /proc/self/limits,
# preferred value: lowered from the host's where the host's is larger)
RLIMITS = {
    "RLIMIT_CPU": (0, "Max cpu time", 100000),
    "RLIMIT_FSIZE": (1, "Max file size", 1 << 30),
    "RLIMIT_DATA": (2, "Max data size", 1 << 31),
    "RLIMIT_STACK": (3, "Max stack size", 4 << 20),
    "RLIMIT_CORE": (4, "Max core file size", 0),
    "RLIMIT_RSS": (5, "Max resident set", 1 << 31),
    "RLIMIT_NPROC": (6, "Max processes", 4000),
    "RLIMIT_NOFILE": (7, "Max open files", 777),
    "RLIMIT_MEMLOCK": (8, "Max locked memory", 65536),
    "RLIMIT_AS": (9, "Max address space", 1 << 32),
    "RLIMIT_LOCKS": (10, "Max file locks", 1000),
    "RLIMIT_SIGPENDING": (11, "Max pending signals",
                          1000),
    "RLIMIT_MSGQUEUE": (12, "Max msgqueue size", 8192),
    "RLIMIT_NICE": (13, "Max nice priority", 0),
    "RLIMIT_RTPRIO": (14, "Max realtime priority", 0),
    "RLIMIT_RTTIME": (15, "Max realtime timeout",
                      1000000),
}


def _limits_table(text):
  rows = {}
  for line in text.splitlines()[1:]:
    for name in (v[1] for v in RLIMITS.values()):
      if line.startswith(name):
        soft, hard = line[len(name):].split()[:2]
        rows[name] = (soft, hard)
  return rows


def _fmt(v):
  return "unlimited" if v == resource.RLIM_INFINITY else str(v)


def test_every_rlimit(rt, bundle):
  want = {}
  config = []
  for name, (res_id, row, preferred) in RLIMITS.items():
    _, host_hard = resource.getrlimit(res_id)
    value = preferred if host_hard == resource.RLIM_INFINITY else min(
        preferred, host_hard)
    soft = value // 2 if name in ("RLIMIT_NOFILE", "RLIMIT_CPU") else value
    config.append({"type": name, "soft": soft, "hard": value})
    want[row] = (_fmt(soft), _fmt(value))
  bundle.config["process"]["rlimits"] = config
  got = _limits_table(rt.output(bundle, ["cat", "/proc/self/limits"]))
  assert got == want


def test_rlimit_unknown_type(rt, bundle):
  bundle.config["process"]["rlimits"] = [
      {"type": "RLIMIT_NOFILE", "soft": 100, "hard": 100},
      {"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]
  assert_config_error(rt.run_container(bundle), "process.rlimits[1]",
                      "RLIMIT_BOGUS")


def test_rlimit_soft_above_hard(rt, bundle):
  bundle.config["process"]["rlimits"] = [
      {"type": "RLIMIT_NOFILE", "soft": 200, "hard": 100}]
  assert_config_error(rt.run_container(bundle), "process.rlimits[0]")


def test_rlimit_raise_above_hard_needs_privilege(rt, bundle):
  """This host's root lacks CAP_SYS_RESOURCE: raising a hard limit fails
  with the rlimit named, and nothing is left behind."""
  _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
  if hard == resource.RLIM_INFINITY:
    pytest.skip("RLIMIT_NOFILE hard limit is unlimited here")
  with open("/proc/self/status") as f:
    eff = int(status_fields(f.read())["CapEff"], 16)
  if eff & cap_mask(["CAP_SYS_RESOURCE"]):
    pytest.skip("this host's root has CAP_SYS_RESOURCE")
  bundle.config["process"]["rlimits"] = [
      {"type": "RLIMIT_NOFILE", "soft": hard + 1000, "hard": hard + 1000}]
  assert_config_error(rt.run_container(bundle), "RLIMIT_NOFILE")


# ---------------------------------------------------------------------------
# oomScoreAdj, user


def test_oom_score_adj_raised(rt, bundle):
  with open("/proc/self/oom_score_adj") as f:
    current = int(f.read())
  want = min(current + 321, 1000)
  bundle.config["process"]["oomScoreAdj"] = want
  out = rt.output(bundle, sh("cat /proc/self/oom_score_adj; "
                             "cat /proc/self/oom_adj"))
  assert out.splitlines()[0] == str(want)


def test_oom_score_adj_lowering_needs_privilege(rt, bundle):
  with open("/proc/self/oom_score_adj") as f:
    current = int(f.read())
  with open("/proc/self/status") as f:
    eff = int(status_fields(f.read())["CapEff"], 16)
  if eff & cap_mask(["CAP_SYS_RESOURCE"]) or current <= -1000:
    pytest.skip("root may lower oom_score_adj here")
  bundle.config["process"]["oomScoreAdj"] = current - 100
  assert_config_error(rt.run_container(bundle), "oomScoreAdj")


def test_user_identity_groups_and_umask(rt, bundle):
  bundle.config["process"]["user"] = {
      "uid": 1000, "gid": 1000, "additionalGids": [5, 10, 20],
      "umask": 0o027}
  out = rt.output(bundle, sh(
      "id -u; id -g; id -G; umask; cd /home/user; touch f; mkdir d; "
      "stat -c '%u:%g %a' f d"))
  lines = out.splitlines()
  assert lines[0] == "1000" and lines[1] == "1000"
  assert sorted(lines[2].split(), key=int) == ["5", "10", "20", "1000"]
  assert lines[3] == "0027"
  assert lines[4:] == ["1000:1000 640", "1000:1000 750"]


# ---------------------------------------------------------------------------
# LSM labels: this host has neither AppArmor nor SELinux


def _apparmor_enabled():
  try:
    with open("/sys/module/apparmor/parameters/enabled") as f:
      return f.read().strip() == "Y"
  except OSError:
    return False


def test_apparmor_profile_without_apparmor(rt, bundle):
  if _apparmor_enabled():
    pytest.skip("AppArmor is enabled on this host")
  bundle.config["process"]["apparmorProfile"] = "itest-profile"
  assert_config_error(rt.run_container(bundle), "process.apparmorProfile",
                      "itest-profile")


def test_selinux_label_without_selinux(rt, bundle):
  if os.path.exists("/sys/fs/selinux/enforce"):
    pytest.skip("SELinux is enabled on this host")
  bundle.config["process"]["selinuxLabel"] = \
      "system_u:system_r:container_t:s0:c1,c2"
  assert_config_error(rt.run_container(bundle), "process.selinuxLabel")


# ---------------------------------------------------------------------------
# ioPriority, scheduler, personality, memoryPolicy (seen by the probe)


@pytest.mark.parametrize("klass,prio,want", [
    ("IOPRIO_CLASS_IDLE", 0, (3, 0)),
    ("IOPRIO_CLASS_BE", 6, (2, 6)),
])
def test_io_priority(rt, bundle, klass, prio, want):
  probe = install_probe(bundle)
  bundle.config["process"]["ioPriority"] = {"class": klass, "priority": prio}
  got = parse_kv(rt.output(bundle, [probe, "ioprio"]))
  assert (got["class"], got["data"]) == want


def test_io_priority_seen_from_host(rt, bundle):
  """The init's io priority, before start, read with ionice on the host."""
  bundle.config["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_IDLE",
                                            "priority": 0}
  cid = rt.create(bundle, args=["sleep", "30"])
  pid = rt.state(cid)["pid"]
  import subprocess
  out = subprocess.run(["ionice", "-p", str(pid)], capture_output=True,
                       text=True)
  rt.remove(cid)
  assert out.returncode == 0, out
  assert out.stdout.strip() == "idle"


def test_io_priority_bad_class(rt, bundle):
  bundle.config["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_NOPE",
                                            "priority": 0}
  assert_config_error(rt.run_container(bundle), "process.ioPriority",
                      "IOPRIO_CLASS_NOPE")


@pytest.mark.parametrize("policy,nr,nice", [
    ("SCHED_BATCH", 3, 7), ("SCHED_IDLE", 5, 0), ("SCHED_OTHER", 0, 4)])
def test_scheduler_policy(rt, bundle, policy, nr, nice):
  probe = install_probe(bundle)
  bundle.config["process"]["scheduler"] = {"policy": policy, "nice": nice}
  got = parse_kv(rt.output(bundle, [probe, "sched"]))
  assert got["policy"] == nr
  if policy != "SCHED_IDLE":
    assert got["nice"] == nice


def test_scheduler_seen_from_host(rt, bundle):
  bundle.config["process"]["scheduler"] = {"policy": "SCHED_BATCH",
                                           "nice": 3}
  cid = rt.create(bundle, args=["sleep", "30"])
  pid = rt.state(cid)["pid"]
  policy = os.sched_getscheduler(pid)
  nice = os.getpriority(os.PRIO_PROCESS, pid)
  rt.remove(cid)
  assert policy == os.SCHED_BATCH
  assert nice == 3


def test_scheduler_deadline(rt, bundle):
  """SCHED_DEADLINE: either applied (policy 6) or a clear error naming the
  scheduler; never silently ignored."""
  probe = install_probe(bundle)
  bundle.config["process"]["scheduler"] = {
      "policy": "SCHED_DEADLINE", "runtime": 10_000_000,
      "deadline": 30_000_000, "period": 30_000_000}
  res = rt.run_container(bundle, [probe, "sched"])
  if res.rc == 0:
    assert parse_kv(res.out)["policy"] == 6
  else:
    assert_config_error(res, "process.scheduler", "SCHED_DEADLINE")


def test_scheduler_unknown_policy(rt, bundle):
  bundle.config["process"]["scheduler"] = {"policy": "SCHED_FAST"}
  assert_config_error(rt.run_container(bundle), "process.scheduler",
                      "SCHED_FAST")


def test_personality_linux32(rt, bundle):
  bundle.config["linux"]["personality"] = {"domain": "LINUX32"}
  assert rt.output(bundle, ["uname", "-m"]) == "i686\n"


def test_personality_linux(rt, bundle):
  bundle.config["linux"]["personality"] = {"domain": "LINUX"}
  assert rt.output(bundle, ["uname", "-m"]) == os.uname().machine + "\n"


def test_personality_unknown_domain(rt, bundle):
  bundle.config["linux"]["personality"] = {"domain": "LINUX16"}
  assert_config_error(rt.run_container(bundle), "linux.personality",
                      "LINUX16")


def test_memory_policy_bind(rt, bundle):
  probe = install_probe(bundle)
  bundle.config["linux"]["memoryPolicy"] = {"mode": "MPOL_BIND",
                                            "nodes": "0"}
  got = parse_kv(rt.output(bundle, [probe, "mempolicy"]))
  assert got == {"mode": 2, "nodes": 1}


def test_memory_policy_default_untouched(rt, bundle):
  probe = install_probe(bundle)
  got = parse_kv(rt.output(bundle, [probe, "mempolicy"]))
  assert got["mode"] == 0


def test_memory_policy_bad_mode(rt, bundle):
  bundle.config["linux"]["memoryPolicy"] = {"mode": "MPOL_SOMEWHERE",
                                            "nodes": "0"}
  assert_config_error(rt.run_container(bundle), "linux.memoryPolicy",
                      "MPOL_SOMEWHERE")


# ---------------------------------------------------------------------------
# process.env: PATH lookup of args[0]


def _tool(bundle, d="opt/only-here"):
  path = bundle.rootfs / d
  path.mkdir(parents=True)
  (path / "itest-tool").write_text("#!/bin/sh\necho \"tool in $0\"\n")
  (path / "itest-tool").chmod(0o755)


def test_path_lookup_in_config_path(rt, bundle):
  _tool(bundle)
  bundle.config["process"]["env"] = ["PATH=/nowhere:/opt/only-here:/bin"]
  assert rt.output(bundle, ["itest-tool"]) == \
      "tool in /opt/only-here/itest-tool\n"


def test_path_lookup_ignores_dirs_not_in_path(rt, bundle):
  """Not found through skiff's own PATH or a default one either."""
  _tool(bundle, "usr/local/bin")
  bundle.config["process"]["env"] = ["PATH=/bin"]
  res = rt.run_container(bundle, ["itest-tool"])
  assert res.rc != 0, res
  assert "itest-tool" in res.err, res


# ---------------------------------------------------------------------------
# session keyring


def test_new_session_keyring_per_container(rt, make_bundle):
  descs = []
  for name in ("a", "b"):
    b = make_bundle(name)
    probe = install_probe(b)
    cid = rt.new_id(name)
    out = rt.output(b, [probe, "keyring"], cid=cid)
    descs.append((cid, out.strip()))
  for cid, desc in descs:
    assert desc.startswith("keyring;"), desc
    assert cid in desc.split(";", 4)[-1], desc
  # different keyrings, so nothing of the host's session is reachable
  assert descs[0][1] != descs[1][1]


def test_no_new_keyring(rt, bundle):
  probe = install_probe(bundle)
  cid = rt.new_id("nk")
  out = rt.output(bundle, [probe, "keyring"], cid=cid,
                  extra=["--no-new-keyring"])
  assert cid not in out, out
