using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using MySqlConnector;

namespace DualWrite.MySql.Stores;

/// <summary>
/// A versioned store in the application's own MySQL table (docs/mysql-store.md). Live rows stay where the
/// application reads them, with their version in a BIGINT column; a delete removes the row and leaves a versioned
/// tombstone in a side table. Every write is guarded under row locks, so concurrent writers of a key end with the
/// newest version whatever their order; writers that bypass the store are versioned by triggers
/// (<see cref="EnsureSchemaAsync"/>). While a <see cref="MySqlStoreTransaction"/> over the same data source is
/// current, every operation runs inside it.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed partial class MySqlVersionedStore<TKey, TValue> : IOutboxStore<TKey, TValue>
    where TKey : notnull
{
    private readonly MySqlDataSource _dataSource;
    private readonly MySqlTableMapping<TKey, TValue> _mapping;
    private readonly MySqlRepairLog<TKey> _repairLog;
    private readonly StoreSql _sql;
    private readonly int _bulkBatchSize = 500;

    /// <summary>Creates a store; call <see cref="EnsureSchemaAsync"/> (and the log's) once before use.</summary>
    /// <param name="dataSource">The database holding the table.</param>
    /// <param name="mapping">The table and its columns.</param>
    /// <param name="repairLog">The log intents are written to, in the same data source so that they commit with the record.</param>
    /// <exception cref="ArgumentException"><paramref name="repairLog"/> belongs to another data source.</exception>
    public MySqlVersionedStore(MySqlDataSource dataSource, MySqlTableMapping<TKey, TValue> mapping, MySqlRepairLog<TKey> repairLog)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(repairLog);
        if (!ReferenceEquals(repairLog.DataSource, dataSource))
        {
            throw new ArgumentException("The repair log must use the store's data source, or a record and its intent could not commit together.", nameof(repairLog));
        }

        _dataSource = dataSource;
        _mapping = mapping;
        _repairLog = repairLog;
        _sql = new StoreSql(mapping.Definition);
    }

    /// <inheritdoc />
    public IComparer<TKey> KeyComparer => _mapping.KeyComparer;

    /// <inheritdoc />
    public IRepairLog<TKey> RepairLog => _repairLog;

    /// <summary>The table and its columns.</summary>
    public MySqlTableMapping<TKey, TValue> Mapping => _mapping;

    /// <summary>How many records <see cref="BulkLoadAsync"/> writes per statement batch and transaction; 500 by default.</summary>
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

    /// <inheritdoc />
    public async ValueTask<WriteResult> UpsertAsync(VersionedRecord<TKey, TValue> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (await ApplyAsync([record], intent: null, afterCommit: null, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <inheritdoc />
    public async ValueTask<WriteResult> DeleteAsync(TKey key, long version, CancellationToken cancellationToken) =>
        (await ApplyAsync([VersionedRecord<TKey, TValue>.Tombstone(key, version)], intent: null, afterCommit: null, cancellationToken).ConfigureAwait(false))[0];

    /// <inheritdoc />
    /// <remarks>
    /// The record's write and the intent's insert go to the server in one statement batch and commit together. Without
    /// a current <see cref="MySqlStoreTransaction"/> the store commits before awaiting <paramref name="afterCommit"/>,
    /// whose exception is then thrown as a <see cref="MySqlAfterCommitException"/> (the write is durable). Inside one,
    /// the callback is registered with it and runs after its commit. An intent whose id is already logged with the
    /// same content counts as written; with different content the whole write is undone and
    /// <see cref="MySqlStoreException"/> is thrown.
    /// </remarks>
    public async ValueTask<WriteResult> WriteWithIntentAsync(
        VersionedRecord<TKey, TValue> record,
        RepairEntry<TKey> intent,
        Func<CancellationToken, ValueTask> afterCommit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(afterCommit);
        var row = _repairLog.Encode(intent);
        return (await ApplyAsync([record], row, afterCommit, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <inheritdoc />
    /// <remarks>
    /// Records are taken <see cref="BulkBatchSize"/> at a time; each batch is guarded like single writes (several
    /// records for one key behave as if written one by one) and committed on its own unless a
    /// <see cref="MySqlStoreTransaction"/> is current.
    /// </remarks>
    public async ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<TKey, TValue>> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        long applied = 0;
        var batch = new List<VersionedRecord<TKey, TValue>>(BulkBatchSize);
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            batch.Add(record);
            if (batch.Count == BulkBatchSize)
            {
                applied += await ApplyBatchAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            applied += await ApplyBatchAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        return applied;
    }

    private async ValueTask<int> ApplyBatchAsync(List<VersionedRecord<TKey, TValue>> batch, CancellationToken cancellationToken)
    {
        var results = await ApplyAsync(batch, intent: null, afterCommit: null, cancellationToken).ConfigureAwait(false);
        return results.Count(r => r == WriteResult.Applied);
    }

    private string DisplayName => _mapping.ToString();

    private const string SetupHint = "Run MySqlVersionedStore.EnsureSchemaAsync once to add the version column, the tombstone table and the triggers.";
}
