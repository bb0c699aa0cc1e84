# SPDX-License-Identifier: GPL-2.0-or-later
"""`exec`: a new process in a running (or created) container. It joins every
namespace of the container, its cgroup, its seccomp filter and rlimits, gets
the config's environment merged with --env, and returns its exit status."""

import json
import os
import time

import pytest

from exec_helpers import (LOOP, ConsoleSocket, build_attacker, exec_out,
                          sha256, start_container, status_fields)
from helpers import cap_mask, pid_alive, sh, wait_for

NAMESPACES = ("mnt", "pid", "net", "ipc", "uts", "cgroup", "user")


def ns_links(rt, cid, pid="self"):
  script = "; ".join(f"readlink /proc/{pid}/ns/{n}" for n in NAMESPACES)
  return exec_out(rt, cid, "sh", "-c", script).splitlines()


# -- basics -------------------------------------------------------------------


def test_output_and_exit_status(rt, bundle):
  cid = start_container(rt, bundle)
  res = rt("exec", cid, "sh", "-c", "echo out; echo err >&2; exit 7")
  assert res.rc == 7, res
  assert res.out == "out\n"
  assert "err" in res.err
  res = rt("exec", cid, "true")
  assert res.rc == 0, res
  rt.remove(cid)


def test_killed_by_signal_is_128_plus_n(rt, bundle):
  cid = start_container(rt, bundle)
  res = rt("exec", cid, "sh", "-c", "kill -TERM $$")
  assert res.rc == 128 + 15, res
  rt.remove(cid)


def test_args_verbatim(rt, bundle):
  cid = start_container(rt, bundle)
  out = exec_out(rt, cid, "printf", "[%s]\n", "a", "b c", "", "$HOME", "-e")
  assert out == "[a]\n[b c]\n[]\n[$HOME]\n[-e]\n"
  rt.remove(cid)


def test_joins_every_namespace(rt, bundle):
  bundle.set_namespace("cgroup")
  cid = start_container(rt, bundle)
  mine = ns_links(rt, cid)
  init = ns_links(rt, cid, pid=1)
  assert mine == init
  for n in ("mnt", "pid", "net", "ipc", "uts", "cgroup"):
    host = os.readlink(f"/proc/self/ns/{n}")
    assert host not in mine, f"exec stayed in the host's {n} namespace"
  # The pid namespace as seen from inside: init is pid 1, we are not.
  out = exec_out(rt, cid, "sh", "-c", "echo $$; hostname; cat /etc/marker")
  pid, hostname, marker = out.splitlines()
  assert int(pid) > 1
  assert hostname == "itest"
  assert marker == "rootfs-marker"
  rt.remove(cid)


def test_joins_user_namespace_first(rt, bundle):
  bundle.set_namespace("user")
  bundle.config["linux"]["uidMappings"] = [
      {"containerID": 0, "hostID": 100000, "size": 65536}]
  bundle.config["linux"]["gidMappings"] = [
      {"containerID": 0, "hostID": 100000, "size": 65536}]
  cid = start_container(rt, bundle)
  assert ns_links(rt, cid) == ns_links(rt, cid, pid=1)
  out = exec_out(rt, cid, "sh", "-c",
                 "cat /proc/self/uid_map; id -u; touch /tmp/by-exec")
  lines = out.splitlines()
  assert lines[0].split() == ["0", "100000", "65536"]
  assert lines[1] == "0"
  st = (bundle.rootfs / "tmp" / "by-exec").stat()
  assert (st.st_uid, st.st_gid) == (100000, 100000)
  out = exec_out(rt, cid, "id", "-u", extra=["--user", "1000:1000"])
  assert out == "1000\n"
  rt.remove(cid)


def test_joins_cgroup(rt, bundle):
  cid = start_container(rt, bundle)
  out = exec_out(rt, cid, "sh", "-c", "cat /proc/self/cgroup; echo --; "
                 "cat /proc/1/cgroup")
  mine, init = out.split("--\n")
  assert mine == init, out
  assert rt.token in mine, "exec is not in the container's cgroup"
  rt.remove(cid)


