# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers of the integration suite: the runtime wrapper, bundles,
the default config and the leak scanner.

The suite drives any runc-compatible binary: $SKIFF, or <repo>/skiff.
"""

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNTIME = os.environ.get("SKIFF") or str(REPO / "skiff")
# Per-test directories live under here (0755) rather than under pytest's
# 0700 basetemp: a user-namespaced container's root maps to an unprivileged
# host uid that must be able to traverse the path to its rootfs.
BASE_TMP = Path(os.environ.get("SKIFF_ITEST_TMP", "/tmp/skiff-itests"))
TOKEN_ENV = "SKIFF_ITEST_TOKEN"
DEFAULT_TIMEOUT = float(os.environ.get("SKIFF_ITEST_TIMEOUT", "30"))

BUSYBOX_CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")

# Kernel capability numbers (linux/capability.h), to turn names into the
# masks shown in /proc/PID/status.
CAPS = {
    "CAP_CHOWN": 0, "CAP_DAC_OVERRIDE": 1, "CAP_DAC_READ_SEARCH": 2,
    "CAP_FOWNER": 3, "CAP_FSETID": 4, "CAP_KILL": 5, "CAP_SETGID": 6,
    "CAP_SETUID": 7, "CAP_SETPCAP": 8, "CAP_LINUX_IMMUTABLE": 9,
    "CAP_NET_BIND_SERVICE": 10, "CAP_NET_BROADCAST": 11, "CAP_NET_ADMIN": 12,
    "CAP_NET_RAW": 13, "CAP_IPC_LOCK": 14, "CAP_IPC_OWNER": 15,
    "CAP_SYS_MODULE": 16, "CAP_SYS_RAWIO": 17, "CAP_SYS_CHROOT": 18,
    "CAP_SYS_PTRACE": 19, "CAP_SYS_PACCT": 20, "CAP_SYS_ADMIN": 21,
    "CAP_SYS_BOOT": 22, "CAP_SYS_NICE": 23, "CAP_SYS_RESOURCE": 24,
    "CAP_SYS_TIME": 25, "CAP_SYS_TTY_CONFIG": 26, "CAP_MKNOD": 27,
    "CAP_LEASE": 28, "CAP_AUDIT_WRITE": 29, "CAP_AUDIT_CONTROL": 30,
    "CAP_SETFCAP": 31, "CAP_MAC_OVERRIDE": 32, "CAP_MAC_ADMIN": 33,
    "CAP_SYSLOG": 34, "CAP_WAKE_ALARM": 35, "CAP_BLOCK_SUSPEND": 36,
    "CAP_AUDIT_READ": 37, "CAP_PERFMON": 38, "CAP_BPF": 39,
    "CAP_CHECKPOINT_RESTORE": 40,
}


def cap_mask(names):
  mask = 0
  for name in names:
    mask |= 1 << CAPS[name]
  return mask


def sh(script):
  """process.args running a shell script."""
  return ["sh", "-c", script]


def find_static_busybox():
  for path in BUSYBOX_CANDIDATES:
    if os.access(path, os.X_OK) and _is_static_elf(path):
      return path
  return None


def _is_static_elf(path):
  """True when the ELF has no PT_INTERP (it needs no dynamic loader, so it
  runs in a rootfs holding nothing else)."""
  import struct
  with open(path, "rb") as f:
    head = f.read(64)
    if head[:4] != b"\x7fELF" or head[4] != 2:
      return False
    phoff, = struct.unpack_from("<Q", head, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
    f.seek(phoff)
    table = f.read(phentsize * phnum)
  for i in range(phnum):
    p_type, = struct.unpack_from("<I", table, i * phentsize)
    if p_type == 3:  # PT_INTERP
      return False
  return True


# ----------------------------------------------------------------------------
# Default config: what `runc spec` writes, except terminal false, a writable
# root (tests that want root.readonly set it; a failing readonly remount must
# not take every other test down with it) and args that exit at once.

DEFAULT_CAPS = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]

_DEFAULT_CONFIG = {
    "ociVersion": "1.0.2",
    "process": {
        "terminal": False,
        "user": {"uid": 0, "gid": 0},
        "args": ["true"],
        "env": [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "TERM=xterm",
        ],
        "cwd": "/",
        "capabilities": {
            "bounding": DEFAULT_CAPS,
            "effective": DEFAULT_CAPS,
            "permitted": DEFAULT_CAPS,
            "ambient": DEFAULT_CAPS,
        },
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
        "noNewPrivileges": True,
    },
    "root": {"path": "rootfs", "readonly": False},
    "hostname": "itest",
    "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666",
                     "mode=0620", "gid=5"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
    ],
    "linux": {
        "resources": {"devices": [{"allow": False, "access": "rwm"}]},
        "namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                       {"type": "uts"}, {"type": "mount"}],
        "maskedPaths": [
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
            "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
        ],
        "readonlyPaths": [
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger",
        ],
    },
}


def default_config():
  return copy.deepcopy(_DEFAULT_CONFIG)


# ----------------------------------------------------------------------------
# Rootfs template: a static busybox plus a symlink per applet, built once per
# session and copied into each bundle.

PASSWD = """root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/:/bin/false
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
"""
GROUP = """root:x:0:
daemon:x:1:
wheel:x:10:
audio:x:20:
tty:x:5:
user:x:1000:
nogroup:x:65534:
"""


def build_rootfs_template(busybox, dest):
  dest = Path(dest)
  for d in ("bin", "sbin", "proc", "dev", "sys", "etc", "root", "home/user",
            "mnt", "var", "run"):
    (dest / d).mkdir(parents=True, exist_ok=True)
  tmp = dest / "tmp"
  tmp.mkdir()
  tmp.chmod(0o1777)
  shutil.copy2(busybox, dest / "bin" / "busybox")
  (dest / "bin" / "busybox").chmod(0o755)
  applets = subprocess.run([busybox, "--list"], check=True,
                           capture_output=True, text=True).stdout.split()
  for applet in applets:
    link = dest / "bin" / applet
    if applet != "busybox" and "/" not in applet and not link.exists():
      link.symlink_to("busybox")
  (dest / "etc" / "passwd").write_text(PASSWD)
  (dest / "etc" / "group").write_text(GROUP)
  (dest / "etc" / "marker").write_text("rootfs-marker\n")
  (dest / "home" / "user").chmod(0o777)
  return dest


class Bundle:
  """A bundle directory: rootfs/ copied from the template and a config
  dict that the test edits, then writes with write()."""

  def __init__(self, path, template, token):
    self.path = Path(path)
    self.rootfs = self.path / "rootfs"
    self.token = token
    self.path.mkdir(parents=True)
    self.path.chmod(0o755)
    shutil.copytree(template, self.rootfs, symlinks=True)
    self.config = default_config()

  @property
  def config_path(self):
    return self.path / "config.json"

  def set_args(self, args):
    self.config["process"]["args"] = list(args)

  def write(self):
    """Write config.json.  The test token is added to process.env so the
    leak scanner can recognise the container's processes."""
    cfg = copy.deepcopy(self.config)
    proc = cfg.get("process")
    if isinstance(proc, dict) and isinstance(proc.get("env"), list):
      tag = f"{TOKEN_ENV}={self.token}"
      if tag not in proc["env"]:
        proc["env"].append(tag)
    self.config_path.write_text(json.dumps(cfg, indent=2))
    return self.config_path

  def namespaces(self):
    return self.config["linux"]["namespaces"]

  def set_namespace(self, ns_type, path=None):
    nss = [n for n in self.namespaces() if n["type"] != ns_type]
    entry = {"type": ns_type}
    if path is not None:
      entry["path"] = str(path)
    nss.append(entry)
    self.config["linux"]["namespaces"] = nss

  def drop_namespace(self, ns_type):
    self.config["linux"]["namespaces"] = [
        n for n in self.namespaces() if n["type"] != ns_type]

  def drop_mount(self, destination):
    self.config["mounts"] = [m for m in self.config["mounts"]
                             if m["destination"] != destination]


