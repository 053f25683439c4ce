using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Testing;

namespace DualWrite.Core.Tests.Routing;

public sealed class InMemoryRepairLogTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadPending_ReturnsOldestFirst_UpToMax_ForOneEntity()
    {
        var log = new InMemoryRepairLog<long>();
        await log.AppendAsync(Entry("orders", 1), Ct);
        await log.AppendAsync(Entry("customers", 2), Ct);
        await log.AppendAsync(Entry("orders", 3), Ct);
        await log.AppendAsync(Entry("orders", 4), Ct);

        (await log.ReadPendingAsync("orders", 2, Ct)).Select(e => e.Key).Should().Equal(1, 3);
    }

    [Fact]
    public async Task Complete_RemovesTheEntry_AndIsIdempotent()
    {
        var log = new InMemoryRepairLog<long>();
        var entry = Entry("orders", 1);
        await log.AppendAsync(entry, Ct);

        await log.CompleteAsync([entry], Ct);
        await log.CompleteAsync([entry], Ct);

        log.PendingCount.Should().Be(0);
        (await log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeFalse();
    }

    [Fact]
    public async Task HasPending_MatchesEntityKeyAndTarget()
    {
        var log = new InMemoryRepairLog<long>();
        await log.AppendAsync(Entry("orders", 1), Ct);

        (await log.HasPendingAsync("orders", 1, StoreRole.New, Ct)).Should().BeTrue();
        (await log.HasPendingAsync("orders", 1, StoreRole.Old, Ct)).Should().BeFalse();
        (await log.HasPendingAsync("orders", 2, StoreRole.New, Ct)).Should().BeFalse();
        (await log.HasPendingAsync("customers", 1, StoreRole.New, Ct)).Should().BeFalse();
    }

    [Fact]
    public async Task FailNextAppends_ThrowsWithoutRecording()
    {
        var log = new InMemoryRepairLog<long>();
        var boom = new IOException("disk full");
        log.FailNextAppends(1, boom);

        (await Record.ExceptionAsync(async () => await log.AppendAsync(Entry("orders", 1), Ct))).Should().BeSameAs(boom);
        log.PendingCount.Should().Be(0);

        await log.AppendAsync(Entry("orders", 1), Ct);
        log.PendingCount.Should().Be(1);
    }

    [Fact]
    public async Task ReadPending_RejectsNonPositiveMax()
    {
        var act = async () => await new InMemoryRepairLog<long>().ReadPendingAsync("orders", 0, Ct);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    private static RepairEntry<long> Entry(string entity, long key) =>
        new(Guid.NewGuid(), entity, key, StoreRole.New, 1, "test", At);
}
