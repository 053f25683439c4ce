using System.Runtime.ExceptionServices;
using DualWrite.Core.Stores;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <content>
/// The version guard. A write locks the key's row and tombstone (SELECT … FOR UPDATE, both in one round trip),
/// decides with <see cref="VersionGuard"/> against the newer of the two, then writes and commits in a second round
/// trip. A key with neither row nor tombstone has nothing to lock, so two writers may both find it absent: each then
/// inserts its own row and reads the other table under lock before committing. Whichever inserts second finds the
/// other's row (waiting for it to commit, or deadlocking with it so the server picks one), undoes its attempt back to
/// a savepoint and decides again with that row locked. Such a write takes a third round trip. See docs/mysql-store.md.
/// </content>
public sealed partial class MySqlVersionedStore<TKey, TValue>
{
    // Deadlocks are how InnoDB settles two writers of an absent key; a fresh transaction resolves them. Bounded so a
    // pathological workload fails with the server's error instead of spinning.
    private const int MaxDeadlockRetries = 20;

    // Each redo follows a row that appeared since the last look, and the adapter never makes a key absent again, so
    // a few are enough; the bound only guards against a broken invariant (triggers missing, rows deleted by hand).
    private const int MaxRedos = 16;

    private async ValueTask<WriteResult[]> ApplyAsync(
        IReadOnlyList<VersionedRecord<TKey, TValue>> records,
        RepairRow? intent,
        Func<CancellationToken, ValueTask>? afterCommit,
        CancellationToken cancellationToken)
    {
        var groups = KeyGroups<TKey, TValue>.Create(records, _mapping);
        for (var attempt = 1; ; attempt++)
        {
            GuardOutcome outcome = default;
            bool ownTransaction;
            var deadlocked = false;
            var lease = await StoreConnection.OpenAsync(_dataSource, cancellationToken).ConfigureAwait(false);
            await using (lease.ConfigureAwait(false))
            {
                ownTransaction = lease.Ambient is null;
                try
                {
                    outcome = await ApplyOnceAsync(lease, groups, intent, cancellationToken).ConfigureAwait(false);
                    if (afterCommit is not null && outcome.IntentLogged && lease.Ambient is { } ambient)
                    {
                        ambient.RegisterAfterCommit(afterCommit);
                    }
                }
                catch (MySqlException ex) when (ownTransaction && ex.Number == MySqlErrors.Deadlock && attempt < MaxDeadlockRetries)
                {
                    // The server rolled back this attempt as a whole; start again with a new transaction.
                    StoreMetrics.GuardRetried(DisplayName, "deadlock");
                    deadlocked = true;
                }
                catch (Exception ex)
                {
                    throw lease.Fail(ex, DisplayName, SetupHint);
                }
            }

            if (deadlocked)
            {
                // Immediate retries of writers that deadlocked tend to meet again; a short random pause, growing with
                // each attempt, lets one of them through first.
                await Task.Delay(Random.Shared.Next(1, 2 + (attempt * 3)), cancellationToken).ConfigureAwait(false);
                continue;
            }

            // With the connection back in the pool, so a slow callback holds no connection or lock.
            if (ownTransaction && afterCommit is not null && outcome.IntentLogged)
            {
                await MySqlStoreTransaction.RunAfterCommitAsync([afterCommit], cancellationToken).ConfigureAwait(false);
            }

            return outcome.Results;
        }
    }

