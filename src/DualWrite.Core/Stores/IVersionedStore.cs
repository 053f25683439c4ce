namespace DualWrite.Core.Stores;

/// <summary>
/// The contract every store adapter implements (MySQL, PostgreSQL, Riak, Cassandra, in-memory).
/// All writes are version-guarded: an older or equal version never replaces a newer one, so every write
/// is idempotent and late or replayed events are harmless. Deletes leave a versioned tombstone, so a
/// late upsert cannot resurrect a deleted row.
/// </summary>
/// <typeparam name="TKey">The key type, ordered by <see cref="KeyComparer"/>.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public interface IVersionedStore<TKey, TValue>
    where TKey : notnull
{
    /// <summary>The key order the store scans in; it must match the server's own ordering of the key column.</summary>
    IComparer<TKey> KeyComparer { get; }

    /// <summary>Reads the current record for <paramref name="key"/>, tombstones included.</summary>
    /// <returns>The record, one with <see cref="VersionedRecord{TKey, TValue}.IsTombstone"/> set if the key was deleted, or <see langword="null"/> if the store never saw the key.</returns>
    ValueTask<VersionedRecord<TKey, TValue>?> GetAsync(TKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="record"/> if its version is newer than the stored one. A tombstone record is
    /// applied as a delete, so a change feed can pass every event through this one method.
    /// </summary>
    ValueTask<WriteResult> UpsertAsync(VersionedRecord<TKey, TValue> record, CancellationToken cancellationToken);

    /// <summary>Replaces the row with a tombstone at <paramref name="version"/> if that is newer than the stored version; an absent key gets a tombstone too.</summary>
    ValueTask<WriteResult> DeleteAsync(TKey key, long version, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the records in <paramref name="range"/> in key order, tombstones included, fetching
    /// <paramref name="batchSize"/> records per round trip. Each batch is read fresh, so a long scan
    /// does not hold a transaction open and may see writes made while it runs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    IAsyncEnumerable<VersionedRecord<TKey, TValue>> ScanAsync(KeyRange<TKey> range, int batchSize, CancellationToken cancellationToken);

    /// <summary>Writes many records under the same version guard as <see cref="UpsertAsync"/>, however the adapter batches them.</summary>
    /// <returns>The number of records applied; records that lost the version race are not counted.</returns>
    ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<TKey, TValue>> records, CancellationToken cancellationToken);
}
