namespace DualWrite.Core.Phases;

/// <summary>
/// A check a forward phase move must pass (reconciliation clean, CDC lag under a bound, secondary error
/// rate under a bound). A gate that does not concern a given move passes it.
/// </summary>
public interface IPhaseGate
{
    /// <summary>A short stable name for reports and the audit trail, e.g. "reconciliation".</summary>
    string Name { get; }

    /// <summary>Judges the move described by <paramref name="context"/>.</summary>
    ValueTask<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken);
}
