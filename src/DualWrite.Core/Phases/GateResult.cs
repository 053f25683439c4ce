namespace DualWrite.Core.Phases;

/// <summary>A gate's verdict, with a reason an operator can act on.</summary>
/// <param name="Passed">Whether the gate lets the move through.</param>
/// <param name="Reason">Why; required for a failure, optional for a pass (e.g. "lag 0.4 s &lt; 5 s").</param>
public readonly record struct GateResult(bool Passed, string? Reason)
{
    /// <summary>A passing verdict.</summary>
    public static GateResult Pass(string? reason = null) => new(true, reason);

    /// <summary>A failing verdict naming what is wrong.</summary>
    public static GateResult Fail(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(false, reason);
    }
}
