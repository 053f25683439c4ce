using DualWrite.Core.Phases;
using DualWrite.MySql.Control;

namespace DualWrite.MySql.Tests.Integration.Control;

/// <summary>Two operators racing from the same phase: one change wins, the other is told it lost and writes nothing.</summary>
public sealed class PhaseConflictTests : PhaseControlTestBase
{
    [Fact]
    public async Task ConcurrentTransitions_FromTheSamePhase_OneWins_OneConflicts()
    {
        // The gate holds each advance until both have read the phase, so both decide on the same revision.
        var bothRead = new BothArrivedGate();
        var control = Control(null, bothRead);
        await control.InitializeAsync("orders", "setup", CancellationToken.None);
        (await Control().AdvanceAsync("orders", "setup", "start", CancellationToken.None)).Applied.Should().BeTrue();

        var attempts = new[] { "alice", "bob" }
            .Select(actor => Task.Run(async () =>
            {
                try
                {
                    return (Actor: actor, Outcome: await control.AdvanceAsync("orders", actor, $"{actor} advances", CancellationToken.None), Conflict: (PhaseConflictException?)null);
                }
                catch (PhaseConflictException ex)
                {
                    return (Actor: actor, Outcome: (PhaseTransitionOutcome?)null, Conflict: ex);
                }
            }))
            .ToArray();
        var results = await Task.WhenAll(attempts);

        results.Should().ContainSingle(r => r.Outcome != null && r.Outcome.Applied);
        var loser = results.Should().ContainSingle(r => r.Conflict != null).Which;
        var winner = results.Single(r => r.Outcome != null);
        loser.Conflict!.Error.Should().Be(PhaseControlError.Conflict);
        loser.Conflict.ExpectedPhase.Should().Be(MigrationPhase.Backfill);
        loser.Conflict.ExpectedRevision.Should().Be(2);
        loser.Conflict.Current!.UpdatedBy.Should().Be(winner.Actor);
        loser.Conflict.Message.Should().Contain("Nothing was written");

        var state = (await control.GetPhaseAsync("orders", CancellationToken.None))!;
        var history = await control.GetHistoryAsync("orders", CancellationToken.None);
        state.Phase.Should().Be(MigrationPhase.DualWriteReadOld);
        state.Revision.Should().Be(3);
        history.Should().HaveCount(3);
        history[^1].Should().Match<PhaseAuditEntry>(h => h.To == state.Phase && h.Revision == state.Revision && h.Actor == state.UpdatedBy && h.At == state.UpdatedAt);
        history.Should().NotContain(h => h.Actor == loser.Actor);
    }

    private sealed class BothArrivedGate : IPhaseGate
    {
        private readonly TaskCompletionSource _both = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public string Name => "both-arrived";

        public async ValueTask<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _arrived) == 2)
            {
                _both.SetResult();
            }

            await _both.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return GateResult.Pass();
        }
    }
}
