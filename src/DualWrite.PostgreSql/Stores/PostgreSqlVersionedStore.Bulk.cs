using DualWrite.Core.Stores;

namespace DualWrite.PostgreSql.Stores;

/// <content>
/// Bulk load: each batch is copied (binary COPY) into a temporary staging table, then merged into the table and the
/// tombstones by the same guarded statement single writes use, in one transaction per batch.
/// </content>
public sealed partial class PostgreSqlVersionedStore<TKey, TValue>
{
    private const string Staging = "pg_temp.\"_dw_stage\"";

    /// <inheritdoc />
    /// <remarks>
    /// Records are taken <see cref="BulkBatchSize"/> at a time on one connection. Each batch commits on its own:
    /// a failure leaves the earlier batches applied, and loading again is harmless (their versions are no longer
    /// newer). Several records for one key in a batch behave as if written one by one in arrival order.
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
                    connection ??= await OpenStagingAsync(cancellationToken).ConfigureAwait(false);
                    applied += await LoadBatchAsync(connection, batch, cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                connection ??= await OpenStagingAsync(cancellationToken).ConfigureAwait(false);
                applied += await LoadBatchAsync(connection, batch, cancellationToken).ConfigureAwait(false);
            }

            return applied;
        }
        catch (PostgresException ex) when (StoreErrors.Translate(ex, DisplayName) is { } translated)
        {
            Volatile.Write(ref _sql, null);
            throw translated;
        }
        finally
        {
            if (connection is not null)
            {
                await DropStagingAsync(connection).ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Opens the load's connection and creates its staging table (emptied by every commit).</summary>
    private async Task<NpgsqlConnection> OpenStagingAsync(CancellationToken cancellationToken)
    {
        var sql = await GetSqlAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A pooled connection may still hold another load's staging table (of another shape) if its reset was off.
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {Staging}; {sql.CreateStaging(Staging)}", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task DropStagingAsync(NpgsqlConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {Staging}", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken or cancelled connection takes its temporary table with it when it closes.
        }
    }

    private async Task<long> LoadBatchAsync(NpgsqlConnection connection, List<VersionedRecord<TKey, TValue>> batch, CancellationToken cancellationToken)
    {
        // Convert before anything is sent, so a bad record fails the batch without a round trip.
        var rows = batch.ConvertAll(r => (Key: _mapping.KeyValues(r.Key), Value: r.IsTombstone ? null : _mapping.ValueValues(r.Value!), r.IsTombstone, r.Version));
        for (var attempt = 1; ; attempt++)
        {
            var sql = await GetSqlAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                try
                {
                    await CopyAsync(connection, sql, rows, cancellationToken).ConfigureAwait(false);
                    var merge = new NpgsqlBatch(connection, transaction)
                    {
                        BatchCommands =
                        {
                            new NpgsqlBatchCommand(sql.LockKeys("SELECT * FROM " + Staging)),
                            new NpgsqlBatchCommand(sql.Merge("SELECT * FROM " + Staging, "SELECT count(*) FILTER (WHERE _applied) FROM decided")),
                        },
                    };
                    long applied;
                    await using (merge.ConfigureAwait(false))
                    {
                        var reader = await merge.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                        await using (reader.ConfigureAwait(false))
                        {
                            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                            applied = reader.GetInt64(0);
                        }
                    }

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

    private static async Task CopyAsync(
        NpgsqlConnection connection,
        StoreSql sql,
        List<(object?[] Key, object?[]? Value, bool IsTombstone, long Version)> rows,
        CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync(sql.CopyIntoStaging(Staging), cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            for (var ord = 0; ord < rows.Count; ord++)
            {
                var (key, value, tombstone, version) = rows[ord];
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < key.Length; i++)
                {
                    await importer.WriteAsync(key[i], sql.KeyColumns[i].CopyType, cancellationToken).ConfigureAwait(false);
                }

                for (var i = 0; i < sql.ValueColumns.Length; i++)
                {
                    if (value?[i] is null or DBNull)
                    {
                        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await importer.WriteAsync(value[i], sql.ValueColumns[i].CopyType, cancellationToken).ConfigureAwait(false);
                    }
                }

                await importer.WriteAsync(ord, NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(tombstone, NpgsqlTypes.NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(version, NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
