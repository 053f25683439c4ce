using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using DualWrite.Core.Stores;
using DualWrite.MySql.Stores;

namespace DualWrite.MySql.Tests.Integration.Stores;

/// <summary>
/// Writers racing on keys that have neither row nor tombstone, where no lock exists to take: the guard's conflict
/// checks must still let exactly one of them win, whatever mix of upserts and deletes arrives.
/// </summary>
public sealed class StoreRaceTests : StoreTestBase
{
    private readonly ConcurrentDictionary<string, long> _retries = new();
    private readonly MeterListener _listener = new();
    private MySqlVersionedStore<long, string> _store = null!;

    public StoreRaceTests()
        : base("races")
    {
    }

    protected override async Task SetUpAsync()
    {
        await Scratch.ExecuteAsync("CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, payload TEXT NULL)");
        _store = new MySqlVersionedStore<long, string>(Scratch.DataSource, StoreScratch.Mapping("items", Scratch.Database), Scratch.RepairLog());
        await _store.EnsureSchemaAsync(Ct);

        var table = _store.Mapping.ToString();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StoreMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? reason = null;
            var ours = false;
            foreach (var tag in tags)
            {
                ours |= tag.Key == "table" && (string?)tag.Value == table;
                reason = tag.Key == "reason" ? (string?)tag.Value : reason;
            }
            if (ours)
            {
                _retries.AddOrUpdate(reason!, value, (_, sum) => sum + value);
            }
        });
        _listener.Start();
    }

    public override async Task DisposeAsync()
    {
        _listener.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task SameVersion_UpsertsAndDeletesOfAbsentKeys_ExactlyOneAppliesPerKey()
    {
        const int keys = 24;
        var writes = Enumerable.Range(1, keys).SelectMany(key => Enumerable.Range(0, 6).Select(writer => (Key: (long)key, Delete: writer % 2 == 1))).ToArray();

        var results = await Task.WhenAll(writes.Select(w => Task.Run(async () =>
            (w.Key, w.Delete, Result: w.Delete ? await _store.DeleteAsync(w.Key, 5, Ct) : await _store.UpsertAsync(new(w.Key, 5, "up"), Ct)))));

        foreach (var perKey in results.GroupBy(r => r.Key))
        {
            var winners = perKey.Where(r => r.Result == WriteResult.Applied).ToList();
            winners.Should().ContainSingle($"key {perKey.Key} has one write at version 5 that wins");
            perKey.Where(r => r.Result != WriteResult.Applied).Should().OnlyContain(r => r.Result == WriteResult.IgnoredSameVersion);
            var stored = await _store.GetAsync(perKey.Key, Ct);
            stored!.Version.Should().Be(5);
            stored.IsTombstone.Should().Be(winners[0].Delete, "the stored record is the winner's");
        }

        (await Scratch.CountAsync("SELECT COUNT(*) FROM items i JOIN items__dw_tombstones t USING (id)")).Should().Be(0, "no key is both live and deleted");
    }

    [Fact]
    public async Task ConcurrentBulkLoads_OfOverlappingNewKeys_EndWithTheNewestVersionOfEachKey()
    {
        const int keys = 300;
        var loads = Enumerable.Range(1, 4).Select(version => Task.Run(async () =>
        {
            var random = new Random(version);
            var records = Enumerable.Range(1, keys)
                .OrderBy(_ => random.Next())
                .Select(key => version % 2 == 0 ? VersionedRecord<long, string>.Tombstone(key, version) : new VersionedRecord<long, string>(key, version, $"v{version}"))
                .ToArray();
            return await _store.BulkLoadAsync(Async(records), Ct);
        }));

        var applied = await Task.WhenAll(loads);

        applied.Sum().Should().BeInRange(keys, 4 * keys);
        var scanned = new List<VersionedRecord<long, string>>();
        await foreach (var record in _store.ScanAsync(KeyRange<long>.All, 128, Ct))
        {
            scanned.Add(record);
        }

        scanned.Should().HaveCount(keys).And.OnlyContain(r => r.Version == 4 && r.IsTombstone);
    }

    [Fact]
    public async Task RacesOnAbsentKeys_AreSettledByTheConflictChecks()
    {
        // Many rounds of one upsert and one delete of a fresh key, released together: sooner or later both find the
        // key absent, and only the checks after the insert keep both from winning.
        for (var round = 0; round < 200 && _retries.IsEmpty; round++)
        {
            var key = 1000 + round;
            using var start = new ManualResetEventSlim();
            var upsert = Task.Run(async () => { start.Wait(); return await _store.UpsertAsync(new(key, 2, "up"), Ct); });
            var delete = Task.Run(async () => { start.Wait(); return await _store.DeleteAsync(key, 3, Ct); });
            start.Set();
            var results = await Task.WhenAll(upsert, delete);

            (await _store.GetAsync(key, Ct)).Should().Be(VersionedRecord<long, string>.Tombstone(key, 3));
            results[1].Should().Be(WriteResult.Applied);
        }

        _retries.Should().NotBeEmpty("at least one race went through a retry path");
    }

    private static async IAsyncEnumerable<VersionedRecord<long, string>> Async(VersionedRecord<long, string>[] records)
    {
        foreach (var record in records)
        {
            await Task.Yield();
            yield return record;
        }
    }
}
