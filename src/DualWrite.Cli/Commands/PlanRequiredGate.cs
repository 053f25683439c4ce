using DualWrite.Core.Phases;

namespace DualWrite.Cli.Commands;

/// <summary>
/// The gate of <c>phase advance</c> without <c>--plan</c>: moves that keep writing the old store only pass; a move into
/// a phase that writes both stores needs the plan, whose gates (the version order among them) decide it.
/// </summary>
internal sealed class PlanRequiredGate : IPhaseGate
{
    public string Name => "plan";

    public ValueTask<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(context.To < MigrationPhase.DualWriteReadOld
            ? GateResult.Pass($"{context.To} writes the old store only")
            : GateResult.Fail($"{context.To} writes both stores: name the entity's migration plan with --plan, so its gates decide the move"));
    }
}
