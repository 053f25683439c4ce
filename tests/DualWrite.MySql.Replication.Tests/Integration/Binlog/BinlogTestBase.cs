using DualWrite.MySql.Replication;
using DualWrite.MySql.Values;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Integration.Binlog;

/// <summary>A scratch database per test class, and helpers to run SQL and read the binlog from a position.</summary>
public abstract class BinlogTestBase : IAsyncLifetime
{
    protected string Database { get; private set; } = "";

    /// <summary>The server the class runs on: the shared one, or <see cref="MariaDbFaultServer"/> for tests that kill or reconfigure it.</summary>
    protected virtual uint Port => MariaDbServer.Port;

    private FaultServerLock? _faultServer;

    public async Task InitializeAsync()
    {
        if (Port != MariaDbServer.Port)
        {
            // The fault server is shared with other test processes' fault tests: one holder at a time.
            _faultServer = await FaultServerLock.AcquireAsync();
        }

        var full = $"t_{GetType().Name[..Math.Min(8, GetType().Name.Length)].ToLowerInvariant()}_{Guid.NewGuid():N}";
        Database = full[..Math.Min(full.Length, 48)];
        await using var connection = await OpenAsync(database: "");
        await using var command = new MySqlCommand($"CREATE DATABASE `{Database}` CHARACTER SET utf8mb4", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await using var connection = await OpenAsync(database: "");
            await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{Database}`", connection);
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            if (_faultServer is not null)
            {
                await _faultServer.DisposeAsync();
            }
        }
    }

    protected string ReaderConnectionString => ConnectionString(b => b.Database = "");

    /// <summary>A connection string for this class's server.</summary>
    protected string ConnectionString(Action<MySqlConnectionStringBuilder>? configure = null) =>
        MariaDbServer.ConnectionString(b =>
        {
            b.Port = Port;
            configure?.Invoke(b);
        });

    /// <summary>Opens a connection to this class's server, to <paramref name="database"/> (the scratch database when null).</summary>
    protected async Task<MySqlConnection> OpenAsync(Action<MySqlConnectionStringBuilder>? configure = null, string? database = null)
    {
        MariaDbServer.EnsureReachable(Port, Port == MariaDbServer.Port ? "mariadb" : "mariadb-faults");
        var connection = new MySqlConnection(ConnectionString(b =>
        {
            b.Database = database ?? Database;
            configure?.Invoke(b);
        }));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs SQL (several statements allowed) on a new connection to the scratch database, with named parameters.</summary>
    protected async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    protected Task<BinlogPosition> CurrentPositionAsync() => new BinlogReader(ReaderConnectionString).GetCurrentPositionAsync();

    /// <summary>Reads everything from <paramref name="from"/> to the current end of the binlog, keeping this database's changes and DDL.</summary>
    protected async Task<List<BinlogTransaction>> ReadToEndAsync(BinlogPosition from, Action<BinlogReaderOptions>? configure = null, string? connectionString = null)
    {
        var options = new BinlogReaderOptions { StopAtEnd = true, IncludeTable = (schema, _) => schema == Database };
        configure?.Invoke(options);
        var reader = new BinlogReader(connectionString ?? ReaderConnectionString, options);
        var result = new List<BinlogTransaction>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await foreach (var transaction in reader.ReadAsync(from, timeout.Token))
        {
            if (transaction.Changes.Count > 0 || transaction.SchemaChange?.Touches(Database) == true)
            {
                result.Add(transaction);
            }
        }

        return result;
    }

    /// <summary>
    /// The rows of a SELECT as the source readers see them: MySqlConnector with <see cref="MySqlExactSettings"/>, the
    /// session in UTC, every value through <see cref="MySqlColumnReader"/>, for comparing with decoded row images.
    /// </summary>
    protected async Task<List<object?[]>> SelectAsync(string sql) => (await SelectWithKindsAsync(sql)).Rows;

    /// <summary>As <see cref="SelectAsync"/>, with the value kind of every column.</summary>
    protected async Task<(List<object?[]> Rows, IReadOnlyList<MySqlValueKind> Kinds)> SelectWithKindsAsync(string sql)
    {
        await using var connection = await OpenAsync(b => MySqlExactSettings.Apply(b));
        await using var zone = new MySqlCommand("SET time_zone = '+00:00'", connection);
        await zone.ExecuteNonQueryAsync();
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var columns = MySqlColumnReader.For(reader);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            rows.Add(columns.GetValues(reader));
        }

        return (rows, columns.Kinds);
    }
}
