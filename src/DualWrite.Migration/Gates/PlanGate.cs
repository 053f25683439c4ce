using DualWrite.Core.Phases;
using DualWrite.Migration.Plans;

namespace DualWrite.Migration.Gates;

/// <summary>
/// A gate of a migration plan: it finds the moved entity among the plan's (a move of an entity the plan does not have
/// fails), then judges the move of that entity.
/// </summary>
public abstract class PlanGate : IPhaseGate
{
    /// <summary>Creates the gate over a validated plan, on <paramref name="time"/> (<see cref="TimeProvider.System"/> when null).</summary>
    protected PlanGate(ValidatedPlan plan, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        Time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>The plan, validated against the source.</summary>
    protected ValidatedPlan Plan { get; }

    /// <summary>The gate's clock.</summary>
    protected TimeProvider Time { get; }

    /// <inheritdoc />
    public async ValueTask<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entity = Plan.Entities.FirstOrDefault(e => string.Equals(e.Plan.Name, context.Entity, StringComparison.Ordinal));
        return entity is null
            ? GateResult.Fail($"the plan {Plan.Plan.File} has no entity '{context.Entity}' (it has {string.Join(", ", Plan.Entities.Select(e => e.Plan.Name))})")
            : await JudgeAsync(entity, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Judges the move <paramref name="context"/> of <paramref name="entity"/>, the plan's entity it names.</summary>
    protected abstract ValueTask<GateResult> JudgeAsync(ValidatedEntity entity, GateContext context, CancellationToken cancellationToken);
}
