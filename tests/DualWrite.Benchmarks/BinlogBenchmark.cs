using System.Diagnostics;
using System.Globalization;
using DualWrite.MySql.Replication;
using MySqlConnector;

namespace DualWrite.Benchmarks;

/// <summary>
/// Produces the binlog of <c>sysbench oltp_write_only --threads=4 --time=15</c> on a 1M-row sbtest1, then reads and
/// decodes it through our reader and through <c>mariadb-binlog --read-from-remote-server</c> in the same run.
/// </summary>
internal static class BinlogBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchEnvironment.IntOption(args, "--time", 15);
        var runs = BenchEnvironment.IntOption(args, "--runs", 5);
        await ReadBenchmark.EnsureTableAsync(1_000_000);

        // Give the workload binlog files of its own.
        await ExecuteAsync("FLUSH BINARY LOGS");
        var first = await CurrentFileAsync();
        Console.WriteLine($"Running sysbench oltp_write_only --threads=4 --time={seconds} (binlog from {first})...");
        BenchEnvironment.RunShell(
            $"sysbench oltp_write_only --db-driver=mysql --mysql-host={BenchEnvironment.Host} --mysql-port={BenchEnvironment.Port} " +
            $"--mysql-user={BenchEnvironment.User} --mysql-password=\"$MYSQL_PWD\" --mysql-db=sbtest --tables=1 --table-size=1000000 " +
            $"--threads=4 --time={seconds} run");
        await ExecuteAsync("FLUSH BINARY LOGS");
        var files = await FilesFromAsync(first);
        var workload = files.Take(files.Count - 1).ToList();
        var bytes = workload.Sum(f => f.Size);
        Console.WriteLine($"Workload binlog: {string.Join(", ", workload.Select(f => f.Name))}, {bytes / 1e6:0.0} MB");

        var peerTimes = new List<double>();
        var ourTimes = new List<double>();
        long changes = 0;
        for (var run = 0; run <= runs; run++)
        {
            var peer = Stopwatch.StartNew();
            foreach (var file in workload)
            {
                BenchEnvironment.RunShell($"mariadb-binlog --no-defaults --read-from-remote-server -h {BenchEnvironment.Host} -P {BenchEnvironment.Port} -u {BenchEnvironment.User} {file.Name} > /dev/null");
            }

            peer.Stop();
            var (elapsed, count) = await ReadWithReaderAsync(workload[0].Name, workload[^1].Name);
            changes = count;
            if (run == 0)
            {
                continue; // warm-up
            }

            peerTimes.Add(peer.Elapsed.TotalSeconds);
            ourTimes.Add(elapsed);
            Console.WriteLine($"  run {run}: mariadb-binlog {peer.Elapsed.TotalSeconds:0.000} s, DualWrite binlog reader {elapsed:0.000} s ({count:N0} row changes)");
        }

        var p = BenchEnvironment.Median(peerTimes);
        var o = BenchEnvironment.Median(ourTimes);
        Console.WriteLine();
        Console.WriteLine($"mariadb-binlog --read-from-remote-server  median {p:0.000} s  {bytes / 1e6 / p,8:0.0} MB/s");
        Console.WriteLine($"DualWrite BinlogReader (decode + assemble)  median {o:0.000} s  {bytes / 1e6 / o,8:0.0} MB/s  {changes / o,12:N0} row changes/s");
        Console.WriteLine("ratio (ours / mariadb-binlog throughput), per run: " + BackfillBenchmark.Summary([.. peerTimes.Zip(ourTimes, (peer, ours) => peer / ours)], "0.00", "x"));
        return 0;
    }

    /// <summary>Reads from the start of <paramref name="firstFile"/> until the first transaction beyond <paramref name="lastFile"/>.</summary>
    private static async Task<(double Seconds, long Changes)> ReadWithReaderAsync(string firstFile, string lastFile)
    {
        var connectionString = BenchEnvironment.ConnectionString("");
        var reader = new BinlogReader(connectionString, new BinlogReaderOptions { StopAtEnd = true });
        var last = new BinlogPosition(lastFile, ulong.MaxValue);
        var watch = Stopwatch.StartNew();
        long changes = 0;
        await foreach (var transaction in reader.ReadAsync(new BinlogPosition(firstFile, BinlogPosition.FileStart)))
        {
            if (transaction.Position > last)
            {
                break;
            }

            changes += transaction.Changes.Count;
        }

        watch.Stop();
        return (watch.Elapsed.TotalSeconds, changes);
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(BenchEnvironment.ConnectionString(""));
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> CurrentFileAsync() => (await new BinlogReader(BenchEnvironment.ConnectionString("")).GetCurrentPositionAsync()).File;

    private static async Task<List<(string Name, long Size)>> FilesFromAsync(string first)
    {
        await using var connection = new MySqlConnection(BenchEnvironment.ConnectionString(""));
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SHOW BINARY LOGS", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var files = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            var name = reader.GetString(0);
            if (new BinlogPosition(name, 0) >= new BinlogPosition(first, 0))
            {
                files.Add((name, reader.GetInt64(1)));
            }
        }

        return files;
    }
}
