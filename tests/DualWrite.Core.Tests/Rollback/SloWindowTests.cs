using DualWrite.Core.Phases;
using DualWrite.Core.Rollback;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Core.Tests.Rollback;

public sealed class SloWindowTests
{
    [Fact]
    public void ANewPhase_ClearsTheCounts()
    {
        var slo = new SloMonitor(new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero)));
        slo.Register("orders", new AutoRollbackOptions());
        var window = slo.Find("orders")!;
        window.ObservePhase(MigrationPhase.NewOnly);
        window.RecordShadowComparison(mismatch: true);
        window.ObservePhase(MigrationPhase.NewOnly);

        window.Snapshot().ShadowMismatches.Should().Be(1, "the same phase keeps its counts");

        window.ObservePhase(MigrationPhase.DualWriteReadNew);

        window.Snapshot().ShadowMismatches.Should().Be(0);
        window.Phase.Should().Be(MigrationPhase.DualWriteReadNew);
    }
}
