# SPDX-License-Identifier: GPL-2.0-or-later
"""What podman/conmon and the containerd shim rely on, checked on the
runtime directly: `--log FILE --log-format json` error lines, runc's exit
codes, `features` valid against the spec's schema and truthful, and `state`
reporting `stopped` as soon as the container's process has exited."""

import json
import os
from pathlib import Path

import lib
from lib import Failure, check, run

SCHEMA_DIR = Path(os.environ.get(
    "OCI_SCHEMA_DIR", "/work/shared/oci-runtime-spec/schema"))


class Contract:
  name = "runtime"

  def __init__(self, base, runtime):
    self.base = Path(base)
    self.runtime = runtime
    self.current = runtime
    self.base.mkdir(parents=True, exist_ok=True)
    self.rootfs = lib.build_rootfs(self.base / "rootfs")
    self.n = 0

  def use_runtime(self, runtime):
    self.current = runtime
    self.root = self.base / f"root-{os.path.basename(runtime)}"

  def rt(self, *args, **kw):
    return run([self.current, "--root", self.root, *args], **kw)

  def bundle(self, args):
    """A bundle from `spec` (the runtime's own default config) running
    args, sharing the rootfs read-only."""
    self.n += 1
    b = self.base / f"bundle{self.n}"
    b.mkdir()
    self.rt("spec", "--bundle", b, check_rc=0)
    cfg = json.loads((b / "config.json").read_text())
    cfg["process"]["args"] = list(args)
    cfg["process"]["terminal"] = False
    cfg["root"] = {"path": str(self.rootfs), "readonly": True}
    (b / "config.json").write_text(json.dumps(cfg))
    return b

  def after_scenario(self):
    res = self.rt("list", "-q")
    for cid in res.out.split():
      self.rt("delete", "--force", cid)

  def close(self):
    for r in self.base.glob("root-*"):
      self.root = r
      self.after_scenario()


def _json_lines(path):
  lines = [l for l in Path(path).read_text().splitlines() if l.strip()]
  check(lines, f"nothing logged in {path}")
  for line in lines:
    try:
      entry = json.loads(line)
    except ValueError:
      raise Failure(f"not JSON: {line!r}")
    for key in ("level", "msg", "time"):
      check(key in entry, f"no {key!r} in log line {line!r}")
  return [json.loads(l) for l in lines]


def log_json_errors(c):
  """--log --log-format json: every error line is JSON (level, msg, time)"""
  log = c.base / f"log{c.n}.json"
  c.n += 1
  res = run([c.current, "--root", c.root, "--log", log, "--log-format",
             "json", "state", "no-such-id"])
  check(res.rc == 1, f"exit status {res.rc} (runc: 1)\n{res}")
  entries = _json_lines(log)
  check(any(e["level"] == "error" and "no-such-id" in e["msg"]
            for e in entries), f"no error naming the id: {entries}")
  # A create that fails in the container's setup: the shim and conmon
  # read this message back from the log file.
  b = c.bundle(["/no/such/binary"])
  log2 = c.base / f"log{c.n}.json"
  res = run([c.current, "--root", c.root, "--log", log2, "--log-format",
             "json", "create", "--bundle", b, f"fail{c.n}"])
  check(res.rc != 0, f"create succeeded\n{res}")
  entries = _json_lines(log2)
  check(any("/no/such/binary" in e["msg"] for e in entries if
            e["level"] == "error"), f"error not logged: {entries}")
  check(f"fail{c.n}" not in c.rt("list", "-q").out, "failed create left state")


def features_schema(c):
  """features: valid against features-schema.json"""
  try:
    import jsonschema
  except ImportError:
    raise Failure("python3-jsonschema is not installed")
  res = c.rt("features", check_rc=0)
  doc = json.loads(res.out)
  schema = json.loads((SCHEMA_DIR / "features-schema.json").read_text())
  resolver = jsonschema.RefResolver(SCHEMA_DIR.as_uri() + "/", schema)
  try:
    jsonschema.validate(doc, schema, resolver=resolver)
  except jsonschema.ValidationError as e:
    raise Failure(f"features does not validate: {e.message} at "
                  f"{list(e.absolute_path)}")


def features_truthful(c):
  """features: what it claims holds on this host"""
  doc = json.loads(c.rt("features", check_rc=0).out)
  linux = doc.get("linux", {})
  names = {"mount": "mnt", "network": "net"}
  for ns in linux.get("namespaces", []):
    check(os.path.exists(f"/proc/self/ns/{names.get(ns, ns)}"),
          f"namespace {ns} listed but the kernel has none")
  cg = linux.get("cgroup", {})
  if Path("/sys/fs/cgroup/memory").is_dir():
    check(cg.get("v1") is True, f"cgroup v1 host, v1 not claimed: {cg}")
  if Path("/sys/fs/cgroup/cgroup.controllers").exists() or \
      Path("/sys/fs/cgroup/unified/cgroup.controllers").exists():
    check(cg.get("v2") is True, f"cgroup v2 present, v2 not claimed: {cg}")
  aa = Path("/sys/module/apparmor/parameters/enabled")
  aa_on = aa.exists() and aa.read_text().strip() == "Y"
  check(linux.get("apparmor", {}).get("enabled", False) == aa_on,
        f"apparmor.enabled {linux.get('apparmor')} but host {aa_on}")
  se_on = Path("/sys/fs/selinux/enforce").exists()
  check(linux.get("selinux", {}).get("enabled", False) == se_on,
        f"selinux.enabled {linux.get('selinux')} but host {se_on}")
  opts = set(doc.get("mountOptions", []))
  check({"ro", "nosuid", "nodev", "noexec", "rbind", "rprivate"} <= opts,
        f"common mount options missing: {sorted(opts)}")
  # Every hook listed really runs: a createRuntime/poststart marker.
  b = c.bundle(["true"])
  cfg = json.loads((b / "config.json").read_text())
  marks = c.base / f"hooks{c.n}"
  marks.mkdir()
  cfg["hooks"] = {h: [{"path": "/bin/sh", "args": [
      "sh", "-c", f"touch {marks}/{h}"]}] for h in doc.get("hooks", [])
      if h not in ("createContainer", "startContainer")}
  (b / "config.json").write_text(json.dumps(cfg))
  res = c.rt("run", "--bundle", b, f"hooks{c.n}")
  check(res.rc == 0, f"run with hooks\n{res}")
  ran = {p.name for p in marks.iterdir()}
  check(ran == set(cfg["hooks"]), f"hooks that ran: {sorted(ran)}, "
        f"listed: {sorted(cfg['hooks'])}")


def state_stopped_at_once(c):
  """state: `stopped` as soon as the container's process has exited"""
  for i in range(5):
    b = c.bundle(["sh", "-c", "sleep 0.2"])
    cid = f"st{c.n}"
    c.rt("create", "--bundle", b, cid, check_rc=0)
    pid = json.loads(c.rt("state", cid, check_rc=0).out)["pid"]
    c.rt("start", cid, check_rc=0)
    # Wait for the process to be gone (reaped or a zombie), then one look.
    def exited():
      try:
        stat = Path(f"/proc/{pid}/stat").read_text()
      except FileNotFoundError:
        return True
      return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")
    check(lib.wait_for(exited, timeout=10, step=0.01), "never exited")
    st = json.loads(c.rt("state", cid, check_rc=0).out)
    check(st["status"] == "stopped", f"round {i}: status {st['status']!r} "
          "right after the process exited")
    c.rt("delete", cid, check_rc=0)


SCENARIOS = [log_json_errors, features_schema, features_truthful,
             state_stopped_at_once]
