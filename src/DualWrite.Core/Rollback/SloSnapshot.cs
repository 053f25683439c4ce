namespace DualWrite.Core.Rollback;

/// <summary>One entity's counts over its window.</summary>
/// <param name="Entity">The entity measured.</param>
/// <param name="Window">The span the counts cover.</param>
/// <param name="Calls">Calls to the authoritative or read store.</param>
/// <param name="SlowOrFailedCalls">Calls that failed or took longer than the latency threshold.</param>
/// <param name="SecondaryWrites">Secondary writes attempted.</param>
/// <param name="SecondaryFailures">Secondary writes that failed after retries.</param>
/// <param name="ShadowComparisons">Shadow reads compared.</param>
/// <param name="ShadowMismatches">Shadow reads with a confirmed mismatch.</param>
public readonly record struct SloSnapshot(
    string Entity,
    TimeSpan Window,
    long Calls,
    long SlowOrFailedCalls,
    long SecondaryWrites,
    long SecondaryFailures,
    long ShadowComparisons,
    long ShadowMismatches)
{
    /// <summary>The share of secondary writes that failed, or 0 with none.</summary>
    public double SecondaryErrorRate => Rate(SecondaryFailures, SecondaryWrites);

    /// <summary>The share of shadow comparisons that found a mismatch, or 0 with none.</summary>
    public double ShadowMismatchRate => Rate(ShadowMismatches, ShadowComparisons);

    /// <summary>The share of calls that failed or were slow, or 0 with none.</summary>
    public double SlowRate => Rate(SlowOrFailedCalls, Calls);

    private static double Rate(long part, long whole) => whole == 0 ? 0 : (double)part / whole;
}