# ----------------------------------------------------------------------------
# Running the runtime


class Result:
  def __init__(self, argv, rc, out, err):
    self.argv, self.rc, self.out, self.err = argv, rc, out, err

  def __repr__(self):
    return (f"<{' '.join(map(str, self.argv))}: rc={self.rc}\n"
            f"--- stdout ---\n{self.out}--- stderr ---\n{self.err}>")

  def lines(self):
    return self.out.splitlines()


class Runtime:
  """Runs the runtime binary with a per-test --root.

  stdout and stderr go to files, never pipes: `create` hands its stdio to
  the container's init, so a pipe would stay open until the container
  exits."""

  def __init__(self, binary, root, workdir, token):
    self.binary = binary
    self.root = Path(root)
    self.workdir = Path(workdir)
    self.token = token
    self.ids = []
    self.seen_pids = {}  # pid -> start time, of every init seen in `state`
    self._calls = 0

  def new_id(self, name="c"):
    cid = f"{self.token}-{name}{len(self.ids)}"
    self.ids.append(cid)
    return cid

  def env(self):
    env = dict(os.environ)
    env[TOKEN_ENV] = self.token
    return env

  def __call__(self, *args, global_args=(), timeout=DEFAULT_TIMEOUT,
               stdin=None, fds=None, cwd=None, root=True):
    """fds: {fd in the runtime: fd of ours} to hand extra descriptors over
    (e.g. {3: f.fileno()} for --preserve-fds 1)."""
    argv = [self.binary]
    if root:
      argv += ["--root", str(self.root)]
    argv += list(global_args) + [str(a) for a in args]
    self._calls += 1
    outp = self.workdir / f"call{self._calls}.out"
    errp = self.workdir / f"call{self._calls}.err"
    with open(outp, "w+b") as out, open(errp, "w+b") as err:
      stdin_f = subprocess.DEVNULL if stdin is None else stdin
      fds = dict(fds or {})

      def place_fds():
        for target, source in fds.items():
          os.dup2(source, target)

      proc = subprocess.Popen(argv, stdin=stdin_f, stdout=out, stderr=err,
                              pass_fds=tuple(fds), cwd=cwd, env=self.env(),
                              preexec_fn=place_fds if fds else None,
                              start_new_session=True)
      try:
        rc = proc.wait(timeout=timeout)
      except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise AssertionError(f"timed out after {timeout}s: {argv}")
      out.seek(0)
      err.seek(0)
      return Result(argv, rc, out.read().decode(errors="replace"),
                    err.read().decode(errors="replace"))

  def popen(self, *args, global_args=()):
    """Start the runtime in the background (e.g. a foreground `run` that
    the test kills); output goes to files read by finish()."""
    argv = [self.binary, "--root", str(self.root)] + list(global_args) + [
        str(a) for a in args]
    self._calls += 1
    outp = self.workdir / f"call{self._calls}.out"
    errp = self.workdir / f"call{self._calls}.err"
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=open(outp, "wb"), stderr=open(errp, "wb"),
                            env=self.env(), start_new_session=True)
    proc.argv, proc.outp, proc.errp = argv, outp, errp
    return proc

  @staticmethod
  def finish(proc, timeout=DEFAULT_TIMEOUT):
    try:
      rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
      _kill_group(proc)
      raise AssertionError(f"timed out after {timeout}s: {proc.argv}")
    return Result(proc.argv, rc, proc.outp.read_text(errors="replace"),
                  proc.errp.read_text(errors="replace"))

  # -- conveniences ---------------------------------------------------------

  def run_container(self, bundle, args=None, cid=None, extra=(),
                    global_args=(), timeout=DEFAULT_TIMEOUT):
    """`run` a container in the foreground and return its Result: the
    container's stdout/stderr and the exit status."""
    if args is not None:
      bundle.set_args(args)
    bundle.write()
    cid = cid or self.new_id("run")
    return self("run", "--bundle", bundle.path, *extra, cid,
                global_args=global_args, timeout=timeout)

  def output(self, bundle, args, **kw):
    """run_container that must succeed; returns the container's stdout."""
    res = self.run_container(bundle, args, **kw)
    assert res.rc == 0, res
    return res.out

  def create(self, bundle, cid=None, extra=(), args=None):
    if args is not None:
      bundle.set_args(args)
    bundle.write()
    cid = cid or self.new_id()
    res = self("create", "--bundle", bundle.path, *extra, cid)
    assert res.rc == 0, res
    return cid

  def state(self, cid):
    res = self("state", cid)
    assert res.rc == 0, res
    st = json.loads(res.out)
    self.note_pid(st.get("pid"))
    return st

  def note_pid(self, pid):
    """Remember a container pid for the leak check (the init of a created
    container carries neither the token nor a path under the test dir)."""
    start = pid_start_time(pid) if isinstance(pid, int) and pid > 0 else None
    if start is not None:
      self.seen_pids[pid] = start

  def status(self, cid):
    res = self("state", cid)
    if res.rc != 0:
      return None
    st = json.loads(res.out)
    self.note_pid(st.get("pid"))
    return st.get("status")

  def wait_status(self, cid, want, timeout=5.0):
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
      status = self.status(cid)
      if status == want:
        return status
      time.sleep(0.05)
    raise AssertionError(f"{cid}: status {status!r}, wanted {want!r}")

  def state_dir(self, cid):
    return self.root / cid

  def remove(self, cid):
    """kill (if needed) and delete; asserts the state dir is gone."""
    res = self("delete", "--force", cid)
    assert res.rc == 0, res
    assert not self.state_dir(cid).exists()


