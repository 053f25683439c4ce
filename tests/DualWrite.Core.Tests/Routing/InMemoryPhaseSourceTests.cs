using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Testing;

namespace DualWrite.Core.Tests.Routing;

public sealed class InMemoryPhaseSourceTests
{
    [Fact]
    public void UnsetEntity_IsInTheDefaultPhase()
    {
        new InMemoryPhaseSource().GetPhase("orders").Should().Be(MigrationPhase.OldOnly);
        new InMemoryPhaseSource(MigrationPhase.Backfill).GetPhase("orders").Should().Be(MigrationPhase.Backfill);
    }

    [Fact]
    public void SetPhase_IsSeenByTheNextRead_PerEntity()
    {
        var source = new InMemoryPhaseSource();

        source.SetPhase("orders", MigrationPhase.DualWriteReadNew);

        source.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadNew);
        source.GetPhase("customers").Should().Be(MigrationPhase.OldOnly);
    }

    [Fact]
    public void UndefinedPhase_IsRejected()
    {
        var source = new InMemoryPhaseSource();

        var act = () => source.SetPhase("orders", (MigrationPhase)42);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("phase");
        source.GetPhase("orders").Should().Be(MigrationPhase.OldOnly);
    }

    [Fact]
    public async Task ConcurrentFlipsAndReads_OnlyEverSeeSetPhases()
    {
        var source = new InMemoryPhaseSource(MigrationPhase.DualWriteReadOld);
        var writers = Enumerable.Range(0, 4).Select(i => Task.Run(() =>
        {
            for (var n = 0; n < 10_000; n++)
            {
                source.SetPhase("orders", (n + i) % 2 == 0 ? MigrationPhase.DualWriteReadOld : MigrationPhase.DualWriteReadNew);
            }
        }));
        var reader = Task.Run(() =>
        {
            for (var n = 0; n < 10_000; n++)
            {
                source.GetPhase("orders").Should().BeOneOf(MigrationPhase.DualWriteReadOld, MigrationPhase.DualWriteReadNew);
            }
        });

        await Task.WhenAll([.. writers, reader]);
    }
}
