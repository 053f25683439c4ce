namespace DualWrite.MySql.Stores;

/// <summary>
/// The transaction committed, but one or more after-commit callbacks threw. Every callback ran (one failing does not
/// stop the next), and their exceptions are in <see cref="InnerExceptions"/> in order. Catching this means the data
/// is durable: retrying the whole unit of work would apply it twice.
/// </summary>
public sealed class MySqlAfterCommitException : Exception
{
    /// <summary>Creates an exception over the callbacks' failures.</summary>
    public MySqlAfterCommitException(IReadOnlyList<Exception> innerExceptions)
        : base(Describe(innerExceptions), innerExceptions is { Count: > 0 } ? innerExceptions[0] : null)
    {
        InnerExceptions = innerExceptions;
    }

    /// <summary>The callbacks' exceptions, in the order the callbacks ran.</summary>
    public IReadOnlyList<Exception> InnerExceptions { get; }

    private static string Describe(IReadOnlyList<Exception> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var first = failures.Count > 0 ? $" The first: {failures[0].GetType().Name}: {failures[0].Message}" : "";
        return $"The transaction committed, but {failures.Count} after-commit callback(s) failed.{first}";
    }
}
