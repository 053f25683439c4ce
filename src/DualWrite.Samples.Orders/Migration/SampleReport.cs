using DualWrite.Core.Phases;
using DualWrite.Samples.Orders.Domain;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>One move of the run: the traffic in the phase it left, the move, and what was done around it.</summary>
public sealed record StepReport(MigrationPhase From, MigrationPhase To, PhaseTransitionKind Kind, TrafficStats Traffic, TimeSpan Propagation, IReadOnlyList<string> Notes);

/// <summary>What the run did and found.</summary>
/// <param name="Steps">Every move, in order.</param>
/// <param name="Final">The traffic after the last move (back in OldOnly).</param>
/// <param name="CheckedKeys">Keys the traffic wrote, checked in the old store at the end.</param>
/// <param name="LostWrites">Keys whose last acknowledged write the old store does not hold.</param>
/// <param name="PlacementsNotOnce">Keys whose placement is not in the application's <c>order_events</c> exactly once.</param>
/// <param name="RoundTrip">The comparison of both stores on the way back, in DualWriteReadOld.</param>
/// <param name="PendingRepairs">Repair-log entries still pending at the end.</param>
/// <param name="AuditEntries">Rows in the phase audit trail.</param>
/// <param name="Elapsed">The whole run.</param>
public sealed record SampleReport(
    IReadOnlyList<StepReport> Steps,
    TrafficStats Final,
    long CheckedKeys,
    IReadOnlyList<OrderKey> LostWrites,
    IReadOnlyList<OrderKey> PlacementsNotOnce,
    ComparisonResult<OrderKey> RoundTrip,
    int PendingRepairs,
    int AuditEntries,
    TimeSpan Elapsed)
{
    private IEnumerable<TrafficStats> Stretches => Steps.Select(s => s.Traffic).Append(Final);

    /// <summary>Operations over the whole run.</summary>
    public long Operations => Stretches.Sum(s => s.Operations);

    /// <summary>Failed operations over the whole run.</summary>
    public long Failures => Stretches.Sum(s => s.Failures);

    /// <summary>Reads that missed the reader's own last write, over the whole run.</summary>
    public long StaleReads => Stretches.Sum(s => s.StaleReads);

    /// <summary>The first problem of each stretch that had one.</summary>
    public IEnumerable<string> Problems => Stretches.Select(s => s.FirstProblem).OfType<string>();

    /// <summary>No failure, no stale read, no lost write, every placement recorded once, no difference, nothing left to repair.</summary>
    public bool Succeeded => Failures == 0 && StaleReads == 0 && LostWrites.Count == 0 && PlacementsNotOnce.Count == 0 && RoundTrip.Agree && PendingRepairs == 0;
}
