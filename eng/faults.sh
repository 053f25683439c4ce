#!/usr/bin/env bash
# The fault campaign against the real local servers (loopback only): every fault test of the solution
# (trait Category=Faults), in its long form, then one table with, per fault:
# runs, passed, lost writes, differences, time to recover. The suite (eng/test.sh, .ci/run) runs the same
# tests in their short form. See docs/reliability.md.
#   eng/faults.sh [--short] [--timeout MINUTES]    (default: long form, bounded at 60 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=long
minutes=60
while [ $# -gt 0 ]; do
  case "$1" in
    --short) mode=short ;;
    --timeout) minutes="$2"; shift ;;
    *) echo "usage: eng/faults.sh [--short] [--timeout MINUTES]" >&2; exit 2 ;;
  esac
  shift
done
eng/services.sh up all
eval "$(eng/services.sh env)"
results=$(mktemp)
log=$(mktemp)
trap 'rm -f "$results" "$log"' EXIT
status=0
started=$(date +%s)
DUALWRITE_FAULTS=$mode DUALWRITE_FAULTS_RESULTS="$results" timeout "$((minutes * 60))" \
  dotnet test DualWrite.sln -c Release --filter "Category=Faults" --logger "console;verbosity=normal" >"$log" 2>&1 || status=$?
grep -E "^\s*(Passed|Failed) |Total tests|Passed!|Failed!" "$log" | sed 's/^ *//' || true
[ "$status" -eq 124 ] && echo "the campaign ran out of its $minutes minutes"
if [ "$status" -ne 0 ]; then tail -n 60 "$log"; fi
echo
echo "fault campaign ($mode form), $(( $(date +%s) - started )) s:"
{
  printf 'fault\truns\tpassed\tlost writes\tdifferences\ttime to recover\tdetail\n'
  sort "$results"
} | column -t -s $'\t'
exit "$status"
