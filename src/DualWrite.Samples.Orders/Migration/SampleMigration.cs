using System.Diagnostics;
using System.Globalization;
using DualWrite.Core.DependencyInjection;
using DualWrite.Core.Options;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.MySql.Control;
using DualWrite.MySql.Stores;
using DualWrite.MySql;
using DualWrite.Samples.Orders.Data;
using DualWrite.Samples.Orders.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MySqlConnector;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>
/// Runs the orders service's migration through all five phases and back while live traffic runs: the service is
/// wired as an application would be (<c>AddDualWrite</c>, phases from the MySQL phase table through feature flags),
/// and an operator moves the phase with <see cref="MySqlPhaseControl"/>. A full copy stands in for the bulk import
/// and a second, version-guarded copy for the change-feed catch-up; moves that make the new store the one read are
/// gated on both stores agreeing; stepping back past DualWriteReadNew first copies back what only the new store has.
/// </summary>
public sealed class SampleMigration
{
    /// <summary>The entity name the phase table, flags and repair log know the orders by.</summary>
    public const string Entity = "orders";

    private const string Operator = "sample-operator";
    private const int CopyBatch = 1000;

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
        var connection = new MySqlConnectionStringBuilder(_options.ConnectionString) { Database = _options.OldDatabase }.ConnectionString;
        await PrepareAsync(cancellationToken).ConfigureAwait(false);

        var dataSource = new MySqlDataSource(connection);
        await using var disposeDataSource = dataSource.ConfigureAwait(false);
        var log = OrderTable.RepairLog(dataSource);
        var oldStore = new MySqlVersionedStore<OrderKey, Order>(dataSource, OrderTable.Mapping(_options.OldDatabase), log);
        var newStore = new MySqlVersionedStore<OrderKey, Order>(dataSource, OrderTable.Mapping(_options.NewDatabase), log);
        await log.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await oldStore.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await newStore.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await SeedAsync(dataSource, cancellationToken).ConfigureAwait(false);

        var setup = new MySqlPhaseControl(dataSource, new PhaseTransitionPlanner([], TimeProvider.System));
        await setup.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await setup.InitializeAsync(Entity, Operator, cancellationToken).ConfigureAwait(false);

        var comparison = new StoreComparison<OrderKey, Order>(oldStore, newStore, Order.ContentComparer, TimeSpan.FromMilliseconds(300));
        var gate = new StoresAgreeGate<OrderKey, Order>(comparison);
        using var host = BuildHost(connection, oldStore, newStore, log, gate);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var phases = host.Services.GetRequiredService<IPhaseSource>();
        var control = host.Services.GetRequiredService<MySqlPhaseControl>();
        var repository = new OrderRepository(host.Services.GetRequiredKeyedService<IVersionedStore<OrderKey, Order>>(Entity));

        var traffic = new OrderTraffic(repository, _options.Clients, _options.Seed);
        using var stopTraffic = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = traffic.RunAsync(stopTraffic.Token);
        var steps = new List<StepReport>();
        _out.WriteLine($"{"phase",-18} {"ops",7} {"ops/s",7} {"p50 ms",7} {"p99 ms",7} {"errors",6} {"stale",5}   next move");
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

