using DualWrite.Core.Stores;
using DualWrite.Core.Testing;

namespace DualWrite.Core.Tests.Stores;

public sealed class InMemoryVersionedStoreFaultTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task FailNextWrites_FailsThatManyWrites_WithoutApplyingThem()
    {
        var store = new InMemoryVersionedStore<long, string>();
        var boom = new TimeoutException("down");
        store.FailNextWrites(2, boom);

        (await Record.ExceptionAsync(async () => await store.UpsertAsync(new(1, 1, "a"), Ct))).Should().BeSameAs(boom);
        (await Record.ExceptionAsync(async () => await store.DeleteAsync(2, 1, Ct))).Should().BeSameAs(boom);
        store.Count.Should().Be(0);

        (await store.UpsertAsync(new(1, 1, "a"), Ct)).Should().Be(WriteResult.Applied);
    }

    [Fact]
    public async Task FailNextWrites_AfterApplying_LandsTheWriteButThrows()
    {
        var store = new InMemoryVersionedStore<long, string>();
        store.FailNextWrites(1, new TimeoutException("reply lost"), afterApplying: true);

        var act = async () => await store.UpsertAsync(new(1, 1, "a"), Ct);

        await act.Should().ThrowAsync<TimeoutException>();
        (await store.GetAsync(1, Ct)).Should().Be(new VersionedRecord<long, string>(1, 1, "a"));
        (await store.UpsertAsync(new(1, 1, "a"), Ct)).Should().Be(WriteResult.IgnoredSameVersion);
    }

    [Fact]
    public async Task FailNextWrites_DoesNotAffectReads()
    {
        var store = new InMemoryVersionedStore<long, string>();
        store.FailNextWrites(1, new TimeoutException());

        (await store.GetAsync(1, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task FailNextWrites_CountsEachBulkLoadedRecord()
    {
        var store = new InMemoryVersionedStore<long, string>();
        await store.UpsertAsync(new(1, 1, "a"), Ct);
        store.FailNextWrites(1, new TimeoutException());

        var act = async () => await store.BulkLoadAsync(Records(new(2, 1, "b"), new(3, 1, "c")), Ct);

        await act.Should().ThrowAsync<TimeoutException>();
        store.Count.Should().Be(1);
        (await store.BulkLoadAsync(Records(new(2, 1, "b"), new(3, 1, "c")), Ct)).Should().Be(2);
    }

    [Fact]
    public async Task FaultInjector_SeesEachOperationKind_AndCanFailReads()
    {
        var store = new InMemoryVersionedStore<long, string>();
        var seen = new List<InMemoryStoreOperation>();
        store.FaultInjector = op =>
        {
            seen.Add(op);
            return op == InMemoryStoreOperation.Get ? new InvalidOperationException("read down") : null;
        };

        await store.UpsertAsync(new(1, 1, "a"), Ct);
        await store.DeleteAsync(1, 2, Ct);
        await store.BulkLoadAsync(Records(new VersionedRecord<long, string>(2, 1, "b")), Ct);
        await foreach (var unused in store.ScanAsync(KeyRange<long>.All, 10, Ct))
        {
        }

        var read = async () => await store.GetAsync(1, Ct);

        await read.Should().ThrowAsync<InvalidOperationException>().WithMessage("read down");
        seen.Should().Equal(
            InMemoryStoreOperation.Upsert,
            InMemoryStoreOperation.Delete,
            InMemoryStoreOperation.BulkLoad,
            InMemoryStoreOperation.Scan,
            InMemoryStoreOperation.Get);
    }

    [Fact]
    public async Task Scan_UsesTheSuppliedComparer()
    {
        var store = new InMemoryVersionedStore<string, int>(StringComparer.Ordinal);
        foreach (var key in new[] { "b", "B", "a", "A", "c" })
        {
            await store.UpsertAsync(new(key, 1, 0), Ct);
        }

        var keys = new List<string>();
        await foreach (var record in store.ScanAsync(KeyRange<string>.Between("B", "c"), 2, Ct))
        {
            keys.Add(record.Key);
        }

        store.KeyComparer.Should().BeSameAs(StringComparer.Ordinal);
        keys.Should().Equal("B", "a", "b");
    }

    private static async IAsyncEnumerable<VersionedRecord<long, string>> Records(params VersionedRecord<long, string>[] records)
    {
        foreach (var record in records)
        {
            await Task.Yield();
            yield return record;
        }
    }
}
