using DualWrite.Core.Diagnostics;
using DualWrite.Core.Phases;
using DualWrite.Core.Tests.Routing;
using DualWrite.Testing;

namespace DualWrite.Core.Tests.Diagnostics;

/// <summary>The running totals health reports publish come from the same metric calls as the instruments.</summary>
public sealed class EntityFiguresTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task SecondaryWritesAndFailures_AreCounted_WithThePhase()
    {
        using var metrics = new DualWriteMetrics();
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld, o => o.Metrics = metrics);
        h.New.FailNextWrites(2, new TimeoutException("new store down"));

        for (var key = 1; key <= 10; key++)
        {
            await h.Store.UpsertAsync(new(key, 5, "a"), Ct);
        }

        await h.Store.DeleteAsync(1, 6, Ct);

        metrics.ReadFigures().Should().Equal(new EntityFigures(DualWriteHarness.Entity, MigrationPhase.DualWriteReadOld, 11, 2, 0, 0));
    }

    [Fact]
    public async Task SingleStorePhases_WriteNoSecondary_ButTheEntityIsListed()
    {
        using var metrics = new DualWriteMetrics();
        var h = new DualWriteHarness(MigrationPhase.Backfill, o => o.Metrics = metrics);

        await h.Store.UpsertAsync(new(1, 5, "a"), Ct);
        h.Flip(MigrationPhase.NewOnly);
        await h.Store.UpsertAsync(new(2, 5, "b"), Ct);

        metrics.ReadFigures().Should().Equal(new EntityFigures(DualWriteHarness.Entity, MigrationPhase.NewOnly, 0, 0, 0, 0));
    }

    [Fact]
    public async Task ShadowComparisons_CountMatchesAndMismatches_NotTimeoutsOrErrors()
    {
        using var metrics = new DualWriteMetrics();
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld, o =>
        {
            o.Metrics = metrics;
            o.ShadowReads = new() { SampleRate = 1, RecheckDelay = Recheck };
        });
        await h.Old.UpsertAsync(new(1, 5, "same"), Ct);
        await h.New.UpsertAsync(new(1, 5, "same"), Ct);
        await h.Old.UpsertAsync(new(2, 5, "old"), Ct);
        await h.New.UpsertAsync(new(2, 5, "new"), Ct);
        await h.Old.UpsertAsync(new(3, 5, "old"), Ct);

        await h.Store.GetAsync(1, Ct);
        await h.Store.GetAsync(2, Ct);
        await Eventually.AdvancingAsync(h.Time, Recheck, h.Store.WhenShadowReadsIdleAsync(), "the shadow reads and their rechecks");
        h.New.FaultInjector = _ => new InvalidOperationException("shadow read fails");
        await h.Store.GetAsync(3, Ct);
        await Eventually.AdvancingAsync(h.Time, Recheck, h.Store.WhenShadowReadsIdleAsync(), "the failing shadow read");

        var figures = metrics.ReadFigures().Should().ContainSingle().Subject;
        (figures.ShadowReads, figures.ShadowMismatches).Should().Be((2L, 1L));
    }
}
