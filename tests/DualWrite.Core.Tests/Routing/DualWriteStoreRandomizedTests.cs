using DualWrite.Core.Phases;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using static DualWrite.Core.Tests.Routing.DualWriteHarness;

namespace DualWrite.Core.Tests.Routing;

/// <summary>
/// Random application writes, out-of-band writes to the old store carried to the new one by a change feed that
/// delivers late, out of order and twice, secondary outages, crashes between the two writes (outbox variant),
/// phase flips between the two dual-write phases, stale replays into the secondary and interleaved repair passes.
/// Afterwards both stores hold exactly the last committed record of every key, and no read ever returned an older
/// version than an earlier read or a committed write.
/// </summary>
public sealed class DualWriteStoreRandomizedTests
{
    private const int Keys = 40;
    private const int Operations = 4000;

    public static TheoryData<int, bool> Seeds()
    {
        var data = new TheoryData<int, bool>();
        foreach (var seed in new[] { 1, 7, 42, 2026, 90210, 31337, 4242, 8, 123456, 99 })
        {
            data.Add(seed, false);
            data.Add(seed, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task RandomWorkload_ConvergesAfterRepair_WithoutReadRegression(int seed, bool outbox)
    {
        var random = new Random(seed);
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadOld, outbox: outbox);
        var feed = new List<VersionedRecord<long, string>>();
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
                var crash = h.Outbox is not null && phase == MigrationPhase.DualWriteReadOld && random.Next(10) == 0;
                if (crash)
                {
                    // The process dies after the commit: the caller never hears back, but the write is durable.
                    h.Outbox!.CrashAfterNextCommit = true;
                    var act = async () => await h.Store.UpsertAsync(record, Ct);
                    await act.Should().ThrowAsync<InvalidOperationException>();
                }
                else
                {
                    var result = record.IsTombstone
                        ? await h.Store.DeleteAsync(key, record.Version, Ct)
                        : await h.Store.UpsertAsync(record, Ct);
                    result.Should().Be(WriteResult.Applied);
                }

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
            else if (dice < 94 && phase == MigrationPhase.DualWriteReadOld)
            {
                // A writer that bypasses the application changes the old store; the change feed will carry it.
                var record = new VersionedRecord<long, string>(key, ++version, $"oob{version}");
                await h.Old.UpsertAsync(record, Ct);
                lastWritten[key] = record;
                history.Add(record);
                feed.Add(record);
                if (random.Next(4) == 0)
                {
                    feed.Add(record);
                }
            }
            else if (dice < 96 && feed.Count > 0 && !down.Contains(StoreRole.New))
            {
                // The change feed delivers one pending event, not necessarily the oldest.
                var index = random.Next(feed.Count);
                await h.New.UpsertAsync(feed[index], Ct);
                feed.RemoveAt(index);
            }
            else if (dice < 98)
            {
                // The move to DualWriteReadNew is gated on the change feed having caught up.
                if (phase == MigrationPhase.DualWriteReadOld)
                {
                    down.Remove(StoreRole.New);
                    foreach (var pending in feed)
                    {
                        await h.New.UpsertAsync(pending, Ct);
                    }

                    feed.Clear();
                }

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
        foreach (var pending in feed)
        {
            await h.New.UpsertAsync(pending, Ct);
        }

        (await h.Worker.RunOnceAsync(Ct)).StillFailing.Should().Be(0);
        h.Log.PendingCount.Should().Be(0);

        await h.ShouldBeInSync();
        (await ScanAll(h.Old)).Should().Equal(lastWritten.Values.OrderBy(r => r.Key));
    }

    private static bool IsWrite(InMemoryStoreOperation operation) =>
        operation is InMemoryStoreOperation.Upsert or InMemoryStoreOperation.Delete or InMemoryStoreOperation.BulkLoad;
}
