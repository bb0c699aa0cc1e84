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

[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$wt/skiff" ] || die "build skiff first: ./autogen.sh && ./configure && make"
find_kernel
res=$wt/tests/vm/results
mkdir -p "$VM_CACHE" "$res"
initrd=$VM_CACHE/initramfs-$KVER.cpio.gz
# a scratch disk: a real block device (vda) for the blockIO tests
disk=$VM_CACHE/scratch.img
[ -f "$disk" ] || truncate -s 64M "$disk"
build_initramfs "$initrd" "$here/guest-init.sh"
rm -f "$res"/systemd.*
printf '%s\n' "$@" >"$res/systemd.args"

log "booting $VMLINUZ (TCG); console: $res/systemd.console"
start=$(date +%s)
timeout "${SKIFF_VM_TIMEOUT:-1500}" qemu-system-x86_64 -accel tcg -cpu max \
  -smp "${SKIFF_VM_CPUS:-2}" -m "${SKIFF_VM_MEM:-2048}" -nographic -no-reboot \
  -kernel "$VMLINUZ" -initrd "$initrd" \
  -append "console=ttyS0 rdinit=/init panic=-1 quiet skiff.wt=$wt skiff.run=systemd" \
  -drive "file=$disk,format=raw,if=virtio" \
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$wt,mount_tag=wt,security_model=none,multidevs=remap" \
  </dev/null >"$res/systemd.console" 2>&1
qrc=$?
log "VM ran $(( $(date +%s) - start ))s (qemu status $qrc)"
if [ ! -f "$res/systemd.rc" ]; then
  tail -n 30 "$res/systemd.console" >&2
  die "no result from the guest (see $res/systemd.console)"
fi
tail -n 40 "$res/systemd.log"
exit "$(cat "$res/systemd.rc")"
