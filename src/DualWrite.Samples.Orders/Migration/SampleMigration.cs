using System.Diagnostics;
using System.Globalization;
using Dapper;
using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Hosting.DependencyInjection;
using DualWrite.Hosting.Options;
using DualWrite.MySql;
using DualWrite.MySql.Control;
using DualWrite.MySql.Stores;
using DualWrite.PostgreSql.Stores;
using DualWrite.Samples.Orders.Data;
using DualWrite.Samples.Orders.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>
/// Runs the orders service's migration from MariaDB to PostgreSQL through all five phases and back while live
/// traffic runs: the service is wired as an application would be (its own <see cref="MySqlDataSource"/> and
/// <see cref="NpgsqlDataSource"/> in the container, <c>AddDualWrite</c>, phases from the MySQL phase table through
/// feature flags on the same pool), and an operator moves the phase with <see cref="MySqlPhaseControl"/>. A full copy
/// stands in for the bulk import and a second, version-guarded copy for the change-feed catch-up; moves that make
/// the new store the one read are gated on both stores agreeing; stepping back past DualWriteReadNew first copies back
/// what only the new store has.
/// </summary>
public sealed class SampleMigration
{
    /// <summary>The entity name the phase table, flags and repair log know the orders by.</summary>
    public const string Entity = OrderTable.Entity;

    private const string Operator = "sample-operator";

    /// <summary>How long an instance may take to see a phase move before the run gives up (the bound is 1 s; this is a safety net).</summary>
    private static readonly TimeSpan PhaseSeenWithin = TimeSpan.FromSeconds(30);
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

        // The application's two pools: every MySQL path (store, repair log, phase control and polls, its own SQL) shares one.
        var dataSource = new MySqlDataSource(connection);
        await using var disposeDataSource = dataSource.ConfigureAwait(false);
        var postgres = NpgsqlDataSource.Create(_options.PostgreSqlConnectionString);
        await using var disposePostgres = postgres.ConfigureAwait(false);
        var log = OrderTable.RepairLog(dataSource);
        var oldStore = new MySqlVersionedStore<OrderKey, Order>(dataSource, OrderTable.Mapping(_options.OldDatabase), log);
        var newStore = new PostgreSqlVersionedStore<OrderKey, Order>(postgres, PgOrderTable.Mapping(_options.NewSchema));
        await log.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await oldStore.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await newStore.CreateTableAsync(PgOrderTable.ColumnTypes, cancellationToken).ConfigureAwait(false);
        await newStore.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await SeedAsync(dataSource, cancellationToken).ConfigureAwait(false);

        var setup = new MySqlPhaseControl(dataSource, new PhaseTransitionPlanner([], TimeProvider.System));
        await setup.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await setup.InitializeAsync(Entity, Operator, cancellationToken).ConfigureAwait(false);

        var comparison = new StoreComparison<OrderKey, Order>(oldStore, newStore, Order.ContentComparer, TimeSpan.FromMilliseconds(300));
        var gate = new StoresAgreeGate<OrderKey, Order>(comparison);
        using var host = BuildHost(dataSource, postgres, oldStore, newStore, log, gate);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        var phases = host.Services.GetRequiredService<IPhaseSource>();
        var control = host.Services.GetRequiredService<MySqlPhaseControl>();
        var queries = new OrderQueries(host.Services.GetRequiredService<QueryRouter>(), dataSource, postgres, _options.NewSchema);
        var repository = new OrderRepository(host.Services.GetRequiredKeyedService<IVersionedStore<OrderKey, Order>>(Entity), dataSource, queries);

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
                await DwellAsync(traffic, cancellationToken).ConfigureAwait(false);
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

            await DwellAsync(traffic, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopTraffic.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        var last = traffic.NextStretch();
        PrintStretch(MigrationPhase.OldOnly, last, "done");
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);

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
            pending.Count,
            history.Count,
            total.Elapsed);
        PrintSummary(report);
        return report;
    }

    private IHost BuildHost(
        MySqlDataSource dataSource,
        NpgsqlDataSource postgres,
        MySqlVersionedStore<OrderKey, Order> oldStore,
        PostgreSqlVersionedStore<OrderKey, Order> newStore,
        MySqlRepairLog<OrderKey> log,
        StoresAgreeGate<OrderKey, Order> gate)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton(postgres);
        builder.Configuration.AddDualWritePhasesFromMySql(dataSource);
        builder.Services.AddSingleton<IPhaseGate>(gate);
        builder.Services
            .AddDualWrite(options =>
            {
                options.RepairInterval = TimeSpan.FromMilliseconds(250);
                options.Entities[Entity] = new DualWriteEntityOptions { ShadowReads = { SampleRate = 0.05 } };
            })
            .UseFeatureFlagPhases()
            .UseMySqlPhaseControl()
            .AddEntity(Entity, _ => oldStore, _ => newStore, _ => log, Order.ContentComparer);
        return builder.Build();
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_options.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var database = MySqlNames.Quote(_options.OldDatabase);
            await connection.ExecuteAsync(new CommandDefinition($"DROP DATABASE IF EXISTS {database}", cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE {database} CHARACTER SET utf8mb4", cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ChangeDatabaseAsync(_options.OldDatabase, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(OrderTable.CreateSql, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(OrderTable.CreateEventsSql, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var postgres = new NpgsqlConnection(_options.PostgreSqlConnectionString);
        await using (postgres.ConfigureAwait(false))
        {
            await postgres.OpenAsync(cancellationToken).ConfigureAwait(false);
            var schema = new NpgsqlCommandBuilder().QuoteIdentifier(_options.NewSchema);
            await postgres.ExecuteAsync(new CommandDefinition($"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}", cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        _out.WriteLine($"MariaDB database `{_options.OldDatabase}` (the application's, old store) and PostgreSQL schema \"{_options.NewSchema}\" (new store) created afresh.");
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
            if (watch.Elapsed > PhaseSeenWithin)
            {
                throw new SampleMigrationException($"The application still saw {phases.GetPhase(Entity)} {PhaseSeenWithin.TotalSeconds:0} s after the move to {phase}.");
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
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

        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Acknowledged writes checked in the old store after the round trip: {report.CheckedKeys} keys, {report.LostWrites.Count} lost; placements not recorded exactly once in order_events: {report.PlacementsNotOnce.Count}."));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Stores compared on the way back in DualWriteReadOld: {report.RoundTrip.Compared} keys, {report.RoundTrip.DifferingCount} differences."));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Repair log: {report.PendingRepairs} entries pending. Phase audit: {report.AuditEntries} entries (`dualwrite phase history --entity {Entity} --database {_options.OldDatabase}`)."));
        _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(report.Succeeded ? "OK" : "FAILED")}: five phases and back in {report.Elapsed.TotalSeconds:0.0} s."));
    }
}
