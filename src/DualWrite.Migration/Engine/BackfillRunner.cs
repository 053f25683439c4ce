using System.Diagnostics;
using System.Globalization;
using DualWrite.Migration.Plans;
using DualWrite.MySql.Replication;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Engine;

/// <summary>How a backfill run behaves.</summary>
public sealed record BackfillOptions
{
    /// <summary>Throw away what earlier runs copied and start again from a fresh snapshot.</summary>
    public bool Resnapshot { get; init; }

    /// <summary>When the catch-up ends; null runs the snapshot only.</summary>
    public CatchUpStop? CatchUp { get; init; } = new();

    /// <summary>How often progress is written; zero writes none until the end.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>What a run did.</summary>
public sealed record BackfillReport(IReadOnlyList<TableReport> Tables, long ChangesApplied, string? Position, TimeSpan Elapsed, IReadOnlyList<double> LagSamplesMs);

/// <summary>One table's snapshot figures.</summary>
public sealed record TableReport(string Entity, string Display, long Rows, long RowsThisRun, TimeSpan Elapsed, bool Resumed);

/// <summary>
/// Moves the plan's tables into PostgreSQL: creates the target tables, copies each table in key ranges from
/// consistent snapshots (resuming from the checkpoints of an earlier run), then catches up from the binlog. See
/// docs/backfill.md.
/// </summary>
public sealed class BackfillRunner
{
    private readonly MigrationPlan _plan;
    private readonly IReadOnlyList<TableSpec> _tables;
    private readonly string _sourceConnectionString;
    private readonly NpgsqlDataSource _target;
    private readonly TextWriter _log;
    private readonly string _controlSchema;
    private readonly TimeProvider _time;

