using DualWrite.MySql.Replication;
using DualWrite.MySql.Values;
using DualWrite.Testing;
using MySqlConnector;

namespace DualWrite.MySql.Replication.Tests.Integration.Binlog;

/// <summary>A scratch database per test class, and helpers to run SQL and read the binlog from a position.</summary>
public abstract class BinlogTestBase : IAsyncLifetime
{
    protected string Database { get; private set; } = "";

    public async Task InitializeAsync() => Database = await MariaDbServer.CreateScratchDatabaseAsync(GetType().Name[..Math.Min(8, GetType().Name.Length)].ToLowerInvariant());

    public async Task DisposeAsync() => await MariaDbServer.DropDatabaseAsync(Database);

    protected static string ReaderConnectionString => MariaDbServer.ConnectionString(b => b.Database = "");

    /// <summary>Runs SQL (several statements allowed) on a new connection to the scratch database, with named parameters.</summary>
    protected async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await MariaDbServer.OpenAsync(b => b.Database = Database);
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    protected static Task<BinlogPosition> CurrentPositionAsync() => new BinlogReader(ReaderConnectionString).GetCurrentPositionAsync();

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
        await using var connection = await MariaDbServer.OpenAsync(b =>
        {
            b.Database = Database;
            MySqlExactSettings.Apply(b);
        });
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
