#!/bin/sh
# Install what building and testing skiff needs on Debian 12 (as root).
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  build-essential autoconf automake pkgconf \
  libyajl-dev libseccomp-dev libcap-dev libsystemd-dev \
  busybox-static python3 python3-pytest iproute2 procps cpio >/dev/null
