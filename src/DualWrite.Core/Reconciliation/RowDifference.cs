namespace DualWrite.Core.Reconciliation;

/// <summary>What kind of difference a key shows.</summary>
public enum DifferenceKind
{
    /// <summary>The source has a live row the target lacks.</summary>
    MissingInTarget,

    /// <summary>The target has a live row the source lacks.</summary>
    ExtraInTarget,

    /// <summary>Both have the row with different values (<see cref="RowDifference.Columns"/> names them).</summary>
    ValuesDiffer,

    /// <summary>
    /// The target has not caught up with the source for this key: the source's version is newer, or the change feed
    /// did not pass the point the source was read at within the bound. Lag, not divergence.
    /// </summary>
    TargetBehind,
}

/// <summary>One key that differs after its re-check.</summary>
/// <param name="Key">The key.</param>
/// <param name="Kind">How it differs.</param>
/// <param name="Columns">The columns whose values differ (<see cref="DifferenceKind.ValuesDiffer"/>, and <see cref="DifferenceKind.TargetBehind"/> when both have the row); empty otherwise.</param>
/// <param name="SourceVersion">The source row's version, when known.</param>
/// <param name="TargetVersion">The target row's version, when it has the row.</param>
/// <param name="Source">The source row as last read, or null when absent.</param>
/// <param name="Target">The target row as last read, or null when absent.</param>
public sealed record RowDifference(
    RowKey Key,
    DifferenceKind Kind,
    IReadOnlyList<string> Columns,
    long? SourceVersion,
    long? TargetVersion,
    ReconcileRow? Source,
    ReconcileRow? Target);
