using DualWrite.Core.Phases;

namespace DualWrite.Hosting.Flags;

/// <summary>
/// One entity's served phase and flag diagnosis at one moment. Immutable: a refresh swaps in a new one,
/// so the hot path reads a consistent pair (phase, problem) with one volatile load.
/// </summary>
internal sealed class PhaseCellState
{
    public static readonly PhaseCellState NotLoaded = new(hasPhase: false, default, loaded: false, PhaseFlagProblem.None, null, null, null);

    private PhaseCellState(bool hasPhase, MigrationPhase phase, bool loaded, PhaseFlagProblem problem, string? detail, DateTimeOffset? readAt, DateTimeOffset? problemSince)
    {
        HasPhase = hasPhase;
        Phase = phase;
        Loaded = loaded;
        Problem = problem;
        Detail = detail;
        ReadAt = readAt;
        ProblemSince = problemSince;
    }

    /// <summary>Whether a valid phase has ever been read; then <see cref="Phase"/> is the last good one.</summary>
    public bool HasPhase { get; }

    public MigrationPhase Phase { get; }

    public bool Loaded { get; }

    public PhaseFlagProblem Problem { get; }

    public string? Detail { get; }

    public DateTimeOffset? ReadAt { get; }

    public DateTimeOffset? ProblemSince { get; }

    public PhaseSourceHealth Health =>
        !Loaded ? PhaseSourceHealth.NotLoaded
        : Problem == PhaseFlagProblem.None ? PhaseSourceHealth.Healthy
        : HasPhase ? PhaseSourceHealth.Stale
        : PhaseSourceHealth.Unavailable;

    /// <summary>The state after <paramref name="reading"/>: a valid reading replaces the phase, an invalid one keeps the last good phase.</summary>
    public PhaseCellState Next(PhaseFlagReading reading, DateTimeOffset now)
    {
        if (reading.IsValid)
        {
            return new PhaseCellState(hasPhase: true, reading.Phase, loaded: true, PhaseFlagProblem.None, null, now, null);
        }

        var sameProblem = Problem == reading.Problem && string.Equals(Detail, reading.Detail, StringComparison.Ordinal);
        return new PhaseCellState(HasPhase, Phase, loaded: true, reading.Problem, reading.Detail, now, sameProblem ? ProblemSince : now);
    }

    /// <summary>Whether going from this state to <paramref name="next"/> is worth a log line (phase or diagnosis changed).</summary>
    public bool DiffersFrom(PhaseCellState next) =>
        HasPhase != next.HasPhase || Phase != next.Phase || Problem != next.Problem || !string.Equals(Detail, next.Detail, StringComparison.Ordinal);

    public PhaseFlagStatus ToStatus(string entity, string flagName) =>
        new(entity, flagName, HasPhase ? Phase : null, Health, Problem, Detail, ReadAt, ProblemSince);
}
