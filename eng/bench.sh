#!/usr/bin/env bash
# Runs a benchmark harness against the local servers, installing the peer tools it compares with.
#   eng/bench.sh read [--rows N] [--runs N]     our client vs `mariadb --quick -N` on sysbench's sbtest1
#   eng/bench.sh binlog [--time S] [--runs N]   our binlog reader vs `mariadb-binlog --read-from-remote-server`
#   eng/bench.sh decorator [BenchmarkDotNet args]  the dual-write decorator vs direct store calls, per phase (in memory)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  # In-memory and file-based harnesses need no servers.
  decorator|fuzz-binlog) exec dotnet run -c Release --project tests/DualWrite.Benchmarks -- "$@" ;;
esac
eng/services.sh up mariadb
eval "$(eng/services.sh env)"
if ! command -v sysbench >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq sysbench >/dev/null; else sudo apt-get install -y -qq sysbench >/dev/null; fi
fi
exec dotnet run -c Release --project tests/DualWrite.Benchmarks -- "$@"
