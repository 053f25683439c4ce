using DualWrite.Core.Reconciliation;
using DualWrite.Core.Phases;
using DualWrite.Samples.Orders.Domain;

namespace DualWrite.Samples.Orders.Migration;

/// <summary>One move of the run: the traffic in the phase it left, the move, and what was done around it.</summary>
/// <param name="From">The phase the stretch ran in.</param>
/// <param name="To">Where the move went.</param>
/// <param name="Kind">Advance or step back.</param>
/// <param name="Traffic">The application's traffic in <paramref name="From"/>.</param>
/// <param name="OutOfBandWrites">The back-office job's plain-SQL changes in <paramref name="From"/>.</param>
/// <param name="Propagation">How long the application took to see the move.</param>
/// <param name="Notes">What was done and found around the move.</param>
public sealed record StepReport(MigrationPhase From, MigrationPhase To, PhaseTransitionKind Kind, TrafficStats Traffic, long OutOfBandWrites, TimeSpan Propagation, IReadOnlyList<string> Notes);

/// <summary>What the run did and found.</summary>
/// <param name="Steps">Every move, in order.</param>
/// <param name="Final">The traffic after the last move (back in OldOnly).</param>
/// <param name="CheckedKeys">Keys the traffic wrote, checked in the old store at the end.</param>
/// <param name="LostWrites">Keys whose last acknowledged write the old store does not hold.</param>
/// <param name="PlacementsNotOnce">Keys whose placement is not in the application's <c>order_events</c> exactly once.</param>
/// <param name="RoundTrip">The reconciliation of both stores on the way back, in DualWriteReadOld.</param>
/// <param name="EndComparison">The reconciliation of both stores at the end, with nothing in flight.</param>
/// <param name="Reconciliation">The plan's reconciliation of the table at the end (source against target, the catch-up running).</param>
/// <param name="OutOfBandWrites">Changes the back-office job made with plain SQL over the whole run.</param>
/// <param name="OutOfBandNotArrived">Checks that found the job's last change missing from the new store after the catch-up.</param>
/// <param name="PendingRepairs">Repair-log entries still pending at the end.</param>
/// <param name="AuditEntries">Rows in the phase audit trail.</param>
/// <param name="Elapsed">The whole run.</param>
public sealed record SampleReport(
    IReadOnlyList<StepReport> Steps,
    TrafficStats Final,
    long CheckedKeys,
    IReadOnlyList<OrderKey> LostWrites,
    IReadOnlyList<OrderKey> PlacementsNotOnce,
    EntityReport RoundTrip,
    EntityReport EndComparison,
    ReconcileReport Reconciliation,
    long OutOfBandWrites,
    IReadOnlyList<string> OutOfBandNotArrived,
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

    /// <summary>
    /// No failure, no stale read, no lost write, every placement recorded once, every plain-SQL change arrived, no
    /// difference on the way back or at the end (record by record and row by row), nothing left to repair.
    /// </summary>
    public bool Succeeded => Failures == 0 && StaleReads == 0 && LostWrites.Count == 0 && PlacementsNotOnce.Count == 0 && OutOfBandNotArrived.Count == 0
        && RoundTrip.Clean && EndComparison.Clean && Reconciliation.Entities.Count > 0 && Reconciliation.Clean && PendingRepairs == 0;
}
