using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;

namespace DualWrite.MySql.Control;

/// <summary>One row of the phase table: an entity's current phase as stored.</summary>
/// <param name="Entity">The entity.</param>
/// <param name="PhaseName">The phase name as stored (may be anything if the row was edited by hand).</param>
/// <param name="Revision">Bumped by every change; the compare-and-set token.</param>
/// <param name="UpdatedAt">When it was last changed (UTC).</param>
/// <param name="UpdatedBy">Who changed it last.</param>
public sealed record PhaseState(string Entity, string PhaseName, long Revision, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    /// <summary>The stored phase, or null when <see cref="PhaseName"/> is not a phase name.</summary>
    public MigrationPhase? Phase => PhaseFlagSchema.TryParsePhase(PhaseName, out var phase) ? phase : null;
}
