using System.Runtime.ExceptionServices;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>
/// The connection one store operation runs on: the current <see cref="MySqlStoreTransaction"/>'s when it belongs to
/// the same data source (taken exclusively for the operation), otherwise a pooled connection of the operation's own.
/// </summary>
internal sealed class StoreConnection : IAsyncDisposable
{
    private StoreConnection(MySqlConnection connection, MySqlStoreTransaction? ambient)
    {
        Connection = connection;
        Ambient = ambient;
    }

    public MySqlConnection Connection { get; }

    /// <summary>The caller's transaction the operation runs in, or null when the operation manages its own.</summary>
    public MySqlStoreTransaction? Ambient { get; }

    public static async ValueTask<StoreConnection> OpenAsync(MySqlDataSource dataSource, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (MySqlStoreTransaction.CurrentFor(dataSource) is { } ambient)
        {
            await ambient.EnterAsync(cancellationToken).ConfigureAwait(false);
            return new StoreConnection(ambient.Connection, ambient);
        }

        return new StoreConnection(await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>Marks the caller's transaction unusable when <paramref name="error"/> means the server ended it.</summary>
    public void ObserveFailure(Exception error)
    {
        if (Ambient is not null && MySqlErrors.EndsTransaction(error))
        {
            Ambient.MarkFailed(error);
        }
    }

    /// <summary>
    /// Handles a failed operation: marks the caller's transaction if the server ended it, and returns the
    /// <see cref="MySqlStoreException"/> that names <paramref name="table"/> for a missing table or column; any other
    /// error is rethrown from here with its original stack trace.
    /// </summary>
    public Exception Fail(Exception error, string table, string setup)
    {
        ObserveFailure(error);
        if (StoreErrors.Translate(error, table, setup) is { } translated)
        {
            return translated;
        }

        ExceptionDispatchInfo.Throw(error);
        return error;
    }

    public ValueTask DisposeAsync()
    {
        if (Ambient is not null)
        {
            Ambient.Exit();
            return ValueTask.CompletedTask;
        }

        return Connection.DisposeAsync();
    }
}
