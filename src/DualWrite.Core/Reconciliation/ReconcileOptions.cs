namespace DualWrite.Core.Reconciliation;

/// <summary>How a reconciliation run behaves.</summary>
public sealed record ReconcileOptions
{
    /// <summary>Source rows per chunk: the unit that is digested, checkpointed and resumed.</summary>
    public int ChunkSize { get; init; } = 10_000;

    /// <summary>How many ranges are compared at once.</summary>
    public int Parallelism { get; init; } = 2;

    /// <summary>
    /// How long a re-check waits for the change feed to pass the point the source was read at, in all, before the
    /// keys still differing are reported (as <see cref="DifferenceKind.TargetBehind"/> when the feed did not get there).
    /// </summary>
    public TimeSpan RecheckBound { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Forget the chunks an unfinished earlier run compared and start over.</summary>
    public bool Fresh { get; init; }

    /// <summary>Repair every persistent difference through the pair's repairer, then re-verify what was repaired.</summary>
    public bool Repair { get; init; }

    /// <summary>With <see cref="Repair"/>: list what would be repaired, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>How many differing keys a report lists.</summary>
    public int MaxSamples { get; init; } = 20;
}

/// <summary>A running comparison's figures, for a progress bar.</summary>
/// <param name="Entity">The entity.</param>
/// <param name="SourceRows">Source rows compared so far (resumed chunks included).</param>
/// <param name="Chunks">Chunks finished so far.</param>
/// <param name="Differences">Persistent differences so far.</param>
public sealed record ReconcileProgress(string Entity, long SourceRows, long Chunks, long Differences);
