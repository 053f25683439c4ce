using DualWrite.Core.Phases;

namespace DualWrite.Hosting.Flags;

/// <summary>What a phase source knows about one entity's flag, for health checks and dashboards.</summary>
/// <param name="Entity">The entity.</param>
/// <param name="FlagName">The feature flag that carries its phase.</param>
/// <param name="Phase">The phase served: the flag's value, or its last good value when the flag is invalid; null when none is known.</param>
/// <param name="Health">Whether <paramref name="Phase"/> is what the flag currently says.</param>
/// <param name="Problem">What is wrong with the flag, if anything.</param>
/// <param name="Detail">The problem in words, naming the flag and the value at fault; null when healthy.</param>
/// <param name="ReadAt">When the flag was last read; null before the first read.</param>
/// <param name="ProblemSince">When the current problem was first seen; null when healthy.</param>
public sealed record PhaseFlagStatus(
    string Entity,
    string FlagName,
    MigrationPhase? Phase,
    PhaseSourceHealth Health,
    PhaseFlagProblem Problem,
    string? Detail,
    DateTimeOffset? ReadAt,
    DateTimeOffset? ProblemSince);
