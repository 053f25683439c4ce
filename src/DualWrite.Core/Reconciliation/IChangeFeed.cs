namespace DualWrite.Core.Reconciliation;

/// <summary>
/// A point in the stream of changes that carries the source's writes to the target (a binlog position for the
/// catch-up, a moment for the decorator's dual writes). Positions compare by <see cref="Ordinal"/>.
/// </summary>
/// <param name="Display">How reports show it, e.g. <c>mysql-bin.000004:1183</c>.</param>
/// <param name="Ordinal">Its place in the feed: a later position has a greater ordinal.</param>
public sealed record FeedPosition(string Display, long Ordinal) : IComparable<FeedPosition>
{
    /// <inheritdoc />
    public int CompareTo(FeedPosition? other) => other is null ? 1 : Ordinal.CompareTo(other.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Display;
}

/// <summary>The change feed from a pair's source to its target, which the reconciler waits on before it re-checks a difference.</summary>
public interface IChangeFeed
{
    /// <summary>The source's head now: every change committed so far lies at or before it.</summary>
    ValueTask<FeedPosition> HeadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the target has applied every change up to <paramref name="position"/>, for at most
    /// <paramref name="bound"/>; false when the bound passed first (the feed is stopped or behind).
    /// </summary>
    ValueTask<bool> WaitAppliedAsync(FeedPosition position, TimeSpan bound, CancellationToken cancellationToken);
}
