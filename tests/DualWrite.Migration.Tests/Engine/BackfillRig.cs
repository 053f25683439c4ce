using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Reconcile;
using DualWrite.MySql;
using DualWrite.MySql.Replication;
using DualWrite.MySql.Schema;
using DualWrite.MySql.Values;
using DualWrite.PostgreSql;
using DualWrite.Testing;
using MySqlConnector;
using Npgsql;

namespace DualWrite.Migration.Tests.Engine;

/// <summary>
/// A scratch source database on MariaDB and a scratch schema on PostgreSQL, and a plan over tables in them. The source
/// is read through MySqlConnector with the exact settings (<see cref="MySqlExactSettings"/>), as
/// <see cref="PlanConnections.MySqlConnectionString"/> connects a plan's source.
/// </summary>
internal sealed class BackfillRig : IAsyncDisposable
{
    private BackfillRig(string database, string schema, NpgsqlDataSource target)
        : this(database, schema, target, SourceConnectionStringFor(database))
    {
    }

    private BackfillRig(string database, string schema, NpgsqlDataSource target, string sourceConnectionString)
    {
        Database = database;
        Schema = schema;
        Target = target;
        SourceConnectionString = sourceConnectionString;
        Source = new MySqlDataSource(SourceConnectionString);
    }

    public string Database { get; }
    public string Schema { get; }
    public string SourceConnectionString { get; }
    public MySqlDataSource Source { get; }
    public NpgsqlDataSource Target { get; }
    public StringWriter Log { get; } = new();

    /// <summary>The source connection string the engine gets for <paramref name="database"/>: the test server with the exact settings.</summary>
    public static string SourceConnectionStringFor(string database) => MariaDbServer.ConnectionString(b =>
    {
        MySqlExactSettings.Apply(b);
        b.Database = database;
    });

    public static async Task<BackfillRig> CreateAsync(string prefix)
    {
        var database = await MariaDbServer.CreateScratchDatabaseAsync(prefix);
        var schema = database;
        var target = PostgreSqlServer.CreateDataSource();
        await ExecuteAsync(target, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\"");
        return new BackfillRig(database, schema, target);
    }

    /// <summary>
    /// The rig on the fault servers (<see cref="MariaDbFaultServer"/>, <see cref="PostgreSqlFaultServer"/>), for the tests
    /// that crash or restart a server; such a test holds <see cref="FaultServerLock"/> while it does.
    /// </summary>
    public static async Task<BackfillRig> CreateOnFaultServersAsync(string prefix)
    {
        var database = await MariaDbFaultServer.CreateScratchDatabaseAsync(prefix);
        var schema = database;
        var target = PostgreSqlFaultServer.CreateDataSource();
        await ExecuteAsync(target, $"DROP SCHEMA IF EXISTS {PgNames.Quote(schema)} CASCADE; CREATE SCHEMA {PgNames.Quote(schema)}");
        var source = MariaDbFaultServer.ConnectionString(b =>
        {
            MySqlExactSettings.Apply(b);
            b.Database = database;
        });
        return new BackfillRig(database, schema, target, source);
    }

    /// <summary>Runs SQL (one statement or several) on the source database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await Source.OpenConnectionAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs SQL on the target.</summary>
    public Task ExecuteOnTargetAsync(string sql) => ExecuteAsync(Target, sql);