def _kill_group(proc):
  try:
    os.killpg(proc.pid, signal.SIGKILL)
  except ProcessLookupError:
    pass
  proc.wait()


def wait_for(pred, timeout=5.0, step=0.05):
  deadline = time.monotonic() + timeout
  while True:
    value = pred()
    if value or time.monotonic() >= deadline:
      return value
    time.sleep(step)


def pid_start_time(pid):
  try:
    with open(f"/proc/{pid}/stat") as f:
      return int(f.read().rsplit(")", 1)[1].split()[19])
  except (OSError, ValueError, IndexError):
    return None


def pid_alive(pid):
  """True while pid exists and is not a zombie."""
  try:
    with open(f"/proc/{pid}/stat") as f:
      stat = f.read()
  except (FileNotFoundError, ProcessLookupError):
    return False  # gone, possibly between the open and the read (ESRCH)
  return stat.rsplit(")", 1)[1].split()[0] != "Z"


# ----------------------------------------------------------------------------
# Leak scanning


def mountinfo():
  with open("/proc/self/mountinfo") as f:
    return set(f.read().splitlines())


def mount_point(line):
  return line.split()[4].replace("\\040", " ")


def _ancestors():
  pids = set()
  pid = os.getpid()
  while pid > 1:
    pids.add(pid)
    try:
      with open(f"/proc/{pid}/stat") as f:
        pid = int(f.read().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, ValueError, IndexError):
      break
  return pids


