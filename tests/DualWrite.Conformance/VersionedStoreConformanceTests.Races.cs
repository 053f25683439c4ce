using System.Collections.Concurrent;
using DualWrite.Core.Stores;

namespace DualWrite.Conformance;

/// <content>
/// Races through several instances of one store (each on connections of its own): writers on a few hot keys with
/// random versions, bulk loads racing single writes, scans running through writes. Every write is timed on a logical
/// clock, so the checks can say which writes had finished before another started. Seeds are fixed; the tests wait on
/// observed completion only.
/// </content>
public abstract partial class VersionedStoreConformanceTests<TStore>
{
    /// <summary>
    /// Opens another instance of <paramref name="store"/> over the same rows, on connections of its own (a data source
    /// of its own), as another process of the application would. A store without connections may return itself.
    /// </summary>
    protected abstract Task<TStore> OpenAgainAsync(TStore store);

    [Theory]
    [InlineData(20261202)]
    [InlineData(7)]
    [InlineData(90210)]
    public async Task Race_WritersOnHotKeys_EndAtTheHighestVersion_AndNoOlderWriteWins(int seed)
    {
        const int HotKeys = 3, Writers = 8, WritesEach = 24;
        var stores = await OpenInstancesAsync(4);
        var random = new Random(seed);

        // Versions drawn from a range smaller than the writes per key, so ties (upsert against delete, too) happen.
        var plans = Enumerable.Range(0, Writers)
            .Select(w => Enumerable.Range(0, WritesEach).Select(i => RandomWrite(random, 1 + random.Next(HotKeys), 1 + random.Next(40), $"w{w}.{i}")).ToList())
            .ToList();
        var clock = new RaceClock();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = plans.Select((plan, w) => Task.Run(() => WriteAllAsync(stores[w % stores.Count], plan, clock, start.Task))).ToArray();

        // Readers on their own instance, each reading one key over and over until every writer is done.
        var allWritten = Task.WhenAll(writers);
        var readers = Enumerable.Range(1, HotKeys).Select(key => Task.Run(() => ReadUntilAsync(stores[^1], key, allWritten))).ToArray();
        start.SetResult();
        await allWritten;
        var observed = await Task.WhenAll(readers);

        var writes = plans.SelectMany(p => p).ToList();
        ShouldFollowTheVersionGuard(writes, await ScanAsync(stores[0], KeyRange<long>.All, 2));
        for (var key = 1; key <= HotKeys; key++)
        {
            var versions = observed[key - 1];
            versions.Should().BeInAscendingOrder("a reader of key {0} never sees its version go back: no older write replaced a newer one", key);
            (await stores[1].GetAsync(key, Ct)).Should().Be(await stores[2].GetAsync(key, Ct), "every instance reads the same record");
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(20261203)]
    [InlineData(31337)]
    public async Task Race_BulkLoadsAndSingleWrites_OnTheSameKeys_EndAtTheHighestVersion(int seed)
    {
        const int Keys = 150, Writers = 4, WritesEach = 60;
        var stores = await OpenInstancesAsync(4);
        var random = new Random(seed);

        // Two bulk loads, each with every key once and some twice, in random order; single writers on the same keys.
        var loads = Enumerable.Range(0, 2)
            .Select(l => Enumerable.Range(1, Keys).Concat(Enumerable.Range(1, Keys).Where(_ => random.Next(4) == 0))
                .OrderBy(_ => random.Next())
                .Select((key, i) => RandomWrite(random, key, 1 + random.Next(30), $"b{l}.{i}"))
                .ToList())
            .ToList();
        var singles = Enumerable.Range(0, Writers)
            .Select(w => Enumerable.Range(0, WritesEach).Select(i => RandomWrite(random, 1 + random.Next(Keys), 1 + random.Next(30), $"w{w}.{i}")).ToList())
            .ToList();
        var clock = new RaceClock();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bulk = loads.Select((load, l) => Task.Run(() => BulkLoadAsync(stores[l], load, clock, start.Task))).ToArray();
        var writers = singles.Select((plan, w) => Task.Run(() => WriteAllAsync(stores[2 + (w % 2)], plan, clock, start.Task))).ToArray();
        start.SetResult();
        await Task.WhenAll(writers);
        var applied = await Task.WhenAll(bulk);

        var writes = loads.Concat(singles).SelectMany(p => p).ToList();
        ShouldFollowTheVersionGuard(writes, await ScanAsync(stores[1], KeyRange<long>.All, 64));
        for (var l = 0; l < loads.Count; l++)
        {
            applied[l].Should().BeInRange(0, loads[l].Count, "bulk load {0} applies at most the records it carries", l);
        }

        // Every key's first write found it absent and applied.
        (applied.Sum() + singles.Sum(p => p.Count(w => w.Result == WriteResult.Applied))).Should().BeGreaterThanOrEqualTo(Keys);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(20261204)]
    [InlineData(65537)]
    public async Task Race_ScansDuringWrites_ReturnEachKeyOnce_NeverOlderThanCommittedBeforeTheScan(int seed)
    {
        const int Keys = 160, Writers = 4, Scanners = 3, ScansEach = 4, MinWritesEach = 40;
        var stores = await OpenInstancesAsync(4);
        var random = new Random(seed);
        var clock = new RaceClock();

        // Even keys exist before the race; writers touch every key, so odd keys appear while scans run.
        var preload = Enumerable.Range(1, Keys / 2).Select(i => RandomWrite(random, 2 * i, 1 + random.Next(100), $"p{i}")).ToList();
        await WriteAllAsync(stores[0], preload, clock, Task.CompletedTask);
        var floors = new ConcurrentDictionary<long, long>(preload.Select(w => KeyValuePair.Create(w.Key, w.Version)));

        // Writers go on until every scan is done (and write at least MinWritesEach), so each scan meets writes.
        var scansDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writerSeeds = Enumerable.Range(0, Writers).Select(_ => random.Next()).ToArray();
        var plans = Enumerable.Range(0, Writers).Select(_ => new List<RaceWrite>()).ToArray();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var own = new Random(writerSeeds[w]);
            for (var i = 0; i < MinWritesEach || !scansDone.Task.IsCompleted; i++)
            {
                var write = RandomWrite(own, 1 + own.Next(Keys), 1 + own.Next(1000), $"w{w}.{i}");
                plans[w].Add(write);
                await WriteAsync(stores[w % 2], write, clock);

                // Finished, whatever the result: the store now holds this key at this version or newer.
                floors.AddOrUpdate(write.Key, write.Version, (_, floor) => Math.Max(floor, write.Version));
            }
        })).ToArray();

        var ranges = new[] { KeyRange<long>.All, KeyRange<long>.Between(37, 131), KeyRange<long>.AtOrAfter(90) };
        var batchSizes = new[] { 1, 5, 16 };
        var scanners = Enumerable.Range(0, Scanners).Select(s => Task.Run(async () =>
        {
            for (var n = 0; n < ScansEach; n++)
            {
                var range = ranges[(s + n) % ranges.Length];
                var before = floors.ToArray().Where(f => range.Contains(f.Key, Comparer<long>.Default)).ToDictionary(f => f.Key, f => f.Value);
                var scanned = await ScanAsync(stores[2 + (s % 2)], range, batchSizes[(s + n) % batchSizes.Length]);

                scanned.Select(r => r.Key).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("a scan returns each key once, in key order");
                scanned.Should().OnlyContain(r => range.Contains(r.Key, Comparer<long>.Default));
                var byKey = scanned.ToDictionary(r => r.Key);
                foreach (var (key, floor) in before)
                {
                    byKey.Should().ContainKey(key, "key {0} was written before the scan started and keys never vanish (tombstones are scanned)", key);
                    byKey[key].Version.Should().BeGreaterThanOrEqualTo(floor, "key {0} was at version {1} or newer before the scan started", key, floor);
                }
            }
        })).ToArray();

        try
        {
            await Task.WhenAll(scanners);
        }
        finally
        {
            scansDone.SetResult();
            await Task.WhenAll(writers);
        }

        ShouldFollowTheVersionGuard([.. preload, .. plans.SelectMany(p => p)], await ScanAsync(stores[3], KeyRange<long>.All, 50));
    }

    /// <summary>The store the suite creates, and <paramref name="count"/> - 1 more instances over its rows.</summary>
    private async Task<List<TStore>> OpenInstancesAsync(int count)
    {
        var first = await CreateStoreAsync();
        var stores = new List<TStore> { first };
        while (stores.Count < count)
        {
            stores.Add(await OpenAgainAsync(first));
        }

        return stores;
    }

    /// <summary>An upsert, a delete or an upserted tombstone of <paramref name="key"/> at <paramref name="version"/>, values told apart by <paramref name="tag"/>.</summary>
    private static RaceWrite RandomWrite(Random random, long key, long version, string tag) => random.Next(3) switch
    {
        0 => new RaceWrite(VersionedRecord<long, string>.Tombstone(key, version), viaDelete: random.Next(2) == 0),
        _ => new RaceWrite(Live(key, version, tag)),
    };

    private async Task WriteAllAsync(TStore store, IReadOnlyList<RaceWrite> plan, RaceClock clock, Task start)
    {
        await start;
        foreach (var write in plan)
        {
            await WriteAsync(store, write, clock);
        }
    }

    private async Task WriteAsync(TStore store, RaceWrite write, RaceClock clock)
    {
        // A store that completes synchronously (in memory) would otherwise hold its thread for the whole race.
        await Task.Yield();
        write.Started = clock.Tick();
        write.Result = write.ViaDelete
            ? await store.DeleteAsync(write.Key, write.Version, Ct)
            : await store.UpsertAsync(write.Record, Ct);
        write.Finished = clock.Tick();
    }

    private async Task<long> BulkLoadAsync(TStore store, IReadOnlyList<RaceWrite> load, RaceClock clock, Task start)
    {
        await start;
        var started = clock.Tick();
        foreach (var write in load)
        {
            write.Started = started;
        }

        var applied = await store.BulkLoadAsync(Async([.. load.Select(w => w.Record)]), Ct);
        var finished = clock.Tick();
        foreach (var write in load)
        {
            write.Finished = finished;
        }

        return applied;
    }

    /// <summary>Reads <paramref name="key"/> until <paramref name="until"/> completes (and once after), returning the versions seen in order.</summary>
    private async Task<List<long>> ReadUntilAsync(TStore store, long key, Task until)
    {
        var versions = new List<long>();
        bool last;
        do
        {
            await Task.Yield();
            last = until.IsCompleted;
            if (await store.GetAsync(key, Ct) is { } record)
            {
                versions.Add(record.Version);
            }
        }
        while (!last);

        return versions;
    }

    /// <summary>
    /// What the contract says of a race once it is over, key by key: the stored record is a write of the highest
    /// version written (the one single write that applied at it, when one did); no version applied twice; no write
    /// applied after a write of its version or newer had finished; a write ignored as older or as the same version
    /// met a write that could have stored that (started before it finished); and the store holds no other key.
    /// </summary>
    private static void ShouldFollowTheVersionGuard(IReadOnlyList<RaceWrite> writes, IReadOnlyList<VersionedRecord<long, string>> stored)
    {
        var finals = stored.ToDictionary(r => r.Key);
        finals.Keys.Should().BeSubsetOf(writes.Select(w => w.Key), "the store holds only keys the race wrote");
        foreach (var perKey in writes.GroupBy(w => w.Key))
        {
            var key = perKey.Key;
            var all = perKey.ToList();
            var highest = all.Max(w => w.Version);
            finals.Should().ContainKey(key);
            var final = finals[key];
            final.Version.Should().Be(highest, "key {0} ends at the highest version written to it", key);
            all.Where(w => w.Version == highest).Select(w => w.Record).Should().Contain(final, "key {0}'s record is one written at that version", key);

            var applied = all.Where(w => w.Result == WriteResult.Applied).ToList();
            applied.GroupBy(w => w.Version).Should().NotContain(g => g.Count() > 1, "a version of key {0} applies once: {1}", key, string.Join("; ", applied));
            if (applied.Find(w => w.Version == highest) is { } winner)
            {
                final.Should().Be(winner.Record, "the write that applied key {0}'s highest version is what the store holds", key);
            }
            else
            {
                all.Should().Contain(w => w.Result == null && w.Version == highest, "only a bulk load applies key {0}'s highest version without a single write saying so", key);
            }

            foreach (var write in all.Where(w => w.Result is not null))
            {
                var earlier = all.Where(o => !ReferenceEquals(o, write) && o.Started < write.Finished);
                switch (write.Result)
                {
                    case WriteResult.Applied:
                        all.Where(o => o.Finished < write.Started && o.Version >= write.Version)
                            .Should().BeEmpty("{0} applied, so no write of its version or newer had finished before it started", write);
                        break;
                    case WriteResult.IgnoredSameVersion:
                        earlier.Should().Contain(o => o.Version == write.Version && o.MayHaveApplied, "{0} met its version stored by another write", write);
                        break;
                    default:
                        earlier.Should().Contain(o => o.Version > write.Version && o.MayHaveApplied, "{0} met a newer version stored by another write", write);
                        break;
                }
            }
        }
    }
}
