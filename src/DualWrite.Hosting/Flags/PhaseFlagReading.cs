using DualWrite.Core.Phases;

namespace DualWrite.Hosting.Flags;

/// <summary>The outcome of reading one flag once: a phase, or what is wrong.</summary>
internal readonly record struct PhaseFlagReading(MigrationPhase Phase, PhaseFlagProblem Problem, string? Detail)
{
    public bool IsValid => Problem == PhaseFlagProblem.None;

    public static PhaseFlagReading Valid(MigrationPhase phase) => new(phase, PhaseFlagProblem.None, null);

    public static PhaseFlagReading Invalid(PhaseFlagProblem problem, string detail) => new(default, problem, detail);
}
