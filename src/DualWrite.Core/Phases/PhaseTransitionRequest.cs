namespace DualWrite.Core.Phases;

/// <summary>A request to move one entity between phases, with who asks and why (both kept in the audit trail).</summary>
/// <param name="Entity">The entity (table or aggregate) to move.</param>
/// <param name="From">The phase the requester believes the entity is in.</param>
/// <param name="To">The phase to move it to.</param>
/// <param name="Kind">The kind of move, which decides the shape rules and whether gates run.</param>
/// <param name="Actor">Who asks: an operator's name or a policy's identifier.</param>
/// <param name="Reason">Why, in words an auditor can read later.</param>
public sealed record PhaseTransitionRequest(
    string Entity,
    MigrationPhase From,
    MigrationPhase To,
    PhaseTransitionKind Kind,
    string Actor,
    string Reason)
{
    /// <summary>When the entity entered <see cref="From"/>, if the requester knows; handed to the gates (<see cref="GateContext.FromSince"/>).</summary>
    public DateTimeOffset? FromSince { get; init; }
}
