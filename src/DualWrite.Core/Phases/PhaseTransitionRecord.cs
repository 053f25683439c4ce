namespace DualWrite.Core.Phases;

/// <summary>The audit entry for a phase change that was allowed: what moved, who moved it, why, when, and what the gates said.</summary>
/// <param name="Entity">The entity that moved.</param>
/// <param name="From">Its phase before.</param>
/// <param name="To">Its phase after.</param>
/// <param name="Kind">The kind of move.</param>
/// <param name="Actor">Who asked for it.</param>
/// <param name="Reason">Why.</param>
/// <param name="At">When it was decided, from the planner's <see cref="TimeProvider"/>.</param>
/// <param name="Gates">Every gate's verdict; empty for backward moves, which run no gates.</param>
public sealed record PhaseTransitionRecord(
    string Entity,
    MigrationPhase From,
    MigrationPhase To,
    PhaseTransitionKind Kind,
    string Actor,
    string Reason,
    DateTimeOffset At,
    IReadOnlyList<GateOutcome> Gates);
