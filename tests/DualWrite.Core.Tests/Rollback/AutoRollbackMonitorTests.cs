using DualWrite.Core.Phases;
using DualWrite.Core.Rollback;
using DualWrite.Core.Routing;
using DualWrite.Core.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Core.Tests.Rollback;

public sealed class AutoRollbackMonitorTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed class Rig
    {
        public Rig(MigrationPhase phase, AutoRollbackOptions? options = null)
        {
            Options = options ?? new AutoRollbackOptions { MinimumSamples = 10, Window = TimeSpan.FromMinutes(1), Cooldown = TimeSpan.FromMinutes(5) };
            Phases.SetPhase("orders", phase);
            Controller = new InMemoryPhaseController(Phases, new PhaseTransitionPlanner([], Time));
            Slo = new SloMonitor(Time);
            Monitor = new AutoRollbackMonitor(new Dictionary<string, AutoRollbackOptions> { ["orders"] = Options }, Slo, Phases, Controller, Time);
            Window = Slo.Find("orders")!;
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero));

        public AutoRollbackOptions Options { get; }

        public InMemoryPhaseSource Phases { get; } = new();

        public InMemoryPhaseController Controller { get; }

        public SloMonitor Slo { get; }

        public AutoRollbackMonitor Monitor { get; }

        public SloWindow Window { get; }

        public void SecondaryWrites(int ok, int failed)
        {
            for (var i = 0; i < ok; i++)
            {
                Window.RecordSecondaryWrite(failed: false);
            }

            for (var i = 0; i < failed; i++)
            {
                Window.RecordSecondaryWrite(failed: true);
            }
        }
    }

    [Fact]
    public async Task SecondaryErrorRateAboveObjective_StepsBackOnePhase_AndAuditsWhy()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadNew);
        rig.SecondaryWrites(ok: 80, failed: 20);

        var results = await rig.Monitor.EvaluateOnceAsync(Ct);

        results.Should().ContainSingle().Which.Allowed.Should().BeTrue();
        rig.Phases.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadOld);
        var record = rig.Controller.Audit.Should().ContainSingle().Subject;
        record.Kind.Should().Be(PhaseTransitionKind.StepBack);
        record.Actor.Should().Be(AutoRollbackMonitor.Actor);
        record.Reason.Should().Contain("secondary error rate").And.Contain("20.0%").And.Contain("20 of 100");
        record.At.Should().Be(rig.Time.GetUtcNow());
    }

    [Fact]
    public async Task RatesWithinObjectives_ChangeNothing()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadNew);
        rig.SecondaryWrites(ok: 99, failed: 1);

        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty();
        rig.Phases.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadNew);
    }

    [Fact]
    public async Task TooFewSamples_ChangeNothing()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadNew);
        rig.SecondaryWrites(ok: 1, failed: 5);

        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task AfterARollback_TheCooldownHoldsFurtherMoves()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadNew);
        rig.SecondaryWrites(ok: 0, failed: 20);
        await rig.Monitor.EvaluateOnceAsync(Ct);
        rig.Phases.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadOld);

        rig.SecondaryWrites(ok: 0, failed: 20);
        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty("the cooldown has not passed");

        rig.Time.Advance(rig.Options.Cooldown);
        rig.SecondaryWrites(ok: 0, failed: 20);
        await rig.Monitor.EvaluateOnceAsync(Ct);
        rig.Phases.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
    }

    [Fact]
    public async Task CountsFromAnEarlierPhase_NeverCountAgainstTheNextOne()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadNew);
        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty();
        rig.SecondaryWrites(ok: 0, failed: 50);
        rig.Phases.SetPhase("orders", MigrationPhase.DualWriteReadOld);

        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty("the failures were counted in DualWriteReadNew");
        rig.Window.Snapshot().SecondaryWrites.Should().Be(0);
        rig.Phases.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadOld);

        rig.SecondaryWrites(ok: 0, failed: 50);
        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().ContainSingle("failures in the phase itself still count")
            .Which.Allowed.Should().BeTrue();
        rig.Phases.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
    }

    [Fact]
    public async Task AfterAStepBackFromNewOnly_DualWriteReadNewIsSteppedBackAsUsual()
    {
        // NewOnly fed the old store through the repair log, so reading it again is as safe as after any other phase.
        var rig = new Rig(MigrationPhase.NewOnly);
        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty();
        rig.Phases.SetPhase("orders", MigrationPhase.DualWriteReadNew);
        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty();

        rig.SecondaryWrites(ok: 0, failed: 50);

        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().ContainSingle().Which.Allowed.Should().BeTrue();
        rig.Phases.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadOld);
    }

    [Theory]
    [InlineData(MigrationPhase.OldOnly)]
    [InlineData(MigrationPhase.Backfill)]
    public async Task PhasesBeforeDualWrites_AreNeverRolledBack(MigrationPhase phase)
    {
        var rig = new Rig(phase);
        rig.SecondaryWrites(ok: 0, failed: 100);

        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task CountsOlderThanTheWindow_AreForgotten()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadOld);
        rig.SecondaryWrites(ok: 0, failed: 100);

        rig.Time.Advance(rig.Options.Window + TimeSpan.FromSeconds(1));

        rig.Window.Snapshot().SecondaryWrites.Should().Be(0);
        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task ShadowMismatchRate_TriggersARollback()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadOld);
        for (var i = 0; i < 50; i++)
        {
            rig.Window.RecordShadowComparison(mismatch: i % 10 == 0);
        }

        await rig.Monitor.EvaluateOnceAsync(Ct);

        rig.Controller.Audit.Should().ContainSingle().Which.Reason.Should().Contain("shadow mismatch rate");
        rig.Phases.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
    }

    [Fact]
    public async Task LatencyObjective_CountsSlowCalls()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadNew, new AutoRollbackOptions { MinimumSamples = 10, LatencyThreshold = TimeSpan.FromMilliseconds(100), MaxSlowRate = 0.01 });
        var ticksPerMs = rig.Time.TimestampFrequency / 1000;
        for (var i = 0; i < 100; i++)
        {
            rig.Window.RecordCall(elapsedTimestampTicks: (i < 5 ? 500 : 5) * ticksPerMs, failed: false);
        }

        await rig.Monitor.EvaluateOnceAsync(Ct);

        rig.Controller.Audit.Should().ContainSingle().Which.Reason.Should().Contain("slower than 100 ms").And.Contain("5 of 100");
    }

    [Fact]
    public async Task DisabledPolicy_NeverMoves()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadNew, new AutoRollbackOptions { Enabled = false, MinimumSamples = 1 });
        rig.Slo.Register("orders", rig.Options).RecordSecondaryWrite(failed: true);

        (await rig.Monitor.EvaluateOnceAsync(Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task ManualRollback_ThroughTheController_IsAudited()
    {
        var rig = new Rig(MigrationPhase.NewOnly);

        var result = await rig.Controller.TransitionAsync(
            new PhaseTransitionRequest("orders", MigrationPhase.NewOnly, MigrationPhase.OldOnly, PhaseTransitionKind.RollbackTo, "alice", "incident 42"), Ct);

        result.Allowed.Should().BeTrue();
        rig.Phases.GetPhase("orders").Should().Be(MigrationPhase.OldOnly);
        rig.Controller.Audit.Should().ContainSingle().Which.Should().Match<PhaseTransitionRecord>(r => r.Actor == "alice" && r.Reason == "incident 42" && r.From == MigrationPhase.NewOnly);
    }

    [Fact]
    public async Task StaleRequest_IsRefused_AndChangesNothing()
    {
        var rig = new Rig(MigrationPhase.DualWriteReadOld);

        var act = async () => await rig.Controller.TransitionAsync(
            new PhaseTransitionRequest("orders", MigrationPhase.DualWriteReadNew, MigrationPhase.DualWriteReadOld, PhaseTransitionKind.StepBack, "bob", "late"), Ct);

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*is in DualWriteReadOld*");
        rig.Controller.Audit.Should().BeEmpty();
    }
}
