using System.Diagnostics.CodeAnalysis;
using DualWrite.Core.Phases;

namespace DualWrite.MySql.Control;

/// <summary>What became of a requested phase change.</summary>
/// <param name="Decision">The planner's decision: allowed, or why not (with every gate's verdict).</param>
/// <param name="State">The entity's new row when the change was applied; null when it was rejected.</param>
/// <param name="AuditId">The audit row written with the change, or recording its refusal.</param>
public sealed record PhaseTransitionOutcome(PhaseTransitionResult Decision, PhaseState? State, long AuditId)
{
    /// <summary>Whether the change was applied (the phase row and the audit row were committed together).</summary>
    [MemberNotNullWhen(true, nameof(State))]
    public bool Applied => Decision.Allowed && State is not null;
}
