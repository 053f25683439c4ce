namespace DualWrite.Core.Phases;

/// <summary>What a gate is asked to judge: one entity's forward move.</summary>
/// <param name="Entity">The entity (table or aggregate) being moved.</param>
/// <param name="From">The entity's current phase.</param>
/// <param name="To">The phase it would move to.</param>
public sealed record GateContext(string Entity, MigrationPhase From, MigrationPhase To)
{
    /// <summary>
    /// When the entity entered <see cref="From"/>, as the transitioner read it with the current phase (the phase row's
    /// last change); null when the transitioner does not know. Gates that judge what happened in the current phase
    /// (a reconciliation, error figures) count from here.
    /// </summary>
    public DateTimeOffset? FromSince { get; init; }
}
