using System.Diagnostics;
using System.Globalization;
using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Benchmarks;

/// <summary>
/// A reconcile of sysbench's sbtest1 (MySQL against its PostgreSQL copy) in one run with the raw scans it is bounded
/// by: <c>mariadb --quick</c> of the source rows and psql <c>COPY (SELECT ...) TO</c> /dev/null of the target rows,
/// alternated. First clean (target: at most 1.2x the slower scan), then with a share of the target's rows changed
/// (target: at most 1.5x). The catch-up runs beside it, as in production, so re-checks have a feed to wait on.
/// </summary>
internal static class ReconcileBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = BenchEnvironment.IntOption(args, "--rows", 1_000_000);
        var runs = BenchEnvironment.IntOption(args, "--runs", 5);
        var percent = BenchEnvironment.IntOption(args, "--differing", 1);
        await ReadBenchmark.EnsureTableAsync(rows);
        await using var target = NpgsqlDataSource.Create(BackfillBenchmark.PgConnectionString());
        var (runner, plan, source) = await BackfillBenchmark.LoadAsync(target);
        Console.WriteLine($"Copying {rows:N0} rows of sbtest.sbtest1 into PostgreSQL once, then keeping the catch-up running.");
        await runner.RunAsync(new BackfillOptions { Resnapshot = true, CatchUp = null, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);
        using var stopCatchUp = new CancellationTokenSource();
        var catchUp = runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { WhenCaughtUp = false }, ProgressInterval = TimeSpan.Zero }, stopCatchUp.Token);
        // Like for like with the mariadb client: both read MariaDB without TLS (loopback), or with --tls both over TLS.
        Tls = args.Contains("--tls");
        var reading = Tls ? source : new MySqlConnectionStringBuilder(source) { SslMode = MySqlSslMode.None }.ConnectionString;
        var reconciler = PlanReconciler.Create(plan, reading, target);
        var options = reconciler.DefaultOptions with { Fresh = true };
        options = options with { Parallelism = BenchEnvironment.IntOption(args, "--parallelism", options.Parallelism) };
        Console.WriteLine($"parallelism {options.Parallelism}, chunk {options.ChunkSize:N0}, MariaDB read {(Tls ? "over TLS" : "without TLS")} by ours and by the mariadb client");

        try
        {
            await DriversAloneAsync(reading, target);
            var clean = await SeriesAsync("clean", reconciler, options, reading, target, rows, runs, expectDifferences: 0);
            var changed = await ChangeTargetAsync(target, rows, percent);
            var differing = await SeriesAsync($"{percent}% differing", reconciler, options, reading, target, rows, runs, expectDifferences: changed);
            Console.WriteLine();
            Console.WriteLine($"medians over {runs} alternations, with min and max (ours / the slower raw scan):");
            Console.WriteLine("  clean:              " + BackfillBenchmark.Summary(clean.Slower, "0.00", "x") + " (target ≤ 1.2x)");
            Console.WriteLine($"  {percent}% rows differing: " + BackfillBenchmark.Summary(differing.Slower, "0.00", "x") + " (target ≤ 1.5x)");
            Console.WriteLine("ours / both raw scans run at once:");
            Console.WriteLine("  clean:              " + BackfillBenchmark.Summary(clean.Both, "0.00", "x"));
            Console.WriteLine($"  {percent}% rows differing: " + BackfillBenchmark.Summary(differing.Both, "0.00", "x"));
            Console.WriteLine("the drivers alone reading both sides at once in this process, doing nothing with the rows (the floor of any reconcile on them) / the slower raw scan:");
            Console.WriteLine("  " + BackfillBenchmark.Summary([.. clean.Floor, .. differing.Floor], "0.00", "x"));
            var tableMiB = await TableMiBAsync(target);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  peak working set of this process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MiB (the table is {tableMiB:N0} MiB in PostgreSQL)"));
        }
        finally
        {
            await stopCatchUp.CancelAsync();
            try
            {
                await catchUp;
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;
    }

    private static async Task<(List<double> Slower, List<double> Both, List<double> Floor)> SeriesAsync(string name, PlanReconciler reconciler, ReconcileOptions options, string source, NpgsqlDataSource target, int rows, int runs, long expectDifferences)
    {
        Console.WriteLine();
        Console.WriteLine($"{name}: {"run",4} {"mariadb s",10} {"psql s",8} {"both s",8} {"drivers s",10} {"ours s",8} {"ours/slower",12} {"ours/both",10} {"ours CPU s",11} {"GCs",6} {"gen2",6} {"B/row",7}");
        var ratios = new List<double>();
        var together = new List<double>();
        var floor = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var scan = BenchEnvironment.RunShell(MariaDbScanToDevNull).TotalSeconds;
            var copy = BenchEnvironment.RunShell(PsqlCopyToDevNull).TotalSeconds;
            // Both raw scans at once, as the reconcile reads both sides at once: on a machine whose cores the two
            // servers share, this (not the slower scan alone) is the least time reading both sides can take.
            var both = BenchEnvironment.RunShell($"{MariaDbScanToDevNull} & {PsqlCopyToDevNull} & wait").TotalSeconds;
            var drivers = await DriversAtOnceAsync(source, target);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var (gen0, gen2, allocated) = (GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalAllocatedBytes());
            var watch = Stopwatch.StartNew();
            var report = await reconciler.RunAsync(options, null, null, CancellationToken.None);
            var ours = watch.Elapsed.TotalSeconds;
            var oursCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var (collections, full) = (GC.CollectionCount(0) - gen0, GC.CollectionCount(2) - gen2);
            var perRow = (GC.GetTotalAllocatedBytes() - allocated) / (double)rows;
            var entity = report.Entities.Single();
            var found = entity.Missing + entity.Extra + entity.Differing + entity.Lagging;
            if (entity.SourceRows != rows || found != expectDifferences)
            {
                throw new InvalidOperationException($"the reconcile compared {entity.SourceRows} rows and found {found} differences; expected {rows} and {expectDifferences}");
            }

            var ratio = ours / Math.Max(scan, copy);
            ratios.Add(ratio);
            together.Add(ours / both);
            floor.Add(drivers / Math.Max(scan, copy));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{new string(' ', name.Length)}  {run,4} {scan,10:0.00} {copy,8:0.00} {both,8:0.00} {drivers,10:0.00} {ours,8:0.00} {ratio,11:0.00}x {ours / both,9:0.00}x {oursCpu,11:0.00} {collections,6} {full,6} {perRow,7:0}   ({entity.Chunks} chunks, {entity.Rechecked} re-checked, verified as of {entity.VerifiedAs?.Display ?? "-"})"));
        }

        return (ratios, together, floor);
    }

    /// <summary>
    /// The CPU this process spends in the two drivers alone reading the same rows (MySqlConnector on the plan's
    /// connection string, with or without TLS as the reconcile reads it; Npgsql), with nothing done with the values: the part of a reconcile's
    /// CPU that no change to the reconciler can remove.
    /// </summary>
    private static async Task DriversAloneAsync(string source, NpgsqlDataSource target)
    {
        var mysql = new List<double>();
        var pg = new List<double>();
        for (var pass = 0; pass < 3; pass++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            await using (var connection = new MySqlConnection(source))
            {
                await connection.OpenAsync();
                await using var command = new MySqlCommand("SELECT id, k, c, pad FROM sbtest1 ORDER BY id", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    _ = reader.GetInt32(0) + reader.GetInt32(1) + reader.GetString(2).Length + reader.GetString(3).Length;
                }
            }

            mysql.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            await using (var command = target.CreateCommand("SELECT id, k, c, pad FROM public.sbtest1 ORDER BY id"))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    _ = reader.GetInt32(0) + reader.GetInt32(1) + reader.GetString(2).Length + reader.GetString(3).Length;
                }
            }

            pg.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"the drivers alone, reading every row (CPU s of this process, median of 3): MySqlConnector {BenchEnvironment.Median(mysql):0.00}, Npgsql {BenchEnvironment.Median(pg):0.00}"));
    }

    /// <summary>
    /// Wall seconds of the two drivers reading every row of both sides at once, in key order, doing nothing with the
    /// values: what a reconcile on these drivers takes before any work of its own.
    /// </summary>
    private static async Task<double> DriversAtOnceAsync(string source, NpgsqlDataSource target)
    {
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(
            Task.Run(async () =>
            {
                await using var connection = new MySqlConnection(source);
                await connection.OpenAsync();
                await using var command = new MySqlCommand("SELECT id, k, c, pad FROM sbtest1 ORDER BY id", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    _ = reader.GetInt32(0) + reader.GetInt32(1) + reader.GetString(2).Length + reader.GetString(3).Length;
                }
            }),
            Task.Run(async () =>
            {
                await using var command = target.CreateCommand("SELECT id, k, c, pad FROM public.sbtest1 ORDER BY id");
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    _ = reader.GetInt32(0) + reader.GetInt32(1) + reader.GetString(2).Length + reader.GetString(3).Length;
                }
            }));
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Whether MariaDB is read over TLS (<c>--tls</c>) by ours and by the client, rather than without by both.</summary>
    private static bool Tls { get; set; }

    private static string MariaDbScanToDevNull =>
        $"mariadb {BenchEnvironment.MariaDbClientArgs} {(Tls ? "--ssl" : "--skip-ssl")} --quick -N -D sbtest -e 'SELECT id, k, c, pad FROM sbtest1' > /dev/null";

    private static string PsqlCopyToDevNull =>
        $"PGPASSWORD=\"$DUALWRITE_PG_PASSWORD\" psql -X -q -h {BackfillBenchmark.Env("DUALWRITE_PG_HOST", "127.0.0.1")} -p {BackfillBenchmark.Env("DUALWRITE_PG_PORT", "55432")} " +
        $"-U {BackfillBenchmark.Env("DUALWRITE_PG_USER", "dualwrite")} -d {BackfillBenchmark.Env("DUALWRITE_PG_DATABASE", "dualwrite")} " +
        "-c 'COPY (SELECT id, k, c, pad FROM public.sbtest1) TO STDOUT' > /dev/null";

    /// <summary>Changes <paramref name="percent"/>% of the target's rows (spread over the key space) straight in PostgreSQL, versions untouched.</summary>
    private static async Task<long> ChangeTargetAsync(NpgsqlDataSource target, int rows, int percent)
    {
        var step = Math.Max(1, 100 / Math.Max(1, percent));
        await using var command = target.CreateCommand($"UPDATE public.sbtest1 SET c = reverse(c) WHERE id % {step} = 0");
        var changed = await command.ExecuteNonQueryAsync();
        await BackfillBenchmark.SettleAsync(target);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Changed {changed:N0} of {rows:N0} target rows (column c) straight in PostgreSQL."));
        return changed;
    }

    private static async Task<double> TableMiBAsync(NpgsqlDataSource target)
    {
        await using var command = target.CreateCommand("SELECT pg_total_relation_size('public.sbtest1')");
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) / 1048576.0;
    }
}