    /// <summary>The first column of the first row a target query returns, or default for none or NULL.</summary>
    public async Task<T?> TargetScalarAsync<T>(string sql)
    {
        await using var command = Target.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task<TableSpec> TableAsync(string table, int chunkSize = 1000, string? version = null)
    {
        await using var connection = await Source.OpenConnectionAsync();
        var source = await MySqlSchemaReader.ReadTableAsync(connection, Database, table, CancellationToken.None)
            ?? throw new InvalidOperationException($"no table {table}");
        return TableSpec.AllColumns(source, Schema, chunkSize: chunkSize, versionColumn: version);
    }

    /// <summary>The name of the rig's plan, under which the backfill keeps its checkpoints and the reconciler its runs.</summary>
    public string PlanName => $"test-{Database}";

    public MigrationPlan Plan(int parallelism = 2, DdlPolicy ddl = DdlPolicy.Stop, int maxRowsPerSecond = 0) => new(
        PlanName,
        "test.yaml",
        new ConnectionPlan("127.0.0.1", null, null, null, Database, null, null, default),
        new ConnectionPlan("127.0.0.1", null, null, null, null, Schema, null, default),
        [],
        new BackfillSettings(ChunkSize: 1000, Parallelism: parallelism, MaxRowsPerSecond: maxRowsPerSecond),
        new CdcSettings(BatchSize: 2000, LagBound: TimeSpan.FromSeconds(1)),
        ddl,
        []);

    /// <summary>An entity of the rig's plan over <paramref name="table"/> (its own name in both stores), versioned by <paramref name="version"/> or by binlog positions.</summary>
    public static EntityPlan Entity(string table, string? version = null) =>
        new(table, table, table, null, version, null, [], null, new PlanLocation("test.yaml", 3, 5));

    /// <summary>Validates <paramref name="plan"/> against the source as it is now, as every plan command does.</summary>
    public async Task<ValidatedPlan> ValidateAsync(MigrationPlan plan)
    {
        await using var connection = await Source.OpenConnectionAsync();
        return await PlanValidator.ValidateAsync(plan, connection, CancellationToken.None);
    }

    /// <summary>The rig's plan over <paramref name="entities"/>, validated against the source.</summary>
    public Task<ValidatedPlan> PlanOverAsync(params EntityPlan[] entities) => ValidateAsync(Plan() with { Entities = entities });

    /// <summary>Reconciles the plan's only entity through the library's plan reconciler, as <c>dualwrite reconcile</c> does.</summary>
    public async Task<EntityReport> ReconcilePlanAsync(ValidatedPlan plan, ReconcileOptions options, IProgress<ReconcileProgress>? progress = null, CancellationToken cancellationToken = default) =>
        (await PlanReconciler.Create(plan, SourceConnectionString, Target).RunAsync(options, null, progress, cancellationToken)).Entities.Single();

    public BackfillRunner Runner(MigrationPlan plan, params TableSpec[] tables) =>
        new(plan, tables, SourceConnectionString, Target, Log);

    public Task<BinlogPosition> MasterPositionAsync() => new BinlogReader(Source).GetCurrentPositionAsync();

    /// <summary>
    /// Options for a reconciliation that expects no difference: a fresh run, and a short re-check bound, since the catch-up
    /// may have stopped while the test server's binlog moves on with other tests' writes.
    /// </summary>
    public static readonly ReconcileOptions ExpectEqual = new() { ChunkSize = 1000, Fresh = true, RecheckBound = TimeSpan.FromSeconds(3) };

    /// <summary>Reconciles <paramref name="table"/> as the plan reconciler does (its pair, the rig plan's catch-up as the feed, its checkpoints).</summary>
    public Task<EntityReport> ReconcileAsync(TableSpec table, ReconcileOptions? options = null, CancellationToken cancellationToken = default)
    {
        var checkpoints = new PlanCheckpoints(Target, Schema, PlanName, table.Entity, PlanReconcilePair.Fingerprint(table));
        var pair = new PlanReconcilePair(table, Source, Target, new CatchUpFeed(Source, Target, Schema, PlanName, TimeProvider.System), 2, checkpoints);
        return new Reconciler(options ?? ExpectEqual).RunAsync(pair, checkpoints, null, cancellationToken);
    }

    /// <summary>A report's figures and sample differences, for an assertion's message.</summary>
    public static string Describe(EntityReport report) =>
        $"{report.Display}: {report.SourceRows} source rows, {report.TargetRows} target rows, {report.Missing} missing, {report.Extra} extra, {report.Differing} differing, {report.Lagging} behind: " +
        string.Join("; ", report.Samples.Select(s => $"{s.Key} {s.Kind} ({string.Join(", ", s.Columns)})"));

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP DATABASE IF EXISTS {MySqlNames.Quote(Database)}");
        await ExecuteOnTargetAsync($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await Source.DisposeAsync();
        await Target.DisposeAsync();
    }

    private static async Task ExecuteAsync(NpgsqlDataSource target, string sql)
    {
        await using var command = target.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
