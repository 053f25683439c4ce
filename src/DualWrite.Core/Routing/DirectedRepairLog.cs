using DualWrite.Core.Phases;

namespace DualWrite.Core.Routing;

/// <summary>
/// One repair log made of two: entries that name the new store as their target live in one log, entries that name
/// the old store in the other. This is how both stores can be transactional outboxes: while the old store is
/// authoritative its intents commit with its writes in its own database, and while the new store is, its intents
/// commit in the new store's database. Appends, lookups and completions go to the log of the entry's target; reads
/// of pending entries merge both, oldest first.
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
public sealed class DirectedRepairLog<TKey> : IRepairLog<TKey>
    where TKey : notnull
{
    private readonly IRepairLog<TKey> _towardNew;
    private readonly IRepairLog<TKey> _towardOld;

    /// <summary>Creates the pair.</summary>
    /// <param name="towardNew">Holds the entries whose target is the new store (the old store's outbox log, if it is one).</param>
    /// <param name="towardOld">Holds the entries whose target is the old store (the new store's outbox log, if it is one).</param>
    /// <exception cref="ArgumentException">Both are the same log: then it is simply that log.</exception>
    public DirectedRepairLog(IRepairLog<TKey> towardNew, IRepairLog<TKey> towardOld)
    {
        ArgumentNullException.ThrowIfNull(towardNew);
        ArgumentNullException.ThrowIfNull(towardOld);
        if (ReferenceEquals(towardNew, towardOld))
        {
            throw new ArgumentException("Both directions use the same log; pass that log itself instead of a DirectedRepairLog.", nameof(towardOld));
        }

        _towardNew = towardNew;
        _towardOld = towardOld;
    }

    /// <summary>The log that holds the entries whose target is <paramref name="target"/>.</summary>
    public IRepairLog<TKey> For(StoreRole target) => target == StoreRole.New ? _towardNew : _towardOld;

    /// <summary>The log of <paramref name="log"/> that holds entries toward <paramref name="target"/>: its part if it is a <see cref="DirectedRepairLog{TKey}"/>, else itself.</summary>
    public static IRepairLog<TKey> Toward(IRepairLog<TKey> log, StoreRole target) =>
        log is DirectedRepairLog<TKey> directed ? directed.For(target) : log;

    /// <inheritdoc />
    public ValueTask AppendAsync(RepairEntry<TKey> entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return For(entry.Target).AppendAsync(entry, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RepairEntry<TKey>>> ReadPendingAsync(string entity, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var towardNew = await _towardNew.ReadPendingAsync(entity, max, cancellationToken).ConfigureAwait(false);
        var towardOld = await _towardOld.ReadPendingAsync(entity, max, cancellationToken).ConfigureAwait(false);

        // Each part is oldest first, so the oldest max of both are among these; a stable sort keeps each part's order on ties.
        return [.. towardNew.Concat(towardOld).OrderBy(e => e.FailedAt).Take(max)];
    }

    /// <inheritdoc />
    public ValueTask<bool> HasPendingAsync(string entity, TKey key, StoreRole target, CancellationToken cancellationToken) =>
        For(target).HasPendingAsync(entity, key, target, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> HasPendingTowardAsync(string entity, StoreRole target, CancellationToken cancellationToken) =>
        For(target).HasPendingTowardAsync(entity, target, cancellationToken);

    /// <inheritdoc />
    public async ValueTask CompleteAsync(IReadOnlyCollection<RepairEntry<TKey>> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var toward in entries.GroupBy(e => e.Target))
        {
            await For(toward.Key).CompleteAsync([.. toward], cancellationToken).ConfigureAwait(false);
        }
    }
}
