using System.Runtime.CompilerServices;

namespace DualWrite.Core.Stores;

/// <summary>
/// Copies a key range from one store to another through the target's version guard, so a copy never
/// replaces a newer value and can be repeated or run alongside live writes. Tombstones are copied too.
/// </summary>
public static class StoreCopier
{
    /// <summary>
    /// Copies <paramref name="range"/> from <paramref name="source"/> to <paramref name="target"/>, reading
    /// <paramref name="batchSize"/> records per scan batch and writing them through
    /// <see cref="IVersionedStore{TKey, TValue}.BulkLoadAsync"/>, which batches as the target adapter prefers.
    /// </summary>
    /// <returns>How many records were read and how many the target applied.</returns>
    public static async Task<StoreCopyResult> CopyNewerAsync<TKey, TValue>(
        IVersionedStore<TKey, TValue> source,
        IVersionedStore<TKey, TValue> target,
        KeyRange<TKey> range,
        int batchSize,
        CancellationToken cancellationToken)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var counter = new ReadCounter();
        var applied = await target.BulkLoadAsync(Count(source.ScanAsync(range, batchSize, cancellationToken), counter, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        return new StoreCopyResult(counter.Read, applied);
    }

    private static async IAsyncEnumerable<VersionedRecord<TKey, TValue>> Count<TKey, TValue>(
        IAsyncEnumerable<VersionedRecord<TKey, TValue>> records,
        ReadCounter counter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where TKey : notnull
    {
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            counter.Read++;
            yield return record;
        }
    }

    private sealed class ReadCounter
    {
        public long Read { get; set; }
    }
}