    /// <summary>One attempt: lock, decide, write, check, commit (when the transaction is the store's own).</summary>
    private async Task<GuardOutcome> ApplyOnceAsync(StoreConnection lease, KeyGroups<TKey, TValue> groups, RepairRow? intent, CancellationToken cancellationToken)
    {
        var connection = lease.Connection;
        var ownTransaction = lease.Ambient is null;
        var results = new WriteResult[groups.RecordCount];
        var savepointSet = false;
        var intentAlreadyLogged = false;
        try
        {
            var read = new SqlBatch();
            if (ownTransaction)
            {
                // READ COMMITTED: locking reads of absent keys then lock nothing, instead of the gap around the key,
                // which would make concurrent inserts of neighbouring new keys deadlock.
                read.Statement("SET TRANSACTION ISOLATION LEVEL READ COMMITTED").Statement("START TRANSACTION");
            }

            _sql.LockVersions(read, groups.KeyValues);
            await ReadVersionsAsync(read, connection, groups, null, cancellationToken).ConfigureAwait(false);
            for (var redo = 0; ; redo++)
            {
                if (redo > MaxRedos)
                {
                    throw new MySqlStoreException(
                        MySqlStoreErrorKind.RetriesExhausted,
                        DisplayName,
                        $"Concurrent writers of table '{DisplayName}' changed the keys being written {MaxRedos} times in a row; nothing was written. Are the triggers installed (EnsureSchemaAsync)?");
                }

                groups.Decide(results);

                // An older version lost to a newer write, which carries its own intent (IOutboxStore's contract).
                var writeIntent = intent is not null && !intentAlreadyLogged && results[0] != WriteResult.IgnoredOlderVersion;
                var write = BuildWrite(groups, writeIntent ? intent : null, out var hasChecks);
                if (write is null)
                {
                    if (ownTransaction)
                    {
                        await new SqlBatch().Statement("COMMIT").ExecuteNonQueryAsync(connection, cancellationToken).ConfigureAwait(false);
                    }

                    return new GuardOutcome(results, intentAlreadyLogged);
                }

                if (ownTransaction && !hasChecks)
                {
                    write.Statement("COMMIT");
                }

                savepointSet = true;
                bool conflict;
                try
                {
                    conflict = await ExecuteWriteAsync(write, connection, cancellationToken).ConfigureAwait(false);
                }
                catch (MySqlException duplicate) when (duplicate.Number == MySqlErrors.DuplicateEntry)
                {
                    intentAlreadyLogged |= await ResolveDuplicateAsync(connection, groups, writeIntent ? intent : null, duplicate, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!conflict)
                {
                    if (ownTransaction && hasChecks)
                    {
                        await new SqlBatch().Statement("COMMIT").ExecuteNonQueryAsync(connection, cancellationToken).ConfigureAwait(false);
                    }

                    return new GuardOutcome(results, writeIntent || intentAlreadyLogged);
                }

                // A concurrent writer created the key in the other table: undo, and decide again with its row locked.
                StoreMetrics.GuardRetried(DisplayName, "conflict");
                var retry = new SqlBatch().Statement("ROLLBACK TO SAVEPOINT " + Savepoint);
                _sql.LockVersions(retry, groups.KeyValues);
                await ReadVersionsAsync(retry, connection, groups, null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Not the caller's token: a cancelled write must still be undone before the connection is reused.
            await AbandonAsync(connection, ownTransaction, savepointSet, ex, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// After a duplicate key in the write batch: undoes the attempt and reads again, to learn whose key it was.
    /// Someone may have inserted a key this attempt inserts (decide again: the key is locked now), or the intent's id
    /// may be taken (by the same intent: it counts as logged; by another entry: a conflict).
    /// </summary>
    /// <returns>Whether the intent is already in the log.</returns>
    /// <exception cref="MySqlStoreException">The intent's id belongs to a different entry.</exception>
    /// <exception cref="MySqlException">The duplicate is in another unique index of the table, not the key: the caller's to fix.</exception>
    private async Task<bool> ResolveDuplicateAsync(
        MySqlConnection connection, KeyGroups<TKey, TValue> groups, RepairRow? intent, MySqlException duplicate, CancellationToken cancellationToken)
    {
        var before = groups.Versions();
        var again = new SqlBatch().Statement("ROLLBACK TO SAVEPOINT " + Savepoint).Statement(WriterFlag.Clear);
        if (intent is not null)
        {
            _repairLog.AppendContentRead(again, intent);
        }

        _sql.LockVersions(again, groups.KeyValues);
        switch (await ReadVersionsAsync(again, connection, groups, intent, cancellationToken).ConfigureAwait(false))
        {
            case false:
                throw _repairLog.Conflict(intent!, duplicate);
            case true:
                return true;
        }

        if (groups.Versions().SequenceEqual(before))
        {
            // Nothing of the keys changed, so the duplicate is not theirs.
            ExceptionDispatchInfo.Throw(duplicate);
        }

        StoreMetrics.GuardRetried(DisplayName, "duplicate");
        return false;
    }

    /// <summary>
    /// Runs a batch whose result sets are: the intent's content (when <paramref name="intent"/> is given), the locked
    /// live versions, the locked tombstone versions; records the versions on the groups.
    /// </summary>
    /// <returns>For the intent: null when its id is not in the log, else whether the logged entry has the same content.</returns>
    private async Task<bool?> ReadVersionsAsync(SqlBatch batch, MySqlConnection connection, KeyGroups<TKey, TValue> groups, RepairRow? intent, CancellationToken cancellationToken)
    {
        groups.ForgetVersions();
        var command = batch.ToCommand(connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                bool? intentMatch = null;
                if (intent is not null)
                {
                    intentMatch = await MySqlRepairLog<TKey>.ReadContentMatchAsync(reader, intent, cancellationToken).ConfigureAwait(false);
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }

                var versionOrdinal = _sql.Keys.Length;
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    groups.Find(_mapping.Key.Read(reader, 0), _mapping).Live = reader.GetInt64(versionOrdinal);
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    groups.Find(_mapping.Key.Read(reader, 0), _mapping).Tombstone = reader.GetInt64(versionOrdinal);
                }

                return intentMatch;
            }
        }
    }

    /// <summary>Runs the write batch; true when a conflict check found a concurrent writer's row.</summary>
    private static async Task<bool> ExecuteWriteAsync(SqlBatch write, MySqlConnection connection, CancellationToken cancellationToken)
    {
        var command = write.ToCommand(connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var conflict = false;
                if (reader.FieldCount > 0)
                {
                    do
                    {
                        conflict |= await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    }
                    while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
                }

                return conflict;
            }
        }
    }

    /// <summary>
    /// Undoes a failed attempt as far as the server has not already: the whole transaction when it is the store's
    /// own, back to the savepoint inside a caller's; and always clears the trigger flag, which is a session variable
    /// that no rollback resets and that a pooled session without reset would carry to its next user.
    /// </summary>
    private static async Task AbandonAsync(MySqlConnection connection, bool ownTransaction, bool savepointSet, Exception failure, CancellationToken cancellationToken)
    {
        if (MySqlErrors.IsConnectionLost(failure) || connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        var cleanup = new SqlBatch();
        if (ownTransaction)
        {
            cleanup.Statement("ROLLBACK");
        }
        else if (savepointSet && !MySqlErrors.EndsTransaction(failure))
        {
            cleanup.Statement("ROLLBACK TO SAVEPOINT " + Savepoint);
        }

        cleanup.Statement(WriterFlag.Clear);
        try
        {
            await cleanup.ExecuteNonQueryAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MySqlException or InvalidOperationException)
        {
            // The original failure is what the caller needs; a session that cannot even roll back is discarded by the pool.
        }
    }

    private readonly record struct GuardOutcome(WriteResult[] Results, bool IntentLogged);
}
