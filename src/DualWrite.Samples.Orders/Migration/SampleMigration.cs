using System.Diagnostics;
using System.Globalization;
using DualWrite.Migration.Engine;
using DualWrite.Core.Phases;
using DualWrite.Core.Reconciliation;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.MySql.Control;
using DualWrite.Samples.Orders.Data;
using DualWrite.Samples.Orders.Domain;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>
/// Runs the orders service's migration from MariaDB to PostgreSQL through all five phases and back while live
/// traffic runs: the service is wired as an application would be (<see cref="OrdersService"/>: its own
/// <see cref="MySqlDataSource"/> and <see cref="NpgsqlDataSource"/> in the container, <c>AddDualWrite</c>, phases from
/// the MySQL phase table through feature flags on the same pool), and an operator moves the phase with <see cref="MySqlPhaseControl"/>. In Backfill
/// the real backfill imports a snapshot and catches up from the binlog (<see cref="SampleBackfill"/>); its catch-up
/// then runs as the backstop through every phase, carrying what a back-office job writes with plain SQL beside the
/// application (<see cref="OutOfBandWriter"/>). Both stores are transactional outboxes, so each keeps its intents in
/// its own database (<see cref="DirectedRepairLog{TKey}"/>); NewOnly feeds the old store through the repair log, so
/// every step back is instant. Forward moves pass the plan's gates (the version order) and, into the phases that read
/// the new store, a full comparison of both stores.
/// </summary>
public sealed class SampleMigration
{
    /// <summary>The entity name the phase table, flags and repair log know the orders by.</summary>
    public const string Entity = OrderTable.Entity;

    private const string Operator = OrdersService.Operator;

    /// <summary>How long an instance may take to see a phase move (the bound is 1 s), or the repairs to drain, before the run gives up: a safety net.</summary>
    private static readonly TimeSpan PhaseSeenWithin = TimeSpan.FromSeconds(30);

    /// <summary>The back-office job's pause between statements.</summary>
    private static readonly TimeSpan OutOfBandPause = TimeSpan.FromMilliseconds(5);

    private readonly SampleOptions _options;
    private readonly TextWriter _out;

