using DualWrite.Core.Phases;
using DualWrite.Hosting;
using DualWrite.Hosting.Flags;
using DualWrite.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static DualWrite.Core.Tests.Flags.FlagHarness;

namespace DualWrite.Core.Tests.Flags;

public sealed class FeatureFlagPhaseSourceRefreshTests
{
    private static Action<FeatureFlagPhaseSourceOptions> NoTimer => o => o.RefreshInterval = Timeout.InfiniteTimeSpan;

    [Fact]
    public async Task ConfigurationReload_FlipsThePhase_WithoutTheTimer()
    {
        using var harness = new FlagHarness(FlagData(("orders", "DualWriteReadOld"), ("customers", "OldOnly")), NoTimer);
        harness.Source.Register("orders", "customers");
        await harness.Source.RefreshAsync(CancellationToken.None);

        harness.Reload(FlagData(("orders", "DualWriteReadNew"), ("customers", "OldOnly")));
        await WaitUntilAsync(() => harness.Source.GetPhase("orders") == MigrationPhase.DualWriteReadNew);

        harness.Reload(FlagData(("orders", "DualWriteReadOld"), ("customers", "Backfill")));
        await WaitUntilAsync(() => harness.Source.GetPhase("orders") == MigrationPhase.DualWriteReadOld && harness.Source.GetPhase("customers") == MigrationPhase.Backfill);

        harness.Logger.Entries.Count(e => e.Id.Id == HostingEventIds.PhaseChanged).Should().Be(5, "one line per phase seen: two first reads and three flips");
    }

    [Fact]
    public async Task ReloadToAnInvalidFlag_KeepsTheLastGoodPhase_WarnsOnce_AndReportsStale()
    {
        using var harness = new FlagHarness(FlagData(("orders", "DualWriteReadNew")), NoTimer);
        harness.Source.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadNew);

