using DualWrite.Core.Phases;
using DualWrite.Core.Rollback;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using DualWrite.Core.Tests.Resilience;
using DualWrite.Core.Tests.Routing;
using DualWrite.Testing;

namespace DualWrite.Core.Tests.Shadow;

public sealed class ShadowReadTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(1);

    private static (DualWriteHarness Harness, SloWindow Window, CapturingLogger Logger) Rig(MigrationPhase phase, bool logValues = false)
    {
        var logger = new CapturingLogger();
        var window = new SloMonitor().Register(DualWriteHarness.Entity, new AutoRollbackOptions());
        var h = new DualWriteHarness(phase, o =>
        {
            o.ShadowReads = new() { SampleRate = 1, RecheckDelay = Recheck, LogValues = logValues };
            o.Objectives = window;
            o.Logger = logger;
        });
        return (h, window, logger);
    }

    [Theory]
    [InlineData(MigrationPhase.DualWriteReadOld)]
    [InlineData(MigrationPhase.DualWriteReadNew)]
    public async Task AgreeingStores_CountAMatch(MigrationPhase phase)
    {
        var (h, window, _) = Rig(phase);
        await h.Store.UpsertAsync(new(1, 5, "a"), Ct);

        await h.Store.GetAsync(1, Ct);
        await Eventually.AdvancingAsync(h.Time, Recheck, h.Store.WhenShadowReadsIdleAsync(), "the shadow reads and their rechecks");

        window.Snapshot().ShadowComparisons.Should().Be(1);
        window.Snapshot().ShadowMismatches.Should().Be(0);
    }

    [Fact]
    public async Task DivergentStores_CountAMismatch_LogTheKeyButNotTheValues_AndServeTheReadStore()
    {
        var (h, window, logger) = Rig(MigrationPhase.DualWriteReadOld);
        await h.Old.UpsertAsync(new(42, 5, "secret-old"), Ct);
        await h.New.UpsertAsync(new(42, 5, "secret-new"), Ct);

        (await h.Store.GetAsync(42, Ct))!.Value.Should().Be("secret-old");
        await Eventually.AdvancingAsync(h.Time, Recheck, h.Store.WhenShadowReadsIdleAsync(), "the shadow reads and their rechecks");

        window.Snapshot().ShadowMismatches.Should().Be(1);
        var message = logger.Messages.Should().ContainSingle(m => m.Contains("mismatch", StringComparison.Ordinal)).Subject;
        message.Should().Contain("42").And.NotContain("secret");
    }

    [Fact]
    public async Task LogValues_PutsBothValuesInTheMismatchMessage()
    {
        var (h, _, logger) = Rig(MigrationPhase.DualWriteReadOld, logValues: true);
        await h.Old.UpsertAsync(new(42, 5, "left"), Ct);
        await h.New.UpsertAsync(new(42, 6, "right"), Ct);

        await h.Store.GetAsync(42, Ct);
        await Eventually.AdvancingAsync(h.Time, Recheck, h.Store.WhenShadowReadsIdleAsync(), "the shadow reads and their rechecks");

        logger.Messages.Should().Contain(m => m.Contains("left", StringComparison.Ordinal) && m.Contains("right", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DifferenceWithARepairPending_IsNotAMismatch()
    {
        var (h, window, _) = Rig(MigrationPhase.DualWriteReadOld);
        h.New.FailNextWrites(1, new TimeoutException("down"));
        await h.Store.UpsertAsync(new(1, 5, "a"), Ct);

        await h.Store.GetAsync(1, Ct);
        await Eventually.AdvancingAsync(h.Time, Recheck, h.Store.WhenShadowReadsIdleAsync(), "the shadow reads and their rechecks");

        window.Snapshot().ShadowMismatches.Should().Be(0);
    }

    [Theory]
    [InlineData(MigrationPhase.OldOnly)]
    [InlineData(MigrationPhase.Backfill)]
    [InlineData(MigrationPhase.NewOnly)]
    public async Task SingleStorePhases_AreNotShadowed(MigrationPhase phase)
    {
        var (h, window, _) = Rig(phase);
        await h.Old.UpsertAsync(new(1, 5, "a"), Ct);

        await h.Store.GetAsync(1, Ct);
        await Eventually.AdvancingAsync(h.Time, Recheck, h.Store.WhenShadowReadsIdleAsync(), "the shadow reads and their rechecks");

        window.Snapshot().ShadowComparisons.Should().Be(0);
    }

    [Fact]
    public async Task StuckShadowStore_DoesNotHoldTheCaller_AndCountsNoComparison()
    {
        var slowNew = new SlowStore(new InMemoryVersionedStore<long, string>(), TimeSpan.FromMinutes(5));
        var window = new SloMonitor().Register("orders", new AutoRollbackOptions());
        var old = new InMemoryVersionedStore<long, string>();
        await old.UpsertAsync(new(1, 5, "a"), Ct);
        var store = new DualWriteStore<long, string>("orders", old, slowNew, new InMemoryPhaseSource(MigrationPhase.DualWriteReadOld), new InMemoryRepairLog<long>(), new()
        {
            ShadowReads = { SampleRate = 1, Timeout = TimeSpan.FromMilliseconds(50) },
            Objectives = window,
        });

        // The shadow store never answers; the caller's read still completes, which it could not if it waited.
        (await store.GetAsync(1, Ct))!.Value.Should().Be("a");
        slowNew.StartedGets.Should().Be(1);

        await store.WhenShadowReadsIdleAsync();
        window.Snapshot().ShadowComparisons.Should().Be(0, "a timed-out shadow read compares nothing");
    }

    [Fact]
    public async Task ZeroSampleRate_ShadowsNothing()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld, o => o.ShadowReads = new() { SampleRate = 0 });
        await h.Store.UpsertAsync(new(1, 5, "a"), Ct);
        var reads = 0;
        h.New.FaultInjector = op =>
        {
            if (op == InMemoryStoreOperation.Get)
            {
                reads++;
            }

            return null;
        };

        for (var i = 0; i < 100; i++)
        {
            await h.Store.GetAsync(1, Ct);
        }

        reads.Should().Be(0);
    }
}
