using DualWrite.Core.Stores;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>What a comparison of two stores found.</summary>
/// <param name="Compared">Keys looked at (present in either store).</param>
/// <param name="Differing">Keys whose records differ after the recheck, at most <see cref="StoreComparison{TKey, TValue}.MaxReported"/>.</param>
/// <param name="DifferingCount">How many keys differ after the recheck.</param>
public sealed record ComparisonResult<TKey>(long Compared, IReadOnlyList<TKey> Differing, long DifferingCount)
{
    /// <summary>Whether the stores agree on every key.</summary>
    public bool Agree => DifferingCount == 0;
}

/// <summary>
/// Compares two stores key by key with one merged ordered scan of each (a simple stand-in for the reconciler):
/// two records agree when both are absent or tombstones, or both are live with the same version and equal values.
/// Keys that differ are read again once <paramref name="settle"/> has let the writes in flight land (the catch-up
/// applied what the source has logged, the decorator's secondary writes done), so those are not reported.
/// </summary>
/// <param name="left">One store.</param>
/// <param name="right">The other store.</param>
/// <param name="valueComparer">Compares live records' values.</param>
/// <param name="settle">Waits until the writes in flight when it is called have reached both stores.</param>
public sealed class StoreComparison<TKey, TValue>(
    IVersionedStore<TKey, TValue> left,
    IVersionedStore<TKey, TValue> right,
    IEqualityComparer<TValue> valueComparer,
    Func<CancellationToken, Task> settle)
    where TKey : notnull
{
    /// <summary>How many differing keys a result lists.</summary>
    public const int MaxReported = 20;

    private const int BatchSize = 1000;

    /// <summary>Compares every key of both stores.</summary>
    public async Task<ComparisonResult<TKey>> CompareAsync(CancellationToken cancellationToken)
    {
        var comparer = left.KeyComparer;
        var suspects = new List<TKey>();
        long compared = 0;
        var l = left.ScanAsync(KeyRange<TKey>.All, BatchSize, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var r = right.ScanAsync(KeyRange<TKey>.All, BatchSize, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (l.ConfigureAwait(false))
        await using (r.ConfigureAwait(false))
        {
            var hasL = await l.MoveNextAsync().ConfigureAwait(false);
            var hasR = await r.MoveNextAsync().ConfigureAwait(false);
            while (hasL || hasR)
            {
                compared++;
                var order = !hasL ? 1 : !hasR ? -1 : comparer.Compare(l.Current.Key, r.Current.Key);
                var a = order <= 0 ? l.Current : null;
                var b = order >= 0 ? r.Current : null;
                if (!Agree(a, b))
                {
                    suspects.Add((a ?? b)!.Key);
                }

                if (order <= 0)
                {
                    hasL = await l.MoveNextAsync().ConfigureAwait(false);
                }

                if (order >= 0)
                {
                    hasR = await r.MoveNextAsync().ConfigureAwait(false);
                }
            }
        }

        if (suspects.Count == 0)
        {
            return new ComparisonResult<TKey>(compared, [], 0);
        }

        await settle(cancellationToken).ConfigureAwait(false);
        var differing = new List<TKey>();
        foreach (var key in suspects)
        {
            var a = await left.GetAsync(key, cancellationToken).ConfigureAwait(false);
            var b = await right.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (!Agree(a, b))
            {
                differing.Add(key);
            }
        }

        return new ComparisonResult<TKey>(compared, [.. differing.Take(MaxReported)], differing.Count);
    }

    private bool Agree(VersionedRecord<TKey, TValue>? a, VersionedRecord<TKey, TValue>? b)
    {
        var aLive = a is { IsTombstone: false };
        var bLive = b is { IsTombstone: false };
        if (!aLive || !bLive)
        {
            return aLive == bLive;
        }

        return a!.Version == b!.Version && valueComparer.Equals(a.Value!, b.Value!);
    }
}
