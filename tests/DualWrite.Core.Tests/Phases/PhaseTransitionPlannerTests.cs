using DualWrite.Core.Phases;
using Microsoft.Extensions.Time.Testing;
using static DualWrite.Core.Phases.MigrationPhase;

namespace DualWrite.Core.Tests.Phases;

public sealed class PhaseTransitionPlannerTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Noon);

    [Fact]
    public async Task Advance_AllGatesPass_IsAllowed_WithAuditRecord()
    {
        var lag = new StubGate("cdc-lag", GateResult.Pass("lag 0 s"));
        var recon = new StubGate("reconciliation", GateResult.Pass());
        var planner = new PhaseTransitionPlanner([lag, recon], _clock);

        var result = await planner.PlanAsync(Request(Backfill, DualWriteReadOld, PhaseTransitionKind.Advance), CancellationToken.None);

        result.Allowed.Should().BeTrue();
        result.Rejection.Should().Be(PhaseTransitionRejection.None);
        result.Record.Should().BeEquivalentTo(new
        {
            Entity = "orders",
            From = Backfill,
            To = DualWriteReadOld,
            Kind = PhaseTransitionKind.Advance,
            Actor = "alice",
            Reason = "recon clean",
            At = Noon,
        });
        result.Record!.Gates.Should().Equal(new GateOutcome("cdc-lag", GateResult.Pass("lag 0 s")), new GateOutcome("reconciliation", GateResult.Pass()));
        lag.Calls.Should().Equal(new GateContext("orders", Backfill, DualWriteReadOld));
    }

    [Fact]
    public async Task Advance_HandsTheGatesWhenTheEntityEnteredItsPhase()
    {
        var gate = new StubGate("reconciled", GateResult.Pass());
        var planner = new PhaseTransitionPlanner([gate], _clock);

        await planner.PlanAsync(Request(Backfill, DualWriteReadOld, PhaseTransitionKind.Advance) with { FromSince = Noon.AddHours(-3) }, CancellationToken.None);

        gate.Calls.Should().ContainSingle().Which.FromSince.Should().Be(Noon.AddHours(-3));
    }

    [Fact]
    public async Task Advance_GatesFail_IsRefused_ListingEveryFailingGate()
    {
        var first = new StubGate("reconciliation", GateResult.Fail("3 keys differ"));
        var passing = new StubGate("cdc-lag", GateResult.Pass());
        var last = new StubGate("error-rate", GateResult.Fail("2.5% > 1%"));
        var planner = new PhaseTransitionPlanner([first, passing, last], _clock);

        var result = await planner.PlanAsync(Request(DualWriteReadOld, DualWriteReadNew, PhaseTransitionKind.Advance), CancellationToken.None);

        result.Allowed.Should().BeFalse();
        result.Rejection.Should().Be(PhaseTransitionRejection.GatesFailed);
        result.Record.Should().BeNull();
        result.Gates.Should().HaveCount(3);
        result.FailedGates.Select(g => (g.GateName, g.Result.Reason)).Should().Equal(("reconciliation", "3 keys differ"), ("error-rate", "2.5% > 1%"));
        last.Calls.Should().HaveCount(1, "a failing gate must not hide the ones after it");
    }

    [Fact]
    public async Task Advance_GateThrows_CountsAsFailed()
    {
        var broken = new StubGate("reconciliation", (_, _) => throw new InvalidOperationException("report missing"));
        var planner = new PhaseTransitionPlanner([broken], _clock);

        var result = await planner.PlanAsync(Request(OldOnly, Backfill, PhaseTransitionKind.Advance), CancellationToken.None);

        result.Rejection.Should().Be(PhaseTransitionRejection.GatesFailed);
        result.FailedGates.Single().Result.Reason.Should().Contain("InvalidOperationException").And.Contain("report missing");
    }

    [Fact]
    public async Task Advance_Cancelled_Throws_RatherThanFailingTheGate()
    {
        using var cts = new CancellationTokenSource();
        var gate = new StubGate("slow", async (_, ct) =>
        {
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return GateResult.Pass();
        });
        var planner = new PhaseTransitionPlanner([gate], _clock);

        var act = async () => await planner.PlanAsync(Request(OldOnly, Backfill, PhaseTransitionKind.Advance), cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Advance_NoGates_IsAllowed()
    {
        var planner = new PhaseTransitionPlanner([], _clock);

        var result = await planner.PlanAsync(Request(OldOnly, Backfill, PhaseTransitionKind.Advance), CancellationToken.None);

        result.Allowed.Should().BeTrue();
        result.Record!.Gates.Should().BeEmpty();
    }

    [Fact]
    public async Task Advance_SkippingPhases_IsRefused_WithoutRunningGates()
    {
        var gate = new StubGate("reconciliation", GateResult.Pass());
        var planner = new PhaseTransitionPlanner([gate], _clock);

        var result = await planner.PlanAsync(Request(Backfill, DualWriteReadNew, PhaseTransitionKind.Advance), CancellationToken.None);

        result.Rejection.Should().Be(PhaseTransitionRejection.SkipsPhases);
        result.Gates.Should().BeEmpty();
        gate.Calls.Should().BeEmpty();
    }

    [Theory]
    [InlineData(NewOnly, DualWriteReadNew, PhaseTransitionKind.StepBack)]
    [InlineData(NewOnly, OldOnly, PhaseTransitionKind.RollbackTo)]
    [InlineData(DualWriteReadNew, DualWriteReadOld, PhaseTransitionKind.RollbackTo)]
    public async Task BackwardMoves_AreAllowed_EvenWhenEveryGateFails(MigrationPhase from, MigrationPhase to, PhaseTransitionKind kind)
    {
        var gate = new StubGate("reconciliation", GateResult.Fail("everything differs"));
        var planner = new PhaseTransitionPlanner([gate], _clock);

        var result = await planner.PlanAsync(Request(from, to, kind), CancellationToken.None);

        result.Allowed.Should().BeTrue();
        result.Record.Should().BeEquivalentTo(new { From = from, To = to, Kind = kind, At = Noon });
        result.Record!.Gates.Should().BeEmpty();
        gate.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task StepBack_SeveralSteps_IsRefused()
    {
        var planner = new PhaseTransitionPlanner([], _clock);

        var result = await planner.PlanAsync(Request(NewOnly, Backfill, PhaseTransitionKind.StepBack), CancellationToken.None);

        result.Rejection.Should().Be(PhaseTransitionRejection.SkipsPhases);
        result.Record.Should().BeNull();
    }

    [Fact]
    public async Task Record_TakesTheTimeOfTheDecision_FromTheTimeProvider()
    {
        var gate = new StubGate("slow", (_, _) =>
        {
            _clock.Advance(TimeSpan.FromMinutes(5));
            return ValueTask.FromResult(GateResult.Pass());
        });
        var planner = new PhaseTransitionPlanner([gate], _clock);

        var result = await planner.PlanAsync(Request(OldOnly, Backfill, PhaseTransitionKind.Advance), CancellationToken.None);

        result.Record!.At.Should().Be(Noon.AddMinutes(5));
    }

    [Theory]
    [InlineData("", "alice", "why")]
    [InlineData("orders", " ", "why")]
    [InlineData("orders", "alice", "")]
    public async Task Request_BlankEntityActorOrReason_Throws(string entity, string actor, string reason)
    {
        var planner = new PhaseTransitionPlanner([], _clock);
        var request = new PhaseTransitionRequest(entity, OldOnly, Backfill, PhaseTransitionKind.Advance, actor, reason);

        var act = async () => await planner.PlanAsync(request, CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public void Constructor_DuplicateGateNames_Throws()
    {
        var act = () => new PhaseTransitionPlanner([new StubGate("lag", GateResult.Pass()), new StubGate("lag", GateResult.Pass())], _clock);

        act.Should().Throw<ArgumentException>().WithMessage("*lag*");
    }

    [Fact]
    public void GateResult_FailWithoutReason_Throws()
    {
        var act = () => GateResult.Fail(" ");

        act.Should().Throw<ArgumentException>();
    }

    private static PhaseTransitionRequest Request(MigrationPhase from, MigrationPhase to, PhaseTransitionKind kind) =>
        new("orders", from, to, kind, "alice", "recon clean");
}
