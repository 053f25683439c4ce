using DualWrite.Core.Stores;

namespace DualWrite.Core.Testing;

/// <summary>
/// A thread-safe in-memory <see cref="IVersionedStore{TKey, TValue}"/> with fault injection.
/// For tests and local development only: it keeps everything in process memory and loses it on exit.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed partial class InMemoryVersionedStore<TKey, TValue> : IVersionedStore<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly SortedList<TKey, VersionedRecord<TKey, TValue>> _rows;

    /// <summary>Creates an empty store ordering keys by <paramref name="keyComparer"/>, or by <see cref="Comparer{T}.Default"/> when it is null.</summary>
    public InMemoryVersionedStore(IComparer<TKey>? keyComparer = null)
    {
        KeyComparer = keyComparer ?? Comparer<TKey>.Default;
        _rows = new SortedList<TKey, VersionedRecord<TKey, TValue>>(KeyComparer);
    }

    /// <inheritdoc />
    public IComparer<TKey> KeyComparer { get; }

    /// <summary>The number of keys held, tombstones included.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _rows.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<VersionedRecord<TKey, TValue>?> GetAsync(TKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFaulted(InMemoryStoreOperation.Get);
        lock (_gate)
        {
            return ValueTask.FromResult(_rows.GetValueOrDefault(key));
        }
    }

    /// <inheritdoc />
    public ValueTask<WriteResult> UpsertAsync(VersionedRecord<TKey, TValue> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Write(record, record.IsTombstone ? InMemoryStoreOperation.Delete : InMemoryStoreOperation.Upsert));
    }

    /// <inheritdoc />
    public ValueTask<WriteResult> DeleteAsync(TKey key, long version, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Write(VersionedRecord<TKey, TValue>.Tombstone(key, version), InMemoryStoreOperation.Delete));
    }

    /// <inheritdoc />
    public async ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<TKey, TValue>> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        long applied = 0;
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            ArgumentNullException.ThrowIfNull(record, nameof(records));
            if (Write(record, InMemoryStoreOperation.BulkLoad) == WriteResult.Applied)
            {
                applied++;
            }
        }

        return applied;
    }

    private WriteResult Write(VersionedRecord<TKey, TValue> record, InMemoryStoreOperation operation)
    {
        var fault = TakeWriteFault(operation);
        if (fault is { AfterApplying: false })
        {
            throw fault.Exception;
        }

        WriteResult result;
        lock (_gate)
        {
            long? stored = _rows.TryGetValue(record.Key, out var current) ? current.Version : null;
            result = VersionGuard.Decide(stored, record.Version);
            if (result == WriteResult.Applied)
            {
                _rows[record.Key] = record;
            }
        }

        // Applied but unacknowledged: the caller sees a failure for a write that did land, as after a lost reply.
        return fault is null ? result : throw fault.Exception;
    }
}
