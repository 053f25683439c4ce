using DualWrite.Core.Phases;
using DualWrite.Migration.Gates;

namespace DualWrite.Migration.Tests.Gates;

/// <summary>The `cdc-lag` gate over the catch-up's checkpoint table in a real PostgreSQL.</summary>
public sealed class CdcLagGateTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static CdcLagGate Gate(GateRig rig) => new(rig.Plan, rig.Servers.Target, rig.Clock);

    [Fact]
    public async Task NoCatchUpEverRan_IsRefused_ButAMoveIntoBackfillPasses()
    {
        await using var rig = await GateRig.CreateAsync("g_lag_none");

        var intoDualWrites = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill), Ct);
        var intoBackfill = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.OldOnly), Ct);

        intoDualWrites.Passed.Should().BeFalse();
        intoDualWrites.Reason.Should().Contain($"no catch-up of plan '{rig.Plan.Plan.Name}' has measured its lag").And.Contain("`dualwrite backfill run --plan test.yaml --follow`");
        intoBackfill.Passed.Should().BeTrue();
    }

    [Fact]
    public async Task AFreshMeasurementUnderTheBound_Passes()
    {
        await using var rig = await GateRig.CreateAsync("g_lag_fresh");
        await rig.PublishLagAsync(TimeSpan.FromMilliseconds(180), GateRig.Now.AddSeconds(-1));

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill), Ct);

        result.Should().Be(GateResult.Pass("the catch-up's lag is 180ms (measured 1s ago), under cdc.lagBound (1s)"));
    }

    [Fact]
    public async Task AStaleMeasurement_MeansTheCatchUpIsNotRunning_AndSaysItsAge()
    {
        await using var rig = await GateRig.CreateAsync("g_lag_stale");
        await rig.PublishLagAsync(TimeSpan.FromMilliseconds(20), GateRig.Now.AddSeconds(-75));

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.DualWriteReadOld), Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("last measured its lag 1m 15s ago (at 2026-09-14 09:58:45 UTC), so it is not running");
    }

    [Fact]
    public async Task ALagOverTheBound_IsRefused()
    {
        await using var rig = await GateRig.CreateAsync("g_lag_over", p => p with { Cdc = p.Cdc with { LagBound = TimeSpan.FromMilliseconds(500) } });
        await rig.PublishLagAsync(TimeSpan.FromMilliseconds(2300), GateRig.Now.AddMilliseconds(-300));

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill), Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("the catch-up's lag is 2.3s (measured 300ms ago), not under cdc.lagBound (500ms)");
    }
}
