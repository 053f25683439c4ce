using System.Data;
using DualWrite.Core.Stores;

namespace DualWrite.PostgreSql.Stores;

/// <content>A guarded write that commits together with other work on the same connection (the outbox's intent).</content>
public sealed partial class PostgreSqlVersionedStore<TKey, TValue>
{
    /// <summary>The data source the table lives in (a log must share it for its rows to commit with the store's).</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>
    /// One transaction: the guarded write of <paramref name="record"/> through the table (its key's lock, then the merge,
    /// inside the open transaction), then <paramref name="alongside"/> on the same connection unless the guard says
    /// <see cref="WriteResult.IgnoredOlderVersion"/>, then the commit. A failure anywhere before the commit undoes both;
    /// after a deadlock or serialization failure the whole transaction runs again.
    /// </summary>
    internal async ValueTask<WriteResult> WriteTogetherAsync(
        VersionedRecord<TKey, TValue> record,
        Func<NpgsqlConnection, CancellationToken, Task> alongside,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        var keyValues = _mapping.KeyValues(record.Key);
        var value = record.IsTombstone ? null : _mapping.ValueValues(record.Value!);
        return await RunAsync(
            async (connection, _, ct) =>
            {
                // READ COMMITTED whatever the server's default: the merge must see what the key lock's previous holder committed.
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    var result = await _mapping.Versioned.WriteAsync(connection, keyValues, value, record.Version, ct).ConfigureAwait(false);
                    if (result != WriteResult.IgnoredOlderVersion)
                    {
                        await alongside(connection, ct).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return result;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }
}
