#!/usr/bin/env bash
# Runs the whole test suite against real servers: starts MariaDB and PostgreSQL through
# eng/services.sh (installing them when missing), then `dotnet test` on the solution.
# Prints one closing line "N passed, N failed" and exits non-zero when any test failed.
set -euo pipefail
cd "$(dirname "$0")/.."

eng/services.sh up all
eval "$(eng/services.sh env)"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test DualWrite.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status before reporting a failed test (build error?)"
fi
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "no test ran"
  status=1
fi
echo "tests: $passed passed, $failed failed"
exit "$status"