        harness.Reload(FlagData(("orders", "ReadNewPlease")));
        await WaitUntilAsync(() => harness.Source.Health == PhaseSourceHealth.Stale);
        for (var i = 0; i < 5; i++)
        {
            await harness.Source.RefreshAsync(CancellationToken.None);
            harness.Source.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadNew);
        }

        var status = harness.Source.GetStatus("orders")!;
        status.Phase.Should().Be(MigrationPhase.DualWriteReadNew);
        status.Problem.Should().Be(PhaseFlagProblem.UnknownVariant);
        status.Detail.Should().Contain("'ReadNewPlease'");
        status.ProblemSince.Should().NotBeNull();
        harness.Logger.Warnings.Should().ContainSingle().Which.Message.Should().Contain("keeping its last good phase DualWriteReadNew");
    }

    [Fact]
    public async Task FlagRemovedThenRestored_KeepsPhase_ThenRecovers()
    {
        using var harness = new FlagHarness(FlagData(("orders", "Backfill")), NoTimer);
        harness.Source.GetPhase("orders").Should().Be(MigrationPhase.Backfill);

        harness.Reload(FlagData(("customers", "OldOnly")));
        await WaitUntilAsync(() => harness.Source.GetStatus("orders")!.Problem == PhaseFlagProblem.MissingFlag);
        harness.Source.GetPhase("orders").Should().Be(MigrationPhase.Backfill);

        harness.Reload(FlagData(("orders", "DualWriteReadOld")));
        await WaitUntilAsync(() => harness.Source.Health == PhaseSourceHealth.Healthy);

        harness.Source.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadOld);
        harness.Logger.Entries.Should().Contain(e => e.Id.Id == HostingEventIds.PhaseFlagRecovered && e.Level == LogLevel.Information);
    }

    [Fact]
    public async Task AChangedProblem_WarnsAgain_ButARepeatedOneDoesNot()
    {
        using var harness = new FlagHarness(FlagData(("orders", "OldOnly")), NoTimer);
        harness.Source.GetPhase("orders");

        harness.Reload(FlagData(("orders", "Bogus")));
        await WaitUntilAsync(() => harness.Logger.Warnings.Count() == 1);
        harness.Reload(FlagData(("orders", "Bogus")));
        await harness.Source.RefreshAsync(CancellationToken.None);
        harness.Reload(FlagData(("orders", "Other")));
        await WaitUntilAsync(() => harness.Logger.Warnings.Count() == 2);
        await harness.Source.RefreshAsync(CancellationToken.None);

        harness.Logger.Warnings.Should().HaveCount(2);
    }

    [Fact]
    public async Task UnavailableEntity_BecomesAvailable_WhenTheFlagAppears()
    {
        using var harness = new FlagHarness(FlagData(("customers", "OldOnly")), NoTimer);
        FluentActions.Invoking(() => harness.Source.GetPhase("orders")).Should().Throw<PhaseUnavailableException>();

        harness.Reload(FlagData(("customers", "OldOnly"), ("orders", "Backfill")));
        await WaitUntilAsync(() => harness.Source.GetStatus("orders")!.Health == PhaseSourceHealth.Healthy);

        harness.Source.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
    }

    [Fact]
    public async Task Timer_RereadsFlags_EvenWithoutAReloadSignal()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var manager = new StubFeatureManager();
        manager.Set("DualWrite.orders", "DualWriteReadOld");
        using var source = new FeatureFlagPhaseSource(manager, null, new FeatureFlagPhaseSourceOptions(), clock);
        source.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadOld);

        // The default interval is 250 ms: the timer is not due a tick earlier, and it fires again every 250 ms.
        manager.Set("DualWrite.orders", "DualWriteReadNew");
        clock.Advance(TimeSpan.FromMilliseconds(249));
        source.GetPhase("orders").Should().Be(MigrationPhase.DualWriteReadOld, "nothing has refreshed yet");
        clock.Advance(TimeSpan.FromMilliseconds(1));

        await WaitUntilAsync(() => source.GetPhase("orders") == MigrationPhase.DualWriteReadNew);
        source.GetStatus("orders")!.ReadAt.Should().Be(clock.GetUtcNow());

        manager.Set("DualWrite.orders", "NewOnly");
        clock.Advance(TimeSpan.FromMilliseconds(250));

        await WaitUntilAsync(() => source.GetPhase("orders") == MigrationPhase.NewOnly);
        source.GetStatus("orders")!.ReadAt.Should().Be(clock.GetUtcNow());
    }

    [Fact]
    public async Task FeatureManagerThrows_KeepsTheLastGoodPhase_AndReportsTheFailure()
    {
        var manager = new StubFeatureManager();
        manager.Set("DualWrite.orders", "NewOnly");
        using var source = new FeatureFlagPhaseSource(manager, null, new FeatureFlagPhaseSourceOptions { RefreshInterval = Timeout.InfiniteTimeSpan });
        source.GetPhase("orders").Should().Be(MigrationPhase.NewOnly);

        manager.Failure = new InvalidOperationException("flag service unreachable");
        await source.RefreshAsync(CancellationToken.None);

        source.GetPhase("orders").Should().Be(MigrationPhase.NewOnly);
        source.GetStatus("orders")!.Should().Match<PhaseFlagStatus>(s =>
            s.Health == PhaseSourceHealth.Stale && s.Problem == PhaseFlagProblem.EvaluationFailed && s.Detail!.Contains("flag service unreachable"));
    }

    [Fact]
    public async Task Dispose_StopsFollowingReloads_ButKeepsServingTheCache()
    {
        var harness = new FlagHarness(FlagData(("orders", "Backfill")), NoTimer);
        harness.Source.GetPhase("orders");

        harness.Source.Dispose();
        harness.Reload(FlagData(("orders", "DualWriteReadOld")));

        harness.Source.GetPhase("orders").Should().Be(MigrationPhase.Backfill);
        await FluentActions.Awaiting(() => harness.Source.RefreshAsync(CancellationToken.None)).Should().ThrowAsync<ObjectDisposedException>();
        harness.Dispose();
    }

    [Fact]
    public async Task ConcurrentReadersDuringReloads_OnlySeeConfiguredPhases()
    {
        using var harness = new FlagHarness(FlagData(("orders", "DualWriteReadOld")), NoTimer);
        harness.Source.GetPhase("orders");
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            var (reads, strays) = (0, 0);
            while (!stop.IsCancellationRequested)
            {
                strays += harness.Source.GetPhase("orders") is MigrationPhase.DualWriteReadOld or MigrationPhase.DualWriteReadNew ? 0 : 1;
                if (++reads % 1024 == 0)
                {
                    // Two cores: leave room for the refresh this test waits for.
                    Thread.Yield();
                }
            }

            return (reads, strays);
        });

        for (var i = 0; i < 20; i++)
        {
            var target = i % 2 == 0 ? MigrationPhase.DualWriteReadNew : MigrationPhase.DualWriteReadOld;
            harness.Reload(FlagData(("orders", target.ToString())));
            await WaitUntilAsync(() => harness.Source.GetPhase("orders") == target);
        }

        await stop.CancelAsync();
        var (reads, strays) = await reader;
        reads.Should().BePositive();
        strays.Should().Be(0);
    }
}
