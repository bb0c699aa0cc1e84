#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the VM runners' initramfs (busybox). Mounts the host's / read-only
# over 9p (tag "host") on /mnt, the worktree writable over it (tag "wt"),
# gives it proc, sys, a pure cgroup2 /sys/fs/cgroup, dev and tmpfs /tmp and
# /run, then runs tests/vm/guest-<run>.sh in a chroot and powers off.
# Kernel parameters: skiff.wt=<worktree path> skiff.run=<name>.
# With skiff.run=systemd the host's own systemd becomes PID 1 instead (it
# mounts proc, sys, cgroup2 and dev itself); the tests are started by a
# runtime unit written to its /run/systemd/system (systemd.run= on the
# kernel command line was not picked up there).
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in /modules/*.ko; do
  insmod "$m" || echo "guest: insmod $m failed"
done
wt= run=
for a in $(cat /proc/cmdline); do
  case $a in
    skiff.wt=*) wt=${a#skiff.wt=} ;;
    skiff.run=*) run=${a#skiff.run=} ;;
  esac
done
o=trans=virtio,version=9p2000.L,msize=262144,cache=none
if ! mount -t 9p -o "$o,ro" host /mnt; then
  echo "guest: 9p mount of the host failed"
  poweroff -f
fi
# The worktree goes over the tmpfs mounts, not under them: in CI it may
# live below /tmp, which a tmpfs would hide.
mount_worktree() {
  mkdir -p "/mnt$wt" 2>/dev/null
  if ! mount -t 9p -o "$o" wt "/mnt$wt"; then
    echo "guest: 9p mount of the worktree $wt failed"
    poweroff -f
  fi
}
if [ "$run" = systemd ]; then
  for d in run tmp var/tmp var/log var/lib/systemd; do
    mount -t tmpfs tmpfs "/mnt/$d"
  done
  mount_worktree
  u=/mnt/run/systemd/system
  mkdir -p "$u/multi-user.target.wants"
  cat >"$u/skiff-tests.service" <<UNIT
[Unit]
Description=skiff cgroup tests
After=dbus.socket dbus.service
Wants=dbus.socket
SuccessAction=poweroff-force
FailureAction=poweroff-force
[Service]
Type=oneshot
ExecStart=/bin/sh $wt/tests/vm/guest-systemd.sh
StandardOutput=journal+console
UNIT
  ln -s ../skiff-tests.service "$u/multi-user.target.wants/skiff-tests.service"
  umount /proc /sys
  exec switch_root /mnt /lib/systemd/systemd
fi
mount -t proc proc /mnt/proc
mount -t sysfs sysfs /mnt/sys
mount -t cgroup2 -o nsdelegate cgroup2 /mnt/sys/fs/cgroup
mount -t devtmpfs devtmpfs /mnt/dev
mkdir -p /mnt/dev/pts /mnt/dev/shm /mnt/dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666 devpts /mnt/dev/pts
mount -t tmpfs tmpfs /mnt/dev/shm
mount -t mqueue mqueue /mnt/dev/mqueue
mount -t tmpfs tmpfs /mnt/run
mount -t tmpfs tmpfs /mnt/tmp
mount -t tmpfs tmpfs /mnt/var/tmp
mount_worktree
echo "guest: $(cat /proc/version)"
echo "guest: cgroup2 controllers: $(cat /mnt/sys/fs/cgroup/cgroup.controllers)"
chroot /mnt /bin/sh "$wt/tests/vm/guest-$run.sh" "$wt"
echo "guest: $run finished with status $?"
sync
poweroff -f
