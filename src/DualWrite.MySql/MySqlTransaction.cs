using System.Data;
using System.Data.Common;

namespace DualWrite.MySql;

/// <summary>A transaction on a <see cref="MySqlConnection"/>; rolled back on dispose unless committed.</summary>
public sealed class MySqlTransaction : DbTransaction
{
    private MySqlConnection? _connection;

    internal MySqlTransaction(MySqlConnection connection, IsolationLevel isolationLevel)
    {
        _connection = connection;
        IsolationLevel = isolationLevel;
    }

    /// <summary>The connection, or null once the transaction has completed.</summary>
    public new MySqlConnection? Connection => _connection;

    /// <inheritdoc />
    protected override DbConnection? DbConnection => _connection;

    /// <inheritdoc />
    public override IsolationLevel IsolationLevel { get; }

    /// <inheritdoc />
    public override void Commit() => CommitAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override void Rollback() => RollbackAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task CommitAsync(CancellationToken cancellationToken = default) => CompleteAsync("COMMIT", cancellationToken);

    /// <inheritdoc />
    public override Task RollbackAsync(CancellationToken cancellationToken = default) => CompleteAsync("ROLLBACK", cancellationToken);

    private async Task CompleteAsync(string statement, CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("The transaction has already been committed or rolled back.");
        await connection.ExecuteInternalAsync(statement, cancellationToken).ConfigureAwait(false);
        _connection = null;
        connection.CurrentTransaction = null;
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (_connection is { State: ConnectionState.Open } connection && !connection.IsSessionBroken)
        {
            await RollbackAsync().ConfigureAwait(false);
        }

        _connection = null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }
}