        ComparisonResult<OrderKey>? roundTrip = null;
        try
        {
            var current = MigrationPhase.OldOnly;
            foreach (var (kind, to) in moves)
            {
                await Task.Delay(_options.Dwell, cancellationToken).ConfigureAwait(false);
                var notes = new List<string>();
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

                notes.AddRange(outcome.Gates.Where(_ => to.Routing().Reads == StoreRole.New).Select(g => $"gate {g.GateName}: {g.Result.Reason}"));
                var propagation = await WaitForPhaseAsync(phases, to, cancellationToken).ConfigureAwait(false);
                var stretch = traffic.NextStretch();
                notes.Insert(0, string.Create(CultureInfo.InvariantCulture, $"{(kind == PhaseTransitionKind.Advance ? "advance" : "step back")} to {to}, seen after {propagation.TotalMilliseconds:0} ms"));

                // After the flip has reached the application: fill the new store (the bulk import), then catch up
                // what was written to the old store alone meanwhile (the change feed's part).
                if (to == MigrationPhase.Backfill && kind == PhaseTransitionKind.Advance)
                {
                    notes.Add(await CopyAsync("backfill old→new", oldStore, newStore, cancellationToken).ConfigureAwait(false));
                }
                else if (to == MigrationPhase.DualWriteReadOld && kind == PhaseTransitionKind.Advance)
                {
                    notes.Add(await CopyAsync("catch-up old→new", oldStore, newStore, cancellationToken).ConfigureAwait(false));
                }
                else if (to == MigrationPhase.DualWriteReadNew && kind == PhaseTransitionKind.StepBack)
                {
                    // Writes made in NewOnly reached only the new store. Now that every write reaches both stores again,
                    // copy those back, so the old store is whole before it is read again.
                    notes.Add(await CopyAsync("resync new→old", newStore, oldStore, cancellationToken).ConfigureAwait(false));
                }
                else if (to == MigrationPhase.DualWriteReadOld)
                {
                    roundTrip = await comparison.CompareAsync(cancellationToken).ConfigureAwait(false);
                    notes.Add(string.Create(CultureInfo.InvariantCulture, $"stores compared: {roundTrip.Compared} keys, {roundTrip.DifferingCount} differ"));
                }

                steps.Add(Report(current, stretch, to, kind, propagation, notes));
                current = to;
            }

            await Task.Delay(_options.Dwell, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopTraffic.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        var last = traffic.NextStretch();
        PrintStretch(MigrationPhase.OldOnly, last, "done");
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);

        var (checkedKeys, lost) = await traffic.VerifyAsync(oldStore, cancellationToken).ConfigureAwait(false);
        var pending = await log.ReadPendingAsync(Entity, 1000, cancellationToken).ConfigureAwait(false);
        var history = await control.GetHistoryAsync(Entity, cancellationToken).ConfigureAwait(false);
        var report = new SampleReport(
            steps,
            last,
            checkedKeys,
            lost,
            roundTrip ?? throw new SampleMigrationException("The run never came back to DualWriteReadOld to compare the stores."),
            pending.Count,
            history.Count,
            total.Elapsed);
        PrintSummary(report);
        return report;
    }

