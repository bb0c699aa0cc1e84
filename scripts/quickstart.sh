#!/bin/sh
# Fresh Debian 12, as root: install the dependencies, build skiff, and run a
# demo container made from busybox-static.
set -e
cd "$(dirname "$0")/.."
scripts/install-deps.sh
./autogen.sh >/dev/null 2>&1
./configure -q
make -j"$(nproc)" >/dev/null
echo "built ./skiff: $(./skiff --version | head -1)"

demo=$(mktemp -d /tmp/skiff-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/rootfs/bin"
cp /bin/busybox "$demo/rootfs/bin/busybox"
for applet in sh echo hostname id cat ls ps uname; do
  ln -s busybox "$demo/rootfs/bin/$applet"
done
./skiff spec --bundle "$demo"
# Run something that shows the isolation instead of an interactive shell.
sed -i 's|"sh"|"sh", "-c", "echo hello from skiff: pid $$, hostname $(hostname), user $(id -u); ps"|' \
  "$demo/config.json"
./skiff --root "$demo/state" run --bundle "$demo" demo
