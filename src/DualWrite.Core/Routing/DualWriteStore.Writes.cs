using DualWrite.Core.Phases;
using DualWrite.Core.Stores;

namespace DualWrite.Core.Routing;

/// <content>The write path: authoritative store first, then the secondary, then the repair log on failure.</content>
public sealed partial class DualWriteStore<TKey, TValue>
{
    /// <summary>Writes <paramref name="record"/> (a tombstone is a delete) by the current phase; see the type's remarks.</summary>
    /// <returns>What the authoritative store did; the secondary's outcome never changes the result.</returns>
    /// <exception cref="SecondaryWriteUnrecordedException">The secondary write failed and could not be recorded for repair.</exception>
    public ValueTask<WriteResult> UpsertAsync(VersionedRecord<TKey, TValue> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return WriteAsync(record, cancellationToken);
    }

    /// <summary>Deletes <paramref name="key"/> at <paramref name="version"/> by the current phase, leaving tombstones as the stores do.</summary>
    /// <returns>What the authoritative store did; the secondary's outcome never changes the result.</returns>
    /// <exception cref="SecondaryWriteUnrecordedException">The secondary write failed and could not be recorded for repair.</exception>
    public ValueTask<WriteResult> DeleteAsync(TKey key, long version, CancellationToken cancellationToken) =>
        WriteAsync(VersionedRecord<TKey, TValue>.Tombstone(key, version), cancellationToken);

    private static ValueTask<WriteResult> Apply(IVersionedStore<TKey, TValue> store, VersionedRecord<TKey, TValue> record, CancellationToken cancellationToken) =>
        record.IsTombstone
            ? store.DeleteAsync(record.Key, record.Version, cancellationToken)
            : store.UpsertAsync(record, cancellationToken);

    private async ValueTask<WriteResult> WriteAsync(VersionedRecord<TKey, TValue> record, CancellationToken cancellationToken)
    {
        var routing = CurrentRouting();

        // A failure here propagates: nothing is acknowledged, and nothing was sent to the secondary.
        var result = await Apply(Store(routing.WriteAuthority), record, cancellationToken).ConfigureAwait(false);

        // An older version lost to a newer write, which carried its own secondary write. The same version is a
        // retry, perhaps of a call whose secondary write failed unrecorded, so the secondary is written again.
        if (!routing.WritesSecondary || result == WriteResult.IgnoredOlderVersion)
        {
            return result;
        }

        try
        {
            await Apply(Store(routing.Secondary), record, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any secondary failure, cancellation included, must reach the repair log rather than the caller.
        catch (Exception secondaryFailure)
#pragma warning restore CA1031
        {
            await RecordForRepairAsync(record, routing.Secondary, secondaryFailure).ConfigureAwait(false);
        }

        return result;
    }

    private async ValueTask RecordForRepairAsync(VersionedRecord<TKey, TValue> record, StoreRole target, Exception secondaryFailure)
    {
        var now = _time.GetUtcNow();
        var entry = new RepairEntry<TKey>(
            Guid.CreateVersion7(now),
            Entity,
            record.Key,
            target,
            record.Version,
            $"{secondaryFailure.GetType().Name}: {secondaryFailure.Message}",
            now);
        try
        {
            // Not the caller's token: the authoritative write has landed, so its trace must be kept even if the caller gave up.
            await _repairLog.AppendAsync(entry, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Rethrown as the typed failure that carries both causes.
        catch (Exception logFailure)
#pragma warning restore CA1031
        {
            throw new SecondaryWriteUnrecordedException(
                $"The write of {Entity} key '{record.Key}' version {record.Version} reached the authoritative store, but the {target} store failed ({secondaryFailure.Message}) and the repair log could not record it ({logFailure.Message}).",
                secondaryFailure,
                logFailure);
        }
    }
}
