#!/bin/sh
# The whole test suite, as root, on a built tree: the C unit tests (make
# check), the integration tests that run real containers (pytest), the
# engine scenarios (podman and containerd on skiff), and, where it can run,
# the pure cgroup v2 guest. Ends with one "total: N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
[ -x ./skiff ] || { echo "build first: ./autogen.sh && ./configure && make" >&2; exit 1; }
log=$(mktemp -d /tmp/skiff-run-all.XXXXXX)
trap 'rm -rf "$log"' EXIT
status=0

echo "== unit tests (make check)"
make check >"$log/unit" 2>&1 || status=1
grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS):' "$log/unit"
[ $status -eq 0 ] || cat tests/unit/*.log 2>/dev/null | tail -60
unit_pass=$(sed -n 's/^# PASS: *//p' "$log/unit")
unit_fail=$(( $(sed -n 's/^# FAIL: *//p' "$log/unit") + $(sed -n 's/^# ERROR: *//p' "$log/unit") ))

echo "== integration tests (pytest)"
/usr/bin/python3 -m pytest tests/integration -q -p no:cacheprovider "$@" </dev/null \
  | tee "$log/pytest" || status=1
summary=$(tail -n 1 "$log/pytest")
it_pass=$(echo "$summary" | grep -o '[0-9]* passed' | grep -o '[0-9]*' || echo 0)
it_fail=$(( $(echo "$summary" | grep -o '[0-9]* failed' | grep -o '[0-9]*' || echo 0) + \
            $(echo "$summary" | grep -o '[0-9]* error' | grep -o '[0-9]*' || echo 0) ))

echo "== engines (podman, containerd)"
tests/engines/run.sh </dev/null | tee "$log/engines" || status=1
eng=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log/engines" | tail -n 1)
eng_pass=$(echo "${eng:-0 passed}" | grep -o '^[0-9]*')
eng_fail=$(echo "${eng:-0 failed}" | grep -o '[0-9]* failed' | grep -o '[0-9]*' || echo 0)
[ -n "$eng" ] || eng_fail=$((eng_fail + 1))

vm_pass=0 vm_fail=0
if [ -x tests/vm/run-cgroup2.sh ]; then
  echo "== pure cgroup v2 guest (QEMU)"
  tests/vm/run-cgroup2.sh </dev/null | tee "$log/vm" || status=1
  vm=$(grep -E '[0-9]+ passed' "$log/vm" | tail -n 1)
  vm_pass=$(echo "$vm" | grep -o '[0-9]* passed' | grep -o '[0-9]*' || echo 0)
  vm_fail=$(echo "$vm" | grep -o '[0-9]* failed' | grep -o '[0-9]*' || echo 0)
  [ -n "$vm" ] || vm_fail=$((vm_fail + 1))
fi

pass=$(( ${unit_pass:-0} + ${it_pass:-0} + ${eng_pass:-0} + ${vm_pass:-0} ))
fail=$(( ${unit_fail:-0} + ${it_fail:-0} + ${eng_fail:-0} + ${vm_fail:-0} ))
[ $fail -eq 0 ] || status=1
echo "total: $pass passed, $fail failed"
exit $status
