using System.Diagnostics;
using System.Globalization;
using DualWrite.MySql.Values;
using MySqlConnector;

namespace DualWrite.Benchmarks;

/// <summary>
/// Reads sysbench's sbtest1 through the backfill's source reader (MySqlConnector with the exact settings, every value
/// through <see cref="MySqlColumnReader"/>) and through the mariadb command-line client (<c>--skip-ssl --quick -N</c>,
/// output to /dev/null; our side also runs without TLS) in the same run, and prints rows/s and the ratio.
/// </summary>
internal static class ReadBenchmark
{
    private const string Database = "sbtest";

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = BenchEnvironment.IntOption(args, "--rows", 1_000_000);
        var runs = BenchEnvironment.IntOption(args, "--runs", 5);
        await EnsureTableAsync(rows);

        var sql = "SELECT * FROM sbtest1";
        var peerScript = $"mariadb {BenchEnvironment.MariaDbClientArgs} --skip-ssl --quick -N -D {Database} -e \"{sql}\" > /dev/null";

        Console.WriteLine($"Reading {rows:N0} rows of {Database}.sbtest1, {runs} runs each, alternating (first run of each is a warm-up).");
        var ours = new List<double>();
        var peer = new List<double>();
        long checksum = 0;
        for (var run = 0; run <= runs; run++)
        {
            var p = BenchEnvironment.RunShell(peerScript).TotalSeconds;
            var (elapsed, count, sum) = await ReadAsSourceReaderAsync(sql);
            if (count != rows)
            {
                throw new InvalidOperationException($"the source reader read {count} rows, expected {rows}");
            }

            checksum = sum;
            if (run == 0)
            {
                continue;
            }

            peer.Add(p);
            ours.Add(elapsed);
            Console.WriteLine($"  run {run}: mariadb client {p:0.000} s, MySqlConnector + MySqlColumnReader {elapsed:0.000} s");
        }

        var oursMedian = BenchEnvironment.Median(ours);
        var peerMedian = BenchEnvironment.Median(peer);
        Console.WriteLine();
        Console.WriteLine($"mariadb --quick -N                  median {peerMedian:0.000} s  {rows / peerMedian,12:N0} rows/s");
        Console.WriteLine($"MySqlConnector + MySqlColumnReader  median {oursMedian:0.000} s  {rows / oursMedian,12:N0} rows/s");
        Console.WriteLine($"ratio (ours / C client rows/s): {peerMedian / oursMedian:0.00}x   [checksum {checksum}]");
        return 0;
    }

    /// <summary>
    /// Reads every row and materialises every value through the reader <see cref="MySqlColumnReader"/> chose for its
    /// column (as the backfill's comparison reads the source), as the C client formats every value it prints.
    /// </summary>
    private static async Task<(double Seconds, long Rows, long Checksum)> ReadAsSourceReaderAsync(string sql)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = new MySqlConnection(MySqlExactSettings.Apply(BenchEnvironment.ConnectionString(Database)));
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = MySqlColumnReader.For(reader);
        var read = Enumerable.Range(0, reader.FieldCount).Select(columns.Reader).ToArray();
        long count = 0;
        long checksum = 0;
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < read.Length; i++)
            {
                if (!reader.IsDBNull(i))
                {
                    checksum += read[i](reader, i) switch
                    {
                        int n => n,
                        string text => text.Length,
                        var other => throw new InvalidOperationException($"sbtest1 column {i} read as {other.GetType()}"),
                    };
                }
            }

            count++;
        }

        watch.Stop();
        return (watch.Elapsed.TotalSeconds, count, checksum);
    }

    internal static async Task EnsureTableAsync(int rows)
    {
        long existing = -1;
        try
        {
            await using var connection = new MySqlConnection(BenchEnvironment.ConnectionString(Database));
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT COUNT(*) FROM sbtest1", connection);
            existing = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        catch (MySqlException ex) when (ex.Number is 1049 or 1146)
        {
        }

        if (existing == rows)
        {
            return;
        }

        Console.WriteLine($"Preparing {Database}.sbtest1 with {rows:N0} rows (sysbench oltp_read_write prepare)...");
        BenchEnvironment.RunShell(
            $"mariadb {BenchEnvironment.MariaDbClientArgs} -e 'DROP DATABASE IF EXISTS {Database}; CREATE DATABASE {Database}' && " +
            $"sysbench oltp_read_write --db-driver=mysql --mysql-host={BenchEnvironment.Host} --mysql-port={BenchEnvironment.Port} " +
            $"--mysql-user={BenchEnvironment.User} --mysql-password=\"$MYSQL_PWD\" --mysql-db={Database} --tables=1 --table-size={rows} prepare",
            quiet: true);
    }
}
