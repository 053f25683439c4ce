using System.Globalization;
using Dapper;
using DualWrite.Core.Phases;
using DualWrite.Core.Reconciliation;
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
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>
/// The orders service wired as an application wires it, over fresh databases: its own <see cref="MySqlDataSource"/>
/// and <see cref="NpgsqlDataSource"/> in the container, both stores as transactional outboxes
/// (<see cref="DirectedRepairLog{TKey}"/>), <c>AddDualWrite</c> with phases from the MySQL phase table through feature
/// flags, and the repository over the decorator. It also holds what the operator drives: the phase control, the
/// plan's backfill and the stores' reconciliation pair. <see cref="SampleMigration"/> walks it through the phases;
/// <see cref="StartInstanceAsync"/> adds application instances beside the first.
/// </summary>
public sealed class OrdersService : IAsyncDisposable
{
    /// <summary>The operator name phase moves are made under.</summary>
    public const string Operator = "sample-operator";

    private readonly List<OrdersInstance> _instances = [];
    private readonly IReadOnlyList<IPhaseGate> _gates;
    private readonly Action<DualWriteEntityOptions>? _configure;
    private readonly Action<ILoggingBuilder>? _logging;

    private OrdersService(
        SampleOptions options,
        MySqlDataSource dataSource,
        NpgsqlDataSource postgres,
        MySqlRepairLog<OrderKey> towardNew,
        PostgreSqlRepairLog<OrderKey> towardOld,
        MySqlVersionedStore<OrderKey, Order> oldStore,
        PostgreSqlVersionedStore<OrderKey, Order> newTable,
        SampleBackfill backfill,
        Action<DualWriteEntityOptions>? configure,
        Action<ILoggingBuilder>? logging)
    {
        Options = options;
        DataSource = dataSource;
        Postgres = postgres;
        TowardNew = towardNew;
        TowardOld = towardOld;
        Log = new DirectedRepairLog<OrderKey>(towardNew, towardOld);
        OldStore = oldStore;
        NewTable = newTable;
        NewStore = new PostgreSqlOutboxStore<OrderKey, Order>(newTable, towardOld);
        Backfill = backfill;

        // Writes in flight when two records differ have landed once the catch-up has applied what the source logged
        // by then and the decorator's secondary writes are done (they take milliseconds).
        Pair = OrderReconciliation.Pair(SampleMigration.Entity, OldStore, NewStore, async ct =>
        {
            await backfill.DrainAsync(ct).ConfigureAwait(false);
            await Task.Delay(200, ct).ConfigureAwait(false);
        });
        Reconciler = new Reconciler(new ReconcileOptions { ChunkSize = 2_000, Parallelism = 1 });
        _gates = [.. backfill.Gates(dataSource), new StoresReconciledGate(Pair, Reconciler)];
        _configure = configure;
        _logging = logging;
        _instances.Add(new OrdersInstance(BuildHost(), this, VersionClock.Shared));
    }

    /// <summary>The first application instance; <see cref="StartInstanceAsync"/> adds more.</summary>
    public OrdersInstance First => _instances[0];

    /// <summary>The first instance's phase source (feature flags over the phase table).</summary>
    public IPhaseSource Phases => First.Phases;

    /// <summary>The operator's phase control, with the plan's gates.</summary>
    public MySqlPhaseControl Control => First.Control;

    /// <summary>The first instance's decorator, as its container hands it out.</summary>
    public IVersionedStore<OrderKey, Order> Store => First.Store;

    /// <summary>The first instance's queries beyond keys.</summary>
    public OrderQueries Queries => First.Queries;

    /// <summary>The first instance's repository.</summary>
    public OrderRepository Repository => First.Repository;

    /// <summary>What the service runs against.</summary>
    public SampleOptions Options { get; }

    /// <summary>The application's MySQL pool: store, repair log, phase table and its own SQL.</summary>
    public MySqlDataSource DataSource { get; }

    /// <summary>The new store's pool.</summary>
    public NpgsqlDataSource Postgres { get; }

    /// <summary>The old store's outbox: entries toward the new store, in MySQL.</summary>
    public MySqlRepairLog<OrderKey> TowardNew { get; }

