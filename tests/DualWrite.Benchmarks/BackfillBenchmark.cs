using System.Diagnostics;
using System.Globalization;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Benchmarks;

/// <summary>
/// The snapshot import of sysbench's sbtest1 into PostgreSQL, in one run with its peers and bounds: pgloader on the
/// same table, a <c>mariadb --quick</c> scan to /dev/null, and a psql <c>\copy</c> of the same rows from a file.
/// Then, with <c>catch-up</c>, the binlog catch-up: its capacity on one target connection and on several, and its lag under <c>sysbench oltp_write_only</c> at 4, 8 and 16 threads.
/// </summary>
internal static class BackfillBenchmark
{
    private const string Plan = "migration-plans/sbtest.yaml";

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = BenchEnvironment.IntOption(args, "--rows", 1_000_000);
        await ReadBenchmark.EnsureTableAsync(rows);
        var pg = PgConnectionString();
        await using var target = NpgsqlDataSource.Create(pg);
        var (runner, plan, source) = await LoadAsync(target);

        var runs = BenchEnvironment.IntOption(args, "--runs", 5);
        Console.WriteLine($"Importing {rows:N0} rows of sbtest.sbtest1 into PostgreSQL, {runs} run(s); each runs the peers and bounds, then ours.");
        Console.WriteLine($"{"run",4} {"scan s",8} {"\\copy s",8} {"pgloader s",10} {"ours s",8} {"ours rows/s",12} {"vs \\copy",9} {"vs pgloader",11}");
        var results = new List<(double Scan, double Copy, double? PgLoader, double Ours)>();
        for (var run = 1; run <= runs; run++)
        {
            var result = await OneRunAsync(runner, target, rows, args.Contains("--only-ours"));
            results.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run,4} {result.Scan,8:0.00} {result.Copy,8:0.00} {(result.PgLoader is { } l ? l.ToString("0.00", CultureInfo.InvariantCulture) : "failed"),10} {result.Ours,8:0.00} {rows / result.Ours,12:N0} {result.Copy / result.Ours * 100,8:0}% {(result.PgLoader is { } p ? (p / result.Ours).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-"),11}"));
        }

        Console.WriteLine();
        Console.WriteLine($"parallelism {plan.Plan.Backfill.Parallelism}, chunk {plan.Plan.Backfill.ChunkSize:N0}; medians over {runs} run(s), with min and max:");
        Console.WriteLine("  ours vs \\copy bound: " + Summary([.. results.Select(r => r.Copy / r.Ours * 100)], "0", "%") + " of its rate (target ≥ 80%)");
        var versusPgLoader = results.Where(r => r.PgLoader is not null).Select(r => r.PgLoader!.Value / r.Ours).ToList();
        if (versusPgLoader.Count > 0)
        {
            Console.WriteLine("  ours vs pgloader: " + Summary(versusPgLoader, "0.00", "x") + " faster (target ≥ 3x)");
        }

        Console.WriteLine("  ours: " + Summary([.. results.Select(r => rows / r.Ours)], "N0", " rows/s"));

        if (args.Contains("--catch-up"))
        {
            await CatchUpAsync(plan, source, target, BenchEnvironment.IntOption(args, "--time", 15), rows, BenchEnvironment.IntOption(args, "--catch-up-runs", runs));
        }

        return 0;
    }

    /// <summary>One alternation: the scan, the <c>\copy</c> bound and pgloader, then our snapshot, each from a settled target.</summary>
    private static async Task<(double Scan, double Copy, double? PgLoader, double Ours)> OneRunAsync(BackfillRunner runner, NpgsqlDataSource target, int rows, bool onlyOurs)
    {
        if (onlyOurs)
        {
            await SettleAsync(target);
            return (double.NaN, double.NaN, null, await OursAsync(runner, rows));
        }

        var scan = BenchEnvironment.RunShell($"mariadb {BenchEnvironment.MariaDbClientArgs} --skip-ssl --quick -N -D sbtest -e 'SELECT * FROM sbtest1' > /dev/null").TotalSeconds;
        var dump = Path.Combine(Path.GetTempPath(), "dualwrite-bench-sbtest1.tsv");
        BenchEnvironment.RunShell($"mariadb {BenchEnvironment.MariaDbClientArgs} --skip-ssl --quick -N -D sbtest -e 'SELECT * FROM sbtest1' > {dump}");
        await ExecuteAsync(target, "DROP SCHEMA IF EXISTS bench_copy CASCADE; CREATE SCHEMA bench_copy; " +
            "CREATE TABLE bench_copy.sbtest1 (id integer PRIMARY KEY, k integer NOT NULL, c varchar(120) NOT NULL, pad varchar(60) NOT NULL, _dw_version bigint NOT NULL DEFAULT 0)");
        await SettleAsync(target);
        var copy = Psql($"\\copy bench_copy.sbtest1 (id, k, c, pad) FROM '{dump}'");
        File.Delete(dump);

        double? pgloader = null;
        try
        {
            await SettleAsync(target);
            pgloader = PgLoader();
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"  pgloader failed: {ex.Message}");
        }

        await SettleAsync(target);
        return (scan, copy, pgloader, await OursAsync(runner, rows));
    }

    /// <summary>Our snapshot of the whole table, from scratch; prints the process's CPU time it took beside the wall time.</summary>
    private static async Task<double> OursAsync(BackfillRunner runner, int rows)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var report = await runner.RunAsync(new BackfillOptions { Resnapshot = true, CatchUp = null, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);
        var ours = watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"     ours: {ours:0.00} s wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.00} s CPU in this process"));
        var copied = report.Tables.Sum(t => t.Rows);
        if (copied != rows)
        {
            throw new InvalidOperationException($"the backfill copied {copied} rows, expected {rows}");
        }

        return ours;
    }

    /// <summary>"median (min – max)" of <paramref name="values"/>.</summary>
    internal static string Summary(IReadOnlyList<double> values, string format, string unit)
    {
        var sorted = values.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"median {median.ToString(format, CultureInfo.InvariantCulture)}{unit} (min {sorted[0].ToString(format, CultureInfo.InvariantCulture)}{unit}, max {sorted[^1].ToString(format, CultureInfo.InvariantCulture)}{unit})");
    }

    /// <summary>
    /// The catch-up, in two parts. Its capacity: a backlog written by <c>sysbench oltp_write_only</c> while no catch-up
    /// runs, then applied, timed, with the changes applied on one target connection and on the plan's
    /// <c>cdc.parallelism</c>, alternated <paramref name="runs"/> times. Then its lag while it keeps up with
    /// sysbench at 4, 8 and 16 threads.
    /// </summary>
    private static async Task CatchUpAsync(ValidatedPlan plan, string source, NpgsqlDataSource target, int seconds, int rows, int runs)
    {
        var parallel = plan.Plan.Cdc.Parallelism;
        BackfillRunner With(int parallelism) =>
            BackfillRunner.Create(plan with { Plan = plan.Plan with { Cdc = plan.Plan.Cdc with { Parallelism = parallelism } } }, source, target, TextWriter.Null);

        Console.WriteLine();
        Console.WriteLine($"Catch-up capacity: a {seconds} s sysbench oltp_write_only --threads=8 backlog, then applied; 1 target connection vs {parallel}, alternated {runs} times:");
        Console.WriteLine($"{"run",4} {"conns",6} {"changes",10} {"apply s",8} {"changes/s",10}");
        var ratios = new List<double>();
        var rates = new Dictionary<int, List<double>> { [1] = [], [parallel] = [] };
        await With(1).RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { At = await MasterPositionAsync() }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);
        for (var run = 1; run <= runs; run++)
        {
            var pair = new Dictionary<int, double>();
            foreach (var parallelism in run % 2 == 1 ? new[] { 1, parallel } : [parallel, 1])
            {
                Sysbench(8, seconds, rows);
                var end = await MasterPositionAsync();
                var runner = With(parallelism);
                var watch = Stopwatch.StartNew();
                await runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { At = end }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);
                watch.Stop();
                var rate = runner.Progress.ChangesApplied / watch.Elapsed.TotalSeconds;
                pair[parallelism] = rate;
                rates[parallelism].Add(rate);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{run,4} {parallelism,6} {runner.Progress.ChangesApplied,10:N0} {watch.Elapsed.TotalSeconds,8:0.00} {rate,10:N0}"));
            }

            ratios.Add(pair[parallel] / pair[1]);
        }

        Console.WriteLine($"  1 connection: {Summary(rates[1], "N0", " changes/s")}");
        Console.WriteLine($"  {parallel} connections: {Summary(rates[parallel], "N0", " changes/s")}");
        Console.WriteLine($"  {parallel} vs 1: {Summary(ratios, "0.00", "x")} (target ≥ 2x)");

        Console.WriteLine();
        Console.WriteLine($"Catch-up lag while it follows sysbench oltp_write_only for {seconds} s ({parallel} connections):");
        foreach (var threads in new[] { 4, 8, 16 })
        {
            var runner = With(parallel);
            using var stop = new CancellationTokenSource();
            var running = runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { WhenCaughtUp = false }, ProgressInterval = TimeSpan.Zero }, stop.Token);
            while (runner.Progress.AppliedPosition is null && !running.IsCompleted)
            {
                await Task.Delay(50);
            }

            var before = runner.Progress.ChangesApplied;
            var samplesBefore = runner.Progress.LagSamples.Count;
            var load = Stopwatch.StartNew();
            Sysbench(threads, seconds, rows);
            load.Stop();
            var end = await MasterPositionAsync();
            var drain = Stopwatch.StartNew();
            while (!(runner.Progress.AppliedPosition >= end) && !running.IsCompleted)
            {
                await Task.Delay(10);
            }

            drain.Stop();
            var applied = runner.Progress.ChangesApplied - before;
            await stop.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
            }

            var lags = runner.Progress.LagSamples.Skip(samplesBefore).Order().ToList();
            double Percentile(double p) => lags.Count == 0 ? 0 : lags[Math.Min(lags.Count - 1, (int)(p * lags.Count))];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {threads,2} threads: {applied:N0} changes in {load.Elapsed.TotalSeconds:0.0} s ({applied / load.Elapsed.TotalSeconds:N0} changes/s); rest applied {drain.Elapsed.TotalMilliseconds:0} ms after the load; " +
                $"lag p50 {Percentile(0.5):0} ms, p99 {Percentile(0.99):0} ms, max {(lags.Count == 0 ? 0 : lags[^1]):0} ms ({lags.Count} batches; target p99 < 1000 ms)"));
        }

        var reconciler = PlanReconciler.Create(plan, source, target);
        var reconciliation = await reconciler.RunAsync(reconciler.DefaultOptions with { Fresh = true }, null, null, CancellationToken.None);
        foreach (var entity in reconciliation.Entities)
        {
            Console.WriteLine($"  reconciled {entity.Display} afterwards: {entity.SourceRows:N0} source rows, {entity.TargetRows:N0} target rows, {(entity.Clean ? "equal" : $"{entity.Missing} missing, {entity.Extra} extra, {entity.Differing} differing, {entity.Lagging} behind")}");
        }
    }

    private static void Sysbench(int threads, int seconds, int rows) =>
        BenchEnvironment.RunShell(
            $"sysbench oltp_write_only --db-driver=mysql --mysql-host={BenchEnvironment.Host} --mysql-port={BenchEnvironment.Port} " +
            $"--mysql-user={BenchEnvironment.User} --mysql-password=\"$MYSQL_PWD\" --mysql-db=sbtest --tables=1 --table-size={rows} --threads={threads} --time={seconds} --report-interval=0 run");

    internal static async Task<(BackfillRunner Runner, ValidatedPlan Plan, string Source)> LoadAsync(NpgsqlDataSource target)
    {
        var plan = await PlanLoader.LoadAsync(Path.Combine(RepositoryRoot(), Plan), CancellationToken.None);
        var source = PlanConnections.MySqlConnectionString(plan.Source, Environment.GetEnvironmentVariable);
        await using var connection = new MySqlConnection(source);
        await connection.OpenAsync();
        var validated = await PlanValidator.ValidateAsync(plan, connection, CancellationToken.None);
        return (BackfillRunner.Create(validated, source, target, TextWriter.Null), validated, source);
    }

    private static double PgLoader()
    {
        if (BenchEnvironment.RunShellStatus("command -v pgloader") != 0)
        {
            throw new InvalidOperationException("pgloader is not installed (eng/bench.sh installs it)");
        }

        var pgPassword = Env("DUALWRITE_PG_PASSWORD", "dualwrite-local-only");
        var load = Path.Combine(Path.GetTempPath(), "dualwrite-bench.load");
        File.WriteAllText(load, $"""
            LOAD DATABASE
              FROM mysql://{BenchEnvironment.User}:{BenchEnvironment.Password}@{BenchEnvironment.Host}:{BenchEnvironment.Port}/sbtest
              INTO postgresql://{Env("DUALWRITE_PG_USER", "dualwrite")}:{pgPassword}@{Env("DUALWRITE_PG_HOST", "127.0.0.1")}:{Env("DUALWRITE_PG_PORT", "55432")}/{Env("DUALWRITE_PG_DATABASE", "dualwrite")}
            WITH include drop, create tables, create indexes, reset sequences, workers = 2, concurrency = 1
            INCLUDING ONLY TABLE NAMES MATCHING 'sbtest1'
            ALTER SCHEMA 'sbtest' RENAME TO 'bench_pgloader';
            """);
        try
        {
            return BenchEnvironment.RunShell($"pgloader --quiet {load}").TotalSeconds;
        }
        finally
        {
            File.Delete(load);
        }
    }

    internal static double Psql(string command)
    {
        var script = $"PGPASSWORD=\"$DUALWRITE_PG_PASSWORD\" psql -X -q -h {Env("DUALWRITE_PG_HOST", "127.0.0.1")} -p {Env("DUALWRITE_PG_PORT", "55432")} " +
            $"-U {Env("DUALWRITE_PG_USER", "dualwrite")} -d {Env("DUALWRITE_PG_DATABASE", "dualwrite")} -c \"{command.Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
        return BenchEnvironment.RunShell(script).TotalSeconds;
    }

    private static Task<DualWrite.MySql.Replication.BinlogPosition> MasterPositionAsync() =>
        new DualWrite.MySql.Replication.BinlogReader(BenchEnvironment.ConnectionString("sbtest")).GetCurrentPositionAsync();

    /// <summary>
    /// Each timed load starts from the same state: the previous load's tables vacuumed and analysed (so autovacuum
    /// does not run during the next one), its dirty pages written out, and a moment's quiet.
    /// </summary>
    internal static async Task SettleAsync(NpgsqlDataSource target)
    {
        await ExecuteAsync(target, "VACUUM (ANALYZE)");
        await ExecuteAsync(target, "CHECKPOINT");
        await Task.Delay(1000);
    }

    internal static async Task ExecuteAsync(NpgsqlDataSource target, string sql)
    {
        await using var command = target.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    internal static string PgConnectionString() => new NpgsqlConnectionStringBuilder
    {
        Host = Env("DUALWRITE_PG_HOST", "127.0.0.1"),
        Port = int.Parse(Env("DUALWRITE_PG_PORT", "55432"), CultureInfo.InvariantCulture),
        Username = Env("DUALWRITE_PG_USER", "dualwrite"),
        Password = Env("DUALWRITE_PG_PASSWORD", "dualwrite-local-only"),
        Database = Env("DUALWRITE_PG_DATABASE", "dualwrite"),
    }.ConnectionString;

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DualWrite.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (DualWrite.sln).");
    }

    internal static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
