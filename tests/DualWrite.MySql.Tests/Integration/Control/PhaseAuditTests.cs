using DualWrite.Core.Phases;
using DualWrite.MySql.Control;
using DualWrite.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.MySql.Tests.Integration.Control;

/// <summary>Every applied change leaves one audit row with the same data as the phase row; a refused request leaves one too, and the phase as it was.</summary>
public sealed class PhaseAuditTests : PhaseControlTestBase
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Transitions_IncludingARollback_AreAuditedWithEverything()
    {
        var clock = new FakeTimeProvider(Start);
        var reconciliation = new Gate("reconciliation", GateResult.Pass("0 differences"));
        var control = Control(clock, reconciliation);

        (await control.InitializeAsync("orders", "alice", CancellationToken.None)).Should().BeTrue();
        clock.SetUtcNow(Start.AddMinutes(1).AddTicks(1234567));
        (await control.AdvanceAsync("orders", "alice", "snapshot import starts", CancellationToken.None)).Applied.Should().BeTrue();
        clock.SetUtcNow(Start.AddMinutes(2));
        (await control.AdvanceAsync("orders", "bob", "backfill caught up", CancellationToken.None)).Applied.Should().BeTrue();
        clock.SetUtcNow(Start.AddMinutes(3));
        var rollback = await control.TransitionAsync("orders", MigrationPhase.OldOnly, PhaseTransitionKind.RollbackTo, "carol", "new store errors", CancellationToken.None);

        rollback.Applied.Should().BeTrue();
        rollback.State!.Revision.Should().Be(4);
        var history = await control.GetHistoryAsync("orders", CancellationToken.None);
        history.Select(h => (h.From, h.To, h.Kind, h.Actor, h.Reason, h.At, h.Revision)).Should().Equal(
            (null, MigrationPhase.OldOnly, null, "alice", "entity registered for migration", Start, 1L),
            (MigrationPhase.OldOnly, MigrationPhase.Backfill, PhaseTransitionKind.Advance, "alice", "snapshot import starts", Start.AddMinutes(1).AddTicks(1234560), 2L),
            (MigrationPhase.Backfill, MigrationPhase.DualWriteReadOld, PhaseTransitionKind.Advance, "bob", "backfill caught up", Start.AddMinutes(2), 3L),
            (MigrationPhase.DualWriteReadOld, MigrationPhase.OldOnly, PhaseTransitionKind.RollbackTo, "carol", "new store errors", Start.AddMinutes(3), 4L));
        history[0].IsInitialization.Should().BeTrue();
        history[1].Gates.Should().Equal(new GateOutcome("reconciliation", GateResult.Pass("0 differences")));
        history[3].Gates.Should().BeEmpty("backward moves run no gates");
        history.Select(h => h.Id).Should().BeInAscendingOrder();

        var state = await control.GetPhaseAsync("orders", CancellationToken.None);
        state.Should().Be(new PhaseState("orders", "OldOnly", 4, Start.AddMinutes(3), "carol"));
    }

    [Fact]
    public async Task RejectedMoves_LeaveThePhase_AndAreAuditedWithTheGatesVerdicts()
    {
        var clock = new FakeTimeProvider(Start);
        var lag = new Gate("cdc-lag", GateResult.Fail("lag 40 s > 5 s"));
        var control = Control(clock, new Gate("reconciliation", GateResult.Pass("0 differences")), lag);
        await control.InitializeAsync("orders", "alice", CancellationToken.None);
        var before = await control.GetPhaseAsync("orders", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));

        var gated = await control.AdvanceAsync("orders", "alice", "try", CancellationToken.None);
        var skipping = await control.TransitionAsync("orders", MigrationPhase.DualWriteReadOld, PhaseTransitionKind.Advance, "bob", "skip", CancellationToken.None);
        var backwardsFromFirst = await control.StepBackAsync("orders", "carol", "nowhere to go", CancellationToken.None);

        gated.Applied.Should().BeFalse();
        gated.Decision.Rejection.Should().Be(PhaseTransitionRejection.GatesFailed);
        gated.Decision.FailedGates.Should().ContainSingle().Which.GateName.Should().Be("cdc-lag");
        gated.Decision.Gates.Should().HaveCount(2, "every gate is evaluated so the operator sees every blocker");
        skipping.Decision.Rejection.Should().Be(PhaseTransitionRejection.SkipsPhases);
        backwardsFromFirst.Decision.Rejection.Should().Be(PhaseTransitionRejection.NoChange);
        (await control.GetPhaseAsync("orders", CancellationToken.None)).Should().Be(before);

        var history = await control.GetHistoryAsync("orders", CancellationToken.None);
        history.Select(h => h.Id).Should().Equal(history[0].Id, gated.AuditId, skipping.AuditId, backwardsFromFirst.AuditId);
        history.Skip(1).Select(h => (h.From, h.To, h.Kind, h.Actor, h.Reason, h.At, h.Revision, h.Rejection, h.Applied)).Should().Equal(
            (MigrationPhase.OldOnly, MigrationPhase.Backfill, PhaseTransitionKind.Advance, "alice", "try", Start.AddMinutes(1), 1L, PhaseTransitionRejection.GatesFailed, false),
            (MigrationPhase.OldOnly, MigrationPhase.DualWriteReadOld, PhaseTransitionKind.Advance, "bob", "skip", Start.AddMinutes(1), 1L, PhaseTransitionRejection.SkipsPhases, false),
            (MigrationPhase.OldOnly, MigrationPhase.OldOnly, PhaseTransitionKind.StepBack, "carol", "nowhere to go", Start.AddMinutes(1), 1L, PhaseTransitionRejection.NoChange, false));
        history[1].Gates.Should().Equal(new GateOutcome("reconciliation", GateResult.Pass("0 differences")), new GateOutcome("cdc-lag", GateResult.Fail("lag 40 s > 5 s")));
        history[2].Gates.Should().BeEmpty("a move that breaks the shape rules runs no gates");
        history[0].Applied.Should().BeTrue();
    }

    [Fact]
    public async Task Gates_AreToldWhenTheEntityEnteredItsPhase()
    {
        var clock = new FakeTimeProvider(Start);
        var seen = new Gate("seen", GateResult.Pass());
        var control = Control(clock, seen);
        await control.InitializeAsync("orders", "alice", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(7));
        await control.AdvanceAsync("orders", "alice", "snapshot import starts", CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(2));

        await control.AdvanceAsync("orders", "alice", "dual writes", CancellationToken.None);

        seen.Contexts.Select(c => (c.From, c.FromSince)).Should().Equal(
            (MigrationPhase.OldOnly, Start),
            (MigrationPhase.Backfill, Start.AddMinutes(7)));
    }

    [Fact]
    public async Task AnAuditTableFromBeforeRefusalsWereAudited_GetsItsOutcomeColumn_AndKeepsItsRows()
    {
        var control = Control();
        await control.InitializeAsync("orders", "alice", CancellationToken.None);
        await ExecuteAsync($"ALTER TABLE `{Tables.AuditTable}` DROP COLUMN `outcome`");
        var older = Control(null, new Gate("lag", GateResult.Fail("behind")));

        var refused = await older.AdvanceAsync("orders", "alice", "try", CancellationToken.None);

        var history = await older.GetHistoryAsync("orders", CancellationToken.None);
        history.Select(h => (h.Kind, h.Rejection)).Should().Equal((null, PhaseTransitionRejection.None), (PhaseTransitionKind.Advance, PhaseTransitionRejection.GatesFailed));
        history[1].Id.Should().Be(refused.AuditId);
    }

    [Fact]
    public async Task Transition_ToSomethingThatIsNotAPhase_IsRefusedBeforeAnythingIsWritten()
    {
        var control = Control();
        await control.InitializeAsync("orders", "alice", CancellationToken.None);
        var rows = await CountAuditRowsAsync();

        var act = () => control.TransitionAsync("orders", (MigrationPhase)42, PhaseTransitionKind.RollbackTo, "alice", "typo", CancellationToken.None);

        (await act.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.Message.Should().Contain("OldOnly");
        (await CountAuditRowsAsync()).Should().Be(rows);
    }

    [Fact]
    public async Task Initialize_Twice_KeepsThePhase_AndAuditsOnce()
    {
        var control = Control();
        await control.EnsureSchemaAsync(CancellationToken.None);
        (await control.InitializeAsync("orders", "alice", CancellationToken.None)).Should().BeTrue();
        await control.AdvanceAsync("orders", "alice", "go", CancellationToken.None);

        (await control.InitializeAsync("orders", "bob", CancellationToken.None)).Should().BeFalse();

        (await control.GetPhaseAsync("orders", CancellationToken.None))!.Phase.Should().Be(MigrationPhase.Backfill);
        (await control.GetHistoryAsync("orders", CancellationToken.None)).Should().HaveCount(2);
    }

    [Fact]
    public async Task Transition_UninitializedEntity_FailsWithNotInitialized()
    {
        var act = () => Control().AdvanceAsync("ghosts", "alice", "go", CancellationToken.None);

        var thrown = (await act.Should().ThrowAsync<PhaseControlException>()).Which;
        thrown.Error.Should().Be(PhaseControlError.NotInitialized);
        thrown.Message.Should().Contain("'ghosts'").And.Contain(Tables.PhaseTable);
    }

    private sealed class Gate(string name, GateResult result) : IPhaseGate
    {
        public string Name { get; } = name;

        public List<GateContext> Contexts { get; } = [];

        public ValueTask<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
        {
            Contexts.Add(context);
            return ValueTask.FromResult(result);
        }
    }
}
