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
/// repair log's depth), so the query sees what the decorator's reads see.
/// </remarks>
public sealed class QueryRouter
{
    private readonly IPhaseSource _phases;

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
}
