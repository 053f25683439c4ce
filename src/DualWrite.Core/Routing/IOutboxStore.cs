namespace DualWrite.Core.Routing;

/// <summary>
/// A store that can also hold the repair log, so that a write and the record of its pending secondary write
/// commit together (the transactional outbox). When the decorator's authoritative store implements this, a
/// dual write first commits the record and an intent entry for the secondary in one transaction, then writes
/// the secondary and completes the entry; a crash anywhere in between leaves the intent pending for the
/// repair worker, so nothing is lost.
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public interface IOutboxStore<TKey, TValue> : Stores.IVersionedStore<TKey, TValue>
    where TKey : notnull
{
    /// <summary>The repair log the intents are written to; the decorator must be given this same log.</summary>
    IRepairLog<TKey> RepairLog { get; }

    /// <summary>
    /// Applies <paramref name="record"/> under the version guard (a tombstone as a delete) and, in the same
    /// transaction, appends <paramref name="intent"/> as pending, unless the result is
    /// <see cref="Stores.WriteResult.IgnoredOlderVersion"/> (a newer write carries its own intent).
    /// Without a caller's transaction both commit before this returns and <paramref name="afterCommit"/> is then
    /// awaited; inside a caller's transaction both commit with it and <paramref name="afterCommit"/> runs after
    /// that commit succeeds (never after a rollback). <paramref name="afterCommit"/> is not invoked when no
    /// intent was written.
    /// </summary>
    /// <returns>What the version guard did with <paramref name="record"/>.</returns>
    ValueTask<Stores.WriteResult> WriteWithIntentAsync(
        Stores.VersionedRecord<TKey, TValue> record,
        RepairEntry<TKey> intent,
        Func<CancellationToken, ValueTask> afterCommit,
        CancellationToken cancellationToken);
}
