# SPDX-License-Identifier: GPL-2.0-or-later
"""Swap a rootfs directory for symlinks, as fast as it can, until killed.

usage: fs_racer.py DIR NAME TARGET...

DIR/NAME is alternately a real directory (DIR/NAME.dir) and each symlink
(DIR/NAME.linkN -> TARGET[N]), by atomic rename(2), so that a runtime
resolving DIR/NAME/... sees a directory one moment and a symlink leaving the
rootfs the next. Prints the number of swaps on SIGTERM."""

import os
import signal
import sys


def main():
  d, name = sys.argv[1], sys.argv[2]
  targets = sys.argv[3:]
  here = os.path.join(d, name)
  parked = [os.path.join(d, name + ".dir")]
  os.makedirs(parked[0], exist_ok=True)
  for i, t in enumerate(targets):
    link = os.path.join(d, f"{name}.link{i}")
    if not os.path.lexists(link):
      os.symlink(t, link)
    parked.append(link)
  swaps = 0
  stop = []
  signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
  while not stop:
    for p in parked:
      try:
        os.rename(p, here)
        os.rename(here, p)
        swaps += 1
      except OSError:
        # a runtime made DIR/NAME itself (mkdir after ENOENT): move it away
        if os.path.isdir(here) and not os.path.islink(here):
          try:
            os.rename(here, os.path.join(d, f"{name}.made{swaps}"))
          except OSError:
            pass
  print(swaps, flush=True)


if __name__ == "__main__":
  main()