def leaked_processes(token, tmpdir, seen_pids=None):
  """Processes belonging to this test: root or cwd under tmpdir, or the
  token in their cmdline or environment (the runtime is started with it in
  its environment and every container's process.env carries it)."""
  tmpdir = str(tmpdir)
  skip = _ancestors()
  found = []
  tok = token.encode()
  for entry in os.listdir("/proc"):
    if not entry.isdigit() or int(entry) in skip:
      continue
    pid = int(entry)
    if not pid_alive(pid):
      continue
    why = None
    if seen_pids and seen_pids.get(pid) == pid_start_time(pid):
      why = "a container pid reported by `state`"
    for link in ("root", "cwd"):
      try:
        target = os.readlink(f"/proc/{pid}/{link}")
      except OSError:
        continue
      if not why and (target == tmpdir or target.startswith(tmpdir + "/")):
        why = f"{link}={target}"
    for name in ("cmdline", "environ"):
      if why:
        break
      try:
        with open(f"/proc/{pid}/{name}", "rb") as f:
          if tok in f.read():
            why = f"{name} holds {token}"
      except OSError:
        continue
    if why:
      try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
          cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
      except OSError:
        cmd = "?"
      found.append((pid, cmd.strip(), why))
  return found


def leaked_cgroups(token, base="/sys/fs/cgroup", max_depth=6):
  found = []
  base_depth = base.rstrip("/").count("/")
  for dirpath, dirnames, _ in os.walk(base):
    if dirpath.count("/") - base_depth >= max_depth:
      dirnames[:] = []
    for d in dirnames:
      if token in d:
        found.append(os.path.join(dirpath, d))
  return found


def remove_cgroups(paths):
  # deepest first
  for path in sorted(paths, key=lambda p: -p.count("/")):
    for dirpath, dirnames, _ in os.walk(path, topdown=False):
      try:
        os.rmdir(dirpath)
      except OSError:
        pass


def umount_under(paths_lines):
  for line in sorted(paths_lines, key=lambda l: -len(mount_point(l))):
    subprocess.run(["umount", "-l", mount_point(line)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def safe_rmtree(path):
  """rmtree that never crosses into another mount (a leaked bind mount of a
  host directory must not get its contents deleted)."""
  path = str(path)
  try:
    top_dev = os.lstat(path).st_dev
  except FileNotFoundError:
    return
  for dirpath, dirnames, filenames in os.walk(path, topdown=False):
    try:
      if os.lstat(dirpath).st_dev != top_dev:
        continue
    except FileNotFoundError:
      continue
    for name in filenames + dirnames:
      p = os.path.join(dirpath, name)
      try:
        st = os.lstat(p)
        if st.st_dev != top_dev:
          continue
        if os.path.isdir(p) and not os.path.islink(p):
          os.rmdir(p)
        else:
          os.unlink(p)
      except OSError:
        pass
  try:
    os.rmdir(path)
  except OSError:
    pass


def new_test_dir():
  BASE_TMP.mkdir(parents=True, exist_ok=True)
  BASE_TMP.chmod(0o755)
  d = Path(tempfile.mkdtemp(prefix="t", dir=BASE_TMP))
  d.chmod(0o755)
  return d


def host_ns(kind):
  return os.readlink(f"/proc/self/ns/{kind}")


def ns_inode(text):
  m = re.search(r"\[(\d+)\]", text)
  assert m, text
  return int(m.group(1))
