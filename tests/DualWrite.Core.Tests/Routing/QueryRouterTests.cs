using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Testing;
using DualWrite.Hosting.Flags;

namespace DualWrite.Core.Tests.Routing;

/// <summary>The application's own queries go to the store the decorator reads from in the entity's current phase.</summary>
public sealed class QueryRouterTests
{
    [Theory]
    [InlineData(MigrationPhase.OldOnly, StoreRole.Old)]
    [InlineData(MigrationPhase.Backfill, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadOld, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadNew, StoreRole.New)]
    [InlineData(MigrationPhase.NewOnly, StoreRole.New)]
    public void ReadsFrom_FollowsThePhase(MigrationPhase phase, StoreRole expected)
    {
        var phases = new InMemoryPhaseSource();
        phases.SetPhase("orders", phase);
        var router = new QueryRouter(phases);

        router.ReadsFrom("orders").Should().Be(expected);
        router.Choose("orders", "mysql", "postgres").Should().Be(expected == StoreRole.Old ? "mysql" : "postgres");
    }

    [Theory]
    [InlineData(MigrationPhase.DualWriteReadOld, StoreRole.Old, false, StoreRole.New)]
    [InlineData(MigrationPhase.DualWriteReadOld, StoreRole.Old, true, StoreRole.Old)]
    [InlineData(MigrationPhase.OldOnly, StoreRole.Old, false, StoreRole.Old)]
    [InlineData(MigrationPhase.Backfill, StoreRole.Old, false, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadNew, StoreRole.Old, false, StoreRole.New)]
    [InlineData(MigrationPhase.DualWriteReadNew, StoreRole.New, false, StoreRole.Old)]
    public async Task ReadsFromAsync_AvoidsAStoreThatIsBehind_WhenTheOtherIsNot_InThePhasesThatWriteBoth(MigrationPhase phase, StoreRole behind, bool otherBehindToo, StoreRole expected)
    {
        var phases = new InMemoryPhaseSource();
        phases.SetPhase("orders", phase);
        var log = new InMemoryRepairLog<long>();
        var router = new QueryRouter(phases);
        router.Watch("orders", log);
        (await router.ReadsFromAsync("orders", CancellationToken.None)).Should().Be(phase.Routing().Reads, "nothing is pending");

        await log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), "orders", 1, behind, 5, "fed", DateTimeOffset.UnixEpoch), CancellationToken.None);
        if (otherBehindToo)
        {
            await log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), "orders", 2, behind.Other(), 6, "failed", DateTimeOffset.UnixEpoch), CancellationToken.None);
        }

        (await router.ReadsFromAsync("orders", CancellationToken.None)).Should().Be(expected);
        router.ReadsFrom("orders").Should().Be(phase.Routing().Reads, "the phase alone still answers the synchronous question");
    }

    [Fact]
    public async Task RouteAsync_WhenBothStoresAreBehind_StaysOnTheReadStore_AndNamesTheKeysItMayLack()
    {
        var phases = new InMemoryPhaseSource();
        phases.SetPhase("orders", MigrationPhase.DualWriteReadOld);
        var log = new InMemoryRepairLog<long>();
        var router = new QueryRouter(phases);
        router.Watch("orders", log);
        (await router.RouteAsync<long>("orders", CancellationToken.None)).Should().BeEquivalentTo(new { From = StoreRole.Old, MayLack = Array.Empty<long>(), Complete = true });

        // Fed from NewOnly and not yet applied to the old store; meanwhile a write in DualWriteReadOld has its intent toward the new one.
        await log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), "orders", 1, StoreRole.Old, 5, "fed", DateTimeOffset.UnixEpoch), CancellationToken.None);
        await log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), "orders", 3, StoreRole.Old, 6, "fed", DateTimeOffset.UnixEpoch), CancellationToken.None);
        await log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), "orders", 2, StoreRole.New, 7, "secondary write pending", DateTimeOffset.UnixEpoch), CancellationToken.None);

        var route = await router.RouteAsync<long>("orders", CancellationToken.None);

        route.From.Should().Be(StoreRole.Old, "a query always runs on the read store");
        route.MayLack.Should().BeEquivalentTo([1L, 3L], "only the entries toward the read store name keys it may lack");
        route.Complete.Should().BeTrue();
        (await router.ReadsFromAsync("orders", CancellationToken.None)).Should().Be(StoreRole.Old);
        await router.Invoking(r => r.RouteAsync<string>("orders", CancellationToken.None).AsTask()).Should().ThrowAsync<InvalidOperationException>().WithMessage("*another key type*");
    }

    [Fact]
    public void AFlip_ChangesTheNextAnswer()
    {
        var phases = new InMemoryPhaseSource();
        phases.SetPhase("orders", MigrationPhase.DualWriteReadOld);
        var router = new QueryRouter(phases);
        router.ReadsFrom("orders").Should().Be(StoreRole.Old);

        phases.SetPhase("orders", MigrationPhase.DualWriteReadNew);

        router.ReadsFrom("orders").Should().Be(StoreRole.New);
    }

    [Fact]
    public void AnEntityWithoutAPhase_FailsAsThePhaseSourceDoes()
    {
        var router = new QueryRouter(new FailingPhaseSource());

        router.Invoking(r => r.ReadsFrom("orders")).Should().Throw<PhaseUnavailableException>();
    }

    private sealed class FailingPhaseSource : IPhaseSource
    {
        public MigrationPhase GetPhase(string entity) => throw new PhaseUnavailableException(entity, "DualWrite." + entity, PhaseFlagProblem.MissingFlag, "never read");
    }
}
