using DualWrite.Core.Phases;

namespace DualWrite.Core.Routing;

/// <summary>
/// Where the application's own queries for an entity go now — those beyond reads by key (by customer, joins,
/// search), which the decorator cannot route because they are not calls on the store: the store that serves reads in
/// the entity's current phase, the same the decorator reads from.
/// </summary>
/// <remarks>
/// Ask once per query and run the whole query on the answer: a flip between two queries is fine, a query split across
/// stores is not. During the dual-write phases both stores hold every acknowledged write (the secondary may trail by the
/// repair log's depth), so the query sees what the decorator's reads see. For an entity whose repair log it watches
/// (<see cref="Watch{TKey}"/>; <c>AddEntity</c> does), <see cref="ReadsFromAsync"/> also sends the query to the other
/// store while the read store is behind and the other is not: just after a step back from NewOnly, the old store still
/// lacks the writes the repair worker has not yet fed it, and the new store holds them.
/// </remarks>
public sealed class QueryRouter
{
    private readonly IPhaseSource _phases;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<StoreRole, CancellationToken, ValueTask<bool>>> _behind = new(StringComparer.Ordinal);

    /// <summary>Creates a router over the application's phase source (registered by <c>AddDualWrite</c>).</summary>
    public QueryRouter(IPhaseSource phases)
    {
        ArgumentNullException.ThrowIfNull(phases);
        _phases = phases;
    }

    /// <summary>The store that serves reads for <paramref name="entity"/> now.</summary>
    /// <exception cref="InvalidOperationException">The phase source knows no phase for the entity (the feature-flag source's <c>PhaseUnavailableException</c>: its flag has never been read).</exception>
    public StoreRole ReadsFrom(string entity) => _phases.GetPhase(entity).Routing().Reads;

    /// <summary>Picks <paramref name="old"/> or <paramref name="new"/> (a query, a connection, a repository) by where <paramref name="entity"/> is read now.</summary>
    public T Choose<T>(string entity, T old, T @new) => ReadsFrom(entity) == StoreRole.Old ? old : @new;

    /// <summary>Lets <see cref="ReadsFromAsync"/> ask <paramref name="repairLog"/> whether a store of <paramref name="entity"/> is behind.</summary>
    public void Watch<TKey>(string entity, IRepairLog<TKey> repairLog)
        where TKey : notnull
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        ArgumentNullException.ThrowIfNull(repairLog);
        _behind[entity] = (target, ct) => repairLog.HasPendingTowardAsync(entity, target, ct);
    }

    /// <summary>
    /// The store a query of <paramref name="entity"/> should run on now: the phase's read store, unless the watched
    /// repair log has entries toward it and none toward the other store, which then holds every acknowledged write.
    /// </summary>
    /// <exception cref="InvalidOperationException">The phase source knows no phase for the entity.</exception>
    public async ValueTask<StoreRole> ReadsFromAsync(string entity, CancellationToken cancellationToken)
    {
        var reads = ReadsFrom(entity);
        if (_behind.TryGetValue(entity, out var behind)
            && await behind(reads, cancellationToken).ConfigureAwait(false)
            && !await behind(reads.Other(), cancellationToken).ConfigureAwait(false))
        {
            return reads.Other();
        }

        return reads;
    }
}
