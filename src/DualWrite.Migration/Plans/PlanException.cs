namespace DualWrite.Migration.Plans;

/// <summary>A migration plan that cannot be used; <see cref="Problems"/> lists everything found wrong, in file order.</summary>
public sealed class PlanException : Exception
{
    /// <summary>Creates the exception for <paramref name="problems"/> (at least one).</summary>
    public PlanException(IReadOnlyList<PlanProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception for a single problem.</summary>
    public PlanException(PlanProblem problem)
        : this([problem])
    {
    }

    /// <summary>Every problem found, ordered by line and column.</summary>
    public IReadOnlyList<PlanProblem> Problems { get; }

    private static string Describe(IReadOnlyList<PlanProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0)
        {
            throw new ArgumentException("A plan exception needs at least one problem.", nameof(problems));
        }

        var heading = problems.Count == 1 ? "The migration plan has a problem:" : $"The migration plan has {problems.Count} problems:";
        return heading + Environment.NewLine + string.Join(Environment.NewLine, problems);
    }
}
