namespace DualWrite.Core.Phases;

/// <summary>One gate's verdict on one move, as reported and audited.</summary>
/// <param name="GateName">The gate's <see cref="IPhaseGate.Name"/>.</param>
/// <param name="Result">Its verdict.</param>
public readonly record struct GateOutcome(string GateName, GateResult Result);
