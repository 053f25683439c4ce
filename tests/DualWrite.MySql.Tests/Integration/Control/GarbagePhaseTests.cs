using DualWrite.Core.Phases;
using DualWrite.Hosting.Flags;
using DualWrite.MySql.Control;
using DualWrite.Testing;
using Microsoft.Extensions.Logging;

namespace DualWrite.MySql.Tests.Integration.Control;

/// <summary>A value that is not a phase, written into the phase table by hand, never reroutes traffic.</summary>
public sealed class GarbagePhaseTests : PhaseControlTestBase
{
    [Fact]
    public async Task GarbageAfterAGoodPhase_InstancesKeepTheLastGoodPhase_AndReportIt()
    {
        var control = Control();
        await control.InitializeAsync("orders", "test", CancellationToken.None);
        await control.AdvanceAsync("orders", "test", "go", CancellationToken.None);
        using var first = new AppInstance(Tables, entities: "orders");
        using var second = new AppInstance(Tables, entities: "orders");
        first.Phases.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
        second.Phases.GetPhase("orders").Should().Be(MigrationPhase.Backfill);

        await ExecuteAsync($"UPDATE `{Tables.PhaseTable}` SET `phase` = 'ReadNewPlease', `revision` = `revision` + 1 WHERE `entity` = 'orders'");
        // A refresh publishes the new state, then logs it: wait for both.
        bool Reported(AppInstance instance) =>
            instance.Phases.Health == PhaseSourceHealth.Stale && instance.Logger.Entries.Any(e => e.Level == LogLevel.Warning);
        await Eventually.WaitUntilAsync(() => Reported(first) && Reported(second), "both instances to notice the bad value and log it");

        foreach (var instance in new[] { first, second })
        {
            instance.Phases.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
            var status = instance.Phases.GetStatus("orders")!;
            status.Phase.Should().Be(MigrationPhase.Backfill);
            status.Problem.Should().Be(PhaseFlagProblem.UnknownVariant);
            status.Detail.Should().Contain("'ReadNewPlease'").And.Contain("DualWrite.orders");
            instance.Logger.Entries.Where(e => e.Level == LogLevel.Warning).Should().ContainSingle();
        }

        var repair = () => control.AdvanceAsync("orders", "test", "go on", CancellationToken.None);
        (await repair.Should().ThrowAsync<PhaseControlException>()).Which.Error.Should().Be(PhaseControlError.InvalidStoredValue);

        await ExecuteAsync($"UPDATE `{Tables.PhaseTable}` SET `phase` = 'DualWriteReadOld', `revision` = `revision` + 1 WHERE `entity` = 'orders'");
        await Eventually.WaitUntilAsync(() => first.Phases.Health == PhaseSourceHealth.Healthy && second.Phases.Health == PhaseSourceHealth.Healthy, "both instances to recover");
        first.Phases.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadOld);
    }

    [Fact]
    public async Task GarbageOnFirstUse_FailsWithPhaseUnavailable()
    {
        await Control().InitializeAsync("orders", "test", CancellationToken.None);
        await ExecuteAsync($"UPDATE `{Tables.PhaseTable}` SET `phase` = 'bogus' WHERE `entity` = 'orders'");
        using var instance = new AppInstance(Tables);

        var act = () => instance.Phases.GetPhase("orders");

        var thrown = act.Should().Throw<PhaseUnavailableException>().Which;
        thrown.Entity.Should().Be("orders");
        thrown.Problem.Should().Be(PhaseFlagProblem.UnknownVariant);
        thrown.Message.Should().Contain("'bogus'");
        instance.Phases.Health.Should().Be(PhaseSourceHealth.Unavailable);
    }

    [Fact]
    public void EntityWithoutARow_OnFirstUse_FailsWithMissingFlag()
    {
        using var instance = new AppInstance(Tables);

        var act = () => instance.Phases.GetPhase("invoices");

        act.Should().Throw<PhaseUnavailableException>().Which.Problem.Should().Be(PhaseFlagProblem.MissingFlag);
    }
}
