using DualWrite.Core.Phases;
using DualWrite.Migration.Gates;

namespace DualWrite.Migration.Tests.Gates;

/// <summary>The `reconciled` gate over the reconciler's runs table in a real PostgreSQL.</summary>
public sealed class ReconciledGateTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static ReconciledGate Gate(GateRig rig) => new(rig.Plan, rig.Servers.Target, rig.Clock);

    [Fact]
    public async Task AMoveThatNeitherReadsNorWritesTheNewStore_Passes_WithoutAReport()
    {
        await using var rig = await GateRig.CreateAsync("g_rec_old");

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.OldOnly), Ct);

        result.Should().Be(GateResult.Pass("Backfill neither reads nor writes the new store"));
    }

    [Theory]
    [InlineData(MigrationPhase.Backfill)]
    [InlineData(MigrationPhase.DualWriteReadOld)]
    [InlineData(MigrationPhase.DualWriteReadNew)]
    public async Task NoFinishedReport_IsRefused_SayingHowToReconcile(MigrationPhase from)
    {
        await using var rig = await GateRig.CreateAsync("g_rec_none");
        var gate = Gate(rig);
        var beforeAnyRun = await gate.EvaluateAsync(GateRig.Move(from), Ct);
        await rig.AddRunAsync(finishedAt: null);

        var unfinished = await gate.EvaluateAsync(GateRig.Move(from), Ct);

        foreach (var result in new[] { beforeAnyRun, unfinished })
        {
            result.Passed.Should().BeFalse();
            result.Reason.Should().Contain("entity 'items' was never reconciled to the end").And.Contain("run `dualwrite reconcile --plan test.yaml --entity items`");
        }
    }

    [Fact]
    public async Task ACleanRecentReport_AfterThePhaseChange_OfTheCurrentShape_Passes()
    {
        await using var rig = await GateRig.CreateAsync("g_rec_pass");
        await rig.AddRunAsync(GateRig.Now.AddMinutes(-50), verifiedAs: "binlog.000003:4567");

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill, since: GateRig.Now.AddHours(-2)), Ct);

        result.Passed.Should().BeTrue(result.Reason);
        result.Reason.Should().Contain("finished 2026-09-14 09:10:00 UTC").And.Contain("is clean, 50m old, verified as of binlog.000003:4567");
    }

    [Fact]
    public async Task TheLastReport_NotClean_IsRefused_WithItsDifferences_EvenAfterACleanOne()
    {
        await using var rig = await GateRig.CreateAsync("g_rec_dirty");
        await rig.AddRunAsync(GateRig.Now.AddMinutes(-30));
        await rig.AddRunAsync(GateRig.Now.AddMinutes(-10), clean: false, missing: 2, differing: 1);

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill), Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("found 3 differences").And.Contain("`dualwrite reconcile --plan test.yaml --entity items`");
    }

    [Fact]
    public async Task AReportOlderThanMaxAge_IsRefused_WithItsAge()
    {
        await using var rig = await GateRig.CreateAsync("g_rec_stale", p => p with { Reconcile = new() { MaxAge = TimeSpan.FromMinutes(30) } });
        await rig.AddRunAsync(GateRig.Now.AddMinutes(-95));

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill), Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("is 1h 35m old, older than reconcile.maxAge (30m)");
    }

    [Fact]
    public async Task AReportFromBeforeTheLastPhaseChange_IsRefused()
    {
        await using var rig = await GateRig.CreateAsync("g_rec_phase");
        await rig.AddRunAsync(GateRig.Now.AddMinutes(-20));

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.DualWriteReadOld, since: GateRig.Now.AddMinutes(-5)), Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("is from before the entity's last phase change (it entered DualWriteReadOld at 2026-09-14 09:55:00 UTC)")
            .And.Contain("`dualwrite reconcile --plan test.yaml --entity items` now, in DualWriteReadOld");
    }

    [Fact]
    public async Task AMoveWithoutThePhaseChangeTime_IsRefused()
    {
        await using var rig = await GateRig.CreateAsync("g_rec_since");
        await rig.AddRunAsync(GateRig.Now.AddMinutes(-20));

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill) with { FromSince = null }, Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("did not say when 'items' entered Backfill");
    }

    [Fact]
    public async Task AReportOfAnotherShape_AfterADdlStatement_IsRefused()
    {
        await using var rig = await GateRig.CreateAsync("g_rec_ddl");
        await rig.AddRunAsync(GateRig.Now.AddMinutes(-20));
        (await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill), Ct)).Passed.Should().BeTrue("the report fits the table as it was");

        await rig.Servers.ExecuteAsync("ALTER TABLE items ADD COLUMN note VARCHAR(40) NULL");
        await rig.ValidateAsync();
        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill), Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("compared another shape of").And.Contain("a DDL statement?").And.Contain("--resnapshot");
    }

    [Fact]
    public async Task AnEntityThePlanDoesNotHave_IsRefused()
    {
        await using var rig = await GateRig.CreateAsync("g_rec_unknown");

        var result = await Gate(rig).EvaluateAsync(new GateContext("ghosts", MigrationPhase.Backfill, MigrationPhase.DualWriteReadOld), Ct);

        result.Should().Be(GateResult.Fail("the plan test.yaml has no entity 'ghosts' (it has items)"));
    }
}
