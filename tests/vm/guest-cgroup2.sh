#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs in the cgroup2 guest (chroot into the host's /): the cgroup tests
# against the worktree's skiff; results go to tests/vm/results/cgroup2.*.
wt=$1
out=$wt/tests/vm/results
cd "$wt" || exit 1
export HOME=/tmp PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export SKIFF=$wt/skiff SKIFF_CGROUP_LAYOUT=v2 SKIFF_ITEST_TIMEOUT=120
# __pycache__ would be written into the host's tree: keep it in the guest
export PYTHONDONTWRITEBYTECODE=1
set -- $(cat "$out/cgroup2.args" 2>/dev/null)
[ $# -gt 0 ] || set -- tests/integration/test_cgroups*.py
timeout "${SKIFF_GUEST_TIMEOUT:-1200}" /usr/bin/python3 -m pytest -q \
  -p no:cacheprovider -rsxX "$@" </dev/null >"$out/cgroup2.log" 2>&1
rc=$?
echo $rc >"$out/cgroup2.rc"
sync
exit $rc
