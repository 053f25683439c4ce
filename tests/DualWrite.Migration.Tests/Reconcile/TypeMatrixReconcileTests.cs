using DualWrite.Core.Reconciliation;
using DualWrite.Migration.Engine;
using DualWrite.Migration.Plans;
using DualWrite.Migration.Tests.Engine;

namespace DualWrite.Migration.Tests.Reconcile;

/// <summary>
/// The backfill's type matrix (<see cref="TypeRoundTripTests"/>), reconciled through the plan reconciler: every mapped
/// type digests alike on both sides, whether its rows came from the snapshot or from the binlog.
/// </summary>
public sealed class TypeMatrixReconcileTests
{
    private static readonly BackfillOptions SnapshotOnly = new() { CatchUp = null, ProgressInterval = TimeSpan.Zero };

    [Fact]
    public async Task EveryMappedType_ReconcilesClean_AfterTheSnapshot()
    {
        await using var rig = await BackfillRig.CreateAsync("rc_types");
        await rig.ExecuteAsync(TypeRoundTripTests.CreateSql);
        await rig.ExecuteAsync(TypeRoundTripTests.InsertSql);
        var plan = await rig.PlanOverAsync(BackfillRig.Entity("all_types"));

        await BackfillRunner.Create(plan, rig.SourceConnectionString, rig.Target, rig.Log).RunAsync(SnapshotOnly, CancellationToken.None);

        await ShouldReconcileCleanAsync(rig, plan);
    }

    [Fact]
    public async Task EveryMappedType_ReconcilesClean_AfterTheCatchUp()
    {
        await using var rig = await BackfillRig.CreateAsync("rc_types_cdc");
        await rig.ExecuteAsync(TypeRoundTripTests.CreateSql);
        var plan = await rig.PlanOverAsync(BackfillRig.Entity("all_types"));
        var runner = BackfillRunner.Create(plan, rig.SourceConnectionString, rig.Target, rig.Log);
        await runner.RunAsync(SnapshotOnly, CancellationToken.None);
        await rig.ExecuteAsync(TypeRoundTripTests.InsertSql);

        // The rows reach the target only through the binlog decoder; the reconciler reads them back through SELECT.
        await runner.RunAsync(new BackfillOptions { CatchUp = new CatchUpStop { At = await rig.MasterPositionAsync() }, ProgressInterval = TimeSpan.Zero }, CancellationToken.None);

        await ShouldReconcileCleanAsync(rig, plan);
    }

    private static async Task ShouldReconcileCleanAsync(BackfillRig rig, ValidatedPlan plan)
    {
        // One row per chunk: a value that digests differently on the two sides shows in its own chunk.
        var report = await rig.ReconcilePlanAsync(plan, BackfillRig.ExpectEqual with { ChunkSize = 1 });

        report.Clean.Should().BeTrue(BackfillRig.Describe(report));
        (report.Missing, report.Extra, report.Differing, report.Lagging).Should().Be((0L, 0L, 0L, 0L));
        report.SourceRows.Should().Be(3, "the matrix has three rows");
        report.TargetRows.Should().Be(3);
        report.Matching.Should().Be(3);
        report.Chunks.Should().BeGreaterThanOrEqualTo(3);
        report.ChunksDiffering.Should().Be(0, "every value digests alike on both sides on the first read, with no re-check needed");
        report.Rechecked.Should().Be(0);
        report.Columns.Should().HaveCount(33, "every column of the matrix is compared");
    }
}
