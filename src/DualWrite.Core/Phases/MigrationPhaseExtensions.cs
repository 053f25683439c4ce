namespace DualWrite.Core.Phases;

/// <summary>Routing and ordering helpers for <see cref="MigrationPhase"/>.</summary>
public static class MigrationPhaseExtensions
{
    /// <summary>The first phase.</summary>
    public const MigrationPhase First = MigrationPhase.OldOnly;

    /// <summary>The last phase.</summary>
    public const MigrationPhase Last = MigrationPhase.NewOnly;

    /// <summary>Whether <paramref name="phase"/> is one of the named phases (not a stray integer from storage).</summary>
    public static bool IsDefined(this MigrationPhase phase) => phase is >= First and <= Last;

    /// <summary>How the application routes reads and writes in <paramref name="phase"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="phase"/> is not a named phase.</exception>
    public static PhaseRouting Routing(this MigrationPhase phase) => phase switch
    {
        MigrationPhase.OldOnly => new(phase, StoreRole.Old, WritesSecondary: false, StoreRole.Old),
        MigrationPhase.Backfill => new(phase, StoreRole.Old, WritesSecondary: false, StoreRole.Old),
        MigrationPhase.DualWriteReadOld => new(phase, StoreRole.Old, WritesSecondary: true, StoreRole.Old),
        MigrationPhase.DualWriteReadNew => new(phase, StoreRole.New, WritesSecondary: true, StoreRole.New),
        MigrationPhase.NewOnly => new(phase, StoreRole.New, WritesSecondary: false, StoreRole.New),
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "Not a migration phase."),
    };

    /// <summary>The phase after <paramref name="phase"/>, or <see langword="null"/> for the last one.</summary>
    public static MigrationPhase? Next(this MigrationPhase phase) =>
        phase.IsDefined() && phase < Last ? phase + 1 : null;

    /// <summary>The phase before <paramref name="phase"/>, or <see langword="null"/> for the first one.</summary>
    public static MigrationPhase? Previous(this MigrationPhase phase) =>
        phase.IsDefined() && phase > First ? phase - 1 : null;
}
