# SPDX-License-Identifier: GPL-2.0-or-later
"""linux.seccomp: every action, argument comparisons, default action and
errno, architectures, flags, user notification to an agent, a
containerd-like allow-list profile, and bad profiles.

The probe (tools/proc_probe.c) makes raw syscalls; getpriority(2) is the
guinea pig: harmless, with two integer arguments."""

import errno
import json
import os

import pytest

from helpers import sh
from proc_helpers import NotifyAgent, install_probe, parse_kv, syscall_nr

GETPRIO = syscall_nr("getpriority")
SIGSYS_STATUS = 128 + 31


def seccomp(bundle, default="SCMP_ACT_ALLOW", syscalls=(), **extra):
  prof = {"defaultAction": default,
          "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
                            "SCMP_ARCH_X32"],
          "syscalls": list(syscalls)}
  prof.update(extra)
  bundle.config["linux"]["seccomp"] = prof
  return prof


def getprio_calls(probe, pairs):
  """A script running getpriority(a, b) for each pair, one line each."""
  return sh("; ".join(f"{probe} sys {GETPRIO} {a} {b}" for a, b in pairs))


def errnos(out):
  return [parse_kv(line)["errno"] for line in out.splitlines()]


def test_errno_rule_with_errno_ret(rt, bundle):
  probe = install_probe(bundle)
  seccomp(bundle, syscalls=[{"names": ["getpriority"],
                             "action": "SCMP_ACT_ERRNO", "errnoRet": 42}])
  out = rt.output(bundle, sh(f"{probe} sys {GETPRIO} 0 0; "
                             f"{probe} sys {syscall_nr('getppid')}; "
                             "grep -E '^Seccomp' /proc/self/status"))
  lines = out.splitlines()
  assert parse_kv(lines[0]) == {"ret": -1, "errno": 42}
  assert parse_kv(lines[1])["errno"] == 0
  assert "Seccomp:\t2" in lines


def test_errno_rule_defaults_to_eperm(rt, bundle):
  probe = install_probe(bundle)
  seccomp(bundle, syscalls=[{"names": ["getpriority"],
                             "action": "SCMP_ACT_ERRNO"}])
  out = rt.output(bundle, [probe, "sys", str(GETPRIO), "0", "0"])
  assert parse_kv(out)["errno"] == errno.EPERM


@pytest.mark.parametrize("nnp", [True, False])
def test_filter_for_non_root_with_and_without_nnp(rt, bundle, nnp):
  """Without noNewPrivileges the filter must be loaded while the init still
  has CAP_SYS_ADMIN, before it becomes uid 1000 without capabilities."""
  probe = install_probe(bundle)
  bundle.config["process"]["noNewPrivileges"] = nnp
  bundle.config["process"]["user"] = {"uid": 1000, "gid": 1000}
  bundle.config["process"]["capabilities"] = {}
  seccomp(bundle, syscalls=[{"names": ["getpriority"],
                             "action": "SCMP_ACT_ERRNO", "errnoRet": 42}])
  out = rt.output(bundle, sh(f"{probe} sys {GETPRIO} 0 0; id -u; "
                             "grep -E '^(Seccomp|NoNewPrivs):' "
                             "/proc/self/status"))
  lines = out.splitlines()
  assert parse_kv(lines[0])["errno"] == 42
  assert lines[1] == "1000"
  assert lines[2].split() == ["NoNewPrivs:", "1" if nnp else "0"]
  assert lines[3].split() == ["Seccomp:", "2"]


def test_no_seccomp_no_filter(rt, bundle):
  out = rt.output(bundle, ["grep", "^Seccomp:", "/proc/self/status"])
  assert out.split() == ["Seccomp:", "0"]


