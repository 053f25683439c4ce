namespace DualWrite.Migration.Plans;

/// <summary>One thing wrong with a migration plan: where it is written, what it is about, and why it is wrong.</summary>
/// <param name="Location">The offending node in the plan file.</param>
/// <param name="Subject">What the problem is about: a key path (<c>backfill.chunkSize</c>) or an entity and column (<c>entities[0] orders.total</c>).</param>
/// <param name="Message">Why it is wrong and, where there is one, what to write instead. It never holds a secret's value.</param>
public sealed record PlanProblem(PlanLocation Location, string Subject, string Message)
{
    /// <summary>The problem as compilers print one: <c>file:line:col: subject: message</c>.</summary>
    public override string ToString() => $"{Location}: {Subject}: {Message}";
}
