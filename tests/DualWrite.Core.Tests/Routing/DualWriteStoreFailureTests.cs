using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using static DualWrite.Core.Tests.Routing.DualWriteHarness;

namespace DualWrite.Core.Tests.Routing;

public sealed class DualWriteStoreFailureTests
{
    [Theory]
    [InlineData(MigrationPhase.DualWriteReadOld, StoreRole.New)]
    [InlineData(MigrationPhase.DualWriteReadNew, StoreRole.Old)]
    public async Task SecondaryFailure_CallerSucceeds_EntryIsLogged_AndRepairConverges(MigrationPhase phase, StoreRole secondary)
    {
        var h = new DualWriteHarness(phase);
        h.StoreFor(secondary).FailNextWrites(1, new TimeoutException("secondary down"));

        (await h.Store.UpsertAsync(new(7, 3, "a"), Ct)).Should().Be(WriteResult.Applied);

        var entry = (await h.Pending()).Should().ContainSingle().Subject;
        entry.Entity.Should().Be(Entity);
        entry.Key.Should().Be(7);
        entry.Target.Should().Be(secondary);
        entry.Version.Should().Be(3);
        entry.Reason.Should().Contain("TimeoutException").And.Contain("secondary down");
        entry.FailedAt.Should().Be(h.Time.GetUtcNow());
        (await h.StoreFor(secondary).GetAsync(7, Ct)).Should().BeNull();

        (await h.Worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(1, 0));

        await h.ShouldBeInSync();
        h.Log.PendingCount.Should().Be(0);
    }

    [Fact]
    public async Task SecondaryDeleteFailure_IsRepairedWithTheTombstone()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        await h.Store.UpsertAsync(new(1, 1, "a"), Ct);
        h.New.FailNextWrites(1, new TimeoutException());

        await h.Store.DeleteAsync(1, 2, Ct);
        await h.Worker.RunOnceAsync(Ct);

