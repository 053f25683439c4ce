namespace DualWrite.Core.Reconciliation;

/// <summary>What a repair did, or would do, for one key.</summary>
public enum RepairKind
{
    /// <summary>The source's current row was written into the target.</summary>
    Write,

    /// <summary>The target's extra row was replaced by a tombstone.</summary>
    Tombstone,

    /// <summary>Nothing was written: the target holds a version at least as new (the version guard refused it).</summary>
    SkippedNewer,
}

/// <summary>One repair.</summary>
/// <param name="Key">The key repaired.</param>
/// <param name="Kind">What was (or would be) done.</param>
/// <param name="Version">The version written, or the newer one that stopped it.</param>
/// <param name="Applied">False for a dry run, and for <see cref="RepairKind.SkippedNewer"/>.</param>
public sealed record RepairAction(RowKey Key, RepairKind Kind, long Version, bool Applied);

/// <summary>Repairs persistent differences: the source's current row into the target through the version guard, extras tombstoned.</summary>
public interface IReconcileRepairer
{
    /// <summary>
    /// Repairs <paramref name="differences"/> (never over a newer version) and records every repair; with
    /// <paramref name="dryRun"/> writes nothing and returns what it would do.
    /// </summary>
    Task<IReadOnlyList<RepairAction>> RepairAsync(IReadOnlyList<RowDifference> differences, bool dryRun, CancellationToken cancellationToken);
}
