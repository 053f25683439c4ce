#!/usr/bin/env bash
# Runs a benchmark harness against the local servers, installing the peer tools it compares with.
#   eng/bench.sh read [--rows N] [--runs N]     the source reader (MySqlConnector + MySqlColumnReader) vs `mariadb --quick -N` on sysbench's sbtest1
#   eng/bench.sh binlog [--time S] [--runs N]   our binlog reader vs `mariadb-binlog --read-from-remote-server`
#   eng/bench.sh decorator [BenchmarkDotNet args]  the dual-write decorator vs direct store calls, per phase (in memory)
#   eng/bench.sh backfill [--rows N] [--runs N] [--only-ours] [--catch-up [--time S] [--catch-up-runs N]]  sbtest1 into PostgreSQL vs pgloader,
#                                                  `mariadb --quick`, psql \copy, alternated N times (default 5; --only-ours: our snapshot
#                                                  alone, with its CPU time); then the binlog catch-up under sysbench oltp_write_only
#   eng/bench.sh reconcile [--rows N] [--runs N] [--differing PERCENT] [--parallelism N] [--tls] a clean reconcile of sbtest1 (MySQL vs PostgreSQL), then one with
#                                                  PERCENT (default 1) of the target's rows changed, each alternated N times (default 5) with
#                                                  a `mariadb --quick` scan and a psql `COPY (SELECT ...) TO` /dev/null of the same rows
#                                                  (MariaDB read without TLS by both, or with --tls over TLS by both)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  # In-memory and file-based harnesses need no servers.
  decorator|fuzz-binlog) exec dotnet run -c Release --project tests/DualWrite.Benchmarks -- "$@" ;;
esac
eng/services.sh up all
eval "$(eng/services.sh env)"
for tool in sysbench pgloader; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq "$tool" >/dev/null; else sudo apt-get install -y -qq "$tool" >/dev/null; fi
  fi
done
if [ "$1" = backfill ] || [ "$1" = reconcile ]; then
  # The engine runs in-process here; run it as the CLI runs it (tiered compilation off, the server GC without
  # background collections: see src/DualWrite.Cli/DualWrite.Cli.csproj).
  dotnet build -c Release -v q -nologo tests/DualWrite.Benchmarks >/dev/null
  DOTNET_TieredCompilation=0 DOTNET_gcServer=1 DOTNET_gcConcurrent=0 exec dotnet tests/DualWrite.Benchmarks/bin/Release/net10.0/DualWrite.Benchmarks.dll "$@"
fi
exec dotnet run -c Release --project tests/DualWrite.Benchmarks -- "$@"
