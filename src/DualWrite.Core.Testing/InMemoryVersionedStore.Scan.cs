using System.Runtime.CompilerServices;
using DualWrite.Core.Stores;

namespace DualWrite.Core.Testing;

/// <content>Ordered key-range scans, one short lock per batch like a keyset-paged query.</content>
public sealed partial class InMemoryVersionedStore<TKey, TValue>
{
    /// <inheritdoc />
    public async IAsyncEnumerable<VersionedRecord<TKey, TValue>> ScanAsync(
        KeyRange<TKey> range,
        int batchSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);

        var after = default(TKey);
        var started = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfFaulted(InMemoryStoreOperation.Scan);
            var batch = ReadBatch(range, started, after, batchSize);
            foreach (var record in batch)
            {
                yield return record;
            }

            if (batch.Count < batchSize)
            {
                yield break;
            }

            started = true;
            after = batch[^1].Key;

            // Let other writers interleave between batches, as they would against a real server.
            await Task.Yield();
        }
    }

    private List<VersionedRecord<TKey, TValue>> ReadBatch(KeyRange<TKey> range, bool started, TKey? after, int batchSize)
    {
        var batch = new List<VersionedRecord<TKey, TValue>>(Math.Min(batchSize, 1024));
        lock (_gate)
        {
            var keys = _rows.Keys;
            var index = started ? FirstIndexAbove(keys, after!, inclusive: false)
                : range.HasLower ? FirstIndexAbove(keys, range.Lower!, inclusive: true)
                : 0;
            for (; index < keys.Count && batch.Count < batchSize; index++)
            {
                if (range.HasUpper && KeyComparer.Compare(keys[index], range.Upper!) >= 0)
                {
                    break;
                }

                batch.Add(_rows.GetValueAtIndex(index));
            }
        }

        return batch;
    }

    private int FirstIndexAbove(IList<TKey> keys, TKey bound, bool inclusive)
    {
        // Lower-bound binary search: the first key > bound (or >= bound when inclusive).
        int low = 0, high = keys.Count;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            var cmp = KeyComparer.Compare(keys[mid], bound);
            if (cmp < 0 || (cmp == 0 && !inclusive))
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
