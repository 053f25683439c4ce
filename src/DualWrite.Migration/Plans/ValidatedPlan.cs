namespace DualWrite.Migration.Plans;

/// <summary>A plan checked against the live source: every entity resolved to its table and column mappings.</summary>
/// <param name="Plan">The plan as loaded.</param>
/// <param name="Entities">One entry per <see cref="MigrationPlan.Entities"/> entry, in the same order.</param>
public sealed record ValidatedPlan(MigrationPlan Plan, IReadOnlyList<ValidatedEntity> Entities);
