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

    /// <summary>This process's name among the plan's workers (in <c>backfill status</c> and the chunk log); by default the host name and process id.</summary>
    public string? WorkerId { get; init; }

    /// <summary>
    /// One of several workers on the plan: when another process already applies the catch-up, this one ends once the
    /// snapshot is done (or, when the catch-up does not stop by itself, stands by and takes over when that process dies),
    /// instead of failing.
    /// </summary>
    public bool SharedCatchUp { get; init; }

    /// <summary>
    /// How long a claimed range stays this worker's without a chunk begun in it; a worker whose PostgreSQL session ends
    /// loses its ranges at once.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The worker name used when <see cref="WorkerId"/> is not set.</summary>
    public static string DefaultWorkerId => $"{Environment.MachineName}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
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
    /// <exception cref="BackfillException">A schema change the policy refuses, a purged binlog, a target that does not match, a value the target cannot hold; another process applying the catch-up (<see cref="BackfillError.LeadershipLost"/>).</exception>
    public async Task<BackfillReport> RunAsync(BackfillOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Lease < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Lease, "The lease must be at least one second.");
        }

        var watch = Stopwatch.StartNew();
        var source = new MySqlDataSource(_sourceConnectionString);
        await using var disposeSource = source.ConfigureAwait(false);
        var checkpoints = new Checkpoints(_plan.Name, _controlSchema);
        var worker = options.WorkerId ?? BackfillOptions.DefaultWorkerId;
        var resumed = new HashSet<string>(StringComparer.Ordinal);

        // The session that shows this worker alive for as long as it runs: its claims are freed when it ends.
        var presence = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var disposePresence = presence.ConfigureAwait(false);
        var state = await Leadership.WithSetupLockAsync(presence, checkpoints, () => SetUpAsync(presence, source, checkpoints, options, resumed, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        var session = await checkpoints.RegisterWorkerAsync(presence, worker, options.Lease, cancellationToken).ConfigureAwait(false);
        try
        {
            if (state is { Started: true })
            {
                await _log.WriteLineAsync($"The snapshot finished in an earlier run; catching up from {state.Value.Position}.").ConfigureAwait(false);
                foreach (var table in Progress.Tables.Values)
                {
                    table.Finish();
                }
            }
            else
            {
                await SnapshotAsync(source, checkpoints, session, options.ProgressInterval, cancellationToken).ConfigureAwait(false);
            }

            if (options.CatchUp is { } stop)
            {
                var leadership = await LeadAsync(checkpoints, session, options, stop, cancellationToken).ConfigureAwait(false);
                if (leadership is not null)
                {
                    await using (leadership.ConfigureAwait(false))
                    {
                        await CatchUpAsync(source, checkpoints, session, stop, options.ProgressInterval, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await checkpoints.SetWorkerStateAsync(_target, session, "finished", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await SetStateQuietlyAsync(checkpoints, session, "failed").ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException)
        {
            await SetStateQuietlyAsync(checkpoints, session, "stopped").ConfigureAwait(false);
            throw;
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

    /// <summary>
    /// Sets the plan up in the target, once among workers starting together: control tables, target tables, a
    /// re-snapshot's reset, and the key ranges of every table that has none yet. Returns the catch-up's state.
    /// </summary>
    private async Task<(BinlogPosition Position, bool Started)?> SetUpAsync(
        NpgsqlConnection connection, MySqlDataSource source, Checkpoints checkpoints, BackfillOptions options, HashSet<string> resumed, CancellationToken cancellationToken)
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

        var state = await checkpoints.LoadCatchUpAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var table in _tables)
        {
            var existing = await checkpoints.LoadRangesAsync(connection, table.Entity, cancellationToken).ConfigureAwait(false);
            var progress = Progress.Table(table.Entity, table.ToString(), table.Source.EstimatedRows);
            progress.Add(existing.Sum(r => r.Rows));
            progress.ResumedRows = progress.Rows;
            if (existing.Count > 0)
            {
                resumed.Add(table.Entity);
                if (state is not { Started: true })
                {
                    await _log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{table}: resuming; {progress.Rows:N0} rows were copied by earlier runs or other workers, {existing.Count(r => !r.Done)} of {existing.Count} ranges left."))
                        .ConfigureAwait(false);
                }
            }
            else if (state is not { Started: true })
            {
                await checkpoints.CreateRangesAsync(connection, table.Entity, await KeyRanges.SplitAsync(source, table, _plan.Backfill.Parallelism, KeyRanges.MinimumRanges, cancellationToken).ConfigureAwait(false), cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        return state;
    }

    /// <summary>
    /// Takes the plan's catch-up. Null when this worker is not to apply it: another process does, and this one either
    /// ends (the catch-up stops by itself) or it is not a shared run (then it fails).
    /// </summary>
    private async Task<Leadership?> LeadAsync(Checkpoints checkpoints, WorkerSession session, BackfillOptions options, CatchUpStop stop, CancellationToken cancellationToken)
    {
        var announced = false;
        var waited = TimeSpan.Zero;
        while (true)
        {
            if (await Leadership.TryAcquireAsync(_target, checkpoints, session.Worker, cancellationToken).ConfigureAwait(false) is { } leadership)
            {
                checkpoints.Leader = session.Worker;
                await checkpoints.SetWorkerStateAsync(_target, session, "catching up", cancellationToken).ConfigureAwait(false);
                if (announced)
                {
                    await _log.WriteLineAsync($"{session.Worker} took over the catch-up.").ConfigureAwait(false);
                }

                return leadership;
            }

            var leader = await checkpoints.LoadLeaderAsync(_target, cancellationToken).ConfigureAwait(false) ?? "another process";
            if (!options.SharedCatchUp && waited < options.Lease)
            {
                // The holder may be a process that just died, whose session PostgreSQL has not ended yet.
                await Task.Delay(ClaimPoll, _time, cancellationToken).ConfigureAwait(false);
                waited += ClaimPoll;
                continue;
            }

            if (!options.SharedCatchUp)
            {
                throw new BackfillException(BackfillError.LeadershipLost,
                    $"The catch-up of plan '{_plan.Name}' is being applied by {leader}. Stop it first, or run this as one of the plan's workers (backfill run --worker).");
            }

            if (stop.WhenCaughtUp || stop.At is not null)
            {
                await _log.WriteLineAsync($"The snapshot is done; the catch-up is applied by {leader}, so this worker ends.").ConfigureAwait(false);
                return null;
            }

            if (!announced)
            {
                await _log.WriteLineAsync($"The catch-up is applied by {leader}; standing by to take over.").ConfigureAwait(false);
                await checkpoints.SetWorkerStateAsync(_target, session, "standing by", cancellationToken).ConfigureAwait(false);
                announced = true;
            }

            await Task.Delay(ClaimPoll, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CatchUpAsync(MySqlDataSource source, Checkpoints checkpoints, WorkerSession session, CatchUpStop stop, TimeSpan progressInterval, CancellationToken cancellationToken)
    {
        var catchUp = new CatchUp(_plan, _tables, source, _target, checkpoints, Progress, _log, _time);
        BinlogPosition from;
        var connection = await _target.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Read only now that this worker leads: the leader before it may have moved the position.
            from = (await checkpoints.LoadCatchUpAsync(connection, cancellationToken).ConfigureAwait(false))?.Position
                ?? await catchUp.Reader.GetCurrentPositionAsync(cancellationToken).ConfigureAwait(false);

            // The catch-up has begun, even before its first batch: the snapshot's position no longer moves, and status
            // readers see it started.
            await checkpoints.RecordCatchUpAsync(connection, from, cancellationToken).ConfigureAwait(false);
        }

        using var printing = new CancellationTokenSource();
        var printer = PrintProgressAsync(progressInterval, printing.Token);
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

    /// <summary>How often a worker with nothing to claim looks again (a range held by a worker that dies comes free), and a standby for the leader lock.</summary>
    internal static readonly TimeSpan ClaimPoll = TimeSpan.FromSeconds(1);

    /// <summary>How long a stopping worker spends giving its claims back before it leaves them to their sessions' end.</summary>
    private static readonly TimeSpan ReleaseBound = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Copies ranges until every range of the plan is done: <see cref="BackfillSettings.Parallelism"/> copiers in this
    /// process claim ranges from the target, as the copiers of other worker processes do. A copier with nothing to claim
    /// while other workers still hold ranges waits, and takes a range over when its holder dies or its lease lapses.
    /// </summary>
    private async Task SnapshotAsync(MySqlDataSource source, Checkpoints checkpoints, WorkerSession session, TimeSpan progressInterval, CancellationToken cancellationToken)
    {
        var throttle = new Throttle(_plan.Backfill.MaxRowsPerSecond, _plan.Backfill.MaxTargetLatency);
        var tables = _tables.ToDictionary(t => t.Entity, StringComparer.Ordinal);
        var entities = tables.Keys.ToList();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var printing = new CancellationTokenSource();
        var printer = PrintProgressAsync(progressInterval, printing.Token);
        await checkpoints.SetWorkerStateAsync(_target, session, "copying", cancellationToken).ConfigureAwait(false);

        async Task CopierAsync()
        {
            while (true)
            {
                var claim = await checkpoints.ClaimAsync(_target, session, entities, failed.Token).ConfigureAwait(false);
                if (claim is null)
                {
                    if (await checkpoints.CountPendingAsync(_target, entities, failed.Token).ConfigureAwait(false) == 0)
                    {
                        return;
                    }

                    await Task.Delay(ClaimPoll, _time, failed.Token).ConfigureAwait(false);
                    continue;
                }

                var table = tables[claim.Entity];
                try
                {
                    await new SnapshotCopier(table, checkpoints, session, source, _target, throttle, Progress.Tables[table.Entity])
                        .CopyAsync(claim, failed.Token).ConfigureAwait(false);
                    if (await checkpoints.CountPendingAsync(_target, [table.Entity], failed.Token).ConfigureAwait(false) == 0)
                    {
                        Progress.Tables[table.Entity].Finish();
                    }
                }
                catch (LeaseLostException ex)
                {
                    await _log.WriteLineAsync(ex.Message).ConfigureAwait(false);
                }
                catch
                {
                    // The chunk in flight rolled back; give the range back so another worker need not wait for the lease.
                    using var bound = new CancellationTokenSource(ReleaseBound);
                    try
                    {
                        await checkpoints.ReleaseAsync(_target, claim, bound.Token).ConfigureAwait(false);
                    }
                    catch (Exception release) when (release is NpgsqlException or OperationCanceledException or TimeoutException)
                    {
                        // Left to the lease and this worker's session ending.
                    }

                    throw;
                }
            }
        }

        var copiers = Enumerable.Range(0, Math.Max(1, _plan.Backfill.Parallelism)).Select(_ => Task.Run(async () =>
        {
            try
            {
                await CopierAsync().ConfigureAwait(false);
            }
            catch
            {
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        })).ToList();
        try
        {
            await Task.WhenAll(copiers).ConfigureAwait(false);
        }
        catch when (copiers.FirstOrDefault(w => w.IsFaulted && w.Exception!.InnerException is not OperationCanceledException) is { } first)
        {
            // The first real failure, not the cancellations it caused in the other copiers.
            await first.ConfigureAwait(false);
        }
        finally
        {
            await printing.CancelAsync().ConfigureAwait(false);
            await printer.ConfigureAwait(false);
        }

        foreach (var table in _tables)
        {
            Progress.Tables[table.Entity].Finish();
        }
    }

    private async Task SetStateQuietlyAsync(Checkpoints checkpoints, WorkerSession session, string state)
    {
        using var bound = new CancellationTokenSource(ReleaseBound);
        try
        {
            await checkpoints.SetWorkerStateAsync(_target, session, state, bound.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The target is unreachable: status shows the worker gone once its session ends.
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
