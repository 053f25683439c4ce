using DualWrite.Core.Phases;
using DualWrite.Core.Stores;
using static DualWrite.Core.Tests.Routing.DualWriteHarness;

namespace DualWrite.Core.Tests.Routing;

public sealed class DualWriteStoreRoutingTests
{
    [Theory]
    [InlineData(MigrationPhase.OldOnly, true, false)]
    [InlineData(MigrationPhase.Backfill, true, false)]
    [InlineData(MigrationPhase.DualWriteReadOld, true, true)]
    [InlineData(MigrationPhase.DualWriteReadNew, true, true)]
    public async Task Upsert_LandsWhereThePhaseWrites(MigrationPhase phase, bool inOld, bool inNew)
    {
        var h = new DualWriteHarness(phase);

        (await h.Store.UpsertAsync(new(1, 5, "a"), Ct)).Should().Be(WriteResult.Applied);

        (await h.Old.GetAsync(1, Ct) is not null).Should().Be(inOld);
        (await h.New.GetAsync(1, Ct) is not null).Should().Be(inNew);
        h.Log.PendingCount.Should().Be(0);
    }

    [Theory]
    [InlineData(MigrationPhase.OldOnly, StoreRole.Old)]
    [InlineData(MigrationPhase.Backfill, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadOld, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadNew, StoreRole.New)]
    [InlineData(MigrationPhase.NewOnly, StoreRole.New)]
    public async Task Reads_AndScans_ComeFromThePhasesReadStore(MigrationPhase phase, StoreRole reads)
    {
        var h = new DualWriteHarness(phase);
        await h.Old.UpsertAsync(new(1, 1, "old"), Ct);
        await h.New.UpsertAsync(new(1, 1, "new"), Ct);
        var expected = reads == StoreRole.Old ? "old" : "new";

        (await h.Store.GetAsync(1, Ct))!.Value.Should().Be(expected);
        (await ScanAll(h.Store)).Select(r => r.Value).Should().Equal(expected);
    }

    [Theory]
    [InlineData(MigrationPhase.OldOnly, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadOld, StoreRole.Old)]
    [InlineData(MigrationPhase.DualWriteReadNew, StoreRole.New)]
    [InlineData(MigrationPhase.NewOnly, StoreRole.New)]
    public async Task BulkLoad_GoesToTheAuthoritativeStoreOnly(MigrationPhase phase, StoreRole authority)
    {
        var h = new DualWriteHarness(phase);

        var applied = await h.Store.BulkLoadAsync(new[] { new VersionedRecord<long, string>(1, 1, "a") }.ToAsyncEnumerable(), Ct);

        applied.Should().Be(1);
        h.StoreFor(authority).Count.Should().Be(1);
        h.StoreFor(authority == StoreRole.Old ? StoreRole.New : StoreRole.Old).Count.Should().Be(0);
    }

    [Theory]
    [InlineData(MigrationPhase.DualWriteReadOld)]
    [InlineData(MigrationPhase.DualWriteReadNew)]
    public async Task Delete_LeavesTheSameTombstoneInBothStores(MigrationPhase phase)
    {
        var h = new DualWriteHarness(phase);
        await h.Store.UpsertAsync(new(1, 1, "a"), Ct);

        (await h.Store.DeleteAsync(1, 2, Ct)).Should().Be(WriteResult.Applied);

        var tombstone = VersionedRecord<long, string>.Tombstone(1, 2);
        (await h.Old.GetAsync(1, Ct)).Should().Be(tombstone);
        (await h.New.GetAsync(1, Ct)).Should().Be(tombstone);
        (await h.Store.GetAsync(1, Ct)).Should().Be(tombstone);
    }

    [Fact]
    public async Task OlderVersion_LosesAtTheAuthority_AndIsNotSentToTheSecondary()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        await h.Old.UpsertAsync(new(1, 9, "newer"), Ct);

        (await h.Store.UpsertAsync(new(1, 3, "stale"), Ct)).Should().Be(WriteResult.IgnoredOlderVersion);

        (await h.New.GetAsync(1, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task BackwardFlip_TakesEffectOnTheNextCall()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadNew);
        await h.Store.UpsertAsync(new(1, 1, "a"), Ct);
        await h.New.UpsertAsync(new(2, 1, "only-new"), Ct);
        (await h.Store.GetAsync(2, Ct)).Should().NotBeNull();

        h.Flip(MigrationPhase.DualWriteReadOld);

        (await h.Store.GetAsync(2, Ct)).Should().BeNull("reads now come from the old store");
        h.Old.FailNextWrites(1, new TimeoutException("old down"));
        var act = async () => await h.Store.UpsertAsync(new(1, 2, "b"), Ct);
        await act.Should().ThrowAsync<TimeoutException>("the old store is now written first and is authoritative");
        (await h.New.GetAsync(1, Ct))!.Version.Should().Be(1);
    }

    [Fact]
    public async Task ForwardFlip_TakesEffectOnTheNextCall()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        await h.Store.UpsertAsync(new(1, 1, "a"), Ct);

        h.Flip(MigrationPhase.DualWriteReadNew);
        h.New.FailNextWrites(1, new TimeoutException("new down"));

        var act = async () => await h.Store.UpsertAsync(new(1, 2, "b"), Ct);
        await act.Should().ThrowAsync<TimeoutException>();
        (await h.Old.GetAsync(1, Ct))!.Version.Should().Be(1);
    }
}
