using DualWrite.Core.Routing;
using DualWrite.Core.Stores;

namespace DualWrite.PostgreSql.Stores;

/// <summary>
/// A <see cref="PostgreSqlVersionedStore{TKey, TValue}"/> that is also the transactional outbox
/// (<see cref="IOutboxStore{TKey, TValue}"/>): a write and the intent for its secondary commit in one PostgreSQL
/// transaction, so while PostgreSQL is authoritative a crash between the two writes loses nothing. Reads, scans, bulk
/// loads and plain writes are the store's own. A store without a log is not an outbox: the decorator picks its outbox
/// path by type, so only this type takes it (docs/postgresql-store.md).
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed class PostgreSqlOutboxStore<TKey, TValue> : IOutboxStore<TKey, TValue>
    where TKey : notnull
{
    /// <summary>Makes <paramref name="store"/> write its intents into <paramref name="repairLog"/>.</summary>
    /// <param name="store">The store; its schema is set up through it (<see cref="PostgreSqlVersionedStore{TKey, TValue}.EnsureSchemaAsync"/>).</param>
    /// <param name="repairLog">The log; call its <see cref="PostgreSqlRepairLog{TKey}.EnsureSchemaAsync"/> once too.</param>
    /// <exception cref="ArgumentException"><paramref name="repairLog"/> is not over the store's own <see cref="NpgsqlDataSource"/> instance, so the two could not share a transaction.</exception>
    public PostgreSqlOutboxStore(PostgreSqlVersionedStore<TKey, TValue> store, PostgreSqlRepairLog<TKey> repairLog)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(repairLog);
        if (!ReferenceEquals(store.DataSource, repairLog.DataSource))
        {
            throw new ArgumentException("The repair log must use the store's NpgsqlDataSource (the same instance), or a record and its intent could not commit together.", nameof(repairLog));
        }

        Store = store;
        RepairLog = repairLog;
    }

    /// <summary>The store the records are written to.</summary>
    public PostgreSqlVersionedStore<TKey, TValue> Store { get; }

    /// <summary>The log the intents are written to; the decorator must be given this same log.</summary>
    public PostgreSqlRepairLog<TKey> RepairLog { get; }

    /// <inheritdoc />
    IRepairLog<TKey> IOutboxStore<TKey, TValue>.RepairLog => RepairLog;

    /// <inheritdoc />
    public IComparer<TKey> KeyComparer => Store.KeyComparer;

    /// <inheritdoc />
    /// <remarks>
    /// One transaction: the key's advisory lock and the guarded write (as <see cref="UpsertAsync"/> does it), then the
    /// intent's row, then the commit; after a deadlock or serialization failure all of it runs again. PostgreSQL has no
    /// caller's transaction to join, so both always commit before this returns, and <paramref name="afterCommit"/> is
    /// then awaited with the connection already back in the pool. An intent whose id is already logged with the same
    /// content counts as written; with other content the write is undone and <see cref="PostgreSqlStoreException"/>
    /// (<see cref="PostgreSqlStoreErrorKind.RepairEntryConflict"/>) is thrown.
    /// </remarks>
    /// <exception cref="ArgumentException">The intent cannot be logged (its entity or key text is too long, say); nothing was sent.</exception>
    /// <exception cref="PostgreSqlStoreException">The table, its tombstone table or the log's table is missing, or the intent's id is taken.</exception>
    /// <exception cref="PostgreSqlAfterCommitException"><paramref name="afterCommit"/> threw; the write and the intent are committed.</exception>
    public async ValueTask<WriteResult> WriteWithIntentAsync(
        VersionedRecord<TKey, TValue> record,
        RepairEntry<TKey> intent,
        Func<CancellationToken, ValueTask> afterCommit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(afterCommit);
        var row = RepairLog.Encode(intent);
        var result = await Store.WriteTogetherAsync(record, (connection, ct) => RepairLog.InsertAsync(connection, row, ct), cancellationToken).ConfigureAwait(false);

        // An older version wrote nothing, so there is no intent to act on: the newer write carries its own.
        if (result == WriteResult.IgnoredOlderVersion)
        {
            return result;
        }

        try
        {
            await afterCommit(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure after the commit must say that the commit happened.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new PostgreSqlAfterCommitException(ex);
        }

        return result;
    }

    /// <inheritdoc />
    public ValueTask<VersionedRecord<TKey, TValue>?> GetAsync(TKey key, CancellationToken cancellationToken) => Store.GetAsync(key, cancellationToken);

    /// <inheritdoc />
    public ValueTask<WriteResult> UpsertAsync(VersionedRecord<TKey, TValue> record, CancellationToken cancellationToken) => Store.UpsertAsync(record, cancellationToken);

    /// <inheritdoc />
    public ValueTask<WriteResult> DeleteAsync(TKey key, long version, CancellationToken cancellationToken) => Store.DeleteAsync(key, version, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<VersionedRecord<TKey, TValue>> ScanAsync(KeyRange<TKey> range, int batchSize, CancellationToken cancellationToken) =>
        Store.ScanAsync(range, batchSize, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<TKey, TValue>> records, CancellationToken cancellationToken) =>
        Store.BulkLoadAsync(records, cancellationToken);
}
