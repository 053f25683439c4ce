using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Migration.Gates;
using DualWrite.MySql.Health;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Migration.Tests.Gates;

/// <summary>The `secondary-errors` gate over health reports an application instance wrote into a real MariaDB.</summary>
public sealed class SecondaryErrorsGateTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static SecondaryErrorsGate Gate(GateRig rig) => new(rig.Plan, rig.Servers.Source, rig.Tables, rig.Clock);

    /// <summary>An instance that counted <paramref name="writes"/> secondary writes and <paramref name="shadowReads"/> shadow reads of `items` over the last minute.</summary>
    private static async Task ReportAsync(GateRig rig, int writes, int errors, int shadowReads = 0, int mismatches = 0, TimeSpan? ago = null)
    {
        using var metrics = new DualWriteMetrics();
        var clock = new FakeTimeProvider(GateRig.Now - (ago ?? TimeSpan.FromMinutes(1)));
        var reporter = new MySqlHealthReporter(rig.Servers.Source, rig.Tables, metrics, new MySqlHealthReportOptions { Instance = $"app-{Guid.NewGuid():N}" }, clock);
        for (var i = 0; i < writes; i++)
        {
            metrics.RecordSecondaryWrite("items", StoreRole.New, "upsert", TimeSpan.FromMilliseconds(2), failed: i < errors);
        }

        for (var i = 0; i < shadowReads; i++)
        {
            metrics.RecordShadowComparison("items", i < mismatches ? ShadowReadResult.Mismatch : ShadowReadResult.Match);
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        await reporter.PublishAsync(Ct);
    }

    [Fact]
    public async Task LeavingAPhaseThatWritesTheOldStoreOnly_Passes_WithANote_WhenNothingIsReported()
    {
        await using var rig = await GateRig.CreateAsync("g_sec_old");

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.Backfill), Ct);

        result.Should().Be(GateResult.Pass("Backfill writes the old store only: nothing to judge (no application instance reported figures for 'items' in the last 5m)"));
    }

    [Fact]
    public async Task LeavingADualWritePhase_WithNoReport_IsRefused_SayingHowToReport()
    {
        await using var rig = await GateRig.CreateAsync("g_sec_absent");
        await ReportAsync(rig, writes: 500, errors: 0, ago: TimeSpan.FromMinutes(20));

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.DualWriteReadOld), Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("no application instance reported figures for 'items' in the last 5m").And.Contain("UseMySqlHealthReports()");
    }

    [Fact]
    public async Task RatesUnderTheBounds_Pass()
    {
        await using var rig = await GateRig.CreateAsync("g_sec_under");
        await ReportAsync(rig, writes: 1500, errors: 1, shadowReads: 400, mismatches: 0);
        await ReportAsync(rig, writes: 500, errors: 0);

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.DualWriteReadOld), Ct);

        result.Should().Be(GateResult.Pass(
            "secondary write error rate 0.05% (1 of 2000) and shadow read mismatch rate 0% (0 of 400) in the last 5m (2 application instances), under the bounds"));
    }

    [Fact]
    public async Task AnErrorRateOverTheBound_IsRefused()
    {
        await using var rig = await GateRig.CreateAsync("g_sec_over");
        await ReportAsync(rig, writes: 1000, errors: 5);

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.DualWriteReadNew), Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("secondary write error rate 0.5% (5 of 1000) is over secondaryErrors.maxErrorRate (0.1%)");
    }

    [Fact]
    public async Task AMismatchRateOverTheBound_IsRefused_ButTooFewShadowReadsAreNotJudged()
    {
        await using var rig = await GateRig.CreateAsync("g_sec_mismatch", p => p with { SecondaryErrors = new() { MaxMismatchRate = 0.002 } });
        await ReportAsync(rig, writes: 300, errors: 0, shadowReads: 250, mismatches: 1);
        var over = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.DualWriteReadOld), Ct);

        await using var quiet = await GateRig.CreateAsync("g_sec_fewshadow");
        await ReportAsync(quiet, writes: 300, errors: 0, shadowReads: 20, mismatches: 5);
        var notJudged = await Gate(quiet).EvaluateAsync(GateRig.Move(MigrationPhase.DualWriteReadOld), Ct);

        over.Passed.Should().BeFalse();
        over.Reason.Should().Contain("shadow read mismatch rate 0.4% (1 of 250) is over secondaryErrors.maxMismatchRate (0.2%)");
        notJudged.Passed.Should().BeTrue(notJudged.Reason);
        notJudged.Reason.Should().Contain("mismatch rate not judged (20 shadow reads compared, fewer than secondaryErrors.minOperations");
    }

    [Fact]
    public async Task TooFewSecondaryWrites_AreRefused()
    {
        await using var rig = await GateRig.CreateAsync("g_sec_few");
        await ReportAsync(rig, writes: 60, errors: 0);

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.DualWriteReadOld), Ct);

        result.Passed.Should().BeFalse();
        result.Reason.Should().Contain("only 60 secondary writes of 'items' in the last 5m (1 application instance), fewer than secondaryErrors.minOperations (100)");
    }

    [Fact]
    public async Task Reports_FromBeforeTheEntityEnteredItsPhase_DoNotCount()
    {
        await using var rig = await GateRig.CreateAsync("g_sec_phase");
        await ReportAsync(rig, writes: 1000, errors: 900, ago: TimeSpan.FromMinutes(3));
        await ReportAsync(rig, writes: 1000, errors: 0, ago: TimeSpan.FromMinutes(1));

        var result = await Gate(rig).EvaluateAsync(GateRig.Move(MigrationPhase.DualWriteReadOld, since: GateRig.Now.AddMinutes(-2)), Ct);

        result.Passed.Should().BeTrue(result.Reason);
        result.Reason.Should().Contain("(0 of 1000)").And.Contain("in the 2m since it entered DualWriteReadOld");
    }
}