# one rule per operator on getpriority's 2nd argument; which of 0..4 hit it
@pytest.mark.parametrize("op,value,value2,hit", [
    ("SCMP_CMP_NE", 2, None, {0, 1, 3, 4}),
    ("SCMP_CMP_LT", 2, None, {0, 1}),
    ("SCMP_CMP_LE", 2, None, {0, 1, 2}),
    ("SCMP_CMP_EQ", 2, None, {2}),
    ("SCMP_CMP_GE", 2, None, {2, 3, 4}),
    ("SCMP_CMP_GT", 2, None, {3, 4}),
    ("SCMP_CMP_MASKED_EQ", 1, 1, {1, 3}),
])
def test_argument_operators(rt, bundle, op, value, value2, hit):
  probe = install_probe(bundle)
  arg = {"index": 1, "value": value, "op": op}
  if value2 is not None:
    arg["valueTwo"] = value2
  seccomp(bundle, syscalls=[{"names": ["getpriority"], "args": [arg],
                             "action": "SCMP_ACT_ERRNO", "errnoRet": 42}])
  out = rt.output(bundle, getprio_calls(probe, [(0, w) for w in range(5)]))
  got = {w for w, e in enumerate(errnos(out)) if e == 42}
  assert got == hit


def test_arguments_on_two_indexes_all_must_match(rt, bundle):
  probe = install_probe(bundle)
  seccomp(bundle, syscalls=[{
      "names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42,
      "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"},
               {"index": 1, "value": 3, "op": "SCMP_CMP_EQ"}]}])
  pairs = [(0, 3), (0, 2), (1, 3)]
  out = rt.output(bundle, getprio_calls(probe, pairs))
  assert [e == 42 for e in errnos(out)] == [True, False, False]


def test_unknown_syscall_names_are_skipped(rt, bundle):
  probe = install_probe(bundle)
  seccomp(bundle, syscalls=[{
      "names": ["no_such_syscall_itest", "getpriority", "another_fake"],
      "action": "SCMP_ACT_ERRNO", "errnoRet": 42}])
  out = rt.output(bundle, [probe, "sys", str(GETPRIO), "0", "0"])
  assert parse_kv(out)["errno"] == 42


# ---------------------------------------------------------------------------
# actions


