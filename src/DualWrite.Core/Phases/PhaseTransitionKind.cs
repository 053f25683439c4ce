namespace DualWrite.Core.Phases;

/// <summary>The kinds of phase change an operator or policy can ask for.</summary>
public enum PhaseTransitionKind
{
    /// <summary>One step forward; every gate must pass.</summary>
    Advance = 0,

    /// <summary>One step back; always allowed, no gates.</summary>
    StepBack = 1,

    /// <summary>Back to any earlier phase in one move; always allowed, no gates. The emergency path.</summary>
    RollbackTo = 2,
}
