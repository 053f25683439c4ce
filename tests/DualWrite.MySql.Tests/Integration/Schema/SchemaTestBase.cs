using DualWrite.Testing;

namespace DualWrite.MySql.Tests.Integration.Schema;

/// <summary>A scratch database per test, dropped afterwards, and helpers to run SQL in it.</summary>
public abstract class SchemaTestBase : IAsyncLifetime
{
    private readonly string _prefix;

    protected SchemaTestBase(string prefix) => _prefix = prefix;

    protected string Database { get; private set; } = "";

    public async Task InitializeAsync()
    {
        MariaDbServer.EnsureReachable();
        Database = await MariaDbServer.CreateScratchDatabaseAsync(_prefix);
    }

    public Task DisposeAsync() => MariaDbServer.DropDatabaseAsync(Database);

    /// <summary>Runs SQL (several statements allowed) in the scratch database.</summary>
    protected async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A connection to the scratch database, with <paramref name="configure"/>'s settings.</summary>
    protected async Task<MySqlConnection> OpenAsync(Action<MySqlConnectionStringBuilder>? configure = null)
    {
        var connection = new MySqlConnection(MariaDbServer.ConnectionString(b =>
        {
            b.Database = Database;
            configure?.Invoke(b);
        }));
        await connection.OpenAsync();
        return connection;
    }
}
