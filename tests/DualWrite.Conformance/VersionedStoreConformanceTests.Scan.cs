using DualWrite.Core.Stores;

namespace DualWrite.Conformance;

public abstract partial class VersionedStoreConformanceTests<TStore>
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    public async Task Scan_ReturnsKeyOrder_AcrossBatches_WithinRange(int batchSize)
    {
        var store = await CreateStoreAsync();
        foreach (var key in new long[] { 50, 10, 30, 20, 60, 40, 5, 25, 35, 45, 55, 15 })
        {
            await store.UpsertAsync(Live(key, 1), Ct);
        }

        var keys = await ScanKeysAsync(store, KeyRange<long>.Between(10, 50), batchSize);

        keys.Should().Equal(10, 15, 20, 25, 30, 35, 40, 45);
    }

    [Fact]
    public async Task Scan_OpenBounds_ReturnEverythingOnTheOpenSide()
    {
        var store = await CreateStoreAsync();
        for (long key = 1; key <= 5; key++)
        {
            await store.UpsertAsync(Live(key, 1), Ct);
        }

        (await ScanKeysAsync(store, KeyRange<long>.All, 2)).Should().Equal(1, 2, 3, 4, 5);
        (await ScanKeysAsync(store, KeyRange<long>.AtOrAfter(3), 2)).Should().Equal(3, 4, 5);
        (await ScanKeysAsync(store, KeyRange<long>.Before(3), 2)).Should().Equal(1, 2);
    }

    [Fact]
    public async Task Scan_EmptyOrInvertedRange_ReturnsNothing()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(3, 1), Ct);

        (await ScanKeysAsync(store, KeyRange<long>.Between(3, 3), 10)).Should().BeEmpty();
        (await ScanKeysAsync(store, KeyRange<long>.Between(5, 1), 10)).Should().BeEmpty();
    }

    [Fact]
    public async Task Scan_IncludesTombstonesWithTheirVersions()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Live(1, 1), Ct);
        await store.UpsertAsync(Live(2, 1), Ct);
        await store.DeleteAsync(2, 4, Ct);
        await store.DeleteAsync(3, 2, Ct);

        var records = await ScanAsync(store, KeyRange<long>.All, 2);

        records.Should().Equal(
            Live(1, 1),
            VersionedRecord<long, string>.Tombstone(2, 4),
            VersionedRecord<long, string>.Tombstone(3, 2));
    }

    [Fact]
    public async Task Scan_WritesBetweenBatches_NeitherRepeatNorReorderKeys()
    {
        var store = await CreateStoreAsync();
        foreach (var key in new long[] { 10, 20, 30, 40 })
        {
            await store.UpsertAsync(Live(key, 1), Ct);
        }

        var keys = new List<long>();
        await foreach (var record in store.ScanAsync(KeyRange<long>.All, 2, Ct))
        {
            keys.Add(record.Key);
            if (keys.Count == 2)
            {
                // Behind the cursor (must not appear), ahead of it (must appear), and an update of a seen key.
                await store.UpsertAsync(Live(5, 1), Ct);
                await store.UpsertAsync(Live(35, 1), Ct);
                await store.UpsertAsync(Live(10, 2), Ct);
            }
        }

        keys.Should().Equal(10, 20, 30, 35, 40);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Scan_NonPositiveBatchSize_Throws(int batchSize)
    {
        var store = await CreateStoreAsync();

        var act = async () => await ScanAsync(store, KeyRange<long>.All, batchSize);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    protected async Task<List<VersionedRecord<long, string>>> ScanAsync(TStore store, KeyRange<long> range, int batchSize)
    {
        var records = new List<VersionedRecord<long, string>>();
        await foreach (var record in store.ScanAsync(range, batchSize, Ct))
        {
            records.Add(record);
        }

        return records;
    }

    private async Task<List<long>> ScanKeysAsync(TStore store, KeyRange<long> range, int batchSize) =>
        (await ScanAsync(store, range, batchSize)).ConvertAll(r => r.Key);
}
