#!/bin/sh
# The whole test suite, as root, on a built tree: C unit tests (make check),
# then the integration tests that run real containers.
set -e
cd "$(dirname "$0")/.."
[ -x ./skiff ] || { echo "build first: ./autogen.sh && ./configure && make" >&2; exit 1; }
status=0
make check || { status=1; cat tests/unit/*.log 2>/dev/null | tail -50; }
/usr/bin/python3 -m pytest tests/integration -q -p no:cacheprovider "$@" || status=1
exit $status
