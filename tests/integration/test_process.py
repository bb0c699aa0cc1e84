# SPDX-License-Identifier: GPL-2.0-or-later
"""process.*: args, env, cwd, user, umask, rlimits, noNewPrivileges,
capabilities, oomScoreAdj; plus linux.sysctl."""

import resource

from helpers import cap_mask, sh


def status_fields(text):
  fields = {}
  for line in text.splitlines():
    key, sep, value = line.partition(":")
    if sep:
      fields[key] = value.strip()
  return fields


def proc_status(rt, bundle):
  return status_fields(rt.output(bundle, ["cat", "/proc/self/status"]))


def test_args_passed_verbatim(rt, bundle):
  out = rt.output(bundle, ["printf", "[%s]\n", "a", "b c", "", "$HOME", "*"])
  assert out == "[a]\n[b c]\n[]\n[$HOME]\n[*]\n"


def test_env(rt, bundle):
  bundle.config["process"]["env"] = [
      "PATH=/bin", "FOO=bar", "WITH_SPACE=a b  c", "EMPTY="]
  lines = rt.output(bundle, ["env"]).splitlines()
  for var in ("PATH=/bin", "FOO=bar", "WITH_SPACE=a b  c", "EMPTY="):
    assert var in lines
  # nothing of the runtime's own environment leaks in
  names = {l.split("=", 1)[0] for l in lines}
  assert names <= {"PATH", "FOO", "WITH_SPACE", "EMPTY", "HOME",
                   "SKIFF_ITEST_TOKEN", "PWD", "SHLVL", "TERM"}, lines


def test_path_lookup_uses_container_env(rt, bundle):
  opt = bundle.rootfs / "opt" / "tools"
  opt.mkdir(parents=True)
  (opt / "hello-tool").write_text("#!/bin/sh\necho tool-ran\n")
  (opt / "hello-tool").chmod(0o755)
  bundle.config["process"]["env"] = ["PATH=/opt/tools:/bin"]
  assert rt.output(bundle, ["hello-tool"]) == "tool-ran\n"


def test_cwd(rt, bundle):
  bundle.config["process"]["cwd"] = "/home/user"
  assert rt.output(bundle, ["pwd"]) == "/home/user\n"


def test_user_uid_gid_additional_gids(rt, bundle):
  bundle.config["process"]["user"] = {
      "uid": 1000, "gid": 1000, "additionalGids": [10, 20]}
  st = proc_status(rt, bundle)
  assert st["Uid"].split() == ["1000"] * 4
  assert st["Gid"].split() == ["1000"] * 4
  assert sorted(st["Groups"].split()) == ["10", "20"]


def test_user_id_command(rt, bundle):
  bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000,
                                      "additionalGids": [20]}
  out = rt.output(bundle, sh("id -u; id -g; id -G"))
  lines = out.splitlines()
  assert lines[0] == "1000" and lines[1] == "1000"
  assert sorted(lines[2].split()) == ["1000", "20"]


def test_root_has_no_supplementary_groups(rt, bundle):
  st = proc_status(rt, bundle)
  assert st["Uid"].split() == ["0"] * 4
  assert st["Groups"] == "", "host groups leaked into the container"


def test_umask(rt, bundle):
  bundle.config["process"]["user"]["umask"] = 0o077
  out = rt.output(bundle, sh("umask; touch /tmp/f; stat -c %a /tmp/f"))
  assert out.splitlines() == ["0077", "600"]


def test_default_umask(rt, bundle):
  assert rt.output(bundle, sh("umask")) == "0022\n"


def test_rlimits(rt, bundle):
  # Only lower limits: root here lacks CAP_SYS_RESOURCE.
  soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
  new_hard = min(hard, 768)
  new_soft = min(soft, 512)
  _, core_hard = resource.getrlimit(resource.RLIMIT_CORE)
  bundle.config["process"]["rlimits"] = [
      {"type": "RLIMIT_NOFILE", "soft": new_soft, "hard": new_hard},
      {"type": "RLIMIT_CORE", "soft": 0, "hard": 0},
  ]
  out = rt.output(bundle, sh("ulimit -n; ulimit -Hn; ulimit -c; "
                             "grep -E 'open files|core file' /proc/self/limits"))
  lines = out.splitlines()
  assert lines[0] == str(new_soft)
  assert lines[1] == str(new_hard)
  assert lines[2] == "0"
  assert core_hard == resource.RLIM_INFINITY or core_hard >= 0
  nofile = [l for l in lines if l.startswith("Max open files")][0].split()
  assert nofile[3:5] == [str(new_soft), str(new_hard)]


