#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the systemd cgroup driver tests with systemd as PID 1: the same QEMU
# guest as run-cgroup2.sh (Debian's kernel, busybox initramfs, host's /
# read-only over 9p), but the initramfs switches root to the host's /
# (tmpfs on /run, /tmp, /var/tmp, /var/log, /var/lib/systemd) and execs the
# host's systemd, which mounts a pure cgroup2 /sys/fs/cgroup and starts
# tests/vm/guest-systemd.sh from a unit the initramfs wrote to /run/systemd/
# system, powering off when it ends. Build skiff first. Usage, as root:
#   tests/vm/run-systemd.sh [PYTEST ARGS...]
# (default: test_cgroups_systemd.py and test_cgroups_errors.py). Exit
# status: pytest's; 2 when the VM could not be set up. Log:
# tests/vm/results/systemd.log, console: systemd.console.
set -u
here=$(cd "$(dirname "$0")" && pwd)
wt=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

run_guest systemd "$@"
