# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the engine scenarios against a runtime binary.

  /usr/bin/python3 tests/engines/run.py [--runtime PATH]
      [--engine runtime|podman|containerd]...
      [--only SUBSTRING]... [--workdir DIR]

Prints `ok N - name` / `not ok N - name` per scenario and a final
`N passed, N failed` line; exits 1 when any scenario failed."""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lib  # noqa: E402


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("--runtime", default=os.environ.get("SKIFF") or
                  str(lib.REPO / "skiff"))
  ap.add_argument("--engine", action="append", choices=["runtime", "podman", "containerd"])
  ap.add_argument("--only", action="append")
  ap.add_argument("--workdir")
  ap.add_argument("--keep", action="store_true", help="keep the work dir")
  args = ap.parse_args()
  runtime = os.path.abspath(args.runtime)
  if not os.access(runtime, os.X_OK):
    sys.exit(f"runtime not found: {runtime}")
  engines = args.engine or ["runtime", "podman", "containerd"]
  base = Path(args.workdir or tempfile.mkdtemp(prefix="skiff-engines-"))
  base.mkdir(parents=True, exist_ok=True)
  base.chmod(0o755)
  # conmon drops an `oom` file into its working directory after an OOM
  # kill in an exec session: keep that out of the caller's directory.
  os.chdir(base)
  print(f"# runtime {runtime}, work dir {base}", flush=True)
  rep = lib.Reporter()
  t0 = time.monotonic()
  for name in engines:
    if name == "runtime":
      import contract_scenarios as mod
      make = lambda: mod.Contract(base / "runtime", runtime)
    elif name == "podman":
      import podman_scenarios as mod
      make = lambda: mod.Podman(base / "podman", runtime)
    else:
      import containerd_scenarios as mod
      make = lambda: mod.Containerd(base / "containerd", runtime)
    if name != "runtime" and not shutil.which(name):
      print(f"# {name} not installed: skipped (run tests/engines/run.sh)")
      continue
    try:
      engine = make()
    except Exception as e:  # noqa: BLE001
      rep.report(False, f"{name}: set up the engine")
      rep.diag(e)
      continue
    try:
      lib.run_scenarios(rep, engine, mod.SCENARIOS, args.only)
    finally:
      engine.close()
  print(f"# {time.monotonic() - t0:.0f}s")
  if not args.keep:
    os.chdir("/")
    shutil.rmtree(base, ignore_errors=True)
  print(f"{rep.passed} passed, {rep.failed} failed", flush=True)
  return 1 if rep.failed else 0


if __name__ == "__main__":
  sys.exit(main())
