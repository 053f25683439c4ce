namespace DualWrite.Hosting.Flags;

/// <summary>
/// An entity's phase is not known: its flag has never resolved to a valid phase in this process. Routing
/// on a guess could send writes to the wrong store, so the call fails instead.
/// </summary>
public sealed class PhaseUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="entity"/>.</summary>
    public PhaseUnavailableException(string entity, string flagName, PhaseFlagProblem problem, string detail)
        : base($"No phase is known for entity '{entity}': {detail}")
    {
        Entity = entity;
        FlagName = flagName;
        Problem = problem;
        Detail = detail;
    }

    /// <summary>The entity whose phase was asked for.</summary>
    public string Entity { get; }

    /// <summary>The feature flag that should carry its phase.</summary>
    public string FlagName { get; }

    /// <summary>What is wrong with the flag.</summary>
    public PhaseFlagProblem Problem { get; }

    /// <summary>The problem in words, naming the flag and the value at fault.</summary>
    public string Detail { get; }
}
