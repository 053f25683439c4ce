using System.Data;

namespace DualWrite.MySql.Stores;

/// <summary>
/// An ambient transaction for the application and the MySQL stores together, in the manner of a TransactionScope:
/// while it is current on the calling flow, the writes of every <see cref="MySqlVersionedStore{TKey, TValue}"/> and
/// <see cref="MySqlRepairLog{TKey}"/> built over the same <see cref="MySqlDataSource"/> run on its connection, inside
/// it, and the application runs its own SQL there through <see cref="Connection"/>. Callbacks registered with
/// <see cref="RegisterAfterCommit"/> run after <see cref="CommitAsync"/> has committed, in order; a rollback or a
/// dispose without commit drops them.
/// </summary>
/// <remarks>
/// <para>Stores over another data source do not join it: they keep using their own transactions.</para>
/// <para>Begin it with <c>await using var tx = await MySqlStoreTransaction.BeginAsync(dataSource, ct);</c>. It is
/// current from that line to the end of the calling method (and in everything that method awaits or starts), until it
/// completes. Starting another one while one is current throws.</para>
/// <para>If the server ends the transaction on its own (a deadlock victim, a lost connection) while a store operation
/// runs in it, the transaction becomes unusable: further store operations and <see cref="CommitAsync"/> throw
/// <see cref="InvalidOperationException"/> with the cause inside, so work cannot continue outside the transaction
/// unnoticed. The application retries the whole unit of work.</para>
/// </remarks>
public sealed partial class MySqlStoreTransaction : IAsyncDisposable
{
    private static readonly AsyncLocal<AmbientSlot?> Ambient = new();

    private readonly AmbientSlot _slot;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Func<CancellationToken, ValueTask>> _afterCommit = [];
    private TransactionState _state;
    private Exception? _failure;
    private bool _ended;

    private MySqlStoreTransaction(MySqlDataSource dataSource, MySqlConnection connection, MySqlTransaction transaction, AmbientSlot slot)
    {
        DataSource = dataSource;
        Connection = connection;
        Transaction = transaction;
        _slot = slot;
    }

    private enum TransactionState
    {
        Active,
        Committed,
        RolledBack,
        Failed,
    }

    /// <summary>The transaction current on this flow, or <see langword="null"/>.</summary>
    public static MySqlStoreTransaction? Current => Ambient.Value?.Transaction;

    /// <summary>The data source whose stores join this transaction.</summary>
    public MySqlDataSource DataSource { get; }

    /// <summary>The connection the transaction runs on, for the application's own SQL.</summary>
    public MySqlConnection Connection { get; }

    /// <summary>The underlying transaction (informational: commands on <see cref="Connection"/> run in it anyway).</summary>
    public MySqlTransaction Transaction { get; }

    /// <summary>Begins a READ COMMITTED transaction on a connection from <paramref name="dataSource"/> and makes it current.</summary>
    /// <remarks>READ COMMITTED because the stores' guarded writes take locking reads: under REPEATABLE READ those also
    /// lock the gaps around absent keys, which makes concurrent inserts of new keys deadlock far more often.</remarks>
    /// <exception cref="InvalidOperationException">A store transaction is already current on this flow.</exception>
    public static ValueTask<MySqlStoreTransaction> BeginAsync(MySqlDataSource dataSource, CancellationToken cancellationToken) =>
        BeginAsync(dataSource, IsolationLevel.ReadCommitted, cancellationToken);

    /// <summary>Begins a transaction at <paramref name="isolationLevel"/> on a connection from <paramref name="dataSource"/> and makes it current.</summary>
    /// <exception cref="InvalidOperationException">A store transaction is already current on this flow.</exception>
    public static ValueTask<MySqlStoreTransaction> BeginAsync(MySqlDataSource dataSource, IsolationLevel isolationLevel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (Current is not null)
        {
            throw new InvalidOperationException(
                "A MySqlStoreTransaction is already current on this flow; store transactions do not nest. Commit or dispose the current one first.");
        }

        // Set here, synchronously in the caller's execution context: a value an async method sets on an AsyncLocal does
        // not flow back to its caller. The slot is filled once the transaction has started and emptied when it ends.
        var slot = new AmbientSlot();
        Ambient.Value = slot;
        return OpenAsync(dataSource, isolationLevel, slot, cancellationToken);
    }

    private static async ValueTask<MySqlStoreTransaction> OpenAsync(
        MySqlDataSource dataSource, IsolationLevel isolationLevel, AmbientSlot slot, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(isolationLevel, cancellationToken).ConfigureAwait(false);
            var storeTransaction = new MySqlStoreTransaction(dataSource, connection, transaction, slot);
            slot.Transaction = storeTransaction;
            return storeTransaction;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether a store over <paramref name="dataSource"/> should run in the current transaction; null when none applies.</summary>
    internal static MySqlStoreTransaction? CurrentFor(MySqlDataSource dataSource) =>
        Current is { } current && ReferenceEquals(current.DataSource, dataSource) ? current : null;

    /// <summary>Takes the connection for one store operation; operations on one transaction run one at a time.</summary>
    internal async ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfNotActive();
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    /// <summary>Hands the connection back after <see cref="EnterAsync"/>.</summary>
    internal void Exit() => _gate.Release();

    /// <summary>Records that the server ended the transaction under a store operation (deadlock, lost connection).</summary>
    internal void MarkFailed(Exception cause)
    {
        _failure = cause;
        _state = TransactionState.Failed;
    }

    private void ThrowIfNotActive()
    {
        switch (_state)
        {
            case TransactionState.Active:
                return;
            case TransactionState.Failed:
                throw new InvalidOperationException(
                    "The store transaction was ended by the server (see the inner exception); its work is rolled back. Retry the whole unit of work.",
                    _failure);
            default:
                throw new InvalidOperationException($"The store transaction has already been {(_state == TransactionState.Committed ? "committed" : "rolled back")}.");
        }
    }

    /// <summary>The per-flow holder of the current transaction; shared by reference with every flow started inside it.</summary>
    private sealed class AmbientSlot
    {
        private volatile MySqlStoreTransaction? _transaction;

        public MySqlStoreTransaction? Transaction
        {
            get => _transaction;
            set => _transaction = value;
        }
    }
}
