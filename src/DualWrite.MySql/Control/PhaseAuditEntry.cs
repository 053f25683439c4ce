using DualWrite.Core.Phases;

namespace DualWrite.MySql.Control;

/// <summary>One row of the audit table: a phase change that was applied, or a request that was refused (<see cref="Rejection"/>).</summary>
/// <param name="Id">The row's id, increasing in the order changes were committed.</param>
/// <param name="Entity">The entity that moved.</param>
/// <param name="From">Its phase before; null for the initialization that created the entity's row.</param>
/// <param name="To">Its phase after (for a refusal: the phase asked for).</param>
/// <param name="Kind">The kind of move; null for the initialization and for an action that moves nothing (<see cref="Action"/>).</param>
/// <param name="Actor">Who made it.</param>
/// <param name="Reason">Why.</param>
/// <param name="At">When it was decided (UTC, microseconds).</param>
/// <param name="Gates">Every gate's verdict; empty for backward moves, the initialization and requests refused before the gates ran.</param>
/// <param name="Revision">The revision the phase row got with this change (for a refusal: the revision it kept).</param>
public sealed record PhaseAuditEntry(
    long Id,
    string Entity,
    MigrationPhase? From,
    MigrationPhase To,
    PhaseTransitionKind? Kind,
    string Actor,
    string Reason,
    DateTimeOffset At,
    IReadOnlyList<GateOutcome> Gates,
    long Revision)
{
    /// <summary>Why the request was refused; <see cref="PhaseTransitionRejection.None"/> for an applied change.</summary>
    public PhaseTransitionRejection Rejection { get; init; }

    /// <summary>Whether this entry records a change that was made (the initialization included), not a refusal.</summary>
    public bool Applied => Rejection == PhaseTransitionRejection.None;

    /// <summary>The <c>kind</c> column as stored: a <see cref="PhaseTransitionKind"/> name, <see cref="MySqlPhaseControl.InitializeKind"/> or <see cref="MySqlPhaseControl.ReconcileKind"/>.</summary>
    public string Action { get; init; } = MySqlPhaseControl.InitializeKind;

    /// <summary>Whether this entry records the entity's initialization rather than a move.</summary>
    public bool IsInitialization => Kind is null && Action == MySqlPhaseControl.InitializeKind;
}
