using DualWrite.Core.Stores;
using DualWrite.PostgreSql.Tables;

namespace DualWrite.PostgreSql.Stores;

/// <content>
/// Bulk load: each batch is copied (binary COPY) into a temporary staging table, then merged into the table and the
/// tombstones by the same guarded statement single writes use, in one transaction per batch.
/// </content>
public sealed partial class PostgreSqlVersionedStore<TKey, TValue>
{
    /// <inheritdoc />
    /// <remarks>
    /// Records are taken <see cref="BulkBatchSize"/> at a time on one connection, each batch merged in a transaction of
    /// its own through the table (<see cref="VersionedTable.MergeAsync"/>): a failure leaves the earlier batches applied,
    /// and loading again is harmless (their versions are no longer newer). Several records for one key in a batch behave
    /// as if written one by one in arrival order.
    /// </remarks>
    /// <exception cref="PostgreSqlStoreException">The table or its tombstone table is missing, or lacks a mapped column.</exception>
    public async ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<TKey, TValue>> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        NpgsqlConnection? connection = null;
        try
        {
            long applied = 0;
            var batch = new List<VersionedRecord<TKey, TValue>>(Math.Min(BulkBatchSize, 4096));
            await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                ArgumentNullException.ThrowIfNull(record, nameof(records));
                batch.Add(record);
                if (batch.Count == BulkBatchSize)
                {
                    connection ??= await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    applied += await LoadBatchAsync(connection, batch, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                connection ??= await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                applied += await LoadBatchAsync(connection, batch, cancellationToken).ConfigureAwait(false);
            }

            return applied;
        }
        catch (PostgresException ex) when (StoreErrors.Translate(ex, DisplayName) is { } translated)
        {
            _mapping.Versioned.Invalidate();
            throw translated;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<long> LoadBatchAsync(NpgsqlConnection connection, List<VersionedRecord<TKey, TValue>> batch, CancellationToken cancellationToken)
    {
        // Convert before anything is sent, so a bad record fails the batch without a round trip.
        var rows = batch.ConvertAll(r => new VersionedRow(
            r.IsTombstone ? _mapping.KeyValues(r.Key) : [.. _mapping.KeyValues(r.Key), .. _mapping.ValueValues(r.Value!)],
            r.Version,
            r.IsTombstone));
        for (var attempt = 1; ; attempt++)
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                try
                {
                    var applied = await _mapping.Versioned.MergeAsync(connection, transaction, rows, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return applied;
                }
                catch (PostgresException ex) when (StoreErrors.IsTransient(ex) && attempt < MaxAttempts)
                {
                    StoreLog.WriteRetried(_logger, DisplayName, ex.SqlState, attempt);
                }
            }
        }
    }
}