        (await h.New.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 2));
        await h.ShouldBeInSync();
    }

    [Theory]
    [InlineData(MigrationPhase.DualWriteReadOld, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadNew, StoreRole.New)]
    [InlineData(MigrationPhase.NewOnly, StoreRole.New)]
    [InlineData(MigrationPhase.OldOnly, StoreRole.Old)]
    public async Task AuthoritativeFailure_FailsTheCaller_AndChangesNeitherStore(MigrationPhase phase, StoreRole authority)
    {
        var h = new DualWriteHarness(phase);
        await h.Store.UpsertAsync(new(1, 1, "a"), Ct);
        var before = (await ScanAll(h.Old), await ScanAll(h.New), await h.Pending());
        h.StoreFor(authority).FailNextWrites(1, new TimeoutException("authority down"));

        var act = async () => await h.Store.UpsertAsync(new(1, 2, "b"), Ct);

        await act.Should().ThrowAsync<TimeoutException>();
        (await ScanAll(h.Old), await ScanAll(h.New), await h.Pending()).Should().BeEquivalentTo(before, "nothing was written or logged");
    }

    [Fact]
    public async Task SecondaryAppliedButUnacknowledged_IsLogged_AndRepairIsHarmless()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadNew);
        h.Old.FailNextWrites(1, new IOException("reply lost"), afterApplying: true);

        await h.Store.UpsertAsync(new(1, 4, "a"), Ct);

        (await h.Old.GetAsync(1, Ct))!.Version.Should().Be(4, "the write landed although it was reported failed");
        (await h.Pending()).Should().ContainSingle();
        (await h.Worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(1, 0));
        await h.ShouldBeInSync();
    }

    [Fact]
    public async Task RepairLogFailure_FailsTheCaller_AndARetryAtTheSameVersionCompletesBothStores()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        var secondaryFault = new TimeoutException("new down");
        var logFault = new IOException("log down");
        h.New.FailNextWrites(1, secondaryFault);
        h.Log.FailNextAppends(1, logFault);

        var act = async () => await h.Store.UpsertAsync(new(1, 5, "a"), Ct);

        var thrown = (await act.Should().ThrowAsync<SecondaryWriteUnrecordedException>()).Which;
        thrown.SecondaryFailure.Should().BeSameAs(secondaryFault);
        thrown.InnerException.Should().BeSameAs(logFault);
        thrown.Message.Should().Contain("orders").And.Contain("'1'").And.Contain("version 5");

        (await h.Store.UpsertAsync(new(1, 5, "a"), Ct)).Should().Be(WriteResult.IgnoredSameVersion);
        await h.ShouldBeInSync();
        (await h.New.GetAsync(1, Ct))!.Version.Should().Be(5);
    }

    [Fact]
    public async Task CancelledSecondaryWrite_IsStillLogged()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        using var cts = new CancellationTokenSource();
        h.New.FaultInjector = op =>
        {
            cts.Cancel();
            return op is InMemoryStoreOperation.Upsert ? new OperationCanceledException(cts.Token) : null;
        };

        (await h.Store.UpsertAsync(new(1, 1, "a"), cts.Token)).Should().Be(WriteResult.Applied);

        (await h.Pending()).Should().ContainSingle();
    }

    [Fact]
    public async Task RepairWhileTargetIsDown_StaysPending_UntilItRecovers()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        h.New.FailNextWrites(3, new TimeoutException());
        await h.Store.UpsertAsync(new(1, 1, "a"), Ct);
        await h.Store.UpsertAsync(new(2, 2, "b"), Ct);

        (await h.Worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(1, 1));
        h.Log.PendingCount.Should().Be(1);

        (await h.Worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(1, 0));
        h.Log.PendingCount.Should().Be(0);
        await h.ShouldBeInSync();
    }

    [Fact]
    public async Task Repair_CopiesTheCurrentRecord_NotTheFailedOne()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        h.New.FailNextWrites(1, new TimeoutException());
        await h.Store.UpsertAsync(new(1, 1, "first"), Ct);
        await h.Store.UpsertAsync(new(1, 2, "second"), Ct);

        await h.Worker.RunOnceAsync(Ct);

        (await h.New.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 2, "second"));
    }

    [Fact]
    public async Task Repair_AfterTheTargetBecameAuthoritative_StillCopiesFromTheOtherStore()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        h.New.FailNextWrites(1, new TimeoutException());
        await h.Store.UpsertAsync(new(1, 1, "a"), Ct);

        h.Flip(MigrationPhase.DualWriteReadNew);
        (await h.Store.GetAsync(1, Ct))!.Version.Should().Be(1, "a pending repair makes the read consult the other store");
        await h.Worker.RunOnceAsync(Ct);

        (await h.New.GetAsync(1, Ct))!.Version.Should().Be(1);
        await h.ShouldBeInSync();
    }

    [Fact]
    public async Task RollbackBeforeRepair_ReadsNeverGoBackwards()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadNew);
        await h.Store.UpsertAsync(new(1, 1, "a"), Ct);
        h.Old.FailNextWrites(1, new TimeoutException());
        await h.Store.UpsertAsync(new(1, 2, "b"), Ct);
        (await h.Store.GetAsync(1, Ct))!.Version.Should().Be(2);

        h.Flip(MigrationPhase.DualWriteReadOld);

        (await h.Store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 2, "b"));
        await h.Worker.RunOnceAsync(Ct);
        (await h.Old.GetAsync(1, Ct))!.Version.Should().Be(2);
    }

    [Fact]
    public async Task StaleReplaysAfterRepair_NeverRegressEitherStore()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        h.New.FailNextWrites(2, new TimeoutException());
        await h.Store.UpsertAsync(new(1, 1, "a"), Ct);
        await h.Store.UpsertAsync(new(1, 2, "b"), Ct);
        await h.Store.UpsertAsync(new(1, 3, "c"), Ct);
        await h.Worker.RunOnceAsync(Ct);
        var expected = new VersionedRecord<long, string>(1, 3, "c");

        (await h.Store.UpsertAsync(new(1, 1, "a"), Ct)).Should().Be(WriteResult.IgnoredOlderVersion);
        (await h.New.UpsertAsync(new(1, 2, "b"), Ct)).Should().Be(WriteResult.IgnoredOlderVersion);
        (await h.Old.UpsertAsync(new(1, 3, "c"), Ct)).Should().Be(WriteResult.IgnoredSameVersion);
        (await h.New.DeleteAsync(1, 2, Ct)).Should().Be(WriteResult.IgnoredOlderVersion);
        await h.Worker.RunOnceAsync(Ct);

        (await h.Old.GetAsync(1, Ct)).Should().Be(expected);
        (await h.New.GetAsync(1, Ct)).Should().Be(expected);
    }

    [Fact]
    public async Task DuplicateEntries_AreHarmless()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        await h.Store.UpsertAsync(new(1, 4, "a"), Ct);
        var entry = new RepairEntry<long>(Guid.NewGuid(), Entity, 1, StoreRole.New, 4, "test", h.Time.GetUtcNow());
        await h.Log.AppendAsync(entry, Ct);
        await h.Log.AppendAsync(entry, Ct);
        await h.Log.AppendAsync(entry with { Id = Guid.NewGuid() }, Ct);

        (await h.Worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(2, 0));
        await h.ShouldBeInSync();
    }

    [Fact]
    public async Task EntryWhoseSourceLacksTheVersion_StaysPending()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        await h.Old.UpsertAsync(new(2, 2, "older than the entry"), Ct);
        await h.Log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), Entity, 1, StoreRole.New, 4, "test", h.Time.GetUtcNow()), Ct);
        await h.Log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), Entity, 2, StoreRole.New, 4, "test", h.Time.GetUtcNow()), Ct);

        (await h.Worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(0, 2));
        h.Log.PendingCount.Should().Be(2);
    }

    [Fact]
    public async Task Worker_OnlyDrainsItsOwnEntity()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        await h.Log.AppendAsync(new RepairEntry<long>(Guid.NewGuid(), "customers", 1, StoreRole.New, 4, "test", h.Time.GetUtcNow()), Ct);

        (await h.Worker.RunOnceAsync(Ct)).Should().Be(new RepairRunResult(0, 0));
        h.Log.PendingCount.Should().Be(1);
    }
}