    private IHost BuildHost(
        string connection,
        MySqlVersionedStore<OrderKey, Order> oldStore,
        MySqlVersionedStore<OrderKey, Order> newStore,
        MySqlRepairLog<OrderKey> log,
        StoresAgreeGate<OrderKey, Order> gate)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddDualWritePhasesFromMySql(connection);
        builder.Services.AddSingleton<IPhaseGate>(gate);
        builder.Services
            .AddDualWrite(options =>
            {
                options.RepairInterval = TimeSpan.FromMilliseconds(250);
                options.Entities[Entity] = new DualWriteEntityOptions { ShadowReads = { SampleRate = 0.05 } };
            })
            .UseFeatureFlagPhases()
            .UseMySqlPhaseControl(connection)
            .AddEntity(Entity, _ => oldStore, _ => newStore, _ => log, Order.ContentComparer);
        return builder.Build();
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_options.ConnectionString);
        await using var disposeConnection = connection.ConfigureAwait(false);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var database in new[] { _options.OldDatabase, _options.NewDatabase })
        {
            await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS `{database}`", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"CREATE DATABASE `{database}` CHARACTER SET utf8mb4", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"USE `{database}`", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, OrderTable.CreateSql, cancellationToken).ConfigureAwait(false);
        }

        _out.WriteLine($"Databases `{_options.OldDatabase}` (the application's, old store) and `{_options.NewDatabase}` (new store) created afresh.");
    }

    /// <summary>The application's data before the migration, written with plain SQL as the application always had (the triggers version it).</summary>
    private async Task SeedAsync(MySqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var random = new Random(_options.Seed);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            const int PerStatement = 250;
            for (var start = 0; start < _options.SeedOrders; start += PerStatement)
            {
                var count = Math.Min(PerStatement, _options.SeedOrders - start);
                var command = new MySqlCommand(
                    $"INSERT INTO `{_options.OldDatabase}`.`orders` (`customer_id`, `order_no`, `status`, `total`, `placed_at`, `details`, `receipt`) VALUES " +
                    string.Join(", ", Enumerable.Repeat("(?, ?, ?, ?, ?, ?, ?)", count)),
                    connection);
                await using (command.ConfigureAwait(false))
                {
                    for (var i = start; i < start + count; i++)
                    {
                        var status = (OrderStatus)(i % 3);
                        foreach (var value in new object?[]
                        {
                            (long)(i / 5) + 1, (i % 5) + 1, status.ToString(), random.Next(100, 100_000) / 100m,
                            new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(i * 37.5),
                            string.Create(CultureInfo.InvariantCulture, $"{{\"items\": {random.Next(1, 6)}}}"),
                            status == OrderStatus.New ? null : BitConverter.GetBytes((long)i),
                        })
                        {
                            command.Parameters.Add(new MySqlParameter { Value = value });
                        }
                    }

                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {_options.SeedOrders} orders with plain SQL; {_options.Clients} clients place, pay, ship, cancel and read orders throughout."));
        _out.WriteLine();
    }

    private async Task<string> CopyAsync(string what, IVersionedStore<OrderKey, Order> source, IVersionedStore<OrderKey, Order> target, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var copied = await StoreCopier.CopyNewerAsync(source, target, KeyRange<OrderKey>.All, CopyBatch, cancellationToken).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture,
            $"{what}: {copied.Read} read, {copied.Applied} applied in {watch.Elapsed.TotalSeconds:0.00} s ({copied.Read / Math.Max(watch.Elapsed.TotalSeconds, 0.001):0} rows/s)");
    }

    private static async Task<TimeSpan> WaitForPhaseAsync(IPhaseSource phases, MigrationPhase phase, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (phases.GetPhase(Entity) != phase)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new SampleMigrationException($"The application still saw {phases.GetPhase(Entity)} 10 s after the move to {phase}.");
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        return watch.Elapsed;
    }

    private StepReport Report(MigrationPhase phase, TrafficStats stats, MigrationPhase to, PhaseTransitionKind kind, TimeSpan propagation, IReadOnlyList<string> notes)
    {
        PrintStretch(phase, stats, notes[0]);
        foreach (var note in notes.Skip(1))
        {
            _out.WriteLine($"{"",70}{note}");
        }

        return new StepReport(phase, to, kind, stats, propagation, notes);
    }

    private void PrintStretch(MigrationPhase phase, TrafficStats stats, string next) =>
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase,-18} {stats.Operations,7} {stats.Operations / Math.Max(stats.Elapsed.TotalSeconds, 0.001),7:0} {stats.LatencyMs(0.5),7:0.0} {stats.LatencyMs(0.99),7:0.0} {stats.Failures,6} {stats.StaleReads,5}   {next}"));

    private void PrintSummary(SampleReport report)
    {
        _out.WriteLine();
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Operations: {report.Operations}, failed: {report.Failures}, stale reads: {report.StaleReads}."));
        foreach (var problem in report.Problems)
        {
            _out.WriteLine($"  first problem: {problem}");
        }

        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Acknowledged writes checked in the old store after the round trip: {report.CheckedKeys} keys, {report.LostWrites.Count} lost."));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Stores compared on the way back in DualWriteReadOld: {report.RoundTrip.Compared} keys, {report.RoundTrip.DifferingCount} differences."));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Repair log: {report.PendingRepairs} entries pending. Phase audit: {report.AuditEntries} entries (`dualwrite phase history --entity {Entity} --database {_options.OldDatabase}`)."));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(report.Succeeded ? "OK" : "FAILED")}: five phases and back in {report.Elapsed.TotalSeconds:0.0} s."));
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new MySqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
