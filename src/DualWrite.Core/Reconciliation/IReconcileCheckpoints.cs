namespace DualWrite.Core.Reconciliation;

/// <summary>One finished chunk: what was compared and what persisted after the re-check.</summary>
/// <param name="Range">The range's number.</param>
/// <param name="Chunk">The chunk's number within the range, from 0.</param>
/// <param name="LastKey">The last source key of the chunk (a resumed run reads after it); null for a chunk that reached the range's end with no source row.</param>
/// <param name="SourceRows">Source rows in the chunk.</param>
/// <param name="TargetRows">Target rows in the chunk.</param>
/// <param name="SourceDigest">The chunk's digest on the source side (hex).</param>
/// <param name="TargetDigest">The chunk's digest on the target side (hex).</param>
/// <param name="Rechecked">Keys that differed on the first read and were re-checked.</param>
/// <param name="Differences">The differences that persisted after the re-check (and after repair, when repairing).</param>
/// <param name="Repairs">The repairs made (or, for a dry run, planned) in the chunk.</param>
/// <param name="Final">Whether the chunk ends its range.</param>
public sealed record ChunkResult(
    int Range,
    int Chunk,
    RowKey? LastKey,
    long SourceRows,
    long TargetRows,
    string SourceDigest,
    string TargetDigest,
    long Rechecked,
    IReadOnlyList<RowDifference> Differences,
    IReadOnlyList<RepairAction> Repairs,
    bool Final);

/// <summary>
/// Where a run keeps its per-chunk results, so a killed run resumes without comparing its finished chunks again, and
/// where finished reports are kept for the gates (the target's control schema for a plan).
/// </summary>
public interface IReconcileCheckpoints
{
    /// <summary>
    /// Starts or resumes the entity's run: with <paramref name="fresh"/>, or when the last run finished, forgets its
    /// chunks and starts a new run; returns the finished chunks of the run to resume (empty for a new one).
    /// </summary>
    Task<IReadOnlyList<ChunkResult>> BeginAsync(string entity, bool fresh, CancellationToken cancellationToken);

    /// <summary>Records a finished chunk.</summary>
    Task RecordChunkAsync(string entity, ChunkResult chunk, CancellationToken cancellationToken);

    /// <summary>Records the run's report and ends the run.</summary>
    Task FinishAsync(EntityReport report, CancellationToken cancellationToken);
}
