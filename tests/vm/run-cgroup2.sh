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
rm -f "$res"/cgroup2.*
printf '%s\n' "$@" >"$res/cgroup2.args"

log "booting $VMLINUZ (TCG); console: $res/cgroup2.console"
start=$(date +%s)
timeout "${SKIFF_VM_TIMEOUT:-1500}" qemu-system-x86_64 -accel tcg -cpu max \
  -smp "${SKIFF_VM_CPUS:-2}" -m "${SKIFF_VM_MEM:-2048}" -nographic -no-reboot \
  -kernel "$VMLINUZ" -initrd "$initrd" \
  -append "console=ttyS0 rdinit=/init panic=-1 quiet skiff.wt=$wt skiff.run=cgroup2" \
  -drive "file=$disk,format=raw,if=virtio" \
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$wt,mount_tag=wt,security_model=none,multidevs=remap" \
  </dev/null >"$res/cgroup2.console" 2>&1
qrc=$?
log "VM ran $(( $(date +%s) - start ))s (qemu status $qrc)"
if [ ! -f "$res/cgroup2.rc" ]; then
  tail -n 30 "$res/cgroup2.console" >&2
  die "no result from the guest (see $res/cgroup2.console)"
fi
tail -n 40 "$res/cgroup2.log"
exit "$(cat "$res/cgroup2.rc")"
