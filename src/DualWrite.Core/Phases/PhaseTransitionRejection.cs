namespace DualWrite.Core.Phases;

/// <summary>Why a requested phase change was refused.</summary>
public enum PhaseTransitionRejection
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>The current or target phase is not a named phase.</summary>
    UndefinedPhase = 1,

    /// <summary>The target is the current phase.</summary>
    NoChange = 2,

    /// <summary>The target is not in the direction the kind of move allows (forward for an advance, backward for a rollback).</summary>
    WrongDirection = 3,

    /// <summary>The move spans more than one phase but its kind allows one step only.</summary>
    SkipsPhases = 4,

    /// <summary>At least one gate did not pass; see the failing gates on the result.</summary>
    GatesFailed = 5,
}