def test_cgroup_limits_apply_to_exec(rt, bundle):
  bundle.config["linux"]["resources"]["pids"] = {"limit": 6}
  cid = start_container(rt, bundle, script="sleep 1000")
  # init + sh + 4 background sleeps reach the limit; one more must fail.
  res = rt("exec", cid, "sh", "-c",
           "for i in 1 2 3 4 5 6; do sleep 5 & done 2>&1; wait")
  assert "fork" in (res.out + res.err).lower() or res.rc != 0, res
  rt.remove(cid)


# -- environment, cwd, user, caps ---------------------------------------------


def test_env_merged_with_config(rt, bundle):
  bundle.config["process"]["env"] = ["PATH=/bin", "FOO=from-config",
                                     "KEEP=kept"]
  cid = start_container(rt, bundle)
  out = exec_out(rt, cid, "env", extra=["--env", "FOO=from-flag", "--env",
                                        "NEW=a b", "--env", "EMPTY="])
  lines = out.splitlines()
  assert "FOO=from-flag" in lines
  assert "FOO=from-config" not in lines
  assert [l for l in lines if l.startswith("FOO=")] == ["FOO=from-flag"]
  assert "KEEP=kept" in lines and "NEW=a b" in lines and "EMPTY=" in lines
  assert "PATH=/bin" in lines
  rt.remove(cid)


def test_bad_env_flag_fails(rt, bundle):
  cid = start_container(rt, bundle)
  res = rt("exec", "-e", "=nope", cid, "true")
  assert res.rc == 1, res
  assert "--env" in res.err, res
  rt.remove(cid)


def test_cwd(rt, bundle):
  cid = start_container(rt, bundle)
  assert exec_out(rt, cid, "pwd") == "/\n"
  assert exec_out(rt, cid, "pwd", extra=["--cwd", "/home/user"]) == \
      "/home/user\n"
  rt.remove(cid)


def test_cwd_missing_fails(rt, bundle):
  cid = start_container(rt, bundle)
  res = rt("exec", "--cwd", "/no/such/dir", cid, "true")
  assert res.rc != 0, res
  assert "/no/such/dir" in res.err, res
  rt.remove(cid)


def test_user_and_group(rt, bundle):
  cid = start_container(rt, bundle)
  out = exec_out(rt, cid, "sh", "-c", "id -u; id -g; id -G",
                 extra=["--user", "1000:1000", "--additional-gids", "10",
                        "--additional-gids",
                        "20"])
  uid, gid, groups = out.splitlines()
  assert (uid, gid) == ("1000", "1000")
  assert sorted(groups.split()) == ["10", "1000", "20"]
  st = status_fields(exec_out(rt, cid, "cat", "/proc/self/status",
                              extra=["-u", "1000:1000"]))
  assert st["Uid"].split() == ["1000"] * 4
  assert st["Gid"].split() == ["1000"] * 4
  rt.remove(cid)


def test_user_numeric_one_is_uid_one(rt, bundle):
  """`--user 1` is uid 1 (and gid 0), not a user name looked up."""
  cid = start_container(rt, bundle)
  out = exec_out(rt, cid, "sh", "-c", "id -u; id -g", extra=["--user", "1"])
  assert out.splitlines() == ["1", "0"]
  rt.remove(cid)


@pytest.mark.parametrize("user", ["daemon", "1a", "-1", "+1", " 1", "1:",
                                  ":1", "1:x", "4294967296"])
def test_user_not_numeric_fails(rt, bundle, user):
  cid = start_container(rt, bundle)
  res = rt("exec", "--user", user, cid, "true")
  assert res.rc == 1, res
  assert "--user" in res.err or "user" in res.err.lower(), res
  rt.remove(cid)


def test_additional_gid_not_numeric_fails(rt, bundle):
  cid = start_container(rt, bundle)
  res = rt("exec", "-g", "wheel", cid, "true")
  assert res.rc == 1, res
  assert "additional-gids" in res.err or "wheel" in res.err, res
  rt.remove(cid)


