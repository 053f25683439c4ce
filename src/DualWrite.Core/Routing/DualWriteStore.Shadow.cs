using System.Collections.Concurrent;
using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Stores;

namespace DualWrite.Core.Routing;

/// <content>Shadow reads: sampled reads of the other store, compared in the background.</content>
public sealed partial class DualWriteStore<TKey, TValue>
{
    private readonly ConcurrentDictionary<Task, byte> _shadowComparisons = new();

    /// <summary>Waits for the shadow comparisons in flight (for tests and orderly shutdown).</summary>
    public Task WhenShadowReadsIdleAsync() => Task.WhenAll(_shadowComparisons.Keys);

    private bool ShouldShadow() => _shadow.SampleRate > 0 && (_shadow.SampleRate >= 1 || Random.Shared.NextDouble() < _shadow.SampleRate);

    private Task<VersionedRecord<TKey, TValue>?> StartShadowRead(TKey key, StoreRole role) =>
        ReadWithTimeoutAsync(Store(role), key, _shadow.Timeout);

    private async Task<VersionedRecord<TKey, TValue>?> ReadWithTimeoutAsync(IVersionedStore<TKey, TValue> store, TKey key, TimeSpan timeout)
    {
        // Not the caller's token: the caller may be long gone by the time a shadow read finishes.
        using var cts = new CancellationTokenSource(timeout, _time);
        return await store.GetAsync(key, cts.Token).ConfigureAwait(false);
    }

    private void TrackShadowComparison(Task comparison)
    {
        _shadowComparisons.TryAdd(comparison, 0);
        comparison.ContinueWith(
            static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _),
            _shadowComparisons,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task CompareShadowAsync(TKey key, StoreRole readStore, VersionedRecord<TKey, TValue>? served, Task<VersionedRecord<TKey, TValue>?> shadowRead)
    {
        ShadowReadResult result;
        VersionedRecord<TKey, TValue>? shadow = null;
        try
        {
            shadow = await shadowRead.ConfigureAwait(false);
            result = SameRecord(served, shadow) ? ShadowReadResult.Match : await RecheckAsync(key, readStore).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            result = ShadowReadResult.Timeout;
        }
#pragma warning disable CA1031 // A failed shadow read is counted, never surfaced: the caller already has its answer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogShadowReadFailed(_logger, Entity, ex);
            result = ShadowReadResult.Error;
        }

        _metrics?.RecordShadowComparison(Entity, result);
        if (result is ShadowReadResult.Match or ShadowReadResult.Mismatch)
        {
            _objectives?.RecordShadowComparison(result == ShadowReadResult.Mismatch);
        }

        if (result == ShadowReadResult.Mismatch)
        {
            if (_shadow.LogValues)
            {
                LogShadowMismatchWithValues(_logger, Entity, key, Describe(served), Describe(shadow));
            }
            else
            {
                LogShadowMismatch(_logger, Entity, key, served?.Version, shadow?.Version);
            }
        }
    }

    /// <summary>
    /// Reads both stores again after a pause: a write in flight between the two stores, or one waiting in the
    /// repair log, is not a mismatch. Only a difference that persists with nothing pending is.
    /// </summary>
    private async Task<ShadowReadResult> RecheckAsync(TKey key, StoreRole readStore)
    {
        await Task.Delay(_shadow.RecheckDelay, _time).ConfigureAwait(false);
        var first = await ReadWithTimeoutAsync(Store(readStore), key, _shadow.Timeout).ConfigureAwait(false);
        var second = await ReadWithTimeoutAsync(Store(readStore.Other()), key, _shadow.Timeout).ConfigureAwait(false);
        if (SameRecord(first, second))
        {
            return ShadowReadResult.Match;
        }

        var pending = await _repairLog.HasPendingAsync(Entity, key, readStore, CancellationToken.None).ConfigureAwait(false)
            || await _repairLog.HasPendingAsync(Entity, key, readStore.Other(), CancellationToken.None).ConfigureAwait(false);
        return pending ? ShadowReadResult.Match : ShadowReadResult.Mismatch;
    }

    /// <summary>Whether two reads agree: absent and deleted count as the same, and live records must match in version and value.</summary>
    private bool SameRecord(VersionedRecord<TKey, TValue>? a, VersionedRecord<TKey, TValue>? b)
    {
        var aLive = a is { IsTombstone: false };
        var bLive = b is { IsTombstone: false };
        if (!aLive || !bLive)
        {
            return aLive == bLive;
        }

        return a!.Version == b!.Version && _valueComparer.Equals(a.Value!, b.Value!);
    }

    private static string Describe(VersionedRecord<TKey, TValue>? record) =>
        record is null ? "absent" : record.IsTombstone ? $"tombstone v{record.Version}" : $"v{record.Version} {record.Value}";
}
