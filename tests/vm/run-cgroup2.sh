#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the cgroup integration tests on a pure cgroup v2 host: a QEMU guest
# (TCG: KVM guests hang here) booting Debian's kernel with a busybox
# initramfs, the host's / shared read-only over 9p, this worktree shared
# writable for the results, cgroup2 with every controller on
# /sys/fs/cgroup. Build skiff first. Usage, as root:
#   tests/vm/run-cgroup2.sh [PYTEST ARGS...]
# (default: tests/integration/test_cgroups*.py). Exit status: pytest's;
# 2 when the VM could not be set up. The log is in
# tests/vm/results/cgroup2.log, the console in cgroup2.console.
set -u
here=$(cd "$(dirname "$0")" && pwd)
wt=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

run_guest cgroup2 "$@"
