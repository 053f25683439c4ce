using DualWrite.Core.Phases;
using DualWrite.Core.Stores;

namespace DualWrite.Core.Routing;

/// <summary>
/// The repository decorator: an <see cref="IVersionedStore{TKey, TValue}"/> over an old and a new store for one
/// entity that routes each call by the entity's current phase (read once per call). Writes go to the
/// authoritative store first, and a failure there fails the caller; then, where the phase writes both stores,
/// the same record goes to the secondary, whose failure is recorded in the repair log instead of failing the
/// caller. Only if that record cannot be written either does the caller see a failure.
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed partial class DualWriteStore<TKey, TValue> : IVersionedStore<TKey, TValue>
    where TKey : notnull
{
    private readonly IVersionedStore<TKey, TValue> _old;
    private readonly IVersionedStore<TKey, TValue> _new;
    private readonly IPhaseSource _phases;
    private readonly IRepairLog<TKey> _repairLog;
    private readonly TimeProvider _time;
    private readonly bool _keepOldInSyncInNewOnly;

    /// <summary>Creates the decorator for <paramref name="entity"/>.</summary>
    /// <param name="entity">The entity name the phase source and repair log know it by.</param>
    /// <param name="oldStore">The store being migrated away from.</param>
    /// <param name="newStore">The store being migrated to; it must order keys as <paramref name="oldStore"/> does.</param>
    /// <param name="phases">Where the entity's phase is read on every call.</param>
    /// <param name="repairLog">Where failed secondary writes are recorded.</param>
    /// <param name="timeProvider">The clock for repair entries; the system clock when null.</param>
    /// <param name="keepOldInSyncInNewOnly">Whether <see cref="MigrationPhase.NewOnly"/> still writes the old store as the secondary, so stepping back stays instant.</param>
    public DualWriteStore(
        string entity,
        IVersionedStore<TKey, TValue> oldStore,
        IVersionedStore<TKey, TValue> newStore,
        IPhaseSource phases,
        IRepairLog<TKey> repairLog,
        TimeProvider? timeProvider = null,
        bool keepOldInSyncInNewOnly = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        ArgumentNullException.ThrowIfNull(oldStore);
        ArgumentNullException.ThrowIfNull(newStore);
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(repairLog);
        Entity = entity;
        _old = oldStore;
        _new = newStore;
        _phases = phases;
        _repairLog = repairLog;
        _time = timeProvider ?? TimeProvider.System;
        _keepOldInSyncInNewOnly = keepOldInSyncInNewOnly;
    }

    /// <summary>The entity this decorator routes.</summary>
    public string Entity { get; }

    /// <inheritdoc />
    public IComparer<TKey> KeyComparer => _old.KeyComparer;

    /// <summary>
    /// Reads from the phase's read store. If the repair log says the read store may still lack a write of
    /// <paramref name="key"/>, the other store is read too and the newer record wins, so a rollback (or a
    /// cutover) before the repair has run never shows an older version than one already served.
    /// </summary>
    public async ValueTask<VersionedRecord<TKey, TValue>?> GetAsync(TKey key, CancellationToken cancellationToken)
    {
        var routing = CurrentRouting();

        // Ask the log first: an entry completed after this check was repaired before the read below.
        var behind = await _repairLog.HasPendingAsync(Entity, key, routing.Reads, cancellationToken).ConfigureAwait(false);
        var record = await Store(routing.Reads).GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (!behind)
        {
            return record;
        }

        var other = await Store(routing.Reads.Other()).GetAsync(key, cancellationToken).ConfigureAwait(false);
        return other is not null && (record is null || other.Version > record.Version) ? other : record;
    }

    /// <summary>Scans the phase's read store (no repair-log correction: scans serve reconciliation, which compares both stores anyway).</summary>
    public IAsyncEnumerable<VersionedRecord<TKey, TValue>> ScanAsync(KeyRange<TKey> range, int batchSize, CancellationToken cancellationToken) =>
        Store(CurrentRouting().Reads).ScanAsync(range, batchSize, cancellationToken);

    /// <summary>
    /// Loads into the phase's authoritative store only. Bulk loads fill a store from a snapshot; the other store
    /// is filled by the backfill and change feed, not by this call.
    /// </summary>
    public ValueTask<long> BulkLoadAsync(IAsyncEnumerable<VersionedRecord<TKey, TValue>> records, CancellationToken cancellationToken) =>
        Store(CurrentRouting().WriteAuthority).BulkLoadAsync(records, cancellationToken);

    private PhaseRouting CurrentRouting() => DualWriteRouting.For(_phases.GetPhase(Entity), _keepOldInSyncInNewOnly);

    private IVersionedStore<TKey, TValue> Store(StoreRole role) => role == StoreRole.Old ? _old : _new;
}
