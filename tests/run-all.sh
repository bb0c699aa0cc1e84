#!/bin/sh
# The whole test suite, as root, on a built tree: the C unit tests (make
# check), the integration tests that run real containers (pytest), the
# engine scenarios (podman and containerd on skiff), and the cgroup tests in
# a pure cgroup v2 guest and a systemd guest. Ends with one "total: N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
[ -x ./skiff ] || { echo "build first: ./autogen.sh && ./configure && make" >&2; exit 1; }
log=$(mktemp -d /tmp/skiff-run-all.XXXXXX)
# count WORD < text: the number before the last "N WORD" (0 when absent)
count() { n=$(grep -o "[0-9][0-9]* $1" | tail -n 1 | grep -o '^[0-9]*'); echo "${n:-0}"; }
trap 'rm -rf "$log"' EXIT
status=0

echo "== unit tests (make check)"
make check >"$log/unit" 2>&1 || status=1
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS):' "$log/unit"
[ $status -eq 0 ] || cat tests/unit/*.log 2>/dev/null | tail -60
unit_pass=$(grep -c '^PASS:' "$log/unit")
unit_fail=$(grep -c -E '^(FAIL|ERROR|XPASS):' "$log/unit")

echo "== integration tests (pytest)"
/usr/bin/python3 -m pytest tests/integration -q -p no:cacheprovider "$@" </dev/null \
  | tee "$log/pytest" || status=1
it_pass=$(tail -n 1 "$log/pytest" | count passed)
it_fail=$(( $(tail -n 1 "$log/pytest" | count failed) + $(tail -n 1 "$log/pytest" | count error) ))
[ "$it_pass" -gt 0 ] || it_fail=$((it_fail + 1))

echo "== engines (podman, containerd)"
tests/engines/run.sh </dev/null | tee "$log/engines" || status=1
eng_pass=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log/engines" | count passed)
eng_fail=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log/engines" | count failed)
[ "$eng_pass" -gt 0 ] || eng_fail=$((eng_fail + 1))

vm_pass=0 vm_fail=0
# The cgroup layouts this host lacks, in QEMU guests: pure cgroup v2, and
# systemd as PID 1 for the systemd driver (tests/vm/README.md).
for vm in cgroup2 systemd; do
  [ -x tests/vm/run-$vm.sh ] || continue
  echo "== cgroup tests in the $vm guest (QEMU)"
  tests/vm/run-$vm.sh </dev/null >"$log/vm-$vm" 2>&1
  tail -n 5 "$log/vm-$vm"
  p=$(count passed < "$log/vm-$vm")
  f=$(count failed < "$log/vm-$vm")
  [ "$p" -gt 0 ] || f=$((f + 1))
  vm_pass=$((vm_pass + p))
  vm_fail=$((vm_fail + f))
done

pass=$((unit_pass + it_pass + eng_pass + vm_pass))
fail=$((unit_fail + it_fail + eng_fail + vm_fail))
[ $fail -eq 0 ] || status=1
echo "total: $pass passed, $fail failed"
exit $status
