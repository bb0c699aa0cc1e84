# SPDX-License-Identifier: GPL-2.0-or-later
"""linux.sysctl (namespaced keys only), linux.personality and
linux.timeOffsets, seen from inside the container; the host's values stay
as they were."""

import pytest

from fs_helpers import create_fails
from helpers import sh


def _host(path):
  with open(path) as f:
    return f.read()


def test_net_sysctl_in_network_namespace(rt, bundle):
  host = _host("/proc/sys/net/ipv4/ip_forward")
  want = "0" if host.strip() == "1" else "1"
  bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": want,
                                      "net.core.somaxconn": "321"}
  out = rt.output(bundle, sh("cat /proc/sys/net/ipv4/ip_forward "
                             "/proc/sys/net/core/somaxconn"))
  assert out.split() == [want, "321"]
  assert _host("/proc/sys/net/ipv4/ip_forward") == host


def test_sysctl_key_with_slashes(rt, bundle):
  bundle.config["linux"]["sysctl"] = {"net/ipv4/ip_default_ttl": "33"}
  out = rt.output(bundle, ["cat", "/proc/sys/net/ipv4/ip_default_ttl"])
  assert out == "33\n"


def test_ipc_sysctl_in_ipc_namespace(rt, bundle):
  host = _host("/proc/sys/kernel/shmmni")
  bundle.config["linux"]["sysctl"] = {"kernel.shmmni": "1234",
                                      "fs.mqueue.queues_max": "77"}
  out = rt.output(bundle, sh("cat /proc/sys/kernel/shmmni "
                             "/proc/sys/fs/mqueue/queues_max"))
  assert out.split() == ["1234", "77"]
  assert _host("/proc/sys/kernel/shmmni") == host


def test_uts_sysctl(rt, bundle):
  bundle.config["linux"]["sysctl"] = {"kernel.domainname": "example.test"}
  out = rt.output(bundle, ["cat", "/proc/sys/kernel/domainname"])
  assert out == "example.test\n"
  assert _host("/proc/sys/kernel/domainname") != "example.test\n"


@pytest.mark.parametrize("key", ["kernel.panic", "vm.swappiness",
                                 "kernel.core_pattern", "fs.file-max"])
def test_non_namespaced_sysctl_refused(rt, bundle, key):
  path = "/proc/sys/" + key.replace(".", "/")
  host = _host(path)
  bundle.config["linux"]["sysctl"] = {key: "1"}
  create_fails(rt, bundle, "linux.sysctl", key)
  assert _host(path) == host


def test_net_sysctl_without_network_namespace_refused(rt, bundle):
  host = _host("/proc/sys/net/ipv4/ip_forward")
  bundle.drop_namespace("network")
  bundle.config["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
  create_fails(rt, bundle, "linux.sysctl", "net.ipv4.ip_forward", "network")
  assert _host("/proc/sys/net/ipv4/ip_forward") == host


def test_ipc_sysctl_without_ipc_namespace_refused(rt, bundle):
  bundle.drop_namespace("ipc")
  bundle.drop_mount("/dev/mqueue")
  bundle.config["linux"]["sysctl"] = {"kernel.shmmni": "1234"}
  create_fails(rt, bundle, "linux.sysctl", "kernel.shmmni", "ipc")


@pytest.mark.parametrize("key", ["../../../etc/x", "/net/ipv4/ip_forward",
                                 "net.ipv4.no_such_knob"])
def test_bad_sysctl_key(rt, bundle, key):
  bundle.config["linux"]["sysctl"] = {key: "1"}
  create_fails(rt, bundle, "linux.sysctl", key)


def test_personality_linux32(rt, bundle):
  import platform
  if platform.machine() != "x86_64":
    pytest.skip("LINUX32 checked on x86_64 only")
  bundle.config["linux"]["personality"] = {"domain": "LINUX32"}
  assert rt.output(bundle, ["uname", "-m"]) == "i686\n"


def test_personality_linux(rt, bundle):
  import platform
  bundle.config["linux"]["personality"] = {"domain": "LINUX"}
  assert rt.output(bundle, ["uname", "-m"]) == platform.machine() + "\n"


def test_personality_unknown_domain(rt, bundle):
  bundle.config["linux"]["personality"] = {"domain": "SOLARIS"}
  create_fails(rt, bundle, "linux.personality", "SOLARIS")


def test_time_offsets_in_time_namespace(rt, bundle):
  bundle.set_namespace("time")
  bundle.config["linux"]["timeOffsets"] = {
      "monotonic": {"secs": 7200, "nanosecs": 5},
      "boottime": {"secs": 86400, "nanosecs": 0}}
  with open("/proc/uptime") as f:
    before = float(f.read().split()[0])
  out = rt.output(bundle, sh("cat /proc/self/timens_offsets; "
                             "cat /proc/uptime"))
  lines = out.splitlines()
  offsets = {l.split()[0]: l.split()[1:] for l in lines[:2]}
  assert offsets == {"monotonic": ["7200", "5"], "boottime": ["86400", "0"]}
  inside = float(lines[2].split()[0])
  assert before + 86400 - 1 <= inside <= before + 86400 + 30


def test_time_offsets_without_time_namespace(rt, bundle):
  bundle.config["linux"]["timeOffsets"] = {
      "monotonic": {"secs": 10, "nanosecs": 0}}
  create_fails(rt, bundle, "timeOffsets")
