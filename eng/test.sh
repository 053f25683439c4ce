#!/usr/bin/env bash
# Runs the whole test suite against real servers: starts MariaDB and PostgreSQL through
# eng/services.sh (installing them, chromium for the dashboard's browser tests and kubectl for the deployment tests, when
# missing), then `dotnet test` on the solution.
# Prints one closing line "N passed, N failed" and exits non-zero when any test failed.
set -euo pipefail
cd "$(dirname "$0")/.."

eng/services.sh up all
eval "$(eng/services.sh env)"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test DualWrite.sln -c Release "$@" 2>&1 | tee "$log" || status=$?

# One summary line per test project: "Passed!  - Failed:     0, Passed:   474, Skipped: ..."
passed=$(awk -F'Passed: *' '/ - Failed: +[0-9]+, Passed: +[0-9]+/ {split($2, a, ","); s += a[1]} END {print s+0}' "$log")
failed=$(awk -F'Failed: *' '/ - Failed: +[0-9]+, Passed: +[0-9]+/ {split($2, a, ","); s += a[1]} END {print s+0}' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status before reporting a failed test (build error?)"
fi
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test ran"
  status=1
fi
echo "tests: $passed passed, $failed failed"
exit "$status"
