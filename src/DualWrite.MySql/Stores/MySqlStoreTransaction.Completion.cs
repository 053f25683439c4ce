using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <content>Commit, rollback, dispose and the after-commit callbacks.</content>
public sealed partial class MySqlStoreTransaction
{
    /// <summary>
    /// Registers <paramref name="callback"/> to run after the transaction commits, after the callbacks registered
    /// before it. It never runs if the transaction rolls back.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transaction has already completed.</exception>
    public void RegisterAfterCommit(Func<CancellationToken, ValueTask> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_afterCommit)
        {
            ThrowIfNotActive();
            _afterCommit.Add(callback);
        }
    }

    /// <summary>
    /// Commits, stops being current, returns the connection to the pool (one it opened; a joined application
    /// connection stays open), then awaits the after-commit callbacks in the order they were registered, with
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    /// <remarks>
    /// Every callback runs even when an earlier one throws, because each usually finishes a different piece of work
    /// (a secondary write whose intent is already durable). Their failures are then thrown together as one
    /// <see cref="MySqlAfterCommitException"/>, which says the commit itself succeeded, so that a caller cannot mistake a
    /// failed callback for a failed commit and redo committed work.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The transaction has already completed, or the server ended it.</exception>
    /// <exception cref="MySqlException">The commit failed; no callback runs, and the transaction is over (no longer current).</exception>
    /// <exception cref="MySqlAfterCommitException">The commit succeeded and at least one callback threw.</exception>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        Exception? failure = null;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfNotActive();
            await Transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _state = TransactionState.Committed;
        }
        catch (Exception ex) when (_state == TransactionState.Active)
        {
            // Rolled back, or unknown if the connection broke during COMMIT: either way the transaction is over.
            MarkFailed(ex);
            failure = ex;
        }
        finally
        {
            _gate.Release();
        }

        await EndAsync().ConfigureAwait(false);
        if (failure is not null)
        {
            TakeCallbacks();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        await RunAfterCommitAsync(TakeCallbacks(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rolls back, drops the after-commit callbacks, stops being current and returns the connection to the pool.</summary>
    /// <exception cref="InvalidOperationException">The transaction has already committed or rolled back.</exception>
    public async Task RollbackAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state is TransactionState.Committed or TransactionState.RolledBack)
            {
                ThrowIfNotActive();
            }

            // A transaction the server ended (Failed) may still be rolled back: that is what its owner should do next.
            await RollbackCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        await EndAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Rolls back unless the transaction committed, and returns the connection; never throws for a broken connection.
    /// A joined application transaction is left as it is, for the application to commit or roll back.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_state is TransactionState.Active or TransactionState.Failed && !IsJoined)
            {
                try
                {
                    await RollbackCoreAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is MySqlException or InvalidOperationException)
                {
                    // The connection is gone or was closed by the application; either way the server rolls the
                    // transaction back when its session ends, so there is nothing left to undo from here.
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        await EndAsync().ConfigureAwait(false);
    }

    private async Task RollbackCoreAsync(CancellationToken cancellationToken)
    {
        TakeCallbacks();
        var endedByServer = _state == TransactionState.Failed;
        _state = TransactionState.RolledBack;
        if (_ended)
        {
            return;
        }

        try
        {
            await Transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException) when (endedByServer)
        {
            // The server already rolled it back (deadlock victim) or the connection is gone; nothing is left to undo.
        }
    }

    private List<Func<CancellationToken, ValueTask>> TakeCallbacks()
    {
        lock (_afterCommit)
        {
            var callbacks = _afterCommit.ToList();
            _afterCommit.Clear();
            return callbacks;
        }
    }

    private async ValueTask EndAsync()
    {
        // Emptying the shared slot ends the transaction for every flow that inherited it, before any callback runs,
        // so that stores the callbacks use work in their own transactions.
        if (ReferenceEquals(_slot.Transaction, this))
        {
            _slot.Transaction = null;
        }

        _ended = true;
        if (!IsJoined)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Awaits each callback in order; collects failures and throws them together after the last one.</summary>
    internal static async ValueTask RunAfterCommitAsync(IReadOnlyList<Func<CancellationToken, ValueTask>> callbacks, CancellationToken cancellationToken)
    {
        List<Exception>? failures = null;
        foreach (var callback in callbacks)
        {
            try
            {
                await callback(cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Every callback's failure is kept and rethrown together; none may stop the next callback.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (failures ??= []).Add(ex);
            }
        }

        if (failures is not null)
        {
            throw new MySqlAfterCommitException(failures);
        }
    }
}
