using System.Data.Common;
using DualWrite.MySql.Core;

namespace DualWrite.MySql;

/// <summary>
/// The entry point for applications: one per database, holding its own connection pool.
/// Register it as a singleton and open connections from it.
/// </summary>
public sealed class MySqlDataSource : DbDataSource
{
    private readonly string _connectionString;

    /// <summary>Creates a data source from a connection string (see <see cref="MySqlConnectionStringBuilder"/> for keys).</summary>
    public MySqlDataSource(string connectionString)
    {
        _connectionString = connectionString;
        Settings = ConnectionSettings.Parse(connectionString);
        Pool = new ConnectionPool(Settings);
    }

    internal ConnectionSettings Settings { get; }

    internal ConnectionPool Pool { get; }

    /// <inheritdoc />
    public override string ConnectionString => _connectionString;

    /// <summary>Creates a closed connection that uses this data source's pool.</summary>
    public new MySqlConnection CreateConnection() => new(this);

    /// <summary>Opens a connection from this data source's pool.</summary>
    public new async ValueTask<MySqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    protected override DbConnection CreateDbConnection() => CreateConnection();

    /// <summary>The number of idle connections in the pool.</summary>
    public int IdleConnections => Pool.IdleCount;

    /// <summary>Drops every idle connection of this data source.</summary>
    public Task ClearPoolAsync() => Pool.ClearAsync();

    /// <inheritdoc />
    public override string ToString() => $"MySqlDataSource({Settings})";

    /// <inheritdoc />
    protected override async ValueTask DisposeAsyncCore() => await Pool.DisposeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Pool.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }
}
