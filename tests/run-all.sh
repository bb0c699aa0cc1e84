#!/bin/sh
# The whole test suite, as root, on a built tree: the C unit tests (make
# check), the integration tests that run real containers (pytest), the
# engine scenarios (podman and containerd on skiff), and, where it can run,
# the pure cgroup v2 guest. Ends with one "total: N passed, N failed" line.
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
if [ -x tests/vm/run-cgroup2.sh ]; then
  echo "== pure cgroup v2 guest (QEMU)"
  tests/vm/run-cgroup2.sh </dev/null | tee "$log/vm" || status=1
  vm_pass=$(count passed < "$log/vm")
  vm_fail=$(count failed < "$log/vm")
  [ "$vm_pass" -gt 0 ] || vm_fail=$((vm_fail + 1))
fi

pass=$((unit_pass + it_pass + eng_pass + vm_pass))
fail=$((unit_fail + it_fail + eng_fail + vm_fail))
[ $fail -eq 0 ] || status=1
echo "total: $pass passed, $fail failed"
exit $status
