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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<StoreRole, MigrationPhase, CancellationToken, ValueTask<bool>>> _behind = new(StringComparer.Ordinal);

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
        var lookup = new RepairLogLookup<TKey>(entity, repairLog, options, _time, logger);
        _behind[entity] = lookup.IsBehindAsync;
    }

    /// <summary>
    /// The store a query of <paramref name="entity"/> should run on now: the phase's read store, unless the watched
    /// repair log has entries toward it and none toward the other store, which then holds every acknowledged write.
    /// When the log cannot be asked in time, the query stays on the read store if the log was last seen with no entry
    /// toward it in this phase (see <see cref="RepairLookupOptions"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The phase source knows no phase for the entity.</exception>
    /// <exception cref="RepairLogUnavailableException">The repair log could not be asked and was not known to hold nothing toward the read store.</exception>
    public async ValueTask<StoreRole> ReadsFromAsync(string entity, CancellationToken cancellationToken)
    {
        var phase = _phases.GetPhase(entity);
        var reads = phase.Routing().Reads;
        if (_behind.TryGetValue(entity, out var behind)
            && await behind(reads, phase, cancellationToken).ConfigureAwait(false)
            && !await behind(reads.Other(), phase, cancellationToken).ConfigureAwait(false))
        {
            return reads.Other();
        }

        return reads;
    }
}
