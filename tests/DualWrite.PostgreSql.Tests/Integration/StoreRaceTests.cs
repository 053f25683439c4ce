using DualWrite.Core.Stores;

namespace DualWrite.PostgreSql.Tests.Integration;

/// <summary>
/// Writers racing on the same keys: single upserts, deletes and bulk loads started together. Whatever the
/// interleaving, a key ends at its highest version and never has both a row and a tombstone.
/// </summary>
public sealed class StoreRaceTests : StoreTestBase
{
    private const int Rounds = 60;

    public StoreRaceTests()
        : base("race", withItemsStore: true)
    {
    }

    [Fact]
    public async Task UpsertAndDelete_OfANewKey_LeaveOnlyTheNewerOne()
    {
        var random = new Random(7);
        var expected = new List<VersionedRecord<long, string>>();
        for (long key = 1; key <= Rounds; key++)
        {
            // Distinct versions, in either order, on a key with neither row nor tombstone: the case row locks cannot cover.
            var (upsertVersion, deleteVersion) = random.Next(2) == 0 ? (5L, 6L) : (6L, 5L);
            using var start = new ManualResetEventSlim();
            var upsert = Task.Run(async () => { start.Wait(Ct); return await Store.UpsertAsync(Live(key, upsertVersion), Ct); });
            var delete = Task.Run(async () => { start.Wait(Ct); return await Store.DeleteAsync(key, deleteVersion, Ct); });
            start.Set();
            var results = await Task.WhenAll(upsert, delete);

            results.Should().Contain(WriteResult.Applied);
            expected.Add(upsertVersion > deleteVersion ? Live(key, upsertVersion) : Tombstone(key, deleteVersion));
        }

        (await ScanAllAsync()).Should().Equal(expected);
        await ShouldHoldOneStatePerKeyAsync();
    }

    [Fact]
    public async Task UpsertAndDelete_AtTheSameVersion_ExactlyOneApplies()
    {
        for (long key = 1; key <= Rounds; key++)
        {
            using var start = new ManualResetEventSlim();
            var upsert = Task.Run(async () => { start.Wait(Ct); return await Store.UpsertAsync(Live(key, 4), Ct); });
            var delete = Task.Run(async () => { start.Wait(Ct); return await Store.DeleteAsync(key, 4, Ct); });
            start.Set();
            var results = await Task.WhenAll(upsert, delete);

            results.Count(r => r == WriteResult.Applied).Should().Be(1, "key {0} got {1}", key, string.Join(", ", results));
            results.Count(r => r == WriteResult.IgnoredSameVersion).Should().Be(1);
            var stored = await Store.GetAsync(key, Ct);
            stored!.IsTombstone.Should().Be(results[1] == WriteResult.Applied, "the record stored is the one that applied");
        }

        await ShouldHoldOneStatePerKeyAsync();
    }

    [Fact]
    public async Task BulkLoad_RacingSingleWriters_EndsAtTheHighestVersionPerKey()
    {
        const int keys = 400;
        var random = new Random(11);

        // The bulk load carries version 5 for every key; single writers race it with versions 4 and 6, upserts and deletes.
        var bulk = Enumerable.Range(1, keys).Select(k => random.Next(3) == 0 ? Tombstone(k, 5) : Live(k, 5)).ToArray();
        var singles = Enumerable.Range(1, keys)
            .SelectMany(k => new[] { random.Next(2) == 0 ? Live(k, 4) : Tombstone(k, 4), random.Next(2) == 0 ? Live(k, 6, "single") : Tombstone(k, 6) })
            .OrderBy(_ => random.Next())
            .ToArray();

        var store = await Scratch.CreateStoreAsync("raced", bulkBatchSize: 50);
        var load = Task.Run(async () => await store.BulkLoadAsync(Async(bulk), Ct));
        await Parallel.ForEachAsync(
            singles,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (record, ct) => await store.UpsertAsync(record, ct));
        await load;

        var expected = singles.Where(r => r.Version == 6).OrderBy(r => r.Key).ToList();
        (await ScanAllAsync(store)).Should().Equal(expected);
        await ShouldHoldOneStatePerKeyAsync("raced");
    }

    [Fact]
    public async Task BulkLoads_OfOverlappingKeysInOppositeOrders_ConvergeWithoutError()
    {
        const int keys = 300;
        var random = new Random(3);
        // Odd versions for one load, even for the other: never a tie, so the winner of each key is known.
        var versions = Enumerable.Range(1, keys).ToDictionary(k => (long)k, _ => (A: (2L * random.Next(50)) + 1, B: 2L * random.Next(50)));
        var first = versions.Select(p => Live(p.Key, p.Value.A, "a")).ToArray();
        var second = versions.Reverse().Select(p => random.Next(2) == 0 ? Tombstone(p.Key, p.Value.B) : Live(p.Key, p.Value.B, "b")).ToArray();

        var store = await Scratch.CreateStoreAsync("crossed", bulkBatchSize: 40);
        var applied = await Task.WhenAll(
            Task.Run(async () => await store.BulkLoadAsync(Async(first), Ct)),
            Task.Run(async () => await store.BulkLoadAsync(Async(second), Ct)));

        var expected = first.Zip(second.Reverse(), (a, b) => a.Version > b.Version ? a : b).ToList();
        (await ScanAllAsync(store)).Should().Equal(expected);

        // Each key: its first writer applies, and the second too when it is newer.
        applied.Sum().Should().BeInRange(keys, 2 * keys);
        await ShouldHoldOneStatePerKeyAsync("crossed");
    }

    private Task<List<VersionedRecord<long, string>>> ScanAllAsync() => ScanAllAsync(Store);

    private async Task<List<VersionedRecord<long, string>>> ScanAllAsync(IVersionedStore<long, string> store)
    {
        var records = new List<VersionedRecord<long, string>>();
        await foreach (var record in store.ScanAsync(KeyRange<long>.All, 97, Ct))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>No key is both a row and a tombstone: the store's writes always move a key wholly.</summary>
    private async Task ShouldHoldOneStatePerKeyAsync(string table = "items")
    {
        var both = await Scratch.CountAsync(
            $"SELECT count(*) FROM \"{Scratch.Schema}\".\"{table}\" AS l JOIN \"{Scratch.Schema}\".\"{table}__dw_tombstones\" AS t USING (id)");
        both.Should().Be(0);
    }
}