    /// <summary>The new store's outbox: entries toward the old store, in PostgreSQL.</summary>
    public PostgreSqlRepairLog<OrderKey> TowardOld { get; }

    /// <summary>Both outboxes as the decorator's repair log.</summary>
    public DirectedRepairLog<OrderKey> Log { get; }

    /// <summary>The old store (MySQL).</summary>
    public MySqlVersionedStore<OrderKey, Order> OldStore { get; }

    /// <summary>The new store's table (PostgreSQL), without the outbox.</summary>
    public PostgreSqlVersionedStore<OrderKey, Order> NewTable { get; }

    /// <summary>The new store as the decorator writes it: the table and its outbox.</summary>
    public PostgreSqlOutboxStore<OrderKey, Order> NewStore { get; }

    /// <summary>The plan's backfill: snapshot, then the catch-up as the backstop.</summary>
    public SampleBackfill Backfill { get; }

    /// <summary>The two stores as a reconciliation pair.</summary>
    public StorePair<OrderKey, Order> Pair { get; }

    /// <summary>The stores' reconciler.</summary>
    public Reconciler Reconciler { get; }






    /// <summary>
    /// Creates the databases afresh, seeds the orders with plain SQL, registers the entity in the phase table and starts
    /// the application's host. <paramref name="configure"/> changes the entity's options after the sample's own;
    /// <paramref name="logging"/> adds the host's log providers (it has none by default).
    /// </summary>
    public static async Task<OrdersService> StartAsync(
        SampleOptions options,
        TextWriter output,
        CancellationToken cancellationToken,
        Action<DualWriteEntityOptions>? configure = null,
        Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.Validate();
        await PrepareAsync(options, output, cancellationToken).ConfigureAwait(false);
        var connection = new MySqlConnectionStringBuilder(options.ConnectionString) { Database = options.OldDatabase }.ConnectionString;
        var dataSource = new MySqlDataSource(connection);
        var postgres = NpgsqlDataSource.Create(options.PostgreSqlConnectionString);
        try
        {
            var towardNew = OrderTable.RepairLog(dataSource);
            var towardOld = PgOrderTable.RepairLog(postgres, options.NewSchema);
            var oldStore = new MySqlVersionedStore<OrderKey, Order>(dataSource, OrderTable.Mapping(options.OldDatabase), towardNew);
            var newTable = new PostgreSqlVersionedStore<OrderKey, Order>(postgres, PgOrderTable.Mapping(options.NewSchema));
            await towardNew.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await towardOld.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await oldStore.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await SeedAsync(options, dataSource, output, cancellationToken).ConfigureAwait(false);
            var backfill = await SampleBackfill.CreateAsync(options.ConnectionString, options.OldDatabase, postgres, options.NewSchema, cancellationToken, output).ConfigureAwait(false);

            var setup = new MySqlPhaseControl(dataSource, new PhaseTransitionPlanner([], TimeProvider.System));
            await setup.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await setup.InitializeAsync(SampleMigration.Entity, Operator, cancellationToken).ConfigureAwait(false);

            var service = new OrdersService(options, dataSource, postgres, towardNew, towardOld, oldStore, newTable, backfill, configure, logging);
            await service.First.Host.StartAsync(cancellationToken).ConfigureAwait(false);
            return service;
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            await postgres.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts one more application instance over the same databases and stores, as another process of the service
    /// would be: its own host (phase source polling the phase table, decorator, repair worker, query router), and its
    /// own version clock.
    /// </summary>
    public async Task<OrdersInstance> StartInstanceAsync(CancellationToken cancellationToken)
    {
        var instance = new OrdersInstance(BuildHost(), this, new VersionClock());
        _instances.Add(instance);
        await instance.Host.StartAsync(cancellationToken).ConfigureAwait(false);
        return instance;
    }

    /// <summary>Stops every instance's host (the repair workers, the phase polls).</summary>
    public async Task StopAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.Host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the catch-up and the hosts, and closes the pools.</summary>
    public async ValueTask DisposeAsync()
    {
        await Backfill.StopAsync().ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
        foreach (var instance in _instances)
        {
            instance.Host.Dispose();
        }

        await DataSource.DisposeAsync().ConfigureAwait(false);
        await Postgres.DisposeAsync().ConfigureAwait(false);
    }

    private IHost BuildHost()
    {
        var (gates, configure) = (_gates, _configure);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        _logging?.Invoke(builder.Logging);
        builder.Services.AddSingleton(DataSource);
        builder.Services.AddSingleton(Postgres);
        builder.Configuration.AddDualWritePhasesFromMySql(DataSource);
        foreach (var gate in gates)
        {
            builder.Services.AddSingleton(gate);
        }

        builder.Services
            .AddDualWrite(options =>
            {
                options.RepairInterval = TimeSpan.FromMilliseconds(250);
                var entity = new DualWriteEntityOptions { ShadowReads = { SampleRate = 0.05 } };
                configure?.Invoke(entity);
                options.Entities[SampleMigration.Entity] = entity;
            })
            .UseFeatureFlagPhases()
            .UseMySqlPhaseControl()
            .AddEntity(SampleMigration.Entity, _ => OldStore, _ => NewStore, _ => Log, Order.ContentComparer);
        return builder.Build();
    }

    private static async Task PrepareAsync(SampleOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(options.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var database = MySqlNames.Quote(options.OldDatabase);
            await connection.ExecuteAsync(new CommandDefinition($"DROP DATABASE IF EXISTS {database}", cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE {database} CHARACTER SET utf8mb4", cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ChangeDatabaseAsync(options.OldDatabase, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(OrderTable.CreateSql, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(OrderTable.CreateEventsSql, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var postgres = new NpgsqlConnection(options.PostgreSqlConnectionString);
        await using (postgres.ConfigureAwait(false))
        {
            await postgres.OpenAsync(cancellationToken).ConfigureAwait(false);
            var schema = new NpgsqlCommandBuilder().QuoteIdentifier(options.NewSchema);
            await postgres.ExecuteAsync(new CommandDefinition($"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}", cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        output.WriteLine($"MariaDB database `{options.OldDatabase}` (the application's, old store) and PostgreSQL schema \"{options.NewSchema}\" (new store) created afresh.");
    }

    /// <summary>The application's data before the migration, written with plain SQL as the application always had (the triggers version it).</summary>
    private static async Task SeedAsync(SampleOptions options, MySqlDataSource dataSource, TextWriter output, CancellationToken cancellationToken)
    {
        var random = new Random(options.Seed);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            const int PerStatement = 250;
            for (var start = 0; start < options.SeedOrders; start += PerStatement)
            {
                var count = Math.Min(PerStatement, options.SeedOrders - start);
                var command = new MySqlCommand(
                    $"INSERT INTO `{options.OldDatabase}`.`orders` (`customer_id`, `order_no`, `status`, `total`, `placed_at`, `details`, `receipt`) VALUES " +
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

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Seeded {options.SeedOrders} orders with plain SQL; {options.Clients} clients place, pay, ship, cancel and read orders throughout."));
        output.WriteLine();
    }
}

/// <summary>One application instance of the orders service: its host and what it hands the application.</summary>
public sealed class OrdersInstance
{
    internal OrdersInstance(IHost host, OrdersService service, VersionClock clock)
    {
        Host = host;
        Phases = host.Services.GetRequiredService<IPhaseSource>();
        Control = host.Services.GetRequiredService<MySqlPhaseControl>();
        Store = host.Services.GetRequiredKeyedService<IVersionedStore<OrderKey, Order>>(SampleMigration.Entity);
        Queries = new OrderQueries(host.Services.GetRequiredService<QueryRouter>(), Store, service.DataSource, service.Postgres, service.Options.NewSchema);
        Repository = new OrderRepository(Store, service.DataSource, Queries, clock);
    }

    /// <summary>The instance's phase source (feature flags over the phase table).</summary>
    public IPhaseSource Phases { get; }

    /// <summary>The phase control, with the plan's gates.</summary>
    public MySqlPhaseControl Control { get; }

    /// <summary>The instance's decorator, as its container hands it out.</summary>
    public IVersionedStore<OrderKey, Order> Store { get; }

    /// <summary>The instance's queries beyond keys.</summary>
    public OrderQueries Queries { get; }

    /// <summary>The instance's repository.</summary>
    public OrderRepository Repository { get; }

    internal IHost Host { get; }
}