@pytest.mark.parametrize("action", ["SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                    "SCMP_ACT_KILL_THREAD"])
def test_kill_actions(rt, bundle, action):
  probe = install_probe(bundle)
  seccomp(bundle, syscalls=[{"names": ["getpriority"], "action": action}])
  out = rt.output(bundle, sh(f"{probe} sys {GETPRIO} 0 0; echo status=$?"))
  assert out == f"status={SIGSYS_STATUS}\n"


@pytest.mark.parametrize("action,survives", [
    ("SCMP_ACT_KILL_THREAD", True), ("SCMP_ACT_KILL", True),
    ("SCMP_ACT_KILL_PROCESS", False)])
def test_kill_thread_versus_process(rt, bundle, action, survives):
  probe = install_probe(bundle)
  seccomp(bundle, syscalls=[{"names": ["getpriority"], "action": action}])
  out = rt.output(bundle, sh(f"{probe} thread {GETPRIO} 0 0; echo status=$?"))
  if survives:
    assert out == "main thread alive\nstatus=0\n"
  else:
    assert out == f"status={SIGSYS_STATUS}\n"


def test_trap_action_delivers_catchable_sigsys(rt, bundle):
  probe = install_probe(bundle)
  seccomp(bundle, syscalls=[{"names": ["getpriority"],
                             "action": "SCMP_ACT_TRAP"}])
  out = rt.output(bundle, [probe, "trap", str(GETPRIO), "0", "0"])
  lines = out.splitlines()
  assert lines[0] == f"caught sig=31 syscall={GETPRIO}"


def test_trace_action_without_tracer_is_enosys(rt, bundle):
  probe = install_probe(bundle)
  seccomp(bundle, syscalls=[{"names": ["getpriority"],
                             "action": "SCMP_ACT_TRACE"}])
  out = rt.output(bundle, [probe, "sys", str(GETPRIO), "0", "0"])
  assert parse_kv(out)["errno"] == errno.ENOSYS


# ---------------------------------------------------------------------------
# a containerd/Docker-like allow-list profile

ALLOWED = """
accept accept4 access adjtimex alarm arch_prctl bind brk capget capset chdir
chmod chown clock_getres clock_gettime clock_nanosleep close close_range
connect copy_file_range creat dup dup2 dup3 epoll_create epoll_create1
epoll_ctl epoll_pwait epoll_pwait2 epoll_wait eventfd eventfd2 execve execveat
exit exit_group faccessat faccessat2 fadvise64 fallocate fchdir fchmod
fchmodat fchown fchownat fcntl fdatasync fgetxattr flistxattr flock fork
fremovexattr fsetxattr fstat fstatfs fsync ftruncate futex futimesat getcpu
getcwd getdents getdents64 getegid geteuid getgid getgroups getitimer
getpeername getpgid getpgrp getpid getppid getrandom getresgid getresuid
getrlimit get_robust_list getrusage getsid getsockname getsockopt gettid
gettimeofday getuid getxattr inotify_add_watch inotify_init inotify_init1
inotify_rm_watch ioctl ioprio_get kill lchown lgetxattr link linkat listen
listxattr llistxattr lremovexattr lseek lsetxattr lstat madvise membarrier
memfd_create mincore mkdir mkdirat mknod mknodat mlock mlockall mmap mprotect
mremap msync munlock munmap nanosleep newfstatat open openat openat2 pause
pipe pipe2 poll ppoll prctl pread64 preadv preadv2 prlimit64 pselect6 pwrite64
pwritev pwritev2 read readahead readlink readlinkat readv recvfrom recvmmsg
recvmsg remap_file_pages removexattr rename renameat renameat2 restart_syscall
rmdir rseq rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo
rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_tgsigqueueinfo
sched_getaffinity sched_getattr sched_getparam sched_get_priority_max
sched_get_priority_min sched_getscheduler sched_yield select semctl semget
semop sendfile sendmmsg sendmsg sendto setfsgid setfsuid setgid setgroups
setitimer setpgid setpriority setregid setresgid setresuid setreuid setrlimit
set_robust_list setsid setsockopt set_tid_address setuid setxattr shutdown
sigaltstack socket socketpair splice stat statfs statx symlink symlinkat sync
sync_file_range syncfs sysinfo tee tgkill time timer_create timer_delete
timer_getoverrun timer_gettime timer_settime timerfd_create timerfd_gettime
timerfd_settime times tkill truncate umask uname unlink unlinkat utime
utimensat utimes vfork wait4 waitid write writev clone clone3
""".split()


def test_allow_list_profile_runs_busybox(rt, bundle):
  seccomp(bundle, default="SCMP_ACT_ERRNO", defaultErrnoRet=errno.EPERM,
          syscalls=[{"names": ALLOWED, "action": "SCMP_ACT_ALLOW"}])
  script = ("set -e; mkdir -p /tmp/a/b; echo hi > /tmp/a/b/f; "
            "cp /tmp/a/b/f /tmp/g; ls /tmp/a/b; cat /tmp/g | wc -l; "
            "ln -s g /tmp/l; readlink /tmp/l; chmod 600 /tmp/g; "
            "stat -c %a /tmp/g; sleep 0.1; date +%Y >/dev/null; id -u; "
            "ps >/dev/null; rm -r /tmp/a; echo done")
  res = rt.run_container(bundle, sh(script))
  assert res.rc == 0, res
  assert res.out.split() == ["f", "1", "g", "600", "0", "done"]
  assert res.err == "", res


def test_default_errno_ret(rt, bundle):
  """defaultAction ERRNO with defaultErrnoRet: whatever is not allowed
  fails with that errno."""
  probe = install_probe(bundle)
  seccomp(bundle, default="SCMP_ACT_ERRNO", defaultErrnoRet=42,
          syscalls=[{"names": ALLOWED, "action": "SCMP_ACT_ALLOW"}])
  out = rt.output(bundle, [probe, "sys", str(GETPRIO), "0", "0"])
  assert parse_kv(out) == {"ret": -1, "errno": 42}


def test_default_errno_without_ret_is_eperm(rt, bundle):
  probe = install_probe(bundle)
  seccomp(bundle, default="SCMP_ACT_ERRNO",
          syscalls=[{"names": ALLOWED, "action": "SCMP_ACT_ALLOW"}])
  out = rt.output(bundle, [probe, "sys", str(GETPRIO), "0", "0"])
  assert parse_kv(out)["errno"] == errno.EPERM


@pytest.mark.parametrize("action", ["SCMP_ACT_ALLOW", "SCMP_ACT_LOG"])
def test_allow_and_log_let_the_call_through(rt, bundle, action):
  probe = install_probe(bundle)
  seccomp(bundle, default="SCMP_ACT_ERRNO", defaultErrnoRet=42,
          syscalls=[{"names": ALLOWED, "action": "SCMP_ACT_ALLOW"},
                    {"names": ["getpriority"], "action": action}])
  out = rt.output(bundle, [probe, "sys", str(GETPRIO), "0", "0"])
  assert parse_kv(out)["errno"] == 0


# ---------------------------------------------------------------------------
# architectures and flags


def test_architecture_x86_allows_i386_syscalls(rt, bundle):
  probe = install_probe(bundle)
  seccomp(bundle)  # x86_64, x86, x32
  bundle.config["linux"]["seccomp"]["syscalls"] = [
      {"names": ["getpriority"], "action": "SCMP_ACT_ERRNO"}]
  out = rt.output(bundle, sh(f"{probe} int80 20; echo status=$?"))
  lines = out.splitlines()
  assert lines[-1] == "status=0", out
  assert int(parse_kv(lines[0])["ret"]) > 0


def test_architecture_not_listed_is_killed(rt, bundle):
  """Only the native arch: an i386 syscall (int 0x80) hits the bad-arch
  action, which kills."""
  probe = install_probe(bundle)
  seccomp(bundle, architectures=["SCMP_ARCH_X86_64"], syscalls=[
      {"names": ["getpriority"], "action": "SCMP_ACT_ERRNO"}])
  out = rt.output(bundle, sh(f"{probe} int80 20; echo status=$?"))
  assert out == f"status={SIGSYS_STATUS}\n"


@pytest.mark.parametrize("flag", ["SECCOMP_FILTER_FLAG_TSYNC",
                                  "SECCOMP_FILTER_FLAG_LOG",
                                  "SECCOMP_FILTER_FLAG_SPEC_ALLOW"])
def test_flags_accepted_and_filter_applied(rt, bundle, flag):
  probe = install_probe(bundle)
  seccomp(bundle, flags=[flag], syscalls=[
      {"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}])
  out = rt.output(bundle, sh(f"{probe} sys {GETPRIO} 0 0; "
                             "grep '^Seccomp:' /proc/self/status"))
  lines = out.splitlines()
  assert parse_kv(lines[0])["errno"] == 42
  assert lines[1].split() == ["Seccomp:", "2"]


def test_spec_allow_keeps_speculation_state(rt, bundle):
  """Without SPEC_ALLOW the kernel may force the SSB mitigation on a
  seccomp'd task (spec_store_bypass_disable=seccomp); with it, never."""
  seccomp(bundle, flags=["SECCOMP_FILTER_FLAG_SPEC_ALLOW"])
  out = rt.output(bundle, ["grep", "^Speculation_Store_Bypass",
                           "/proc/self/status"])
  assert "force mitigated" not in out


# ---------------------------------------------------------------------------
# user notification


def _notify_profile(bundle, listener, flags=()):
  seccomp(bundle, listenerPath=str(listener),
          listenerMetadata="itest-meta=1", flags=list(flags),
          syscalls=[{"names": ["mkdir", "mkdirat"],
                     "action": "SCMP_ACT_NOTIFY"}])


@pytest.mark.parametrize("flags,nnp", [
    ([], True), ([], False),
    (["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"], True)])
def test_notify_agent_answers_mkdir(rt, bundle, ctx, flags, nnp):
  sock = ctx.tmp / "agent.sock"
  agent = NotifyAgent(sock)
  try:
    bundle.config["process"]["noNewPrivileges"] = nnp
    _notify_profile(bundle, sock, flags)
    cid = rt.new_id("notify")
    out = rt.output(bundle, sh("mkdir /tmp/by-agent; echo rc=$?; "
                               "test -d /tmp/by-agent && echo exists "
                               "|| echo absent"), cid=cid)
    agent.wait()
    doc = agent.document()
  finally:
    agent.close()
  # the agent said "success" without creating anything
  assert out.splitlines() == ["rc=0", "absent"]
  assert agent.seen and set(agent.seen) <= {syscall_nr("mkdir"),
                                            syscall_nr("mkdirat")}
  assert not (bundle.rootfs / "tmp" / "by-agent").exists()
  assert doc["fds"] == ["seccompFd"]
  assert doc["metadata"] == "itest-meta=1"
  assert isinstance(doc["pid"], int) and doc["pid"] > 0
  assert doc["state"]["id"] == cid
  assert doc["state"]["pid"] == doc["pid"]
  assert doc["state"]["bundle"] == str(bundle.path)
  assert "ociVersion" in doc


def test_notify_listener_path_missing(rt, bundle, ctx):
  _notify_profile(bundle, ctx.tmp / "no-agent.sock")
  res = rt.run_container(bundle)
  assert res.rc == 1, res
  assert "linux.seccomp.listenerPath" in res.err, res
  assert "no-agent.sock" in res.err, res


def test_notify_needs_listener_path(rt, bundle):
  seccomp(bundle, syscalls=[{"names": ["mkdir"],
                             "action": "SCMP_ACT_NOTIFY"}])
  res = rt.run_container(bundle)
  assert res.rc == 1, res
  assert "listenerPath" in res.err, res


# ---------------------------------------------------------------------------
# bad profiles: a clear message naming the field, nothing left behind


@pytest.mark.parametrize("change,words", [
    (lambda p: p.update(defaultAction="SCMP_ACT_MAYBE"),
     ["linux.seccomp.defaultAction", "SCMP_ACT_MAYBE"]),
    (lambda p: p["syscalls"].append({"names": ["getpid"],
                                     "action": "SCMP_ACT_PERHAPS"}),
     ["linux.seccomp.syscalls[0].action", "SCMP_ACT_PERHAPS"]),
    (lambda p: p["syscalls"].append({
        "names": ["getpid"], "action": "SCMP_ACT_ERRNO",
        "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}),
     ["linux.seccomp.syscalls[0].args[0].op", "SCMP_CMP_ABOUT"]),
    (lambda p: p["syscalls"].append({
        "names": ["getpid"], "action": "SCMP_ACT_ERRNO",
        "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}),
     ["linux.seccomp.syscalls[0].args[0].index", "6"]),
    (lambda p: p.update(architectures=["SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"]),
     ["linux.seccomp.architectures[1]", "SCMP_ARCH_Z80"]),
    (lambda p: p.update(flags=["SECCOMP_FILTER_FLAG_FAST"]),
     ["linux.seccomp.flags[0]", "SECCOMP_FILTER_FLAG_FAST"]),
], ids=["defaultAction", "action", "operator", "index", "architecture",
        "flag"])
def test_bad_profile(rt, bundle, change, words):
  prof = seccomp(bundle)
  change(prof)
  res = rt.run_container(bundle, ["echo", "must-not-run"])
  assert res.rc == 1, res
  assert "must-not-run" not in res.out
  for word in words:
    assert word in res.err, res
