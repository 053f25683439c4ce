using System.Collections.Concurrent;
using DualWrite.Core.Phases;
using DualWrite.Core.Stores;

namespace DualWrite.Core.Routing;

/// <summary>
/// Drains the repair log of one entity: for each entry it reads the key's current record from the store that
/// took the write (the other store than the entry's target; normally the authoritative one) and writes that
/// record, or its tombstone, to the target with its stored version. The version guard makes replays, duplicates
/// and races with live writes harmless. An entry is completed only once the target holds its version or a newer one.
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
/// <typeparam name="TValue">The row payload.</typeparam>
public sealed class RepairWorker<TKey, TValue>
    where TKey : notnull
{
    private readonly string _entity;
    private readonly IVersionedStore<TKey, TValue> _old;
    private readonly IVersionedStore<TKey, TValue> _new;
    private readonly IRepairLog<TKey> _repairLog;
    private readonly int _batchSize;
    private readonly int _parallelism;

    /// <summary>Creates a worker for <paramref name="entity"/> over the same stores and log as its <see cref="DualWriteStore{TKey, TValue}"/>.</summary>
    /// <param name="entity">The entity whose entries are drained.</param>
    /// <param name="oldStore">The store being migrated away from.</param>
    /// <param name="newStore">The store being migrated to.</param>
    /// <param name="repairLog">The log to drain.</param>
    /// <param name="batchSize">How many pending entries one pass reads.</param>
    /// <param name="parallelism">How many entries of a pass are repaired at once.</param>
    public RepairWorker(
        string entity,
        IVersionedStore<TKey, TValue> oldStore,
        IVersionedStore<TKey, TValue> newStore,
        IRepairLog<TKey> repairLog,
        int batchSize = 500,
        int parallelism = 4)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        ArgumentNullException.ThrowIfNull(oldStore);
        ArgumentNullException.ThrowIfNull(newStore);
        ArgumentNullException.ThrowIfNull(repairLog);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parallelism);
        _entity = entity;
        _old = oldStore;
        _new = newStore;
        _repairLog = repairLog;
        _batchSize = batchSize;
        _parallelism = parallelism;
    }

    /// <summary>Repairs one batch of pending entries; a failing entry stays pending and does not stop the others.</summary>
    public async Task<RepairRunResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var pending = await _repairLog.ReadPendingAsync(_entity, _batchSize, cancellationToken).ConfigureAwait(false);
        int repaired = 0, failing = 0;
        var done = new ConcurrentQueue<RepairEntry<TKey>>();

        // Entries are independent: each copies its key's current record under the version guard, so the order in
        // which they land does not matter, and several at once keep up with a write rate one at a time could not.
        // A key's entries toward one store are settled by one copy, of a version at least their newest.
        var groups = pending.GroupBy(e => (e.Key, e.Target)).Select(g => g.ToList()).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(groups, parallel, async (entries, ct) =>
        {
            bool copied;
            try
            {
                copied = await RepairAsync(entries.MaxBy(e => e.Version)!, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A store that is still down leaves the entries pending for the next pass.
            catch (Exception)
#pragma warning restore CA1031
            {
                copied = false;
            }

            if (copied)
            {
                foreach (var entry in entries)
                {
                    done.Enqueue(entry);
                }
            }
            else
            {
                Interlocked.Add(ref failing, entries.Count);
            }
        }).ConfigureAwait(false);

        // What was copied is completed in one round trip. Entries left pending (the pass was stopped, or the completion
        // failed) are copied again by a later pass, which the version guard makes harmless.
        if (!done.IsEmpty)
        {
            await _repairLog.CompleteAsync([.. done], cancellationToken).ConfigureAwait(false);
            repaired = done.Count;
        }

        return new RepairRunResult(repaired, failing);
    }

    private async Task<bool> RepairAsync(RepairEntry<TKey> entry, CancellationToken cancellationToken)
    {
        var (source, target) = entry.Target == StoreRole.Old ? (_new, _old) : (_old, _new);
        var record = await source.GetAsync(entry.Key, cancellationToken).ConfigureAwait(false);

        // The source must hold the entry's version (or a later one); if it does not, there is nothing safe to copy yet.
        if (record is null || record.Version < entry.Version)
        {
            return false;
        }

        await target.UpsertAsync(record, cancellationToken).ConfigureAwait(false);

        // Applied, or ignored because the target already holds this version or a newer one: either way it is caught up.
        return true;
    }
}
