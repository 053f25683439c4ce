namespace DualWrite.Hosting.Flags;

/// <summary>What is wrong with an entity's phase flag, when something is.</summary>
public enum PhaseFlagProblem
{
    /// <summary>The flag assigns a valid phase.</summary>
    None = 0,

    /// <summary>No flag of that name is defined.</summary>
    MissingFlag = 1,

    /// <summary>The flag exists but is disabled.</summary>
    DisabledFlag = 2,

    /// <summary>The flag is enabled but assigns no variant (no <c>allocation.default_when_enabled</c>, or it names an undeclared variant).</summary>
    NoVariant = 3,

    /// <summary>The assigned variant's name is not a phase name.</summary>
    UnknownVariant = 4,

    /// <summary>Evaluating the flag failed (invalid flag configuration, or the feature manager threw).</summary>
    EvaluationFailed = 5,
}
