using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using static DualWrite.Core.Tests.Routing.DualWriteHarness;

namespace DualWrite.Core.Tests.Routing;

/// <summary>A repair pass settles a key's entries toward one store with one copy, and completes what it copied.</summary>
public sealed class RepairWorkerTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task SeveralEntriesOfOneKey_AreSettledByOneCopy_OfTheSourcesVersion()
    {
        var (old, @new, log) = (new InMemoryVersionedStore<long, string>(), new InMemoryVersionedStore<long, string>(), new InMemoryRepairLog<long>());
        await old.UpsertAsync(new(1, 3, "third"), Ct);
        await old.UpsertAsync(new(2, 1, "only"), Ct);
        foreach (var (key, version) in new[] { (1L, 1L), (1L, 2L), (2L, 1L), (1L, 3L) })
        {
            await log.AppendAsync(new(Guid.NewGuid(), Entity, key, StoreRole.New, version, "test", At), Ct);
        }

        var result = await new RepairWorker<long, string>(Entity, old, @new, log).RunOnceAsync(Ct);

        result.Should().Be(new RepairRunResult(4, 0));
        (await @new.GetAsync(1, Ct))!.Value.Should().Be("third");
        (await @new.GetAsync(2, Ct))!.Value.Should().Be("only");
        (await log.ReadPendingAsync(Entity, 10, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task AKeyWhoseSourceLacksItsNewestEntry_KeepsAllItsEntriesPending_AndTheOtherKeysAreRepaired()
    {
        var (old, @new, log) = (new InMemoryVersionedStore<long, string>(), new InMemoryVersionedStore<long, string>(), new InMemoryRepairLog<long>());
        await old.UpsertAsync(new(1, 2, "second"), Ct);
        await old.UpsertAsync(new(2, 1, "only"), Ct);
        foreach (var (key, version) in new[] { (1L, 2L), (1L, 3L), (2L, 1L) })
        {
            await log.AppendAsync(new(Guid.NewGuid(), Entity, key, StoreRole.New, version, "test", At), Ct);
        }

        var result = await new RepairWorker<long, string>(Entity, old, @new, log).RunOnceAsync(Ct);

        result.Should().Be(new RepairRunResult(1, 2), "key 1's newest entry (version 3) is not in the source yet");
        (await @new.GetAsync(1, Ct)).Should().BeNull();
        (await log.ReadPendingAsync(Entity, 10, Ct)).Select(e => (e.Key, e.Version)).Should().BeEquivalentTo([(1L, 2L), (1L, 3L)]);
    }
}