    internal BackfillRunner(MigrationPlan plan, IReadOnlyList<TableSpec> tables, string sourceConnectionString, NpgsqlDataSource target, TextWriter log, TimeProvider? time = null)
    {
        _plan = plan;
        _tables = tables;
        _sourceConnectionString = sourceConnectionString;
        _target = target;
        _log = log;
        _controlSchema = plan.Target.Schema ?? "public";
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Creates the run for a plan validated against its source.</summary>
    /// <param name="plan">The plan and its resolved tables.</param>
    /// <param name="sourceConnectionString">The source (see <see cref="PlanConnections.MySqlConnectionString"/>).</param>
    /// <param name="target">The PostgreSQL target.</param>
    /// <param name="log">Receives progress and notices.</param>
    public static BackfillRunner Create(ValidatedPlan plan, string sourceConnectionString, NpgsqlDataSource target, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(log);
        var schema = plan.Plan.Target.Schema ?? "public";
        return new BackfillRunner(plan.Plan, [.. plan.Entities.Select(e => TableSpec.From(e, schema, plan.Plan.Backfill.ChunkSize))], sourceConnectionString, target, log);
    }

    /// <summary>The live figures.</summary>
    public BackfillProgress Progress { get; } = new();

    /// <summary>Runs the backfill.</summary>
    /// <exception cref="BackfillException">A schema change the policy refuses, a purged binlog, a target that does not match, a value the target cannot hold.</exception>
    public async Task<BackfillReport> RunAsync(BackfillOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var watch = Stopwatch.StartNew();
        var source = new MySqlDataSource(_sourceConnectionString);
        await using var disposeSource = source.ConfigureAwait(false);
        var checkpoints = new Checkpoints(_plan.Name, _controlSchema);
        var resumed = new HashSet<string>(StringComparer.Ordinal);
        BinlogPosition? catchUpFrom;
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await TargetSchema.EnsureControlTablesAsync(connection, _controlSchema, cancellationToken).ConfigureAwait(false);
            foreach (var table in _tables)
            {
                if (options.Resnapshot)
                {
                    await TargetSchema.ResetAsync(connection, _plan.Name, table, cancellationToken).ConfigureAwait(false);
                }

                await TargetSchema.EnsureTableAsync(connection, table, cancellationToken).ConfigureAwait(false);
            }

            if (options.Resnapshot)
            {
                await checkpoints.ResetCatchUpAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            var ranges = new Dictionary<string, List<RangeState>>(StringComparer.Ordinal);
            foreach (var table in _tables)
            {
                var existing = await checkpoints.LoadRangesAsync(connection, table.Entity, cancellationToken).ConfigureAwait(false);
                ranges[table.Entity] = existing;
                var progress = Progress.Table(table.Entity, table.ToString(), table.Source.EstimatedRows);
                progress.Add(existing.Sum(r => r.Rows));
                progress.ResumedRows = progress.Rows;
                progress.Done = existing.Count > 0 && existing.All(r => r.Done);
                if (existing.Count > 0)
                {
                    resumed.Add(table.Entity);
                }
            }

            var state = await checkpoints.LoadCatchUpAsync(connection, cancellationToken).ConfigureAwait(false);
            if (state is { Started: true })
            {
                await _log.WriteLineAsync($"The snapshot finished in an earlier run; catching up from {state.Value.Position}.").ConfigureAwait(false);
            }
            else
            {
                var work = new List<(TableSpec Table, RangeState Range)>();
                foreach (var table in _tables)
                {
                    var tableRanges = ranges[table.Entity];
                    if (tableRanges.Count == 0)
                    {
                        await checkpoints.CreateRangesAsync(connection, table.Entity, await KeyRanges.SplitAsync(source, table, _plan.Backfill.Parallelism, cancellationToken).ConfigureAwait(false), cancellationToken)
                            .ConfigureAwait(false);
                        tableRanges = await checkpoints.LoadRangesAsync(connection, table.Entity, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await _log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"{table}: resuming; {Progress.Tables[table.Entity].Rows:N0} rows were copied by earlier runs, {tableRanges.Count(r => !r.Done)} of {tableRanges.Count} ranges left."))
                            .ConfigureAwait(false);
                    }

                    work.AddRange(tableRanges.Where(r => !r.Done).Select(r => (table, r)));
                }

                await SnapshotAsync(source, checkpoints, work, options.ProgressInterval, cancellationToken).ConfigureAwait(false);
                state = await checkpoints.LoadCatchUpAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            catchUpFrom = state?.Position;
        }

        if (options.CatchUp is { } stop)
        {
            var catchUp = new CatchUp(_plan, _tables, source, _target, checkpoints, Progress, _log, _time);
            var from = catchUpFrom ?? await catchUp.Reader.GetCurrentPositionAsync(cancellationToken).ConfigureAwait(false);
            using var printing = new CancellationTokenSource();
            var printer = PrintProgressAsync(options.ProgressInterval, printing.Token);
            try
            {
                await catchUp.RunAsync(from, stop, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await printing.CancelAsync().ConfigureAwait(false);
                await printer.ConfigureAwait(false);
            }
        }

        foreach (var line in Progress.Describe())
        {
            await _log.WriteLineAsync(line).ConfigureAwait(false);
        }

        return new BackfillReport(
            [.. _tables.Select(t => Progress.Tables[t.Entity]).Zip(_tables, (p, t) => new TableReport(t.Entity, p.Display, p.Rows, p.Rows - p.ResumedRows, p.Elapsed, resumed.Contains(t.Entity)))],
            Progress.ChangesApplied,
            Progress.Position,
            watch.Elapsed,
            Progress.LagSamples);
    }

    private async Task SnapshotAsync(MySqlDataSource source, Checkpoints checkpoints, List<(TableSpec Table, RangeState Range)> work, TimeSpan progressInterval, CancellationToken cancellationToken)
    {
        var throttle = new Throttle(_plan.Backfill.MaxRowsPerSecond, _plan.Backfill.MaxTargetLatency);
        var queue = new Queue<(TableSpec Table, RangeState Range)>(work);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var printing = new CancellationTokenSource();
        var printer = PrintProgressAsync(progressInterval, printing.Token);
        var remaining = work.GroupBy(w => w.Table.Entity).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        async Task WorkerAsync()
        {
            while (true)
            {
                (TableSpec Table, RangeState Range) item;
                lock (queue)
                {
                    if (!queue.TryDequeue(out item))
                    {
                        return;
                    }
                }

                var progress = Progress.Tables[item.Table.Entity];
                await new SnapshotCopier(item.Table, checkpoints, source, _target, throttle, progress)
                    .CopyAsync(item.Range, failed.Token).ConfigureAwait(false);
                lock (remaining)
                {
                    if (--remaining[item.Table.Entity] == 0)
                    {
                        progress.Finish();
                    }
                }
            }
        }

        var workers = Enumerable.Range(0, Math.Max(1, _plan.Backfill.Parallelism)).Select(_ => Task.Run(async () =>
        {
            try
            {
                await WorkerAsync().ConfigureAwait(false);
            }
            catch
            {
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        })).ToList();
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch when (workers.FirstOrDefault(w => w.IsFaulted && w.Exception!.InnerException is not OperationCanceledException) is { } first)
        {
            // The first real failure, not the cancellations it caused in the other workers.
            await first.ConfigureAwait(false);
        }
        finally
        {
            await printing.CancelAsync().ConfigureAwait(false);
            await printer.ConfigureAwait(false);
        }
    }

    private async Task PrintProgressAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            while (true)
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                foreach (var line in Progress.Describe(tables: false))
                {
                    await _log.WriteLineAsync(line).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
