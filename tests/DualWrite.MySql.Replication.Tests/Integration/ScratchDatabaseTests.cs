using DualWrite.MySql.Values;
using DualWrite.Testing;
using MySqlConnector;

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
        if (Database.Length > 0)
        {
            await MariaDbServer.DropDatabaseAsync(Database);
        }
    }

    /// <summary>
    /// Opens a pooled MySqlConnector connection to the scratch database with the exact-value settings
    /// (<see cref="MySqlExactSettings"/>), as the source readers connect, and what <paramref name="configure"/> changes.
    /// </summary>
    protected Task<MySqlConnection> OpenAsync(Action<MySqlConnectionStringBuilder>? configure = null) =>
        MariaDbServer.OpenAsync(b =>
        {
            b.Database = Database;
            MySqlExactSettings.Apply(b);
            configure?.Invoke(b);
        });

    /// <summary>Runs a statement with positional (<c>?</c>) parameters.</summary>
    protected static async Task<int> ExecuteAsync(MySqlConnection connection, string sql, params object?[] positional)
    {
        await using var command = Command(connection, sql, positional);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first value of a query with positional (<c>?</c>) parameters, as MySqlConnector returns it.</summary>
    protected static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, params object?[] positional)
    {
        await using var command = Command(connection, sql, positional);
        return await command.ExecuteScalarAsync();
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
