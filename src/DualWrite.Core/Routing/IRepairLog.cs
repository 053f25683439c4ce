using DualWrite.Core.Phases;

namespace DualWrite.Core.Routing;

/// <summary>
/// The durable log of secondary writes that failed. An entry stays pending until a repair proves the target
/// store holds its version; appending is the last step before a write is acknowledged, so an implementation
/// must only return from <see cref="AppendAsync"/> once the entry is durable.
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
public interface IRepairLog<TKey>
    where TKey : notnull
{
    /// <summary>Records <paramref name="entry"/> as pending. Appending the same <see cref="RepairEntry{TKey}.Id"/> twice keeps one entry.</summary>
    ValueTask AppendAsync(RepairEntry<TKey> entry, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> pending entries of <paramref name="entity"/>, oldest first.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="max"/> is not positive.</exception>
    ValueTask<IReadOnlyList<RepairEntry<TKey>>> ReadPendingAsync(string entity, int max, CancellationToken cancellationToken);

    /// <summary>Whether any pending entry says <paramref name="target"/> may lack a write of <paramref name="key"/>.</summary>
    ValueTask<bool> HasPendingAsync(string entity, TKey key, StoreRole target, CancellationToken cancellationToken);

    /// <summary>Whether any pending entry of <paramref name="entity"/> names <paramref name="target"/>, whatever its key (the target is behind somewhere).</summary>
    ValueTask<bool> HasPendingTowardAsync(string entity, StoreRole target, CancellationToken cancellationToken);

    /// <summary>
    /// Marks <paramref name="entries"/> done, in one round trip where the log can; completing an entry that is no
    /// longer pending does nothing.
    /// </summary>
    ValueTask CompleteAsync(IReadOnlyCollection<RepairEntry<TKey>> entries, CancellationToken cancellationToken);
}
