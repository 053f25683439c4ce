using DualWrite.Core.Phases;
using Microsoft.Extensions.Logging;

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
    private readonly TimeProvider _time;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IWatched> _watched = new(StringComparer.Ordinal);

    /// <summary>Creates a router over the application's phase source (registered by <c>AddDualWrite</c>).</summary>
    /// <param name="phases">Where each entity's phase is read.</param>
    /// <param name="time">The clock of the repair-log questions' bounds; the system clock when null.</param>
    public QueryRouter(IPhaseSource phases, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(phases);
        _phases = phases;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The store that serves reads for <paramref name="entity"/> now.</summary>
    /// <exception cref="InvalidOperationException">The phase source knows no phase for the entity (the feature-flag source's <c>PhaseUnavailableException</c>: its flag has never been read).</exception>
    public StoreRole ReadsFrom(string entity) => _phases.GetPhase(entity).Routing().Reads;

    /// <summary>Picks <paramref name="old"/> or <paramref name="new"/> (a query, a connection, a repository) by where <paramref name="entity"/> is read now.</summary>
    public T Choose<T>(string entity, T old, T @new) => ReadsFrom(entity) == StoreRole.Old ? old : @new;

    /// <summary>
    /// Lets <see cref="ReadsFromAsync"/> ask <paramref name="repairLog"/> whether a store of <paramref name="entity"/> is
    /// behind, within the bounds of <paramref name="options"/> (as the decorator's reads ask it).
    /// </summary>
    public void Watch<TKey>(string entity, IRepairLog<TKey> repairLog, RepairLookupOptions? options = null, ILogger? logger = null)
        where TKey : notnull
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entity);
        ArgumentNullException.ThrowIfNull(repairLog);
        _watched[entity] = new Watched<TKey>(entity, repairLog, new RepairLogLookup<TKey>(entity, repairLog, options, _time, logger));
    }

    /// <summary>
    /// The store a query of <paramref name="entity"/> should run on now: the phase's read store, unless the phase writes
    /// both stores (or feeds the other), the watched repair log has entries toward the read store and none toward the
    /// other, which then holds every acknowledged write. Otherwise the query stays on the read store and may miss
    /// writes the repair worker has not applied there yet (just after a roll back from NewOnly, say): prefer
    /// <see cref="RouteAsync{TKey}"/>, which names those keys so the result can be corrected. When the log cannot be asked in time, the query stays on the read
    /// store if the log was last seen with no entry toward it in this phase (see <see cref="RepairLookupOptions"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The phase source knows no phase for the entity.</exception>
    /// <exception cref="RepairLogUnavailableException">The repair log could not be asked and was not known to hold nothing toward the read store.</exception>
    public async ValueTask<StoreRole> ReadsFromAsync(string entity, CancellationToken cancellationToken)
    {
        var phase = _phases.GetPhase(entity);
        var reads = phase.Routing().Reads;
        // Only a phase that writes (or feeds) the other store records what that store lacks in the log: in OldOnly
        // and Backfill the new store gets the writes from the change feed, so no entry says it is behind.
        if (phase.Routing().ReachesSecondary
            && _watched.TryGetValue(entity, out var watched)
            && await watched.IsBehindAsync(reads, phase, cancellationToken).ConfigureAwait(false)
            && !await watched.IsBehindAsync(reads.Other(), phase, cancellationToken).ConfigureAwait(false))
        {
            return reads.Other();
        }

        return reads;
    }

    /// <summary>
    /// Where a query of <paramref name="entity"/> should run now — always the phase's read store — and the keys that
    /// store may still lack a write of: those with a pending repair entry toward it. Ask before running the query;
    /// afterwards read each of those keys that the query's condition could match through the decorator (which reads
    /// both stores and returns the newer record) and put it in the result in place of the row the query returned, if
    /// any. An entry completed after this call was repaired before the query ran; one appended after it is a write
    /// that had not been acknowledged when the query began.
    /// </summary>
    /// <typeparam name="TKey">The entity's key type, as it was watched.</typeparam>
    /// <exception cref="InvalidOperationException">The phase source knows no phase for the entity, or it is watched with another key type.</exception>
    /// <exception cref="RepairLogUnavailableException">The repair log could not be asked and was not known to hold nothing toward the read store.</exception>
    public async ValueTask<QueryRoute<TKey>> RouteAsync<TKey>(string entity, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var phase = _phases.GetPhase(entity);
        var reads = phase.Routing().Reads;
        if (!_watched.TryGetValue(entity, out var watched))
        {
            return new QueryRoute<TKey>(reads, new HashSet<TKey>(), Complete: true);
        }

        if (watched is not Watched<TKey> typed)
        {
            throw new InvalidOperationException($"Entity '{entity}' is watched with another key type than {typeof(TKey).Name}.");
        }

        if (!await typed.Lookup.IsBehindAsync(reads, phase, cancellationToken).ConfigureAwait(false))
        {
            return new QueryRoute<TKey>(reads, new HashSet<TKey>(), Complete: true);
        }

        var pending = await DirectedRepairLog<TKey>.Toward(typed.Log, reads).ReadPendingAsync(entity, QueryRoute<TKey>.MaxKeys, cancellationToken).ConfigureAwait(false);
        return new QueryRoute<TKey>(reads, pending.Where(e => e.Target == reads).Select(e => e.Key).ToHashSet(), Complete: pending.Count < QueryRoute<TKey>.MaxKeys);
    }

    private interface IWatched
    {
        ValueTask<bool> IsBehindAsync(StoreRole target, MigrationPhase phase, CancellationToken cancellationToken);
    }

    private sealed record Watched<TKey>(string Entity, IRepairLog<TKey> Log, RepairLogLookup<TKey> Lookup) : IWatched
        where TKey : notnull
    {
        public ValueTask<bool> IsBehindAsync(StoreRole target, MigrationPhase phase, CancellationToken cancellationToken) =>
            Lookup.IsBehindAsync(target, phase, cancellationToken);
    }
}

/// <summary>Where a query runs, and the keys the store may lack a write of (see <see cref="QueryRouter.RouteAsync{TKey}"/>).</summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
/// <param name="From">The store to run the query on.</param>
/// <param name="MayLack">Keys with a pending repair toward <paramref name="From"/>: read them through the decorator and put them in the result.</param>
/// <param name="Complete">False when more entries were pending than <see cref="MaxKeys"/>: <paramref name="MayLack"/> then names only some keys.</param>
public sealed record QueryRoute<TKey>(StoreRole From, IReadOnlySet<TKey> MayLack, bool Complete)
    where TKey : notnull
{
    /// <summary>The most pending entries a route reads.</summary>
    public const int MaxKeys = 10_000;
}
