using DualWrite.MySql.Stores;
using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>
/// A scratch database for store tests, with a data source over it and helpers to make tables and stores; dropped on
/// dispose. Each test gets its own, so store tests run in parallel without sharing a table.
/// </summary>
public sealed class StoreScratch : IAsyncDisposable
{
    private readonly bool _onFaultServer;
    private readonly string _connectionString;
    private readonly List<MySqlDataSource> _others = [];

    private StoreScratch(string database, string connectionString, bool onFaultServer)
    {
        Database = database;
        _connectionString = connectionString;
        DataSource = new MySqlDataSource(connectionString);
        _onFaultServer = onFaultServer;
    }

    public string Database { get; }

    public MySqlDataSource DataSource { get; }

    /// <summary>
    /// Creates the database and a data source over it, with <paramref name="configure"/>'s settings (pool size, say)
    /// on top of the defaults; fails with how to start MariaDB when it is not running. With
    /// <paramref name="onFaultServer"/>, on <see cref="MariaDbFaultServer"/>, for tests that kill the server.
    /// </summary>
    public static async Task<StoreScratch> CreateAsync(string prefix, Action<MySqlConnectionStringBuilder>? configure = null, bool onFaultServer = false)
    {
        var database = onFaultServer ? await MariaDbFaultServer.CreateScratchDatabaseAsync(prefix) : await MariaDbServer.CreateScratchDatabaseAsync(prefix);
        return new StoreScratch(database, MariaDbServer.ConnectionString(b =>
        {
            b.Database = database;
            b.Port = onFaultServer ? MariaDbFaultServer.Port : MariaDbServer.Port;
            configure?.Invoke(b);
        }), onFaultServer);
    }

    /// <summary>The mapping the conformance suite uses: a BIGINT key column and a text value column.</summary>
    public static MySqlTableMapping<long, string> Mapping(string table, string? database = null) => new(
        table,
        new MySqlColumnMap<long>(["id"], key => [key], (reader, ordinal) => reader.GetInt64(ordinal)),
        new MySqlColumnMap<string>(["payload"], value => [value], (reader, ordinal) => reader.GetString(ordinal)),
        Comparer<long>.Default,
        database);

    public MySqlRepairLog<long> RepairLog(string table = MySqlRepairLog<long>.DefaultTable, TimeProvider? time = null) => LogOver(DataSource, table, time);

    private static MySqlRepairLog<long> LogOver(MySqlDataSource dataSource, string table, TimeProvider? time) =>
        new(dataSource, key => key.ToString(System.Globalization.CultureInfo.InvariantCulture), text => long.Parse(text, System.Globalization.CultureInfo.InvariantCulture), time, table);

    /// <summary>Creates <paramref name="table"/> (id, payload), the repair log, and a store over them with its schema in place.</summary>
    public async Task<MySqlVersionedStore<long, string>> CreateStoreAsync(string table)
    {
        await ExecuteAsync($"CREATE TABLE `{table}` (id BIGINT NOT NULL PRIMARY KEY, payload TEXT NULL) ENGINE=InnoDB");
        var log = RepairLog();
        await log.EnsureSchemaAsync(CancellationToken.None);
        var store = new MySqlVersionedStore<long, string>(DataSource, Mapping(table), log);
        await store.EnsureSchemaAsync(CancellationToken.None);
        return store;
    }

    /// <summary>
    /// Another store over <paramref name="store"/>'s table, with a data source (so a pool of connections) and a repair
    /// log of its own, as another process of the application would have; disposed with the scratch database.
    /// </summary>
    public MySqlVersionedStore<long, string> OpenAgain(MySqlVersionedStore<long, string> store)
    {
        var dataSource = new MySqlDataSource(_connectionString);
        _others.Add(dataSource);
        return new MySqlVersionedStore<long, string>(dataSource, store.Mapping, LogOver(dataSource, MySqlRepairLog<long>.DefaultTable, null));
    }

    /// <summary>Opens a connection that is not the stores' (a plain writer, or a check from outside a transaction).</summary>
    public async Task<MySqlConnection> OpenAsync()
    {
        MariaDbServer.EnsureReachable();
        return await DataSource.OpenConnectionAsync();
    }

    public async Task<int> ExecuteAsync(string sql, params object?[] positional)
    {
        await using var connection = await OpenAsync();
        return await ExecuteAsync(connection, sql, positional);
    }

    public static async Task<int> ExecuteAsync(MySqlConnection connection, string sql, params object?[] positional)
    {
        await using var command = Command(connection, sql, positional);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Runs the application's own statement inside <paramref name="transaction"/>, on its connection; MySqlConnector
    /// wants the open transaction on every command of that connection.
    /// </summary>
    public static async Task<int> ExecuteAsync(MySqlStoreTransaction transaction, string sql, params object?[] positional)
    {
        await using var command = Command(transaction.Connection, sql, positional);
        command.Transaction = transaction.Transaction;
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<object?> ScalarAsync(string sql, params object?[] positional)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, positional);
        return await command.ExecuteScalarAsync();
    }

    public async Task<long> CountAsync(string sql, params object?[] positional) =>
        Convert.ToInt64(await ScalarAsync(sql, positional), System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        await DataSource.DisposeAsync();
        await using var connection = _onFaultServer ? await MariaDbFaultServer.OpenAsync() : await MariaDbServer.OpenAsync();
        await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS `{Database}`");
    }

    private static MySqlCommand Command(MySqlConnection connection, string sql, object?[] positional)
    {
        var command = new MySqlCommand(sql, connection);
        foreach (var value in positional)
        {
            command.Parameters.Add(new MySqlParameter { Value = value });
        }

        return command;
    }
}