def test_cap_adds_to_all_but_inheritable(rt, bundle):
  cid = start_container(rt, bundle)
  base = bundle.config["process"]["capabilities"]["bounding"]
  st = status_fields(exec_out(rt, cid, "cat", "/proc/self/status",
                              extra=["--cap", "CAP_SYS_ADMIN", "--cap",
                                     "CAP_NET_RAW"]))
  want = cap_mask(base + ["CAP_SYS_ADMIN", "CAP_NET_RAW"])
  for field in ("CapBnd", "CapEff", "CapPrm"):
    assert int(st[field], 16) == want, (field, st[field])
  assert int(st["CapInh"], 16) == 0, "--cap must never reach inheritable"
  # The kernel keeps ambient a subset of inheritable: with nothing
  # inheritable, the ambient part of --cap cannot stick (as in runc).
  assert int(st["CapAmb"], 16) == 0
  # Without --cap, the config's sets.
  st = status_fields(exec_out(rt, cid, "cat", "/proc/self/status"))
  assert int(st["CapEff"], 16) == cap_mask(base)
  rt.remove(cid)


def test_cap_for_non_root_user_bounding_only(rt, bundle):
  """A non-root user keeps no --cap across execve (ambient needs
  inheritable, which --cap never touches): only the bounding set shows it."""
  cid = start_container(rt, bundle)
  st = status_fields(exec_out(rt, cid, "cat", "/proc/self/status",
                              extra=["-u", "1000:1000", "--cap",
                                     "CAP_NET_RAW"]))
  assert int(st["CapBnd"], 16) & cap_mask(["CAP_NET_RAW"])
  assert int(st["CapInh"], 16) == 0
  assert not int(st["CapEff"], 16) & cap_mask(["CAP_NET_RAW"])
  rt.remove(cid)


def test_unknown_cap_fails(rt, bundle):
  cid = start_container(rt, bundle)
  res = rt("exec", "--cap", "CAP_NOPE", cid, "true")
  assert res.rc == 1, res
  assert "CAP_NOPE" in res.err, res
  rt.remove(cid)


def test_no_new_privs(rt, bundle):
  bundle.config["process"]["noNewPrivileges"] = False
  cid = start_container(rt, bundle)
  st = status_fields(exec_out(rt, cid, "cat", "/proc/self/status"))
  assert st["NoNewPrivs"] == "0"
  st = status_fields(exec_out(rt, cid, "cat", "/proc/self/status",
                              extra=["--no-new-privs"]))
  assert st["NoNewPrivs"] == "1"
  rt.remove(cid)


