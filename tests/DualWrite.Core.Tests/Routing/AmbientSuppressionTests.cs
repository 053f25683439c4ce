using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;

namespace DualWrite.Core.Tests.Routing;

/// <summary>
/// The decorator runs the secondary write and its repair entry outside any ambient transaction of the caller
/// (<see cref="AmbientTransactions"/>), and the authoritative write inside it.
/// </summary>
public sealed class AmbientSuppressionTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData(MigrationPhase.DualWriteReadOld)]
    [InlineData(MigrationPhase.DualWriteReadNew)]
    public async Task SecondaryWrite_RunsSuppressed_AuthoritativeWriteDoesNot(MigrationPhase phase)
    {
        var h = new DualWriteHarness(phase);
        var seen = new Dictionary<StoreRole, bool>();
        Observe(h.Old, StoreRole.Old, seen);
        Observe(h.New, StoreRole.New, seen);

        await h.Store.UpsertAsync(new(1, 10, "a"), Ct);

        var authority = phase.Routing().WriteAuthority;
        seen[authority].Should().BeFalse("the authoritative write belongs to the caller's unit of work");
        seen[authority.Other()].Should().BeTrue("the secondary write must stand whatever the caller's transaction does");
        AmbientTransactions.IsSuppressed.Should().BeFalse("the suppression ends with the decorated call");
    }

    [Fact]
    public async Task RepairEntry_ForAFailedSecondaryWrite_IsAppendedSuppressed()
    {
        var h = new DualWriteHarness(MigrationPhase.DualWriteReadNew);
        h.Old.FailNextWrites(1, new TimeoutException("old store down"));
        var log = new ObservingLog(h.Log);
        var store = new DualWriteStore<long, string>(DualWriteHarness.Entity, h.Old, h.New, h.Phases, log, h.Options);

        await store.UpsertAsync(new(1, 10, "a"), Ct);

        log.AppendsSuppressed.Should().Equal(true);
        (await h.Pending()).Should().ContainSingle().Which.Target.Should().Be(StoreRole.Old);
    }

    [Fact]
    public async Task Suppress_FlowsIntoAwaitedCalls_AndIsGoneAfterTheScope()
    {
        AmbientTransactions.IsSuppressed.Should().BeFalse();
        bool inner;
        using (AmbientTransactions.Suppress())
        {
            inner = await Task.Run(() => AmbientTransactions.IsSuppressed);
            using (AmbientTransactions.Suppress())
            {
            }

            AmbientTransactions.IsSuppressed.Should().BeTrue("a nested scope restores the state it found");
        }

        inner.Should().BeTrue();
        AmbientTransactions.IsSuppressed.Should().BeFalse();
    }

    private static void Observe(InMemoryVersionedStore<long, string> store, StoreRole role, Dictionary<StoreRole, bool> seen) =>
        store.FaultInjector = operation =>
        {
            if (operation is InMemoryStoreOperation.Upsert or InMemoryStoreOperation.Delete)
            {
                seen[role] = AmbientTransactions.IsSuppressed;
            }

            return null;
        };

    /// <summary>A repair log that records whether each append ran suppressed.</summary>
    private sealed class ObservingLog(InMemoryRepairLog<long> inner) : IRepairLog<long>
    {
        public List<bool> AppendsSuppressed { get; } = [];

        public ValueTask AppendAsync(RepairEntry<long> entry, CancellationToken cancellationToken)
        {
            AppendsSuppressed.Add(AmbientTransactions.IsSuppressed);
            return inner.AppendAsync(entry, cancellationToken);
        }

        public ValueTask<IReadOnlyList<RepairEntry<long>>> ReadPendingAsync(string entity, int max, CancellationToken cancellationToken) =>
            inner.ReadPendingAsync(entity, max, cancellationToken);

        public ValueTask<bool> HasPendingAsync(string entity, long key, StoreRole target, CancellationToken cancellationToken) =>
            inner.HasPendingAsync(entity, key, target, cancellationToken);

        public ValueTask<bool> HasPendingTowardAsync(string entity, StoreRole target, CancellationToken cancellationToken) =>
            inner.HasPendingTowardAsync(entity, target, cancellationToken);

        public ValueTask CompleteAsync(IReadOnlyCollection<RepairEntry<long>> entries, CancellationToken cancellationToken) =>
            inner.CompleteAsync(entries, cancellationToken);
    }
}