    /// <summary>Creates the run; <paramref name="output"/> receives its progress and figures.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SampleMigration(SampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.Validate();
        _options = options;
        _out = output;
    }

    /// <summary>Prepares fresh databases, runs the migration there and back, and checks the outcome.</summary>
    public async Task<SampleReport> RunAsync(CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var service = await OrdersService.StartAsync(_options, _out, cancellationToken).ConfigureAwait(false);
        await using var disposeService = service.ConfigureAwait(false);
        var (dataSource, oldStore, newStore, newTable, towardOld, log, backfill) =
            (service.DataSource, service.OldStore, service.NewStore, service.NewTable, service.TowardOld, service.Log, service.Backfill);
        Task<EntityReport> ReconcileAsync() => service.Reconciler.RunAsync(service.Pair, TransientCheckpoints.Instance, null, cancellationToken);
        var phases = service.Phases;
        var control = service.Control;
        var traffic = new OrderTraffic(service.Repository, _options.Clients, _options.Seed);
        var outOfBand = new OutOfBandWriter(dataSource, Math.Max(_options.SeedOrders / 5, 1), _options.Seed);
        using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = traffic.RunAsync(stopTraffic.Token);
        var writing = outOfBand.RunAsync(OutOfBandPause, stopTraffic.Token);
        var steps = new List<StepReport>();
        var notArrived = new List<string>();
        var catchUpRunning = false;
        _out.WriteLine($"{"phase",-18} {"ops",7} {"ops/s",7} {"p50 ms",7} {"p99 ms",7} {"errors",6} {"stale",5} {"sql",5}   next move");
        var moves = new (PhaseTransitionKind Kind, MigrationPhase To)[]
        {
            (PhaseTransitionKind.Advance, MigrationPhase.Backfill),
            (PhaseTransitionKind.Advance, MigrationPhase.DualWriteReadOld),
            (PhaseTransitionKind.Advance, MigrationPhase.DualWriteReadNew),
            (PhaseTransitionKind.Advance, MigrationPhase.NewOnly),
            (PhaseTransitionKind.StepBack, MigrationPhase.DualWriteReadNew),
            (PhaseTransitionKind.StepBack, MigrationPhase.DualWriteReadOld),
            (PhaseTransitionKind.StepBack, MigrationPhase.Backfill),
            (PhaseTransitionKind.StepBack, MigrationPhase.OldOnly),
        };

        EntityReport? roundTrip = null;
        ReconcileReport reconciliation;
        EntityReport final;
        var current = MigrationPhase.OldOnly;
        var sqlAtStart = 0L;
        try
        {
            foreach (var (kind, to) in moves)
            {
                await DwellAsync(traffic, cancellationToken).ConfigureAwait(false);
                var notes = new List<string>();

                // What the back-office job wrote in this phase must be in the new store once the catch-up runs.
                if (catchUpRunning)
                {
                    notes.Add(await CheckArrivalAsync(outOfBand, oldStore, newStore, backfill, notArrived, current, cancellationToken).ConfigureAwait(false));
                }

                var request = new PhaseTransitionRequest(Entity, current, to, kind, Operator,
                    kind == PhaseTransitionKind.Advance ? $"sample: {current} → {to}" : $"sample: back to {to}");
                PhaseTransitionResult outcome;
                try
                {
                    // Made only while the entity is still where this driver left it: a move by anyone else (the
                    // automatic rollback, an operator) stops the run instead of being built upon.
                    outcome = await ((IPhaseTransitioner)control).TransitionAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (PhaseConflictException ex)
                {
                    throw new SampleMigrationException($"The move {current} → {to} was not made: {ex.Message}", ex);
                }

                if (!outcome.Allowed)
                {
                    throw new SampleMigrationException($"The move {current} → {to} was refused ({outcome.Rejection}): " +
                        string.Join("; ", outcome.FailedGates.Select(g => $"{g.GateName}: {g.Result.Reason}")));
                }

                notes.AddRange(outcome.Gates.Where(_ => kind == PhaseTransitionKind.Advance && to >= MigrationPhase.DualWriteReadOld).Select(g => $"gate {g.GateName}: {g.Result.Reason}"));
                var propagation = await WaitForPhaseAsync(phases, to, cancellationToken).ConfigureAwait(false);
                var stretch = traffic.NextStretch();
                var sql = outOfBand.Writes - sqlAtStart;
                sqlAtStart += sql;
                notes.Insert(0, string.Create(CultureInfo.InvariantCulture, $"{(kind == PhaseTransitionKind.Advance ? "advance" : "step back")} to {to}, seen after {propagation.TotalMilliseconds:0} ms"));

                if (to == MigrationPhase.Backfill && kind == PhaseTransitionKind.Advance)
                {
                    // After the flip has reached the application: the snapshot import, then the catch-up from the
                    // snapshot's position, which from now on runs until the end. The decorator's PostgreSQL store then
                    // checks the table the import created.
                    notes.Add(await backfill.StartAsync(cancellationToken).ConfigureAwait(false));
                    catchUpRunning = true;
                    await newTable.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (current == MigrationPhase.NewOnly)
                {
                    var fed = await towardOld.ReadPendingAsync(Entity, 10_000, cancellationToken).ConfigureAwait(false);
                    notes.Add(string.Create(CultureInfo.InvariantCulture, $"old store fed from NewOnly: {fed.Count} writes still pending at the step back, read through from the new store until applied"));
                }
                else if (to == MigrationPhase.DualWriteReadOld && kind == PhaseTransitionKind.StepBack)
                {
                    roundTrip = await ReconcileAsync().ConfigureAwait(false);
                    notes.Add(string.Create(CultureInfo.InvariantCulture, $"stores reconciled: {roundTrip.SourceRows} rows, {Differences(roundTrip)} differ"));
                }

                steps.Add(Report(current, stretch, sql, to, kind, propagation, notes));
                current = to;
            }

            await DwellAsync(traffic, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopTraffic.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
            await writing.ConfigureAwait(false);
        }

        try
        {
            var last = traffic.NextStretch();
            PrintStretch(current, last, outOfBand.Writes - sqlAtStart, "done: traffic and back-office job stopped");
            _out.WriteLine($"{"",78}{await CheckArrivalAsync(outOfBand, oldStore, newStore, backfill, notArrived, current, cancellationToken).ConfigureAwait(false)}");

            // The end state, once nothing is in flight: the repair log drained, the binlog applied.
            await WaitForRepairsAsync(log, cancellationToken).ConfigureAwait(false);
            await backfill.DrainAsync(cancellationToken).ConfigureAwait(false);
            reconciliation = await backfill.ReconcileAsync(cancellationToken).ConfigureAwait(false);
            final = await ReconcileAsync().ConfigureAwait(false);
            await service.StopAsync().ConfigureAwait(false);

            var (checkedKeys, lost, placementsNotOnce) = await traffic.VerifyAsync(oldStore, cancellationToken).ConfigureAwait(false);
            var pending = await log.ReadPendingAsync(Entity, 1000, cancellationToken).ConfigureAwait(false);
            var history = await control.GetHistoryAsync(Entity, cancellationToken).ConfigureAwait(false);
            var report = new SampleReport(
                steps,
                last,
                checkedKeys,
                lost,
                placementsNotOnce,
                roundTrip ?? throw new SampleMigrationException("The run never came back to DualWriteReadOld to compare the stores."),
                final,
                reconciliation,
                outOfBand.Writes,
                notArrived,
                pending.Count,
                history.Count,
                total.Elapsed);
            PrintSummary(report, outOfBand.Deadlocks);
            return report;
        }
        finally
        {
            await backfill.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the back-office job's last change reached the new store: its version in the old store is read, the
    /// catch-up drained up to the source's head, and the new store must then hold that version or a newer one.
    /// </summary>
    private static async Task<string> CheckArrivalAsync(
        OutOfBandWriter writer,
        IVersionedStore<OrderKey, Order> oldStore,
        IVersionedStore<OrderKey, Order> newStore,
        SampleBackfill backfill,
        List<string> notArrived,
        MigrationPhase phase,
        CancellationToken cancellationToken)
    {
        if (writer.LastKey is not { } last)
        {
            return "back-office job: no change yet";
        }

        var key = new OrderKey(last.CustomerId, last.OrderNo);
        var written = await oldStore.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var took = await backfill.DrainAsync(cancellationToken).ConfigureAwait(false);
        var arrived = await newStore.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (written is not null && (arrived is null || arrived.Version < written.Version))
        {
            notArrived.Add(string.Create(CultureInfo.InvariantCulture, $"{key} in {phase}: version {written.Version} in the old store, {arrived?.Version.ToString(CultureInfo.InvariantCulture) ?? "none"} in the new one"));
            return $"back-office job: its last change ({key}) did NOT reach the new store";
        }

        return string.Create(CultureInfo.InvariantCulture, $"back-office job: its last change ({key}) is in the new store, binlog applied to the head in {took.TotalMilliseconds:0} ms");
    }

    private static Task WaitForRepairsAsync(IRepairLog<OrderKey> log, CancellationToken cancellationToken) => WaitUntilAsync(
        async () => (await log.ReadPendingAsync(Entity, 1, cancellationToken).ConfigureAwait(false)).Count == 0,
        TimeSpan.FromMilliseconds(20),
        () => $"The repair log still had pending entries {PhaseSeenWithin.TotalSeconds:0} s after the traffic stopped.",
        cancellationToken);

    private static Task<TimeSpan> WaitForPhaseAsync(IPhaseSource phases, MigrationPhase phase, CancellationToken cancellationToken) => WaitUntilAsync(
        () => ValueTask.FromResult(phases.GetPhase(Entity) == phase),
        TimeSpan.FromMilliseconds(5),
        () => $"The application still saw {phases.GetPhase(Entity)} {PhaseSeenWithin.TotalSeconds:0} s after the move to {phase}.",
        cancellationToken);

    /// <summary>Checks <paramref name="done"/> every <paramref name="poll"/> until it holds and returns how long that took; past <see cref="PhaseSeenWithin"/> the run stops with <paramref name="stillNot"/>'s message.</summary>
    private static async Task<TimeSpan> WaitUntilAsync(Func<ValueTask<bool>> done, TimeSpan poll, Func<string> stillNot, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!await done().ConfigureAwait(false))
        {
            if (watch.Elapsed > PhaseSeenWithin)
            {
                throw new SampleMigrationException(stillNot());
            }

            await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
        }

        return watch.Elapsed;
    }

    /// <summary>Lets the traffic run in the current phase for the dwell time and for the minimum number of operations, whichever takes longer.</summary>
    private async Task DwellAsync(OrderTraffic traffic, CancellationToken cancellationToken)
    {
        await Task.Delay(_options.Dwell, cancellationToken).ConfigureAwait(false);
        while (traffic.OperationsInStretch < _options.MinimumOperationsPerPhase)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    private StepReport Report(MigrationPhase phase, TrafficStats stats, long outOfBand, MigrationPhase to, PhaseTransitionKind kind, TimeSpan propagation, IReadOnlyList<string> notes)
    {
        PrintStretch(phase, stats, outOfBand, notes[0]);
        foreach (var note in notes.Skip(1))
        {
            _out.WriteLine($"{"",78}{note}");
        }

        return new StepReport(phase, to, kind, stats, outOfBand, propagation, notes);
    }

    private void PrintStretch(MigrationPhase phase, TrafficStats stats, long outOfBand, string next) =>
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase,-18} {stats.Operations,7} {stats.Operations / Math.Max(stats.Elapsed.TotalSeconds, 0.001),7:0} {stats.LatencyMs(0.5),7:0.0} {stats.LatencyMs(0.99),7:0.0} {stats.Failures,6} {stats.StaleReads,5} {outOfBand,5}   {next}"));

    private void PrintSummary(SampleReport report, long deadlocks)
    {
        _out.WriteLine();
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Operations: {report.Operations}, failed: {report.Failures}, stale reads: {report.StaleReads}."));
        foreach (var problem in report.Problems)
        {
            _out.WriteLine($"  first problem: {problem}");
        }

        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Acknowledged writes checked in the old store after the round trip: {report.CheckedKeys} keys, {report.LostWrites.Count} lost; placements not recorded exactly once in order_events: {report.PlacementsNotOnce.Count}."));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Back-office job (plain SQL beside the application): {report.OutOfBandWrites} changes ({deadlocks} deadlock victims retried), {report.OutOfBandNotArrived.Count} missing from the new store after the catch-up."));
        foreach (var missing in report.OutOfBandNotArrived)
        {
            _out.WriteLine($"  missing: {missing}");
        }

        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Stores reconciled on the way back in DualWriteReadOld: {report.RoundTrip.SourceRows} rows, {Differences(report.RoundTrip)} differences ({report.RoundTrip.Rechecked} re-checked)."));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"At the end, stores reconciled: {report.EndComparison.SourceRows} rows in {report.EndComparison.Chunks} chunks, {Differences(report.EndComparison)} differences{(report.EndComparison.Clean ? "" : ", e.g. " + string.Join(", ", report.EndComparison.Samples.Take(5).Select(d => $"{d.Key} {d.Kind}")))}."));
        foreach (var table in report.Reconciliation.Entities)
        {
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"At the end, the plan's reconciliation of {table.Display}: {table.SourceRows} source rows, {table.TargetRows} target rows, {table.Missing} missing, {table.Extra} extra, {table.Differing} differing, {table.Lagging} behind{(table.Clean ? " — equal" : "")}."));
        }

        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Repair log: {report.PendingRepairs} entries pending. Phase audit: {report.AuditEntries} entries (`dualwrite phase history --entity {Entity} --database {_options.OldDatabase}`)."));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(report.Succeeded ? "OK" : "FAILED")}: five phases and back in {report.Elapsed.TotalSeconds:0.0} s."));
    }

    private static long Differences(EntityReport report) => report.Missing + report.Extra + report.Differing + report.Lagging;
}
