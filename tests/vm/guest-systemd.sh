#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs in the systemd guest as the systemd.run= service: the cgroup tests
# (systemd driver ones included) with systemd as PID 1 on pure cgroup v2.
# Results go to tests/vm/results/systemd.*.
wt=$(cd "$(dirname "$0")/../.." && pwd)
out=$wt/tests/vm/results
cd "$wt" || exit 1
export HOME=/tmp PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export SKIFF=$wt/skiff SKIFF_CGROUP_LAYOUT=v2 SKIFF_ITEST_TIMEOUT=120
export PYTHONDONTWRITEBYTECODE=1
{
  echo "PID 1: $(cat /proc/1/comm)"
  echo "cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
  systemctl is-system-running
  systemctl is-active dbus.socket dbus.service
} >"$out/systemd.env" 2>&1
set -- $(cat "$out/systemd.args" 2>/dev/null)
[ $# -gt 0 ] || set -- tests/integration/test_cgroups_systemd.py \
  tests/integration/test_cgroups_errors.py
timeout "${SKIFF_GUEST_TIMEOUT:-1200}" /usr/bin/python3 -m pytest -q \
  -p no:cacheprovider -rsxX "$@" </dev/null >"$out/systemd.log" 2>&1
rc=$?
echo $rc >"$out/systemd.rc"
sync
exit $rc
