using DualWrite.Core.Phases;
using DualWrite.Core.Routing;
using DualWrite.Core.Stores;
using DualWrite.Core.Testing;
using Microsoft.Extensions.Time.Testing;

namespace DualWrite.Core.Tests.Routing;

/// <summary>Two in-memory stores, a phase source, a repair log, the decorator and its repair worker for one entity.</summary>
internal sealed class DualWriteHarness
{
    public const string Entity = "orders";

    public static readonly CancellationToken Ct = CancellationToken.None;

    public DualWriteHarness(MigrationPhase phase, Action<DualWriteStoreOptions<string>>? configure = null, bool outbox = false)
    {
        Outbox = outbox ? new InMemoryOutboxStore(Old, Log) : null;
        IVersionedStore<long, string> oldStore = Outbox is null ? Old : Outbox;
        Phases.SetPhase(Entity, phase);
        Options = new DualWriteStoreOptions<string>
        {
            TimeProvider = Time,

            // No retries or breaker by default, so a fault injected for one write fails exactly that write.
            SecondaryWrites = { MaxRetryAttempts = 0, BreakerMinimumThroughput = int.MaxValue },
        };
        configure?.Invoke(Options);
        Store = new DualWriteStore<long, string>(Entity, oldStore, New, Phases, Log, Options);
        Worker = new RepairWorker<long, string>(Entity, oldStore, New, Log, batchSize: 1000);
    }

    public DualWriteStoreOptions<string> Options { get; }

    /// <summary>The old store as the decorator sees it when it writes through the outbox; null otherwise.</summary>
    public InMemoryOutboxStore? Outbox { get; }

    public InMemoryVersionedStore<long, string> Old { get; } = new();

    public InMemoryVersionedStore<long, string> New { get; } = new();

    public InMemoryPhaseSource Phases { get; } = new();

    public InMemoryRepairLog<long> Log { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public DualWriteStore<long, string> Store { get; }

    public RepairWorker<long, string> Worker { get; }

    public InMemoryVersionedStore<long, string> StoreFor(StoreRole role) => role == StoreRole.Old ? Old : New;

    public void Flip(MigrationPhase phase) => Phases.SetPhase(Entity, phase);

    public static async Task<List<VersionedRecord<long, string>>> ScanAll(IVersionedStore<long, string> store)
    {
        var records = new List<VersionedRecord<long, string>>();
        await foreach (var record in store.ScanAsync(KeyRange<long>.All, 64, Ct))
        {
            records.Add(record);
        }

        return records;
    }

    public async Task ShouldBeInSync()
    {
        var old = await ScanAll(Old);
        var @new = await ScanAll(New);
        @new.Should().Equal(old);
    }

    public async Task<List<RepairEntry<long>>> Pending() => [.. await Log.ReadPendingAsync(Entity, int.MaxValue, Ct)];
}
