using DualWrite.Core.Stores;

namespace DualWrite.Conformance;

public abstract partial class VersionedStoreConformanceTests<TStore>
{
    [Fact]
    public async Task BulkLoad_RespectsVersions()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 10, "live"), Ct);
        await store.DeleteAsync(2, 10, Ct);

        var applied = await store.BulkLoadAsync(
            Async(Live(1, 5, "snapshot"), Live(2, 5, "snapshot"), Live(3, 5, "snapshot"), Live(4, 1), Live(4, 1)),
            Ct);

        applied.Should().Be(2);
        (await store.GetAsync(1, Ct)).Should().Be(Live(1, 10, "live"));
        (await store.GetAsync(2, Ct))!.IsTombstone.Should().BeTrue();
        (await store.GetAsync(3, Ct)).Should().Be(Live(3, 5, "snapshot"));
        (await store.GetAsync(4, Ct)).Should().Be(Live(4, 1));
    }

    [Fact]
    public async Task BulkLoad_TombstonesAreLoadedAsDeletes()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 1), Ct);

        var applied = await store.BulkLoadAsync(Async(VersionedRecord<long, string>.Tombstone(1, 2), Live(1, 2)), Ct);

        applied.Should().Be(1);
        (await store.GetAsync(1, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(1, 2));
    }

    [Fact]
    public async Task BulkLoad_Empty_LoadsNothing()
    {
        var store = await CreateStoreAsync();

        (await store.BulkLoadAsync(Async(), Ct)).Should().Be(0);
        (await ScanAsync(store, KeyRange<long>.All, 10)).Should().BeEmpty();
    }

    [Fact]
    public async Task BulkLoad_Large_LoadsEveryRecordInKeyOrder()
    {
        var store = await CreateStoreAsync();
        var records = Enumerable.Range(0, 2500).Select(i => Live(2500 - i, 1)).ToArray();

        (await store.BulkLoadAsync(Async(records), Ct)).Should().Be(2500);

        (await ScanAsync(store, KeyRange<long>.All, 500)).Select(r => r.Key).Should().Equal(Enumerable.Range(1, 2500).Select(i => (long)i));
    }

    protected static async IAsyncEnumerable<VersionedRecord<long, string>> Async(params VersionedRecord<long, string>[] records)
    {
        foreach (var record in records)
        {
            await Task.Yield();
            yield return record;
        }
    }
}