def test_no_new_privileges_on(rt, bundle):
  bundle.config["process"]["noNewPrivileges"] = True
  assert proc_status(rt, bundle)["NoNewPrivs"] == "1"


def test_no_new_privileges_off(rt, bundle):
  bundle.config["process"]["noNewPrivileges"] = False
  assert proc_status(rt, bundle)["NoNewPrivs"] == "0"


def _caps(st):
  return {k: int(st[k], 16) for k in
          ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}


def test_capabilities_root(rt, bundle):
  bset = ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID",
          "CAP_SYS_CHROOT"]
  inh = ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
  amb = ["CAP_NET_BIND_SERVICE"]
  bundle.config["process"]["capabilities"] = {
      "bounding": bset, "effective": bset, "permitted": bset,
      "inheritable": inh, "ambient": amb}
  caps = _caps(proc_status(rt, bundle))
  assert caps["CapBnd"] == cap_mask(bset)
  assert caps["CapEff"] == cap_mask(bset)
  assert caps["CapPrm"] == cap_mask(bset)
  assert caps["CapInh"] == cap_mask(inh)
  assert caps["CapAmb"] == cap_mask(amb)


def test_capabilities_non_root_keep_ambient(rt, bundle):
  """For a non-root user, what survives execve is the ambient set: the
  runtime must raise it after switching uid."""
  bset = ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]
  prm = ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]
  inh = ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]
  amb = ["CAP_NET_BIND_SERVICE"]
  bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
  bundle.config["process"]["capabilities"] = {
      "bounding": bset, "effective": prm, "permitted": prm,
      "inheritable": inh, "ambient": amb}
  caps = _caps(proc_status(rt, bundle))
  assert caps["CapBnd"] == cap_mask(bset)
  assert caps["CapInh"] == cap_mask(inh)
  assert caps["CapAmb"] == cap_mask(amb)
  assert caps["CapPrm"] == cap_mask(amb)
  assert caps["CapEff"] == cap_mask(amb)


def test_no_capabilities(rt, bundle):
  bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
  bundle.config["process"]["capabilities"] = {
      "bounding": [], "effective": [], "permitted": [], "ambient": []}
  caps = _caps(proc_status(rt, bundle))
  assert caps == {k: 0 for k in caps}


def test_capability_is_effective(rt, bundle, ctx):
  """Without CAP_CHOWN, root cannot chown a file it does not own."""
  f = bundle.rootfs / "tmp" / "f"
  f.write_text("x")
  bundle.config["process"]["capabilities"] = {
      k: ["CAP_KILL"] for k in ("bounding", "effective", "permitted")}
  res = rt.run_container(bundle, sh("chown 1000 /tmp/f || echo denied"))
  assert res.rc == 0, res
  assert res.out == "denied\n"
  assert f.stat().st_uid == 0


def test_oom_score_adj(rt, bundle):
  with open("/proc/self/oom_score_adj") as fh:
    current = int(fh.read())
  want = min(current + 500, 1000)
  bundle.config["process"]["oomScoreAdj"] = want
  assert rt.output(bundle, ["cat", "/proc/self/oom_score_adj"]) == \
      f"{want}\n"


def test_sysctl(rt, bundle):
  bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1",
                                      "kernel.domainname": "sysctl.test"}
  out = rt.output(bundle, sh("cat /proc/sys/net/ipv4/ip_forward; "
                             "cat /proc/sys/kernel/domainname"))
  assert out.splitlines() == ["1", "sysctl.test"]


def test_stdio_reaches_the_caller(rt, bundle):
  res = rt.run_container(bundle, sh("echo to-out; echo to-err >&2; "
                                    "cat; echo stdin-eof"))
  assert res.rc == 0, res
  assert res.out == "to-out\nstdin-eof\n"
  assert res.err == "to-err\n"
