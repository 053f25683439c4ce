using DualWrite.Core.Stores;
using DualWrite.PostgreSql.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DualWrite.PostgreSql.Stores;

/// <summary>
/// A versioned store in a PostgreSQL table (docs/postgresql-store.md). Live rows carry their version in a
/// <c>bigint</c> column; a delete removes the row and leaves a versioned tombstone in a side table. Each write is one
/// transaction that takes the key's advisory lock, reads the stored row and tombstone, and writes only what a strictly
/// newer version allows, so concurrent writers of a key end with the newest version whatever their order.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed partial class PostgreSqlVersionedStore<TKey, TValue> : IVersionedStore<TKey, TValue>
    where TKey : notnull
{
    // Deadlocks need a writer that locks keys out of hash order (or SERIALIZABLE as the server default); a few
    // attempts are plenty.
    private const int MaxAttempts = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlTableMapping<TKey, TValue> _mapping;
    private readonly ILogger _logger;
    private readonly int _bulkBatchSize = 1000;

    /// <summary>Creates a store; call <see cref="EnsureSchemaAsync"/> once before use.</summary>
    /// <param name="dataSource">The database holding the table.</param>
    /// <param name="mapping">The table and its columns.</param>
    /// <param name="logger">Where schema changes and write retries are logged; nothing when null.</param>
    public PostgreSqlVersionedStore(NpgsqlDataSource dataSource, PostgreSqlTableMapping<TKey, TValue> mapping, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(mapping);
        _dataSource = dataSource;
        _mapping = mapping;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public IComparer<TKey> KeyComparer => _mapping.KeyComparer;

    /// <summary>The table and its columns.</summary>
    public PostgreSqlTableMapping<TKey, TValue> Mapping => _mapping;

    /// <summary>How many records <see cref="BulkLoadAsync"/> copies and merges per transaction; 1000 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public int BulkBatchSize
    {
        get => _bulkBatchSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _bulkBatchSize = value;
        }
    }

    private string DisplayName => _mapping.ToString();

    /// <inheritdoc />
    /// <exception cref="PostgreSqlStoreException">The table or its tombstone table is missing, or lacks a mapped column.</exception>
    public ValueTask<WriteResult> UpsertAsync(VersionedRecord<TKey, TValue> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return WriteAsync(record.Key, record.IsTombstone ? null : _mapping.ValueValues(record.Value!), record.Version, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="PostgreSqlStoreException">The table or its tombstone table is missing, or lacks a mapped column.</exception>
    public ValueTask<WriteResult> DeleteAsync(TKey key, long version, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return WriteAsync(key, value: null, version, cancellationToken);
    }

    /// <summary>One guarded write through the table (<see cref="VersionedTable.WriteAsync"/>); <paramref name="value"/> null is a tombstone.</summary>
    private async ValueTask<WriteResult> WriteAsync(TKey key, object?[]? value, long version, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keyValues = _mapping.KeyValues(key);
        return await RunAsync((connection, _, ct) => _mapping.Versioned.WriteAsync(connection, keyValues, value, version, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection with the table's SQL, again after a deadlock or
    /// serialization failure (nothing of the attempt was committed), and turns schema errors into
    /// <see cref="PostgreSqlStoreException"/>.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, TableSql, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    var sql = await _mapping.Versioned.SqlAsync(connection, cancellationToken).ConfigureAwait(false);
                    return await work(connection, sql, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (PostgresException ex) when (StoreErrors.IsTransient(ex) && attempt < MaxAttempts)
            {
                StoreLog.WriteRetried(_logger, DisplayName, ex.SqlState, attempt);
            }
            catch (PostgresException ex) when (StoreErrors.Translate(ex, DisplayName) is { } translated)
            {
                // The table changed under the store: read its shape again next time.
                _mapping.Versioned.Invalidate();
                throw translated;
            }
        }
    }
}
