# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared bits of the engine scenarios: command running with timeouts, the
busybox rootfs, and the scenario runner that prints `ok N - name` /
`not ok N - name` and re-runs a failed scenario with runc to tell skiff's
failures from the machine's."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RUNC = os.environ.get("ENGINES_RUNC") or shutil.which("runc") or "/usr/sbin/runc"
CMD_TIMEOUT = float(os.environ.get("ENGINES_CMD_TIMEOUT", "60"))
VERBOSE = bool(os.environ.get("ENGINES_VERBOSE"))

PASSWD = """root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
"""
GROUP = """root:x:0:
tty:x:5:
user:x:1000:
nogroup:x:65534:
"""


class Failure(Exception):
  pass


def check(cond, msg):
  if not cond:
    raise Failure(msg)


class Result:
  def __init__(self, argv, rc, out, err):
    self.argv, self.rc, self.out, self.err = argv, rc, out, err

  def __str__(self):
    return (f"$ {' '.join(map(str, self.argv))}\nrc={self.rc}\n"
            f"--- stdout ---\n{self.out}\n--- stderr ---\n{self.err}")


def run(argv, env=None, timeout=CMD_TIMEOUT, check_rc=None, stdin=None):
  """Run a command (stdin /dev/null unless given); returns a Result.
  check_rc: the exit status it must have (Failure otherwise)."""
  argv = [str(a) for a in argv]
  if VERBOSE:
    print("#   $ " + " ".join(argv), flush=True)
  # Files, not pipes: `create` hands its stdio to the container's init,
  # which would hold a pipe open long after the runtime has returned.
  with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
    try:
      p = subprocess.run(argv, env=env, timeout=timeout, stdout=out,
                         stderr=err, stdin=stdin if stdin is not None
                         else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
      err.seek(0)
      raise Failure(f"timed out after {timeout}s: {' '.join(argv)}\n"
                    f"{err.read().decode(errors='replace')[-2000:]}")
    out.seek(0)
    err.seek(0)
    res = Result(argv, p.returncode, out.read().decode(errors="replace"),
                 err.read().decode(errors="replace"))
  if check_rc is not None and res.rc != check_rc:
    raise Failure(f"expected exit status {check_rc}\n{res}")
  return res


def wait_for(pred, timeout=10.0, step=0.1):
  deadline = time.monotonic() + timeout
  while True:
    value = pred()
    if value or time.monotonic() >= deadline:
      return value
    time.sleep(step)


def _needs_loader(path):
  """True when the ELF at path has a PT_INTERP program header."""
  import struct
  with open(path, "rb") as f:
    ident = f.read(64)
    if ident[:4] != b"\x7fELF":
      return True
    phoff, = struct.unpack_from("<Q", ident, 32)
    phentsize, phnum = struct.unpack_from("<HH", ident, 54)
    f.seek(phoff)
    headers = f.read(phentsize * phnum)
  return any(struct.unpack_from("<I", headers, i * phentsize)[0] == 3
             for i in range(phnum))


def find_static_busybox():
  for path in ("/bin/busybox", "/usr/bin/busybox"):
    if os.access(path, os.X_OK) and not _needs_loader(path):
      return path
  return None


def build_rootfs(dest):
  """A busybox rootfs: the static busybox, one symlink per applet,
  passwd/group and a marker file."""
  busybox = find_static_busybox()
  if not busybox:
    raise SystemExit("no static busybox (apt-get install busybox-static)")
  dest = Path(dest)
  for d in ("bin", "proc", "dev", "sys", "etc", "root", "home/user", "tmp",
            "var/tmp", "run"):
    (dest / d).mkdir(parents=True, exist_ok=True)
  (dest / "tmp").chmod(0o1777)
  (dest / "var/tmp").chmod(0o1777)
  shutil.copy2(busybox, dest / "bin" / "busybox")
  applets = subprocess.run([busybox, "--list"], check=True,
                           capture_output=True, text=True).stdout.split()
  for applet in applets:
    link = dest / "bin" / applet
    if applet != "busybox" and not link.exists():
      link.symlink_to("busybox")
  (dest / "etc" / "passwd").write_text(PASSWD)
  (dest / "etc" / "group").write_text(GROUP)
  (dest / "etc" / "marker").write_text("engine-marker\n")
  (dest / "home" / "user").chmod(0o777)
  return dest


def status_fields(text):
  fields = {}
  for line in text.splitlines():
    key, sep, value = line.partition(":")
    if sep:
      fields[key.strip()] = value.strip()
  return fields


def host_cgroup_file(pid, controller, name):
  """The content of a cgroup v1 file of pid's cgroup (or of the unified
  hierarchy on a v2 host), read on the host."""
  with open(f"/proc/{pid}/cgroup") as f:
    lines = f.read().splitlines()
  for line in lines:
    _, ctrls, path = line.split(":", 2)
    if controller in ctrls.split(","):
      p = Path(f"/sys/fs/cgroup/{controller}{path}/{name}")
      if p.exists():
        return p.read_text().strip()
  for line in lines:
    if line.startswith("0::"):
      p = Path("/sys/fs/cgroup" + line[3:]) / name
      if p.exists():
        return p.read_text().strip()
  raise Failure(f"no {controller} cgroup file {name} for pid {pid}: {lines}")


class Reporter:
  """Numbers scenarios across engines and counts the outcome."""

  def __init__(self):
    self.n = 0
    self.passed = 0
    self.failed = 0
    self.also_runc = 0

  def report(self, ok, name, note=""):
    self.n += 1
    if ok:
      self.passed += 1
      print(f"ok {self.n} - {name}", flush=True)
    else:
      self.failed += 1
      print(f"not ok {self.n} - {name}{note}", flush=True)

  def diag(self, text):
    for line in str(text).rstrip().splitlines():
      print("#   " + line, flush=True)


def run_scenarios(reporter, engine, scenarios, only=None):
  """engine: has .name, .setup_runtime(path) -> handle with .cleanup().
  Each scenario(handle) raises Failure (or anything) on failure. A failed
  scenario is run again against runc: if it also fails there, it is
  reported with `# also fails with runc: <why>`."""
  for fn in scenarios:
    name = f"{engine.name}: {fn.__doc__.strip().splitlines()[0]}"
    if only and not any(o in name for o in only):
      continue
    err = _attempt(engine, engine.runtime, fn)
    if err is None:
      reporter.report(True, name)
      continue
    note = ""
    if engine.runtime != RUNC and os.access(RUNC, os.X_OK):
      runc_err = _attempt(engine, RUNC, fn)
      if runc_err is not None:
        first = runc_err.strip().splitlines()[0] if runc_err.strip() else "?"
        note = f" # also fails with runc: {first[:200]}"
    reporter.report(False, name, note)
    reporter.diag(err)


def _attempt(engine, runtime, fn):
  try:
    engine.use_runtime(runtime)
    fn(engine)
    return None
  except Exception as e:  # noqa: BLE001 - a scenario fails on anything
    if isinstance(e, Failure):
      return str(e)
    return "".join(traceback.format_exception(e))
  finally:
    try:
      engine.after_scenario()
    except Exception as e:  # noqa: BLE001
      print(f"#   cleanup after scenario: {e}", file=sys.stderr)


def run_in_pty(argv, env=None, timeout=CMD_TIMEOUT):
  """Run a command with a pty as its stdin/stdout/stderr (for clients that
  insist on a console with --tty); returns a Result with the pty's output
  in out."""
  import pty
  import select
  argv = [str(a) for a in argv]
  master, slave = pty.openpty()
  p = subprocess.Popen(argv, env=env, stdin=slave, stdout=slave, stderr=slave,
                       start_new_session=True)
  os.close(slave)
  out = b""
  deadline = time.monotonic() + timeout
  while time.monotonic() < deadline:
    r, _, _ = select.select([master], [], [], 0.2)
    if r:
      try:
        chunk = os.read(master, 4096)
      except OSError:
        break
      if not chunk:
        break
      out += chunk
    elif p.poll() is not None:
      break
  os.close(master)
  try:
    rc = p.wait(timeout=max(1, deadline - time.monotonic()))
  except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
    raise Failure(f"timed out after {timeout}s: {' '.join(argv)}")
  return Result(argv, rc, out.decode(errors="replace"), "")


def remove_empty_cgroups(name):
  """rmdir /sys/fs/cgroup[/<controller>]/<name> and its subdirectories,
  deepest first; a cgroup still in use is left alone (rmdir fails)."""
  roots = [Path("/sys/fs/cgroup")] + [
      p for p in Path("/sys/fs/cgroup").iterdir() if p.is_dir()]
  for root in roots:
    top = root / name
    if not top.is_dir():
      continue
    for dirpath, _, _ in sorted(os.walk(top), key=lambda w: -len(w[0])):
      try:
        os.rmdir(dirpath)
      except OSError:
        pass


def remove_empty_dirs(paths):
  for p in paths:
    try:
      os.rmdir(p)
    except OSError:
      pass
