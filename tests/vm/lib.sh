# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the VM runners: find Debian's kernel (installing it if absent),
# build a busybox initramfs with the modules 9p needs, boot it with qemu.
#
# The host's running kernel is not Debian's (and has no /lib/modules):
# the guest always boots Debian's linux-image-amd64, whose modules are
# under /lib/modules/<ver> once the package is installed.

VM_CACHE=${SKIFF_VM_CACHE:-/var/cache/skiff-vm}

die() { echo "vm: $*" >&2; exit 2; }
log() { echo "vm: $*" >&2; }

# Debian's kernel: $KVER and $VMLINUZ
find_kernel() {
  if ! ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1; then
    log "no Debian kernel in /boot: apt-get install linux-image-amd64"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      linux-image-amd64 >&2 || die "cannot install linux-image-amd64"
  fi
  VMLINUZ=$(ls -v /boot/vmlinuz-*-amd64 | tail -n 1)
  KVER=${VMLINUZ#/boot/vmlinuz-}
  [ -d "/lib/modules/$KVER" ] || die "/lib/modules/$KVER missing for $VMLINUZ"
  command -v qemu-system-x86_64 >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      qemu-system-x86 >&2 || die "cannot install qemu-system-x86"
}

# Load order matters: any other order fails with "Unknown symbol".
VM_MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk
  netfs fscache 9pnet 9pnet_virtio 9p"

# build_initramfs OUT INIT_SCRIPT: busybox, the modules, INIT_SCRIPT as /init
build_initramfs() {
  out=$1 init=$2
  bb=$(command -v busybox) || die "no busybox (apt-get install busybox-static)"
  tmp=$(mktemp -d)
  mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/mnt"
  cp "$bb" "$tmp/bin/busybox"
  for a in sh mount umount insmod mkdir chroot poweroff sleep cat echo ls mknod \
      switch_root; do
    ln -s busybox "$tmp/bin/$a"
  done
  n=0
  for m in $VM_MODULES; do
    f=$(find "/lib/modules/$KVER/kernel" -name "$m.ko" | head -n 1)
    [ -n "$f" ] || die "module $m.ko not found for $KVER"
    n=$((n + 1))
    cp "$f" "$tmp/modules/$(printf %02d $n)-$m.ko"
  done
  cp "$init" "$tmp/init"
  chmod 755 "$tmp/init"
  (cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp" &&
    mv "$out.tmp" "$out"
  rm -rf "$tmp"
}

# The whole run of guest NAME (skiff.run=NAME on the kernel command line):
# initramfs, scratch disk, QEMU, result. Exits with pytest's status (2 when
# the VM could not be set up). Needs $here (tests/vm) and $wt (the tree).
run_guest() {
  run=$1
  shift
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
  rm -f "$res"/$run.*
  printf '%s\n' "$@" >"$res/$run.args"

  log "booting $VMLINUZ (TCG); console: $res/$run.console"
  start=$(date +%s)
  timeout "${SKIFF_VM_TIMEOUT:-1500}" qemu-system-x86_64 -accel tcg -cpu max \
    -smp "${SKIFF_VM_CPUS:-2}" -m "${SKIFF_VM_MEM:-2048}" -nographic -no-reboot \
    -kernel "$VMLINUZ" -initrd "$initrd" \
    -append "console=ttyS0 rdinit=/init panic=-1 quiet skiff.wt=$wt skiff.run=$run" \
    -drive "file=$disk,format=raw,if=virtio" \
    -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$wt,mount_tag=wt,security_model=none,multidevs=remap" \
    </dev/null >"$res/$run.console" 2>&1
  qrc=$?
  log "VM ran $(( $(date +%s) - start ))s (qemu status $qrc)"
  if [ ! -f "$res/$run.rc" ]; then
    tail -n 30 "$res/$run.console" >&2
    die "no result from the guest (see $res/$run.console)"
  fi
  tail -n 40 "$res/$run.log"
  exit "$(cat "$res/$run.rc")"
}
