using System.Data.Common;
using System.Data;
using System.Runtime.CompilerServices;
using DualWrite.Core.Stores;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>
/// An ambient transaction for the application and the MySQL stores together, in the manner of a TransactionScope:
/// while it is current on the calling flow, the writes of every <see cref="MySqlVersionedStore{TKey, TValue}"/> and
/// <see cref="MySqlRepairLog{TKey}"/> over the same database run on its connection, inside it, and the application
/// runs its own SQL there through <see cref="Connection"/> and <see cref="Transaction"/>. Callbacks registered with
/// <see cref="RegisterAfterCommit"/> run after <see cref="CommitAsync"/> has committed, in order; a rollback or a
/// dispose without commit drops them.
/// </summary>
/// <remarks>
/// <para>Two ways in. <see cref="BeginAsync(MySqlDataSource, CancellationToken)"/> opens a connection from the data
/// source and begins the transaction; stores over that same data source join it. <see cref="Join(MySqlConnection,
/// MySqlTransaction)"/> takes the application's own open connection and transaction (what Dapper code holds, or EF
/// Core's <c>Database.CurrentTransaction.GetDbTransaction()</c> through <see cref="Join(DbTransaction)"/>); stores
/// whose data source names the same server, port, account and database join it, and the application keeps owning the
/// connection and the transaction.</para>
/// <para>Stores over another database do not join: they keep using their own transactions. Nor do writes the
/// decorator runs under <see cref="AmbientTransactions.Suppress"/> (a secondary write, a repair-log entry for it): they
/// must stand whatever the caller's transaction does next.</para>
/// <para>Begin it with <c>await using var tx = await MySqlStoreTransaction.BeginAsync(dataSource, ct);</c>. It is
/// current from that line to the end of the calling method (and in everything that method awaits or starts), until it
/// completes. Starting another one while one is current throws.</para>
/// <para>A joined transaction that the application commits itself, not through <see cref="CommitAsync"/>, loses
/// nothing: the after-commit callbacks do not run, but the outbox intents committed with it stay pending in the
/// repair log and the repair worker completes them.</para>
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

    private static readonly ConditionalWeakTable<MySqlDataSource, string> DataSourceTargets = [];

    private readonly string? _target;

    private MySqlStoreTransaction(MySqlDataSource? dataSource, MySqlConnection connection, MySqlTransaction transaction, AmbientSlot slot, string? target)
    {
        DataSource = dataSource;
        Connection = connection;
        Transaction = transaction;
        _slot = slot;
        _target = target;
    }

    private enum TransactionState
    {
        Active,
        Committed,
        RolledBack,
        Failed,
    }

    /// <summary>
    /// The transaction current on this flow, or <see langword="null"/>. A joined application transaction stops being
    /// current as soon as the application commits or rolls it back itself, even before this object is disposed.
    /// </summary>
    public static MySqlStoreTransaction? Current => Ambient.Value?.Transaction is { EndedByApplication: false } current ? current : null;

    /// <summary>The data source whose stores join this transaction; null for a joined application transaction.</summary>
    public MySqlDataSource? DataSource { get; }

    /// <summary>The connection the transaction runs on, for the application's own SQL.</summary>
    public MySqlConnection Connection { get; }

    /// <summary>The underlying transaction; MySqlConnector wants it on every command of <see cref="Connection"/> (Dapper's <c>transaction:</c> argument).</summary>
    public MySqlTransaction Transaction { get; }

    /// <summary>Whether the application owns the connection and the transaction (<see cref="Join(MySqlConnection, MySqlTransaction)"/>).</summary>
    public bool IsJoined => DataSource is null;

    /// <summary>Whether the application completed its joined transaction directly: MySqlConnector then detaches it from its connection.</summary>
    private bool EndedByApplication => IsJoined && Transaction.Connection is null;

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

    /// <summary>
    /// Makes the application's open transaction current: the stores over the same database write inside it, their
    /// outbox intents included, until it completes or this object is disposed. The application keeps owning the
    /// connection and the transaction; disposing this object leaves both as they are.
    /// </summary>
    /// <exception cref="ArgumentException">The connection is not open, or the transaction is not on it or already completed.</exception>
    /// <exception cref="InvalidOperationException">A store transaction is already current on this flow.</exception>
    public static MySqlStoreTransaction Join(MySqlConnection connection, MySqlTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(transaction);
        if (connection.State != ConnectionState.Open)
        {
            throw new ArgumentException($"The connection is {connection.State}; join an open connection and its transaction.", nameof(connection));
        }

        if (!ReferenceEquals(transaction.Connection, connection))
        {
            throw new ArgumentException("The transaction is not open on this connection (it belongs to another one, or has already committed or rolled back).", nameof(transaction));
        }

        if (Current is not null)
        {
            throw new InvalidOperationException(
                "A MySqlStoreTransaction is already current on this flow; store transactions do not nest. Commit or dispose the current one first.");
        }

        var slot = new AmbientSlot();
        var joined = new MySqlStoreTransaction(null, connection, transaction, slot, TargetOf(connection.ConnectionString, connection.Database));
        slot.Transaction = joined;
        Ambient.Value = slot;
        return joined;
    }

    /// <summary>
    /// <see cref="Join(MySqlConnection, MySqlTransaction)"/> for an ADO.NET transaction, such as EF Core's
    /// <c>context.Database.CurrentTransaction.GetDbTransaction()</c>; it must be MySqlConnector's (Pomelo's provider uses it).
    /// </summary>
    /// <exception cref="ArgumentException">The transaction is not a MySqlConnector transaction, or is already completed.</exception>
    public static MySqlStoreTransaction Join(DbTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction is not MySqlTransaction mysql)
        {
            throw new ArgumentException(
                $"The transaction is a {transaction.GetType().FullName}; the MySQL stores join MySqlConnector transactions (MySqlConnector.MySqlTransaction) only.", nameof(transaction));
        }

        return Join(mysql.Connection ?? throw new ArgumentException("The transaction has already committed or rolled back.", nameof(transaction)), mysql);
    }

    private static async ValueTask<MySqlStoreTransaction> OpenAsync(
        MySqlDataSource dataSource, IsolationLevel isolationLevel, AmbientSlot slot, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(isolationLevel, cancellationToken).ConfigureAwait(false);
            var storeTransaction = new MySqlStoreTransaction(dataSource, connection, transaction, slot, target: null);
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
    internal static MySqlStoreTransaction? CurrentFor(MySqlDataSource dataSource)
    {
        if (Current is not { } current || AmbientTransactions.IsSuppressed)
        {
            return null;
        }

        if (current.DataSource is not null)
        {
            return ReferenceEquals(current.DataSource, dataSource) ? current : null;
        }

        var target = DataSourceTargets.GetValue(dataSource, static d => TargetOf(d.ConnectionString, database: null));
        return string.Equals(target, current._target, StringComparison.Ordinal) ? current : null;
    }

    /// <summary>The current transaction's <see cref="Transaction"/> when <paramref name="connection"/> is its connection, else null.</summary>
    internal static MySqlTransaction? TransactionOn(MySqlConnection connection) =>
        Current is { } current && ReferenceEquals(current.Connection, connection) ? current.Transaction : null;

    /// <summary>What a store's unqualified names resolve against: server, port, account and database (never the password).</summary>
    private static string TargetOf(string connectionString, string? database)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        return string.Join('\u001F', builder.Server.ToUpperInvariant(), builder.Port, builder.UserID, database ?? builder.Database);
    }

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
