using DualWrite.Core.Reconciliation;

namespace DualWrite.Migration.Tests.Reconcile;

/// <summary>A reconciliation's progress, handed to <paramref name="onChunk"/> on the reconciler's own thread as each chunk is recorded.</summary>
internal sealed class ChunkProgress(Action<ReconcileProgress> onChunk) : IProgress<ReconcileProgress>
{
    public void Report(ReconcileProgress value) => onChunk(value);
}
