namespace DualWrite.Core.Reconciliation;

/// <summary>What one entity's reconciliation found.</summary>
public sealed record EntityReport
{
    /// <summary>The entity.</summary>
    public required string Entity { get; init; }

    /// <summary>Source → target.</summary>
    public required string Display { get; init; }

    /// <summary>The compared columns, in the order of the rows' values.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>When this part of the run started (a resumed run: when it was resumed).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it finished.</summary>
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>Time spent in this process (a resumed run does not count the killed part).</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Source rows compared.</summary>
    public long SourceRows { get; init; }

    /// <summary>Target rows compared.</summary>
    public long TargetRows { get; init; }

    /// <summary>Chunks compared in all.</summary>
    public long Chunks { get; init; }

    /// <summary>Chunks taken from an earlier, killed run without being compared again.</summary>
    public long ChunksResumed { get; init; }

    /// <summary>Chunks whose digests differed on the first read.</summary>
    public long ChunksDiffering { get; init; }

    /// <summary>Source rows whose target row matches.</summary>
    public long Matching { get; init; }

    /// <summary>Keys missing in the target (after the re-check).</summary>
    public long Missing { get; init; }

    /// <summary>Keys extra in the target.</summary>
    public long Extra { get; init; }

    /// <summary>Keys whose values differ.</summary>
    public long Differing { get; init; }

    /// <summary>Keys on which the target is behind the source (lag, not divergence).</summary>
    public long Lagging { get; init; }

    /// <summary>Keys that differed on the first read and were re-checked (most agree once the feed has passed).</summary>
    public long Rechecked { get; init; }

    /// <summary>Keys repaired (written or tombstoned; planned ones for a dry run).</summary>
    public long Repaired { get; init; }

    /// <summary>Whether repairs were only listed.</summary>
    public bool DryRun { get; init; }

    /// <summary>The feed position the result holds at ("verified as of"), or null when the feed never got there.</summary>
    public FeedPosition? VerifiedAs { get; init; }

    /// <summary>The shapes compared (<see cref="IReconcilePair.SchemaFingerprint"/>).</summary>
    public required string SchemaFingerprint { get; init; }

    /// <summary>Up to <see cref="ReconcileOptions.MaxSamples"/> persistent differences.</summary>
    public IReadOnlyList<RowDifference> Samples { get; init; } = [];

    /// <summary>Up to <see cref="ReconcileOptions.MaxSamples"/> repairs.</summary>
    public IReadOnlyList<RepairAction> RepairSamples { get; init; } = [];

    /// <summary>No difference persists: nothing missing, extra, differing or lagging.</summary>
    public bool Clean => Missing + Extra + Differing + Lagging == 0;
}

/// <summary>A reconciliation report over one or more entities (a plan's, or one pair's).</summary>
/// <param name="Plan">The plan's name, or the pair's owner.</param>
/// <param name="Entities">One report per entity.</param>
/// <param name="GeneratedAt">When the report was made.</param>
public sealed record ReconcileReport(string Plan, IReadOnlyList<EntityReport> Entities, DateTimeOffset GeneratedAt)
{
    /// <summary>The schema identifier the JSON form carries (docs/reconcile.md).</summary>
    public const string SchemaId = "dualwrite.reconcile/v1";

    /// <summary>Every entity is clean.</summary>
    public bool Clean => Entities.All(e => e.Clean);
}
