namespace DualWrite.Core.Phases;

/// <summary>
/// The shape rules for phase changes, independent of gates: forward one step at a time, back one step
/// with <see cref="PhaseTransitionKind.StepBack"/>, back any number of steps with <see cref="PhaseTransitionKind.RollbackTo"/>.
/// </summary>
public static class PhaseTransitionRules
{
    /// <summary>Checks a move from <paramref name="from"/> to <paramref name="to"/> of the given kind.</summary>
    /// <returns><see cref="PhaseTransitionRejection.None"/> when the move is well-formed, otherwise the reason it is not.</returns>
    public static PhaseTransitionRejection Check(MigrationPhase from, MigrationPhase to, PhaseTransitionKind kind)
    {
        if (!from.IsDefined() || !to.IsDefined())
        {
            return PhaseTransitionRejection.UndefinedPhase;
        }

        if (from == to)
        {
            return PhaseTransitionRejection.NoChange;
        }

        var steps = (int)to - (int)from;
        return kind switch
        {
            PhaseTransitionKind.Advance => steps < 0 ? PhaseTransitionRejection.WrongDirection
                : steps > 1 ? PhaseTransitionRejection.SkipsPhases
                : PhaseTransitionRejection.None,
            PhaseTransitionKind.StepBack => steps > 0 ? PhaseTransitionRejection.WrongDirection
                : steps < -1 ? PhaseTransitionRejection.SkipsPhases
                : PhaseTransitionRejection.None,
            PhaseTransitionKind.RollbackTo => steps > 0 ? PhaseTransitionRejection.WrongDirection : PhaseTransitionRejection.None,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a transition kind."),
        };
    }
}
