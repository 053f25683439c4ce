namespace DualWrite.Core.Stores;

/// <summary>
/// Copies every record (tombstones included) of a key range from one store to another under the version guard:
/// the target keeps whatever it holds that is newer. Run from the new store to the old one before stepping back past
/// <see cref="Phases.MigrationPhase.DualWriteReadNew"/> after time in <see cref="Phases.MigrationPhase.NewOnly"/>, which
/// wrote only the new store. Safe to repeat and to run while the application writes.
/// </summary>
public static class StoreCopier
{
    /// <summary>Copies <paramref name="range"/> from <paramref name="source"/> to <paramref name="target"/>, <paramref name="batchSize"/> records per scan batch.</summary>
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
        long read = 0, applied = 0;
        await foreach (var record in source.ScanAsync(range, batchSize, cancellationToken).ConfigureAwait(false))
        {
            read++;
            var result = record.IsTombstone
                ? await target.DeleteAsync(record.Key, record.Version, cancellationToken).ConfigureAwait(false)
                : await target.UpsertAsync(record, cancellationToken).ConfigureAwait(false);
            if (result == WriteResult.Applied)
            {
                applied++;
            }
        }

        return new StoreCopyResult(read, applied);
    }
}
