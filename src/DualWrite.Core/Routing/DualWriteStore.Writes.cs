using DualWrite.Core.Phases;
using DualWrite.Core.Stores;

namespace DualWrite.Core.Routing;

/// <content>The write path: authoritative store first, then the secondary, then the repair log on failure.</content>
public sealed partial class DualWriteStore<TKey, TValue>
{
    /// <summary>The reason on the entries NewOnly leaves for the old store.</summary>
    internal const string FedReason = "old store fed from NewOnly";

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

    private static string OperationName(VersionedRecord<TKey, TValue> record) => record.IsTombstone ? "delete" : "upsert";

    private async ValueTask<WriteResult> WriteAsync(VersionedRecord<TKey, TValue> record, CancellationToken cancellationToken)
    {
        var routing = CurrentRouting();
        if (routing.ReachesSecondary && Store(routing.WriteAuthority) is IOutboxStore<TKey, TValue> outbox)
        {
            return await WriteThroughOutboxAsync(outbox, record, routing, cancellationToken).ConfigureAwait(false);
        }

        // A failure here propagates: nothing is acknowledged, and nothing was sent to the secondary.
        var result = await Measure(routing.WriteAuthority, OperationName(record), static (s, r, ct) => Apply(s, r, ct), record, cancellationToken).ConfigureAwait(false);

        // An older version lost to a newer write, which carried its own secondary write. The same version is a
        // retry, perhaps of a call whose secondary write failed unrecorded, so the secondary is written again.
        if (!routing.ReachesSecondary || result == WriteResult.IgnoredOlderVersion)
        {
            return result;
        }

        if (routing.FeedsSecondary)
        {
            await RecordForRepairAsync(record, routing.Secondary, FedReason, failure: null).ConfigureAwait(false);
            return result;
        }

        var failure = await TryWriteSecondaryAsync(record, routing.Secondary, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            await RecordForRepairAsync(record, routing.Secondary, $"{failure.GetType().Name}: {failure.Message}", failure).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// The outbox path: the record and an intent naming the secondary commit together; once committed, the secondary
    /// is written and the intent completed. A failure or crash after the commit leaves the intent pending for repair.
    /// Where the phase only feeds the secondary (<see cref="PhaseRouting.FeedsSecondary"/>), the intent is left for the
    /// repair worker.
    /// </summary>
    private async ValueTask<WriteResult> WriteThroughOutboxAsync(
        IOutboxStore<TKey, TValue> outbox, VersionedRecord<TKey, TValue> record, PhaseRouting routing, CancellationToken cancellationToken)
    {
        var fed = routing.FeedsSecondary;
        var intent = NewRepairEntry(record, routing.Secondary, fed ? FedReason : "secondary write pending");
        var start = _time.GetTimestamp();
        var failed = true;
        try
        {
            var result = await outbox.WriteWithIntentAsync(
                record,
                intent,
                async ct =>
                {
                    if (fed)
                    {
                        _metrics?.RecordRepairAppend(Entity);
                        return;
                    }

                    var failure = await TryWriteSecondaryAsync(record, intent.Target, ct).ConfigureAwait(false);
                    if (failure is null)
                    {
                        await CompleteIntentAsync(intent).ConfigureAwait(false);
                    }
                    else
                    {
                        LogSecondaryFailed(_logger, Entity, intent.Target, record.Version, failure);
                    }
                },
                cancellationToken).ConfigureAwait(false);
            failed = false;
            return result;
        }
        finally
        {
            var end = _time.GetTimestamp();
            _objectives?.RecordCall(end - start, failed);
            _metrics?.RecordOperation(Entity, routing.WriteAuthority, OperationName(record), _time.GetElapsedTime(start, end), failed);
        }
    }

    /// <summary>Writes the secondary through the resilience pipeline; returns the failure instead of throwing it.</summary>
    private async ValueTask<Exception?> TryWriteSecondaryAsync(VersionedRecord<TKey, TValue> record, StoreRole target, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        Exception? failure = null;
        // The secondary write stands on its own: never inside a caller's transaction on the secondary's database.
        using var outside = AmbientTransactions.Suppress();
        try
        {
            var outstanding = _outstandingWrites[(int)target];
            if (outstanding.IsWaiting)
            {
                throw new TimeoutException($"An earlier write to the {target} store is still outstanding past its timeout; the write is recorded for repair without waiting.");
            }

            // The pipeline's timeouts cancel the attempt, but a driver may take long to give up on a server that
            // hangs (cancelling a query needs the server too): past the total timeout the write is left to finish
            // on its own, the caller goes on with the failure recorded for repair, and until it ends the store is
            // not written again (the circuit breaker only counts attempts that ended).
            var write = _secondaryPipeline.ExecuteAsync(
                static (state, ct) => Apply(state.Store, state.Record, ct),
                (Store: Store(target), Record: record),
                cancellationToken).AsTask();
            try
            {
                await write.WaitAsync(_secondaryWrites.TotalTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!write.IsCompleted)
            {
                outstanding.LeaveToFinish(write);
                throw new TimeoutException($"The {target} store did not complete the write within {_secondaryWrites.TotalTimeout.TotalMilliseconds:0} ms; it is left to finish and the write is recorded for repair.");
            }
        }
#pragma warning disable CA1031 // Any secondary failure, cancellation included, must reach the repair log rather than the caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        _objectives?.RecordSecondaryWrite(failure is not null);
        _metrics?.RecordSecondaryWrite(Entity, target, OperationName(record), _time.GetElapsedTime(start), failure is not null);

        return failure;
    }

    private async ValueTask CompleteIntentAsync(RepairEntry<TKey> intent)
    {
        try
        {
            // Not the caller's token: the write is done, and leaving the intent pending only costs a needless repair.
            await _repairLog.CompleteAsync([intent], CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A pending intent is safe: the repair worker finds the secondary caught up and completes it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogIntentNotCompleted(_logger, Entity, intent.Id, ex);
        }
    }

    private RepairEntry<TKey> NewRepairEntry(VersionedRecord<TKey, TValue> record, StoreRole target, string reason)
    {
        var now = _time.GetUtcNow();
        return new RepairEntry<TKey>(Guid.CreateVersion7(now), Entity, record.Key, target, record.Version, reason, now);
    }

    /// <summary>
    /// Appends an entry saying <paramref name="target"/> still lacks <paramref name="record"/>: after
    /// <paramref name="failure"/> of its secondary write, or (with none) because the phase feeds that store through the log.
    /// </summary>
    private async ValueTask RecordForRepairAsync(VersionedRecord<TKey, TValue> record, StoreRole target, string reason, Exception? failure)
    {
        if (failure is not null)
        {
            LogSecondaryFailed(_logger, Entity, target, record.Version, failure);
        }

        var entry = NewRepairEntry(record, target, reason);
        // Kept whatever the caller's transaction does next: a rolled-back entry would lose the repair.
        using var outside = AmbientTransactions.Suppress();
        try
        {
            // Not the caller's token: the authoritative write has landed, so its trace must be kept even if the caller gave up.
            await _repairLog.AppendAsync(entry, CancellationToken.None).ConfigureAwait(false);
            _metrics?.RecordRepairAppend(Entity);
        }
#pragma warning disable CA1031 // Rethrown as the typed failure that carries both causes.
        catch (Exception logFailure)
#pragma warning restore CA1031
        {
            var why = failure is null ? "is fed through the repair log" : $"failed ({failure.Message})";
            var message = $"The write of {Entity} key '{record.Key}' version {record.Version} reached the authoritative store, but the {target} store {why} and the repair log could not record it ({logFailure.Message}).";
            throw failure is null
                ? new SecondaryWriteUnrecordedException(message, logFailure)
                : new SecondaryWriteUnrecordedException(message, failure, logFailure);
        }
    }
}
