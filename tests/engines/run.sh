#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Drive podman (conmon) and containerd (runc v2 shim) through their
# scenarios against a runtime binary (default: the freshly built ./skiff).
#   tests/engines/run.sh [--runtime PATH] [--engine podman|containerd] [--only TEXT]
# Needs root. Installs the engines with apt-get when they are missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ "$(id -u)" != 0 ]; then
  echo "tests/engines: needs root" >&2
  exit 1
fi

# podman + conmon, containerd (with its runc v2 shim), catatonit for
# --init, runc to tell skiff's failures from the machine's, a static
# busybox for the image. No network plugins: the scenarios use no network.
need=()
command -v podman >/dev/null || need+=(podman)
command -v conmon >/dev/null || need+=(conmon)
command -v containerd >/dev/null || need+=(containerd)
command -v containerd-shim-runc-v2 >/dev/null || need+=(containerd)
[ -x /usr/bin/catatonit ] || need+=(catatonit)
command -v runc >/dev/null || need+=(runc)
[ -x /bin/busybox ] || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  echo "# installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Keep services from starting: containerd runs on private paths only.
  policy=/usr/sbin/policy-rc.d
  ours=0
  if [ ! -e $policy ]; then
    printf '#!/bin/sh\nexit 101\n' > $policy && chmod +x $policy && ours=1
  fi
  apt-get update -qq >/dev/null || true
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ $ours = 0 ] || rm -f $policy
fi

runtime_given=0
for a in "$@"; do [ "$a" = --runtime ] && runtime_given=1; done
if [ $runtime_given = 0 ] && [ ! -x "${SKIFF:-$repo/skiff}" ]; then
  echo "tests/engines: no runtime binary: build skiff first or pass --runtime" >&2
  exit 1
fi
exec timeout 900 /usr/bin/python3 "$here/run.py" "$@" </dev/null
