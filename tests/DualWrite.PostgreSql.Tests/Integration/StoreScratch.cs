using System.Globalization;
using DualWrite.PostgreSql.Stores;
using DualWrite.Testing;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>
/// A scratch schema for store tests, with a data source and helpers to make tables and stores; dropped (with
/// everything in it) on dispose. Each test gets its own, so tests run in parallel without sharing a table.
/// </summary>
public sealed class StoreScratch : IAsyncDisposable
{
    private readonly List<NpgsqlDataSource> _others = [];

    private StoreScratch(string schema, NpgsqlDataSource dataSource)
    {
        Schema = schema;
        DataSource = dataSource;
    }

    public string Schema { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates the schema; fails with how to start PostgreSQL when it is not running.</summary>
    public static async Task<StoreScratch> CreateAsync(string prefix)
    {
        var dataSource = PostgreSqlServer.CreateDataSource();
        var full = $"t_{prefix}_{Guid.NewGuid():N}";
        var schema = full[..Math.Min(full.Length, 40)];
        var scratch = new StoreScratch(schema, dataSource);
        await scratch.ExecuteAsync($"CREATE SCHEMA \"{schema}\"");
        return scratch;
    }

    /// <summary>The mapping the conformance suite uses: a bigint key column and a text value column.</summary>
    public PostgreSqlTableMapping<long, string> Mapping(string table) => new(
        table,
        new PostgreSqlColumnMap<long>(["id"], key => [key], (reader, ordinal) => reader.GetInt64(ordinal)),
        new PostgreSqlColumnMap<string>(["payload"], value => [value], (reader, ordinal) => reader.GetString(ordinal)),
        Comparer<long>.Default,
        Schema);

    /// <summary>
    /// A mapping of the same long keys to a composite key: (<c>hi</c> = key / 100, <c>lo</c> = key % 100). For
    /// non-negative keys the pairs sort as the keys do, so the conformance suite runs unchanged over two key columns.
    /// </summary>
    public PostgreSqlTableMapping<long, string> CompositeMapping(string table) => new(
        table,
        new PostgreSqlColumnMap<long>(
            ["hi", "lo"],
            key => [key / 100, (int)(key % 100)],
            (reader, ordinal) => (reader.GetInt64(ordinal) * 100) + reader.GetInt32(ordinal + 1)),
        new PostgreSqlColumnMap<string>(["payload"], value => [value], (reader, ordinal) => reader.GetString(ordinal)),
        Comparer<long>.Default,
        Schema);

    /// <summary>Creates <paramref name="table"/> (id bigint, payload text) and a store over it with its schema in place.</summary>
    public async Task<PostgreSqlVersionedStore<long, string>> CreateStoreAsync(string table, int? bulkBatchSize = null)
    {
        var store = new PostgreSqlVersionedStore<long, string>(DataSource, Mapping(table)) { BulkBatchSize = bulkBatchSize ?? 1000 };
        await store.CreateTableAsync(new Dictionary<string, string> { ["id"] = "bigint", ["payload"] = "text" }, CancellationToken.None);
        await store.EnsureSchemaAsync(CancellationToken.None);
        return store;
    }

    /// <summary>Creates <paramref name="table"/> (hi bigint, lo integer, payload text) and a store over it.</summary>
    public async Task<PostgreSqlVersionedStore<long, string>> CreateCompositeStoreAsync(string table)
    {
        var store = new PostgreSqlVersionedStore<long, string>(DataSource, CompositeMapping(table));
        await store.CreateTableAsync(new Dictionary<string, string> { ["hi"] = "bigint", ["lo"] = "integer", ["payload"] = "text" }, CancellationToken.None);
        await store.EnsureSchemaAsync(CancellationToken.None);
        return store;
    }

    /// <summary>
    /// Another store over <paramref name="store"/>'s table, with a data source (so a pool of connections) of its own,
    /// as another process of the application would have; disposed with the scratch schema.
    /// </summary>
    public PostgreSqlVersionedStore<long, string> OpenAgain(PostgreSqlVersionedStore<long, string> store)
    {
        var dataSource = PostgreSqlServer.CreateDataSource();
        _others.Add(dataSource);
        return new PostgreSqlVersionedStore<long, string>(dataSource, store.Mapping) { BulkBatchSize = store.BulkBatchSize };
    }

    /// <summary>A repair log in the scratch schema over the scratch data source, keys in invariant decimal.</summary>
    public PostgreSqlRepairLog<long> RepairLog(TimeProvider? time = null, string table = PostgreSqlRepairLog<long>.DefaultTable, Func<long, string>? formatKey = null) =>
        new(DataSource, formatKey ?? (key => key.ToString(CultureInfo.InvariantCulture)), text => long.Parse(text, CultureInfo.InvariantCulture), time, table, Schema);

    /// <summary>Creates <paramref name="table"/> (id bigint, payload text), the repair log, and an outbox store over both, with their schemas in place.</summary>
    public async Task<PostgreSqlOutboxStore<long, string>> CreateOutboxStoreAsync(string table)
    {
        var log = RepairLog();
        await log.EnsureSchemaAsync(CancellationToken.None);
        return new PostgreSqlOutboxStore<long, string>(await CreateStoreAsync(table), log);
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        await DataSource.DisposeAsync();
        await using var dataSource = PostgreSqlServer.CreateDataSource();
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