def test_rlimits_from_config(rt, bundle):
  bundle.config["process"]["rlimits"] = [
      {"type": "RLIMIT_NOFILE", "soft": 321, "hard": 654},
      {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]
  cid = start_container(rt, bundle)
  out = exec_out(rt, cid, "sh", "-c", "ulimit -n; ulimit -Hn; ulimit -c")
  assert out.splitlines() == ["321", "654", "0"]
  rt.remove(cid)


def _seccomp_deny_mkdir():
  return {
      "defaultAction": "SCMP_ACT_ALLOW",
      "architectures": ["SCMP_ARCH_X86_64"],
      "syscalls": [{"names": ["mkdir", "mkdirat"],
                    "action": "SCMP_ACT_ERRNO", "errnoRet": 1}],
  }


@pytest.mark.parametrize("nnp", [True, False])
def test_seccomp_from_config(rt, bundle, nnp):
  bundle.config["process"]["noNewPrivileges"] = nnp
  bundle.config["linux"]["seccomp"] = _seccomp_deny_mkdir()
  cid = start_container(rt, bundle)
  res = rt("exec", cid, "sh", "-c",
           "grep Seccomp: /proc/self/status; mkdir /tmp/d")
  assert res.rc != 0, res
  assert "Seccomp:\t2" in res.out, res
  assert "not permitted" in res.err, res
  assert not (bundle.rootfs / "tmp" / "d").exists()
  rt.remove(cid)


def test_apparmor_or_label_refused_without_lsm(rt, bundle):
  if os.path.exists("/sys/fs/selinux/enforce"):
    pytest.skip("SELinux is enabled here")
  try:
    with open("/sys/module/apparmor/parameters/enabled") as f:
      if f.read().strip() == "Y":
        pytest.skip("AppArmor is enabled here")
  except FileNotFoundError:
    pass
  cid = start_container(rt, bundle)
  res = rt("exec", "--apparmor", "some-profile", cid, "true")
  assert res.rc == 1, res
  assert "some-profile" in res.err and "AppArmor" in res.err, res
  res = rt("exec", "--process-label", "system_u:system_r:x:s0", cid, "true")
  assert res.rc == 1, res
  assert "SELinux" in res.err, res
  rt.remove(cid)


# -- --process FILE ------------------------------------------------------------


def test_process_file(rt, bundle, ctx):
  cid = start_container(rt, bundle)
  proc = {
      "terminal": False,
      "user": {"uid": 1000, "gid": 1000, "additionalGids": [20]},
      "args": ["sh", "-c", "id -u; id -G; pwd; echo $FROMFILE; ulimit -n"],
      "env": ["PATH=/bin", "FROMFILE=yes"],
      "cwd": "/tmp",
      "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 100}],
      "noNewPrivileges": True,
  }
  pf = ctx.tmp / "process.json"
  pf.write_text(json.dumps(proc))
  out = exec_out(rt, cid, extra=["--process", pf])
  lines = out.splitlines()
  assert lines[0] == "1000"
  assert sorted(lines[1].split()) == ["1000", "20"]
  assert lines[2:] == ["/tmp", "yes", "100"]
  rt.remove(cid)


def test_process_file_invalid(rt, bundle, ctx):
  cid = start_container(rt, bundle)
  pf = ctx.tmp / "process.json"
  pf.write_text('{"args": "not-a-list", "cwd": "/"}')
  res = rt("exec", "-p", pf, cid)
  assert res.rc == 1, res
  assert "process" in res.err and "args" in res.err, res
  res = rt("exec", "-p", ctx.tmp / "missing.json", cid)
  assert res.rc == 1, res
  assert "missing.json" in res.err, res
  rt.remove(cid)


# -- detach, pid file, fds, tty --------------------------------------------------


def test_detach_and_pid_file(rt, bundle, ctx):
  cid = start_container(rt, bundle)
  pidfile = ctx.tmp / "exec.pid"
  t0 = time.monotonic()
  res = rt("exec", "-d", "--pid-file", pidfile, cid, "sh", "-c",
           f"echo $$ > /tmp/inner; {LOOP}")
  assert res.rc == 0, res
  assert time.monotonic() - t0 < 10
  pid = int(pidfile.read_text())
  rt.note_pid(pid)
  assert pid_alive(pid)
  with open(f"/proc/{pid}/status") as f:
    nspid = status_fields(f.read())["NSpid"].split()
  assert len(nspid) == 2, "the exec process is not in the container's pidns"
  inner = bundle.rootfs / "tmp" / "inner"
  assert wait_for(lambda: inner.exists() and inner.read_text().strip())
  assert inner.read_text().strip() == nspid[1]
  # It shows up in `ps` and dies with the container.
  res = rt("ps", cid)
  assert res.rc == 0 and str(pid) in res.out, res
  rt.remove(cid)
  assert wait_for(lambda: not pid_alive(pid))


def test_preserve_fds(rt, bundle, ctx):
  cid = start_container(rt, bundle)
  target = ctx.tmp / "fd3.txt"
  with open(target, "w") as f:
    res = rt("exec", "--preserve-fds", "1", cid, "sh", "-c",
             "echo via-fd3 >&3; ls /proc/self/fd", fds={3: f.fileno()})
  assert res.rc == 0, res
  assert target.read_text() == "via-fd3\n"
  rt.remove(cid)


def test_fds_not_preserved_by_default(rt, bundle, ctx):
  cid = start_container(rt, bundle)
  with open(ctx.tmp / "f", "w") as f:
    res = rt("exec", cid, "ls", "/proc/self/fd", fds={5: f.fileno()})
  assert res.rc == 0, res
  assert sorted(res.out.split()) == ["0", "1", "2", "3"], res  # 3: ls's dir
  rt.remove(cid)


def test_tty_console_socket(rt, bundle, ctx):
  cid = start_container(rt, bundle)
  sock = ConsoleSocket(ctx.tmp / "console.sock")
  res = rt("exec", "-t", "-d", "--console-socket", sock.path, cid, "sh", "-c",
           "tty; stty size; echo hello-exec-tty; sleep 1")
  assert res.rc == 0, res
  master = sock.receive()
  out = b""
  deadline = time.monotonic() + 10
  while b"hello-exec-tty" not in out and time.monotonic() < deadline:
    try:
      chunk = os.read(master, 4096)
    except OSError:
      break
    if not chunk:
      break
    out += chunk
  os.close(master)
  text = out.decode(errors="replace")
  assert "/dev/pts/" in text, text
  assert "hello-exec-tty" in text
  rt.remove(cid)


def test_tty_foreground(rt, bundle):
  cid = start_container(rt, bundle)
  res = rt("exec", "-t", cid, "sh", "-c", "tty; exit 3")
  assert res.rc == 3, res
  assert "/dev/pts/" in res.out, res
  rt.remove(cid)


def test_console_socket_without_tty_fails(rt, bundle, ctx):
  cid = start_container(rt, bundle)
  res = rt("exec", "--console-socket", ctx.tmp / "nope.sock", cid, "true")
  assert res.rc == 1, res
  assert "tty" in res.err or "terminal" in res.err, res
  rt.remove(cid)


# -- container states ------------------------------------------------------------


def test_exec_into_created(rt, bundle):
  """As runc: exec works before `start`, the container stays created."""
  cid = start_container(rt, bundle, script="echo started > /tmp/s; " + LOOP,
                        started=False)
  assert exec_out(rt, cid, "cat", "/etc/marker") == "rootfs-marker\n"
  assert rt.status(cid) == "created"
  assert not (bundle.rootfs / "tmp" / "s").exists()
  assert rt("start", cid).rc == 0
  assert wait_for((bundle.rootfs / "tmp" / "s").exists)
  rt.remove(cid)


def test_exec_into_paused(rt, bundle):
  cid = start_container(rt, bundle)
  assert rt("pause", cid).rc == 0
  res = rt("exec", cid, "true")
  assert res.rc == 1, res
  assert "paused" in res.err and cid in res.err, res
  # --ignore-paused: the process starts frozen and runs once resumed.
  proc = rt.popen("exec", "-d", "--ignore-paused", cid, "sh", "-c",
                  "echo ran > /tmp/after-resume")
  time.sleep(0.5)
  assert not (bundle.rootfs / "tmp" / "after-resume").exists()
  assert rt("resume", cid).rc == 0
  res = rt.finish(proc)
  assert res.rc == 0, res
  assert wait_for((bundle.rootfs / "tmp" / "after-resume").exists)
  rt.remove(cid)


def test_exec_into_stopped_fails(rt, bundle):
  cid = start_container(rt, bundle, script="true", started=False)
  assert rt("start", cid).rc == 0
  rt.wait_status(cid, "stopped")
  res = rt("exec", cid, "true")
  assert res.rc == 1, res
  assert cid in res.err and "stopped" in res.err, res
  assert rt("delete", cid).rc == 0


def test_exec_missing_container_fails(rt):
  res = rt("exec", "no-such-container", "true")
  assert res.rc == 1, res
  assert "no-such-container" in res.err, res


def test_exec_without_command_fails(rt, bundle):
  cid = start_container(rt, bundle)
  res = rt("exec", cid)
  assert res.rc == 1, res
  assert "command" in res.err or "process" in res.err, res
  rt.remove(cid)


def test_exec_missing_binary_fails(rt, bundle):
  cid = start_container(rt, bundle)
  res = rt("exec", cid, "no-such-binary")
  assert res.rc != 0, res
  assert "no-such-binary" in res.err, res
  # The container is unharmed.
  assert rt.status(cid) == "running"
  assert exec_out(rt, cid, "true") == ""
  rt.remove(cid)


def test_concurrent_execs(rt, bundle):
  cid = start_container(rt, bundle)
  procs = [rt.popen("exec", cid, "sh", "-c", f"sleep 0.3; echo n{i}; exit {i}")
           for i in range(6)]
  for i, p in enumerate(procs):
    res = rt.finish(p)
    assert res.rc == i and res.out == f"n{i}\n", res
  rt.remove(cid)


def test_exec_exit_does_not_stop_container(rt, bundle):
  cid = start_container(rt, bundle)
  rt("exec", cid, "sh", "-c", "exit 1")
  assert rt.status(cid) == "running"
  rt.remove(cid)


# -- CVE-2019-5736 -----------------------------------------------------------------


def test_runtime_binary_not_writable_from_container(rt, bundle, ctx):
  """While exec runs, the runtime is briefly a process inside the
  container's pid namespace. An attacker inside scans /proc for it, grabs
  /proc/PID/exe and tries to write to it (directly, and by reopening the
  handle after the runtime exits). Also /bin/sh is replaced with a
  `#!/proc/self/exe` script, so that exec'ing sh would run the runtime's
  own binary inside the container. The host binary must stay intact."""
  binary = ctx.tmp / "skiff-copy"
  with open(rt.binary, "rb") as src, open(binary, "wb") as dst:
    dst.write(src.read())
  binary.chmod(0o755)
  before = sha256(binary)
  attacker = bundle.rootfs / "bin" / "attacker"
  if not build_attacker(ctx.work, attacker):
    pytest.skip("no static C toolchain for the attacker")
  cid = start_container(rt, bundle, script="/bin/attacker 8 > /tmp/attack.log")
  orig = rt.binary
  rt.binary = str(binary)
  try:
    for _ in range(25):
      rt("exec", cid, "true", timeout=10)
    (bundle.rootfs / "bin" / "evil").write_text("#!/proc/self/exe\n")
    (bundle.rootfs / "bin" / "evil").chmod(0o755)
    for _ in range(10):
      rt("exec", cid, "evil", timeout=10)
  finally:
    rt.binary = orig
  log = bundle.rootfs / "tmp" / "attack.log"
  assert wait_for(lambda: "attacker done" in log.read_text(), timeout=15), \
      log.read_text()
  assert sha256(binary) == before, "the runtime's binary was overwritten:\n" \
      + log.read_text()
  assert "writes" in log.read_text() and " 0 writes" in log.read_text(), \
      log.read_text()
  rt.remove(cid)


def _cpus_allowed(out):
  return status_fields(out)["Cpus_allowed_list"]


def test_exec_cpu_affinity_final(rt, bundle):
  """process.execCPUAffinity.final: the exec'd process runs on those CPUs
  after joining the container's cgroup (which resets a cpuset's affinity
  on cgroup v1), whatever the runtime's own affinity was."""
  if (os.cpu_count() or 1) < 2:
    pytest.skip("needs 2 CPUs")
  bundle.config["process"]["execCPUAffinity"] = {"initial": "0-1", "final": "1"}
  cid = start_container(rt, bundle)
  assert _cpus_allowed(exec_out(rt, cid, "cat", "/proc/self/status")) == "1"
  # the container's own process is not affected (the spec: exec only)
  pid = rt.state(cid)["pid"]
  with open(f"/proc/{pid}/status") as f:
    assert _cpus_allowed(f.read()) != "1"
  rt.remove(cid)


def test_exec_cpu_affinity_from_process_file(rt, bundle, ctx):
  if (os.cpu_count() or 1) < 2:
    pytest.skip("needs 2 CPUs")
  cid = start_container(rt, bundle)
  proc = ctx.tmp / "process.json"
  proc.write_text(json.dumps({"args": ["cat", "/proc/self/status"], "cwd": "/",
                              "env": ["PATH=/bin"],
                              "execCPUAffinity": {"final": "0"}}))
  assert _cpus_allowed(exec_out(rt, cid, extra=["--process", str(proc)])) == "0"
  rt.remove(cid)


def test_exec_cpu_affinity_bad_list(rt, bundle):
  bundle.config["process"]["execCPUAffinity"] = {"final": "1-0"}
  cid = start_container(rt, bundle)
  res = rt("exec", cid, "true")
  assert res.rc == 1, res
  assert "process.execCPUAffinity.final" in res.err and "1-0" in res.err, res
  rt.remove(cid)


def _container_cgroup_dirs(cid):
  """The container's default cgroup (/skiff/<id>) in every hierarchy."""
  root = "/sys/fs/cgroup"
  dirs = []
  for name in sorted(os.listdir(root)):
    d = os.path.join(root, name, "skiff", cid)
    if not os.path.islink(os.path.join(root, name)) and os.path.isdir(d):
      dirs.append(d)
  if os.path.isdir(os.path.join(root, "skiff", cid)):  # pure v2
    dirs.append(os.path.join(root, "skiff", cid))
  return dirs


def test_exec_into_a_sub_cgroup(rt, bundle):
  cid = start_container(rt, bundle)
  subs = [os.path.join(d, "sub") for d in _container_cgroup_dirs(cid)]
  assert subs
  for s in subs:
    os.mkdir(s)
    for knob in ("cpuset.cpus", "cpuset.mems"):  # v1 cpuset: empty until set
      parent = os.path.join(os.path.dirname(s), knob)
      if os.path.exists(parent) and "/cpuset/" in s:
        with open(parent) as f, open(os.path.join(s, knob), "w") as g:
          g.write(f.read())
  try:
    out = exec_out(rt, cid, "cat", "/proc/self/cgroup", extra=["--cgroup", "sub"])
    lines = [l for l in out.splitlines() if l]
    assert lines and all(l.endswith(f"/skiff/{cid}/sub") for l in lines), out
    # "ctrl:path": only that controller's hierarchy
    if any("/pids/" in s for s in subs):
      out = exec_out(rt, cid, "cat", "/proc/self/cgroup", extra=["--cgroup", "pids:sub"])
      for l in out.splitlines():
        want_sub = l.split(":")[1] == "pids"
        assert l.endswith(f"/{cid}/sub") == want_sub, out
    res = rt("exec", "--cgroup", "nosuch", cid, "true")
    assert res.rc == 1 and "--cgroup nosuch" in res.err, res
  finally:
    for s in subs:
      os.rmdir(s)
  rt.remove(cid)


def test_exec_with_a_seccomp_notify_profile(rt, bundle, ctx):
  """The exec'd process gets the container's filter, and a filter with
  SCMP_ACT_NOTIFY sends its own listener fd to listenerPath, with the
  container's state and the exec'd process's pid."""
  from proc_helpers import NotifyAgent
  sock = ctx.tmp / "agent.sock"
  bundle.config["linux"]["seccomp"] = {
      "defaultAction": "SCMP_ACT_ALLOW", "listenerPath": str(sock),
      "listenerMetadata": "exec-meta",
      "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}
  first = NotifyAgent(sock)
  try:
    # `start` returns after the init's execve, so after it sent its own
    # listener fd: this agent got it (and is not needed any more)
    cid = start_container(rt, bundle)
    assert first.fds
  finally:
    first.close()
  if sock.exists():
    sock.unlink()
  agent = NotifyAgent(sock)
  try:
    out = exec_out(rt, cid, "sh", "-c", "mkdir /tmp/by-agent; echo rc=$?; "
                   "test -d /tmp/by-agent && echo exists || echo absent")
    agent.wait()
    doc = agent.document()
  finally:
    agent.close()
  assert out.splitlines() == ["rc=0", "absent"]
  assert doc["fds"] == ["seccompFd"] and doc["metadata"] == "exec-meta"
  assert doc["state"]["id"] == cid
  assert doc["pid"] != doc["state"]["pid"] and doc["pid"] > 0
  rt.remove(cid)
