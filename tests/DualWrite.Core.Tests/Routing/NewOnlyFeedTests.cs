using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using static DualWrite.Core.Tests.Routing.DualWriteHarness;

namespace DualWrite.Core.Tests.Routing;

/// <summary>NewOnly keeps the old store current through the repair log, so every step back is instant and reads stay fresh.</summary>
public sealed class NewOnlyFeedTests
{
    [Fact]
    public async Task AWriteInNewOnly_ReachesTheNewStoreAtOnce_AndTheOldStoreThroughTheRepairWorker()
    {
        var h = new DualWriteHarness(MigrationPhase.NewOnly);

        (await h.Store.UpsertAsync(new(1, 5, "a"), Ct)).Should().Be(WriteResult.Applied);
        (await h.Store.DeleteAsync(2, 6, Ct)).Should().Be(WriteResult.Applied);

        (await h.New.GetAsync(1, Ct))!.Version.Should().Be(5);
        (await h.Old.GetAsync(1, Ct)).Should().BeNull("the application does not wait for the old store");
        (await h.Pending()).Should().OnlyContain(e => e.Target == StoreRole.Old && e.Reason == DualWriteStore<long, string>.FedReason)
            .And.HaveCount(2);

        (await h.Worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(2, 0));
        (await h.Old.GetAsync(1, Ct))!.Version.Should().Be(5);
        (await h.Old.GetAsync(2, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(2, 6));
        h.Log.PendingCount.Should().Be(0);
        await h.ShouldBeInSync();
    }

    [Fact]
    public async Task AnOlderVersionInNewOnly_LeavesNoEntry()
    {
        var h = new DualWriteHarness(MigrationPhase.NewOnly);
        await h.New.UpsertAsync(new(1, 9, "newer"), Ct);

        (await h.Store.UpsertAsync(new(1, 5, "older"), Ct)).Should().Be(WriteResult.IgnoredOlderVersion);

        h.Log.PendingCount.Should().Be(0);
    }

    [Theory]
    [InlineData(MigrationPhase.DualWriteReadNew)]
    [InlineData(MigrationPhase.DualWriteReadOld)]
    [InlineData(MigrationPhase.OldOnly)]
    public async Task SteppingBackBeforeTheFeedIsApplied_StillReadsTheNewestWrite(MigrationPhase back)
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadNew);
        await h.Store.UpsertAsync(new(1, 1, "both"), Ct);
        h.Flip(MigrationPhase.NewOnly);
        await h.Store.UpsertAsync(new(1, 2, "new only"), Ct);

        h.Flip(back);

        (await h.Store.GetAsync(1, Ct))!.Value.Should().Be("new only", "the pending entry sends the read to the newer store too");
        await h.Worker.RunOnceAsync(Ct);
        (await h.Old.GetAsync(1, Ct))!.Value.Should().Be("new only");
        (await h.Store.GetAsync(1, Ct))!.Value.Should().Be("new only");
    }

    [Fact]
    public async Task ALogThatCannotRecordTheFeed_FailsTheCallerWithTheTypedError()
    {
        var h = new DualWriteHarness(MigrationPhase.NewOnly);
        h.Log.FailNextAppends(1, new IOException("log down"));

        var act = async () => await h.Store.UpsertAsync(new(1, 5, "a"), Ct);

        var error = (await act.Should().ThrowAsync<SecondaryWriteUnrecordedException>()).Which;
        error.SecondaryFailure.Should().BeNull("the old store did not fail: it was never written");
        error.InnerException.Should().BeOfType<IOException>();
        error.Message.Should().Contain("fed through the repair log");
    }

    [Fact]
    public async Task BothStoresAsOutboxes_KeepTheirIntentsInTheirOwnLogs_AndTheWorkerDrainsBoth()
    {
        var old = new InMemoryVersionedStore<long, string>();
        var @new = new InMemoryVersionedStore<long, string>();
        var towardNew = new InMemoryRepairLog<long>();
        var towardOld = new InMemoryRepairLog<long>();
        var log = new DirectedRepairLog<long>(towardNew, towardOld);
        var oldOutbox = new InMemoryOutboxStore(old, towardNew);
        var newOutbox = new InMemoryOutboxStore(@new, towardOld);
        var phases = new InMemoryPhaseSource();
        var store = new DualWriteStore<long, string>(Entity, oldOutbox, newOutbox, phases, log);
        var worker = new RepairWorker<long, string>(Entity, oldOutbox, newOutbox, log);

        phases.SetPhase(Entity, MigrationPhase.DualWriteReadOld);
        oldOutbox.CrashAfterNextCommit = true;
        var crash = async () => await store.UpsertAsync(new(1, 1, "read old"), Ct);
        await crash.Should().ThrowAsync<InvalidOperationException>();
        phases.SetPhase(Entity, MigrationPhase.NewOnly);
        await store.UpsertAsync(new(2, 2, "new only"), Ct);

        towardNew.PendingCount.Should().Be(1, "the old store's intent, left by the crash");
        towardOld.PendingCount.Should().Be(1, "NewOnly's feed of the old store");
        (await log.ReadPendingAsync(Entity, 10, Ct)).Select(e => e.Target).Should().Equal(StoreRole.New, StoreRole.Old);
        (await log.HasPendingAsync(Entity, 2, StoreRole.Old, Ct)).Should().BeTrue();
        (await log.HasPendingAsync(Entity, 2, StoreRole.New, Ct)).Should().BeFalse();

        (await worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(2, 0));
        towardNew.PendingCount.Should().Be(0);
        towardOld.PendingCount.Should().Be(0);
        (await ScanAll(old)).Should().Equal(await ScanAll(@new));
    }

    [Fact]
    public async Task PendingEntriesOfBothLogs_AreReadOldestFirst_UpToMax()
    {
        var towardNew = new InMemoryRepairLog<long>();
        var towardOld = new InMemoryRepairLog<long>();
        var log = new DirectedRepairLog<long>(towardNew, towardOld);
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (key, target, second) in new[] { (1L, StoreRole.New, 3), (2L, StoreRole.Old, 1), (3L, StoreRole.New, 2), (4L, StoreRole.Old, 4) })
        {
            await log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), Entity, key, target, key, "test", at.AddSeconds(second)), Ct);
        }

        towardNew.PendingCount.Should().Be(2);
        (await log.ReadPendingAsync(Entity, 3, Ct)).Select(e => e.Key).Should().Equal(2, 3, 1);
    }

    [Fact]
    public void AnOutboxWhoseLogIsNotTheDirectedLogsPart_IsRefused()
    {
        var towardNew = new InMemoryRepairLog<long>();
        var towardOld = new InMemoryRepairLog<long>();
        var @new = new InMemoryOutboxStore(new InMemoryVersionedStore<long, string>(), towardNew);

        var act = () => new DualWriteStore<long, string>(Entity, new InMemoryVersionedStore<long, string>(), @new, new InMemoryPhaseSource(), new DirectedRepairLog<long>(towardNew, towardOld));

        act.Should().Throw<ArgumentException>().WithParameterName("newStore").WithMessage("*toward the Old store*");
    }

    [Fact]
    public void ADirectedLogOverOneLog_IsRefused()
    {
        var one = new InMemoryRepairLog<long>();

        var act = () => new DirectedRepairLog<long>(one, one);

        act.Should().Throw<ArgumentException>();
    }
}
