using DualWrite.Core.Phases;

namespace DualWrite.Core.Routing;

/// <summary>
/// A secondary write that did not (provably) land: <see cref="Target"/> may lack version <see cref="Version"/>
/// of <see cref="Key"/>. The entry names the key, not the value: a repair copies whatever the other store
/// holds then, so a later write is never undone by an old payload.
/// </summary>
/// <typeparam name="TKey">The entity's key type.</typeparam>
/// <param name="Id">Unique per entry; a durable log can use it to make appends idempotent.</param>
/// <param name="Entity">The entity (table or aggregate) the key belongs to.</param>
/// <param name="Key">The key whose write failed.</param>
/// <param name="Target">The store that missed the write.</param>
/// <param name="Version">The version the target must reach (or pass) for the entry to be complete.</param>
/// <param name="Reason">Why the write failed, for operators (usually the exception's type and message).</param>
/// <param name="FailedAt">When the write failed.</param>
public sealed record RepairEntry<TKey>(
    Guid Id,
    string Entity,
    TKey Key,
    StoreRole Target,
    long Version,
    string Reason,
    DateTimeOffset FailedAt)
    where TKey : notnull;
