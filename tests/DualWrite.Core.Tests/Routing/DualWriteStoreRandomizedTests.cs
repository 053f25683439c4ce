using DualWrite.Core.Phases;
using DualWrite.Core.Stores;
using static DualWrite.Core.Tests.Routing.DualWriteHarness;

namespace DualWrite.Core.Tests.Routing;

/// <summary>
/// Random writes, secondary outages, phase flips between the two dual-write phases, stale replays into the
/// secondary and interleaved repair passes. Afterwards both stores hold exactly the last acknowledged record of
/// every key, and no read ever returned an older version than an earlier read or an acknowledged write.
/// </summary>
public sealed class DualWriteStoreRandomizedTests
{
    private const int Keys = 40;
    private const int Operations = 4000;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(2026)]
    [InlineData(90210)]
    public async Task RandomWorkload_ConvergesAfterRepair_WithoutReadRegression(int seed)
    {
        var random = new Random(seed);
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld);
        var down = new HashSet<StoreRole>();
        h.Old.FaultInjector = op => down.Contains(StoreRole.Old) && IsWrite(op) ? new TimeoutException("old down") : null;
        h.New.FaultInjector = op => down.Contains(StoreRole.New) && IsWrite(op) ? new TimeoutException("new down") : null;

        var phase = MigrationPhase.DualWriteReadOld;
        var lastWritten = new Dictionary<long, VersionedRecord<long, string>>();
        var floor = new Dictionary<long, long>();
        var history = new List<VersionedRecord<long, string>>();
        long version = 0;

        for (var i = 0; i < Operations; i++)
        {
            var key = random.Next(Keys);
            var dice = random.Next(100);
            if (dice < 45)
            {
                var record = random.Next(5) == 0
                    ? VersionedRecord<long, string>.Tombstone(key, ++version)
                    : new VersionedRecord<long, string>(key, ++version, $"v{version}");
                var result = record.IsTombstone
                    ? await h.Store.DeleteAsync(key, record.Version, Ct)
                    : await h.Store.UpsertAsync(record, Ct);
                result.Should().Be(WriteResult.Applied);
                lastWritten[key] = record;
                floor[key] = record.Version;
                history.Add(record);
            }
            else if (dice < 75)
            {
                var read = await h.Store.GetAsync(key, Ct);
                var seen = read?.Version ?? -1;
                seen.Should().BeGreaterThanOrEqualTo(floor.GetValueOrDefault(key, -1), $"seed {seed}, op {i}, key {key}, phase {phase}");
                if (read is not null)
                {
                    read.Should().Be(lastWritten[key]);
                    floor[key] = read.Version;
                }
            }
            else if (dice < 85 && history.Count > 0)
            {
                // A late or duplicated change event replays an earlier record straight into the secondary.
                var replay = history[random.Next(history.Count)];
                var secondary = phase.Routing().Secondary;
                if (!down.Contains(secondary))
                {
                    await h.StoreFor(secondary).UpsertAsync(replay, Ct);
                }
            }
            else if (dice < 92)
            {
                // Only the current secondary goes down; an outage of the authority fails callers, which other tests cover.
                var secondary = phase.Routing().Secondary;
                if (!down.Remove(secondary))
                {
                    down.Add(secondary);
                }
            }
            else if (dice < 96)
            {
                phase = phase == MigrationPhase.DualWriteReadOld ? MigrationPhase.DualWriteReadNew : MigrationPhase.DualWriteReadOld;
                down.Clear();
                h.Flip(phase);
            }
            else
            {
                await h.Worker.RunOnceAsync(Ct);
            }
        }

        down.Clear();
        (await h.Worker.RunOnceAsync(Ct)).StillFailing.Should().Be(0);
        h.Log.PendingCount.Should().Be(0);

        await h.ShouldBeInSync();
        (await ScanAll(h.Old)).Should().Equal(lastWritten.Values.OrderBy(r => r.Key));
    }

    private static bool IsWrite(InMemoryStoreOperation operation) =>
        operation is InMemoryStoreOperation.Upsert or InMemoryStoreOperation.Delete or InMemoryStoreOperation.BulkLoad;
}
