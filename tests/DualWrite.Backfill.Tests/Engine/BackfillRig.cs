using DualWrite.Backfill.Engine;
using DualWrite.Backfill.Plans;
using DualWrite.Backfill.Schema;
using DualWrite.MySql;
using DualWrite.Testing;
using Npgsql;

namespace DualWrite.Backfill.Tests.Engine;

/// <summary>A scratch source database on MariaDB and a scratch schema on PostgreSQL, and a plan over tables in them.</summary>
internal sealed class BackfillRig : IAsyncDisposable
{
    private BackfillRig(string database, string schema, NpgsqlDataSource target)
    {
        Database = database;
        Schema = schema;
        Target = target;
        SourceConnectionString = MariaDbServer.ConnectionString(b => b.Database = database);
        Source = new MySqlDataSource(SourceConnectionString);
    }

    public string Database { get; }
    public string Schema { get; }
    public string SourceConnectionString { get; }
    public MySqlDataSource Source { get; }
    public NpgsqlDataSource Target { get; }
    public StringWriter Log { get; } = new();

    public static async Task<BackfillRig> CreateAsync(string prefix)
    {
        var database = await MariaDbServer.CreateScratchDatabaseAsync(prefix);
        var schema = database;
        var target = PostgresServer.DataSource();
        await PostgresServer.ExecuteAsync(target, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; CREATE SCHEMA \"{schema}\"");
        return new BackfillRig(database, schema, target);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await Source.OpenConnectionAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<TableSpec> TableAsync(string table, int chunkSize = 1000, string? version = null)
    {
        await using var connection = await Source.OpenConnectionAsync();
        var source = await SourceSchemaReader.ReadTableAsync(connection, Database, table, CancellationToken.None)
            ?? throw new InvalidOperationException($"no table {table}");
        return TableSpec.AllColumns(source, Schema, chunkSize: chunkSize, versionColumn: version);
    }

    public MigrationPlan Plan(int parallelism = 2, DdlPolicy ddl = DdlPolicy.Stop, int maxRowsPerSecond = 0) => new(
        $"test-{Database}",
        "test.yaml",
        new ConnectionPlan("127.0.0.1", null, null, null, Database, null, null, default),
        new ConnectionPlan("127.0.0.1", null, null, null, null, Schema, null, default),
        [],
        new BackfillSettings(ChunkSize: 1000, Parallelism: parallelism, MaxRowsPerSecond: maxRowsPerSecond),
        new CdcSettings(BatchSize: 2000, LagBound: TimeSpan.FromSeconds(1)),
        ddl,
        []);

    public BackfillRunner Runner(MigrationPlan plan, params TableSpec[] tables) =>
        new(plan, tables, SourceConnectionString, Target, Log);

    public Task<DualWrite.MySql.Replication.BinlogPosition> MasterPositionAsync() =>
        new DualWrite.MySql.Replication.BinlogReader(SourceConnectionString).GetCurrentPositionAsync();

    public Task<ComparisonReport> CompareAsync(TableSpec table) => TableComparison.CompareAsync(table, Source, Target, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP DATABASE IF EXISTS `{Database}`");
        await PostgresServer.ExecuteAsync(Target, $"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await Source.DisposeAsync();
        await Target.DisposeAsync();
    }
}
