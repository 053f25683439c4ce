using DualWrite.Core.Phases;

namespace DualWrite.MySql.Control;

/// <summary>
/// Another phase change committed after this one read the current phase: this one wrote nothing. Read the
/// phase again and decide anew (a retry must not blindly repeat an advance that someone else already made).
/// </summary>
public sealed class PhaseConflictException : PhaseControlException
{
    /// <summary>Creates the exception.</summary>
    public PhaseConflictException(string entity, MigrationPhase expectedPhase, long expectedRevision, PhaseState? current)
        : base(
            PhaseControlError.Conflict,
            entity,
            $"The phase of entity '{entity}' changed while this change was being decided: it was {expectedPhase} at revision {expectedRevision}, " +
            (current is null ? "and its row is gone." : $"and is now {current.PhaseName} at revision {current.Revision} (by {current.UpdatedBy}).") +
            " Nothing was written; read the phase again before retrying.")
    {
        ExpectedPhase = expectedPhase;
        ExpectedRevision = expectedRevision;
        Current = current;
    }

    /// <summary>The phase this change was decided on.</summary>
    public MigrationPhase ExpectedPhase { get; }

    /// <summary>The revision this change was decided on.</summary>
    public long ExpectedRevision { get; }

    /// <summary>The row as it was found after the conflict, if it still exists.</summary>
    public PhaseState? Current { get; }
}
