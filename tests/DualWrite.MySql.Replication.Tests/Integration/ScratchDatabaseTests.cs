using DualWrite.Testing;

namespace DualWrite.MySql.Replication.Tests.Integration;

/// <summary>
/// Base for integration test classes: each test gets its own scratch database (so classes run in
/// parallel without seeing each other's tables), dropped when the test ends.
/// </summary>
public abstract class ScratchDatabaseTests : IAsyncLifetime
{
    private readonly string _prefix;

    protected ScratchDatabaseTests(string prefix) => _prefix = prefix;

    /// <summary>The scratch database's name (no quoting needed: letters, digits and underscores).</summary>
    protected string Database { get; private set; } = "";

    public async Task InitializeAsync() => Database = await MariaDbServer.CreateScratchDatabaseAsync(_prefix);

    public async Task DisposeAsync()
    {
        if (Database.Length == 0)
        {
            return;
        }

        await using var connection = await MariaDbServer.OpenAsync();
        await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{Database}`", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Opens a pooled connection to the scratch database.</summary>
    protected Task<MySqlConnection> OpenAsync(Action<MySqlConnectionStringBuilder>? configure = null) =>
        MariaDbServer.OpenAsync(b =>
        {
            b.Database = Database;
            configure?.Invoke(b);
        });

    /// <summary>Opens an unpooled connection, optionally without CLIENT_DEPRECATE_EOF (classic EOF packets).</summary>
    protected async Task<MySqlConnection> OpenUnpooledAsync(bool disableDeprecateEof)
    {
        MariaDbServer.EnsureReachable();
        var connection = new MySqlConnection(MariaDbServer.ConnectionString(b =>
        {
            b.Database = Database;
            b.Pooling = false;
        }))
        {
            DisableDeprecateEof = disableDeprecateEof,
        };
        await connection.OpenAsync();
        return connection;
    }

    protected static async Task<int> ExecuteAsync(MySqlConnection connection, string sql, params object?[] positional)
    {
        await using var command = new MySqlCommand(sql, connection);
        foreach (var value in positional)
        {
            command.Parameters.Add(new MySqlParameter { Value = value });
        }

        return await command.ExecuteNonQueryAsync();
    }

    protected static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, params object?[] positional)
    {
        await using var command = new MySqlCommand(sql, connection);
        foreach (var value in positional)
        {
            command.Parameters.Add(new MySqlParameter { Value = value });
        }

        return await command.ExecuteScalarAsync();
    }
}
