using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using DualWrite.Hosting.DependencyInjection;
using DualWrite.MySql.Control;
using DualWrite.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DualWrite.MySql.Tests.Integration.Control;

/// <summary>
/// <c>AddDualWrite(...).UseFeatureFlagPhases().UseMySqlPhaseControl(...)</c> against real MariaDB: the decorator
/// follows the phase table, and moves made through the registered transitioner are compare-and-set and audited.
/// </summary>
public sealed class DualWriteWiringTests : PhaseControlTestBase
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task Transitioner_MovesThePhase_TheDecoratorFollows_AndAStaleRequestConflicts()
    {
        await Control().InitializeAsync("orders", "setup", Ct);
        var old = new InMemoryVersionedStore<long, string>();
        var @new = new InMemoryVersionedStore<long, string>();
        await old.UpsertAsync(new(1, 1, "old"), Ct);
        await @new.UpsertAsync(new(1, 2, "new"), Ct);
        var configuration = new ConfigurationBuilder()
            .AddDualWritePhasesFromMySql(MariaDbServer.ConnectionString(), o => o.Tables = Tables)
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddDualWrite(configuration.GetSection("DualWrite"))
            .UseFeatureFlagPhases()
            .UseMySqlPhaseControl(MariaDbServer.ConnectionString(), Tables)
            .AddEntity("orders", _ => old, _ => @new, _ => new InMemoryRepairLog<long>());
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredKeyedService<IVersionedStore<long, string>>("orders");
        var phases = provider.GetRequiredService<IPhaseSource>();
        var transitioner = provider.GetRequiredService<IPhaseTransitioner>();

        transitioner.Should().BeOfType<MySqlPhaseControl>();
        (await store.GetAsync(1, Ct))!.Value.Should().Be("old");

        foreach (var (from, to) in new[] { (MigrationPhase.OldOnly, MigrationPhase.Backfill), (MigrationPhase.Backfill, MigrationPhase.DualWriteReadOld), (MigrationPhase.DualWriteReadOld, MigrationPhase.DualWriteReadNew) })
        {
            var result = await transitioner.TransitionAsync(new PhaseTransitionRequest("orders", from, to, PhaseTransitionKind.Advance, "operator", "next step"), Ct);
            result.Allowed.Should().BeTrue();
        }

        await Eventually.WaitUntilAsync(() => phases.GetPhase("orders") == MigrationPhase.DualWriteReadNew, "the flip to reach the phase source");
        (await store.GetAsync(1, Ct))!.Value.Should().Be("new");

        var stale = async () => await transitioner.TransitionAsync(
            new PhaseTransitionRequest("orders", MigrationPhase.DualWriteReadOld, MigrationPhase.Backfill, PhaseTransitionKind.StepBack, "dualwrite:auto-rollback", "planned on an old phase"), Ct);
        var conflict = (await stale.Should().ThrowAsync<PhaseConflictException>()).Which;
        conflict.ExpectedPhase.Should().Be(MigrationPhase.DualWriteReadOld);
        conflict.Current!.Phase.Should().Be(MigrationPhase.DualWriteReadNew);

        var back = await transitioner.TransitionAsync(
            new PhaseTransitionRequest("orders", MigrationPhase.DualWriteReadNew, MigrationPhase.DualWriteReadOld, PhaseTransitionKind.StepBack, "dualwrite:auto-rollback", "shadow mismatches"), Ct);
        back.Allowed.Should().BeTrue();
        await Eventually.WaitUntilAsync(() => phases.GetPhase("orders") == MigrationPhase.DualWriteReadOld, "the rollback to reach the phase source");
        (await store.GetAsync(1, Ct))!.Value.Should().Be("old");

        var history = await Control().GetHistoryAsync("orders", Ct);
        history.Select(h => (h.To, h.Actor)).Should().Equal(
            (MigrationPhase.OldOnly, "setup"),
            (MigrationPhase.Backfill, "operator"),
            (MigrationPhase.DualWriteReadOld, "operator"),
            (MigrationPhase.DualWriteReadNew, "operator"),
            (MigrationPhase.DualWriteReadOld, "dualwrite:auto-rollback"));
        history[^1].Reason.Should().Be("shadow mismatches");
    }

    [Fact]
    public void UseMySqlPhaseControl_MalformedConnectionString_FailsAtRegistration()
    {
        var services = new ServiceCollection();
        var act = () => services.AddDualWrite(_ => { }).UseMySqlPhaseControl("Server=127.0.0.1;Port=notaport");

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("Port");
    }
}
