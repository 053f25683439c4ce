using DualWrite.Core.Stores;

namespace DualWrite.Conformance;

public abstract partial class VersionedStoreConformanceTests<TStore>
{
    /// <summary>How many distinct versions each key receives in the concurrency test; adapters for slow servers may lower it.</summary>
    protected virtual int VersionsPerKey => 40;

    [Fact]
    public async Task ParallelWriters_WithRandomVersionOrder_EndWithMaxVersionPerKey()
    {
        const int keyCount = 8;
        var store = await CreateStoreAsync();
        var random = new Random(20261122);

        // Every key gets versions 1..N, half of them deletes, shuffled across writers, so arrival order is arbitrary.
        var writes = new List<VersionedRecord<long, string>>();
        for (long key = 1; key <= keyCount; key++)
        {
            for (long version = 1; version <= VersionsPerKey; version++)
            {
                writes.Add(random.Next(2) == 0 ? Live(key, version) : VersionedRecord<long, string>.Tombstone(key, version));
            }
        }

        var shuffled = writes.OrderBy(_ => random.Next()).ToArray();
        await Parallel.ForEachAsync(
            shuffled,
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct },
            async (record, ct) =>
            {
                _ = record.IsTombstone
                    ? await store.DeleteAsync(record.Key, record.Version, ct)
                    : await store.UpsertAsync(record, ct);
            });

        var expected = writes.Where(w => w.Version == VersionsPerKey).OrderBy(w => w.Key).ToList();
        (await ScanAsync(store, KeyRange<long>.All, 3)).Should().Equal(expected);
    }

    [Fact]
    public async Task ParallelWriters_SameVersion_ExactlyOneApplies()
    {
        var store = await CreateStoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () => await store.UpsertAsync(Live(1, 3, $"w{i}"), Ct))));

        results.Count(r => r == WriteResult.Applied).Should().Be(1);
        results.Count(r => r == WriteResult.IgnoredSameVersion).Should().Be(15);
    }
}
