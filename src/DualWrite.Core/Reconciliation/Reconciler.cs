namespace DualWrite.Core.Reconciliation;

/// <summary>
/// The reconciliation engine: compares a pair's two keyed row streams range by range and chunk by chunk, first by a
/// digest of each side's chunk over the canonical encoding, then row by row inside the chunks whose digests differ;
/// re-checks each differing key once the change feed has passed the point it was read at, and reports only what
/// persists, classified. See docs/reconcile.md.
/// </summary>
/// <param name="options">How the run behaves.</param>
/// <param name="time">The clock for durations and the re-check bound.</param>
public sealed partial class Reconciler(ReconcileOptions options, TimeProvider? time = null)
{
    private readonly ReconcileOptions _options = options ?? throw new ArgumentNullException(nameof(options));
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Reconciles one pair, resuming from <paramref name="checkpoints"/>.</summary>
    public Task<EntityReport> RunAsync(IReconcilePair pair, IReconcileCheckpoints checkpoints, IProgress<ReconcileProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(checkpoints);
        _ = _options;
        _ = _time;
        throw new NotImplementedException("The engine lands in the next commit.");
    }
}
